"""Delete conversations idle for longer than the retention period (``python -m bot.retention``).

Decree 13/2023 asks that personal data be kept no longer than its purpose needs. A conversation
whose last event is older than ``CONVERSATION_RETENTION_DAYS`` days is deleted from the tracker
store (``TRACKER_STORE_URL``), whole: what it held is already masked, and nothing later needs it.
Run it once a day in production (cron or a systemd timer, docs/security.md); ``make retention``
runs it by hand. It works on the table Rasa's SQL tracker store writes (``events``).
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, func, select
from sqlalchemy import inspect as inspect_database

from bot.settings import load

DAY_SECONDS = 86_400
BATCH = 500  # conversations deleted per statement, so a long backlog never locks the table long

metadata = MetaData()
# The columns of Rasa's SQLTrackerStore table this job reads (Rasa creates the table).
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)


def delete_idle_conversations(url: str, days: int, now: float | None = None) -> int:
    """Delete each conversation whose last event is over ``days`` days old; return how many."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    engine = create_engine(url, future=True)
    try:
        if not inspect_database(engine).has_table("events"):
            return 0
        idle = (
            select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(func.max(events.c.timestamp) < cutoff)
        )
        deleted = 0
        with engine.begin() as conn:
            senders = list(conn.execute(idle).scalars())
            for start in range(0, len(senders), BATCH):
                batch = senders[start : start + BATCH]
                conn.execute(events.delete().where(events.c.sender_id.in_(batch)))
            deleted = len(senders)
        return deleted
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Command line: delete idle conversations and say how many, in Vietnamese."""
    settings = load()
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description=__doc__)
    parser.add_argument(
        "--days",
        type=int,
        default=settings.conversation_retention_days,
        help="keep conversations active in the last N days (default: CONVERSATION_RETENTION_DAYS)",
    )
    args = parser.parse_args(argv)
    if args.days < 1:
        print("Số ngày lưu giữ phải từ 1 trở lên.", file=sys.stderr)
        return 2
    try:
        count = delete_idle_conversations(settings.tracker_store_url, args.days)
    except Exception as error:  # noqa: BLE001 - one clear line, never the URL with its password
        reason = type(error).__name__
        print(f"Không xoá được: không mở được kho hội thoại ({reason}).", file=sys.stderr)
        return 1
    print(f"Đã xoá {count} cuộc trò chuyện không có hoạt động trong {args.days} ngày qua.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
