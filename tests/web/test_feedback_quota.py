"""Daily caps on the widget's ratings: per client address and for the whole site, counted in the
state database (real SQLite) and enforced over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import create_engine, text
from test_widget_server import Server, serve

from bot.web.feedback import TOO_MANY_TODAY
from bot.web.quota import DailyQuota, QuotaExceeded
from procedure_kb import migrations


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 8, 0)

    def __call__(self) -> datetime:
        return self.now


def quota(tmp_path, clock: Clock, per_client: int = 3, per_day: int = 5) -> DailyQuota:
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    return DailyQuota(url, "secret", "feedback", per_client, per_day, clock=clock)


def test_an_address_gets_its_daily_writes_then_waits_a_day(tmp_path) -> None:
    clock = Clock()
    limit = quota(tmp_path, clock)
    for _ in range(3):
        limit.take("203.0.113.7")
    with pytest.raises(QuotaExceeded):
        limit.take("203.0.113.7")
    limit.take("198.51.100.1")  # another address is not affected
    clock.now += timedelta(hours=24, minutes=1)
    limit.take("203.0.113.7")


def test_the_whole_site_has_a_daily_cap_over_rotating_addresses(tmp_path) -> None:
    limit = quota(tmp_path, Clock())
    for n in range(5):
        limit.take(f"192.0.2.{n}")
    with pytest.raises(QuotaExceeded):
        limit.take("192.0.2.200")


def test_addresses_are_stored_as_keyed_pseudonyms(tmp_path) -> None:
    limit = quota(tmp_path, Clock())
    limit.take("203.0.113.7")
    with create_engine(f"sqlite:///{tmp_path / 'state.sqlite3'}").connect() as conn:
        rows = conn.execute(text("select client_hash from public_writes")).scalars().all()
    assert len(rows) == 1 and "203.0.113" not in rows[0] and len(rows[0]) == 64


@pytest.fixture(scope="module")
def capped(tmp_path_factory) -> Iterator[Server]:
    kb = f"sqlite:///{tmp_path_factory.mktemp('quota-kb') / 'kb.sqlite3'}"
    migrations.upgrade(kb)
    yield from serve(kb, FEEDBACK_PER_ADDRESS_PER_DAY="2", FEEDBACK_PER_DAY="3")


def rate(server: Server, address: str, n: int) -> requests.Response:
    return requests.post(
        f"{server.widget}/feedback",
        json={"session_id": f"quota-{address}-{n}", "kind": "answer", "rating": "up"},
        headers={"X-Real-IP": address},  # the launcher trusts it, as behind the province's proxy
        timeout=20,
    )


def test_http_caps_per_address_and_per_day_with_rotating_sessions(capped: Server) -> None:
    assert [rate(capped, "203.0.113.7", n).status_code for n in range(2)] == [201, 201]
    refused = rate(capped, "203.0.113.7", 2)  # a new session id does not help
    assert refused.status_code == 429
    assert refused.json() == {"error": TOO_MANY_TODAY}
    assert rate(capped, "198.51.100.1", 0).status_code == 201  # the third of the day
    site_full = rate(capped, "192.0.2.9", 0)
    assert site_full.status_code == 429 and site_full.json() == {"error": TOO_MANY_TODAY}
