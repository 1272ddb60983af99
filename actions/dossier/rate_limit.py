"""Limit failed verifications so the lookup cannot be used to guess codes or phone digits.

After ``limit`` (5) failed verifications within ``window`` (15 min) for one key, that key is
refused for ``cooldown`` (15 min) counted from the last failure. Keys are the conversation
(sender id) and, when the channel provides one, the client (``client_id`` in message metadata).
Failures live in the state database (``STATE_DATABASE_URL``) so every action-server process
sees them; keys are stored as salted SHA-256 hashes, never in clear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)
from sqlalchemy.engine import Engine, make_url

LIMIT = 5
WINDOW = timedelta(minutes=15)
COOLDOWN = timedelta(minutes=15)
_SALT = b"tro-ly-dvc/dossier-verification/v1"

metadata = MetaData()
failures = Table(
    "dossier_verification_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_hash", String(64), nullable=False),
    Column("failed_at", DateTime, nullable=False),
    Index("ix_dossier_verification_failures_key_time", "key_hash", "failed_at"),
)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def hash_key(kind: str, value: str) -> str:
    """A stable, non-reversible id for a rate-limit key ("conversation:abc", "client:...")."""
    return hashlib.sha256(_SALT + f"{kind}:{value}".encode()).hexdigest()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per database URL; creates the SQLite directory and the table if needed."""
    parsed = make_url(url)
    kwargs: dict = {"pool_pre_ping": True, "future": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 5}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    metadata.create_all(engine, checkfirst=True)
    return engine


class VerificationRateLimiter:
    """Count failed verifications per key and say when a key must wait."""

    def __init__(
        self,
        database_url: str,
        limit: int = LIMIT,
        window: timedelta = WINDOW,
        cooldown: timedelta = COOLDOWN,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.engine = engine_for(database_url)
        self.limit = limit
        self.window = window
        self.cooldown = cooldown
        self._clock = clock

    def _times(self, key_hashes: list[str], since: datetime) -> dict[str, list[datetime]]:
        query = (
            select(failures.c.key_hash, failures.c.failed_at)
            .where(failures.c.key_hash.in_(key_hashes), failures.c.failed_at >= since)
            .order_by(failures.c.failed_at)
        )
        found: dict[str, list[datetime]] = {k: [] for k in key_hashes}
        with self.engine.connect() as conn:
            for key_hash, failed_at in conn.execute(query):
                found[key_hash].append(failed_at)
        return found

    def _blocked_until(self, times: list[datetime]) -> datetime | None:
        """End of the cooldown started by the latest failure that completed a full window."""
        until = None
        for i in range(self.limit - 1, len(times)):
            if times[i] - times[i - self.limit + 1] <= self.window:
                until = times[i] + self.cooldown
        return until

    def retry_after(self, keys: Iterable[str]) -> timedelta | None:
        """How long the most restricted key must still wait; ``None`` if lookups may go on."""
        hashes = sorted({k for k in keys if k})
        if not hashes:
            return None
        now = self._clock()
        since = now - self.window - self.cooldown
        waits = []
        for times in self._times(hashes, since).values():
            until = self._blocked_until(times)
            if until and until > now:
                waits.append(until - now)
        return max(waits) if waits else None

    def record_failure(self, keys: Iterable[str]) -> timedelta | None:
        """Store one failure for each key; return the wait if a key is now blocked."""
        hashes = sorted({k for k in keys if k})
        if not hashes:
            return None
        now = self._clock()
        with self.engine.begin() as conn:
            conn.execute(failures.insert(), [{"key_hash": h, "failed_at": now} for h in hashes])
            conn.execute(failures.delete().where(failures.c.failed_at < now - timedelta(days=1)))
        return self.retry_after(hashes)

    def attempts_left(self, keys: Iterable[str]) -> int:
        """Failures still allowed in the current window for the most restricted key."""
        hashes = sorted({k for k in keys if k})
        if not hashes:
            return self.limit
        now = self._clock()
        counts = [len(t) for t in self._times(hashes, now - self.window).values()]
        return max(0, self.limit - max(counts, default=0))


def keys_for(sender_id: str | None, metadata: dict | None) -> list[str]:
    """Rate-limit keys for a message: its conversation and, if known, its client."""
    keys = []
    if sender_id:
        keys.append(hash_key("conversation", str(sender_id)))
    client = None
    if isinstance(metadata, dict):
        client = metadata.get("client_id") or metadata.get("client_ip")
    if client:
        keys.append(hash_key("client", str(client)[:200]))
    return keys
