"""Lambda entry point of the migrate function.

The deploy tooling invokes it after `terraform apply` and before a release shifts any traffic. It
connects as the schema owner (the RDS master user, password from the RDS-managed secret that only this
function's role may read) with verify-full TLS, and applies what is pending. A failing migration raises
MigrationFailed: that migration rolled back, and the invoke's error names it and its statement.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from smartstack_shared import clients
from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database, password_provider_for
from smartstack_shared.migrate import MigrationFailed, migration_report

logger = Logger()


@cache
def database() -> Database:
    """One connection per container, opened at the first invoke."""
    settings = DatabaseSettings.from_env()
    return Database(settings, password_provider_for(settings, lambda: clients.client("rds")))


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        report = migration_report(database())
    except MigrationFailed as failed:
        logger.error("migration failed", version=failed.version, statement_number=failed.number)
        raise
    logger.info("migrations", **report)
    return report
