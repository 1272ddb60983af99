"""Failed-verification limits stored in the shared state database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from actions.dossier.rate_limit import (
    ADDRESS_FACTOR,
    LIMIT,
    VerificationRateLimiter,
    hash_key,
    keys_for,
)

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 3, 0)

    def __call__(self) -> datetime:
        return self.now


def test_five_failures_within_fifteen_minutes_block_for_fifteen_minutes(state_url):
    clock = Clock()
    limiter = VerificationRateLimiter(state_url, clock=clock)
    keys = keys_for("conv-1", None)
    for n in range(LIMIT - 1):
        assert limiter.record_failure(keys) is None
        assert limiter.attempts_left(keys) == LIMIT - 1 - n
        clock.now += timedelta(minutes=3)
    wait = limiter.record_failure(keys)
    assert wait == timedelta(minutes=15)
    clock.now += timedelta(minutes=14)
    assert limiter.retry_after(keys) == timedelta(minutes=1)
    clock.now += timedelta(minutes=1, seconds=1)
    assert limiter.retry_after(keys) is None


def test_failures_spread_over_more_than_the_window_do_not_block(state_url):
    clock = Clock()
    limiter = VerificationRateLimiter(state_url, clock=clock)
    keys = keys_for("conv-slow", None)
    for _ in range(LIMIT * 2):
        assert limiter.record_failure(keys) is None
        clock.now += timedelta(minutes=4)


def test_client_key_is_shared_by_conversations(state_url):
    limiter = VerificationRateLimiter(state_url)
    for n in range(LIMIT * ADDRESS_FACTOR - 1):
        limiter.record_failure(keys_for(f"conv-{n}", {"client_id": "browser-1"}))
    # a shared address (carrier NAT) is not locked by a few citizens' mistakes
    assert limiter.retry_after(keys_for("conv-new", {"client_id": "browser-1"})) is None
    limiter.record_failure(keys_for("conv-last", {"client_id": "browser-1"}))
    assert limiter.retry_after(keys_for("conv-new", {"client_id": "browser-1"}))
    assert limiter.retry_after(keys_for("conv-new", {"client_id": "browser-2"})) is None
    assert limiter.retry_after(keys_for("conv-new", None)) is None


def test_keys_are_stored_hashed(state_url):
    limiter = VerificationRateLimiter(state_url)
    limiter.record_failure(keys_for("zalo-0912345678", {"client_ip": "203.0.113.9"}))
    with create_engine(state_url).connect() as conn:
        stored = [
            row[0]
            for row in conn.execute(text("select key_hash from dossier_verification_failures"))
        ]
    assert hash_key("conversation", "zalo-0912345678") in stored
    assert not any("0912345678" in k or "203.0.113" in k for k in stored)


def test_the_code_key_is_shared_by_conversations_and_addresses(state_url):
    limiter = VerificationRateLimiter(state_url)
    code = "000.00.01.H29-261103-0004"
    for n in range(LIMIT):
        limiter.record_failure(keys_for(f"conv-{n}", {"client_ip": f"198.51.100.{n}"}, code))
    assert limiter.retry_after(keys_for("conv-new", {"client_ip": "192.0.2.1"}, code))
    assert limiter.retry_after(keys_for("conv-new", {"client_ip": "192.0.2.1"}, "other")) is None


def test_keys_are_keyed_with_the_state_secret(monkeypatch):
    from actions.dossier import rate_limit

    before = hash_key("code", "000.00.01.H29-261103-0004")
    monkeypatch.setattr(rate_limit, "_secret", lambda: "another secret")
    assert hash_key("code", "000.00.01.H29-261103-0004") != before


def test_another_process_sees_the_same_counters(state_url):
    """Failures recorded by a separate Python process (another action server) count here."""
    script = (
        "from actions.dossier.rate_limit import VerificationRateLimiter, keys_for\n"
        f"limiter = VerificationRateLimiter({state_url!r})\n"
        f"for _ in range({LIMIT}):\n"
        "    limiter.record_failure(keys_for('conv-shared', None))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT, timeout=120)
    limiter = VerificationRateLimiter(state_url)
    assert limiter.retry_after(keys_for("conv-shared", None))
