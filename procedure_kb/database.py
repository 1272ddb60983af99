"""Engines for the knowledge-base database: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Engine, create_engine, make_url


class DatabaseNotReady(RuntimeError):
    """The database cannot be reached or has no knowledge-base schema yet."""


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite files the parent folder is created and foreign keys on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, future=True, json_serializer=_json, connect_args={"timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, json_serializer=_json, pool_pre_ping=True)


@lru_cache(maxsize=16)
def state_engine(url: str, metadata: MetaData) -> Engine:
    """One shared engine per URL for small state tables (rate limits, quotas), shared by threads;
    the SQLite folder and ``metadata``'s tables are created when missing."""
    parsed = make_url(url)
    kwargs: dict = {"pool_pre_ping": True, "future": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 5}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    create_tables(engine, metadata)
    return engine


# Any fixed number: the PostgreSQL advisory lock under which processes create state tables.
SCHEMA_LOCK = 7_115_501


def create_tables(engine: Engine, metadata: MetaData) -> None:
    """Create ``metadata``'s missing tables; safe when several processes start at once (on
    PostgreSQL one creates them while the others wait on an advisory lock)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        metadata.create_all(conn, checkfirst=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def safe_url(url: str) -> str:
    """``url`` with any password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)
