"""Direct invocations of the API function (IAM lambda:InvokeFunction) for operators: migration status.
Imported only for such events, so API and queue cold starts skip the migration machinery."""

from __future__ import annotations

from typing import Any

from smartstack_shared.migrate import pending_migrations

from smartstack_api.runtime import get_runtime


def run_admin_action(action: Any) -> dict[str, Any]:
    if action == "migration-status":
        return {"pending": pending_migrations(get_runtime().db)}
    if action == "migrate":
        # The API's database user owns no schema and cannot create roles: migrations run as the owner.
        return {
            "error": "migrations run as the schema owner (RDS master user), not as the API's database user; "
            "see functions/README.md 'Migrations and database roles'",
            "pending": pending_migrations(get_runtime().db),
        }
    return {"error": f"unknown admin action {action!r:.100}"}
