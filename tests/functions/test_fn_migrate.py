"""The migrate function against the real PostgreSQL: it reports, it is idempotent, and a failing migration
rolls back alone and names itself and its statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pg8000.native
import pytest
from fn_helpers import LambdaContext
from smartstack_migrate import handler as migrate_handler
from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database, ssl_context_for
from smartstack_shared.migrate import MigrationFailed, apply_migrations, migration_files, migration_report
from smartstack_tooling.harness.local_postgres import APP_USER, SUPERUSER

CONTEXT = LambdaContext(function_name="smartstack-test-migrate")
GOOD = ("9001_notes", "CREATE TABLE notes (id int PRIMARY KEY);\nINSERT INTO notes VALUES (1);\n")
FAILING = (
    "9002_tags",
    "CREATE TABLE tags (id int PRIMARY KEY);\n"
    "-- the second statement fails\n"
    "INSERT INTO tags VALUES (1 / 0);\n",
)


def test_the_function_reports_a_current_schema_and_applies_nothing_again(migrated):
    migrate_handler.database.cache_clear()
    try:
        first = migrate_handler.handler({}, CONTEXT)
        again = migrate_handler.handler({}, CONTEXT)
    finally:
        migrate_handler.database().close()
        migrate_handler.database.cache_clear()
    latest = migration_files()[-1][0]
    assert first == again == {"applied": [], "pending": [], "current": latest}


@pytest.fixture
def scratch_database(postgres) -> Iterator[Database]:
    """An empty database owned by the schema owner, so failing migrations touch no other test's schema."""
    name = f"scratch_{uuid.uuid4().hex[:8]}"
    owner = DatabaseSettings(host="127.0.0.1", port=postgres.port, name=name, user=APP_USER,
                             region="us-east-1", ca_bundle=str(postgres.ca_file))  # fmt: skip
    admin = pg8000.native.Connection(
        user=SUPERUSER, password=postgres.superuser_password, host="127.0.0.1", port=postgres.port,
        database="postgres", ssl_context=ssl_context_for(owner),
    )  # fmt: skip
    admin.run(f"CREATE DATABASE {name} OWNER {APP_USER}")
    db = Database(owner, lambda: postgres.app_password)
    try:
        yield db
    finally:
        db.close()
        admin.run(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


def _tables(db: Database) -> set[str]:
    rows = db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    return {row["table_name"] for row in rows}


def test_a_failing_migration_rolls_back_alone_and_names_its_statement(scratch_database):
    db = scratch_database
    with pytest.raises(MigrationFailed) as failed:
        apply_migrations(db, [GOOD, FAILING])
    message = str(failed.value)
    assert message.startswith("migration 9002_tags failed at statement 2 (INSERT INTO tags VALUES (1 / 0))")
    assert "division by zero (SQLSTATE 22012)" in message
    assert (failed.value.version, failed.value.number) == ("9002_tags", 2)
    # 9001 stays applied; nothing of 9002 (not even its first statement) is left.
    assert _tables(db) == {"schema_migrations", "notes"}
    assert [r["version"] for r in db.query("SELECT version FROM schema_migrations")] == ["9001_notes"]

    fixed = ("9002_tags", FAILING[1].replace("1 / 0", "2"))
    assert apply_migrations(db, [GOOD, fixed]) == ["9002_tags"]
    assert apply_migrations(db, [GOOD, fixed]) == []
    assert db.query("SELECT id FROM tags") == [{"id": 2}]


def test_the_report_lists_what_a_run_applied(scratch_database):
    report = migration_report(scratch_database)
    versions = [version for version, _ in migration_files()]
    assert report == {"applied": versions, "pending": [], "current": versions[-1]}
    assert migration_report(scratch_database) == {"applied": [], "pending": [], "current": versions[-1]}
