"""ai_results table: one stored answer per job."""

from __future__ import annotations

from smartstack_shared.ai_contract import AiRequest, AiResult
from smartstack_shared.db import Database, Row

from smartstack_ai.bedrock import Conversation


def _to_result(row: Row) -> AiResult:
    return AiResult(
        job_id=str(row["job_id"]),
        model_id=row["model_id"],
        output_text=row["output_text"],
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
        log_key=row["log_key"],
    )


def find_result(db: Database, job_id: str) -> AiResult | None:
    row = db.query_one("SELECT * FROM ai_results WHERE job_id = CAST(:job_id AS uuid)", job_id=job_id)
    return _to_result(row) if row else None


def job_owner(db: Database, request: AiRequest) -> str | None:
    """The owner (caller identity) of the job's task, or None when the job does not exist."""
    row = db.query_one(
        "SELECT t.owner_id FROM processing_jobs j JOIN tasks t ON t.id = j.task_id"
        " WHERE j.id = CAST(:job_id AS uuid) AND j.task_id = CAST(:task_id AS uuid)",
        job_id=request.job_id,
        task_id=request.task_id,
    )
    return None if row is None else str(row["owner_id"])


def store_result(
    db: Database, request: AiRequest, model_id: str, conversation: Conversation, log_key: str
) -> AiResult:
    # ON CONFLICT: a concurrent duplicate invocation may have stored first; keep its answer.
    db.query(
        "INSERT INTO ai_results (job_id, task_id, model_id, output_text, stop_reason,"
        " input_tokens, output_tokens, total_tokens, latency_ms, log_key)"
        " VALUES (CAST(:job_id AS uuid), CAST(:task_id AS uuid), :model_id, :output_text, :stop_reason,"
        " :input_tokens, :output_tokens, :total_tokens, :latency_ms, :log_key)"
        " ON CONFLICT (job_id) DO NOTHING",
        job_id=request.job_id,
        task_id=request.task_id,
        model_id=model_id,
        output_text=conversation.output_text,
        stop_reason=conversation.stop_reason,
        input_tokens=conversation.input_tokens,
        output_tokens=conversation.output_tokens,
        total_tokens=conversation.total_tokens,
        latency_ms=conversation.latency_ms,
        log_key=log_key,
    )
    stored = find_result(db, request.job_id)
    if stored is None:
        raise RuntimeError(f"ai_results row for job {request.job_id} vanished after insert")
    return stored
