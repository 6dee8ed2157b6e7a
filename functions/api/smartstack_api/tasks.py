"""tasks table: every query is scoped to the owner, so one user never sees another's tasks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from smartstack_shared.db import Database, Row

_COLUMNS = "id, owner_id, title, description, status, created_at, updated_at"


def to_json(row: Row) -> dict[str, Any]:
    return {
        key: (
            str(value)
            if isinstance(value, uuid.UUID)
            else value.isoformat()
            if isinstance(value, datetime)
            else value
        )
        for key, value in row.items()
    }


def create_task(db: Database, owner_id: str, notify_email: str | None, title: str, description: str) -> Row:
    rows = db.query(
        "INSERT INTO tasks (id, owner_id, notify_email, title, description)"
        " VALUES (CAST(:id AS uuid), :owner_id, :notify_email, :title, :description)"
        f" RETURNING {_COLUMNS}",
        id=str(uuid.uuid4()),
        owner_id=owner_id,
        notify_email=notify_email,
        title=title,
        description=description,
    )
    return rows[0]


def list_tasks(db: Database, owner_id: str, limit: int) -> list[Row]:
    return db.query(
        f"SELECT {_COLUMNS} FROM tasks WHERE owner_id = :owner_id ORDER BY created_at DESC, id LIMIT :limit",
        owner_id=owner_id,
        limit=limit,
    )


def get_task(db: Database, owner_id: str, task_id: str) -> Row | None:
    return db.query_one(
        f"SELECT {_COLUMNS} FROM tasks WHERE id = CAST(:id AS uuid) AND owner_id = :owner_id",
        id=task_id,
        owner_id=owner_id,
    )


def update_task(db: Database, owner_id: str, task_id: str, changes: dict[str, str]) -> Row | None:
    # Column names come from a fixed allow-list in the route, never from the request keys.
    assignments = ", ".join(f"{column} = :{column}" for column in sorted(changes))
    return db.query_one(
        f"UPDATE tasks SET {assignments}, updated_at = now()"
        f" WHERE id = CAST(:id AS uuid) AND owner_id = :owner_id RETURNING {_COLUMNS}",
        id=task_id,
        owner_id=owner_id,
        **changes,
    )


def set_status(db: Database, task_id: str, status: str) -> None:
    db.query(
        "UPDATE tasks SET status = :status, updated_at = now() WHERE id = CAST(:id AS uuid)",
        id=task_id,
        status=status,
    )
