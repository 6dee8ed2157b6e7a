"""What `make up` delivered besides the resources (`make smoke` after `make up`): the database migrated by
the migrate function's deploy step, and the placeholder site published to the web bucket."""

from __future__ import annotations

import pytest
from smartstack_tooling.harness import roots
from smartstack_tooling.harness.local_postgres import PostgresServer
from smartstack_tooling.operations import local_env, migrate

from .conftest import ENV, Applied

pytestmark = pytest.mark.smoke


def test_the_deploy_migrated_the_database_and_a_second_run_applies_nothing(applied: Applied):
    lines: list[str] = []
    environ = {roots.ENDPOINT_ENV: applied.emulator.url}

    code = migrate.after_apply(ENV, "local", environ, lambda: applied.outputs, lines.append)

    assert code == migrate.EXIT_MIGRATED, lines
    assert lines[-1].startswith(f"== {ENV}: migrations applied nothing, the schema was current; pending none")
    assert any("runs in this process" in line for line in lines)
    server = PostgresServer.load(local_env.workspace(ENV) / "postgres.json")
    assert server is not None, "make up leaves its local PostgreSQL running until make down"
    admin = server.admin_connection(applied.outputs["migrate"]["db_name"])
    try:
        tables = {row[0] for row in admin.run("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    finally:
        admin.close()
    assert {"tasks", "processing_jobs", "ai_results", "schema_migrations"} <= tables


def test_the_first_deploy_published_the_placeholder_site(applied: Applied):
    s3 = applied.client("s3")
    bucket = applied.outputs["web_bucket_name"]
    page = s3.get_object(Bucket=bucket, Key="index.html")
    assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
    assert b"<html" in page["Body"].read().lower()
