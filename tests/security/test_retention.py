"""Conversations idle past the retention period are deleted, whole, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.retention import DAY_SECONDS, delete_idle_conversations
from bot.tracker_store import RedactingSQLTrackerStore
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
NOW = time.time()


@pytest.fixture(params=["sqlite", "postgres"])
def tracker_url(request, tmp_path):
    """An empty tracker store database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
        return
    server = os.environ.get("KB_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("PostgreSQL: KB_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
    schema = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def conversation(sender: str, *days_ago: float) -> DialogueStateTracker:
    """A conversation with one user message and one reply at each of ``days_ago``."""
    events = []
    for age in days_ago:
        stamp = NOW - age * DAY_SECONDS
        events += [
            UserUttered("làm hộ chiếu cần gì", {"name": "ask_documents"}, timestamp=stamp),
            BotUttered("Dạ, Anh/Chị cần tờ khai ạ.", timestamp=stamp + 1),
        ]
    return DialogueStateTracker.from_events(sender, events)


def stored_senders(store: RedactingSQLTrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def test_idle_conversations_are_deleted_and_active_ones_kept(tracker_url) -> None:
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=tracker_url)
    for tracker in (
        conversation("cu", 120, 100),  # idle for 100 days
        conversation("moi", 2),  # active two days ago
        conversation("quay-lai", 200, 10),  # began long ago, came back ten days ago
        conversation("ranh-gioi", 89.9),  # just inside 90 days
    ):
        asyncio.run(store.save(tracker))
    assert stored_senders(store) == {"cu", "moi", "quay-lai", "ranh-gioi"}

    assert delete_idle_conversations(tracker_url, 90, now=NOW) == 1

    assert stored_senders(store) == {"moi", "quay-lai", "ranh-gioi"}
    kept = asyncio.run(store.retrieve_full_tracker("quay-lai"))
    assert len([e for e in kept.events if e.type_name == "user"]) == 2  # whole, old turn too
    assert delete_idle_conversations(tracker_url, 90, now=NOW) == 0  # nothing left to do


def test_the_command_reports_in_vietnamese_and_refuses_a_bad_period(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=url)
    asyncio.run(store.save(conversation("cu", 40)))
    asyncio.run(store.save(conversation("moi", 1)))
    env = dict(os.environ, TRACKER_STORE_URL=url, PYTHONPATH=str(ROOT))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.retention", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("--days", "30")
    assert done.returncode == 0, done.stderr
    assert "Đã xoá 1 cuộc trò chuyện" in done.stdout and "30 ngày" in done.stdout
    assert stored_senders(store) == {"moi"}

    refused = run("--days", "0")
    assert refused.returncode == 2
    assert "Số ngày lưu giữ phải từ 1 trở lên." in refused.stderr
    assert "Traceback" not in refused.stderr
    assert stored_senders(store) == {"moi"}


def test_a_store_that_has_no_conversation_yet_is_left_alone(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'chua-co.sqlite3'}"
    assert delete_idle_conversations(url, 90) == 0
