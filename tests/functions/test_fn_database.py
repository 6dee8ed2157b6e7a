"""PostgreSQL plumbing: migrations, IAM token provider, TLS enforcement, connection reuse and recovery."""

from __future__ import annotations

import re
import urllib.parse

import boto3
import pytest
from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database, DatabaseUnavailable, iam_token_provider
from smartstack_shared.migrate import apply_migrations, migration_files
from smartstack_tooling.harness.local_postgres import APP_USER


def settings() -> DatabaseSettings:
    return DatabaseSettings.from_env()


def test_migrations_are_applied_once_and_recorded(migrated, postgres):
    db = Database(settings(), lambda: postgres.app_password)
    try:
        assert apply_migrations(db) == []  # the session fixture applied them already
        versions = [
            row["version"] for row in db.query("SELECT version FROM schema_migrations ORDER BY version")
        ]
        assert versions == [version for version, _ in migration_files()]
        tables = {row["table_name"] for row in db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}  # fmt: skip
        assert {"tasks", "processing_jobs", "ai_results", "schema_migrations"} <= tables
    finally:
        db.close()


def test_iam_token_provider_signs_a_connect_request_for_the_db_user(migrated):
    token = iam_token_provider(
        settings().model_copy(update={"port": 5432, "host": "db.internal"}), boto3.client("rds")
    )()
    assert token.startswith("db.internal:5432/?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit("https://" + token).query)
    assert query["Action"] == ["connect"]
    assert query["DBUser"] == [APP_USER]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "X-Amz-Signature" in query


def test_token_provider_is_called_for_each_new_connection_and_the_connection_is_reused(migrated, postgres):
    calls: list[int] = []

    def provider() -> str:
        calls.append(1)
        return postgres.app_password

    db = Database(settings(), provider)
    try:
        first_pid = db.query_one("SELECT pg_backend_pid() AS pid")["pid"]
        assert db.query_one("SELECT pg_backend_pid() AS pid")["pid"] == first_pid
        assert len(calls) == 1
        # The server drops the session (idle timeout, failover): the next query reconnects with a new token.
        admin = Database(settings(), lambda: postgres.app_password)
        admin.query("SELECT pg_terminate_backend(:pid)", pid=first_pid)
        admin.close()
        assert db.query_one("SELECT pg_backend_pid() AS pid")["pid"] != first_pid
        assert len(calls) == 2
    finally:
        db.close()


def test_connection_uses_tls(migrated, postgres):
    db = Database(settings(), lambda: postgres.app_password)
    try:
        assert db.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == {"ssl": True}
    finally:
        db.close()


def test_untrusted_certificate_or_wrong_password_is_reported_as_unavailable(migrated, postgres):
    # The system CA store does not trust the test server's self-signed certificate: verify-full must refuse.
    db = Database(
        settings().model_copy(update={"ca_bundle": "/etc/ssl/certs/ca-certificates.crt"}),
        lambda: postgres.app_password,
    )
    with pytest.raises(DatabaseUnavailable, match="cannot connect"):
        db.query("SELECT 1")
    db = Database(settings(), lambda: "wrong-password")
    with pytest.raises(DatabaseUnavailable, match="refused"):
        db.query("SELECT 1")


def test_an_unpackaged_or_unset_ca_bundle_is_a_clear_configuration_error(environment, monkeypatch):
    from smartstack_shared.settings import ConfigurationError

    monkeypatch.setenv("DB_CA_BUNDLE", "/var/task/certs/rds-ca-bundle.pem")
    with pytest.raises(
        ConfigurationError, match=re.escape("DB_CA_BUNDLE /var/task/certs/rds-ca-bundle.pem does not exist")
    ):
        DatabaseSettings.from_env()
    # There is no unverified mode to fall back to.
    monkeypatch.delenv("DB_CA_BUNDLE")
    with pytest.raises(ConfigurationError, match="DB_CA_BUNDLE"):
        DatabaseSettings.from_env()


def test_api_cold_start_configuration_error_answers_503(api, monkeypatch):
    from fn_helpers import api_event, call_api
    from smartstack_api import runtime

    monkeypatch.setenv("DB_CA_BUNDLE", "/var/task/certs/missing.pem")
    runtime.set_runtime(None)  # the next request builds the runtime: a cold start
    response = call_api(api_event("GET", "/tasks"))
    assert response.status == 503
    assert response.body == {"message": "service not fully configured, retry later"}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DB_PORT",
            "abc",
            "DB_PORT input should be a valid integer, unable to parse string as an integer, got 'abc'",
        ),
        ("DB_PORT", "0", "DB_PORT input should be greater than or equal to 1, got '0'"),
        ("DB_AUTH_MODE", "password", "DB_AUTH_MODE must be one of 'iam' or 'secret', got 'password'"),
        ("DB_HOST", " ", "environment variable DB_HOST is required"),
    ],
)
def test_a_malformed_database_variable_is_a_configuration_error_naming_it(
    environment, monkeypatch, variable, value, message
):
    from smartstack_shared.settings import ConfigurationError

    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=f"^{re.escape(message)}$"):
        DatabaseSettings.from_env()
