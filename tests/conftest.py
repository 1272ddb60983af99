"""Shared fixtures: a small real Rasa model trained once per test session, free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")  # also for a bare `pytest` run
# Few epochs keep the suite fast on 2 cores; the shipped config trains longer (see docs/nlu.md).
TEST_DIET_EPOCHS = int(os.environ.get("TEST_DIET_EPOCHS", "40"))
TEST_TED_EPOCHS = int(os.environ.get("TEST_TED_EPOCHS", "20"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_env(state: Path, kb_url: str, **extra: str) -> dict[str, str]:
    """Environment for a whole stack started by ``bot.run.start``: free ports, the given knowledge
    base, and every other database (state, conversations, sandbox) in the folder ``state``."""
    rasa_port = free_port()
    return dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        RASA_PORT=str(rasa_port),
        ACTIONS_PORT=str(free_port()),
        ONESTOP_PORT=str(free_port()),
        WEB_PORT=str(free_port()),
        PUBLIC_URL=f"http://127.0.0.1:{rasa_port}",
        KB_DATABASE_URL=kb_url,
        STATE_DATABASE_URL=f"sqlite:///{state / 'state.sqlite3'}",
        TRACKER_STORE_URL=f"sqlite:///{state / 'tracker.sqlite3'}",
        ONESTOP_DATABASE_URL=f"sqlite:///{state / 'onestop.sqlite3'}",
        **extra,
    )


def training_files(generated: Path) -> list[str]:
    """The project's Rasa training files plus freshly generated ones (never data/nlu/generated)."""
    files = [
        str(p)
        for p in sorted((ROOT / "data").rglob("*.yml"))
        if "generated" not in p.relative_to(ROOT).parts
    ]
    return files + [str(p) for p in sorted(generated.glob("*.yml"))]


def small_config(path: Path) -> Path:
    """config.yml with fewer epochs."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"] + config["policies"]:
        if component["name"] == "DIETClassifier":
            component["epochs"] = TEST_DIET_EPOCHS
        if component["name"] == "TEDPolicy":
            component["epochs"] = TEST_TED_EPOCHS
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def kb_url(tmp_path_factory) -> str:
    """A real SQLite knowledge base loaded from the bundled data through the project's CLI."""
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kb.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "procedure_kb", "--db", url, "load"], cwd=ROOT, check=True
    )
    return url


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, kb_url) -> Path:
    """Train the project's model once per session (fewer epochs) and return the archive path.

    TEST_MODEL_PATH=models/x.tar.gz reuses a model instead (quick local iterations; CI trains).
    """
    if os.environ.get("TEST_MODEL_PATH"):
        return Path(os.environ["TEST_MODEL_PATH"]).resolve()
    work = tmp_path_factory.mktemp("model")
    generated = work / "generated"
    generated.mkdir()
    env = dict(os.environ, KB_DATABASE_URL=kb_url)
    subprocess.run(
        [sys.executable, "-m", "bot.augment", "--out", str(generated / "no_diacritics.yml")],
        cwd=ROOT,
        check=True,
        env=env,
    )
    subprocess.run(
        [sys.executable, "-m", "bot.kb_lookup", "--out", str(generated / "procedure_lookup.yml")],
        cwd=ROOT,
        check=True,
        env=env,
    )
    config = small_config(work / "config.yml")
    command = [
        str(Path(sys.executable).parent / "rasa"),
        "train",
        "--quiet",
        "--domain",
        str(ROOT / "domain.yml"),
        "--config",
        str(config),
        "--out",
        str(work / "models"),
        "--fixed-model-name",
        "test-model",
        "--data",
        *training_files(generated),
    ]
    subprocess.run(command, cwd=work, check=True, env=env)
    return work / "models" / "test-model.tar.gz"
