"""``python -m procedure_kb`` end to end, in a subprocess, on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import records
from test_loader import write_folder

from procedure_kb import migrations
from procedure_kb.repository import Repository

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "procedure_kb", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def loaded_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'db' / 'kb.sqlite3'}"
    data = write_folder(tmp_path / "data")
    result = run("--db", url, "load", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("loaded 3 documents, 4 procedures, 2 faqs into sqlite:")
    return url


def test_load_export_import_round_trip(loaded_db: str, tmp_path: Path) -> None:
    out = tmp_path / "out" / "kb.xlsx"
    result = run("--db", loaded_db, "export", str(out))
    assert result.returncode == 0 and out.is_file()
    assert result.stdout.strip() == f"exported 3 documents, 4 procedures, 2 faqs to {out}"
    result = run("--db", loaded_db, "import", str(out))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == f"imported 3 documents, 4 procedures, 2 faqs from {out}; revision 2"
    )
    faqs = tmp_path / "faqs.json"
    assert (
        run("--db", loaded_db, "export", str(faqs), "--kind", "faq", "--published-only").returncode
        == 0
    )
    assert [f["id"] for f in json.loads(faqs.read_text("utf-8"))["faqs"]] == ["quen-mat-khau"]
    assert json.loads(faqs.read_text("utf-8"))["procedures"] == []


@pytest.mark.parametrize(
    ("day", "online_fee"),
    [
        ("2026-12-31", "Đến hết ngày 31/12/2026: Miễn lệ phí. Từ ngày 01/01/2027: 8.000 đồng"),
        ("2027-01-01", "8.000 đồng"),
    ],
)
def test_public_export_writes_the_values_of_the_day(
    loaded_db: str, tmp_path: Path, day: str, online_fee: str
) -> None:
    out = tmp_path / "public.json"
    result = run("--db", loaded_db, "export", str(out), "--public", "--as-of", day)
    assert result.returncode == 0, result.stderr
    procedures = {p["id"]: p for p in json.loads(out.read_text("utf-8"))["procedures"]}
    online = procedures["khai-sinh"]["submission"][1]
    assert (online["fee"], online["fees"]) == (online_fee, [])
    # the fixture flags the online time: withheld, with where to confirm it
    assert online["time_days"] is None and "đang được cán bộ kiểm tra lại" in online["time_text"]
    assert procedures["khai-sinh"]["needs_review"] == [
        "time: thời gian giải quyết đang được cán bộ kiểm tra lại"
    ]


def test_bad_import_exits_1_names_the_problem_and_writes_nothing(
    loaded_db: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    record = {**records.FAQS[0], "id": "moi", "reviewed_at": "2025-02-30"}
    bad.write_text(json.dumps({"faqs": [record]}, ensure_ascii=False), encoding="utf-8")
    result = run("--db", loaded_db, "import", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: 1 problem(s); nothing was written:",
        "faq 'moi' (faqs[0]), field reviewed_at: "
        "must be a date written YYYY-MM-DD, not '2025-02-30'",
    ]
    repo = Repository(loaded_db)
    try:
        assert repo.revision() == 1 and repo.get_faq("moi") is None
    finally:
        repo.close()
    broken = tmp_path / "broken.csv"
    broken.write_text("kind,id,oops\n", encoding="utf-8")
    result = run("--db", loaded_db, "import", str(broken))
    assert (result.returncode, result.stderr) == (1, "error: broken.csv: unknown column 'oops'\n")


def test_validate(tmp_path: Path) -> None:
    data = write_folder(tmp_path / "data")
    url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    result = run("--db", url, "validate", str(data))
    assert result.returncode == 0
    assert "3 documents, 4 procedures, 2 faqs valid (checked on its own)" in result.stdout
    (data / "faqs" / "quen-mat-khau.yml").write_text("id: quen-mat-khau\nquestion: x\n", "utf-8")
    result = run("--db", url, "validate", str(data))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "error: 4 problem(s):"


def test_database_errors_exit_3(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = run("--db", url, "export", str(tmp_path / "x.json"))
    assert result.returncode == 3
    assert "run `python -m procedure_kb migrate`" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    result = run("--db", "postgresql://kb:secret@127.0.0.1:1/kb", "migrate")
    assert result.returncode == 3 and "secret" not in result.stderr
    assert result.stderr.startswith("error: cannot migrate postgresql://kb:***@127.0.0.1:1/kb")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("frobnicate").returncode == 2
    result = run("--db", "not a url", "migrate")
    assert result.returncode == 2 and result.stderr.startswith("error: invalid database URL")


def test_default_url_comes_from_settings(tmp_path: Path) -> None:
    target = tmp_path / "var" / "kb.sqlite3"
    result = run("migrate", env={"KB_DATABASE_URL": f"sqlite:///{target}"})
    assert result.returncode == 0, result.stderr
    assert target.is_file()
    assert result.stdout.strip() == f"sqlite:///{target}: schema at {migrations.head()}"


def test_search_prints_ranked_ids(loaded_db: str) -> None:
    pytest.importorskip("procedure_kb.resolver")
    result = run("--db", loaded_db, "search", "đăng ký khai sinh cho con")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    first = lines[0].split()
    assert first[:2] == ["1", "khai-sinh"] and 0 < float(first[2]) <= 1
    assert lines[-1].startswith("matched: yes")
