"""Applies the SQL files in ``migrations/`` in name order, each once, each in its own transaction.

Migrations create tables and the functions' roles (``0002``), so they run as the schema owner: on RDS
the master user, whose password only the RDS-managed secret holds (``DB_USER=<master user>``,
``DB_AUTH_MODE=secret``, ``DB_SECRET_ARN=<master secret ARN>``). On deploy the migrate function runs them
(``smartstack_migrate.handler``, invoked by the deploy tooling after apply). By hand:
``python -m smartstack_shared.migrate`` (reads the DB_* environment like the functions) from a host
that can reach the database. The functions' own users cannot migrate; the API's
``{"smartstack_admin_action": "migration-status"}`` lists what is pending.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from typing import Any

from pg8000.exceptions import DatabaseError

from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database, PasswordProvider, password_provider_for

# Arbitrary constant: serialises concurrent migrators (two cold starts, CI and a developer).
_MIGRATION_LOCK_ID = 7_301_922


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("smartstack_shared") / "migrations"
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), (folder / name).read_text(encoding="utf-8")) for name in names]


def split_statements(script: str) -> list[str]:
    """Statements end with ';' at a line end, comments are whole '--' lines, and a ';' inside a
    $$-quoted body (a DO block) does not end the statement."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    statements, current = [], []
    for line in lines:
        current.append(line)
        inside_dollar_quotes = "\n".join(current).count("$$") % 2 == 1
        if line.rstrip().endswith(";") and not inside_dollar_quotes:
            statements.append("\n".join(current).strip().removesuffix(";"))
            current = []
    leftover = "\n".join(current).strip()
    if leftover:
        statements.append(leftover)
    return [statement for statement in statements if statement]


class MigrationFailed(RuntimeError):
    """One migration's statement failed; its transaction rolled back, so the schema is as it was before it."""

    def __init__(self, version: str, number: int, statement: str, cause: Exception) -> None:
        self.version, self.number, self.statement = version, number, statement
        shown = " ".join(statement.split())
        shown = shown if len(shown) <= 200 else shown[:197] + "..."
        super().__init__(
            f"migration {version} failed at statement {number} ({shown}): {_reason(cause)}; "
            f"{version} was rolled back, the migrations before it stay applied"
        )


def _reason(error: Exception) -> str:
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else None
    if details:  # pg8000's server error fields: severity, SQLSTATE, message
        return f"{details.get('M', error)} (SQLSTATE {details.get('C', '?')})"
    return str(error)


Migration = tuple[str, str]  # (version, SQL script)


def apply_migrations(db: Database, migrations: list[Migration] | None = None) -> list[str]:
    """Returns the versions applied by this call (empty when the schema is current); raises
    MigrationFailed, after rolling that migration back, when one of its statements fails."""
    db.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
    )
    applied_now: list[str] = []
    db.query("SELECT pg_advisory_lock(:lock_id)", lock_id=_MIGRATION_LOCK_ID)
    try:
        done = {row["version"] for row in db.query("SELECT version FROM schema_migrations")}
        for version, script in migration_files() if migrations is None else migrations:
            if version in done:
                continue
            with db.transaction():
                for number, statement in enumerate(split_statements(script), start=1):
                    try:
                        db.query(statement)
                    except DatabaseError as exc:
                        raise MigrationFailed(version, number, statement, exc) from exc
                db.query("INSERT INTO schema_migrations (version) VALUES (:version)", version=version)
            applied_now.append(version)
    finally:
        db.query("SELECT pg_advisory_unlock(:lock_id)", lock_id=_MIGRATION_LOCK_ID)
    return applied_now


def pending_migrations(db: Database) -> list[str]:
    """Versions not yet applied (read-only: works for any role with SELECT on schema_migrations)."""
    exists = db.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
    done = (
        {row["version"] for row in db.query("SELECT version FROM schema_migrations")}
        if exists and exists["present"]
        else set()
    )
    return [version for version, _ in migration_files() if version not in done]


def migration_report(db: Database) -> dict[str, Any]:
    """Apply what is pending; report what this run applied, what is still pending and the current version."""
    applied = apply_migrations(db)
    pending = pending_migrations(db)
    versions = [version for version, _ in migration_files() if version not in pending]
    return {"applied": applied, "pending": pending, "current": versions[-1] if versions else None}


def _password_provider(settings: DatabaseSettings, password_env: str | None) -> PasswordProvider:
    if password_env:
        # Operator convenience for local databases only; the Lambda functions never read this.
        return lambda: os.environ[password_env]
    import boto3

    return password_provider_for(settings, lambda: boto3.client("rds", region_name=settings.region))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--password-env",
        help="take the password from this environment variable (local databases) instead of IAM/secret",
    )
    args = parser.parse_args(argv)
    settings = DatabaseSettings.from_env()
    db = Database(settings, _password_provider(settings, args.password_env))
    try:
        report = migration_report(db)
    except MigrationFailed as failed:
        print(f"refused: {failed}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(describe(report))
    return 0


def describe(report: dict[str, Any]) -> str:
    applied = ", ".join(report["applied"]) or "nothing, the schema was current"
    pending = ", ".join(report["pending"]) or "none"
    return f"applied: {applied}; pending: {pending}; current: {report['current']}"


if __name__ == "__main__":
    sys.exit(main())
