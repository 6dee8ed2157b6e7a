"""The functions' database roles (migration 0002) against the real PostgreSQL: created idempotently by the
schema owner, IAM login on RDS (rds_iam), and least privilege checked by connecting as each role and running
the functions' own queries (allowed) and everything else (refused)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pg8000.native
import pytest
from smartstack_ai import results as ai_results
from smartstack_api import jobs, tasks
from smartstack_shared.ai_contract import AiRequest
from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database, ssl_context_for
from smartstack_shared.migrate import apply_migrations, migration_files, pending_migrations, split_statements
from smartstack_tooling.harness.local_postgres import APP_USER, SUPERUSER

ROLES = ("smartstack_api", "smartstack_ai")


def _admin(postgres, database: str) -> pg8000.native.Connection:
    settings = DatabaseSettings.from_env()
    return pg8000.native.Connection(
        user=SUPERUSER, password=postgres.superuser_password, host="127.0.0.1", port=postgres.port,
        database=database, ssl_context=ssl_context_for(settings),
    )  # fmt: skip


@pytest.fixture(scope="module")
def role_passwords(migrated, postgres) -> dict[str, str]:
    """On RDS the roles log in with IAM tokens; locally the superuser gives them passwords to connect."""
    admin = _admin(postgres, "postgres")
    passwords = {role: os.urandom(12).hex() for role in ROLES}
    try:
        for role, password in passwords.items():
            admin.run(f"ALTER ROLE {role} PASSWORD '{password}'")  # hex only: safe to interpolate
    finally:
        admin.close()
    return passwords


@pytest.fixture
def as_role(role_passwords) -> Iterator:
    opened: list[Database] = []

    def connect(role: str) -> Database:
        db = Database(
            DatabaseSettings.from_env().model_copy(update={"user": role}), lambda: role_passwords[role]
        )
        opened.append(db)
        return db

    yield connect
    for db in opened:
        db.close()


def denied(db: Database, sql: str, **params) -> bool:
    """True when PostgreSQL refuses the statement for lack of privilege (SQLSTATE 42501)."""
    try:
        with db.transaction():
            db.query(sql, **params)
    except Exception as error:  # pg8000 DatabaseError carries the SQLSTATE in its first argument
        details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
        if details.get("C") == "42501":
            return True
        raise
    return False


def test_split_keeps_do_blocks_whole():
    script = "-- c\nDO $$\nBEGIN\n    PERFORM 1;\n    PERFORM 2;\nEND\n$$;\nSELECT 1;\n"
    assert split_statements(script) == ["DO $$\nBEGIN\n    PERFORM 1;\n    PERFORM 2;\nEND\n$$", "SELECT 1"]


def test_roles_exist_with_iam_login_and_no_elevated_attributes(migrated, postgres):
    admin = _admin(postgres, "postgres")
    try:
        rows = admin.run(
            "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,"
            " pg_has_role(rolname, 'rds_iam', 'MEMBER') FROM pg_roles WHERE rolname IN ('smartstack_api', "
            "'smartstack_ai') ORDER BY rolname"
        )
    finally:
        admin.close()
    assert [r[0] for r in rows] == ["smartstack_ai", "smartstack_api"]
    for name, login, superuser, createdb, createrole, replication, bypassrls, iam in rows:
        assert login and iam, name
        assert not (superuser or createdb or createrole or replication or bypassrls), name


def test_roles_migration_is_idempotent_for_pre_existing_roles(migrated, postgres):
    """Re-running 0002 (e.g. after roles were created by hand) changes nothing and fails nothing."""
    version, script = next((v, s) for v, s in migration_files() if v.startswith("0002"))
    db = Database(DatabaseSettings.from_env(), lambda: postgres.app_password)
    try:
        with db.transaction():
            for statement in split_statements(script):
                db.query(statement)
        assert pending_migrations(db) == []
        assert apply_migrations(db) == []
    finally:
        db.close()
    assert version == "0002_app_roles_least_privilege"


def test_api_role_runs_the_api_queries(as_role):
    db = as_role("smartstack_api")
    owner = f"user-{uuid.uuid4()}"
    task = tasks.create_task(db, owner, "owner@example.com", "title", "description")
    task_id = str(task["id"])
    assert tasks.get_task(db, owner, task_id)["title"] == "title"
    assert [str(t["id"]) for t in tasks.list_tasks(db, owner, 10)] == [task_id]
    assert tasks.update_task(db, owner, task_id, {"title": "renamed"})["title"] == "renamed"
    job = jobs.create_job(db, task_id, "summarise")
    job_id = str(job["id"])
    jobs.mark_processing(db, job_id, "message-1")
    jobs.record_retryable_error(db, job_id, "throttled")
    assert jobs.load_for_processing(db, job_id)["title"] == "renamed"
    jobs.mark_succeeded(db, job_id, task_id, "result", f"ai-logs/{task_id}/{job_id}.json")
    jobs.mark_notified(db, job_id)
    assert jobs.get_job(db, owner, task_id, job_id)["status"] == "succeeded"
    assert pending_migrations(db) == []


def test_api_role_cannot_delete_read_ai_results_or_change_the_schema(as_role):
    db = as_role("smartstack_api")
    assert denied(db, "DELETE FROM tasks")
    assert denied(db, "SELECT * FROM ai_results")
    assert denied(db, "INSERT INTO schema_migrations (version) VALUES ('9999_x')")
    assert denied(db, "CREATE TABLE api_owned (id int)")
    assert denied(db, "ALTER TABLE tasks ADD COLUMN x int")
    assert denied(db, "DROP TABLE processing_jobs")
    assert denied(db, "CREATE ROLE intruder")
    assert denied(db, "GRANT SELECT ON ai_results TO smartstack_api")


def test_ai_role_runs_the_ai_queries(as_role):
    api_db, ai_db = as_role("smartstack_api"), as_role("smartstack_ai")
    owner = f"user-{uuid.uuid4()}"
    task_id = str(tasks.create_task(api_db, owner, None, "t", "d")["id"])
    job_id = str(jobs.create_job(api_db, task_id, "summarise")["id"])
    assert ai_results.job_owner(ai_db, AiRequest(job_id=job_id, task_id=task_id, prompt="p")) == owner
    assert ai_results.find_result(ai_db, job_id) is None
    ai_db.query(
        "INSERT INTO ai_results (job_id, task_id, model_id, output_text, stop_reason, input_tokens,"
        " output_tokens, total_tokens, latency_ms, log_key) VALUES (CAST(:job_id AS uuid),"
        " CAST(:task_id AS uuid), 'm', 'out', 'end_turn', 1, 2, 3, 4, 'k') ON CONFLICT (job_id) DO NOTHING",
        job_id=job_id,
        task_id=task_id,
    )
    assert ai_results.find_result(ai_db, job_id).output_text == "out"


def test_ai_role_reads_only_the_owner_link_and_writes_only_results(as_role):
    db = as_role("smartstack_ai")
    assert denied(db, "SELECT title FROM tasks")
    assert denied(db, "SELECT notify_email FROM tasks")
    assert denied(db, "SELECT instruction FROM processing_jobs")
    assert denied(db, "UPDATE tasks SET status = 'done'")
    assert denied(db, "UPDATE processing_jobs SET status = 'failed'")
    assert denied(db, "INSERT INTO tasks (id, owner_id, title) VALUES (gen_random_uuid(), 'x', 'y')")
    assert denied(db, "UPDATE ai_results SET output_text = 'x'")
    assert denied(db, "DELETE FROM ai_results")
    assert denied(db, "SELECT * FROM schema_migrations")
    assert denied(db, "CREATE TABLE ai_owned (id int)")


def test_owner_keeps_full_rights(migrated, postgres):
    db = Database(
        DatabaseSettings.from_env().model_copy(update={"user": APP_USER}), lambda: postgres.app_password
    )
    try:
        with db.transaction():
            db.query("CREATE TABLE owner_probe (id int)")
            db.query("DROP TABLE owner_probe")
    finally:
        db.close()
