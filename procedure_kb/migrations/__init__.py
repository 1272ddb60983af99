"""Alembic migrations of the knowledge-base schema, run from code (``procedure_kb migrate``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from procedure_kb.database import DatabaseNotReady, make_engine, safe_url

HERE = Path(__file__).resolve().parent
VERSION_TABLE = "kb_alembic_version"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for ``url`` without any ini file."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head() -> str:
    """The newest migration id shipped with the code."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current(url: str) -> str | None:
    """The migration id the database at ``url`` is at, or None when it has no schema."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()
    except SQLAlchemyError as error:
        raise DatabaseNotReady(
            f"cannot open {safe_url(url)}: {error.__class__.__name__}"
        ) from error
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> str:
    """Bring the database at ``url`` to ``revision`` (default: newest); return the id reached."""
    try:
        command.upgrade(alembic_config(url), revision)
    except SQLAlchemyError as error:
        reason = str(error.orig if getattr(error, "orig", None) else error).strip().splitlines()[0]
        raise DatabaseNotReady(f"cannot migrate {safe_url(url)}: {reason}") from error
    return current(url) or ""


def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at ``url`` back to ``revision`` (default: empty)."""
    command.downgrade(alembic_config(url), revision)
