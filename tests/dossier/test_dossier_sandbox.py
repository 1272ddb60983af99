"""The sandbox as a person runs it: `python -m onestop_sandbox` on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from dossier_support import API_KEY, free_port

from onestop_sandbox.seed import DEMOS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox_process(tmp_path_factory):
    port = free_port()
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        ONESTOP_PORT=str(port),
        ONESTOP_API_KEY=API_KEY,
        ONESTOP_DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('sb') / 'onestop.sqlite3'}",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "onestop_sandbox"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(process.stdout.read().decode())
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_health_and_demo_dossiers(sandbox_process):
    assert requests.get(f"{sandbox_process}/health", timeout=5).json() == {"status": "ok"}
    for demo in DEMOS:
        response = requests.get(
            f"{sandbox_process}/api/v1/dossiers/{demo.code}",
            headers={"X-API-Key": API_KEY},
            timeout=5,
        )
        data = response.json()["data"]
        assert data["TrangThaiHoSo"] == demo.status and data["MaTraCuu"] == demo.lookup_code


def test_api_key_is_required(sandbox_process):
    url = f"{sandbox_process}/api/v1/dossiers/{DEMOS[0].code}"
    assert requests.get(url, timeout=5).status_code == 401
    assert requests.get(url, headers={"X-API-Key": "nope"}, timeout=5).status_code == 401


def test_fault_injection_is_off_without_the_flag(sandbox_process):
    response = requests.post(f"{sandbox_process}/_faults", json={"mode": "down"}, timeout=5)
    assert response.status_code == 404


def test_every_status_has_a_demo_and_one_is_overdue():
    assert {d.status for d in DEMOS} == {str(n) for n in range(1, 11)}
    assert any(d.status == "4" and d.due is not None and d.due < 0 for d in DEMOS)
    assert len({d.phone_last4 for d in DEMOS}) == len(DEMOS)
    assert len({d.lookup_code for d in DEMOS}) == len(DEMOS)


def test_docs_list_every_demo_code_with_its_verification_factors():
    docs = (ROOT / "docs" / "dossier.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(" `"): line for line in docs.splitlines() if line.startswith("| `")
    }
    for demo in DEMOS:
        row = rows[demo.code]
        assert f"`{demo.lookup_code}`" in row and f"`{demo.phone_last4}`" in row
