"""Storage fixtures: a fresh migrated database per test, on SQLite and (when it can run) PostgreSQL.

PostgreSQL comes from env KB_TEST_POSTGRES_URL, or else from scripts/postgres.sh (which installs
and starts a private server on 127.0.0.1). Each test gets its own schema, dropped afterwards.
Tests on PostgreSQL are skipped, with the reason shown by ``-ra``, only when no server can be had.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from procedure_kb import migrations
from procedure_kb.repository import Repository

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_SCRIPT = ROOT / "scripts" / "postgres.sh"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of a PostgreSQL database the tests may create schemas in."""
    url = os.environ.get("KB_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    was_running = (
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "status"], capture_output=True).returncode
        == 0
    )
    try:
        started = subprocess.run(
            ["bash", str(POSTGRES_SCRIPT), "start"], capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired:
        pytest.skip("PostgreSQL: scripts/postgres.sh did not finish in 15 minutes")
    if started.returncode != 0:
        reason = (started.stderr.strip().splitlines() or ["no message"])[-1]
        pytest.skip(f"PostgreSQL could not be started by scripts/postgres.sh: {reason}")
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop"], capture_output=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A PostgreSQL URL whose search path is a new, empty schema (dropped after the test)."""
    schema = f"kb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file URL in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'var' / 'kb.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each kind."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def repo(db_url: str) -> Repository:
    """A repository on a freshly migrated, empty database."""
    migrations.upgrade(db_url)
    repository = Repository(db_url)
    yield repository
    repository.close()
