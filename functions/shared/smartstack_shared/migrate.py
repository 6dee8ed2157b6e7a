"""Applies the SQL files in ``migrations/`` in name order, each once, each in its own transaction.

Run with ``python -m smartstack_shared.migrate`` (reads the DB_* environment like the functions),
or invoke the API function with ``{"smartstack_admin_action": "migrate"}`` from inside the VPC.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources

from smartstack_shared.db import Database, PasswordProvider, password_provider_for
from smartstack_shared.settings import DatabaseSettings

# Arbitrary constant: serialises concurrent migrators (two cold starts, CI and a developer).
_MIGRATION_LOCK_ID = 7_301_922


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("smartstack_shared") / "migrations"
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), (folder / name).read_text(encoding="utf-8")) for name in names]


def split_statements(script: str) -> list[str]:
    """Our migrations are plain DDL: statements end with ';' at a line end, comments use '--'."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    statements, current = [], []
    for line in lines:
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().removesuffix(";"))
            current = []
    leftover = "\n".join(current).strip()
    if leftover:
        statements.append(leftover)
    return [statement for statement in statements if statement]


def apply_migrations(db: Database) -> list[str]:
    """Returns the versions applied by this call (empty when the schema is current)."""
    db.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
    )
    applied_now: list[str] = []
    db.query("SELECT pg_advisory_lock(:lock_id)", lock_id=_MIGRATION_LOCK_ID)
    try:
        done = {row["version"] for row in db.query("SELECT version FROM schema_migrations")}
        for version, script in migration_files():
            if version in done:
                continue
            with db.transaction():
                for statement in split_statements(script):
                    db.query(statement)
                db.query("INSERT INTO schema_migrations (version) VALUES (:version)", version=version)
            applied_now.append(version)
    finally:
        db.query("SELECT pg_advisory_unlock(:lock_id)", lock_id=_MIGRATION_LOCK_ID)
    return applied_now


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
        applied = apply_migrations(db)
    finally:
        db.close()
    print("applied: " + (", ".join(applied) if applied else "nothing, schema is current"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
