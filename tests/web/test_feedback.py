"""Feedback from the widget: POST /webhooks/widget/feedback over real HTTP into the knowledge-base
database, on SQLite and (when KB_TEST_POSTGRES_URL is set, as scripts/test.sh does) PostgreSQL;
the repository methods and the CLI command staff read it with."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from test_widget_server import Server, serve

from bot.web import feedback as messages
from procedure_kb import migrations
from procedure_kb.repository import FeedbackLimitReached, Repository
from tests.conftest import ROOT


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    """A migrated knowledge-base database of each kind (PostgreSQL: a schema of its own)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('feedback') / 'kb.sqlite3'}"
        migrations.upgrade(url)
        yield url
        return
    server = os.environ.get("KB_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("PostgreSQL: KB_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
    schema = f"feedback_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    try:
        migrations.upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def server(db: str) -> Iterator[Server]:
    yield from serve(db)


@pytest.fixture(scope="module")
def repo(db: str) -> Iterator[Repository]:
    repository = Repository(db)
    yield repository
    repository.close()


def session() -> str:
    return f"phien-{uuid.uuid4().hex}"


def post(server: Server, body, **kwargs) -> requests.Response:
    url = f"{server.widget}/feedback"
    if isinstance(body, (bytes, str)):
        return requests.post(url, data=body, timeout=20, **kwargs)
    return requests.post(url, json=body, timeout=20, **kwargs)


def stored(repo: Repository, session_id: str) -> list[dict]:
    return [row for row in repo.list_feedback(limit=1000) if row["session_id"] == session_id]


def test_answer_rating_is_stored_with_numbers_masked(server: Server, repo: Repository) -> None:
    sid = session()
    answer = "Lệ phí: miễn phí.\nGọi 0912 345 678 hoặc CCCD 001085012345 nhé."
    body = {"session_id": sid, "kind": "answer", "rating": "down", "answer": answer}
    response = post(server, body)
    assert response.status_code == 201 and response.json() == {"status": "ok"}
    (row,) = stored(repo, sid)
    assert (row["channel"], row["kind"], row["rating"], row["comment"]) == (
        "widget",
        "answer",
        "down",
        None,
    )
    assert row["answer"] == "Lệ phí: miễn phí. Gọi 091******* hoặc CCCD *********345 nhé."
    assert abs(row["created_at"] - datetime.now(timezone.utc).replace(tzinfo=None)) < timedelta(
        minutes=5
    )


def test_session_rating_comment_is_cleaned_and_masked(server: Server, repo: Repository) -> None:
    sid = session()
    comment = "Rất\x00 tốt\u200b, cảm ơn!\x1b[31m Số tôi +84 912.345.678"
    body = {"session_id": sid, "kind": "session", "rating": "satisfied", "comment": comment}
    assert post(server, body).status_code == 201
    (row,) = stored(repo, sid)
    assert row["comment"] == "Rất tốt , cảm ơn! [31m Số tôi 091*******"
    assert "912" not in row["comment"] and row["answer"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"khong phai json", messages.BAD_FORMAT),
        (b"", messages.BAD_FORMAT),
        (b"\xff\xfe\x00", messages.BAD_FORMAT),
        ([1, 2], messages.BAD_FORMAT),
        ("null", messages.BAD_FORMAT),
        ({"kind": "answer", "rating": "up"}, messages.NO_SESSION),
        ({"session_id": 12, "kind": "answer", "rating": "up"}, messages.NO_SESSION),
        ({"session_id": "  ", "kind": "answer", "rating": "up"}, messages.NO_SESSION),
        ({"session_id": "\x00\x01", "kind": "answer", "rating": "up"}, messages.NO_SESSION),
        ({"session_id": "s" * 129, "kind": "answer", "rating": "up"}, messages.LONG_SESSION),
        ({"session_id": "s", "kind": "ca-nhan", "rating": "up"}, messages.BAD_KIND),
        ({"session_id": "s", "rating": "up"}, messages.BAD_KIND),
        ({"session_id": "s", "kind": ["answer"], "rating": "up"}, messages.BAD_KIND),
        ({"session_id": "s", "kind": "session", "rating": "up"}, messages.BAD_RATING),
        ({"session_id": "s", "kind": "answer", "rating": "satisfied"}, messages.BAD_RATING),
        ({"session_id": "s", "kind": "answer"}, messages.BAD_RATING),
        ({"session_id": "s", "kind": "answer", "rating": 1}, messages.BAD_RATING),
        (
            {"session_id": "s", "kind": "session", "rating": "unsatisfied", "comment": 5},
            messages.BAD_TEXT,
        ),
        (
            {"session_id": "s", "kind": "answer", "rating": "up", "answer": {"a": 1}},
            messages.BAD_TEXT,
        ),
        (
            {"session_id": "s", "kind": "session", "rating": "unsatisfied", "comment": "x" * 1001},
            messages.LONG_COMMENT,
        ),
    ],
)
def test_bad_requests_get_a_vietnamese_400_and_store_nothing(
    server: Server, repo: Repository, body, message: str
) -> None:
    before = len(repo.list_feedback(limit=10_000))
    response = post(server, body)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert message.endswith("ạ.")
    assert len(repo.list_feedback(limit=10_000)) == before


def test_limits_at_their_edge(server: Server, repo: Repository) -> None:
    sid = "s" * 128
    comment = "ý" * 1000
    body = {"session_id": sid, "kind": "session", "rating": "unsatisfied", "comment": comment}
    assert post(server, body).status_code == 201
    assert stored(repo, sid)[0]["comment"] == comment
    too_big = b'{"session_id": "x", "kind": "answer", "rating": "up", "answer": "' + b"a" * 17000
    response = post(server, too_big + b'"}')
    assert response.status_code == 413 and response.json() == {"error": messages.TOO_LARGE}


def test_a_long_answer_is_cut_after_masking(server: Server, repo: Repository) -> None:
    sid = session()
    answer = "a" * 1995 + " 0912345678 " + "b" * 100
    body = {"session_id": sid, "kind": "answer", "rating": "up", "answer": answer}
    assert post(server, body).status_code == 201
    (row,) = stored(repo, sid)
    # Masked before the cut: no digit of the number's tail survives.
    assert len(row["answer"]) == 2000 and row["answer"].endswith(" 091*")
    assert "0912" not in row["answer"]


def test_a_text_plain_body_is_read_as_json(server: Server, repo: Repository) -> None:
    # fetch/sendBeacon with text/plain avoid a CORS preflight; the body is still JSON.
    sid = session()
    body = f'{{"session_id": "{sid}", "kind": "answer", "rating": "up"}}'
    headers = {"Content-Type": "text/plain;charset=UTF-8"}
    assert post(server, body.encode(), headers=headers).status_code == 201
    assert len(stored(repo, sid)) == 1


def test_a_session_that_rated_too_often_gets_429(server: Server, repo: Repository) -> None:
    sid = session()
    for _ in range(messages.MAX_PER_SESSION - 1):
        repo.record_feedback(sid, "answer", "up")
    body = {"session_id": sid, "kind": "answer", "rating": "down"}
    assert post(server, body).status_code == 201
    refused = post(server, body)
    assert refused.status_code == 429 and refused.json() == {"error": messages.TOO_MANY}
    assert len(stored(repo, sid)) == messages.MAX_PER_SESSION
    assert post(server, {**body, "session_id": session()}).status_code == 201


def test_repository_filters_and_summary(db: str, tmp_path_factory) -> None:
    repo = Repository(db)
    try:
        start = repo.feedback_summary()
        assert set(start) == {"answer", "session"}
        assert set(start["answer"]) == {"up", "down"}
        assert set(start["session"]) == {"satisfied", "unsatisfied"}
        sid = session()
        first = repo.record_feedback(sid, "session", "unsatisfied", channel="rest", comment="Chậm")
        second = repo.record_feedback(sid, "answer", "up")
        assert second > first
        after = repo.feedback_summary()
        assert after["session"]["unsatisfied"] == start["session"]["unsatisfied"] + 1
        assert after["answer"]["up"] == start["answer"]["up"] + 1
        newest = repo.list_feedback(limit=1)
        assert [row["id"] for row in newest] == [second]
        sessions = repo.list_feedback(kind="session", limit=1)
        assert sessions[0]["id"] == first and sessions[0]["channel"] == "rest"
        future = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=1)
        assert repo.list_feedback(since=future) == []
        assert repo.feedback_summary(since=future)["answer"] == {"up": 0, "down": 0}
        with pytest.raises(ValueError):
            repo.record_feedback(sid, "answer", "satisfied")
        with pytest.raises(ValueError):
            repo.record_feedback("\x00 ", "answer", "up")
        with pytest.raises(FeedbackLimitReached):
            repo.record_feedback(sid, "answer", "up", max_per_session=2)
    finally:
        repo.close()


def test_cli_prints_the_latest_feedback_and_the_summary(db: str, repo: Repository) -> None:
    sid = session()
    repo.record_feedback(sid, "session", "satisfied", comment="Dễ dùng, gọi 0987654321")
    run = subprocess.run(
        [sys.executable, "-m", "procedure_kb", "--db", db, "feedback", "--kind", "session"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "session satisfied" in " ".join(lines[0].split())
    assert lines[0].endswith("Dễ dùng, gọi 098*******") and sid[:16] in lines[0]
    assert all(" answer " not in line for line in lines[:-2])
    summary = repo.feedback_summary()
    assert lines[-2:] == [
        f"answer: {summary['answer']['up']} up, {summary['answer']['down']} down",
        f"session: {summary['session']['satisfied']} satisfied, "
        f"{summary['session']['unsatisfied']} unsatisfied",
    ]
    bad = subprocess.run(
        [sys.executable, "-m", "procedure_kb", "--db", db, "feedback", "--limit", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--limit" in bad.stderr
