"""The AI service proper: validate, call Bedrock once per job, log to S3, record in PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError
from smartstack_shared.ai_contract import AiRequest, error_payload, problem
from smartstack_shared.db import DatabaseUnavailable
from smartstack_shared.pseudonym import pseudonymise
from smartstack_shared.settings import SecretUnavailable

from smartstack_ai import results
from smartstack_ai.bedrock import (
    BedrockRejected,
    BedrockThrottled,
    Conversation,
    converse_request,
    converse_with_retry,
)
from smartstack_ai.runtime import AiRuntime

AI_LOG_PREFIX = "ai-logs/"
logger = Logger(child=True)


def ai_log_key(request: AiRequest) -> str:
    # Deterministic key: a retried job overwrites its own log rather than leaving orphans.
    return f"{AI_LOG_PREFIX}{request.task_id}/{request.job_id}.json"


def write_ai_log(
    runtime: AiRuntime,
    request: AiRequest,
    caller_pseudonym: str,
    bedrock_request: dict[str, Any],
    answer: Conversation,
) -> str:
    key = ai_log_key(request)
    document = {
        "job_id": request.job_id,
        "task_id": request.task_id,
        # Never the raw user id: the keyed pseudonym still groups one caller's logs (abuse review,
        # erasure requests recompute it with the key) but cannot be reversed from the bucket alone.
        "caller": caller_pseudonym,
        "model_id": runtime.model_id,
        "logged_at": datetime.now(UTC).isoformat(),
        "request": bedrock_request,
        "response": {
            "output_text": answer.output_text,
            "stop_reason": answer.stop_reason,
            "usage": {
                "input_tokens": answer.input_tokens,
                "output_tokens": answer.output_tokens,
                "total_tokens": answer.total_tokens,
            },
            "latency_ms": answer.latency_ms,
        },
    }
    # No ServerSideEncryption argument: the bucket's default (SSE-KMS in the storage module) applies.
    runtime.s3.put_object(
        Bucket=runtime.files_bucket,
        Key=key,
        Body=json.dumps(document, sort_keys=True).encode("utf-8"),
        ContentType="application/json",
    )
    return key


def process_ai_request(
    payload: Any, runtime: AiRuntime, sleep: Callable[[float], None] = time.sleep
) -> dict[str, Any]:
    """Never raises for expected failures: the caller gets ``ok: false`` with a kind and reason."""
    try:
        request = AiRequest.model_validate(payload)
    except ValidationError as exc:
        return error_payload("bad_input", problem(exc))
    try:
        stored = results.find_result(runtime.db, request.job_id)
        if stored is not None:
            logger.info("returning stored result", extra={"job_id": request.job_id})
            return stored.to_payload()
        owner = results.job_owner(runtime.db, request)
        if owner is None:
            return error_payload(
                "bad_input", f"job {request.job_id} of task {request.task_id} does not exist"
            )
        # Before Bedrock: without the key the call could not be logged, so it is not paid for.
        caller_pseudonym = pseudonymise(runtime.log_hmac_key(), owner)
        bedrock_request = converse_request(runtime.model_id, request.prompt, runtime.max_output_tokens)
        answer = converse_with_retry(runtime.bedrock, bedrock_request, runtime.retry_policy, sleep)
        log_key = write_ai_log(runtime, request, caller_pseudonym, bedrock_request, answer)
        return results.store_result(runtime.db, request, runtime.model_id, answer, log_key).to_payload()
    except BedrockThrottled as exc:
        return error_payload("throttled", str(exc))
    except BedrockRejected as exc:
        return error_payload("bad_input", str(exc))
    except DatabaseUnavailable as exc:
        return error_payload("unavailable", str(exc))
    except SecretUnavailable as exc:
        # Retryable: once an operator sets the key, the queued job succeeds on redelivery.
        logger.error("AI log key unavailable", extra={"reason": str(exc)})
        return error_payload("unavailable", str(exc))
    except (ClientError, BotoCoreError) as exc:
        logger.exception("AWS call failed")
        return error_payload("unavailable", f"AWS call failed: {exc}")
