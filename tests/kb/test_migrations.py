"""The Alembic migrations build exactly the schema of the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from procedure_kb import migrations
from procedure_kb.database import make_engine
from procedure_kb.models import metadata
from procedure_kb.repository import Repository


def schema_differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={"compare_type": True, "version_table": migrations.VERSION_TABLE},
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_builds_the_model_schema(db_url: str) -> None:
    assert migrations.current(db_url) is None
    assert migrations.upgrade(db_url) == migrations.head()
    assert table_names(db_url) == set(metadata.tables) | {migrations.VERSION_TABLE}
    assert schema_differences(db_url) == []
    repo = Repository(db_url)
    try:
        assert repo.revision() == 0
    finally:
        repo.close()


def test_upgrade_is_idempotent_and_downgrade_reverses_it(db_url: str) -> None:
    migrations.upgrade(db_url)
    assert migrations.upgrade(db_url) == migrations.head()
    migrations.downgrade(db_url)
    assert table_names(db_url) == {migrations.VERSION_TABLE}
    assert migrations.current(db_url) is None
    assert migrations.upgrade(db_url) == migrations.head()


def test_sqlite_folder_is_created(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'kb.sqlite3'}"
    migrations.upgrade(url)
    assert (tmp_path / "a" / "b" / "kb.sqlite3").is_file()


def test_feedback_migration_keeps_existing_data_and_reverses(db_url: str) -> None:
    migrations.upgrade(db_url, "0001_initial")
    repo = Repository(db_url)
    try:
        repo.record_unanswered("câu hỏi cũ", "phien-1", None)
        assert migrations.upgrade(db_url, "0002_feedback") == "0002_feedback"
        assert [q["text"] for q in repo.list_unanswered()] == ["câu hỏi cũ"]
        repo.record_feedback("phien-1", "answer", "up")
        migrations.downgrade(db_url, "0001_initial")
        assert "feedback" not in table_names(db_url)
        assert [q["text"] for q in repo.list_unanswered()] == ["câu hỏi cũ"]
    finally:
        repo.close()


def test_validity_period_migration_keeps_procedures_and_reverses(db_url: str) -> None:
    migrations.upgrade(db_url, "0002_feedback")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO procedures (id, name, aliases, keywords, conditions, status, "
                    "source, reviewed_at, needs_review) VALUES ('cu', 'Thủ tục cũ', '[]', "
                    "'[]', '[]', 'published', 'https://nguon', '2026-11-20', '[]')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO procedure_submissions (procedure_id, position, channel, fee_vnd) "
                    "VALUES ('cu', 0, 'in_person', 5000)"
                )
            )
    finally:
        engine.dispose()
    assert migrations.upgrade(db_url, "0003_validity_periods") == "0003_validity_periods"
    repo = Repository(db_url)
    try:
        way = repo.get_procedure("cu")["submission"][0]
        assert (way["fee_vnd"], way["fees"]) == (5000, [])
    finally:
        repo.close()
    migrations.downgrade(db_url, "0002_feedback")
    assert migrations.current(db_url) == "0002_feedback"
