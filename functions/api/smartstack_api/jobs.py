"""processing_jobs table: the job id is the idempotency key carried by the SQS message."""

from __future__ import annotations

import uuid

from smartstack_shared.db import Database, Row

_PUBLIC_COLUMNS = (
    "id, task_id, instruction, status, attempts, result_text, ai_log_key, error, created_at, updated_at"
)


def create_job(db: Database, task_id: str, instruction: str) -> Row:
    rows = db.query(
        "INSERT INTO processing_jobs (id, task_id, instruction)"
        f" VALUES (CAST(:id AS uuid), CAST(:task_id AS uuid), :instruction) RETURNING {_PUBLIC_COLUMNS}",
        id=str(uuid.uuid4()),
        task_id=task_id,
        instruction=instruction,
    )
    return rows[0]


def get_job(db: Database, owner_id: str, task_id: str, job_id: str) -> Row | None:
    columns = ", ".join(f"j.{name.strip()}" for name in _PUBLIC_COLUMNS.split(","))
    return db.query_one(
        f"SELECT {columns} FROM processing_jobs j JOIN tasks t ON t.id = j.task_id"
        " WHERE j.id = CAST(:job_id AS uuid) AND j.task_id = CAST(:task_id AS uuid)"
        " AND t.owner_id = :owner_id",
        job_id=job_id,
        task_id=task_id,
        owner_id=owner_id,
    )


def load_for_processing(db: Database, job_id: str) -> Row | None:
    return db.query_one(
        "SELECT j.id, j.task_id, j.instruction, j.status, j.result_text, j.error, j.notified_at,"
        " t.title, t.description, t.notify_email"
        " FROM processing_jobs j JOIN tasks t ON t.id = j.task_id WHERE j.id = CAST(:job_id AS uuid)",
        job_id=job_id,
    )


def mark_processing(db: Database, job_id: str, message_id: str) -> None:
    db.query(
        "UPDATE processing_jobs SET status = 'processing', attempts = attempts + 1,"
        " last_message_id = :message_id, updated_at = now() WHERE id = CAST(:job_id AS uuid)",
        job_id=job_id,
        message_id=message_id,
    )


def record_retryable_error(db: Database, job_id: str, error: str) -> None:
    db.query(
        "UPDATE processing_jobs SET error = :error, updated_at = now() WHERE id = CAST(:job_id AS uuid)",
        job_id=job_id,
        error=error[:2000],
    )


def mark_succeeded(db: Database, job_id: str, task_id: str, result_text: str, ai_log_key: str) -> None:
    with db.transaction():
        db.query(
            "UPDATE processing_jobs SET status = 'succeeded', result_text = :result_text,"
            " ai_log_key = :ai_log_key, error = NULL, updated_at = now() WHERE id = CAST(:job_id AS uuid)",
            job_id=job_id,
            result_text=result_text,
            ai_log_key=ai_log_key,
        )
        db.query(
            "UPDATE tasks SET status = 'done', updated_at = now() WHERE id = CAST(:task_id AS uuid)",
            task_id=task_id,
        )


def mark_failed(db: Database, job_id: str, task_id: str, error: str) -> None:
    with db.transaction():
        db.query(
            "UPDATE processing_jobs SET status = 'failed', error = :error, updated_at = now()"
            " WHERE id = CAST(:job_id AS uuid)",
            job_id=job_id,
            error=error[:2000],
        )
        db.query(
            "UPDATE tasks SET status = 'failed', updated_at = now() WHERE id = CAST(:task_id AS uuid)",
            task_id=task_id,
        )


def mark_notified(db: Database, job_id: str) -> None:
    db.query(
        "UPDATE processing_jobs SET notified_at = now() WHERE id = CAST(:job_id AS uuid)",
        job_id=job_id,
    )
