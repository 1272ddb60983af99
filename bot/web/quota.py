"""Daily caps on public writes (the widget's ratings): per client address and for the whole site.

Each accepted write is one row in the state database (``STATE_DATABASE_URL``), shared by every
Rasa process; the address is stored only as an HMAC pseudonym keyed with ``STATE_SECRET``.
Rows older than two days are deleted as new ones arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)

from procedure_kb.database import state_engine
from procedure_kb.privacy import keyed_hash

metadata = MetaData()
writes = Table(
    "public_writes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("client_hash", String(64), nullable=False),
    Column("written_at", DateTime, nullable=False),
    Index("ix_public_writes_kind_time", "kind", "written_at"),
    Index("ix_public_writes_client_time", "client_hash", "written_at"),
)


class QuotaExceeded(RuntimeError):
    """The address or the whole site has used today's writes of this kind."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class DailyQuota:
    """At most ``per_client`` writes of ``kind`` per address and ``per_day`` in all, in 24 hours."""

    def __init__(
        self,
        database_url: str,
        secret: str,
        kind: str,
        per_client: int,
        per_day: int,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.engine = state_engine(database_url, metadata)
        self.secret = secret
        self.kind = kind
        self.per_client = per_client
        self.per_day = per_day
        self._clock = clock

    def take(self, client: str | None) -> None:
        """Count one write for ``client`` (an address), or raise :class:`QuotaExceeded`."""
        now = self._clock()
        since = now - timedelta(days=1)
        client_hash = keyed_hash(self.secret, f"public-writes/{self.kind}", client or "unknown")
        recent = (writes.c.kind == self.kind) & (writes.c.written_at >= since)
        with self.engine.begin() as conn:
            total = conn.execute(select(func.count()).where(recent)).scalar_one()
            mine = conn.execute(
                select(func.count()).where(recent & (writes.c.client_hash == client_hash))
            ).scalar_one()
            if total >= self.per_day or mine >= self.per_client:
                raise QuotaExceeded(self.kind)
            conn.execute(
                writes.insert(), {"kind": self.kind, "client_hash": client_hash, "written_at": now}
            )
            conn.execute(writes.delete().where(writes.c.written_at < now - timedelta(days=2)))
