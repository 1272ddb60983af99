"""Limit failed verifications so the lookup cannot be used to guess codes or phone digits.

After ``limit`` (5) failed verifications within ``window`` (15 min) for one key, that key is
refused for ``cooldown`` (15 min) counted from the last failure. Keys are the dossier code
itself, the conversation (sender id) and the client address the channel saw (``client_ip`` in
message metadata, read only from proxies configured as trusted). Rotating addresses or
conversations does not help a guesser: the code stays locked. An address may be shared by many
citizens (a carrier NAT, an office proxy), so it gets ``ADDRESS_FACTOR`` times the limit.
Failures live in the state database (``STATE_DATABASE_URL``) so every action-server process
sees them; keys are stored as HMAC-SHA-256 pseudonyms keyed with ``STATE_SECRET``, never in clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    select,
)
from sqlalchemy.engine import Engine

from bot.settings import load
from procedure_kb.database import state_engine
from procedure_kb.privacy import keyed_hash

LIMIT = 5
ADDRESS_FACTOR = 4
# The first character of a stored key says its kind, so an address can have its own limit.
KIND_PREFIX = {"code": "d", "conversation": "s", "client": "a"}
WINDOW = timedelta(minutes=15)
COOLDOWN = timedelta(minutes=15)

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


@lru_cache(maxsize=1)
def _secret() -> str:
    return load().state_secret


def hash_key(kind: str, value: str) -> str:
    """A stable, non-reversible 64-character id for a rate-limit key of ``kind``."""
    digest = keyed_hash(_secret(), f"dossier-verification/{kind}", value)
    return KIND_PREFIX[kind] + digest[:63]


def engine_for(url: str) -> Engine:
    """One engine per database URL; creates the SQLite directory and the table if needed."""
    return state_engine(url, metadata)


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

    def limit_of(self, key_hash: str) -> int:
        """Failures allowed per window for one key (more for a shared client address)."""
        return self.limit * ADDRESS_FACTOR if key_hash.startswith("a") else self.limit

    def _blocked_until(self, times: list[datetime], limit: int) -> datetime | None:
        """End of the cooldown started by the latest failure that completed a full window."""
        until = None
        for i in range(limit - 1, len(times)):
            if times[i] - times[i - limit + 1] <= self.window:
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
        for key_hash, times in self._times(hashes, since).items():
            until = self._blocked_until(times, self.limit_of(key_hash))
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
        found = self._times(hashes, now - self.window)
        return max(0, min(self.limit_of(h) - len(t) for h, t in found.items()))


def keys_for(sender_id: str | None, metadata: dict | None, code: str | None = None) -> list[str]:
    """Rate-limit keys for a message: its conversation, its client if known, and the code."""
    keys = []
    if code:
        keys.append(hash_key("code", code))
    if sender_id:
        keys.append(hash_key("conversation", str(sender_id)))
    client = None
    if isinstance(metadata, dict):
        client = metadata.get("client_id") or metadata.get("client_ip")
    if client:
        keys.append(hash_key("client", str(client)[:200]))
    return keys
