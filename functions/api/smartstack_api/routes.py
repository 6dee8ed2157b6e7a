"""REST routes. Each route parses input, calls a plain function, and shapes the response."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    ServiceError,
    UnauthorizedError,
)
from botocore.exceptions import BotoCoreError, ClientError
from smartstack_shared.db import DatabaseUnavailable
from smartstack_shared.settings import ConfigurationError

from smartstack_api import attachments, jobs, limits, links, tasks, validation
from smartstack_api.processing import JobMessage
from smartstack_api.runtime import ApiRuntime, get_runtime

logger = Logger(child=True)
T = TypeVar("T")
app = APIGatewayRestResolver()


def _error(status: int, reason: str) -> Response:
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps({"message": reason})
    )


@app.exception_handler(ServiceError)
def _service_error(error: ServiceError) -> Response:
    return _error(error.status_code, error.msg)


@app.exception_handler(DatabaseUnavailable)
def _database_unavailable(error: DatabaseUnavailable) -> Response:
    logger.warning("database unavailable", extra={"reason": str(error)})
    return _error(HTTPStatus.SERVICE_UNAVAILABLE, "database unavailable, retry later")


@app.exception_handler(ConfigurationError)
def _not_configured(error: ConfigurationError) -> Response:
    # An operator fault (secret missing or unreadable, CA bundle not packaged, setting missing),
    # not a client one: 503 without internals; the reason goes to the log.
    logger.error("function not configured", extra={"reason": str(error)})
    return _error(HTTPStatus.SERVICE_UNAVAILABLE, "service not fully configured, retry later")


@app.exception_handler(Exception)
def _unexpected(error: Exception) -> Response:
    # Logged with the stack trace; the client gets no internals.
    logger.exception("unhandled error")
    return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")


def _runtime() -> ApiRuntime:
    return get_runtime()


def _caller() -> tuple[str, str | None]:
    """The authorizer's principal id and optional email (REST API Lambda authorizer context)."""
    context = app.current_event.raw_event.get("requestContext")
    authorizer = context.get("authorizer") if isinstance(context, dict) else None
    if not isinstance(authorizer, dict):
        raise UnauthorizedError("missing authorizer context")
    principal = authorizer.get("principalId")
    if not isinstance(principal, str) or not principal or len(principal) > 256:
        raise UnauthorizedError("missing principal")
    if not validation.storable_text(principal):
        raise UnauthorizedError("malformed principal")
    email = authorizer.get("email")
    usable_email = (
        isinstance(email, str) and "@" in email and len(email) <= 254 and validation.storable_text(email)
    )
    return principal, email if usable_email else None


def _body() -> dict[str, Any]:
    event = app.current_event
    return validation.json_object_body(
        event.raw_event.get("body"), bool(event.raw_event.get("isBase64Encoded"))
    )


def _owned_task(runtime: ApiRuntime, owner: str, task_id: str) -> dict[str, Any]:
    task = tasks.get_task(runtime.db, owner, validation.task_id_param(task_id))
    if task is None:
        raise NotFoundError("task not found")
    return task


@app.get("/health")
def health() -> dict[str, Any]:
    _runtime().db.query("SELECT 1 AS ok")
    return {"status": "ok"}


@app.post("/tasks")
def create_task() -> tuple[dict[str, Any], int]:
    owner, email = _caller()
    body = _body()
    validation.reject_unknown_fields(body, {"title", "description"})
    title = validation.text_field(body, "title", limits.TITLE_MAX, required=True) or ""
    description = validation.text_field(body, "description", limits.DESCRIPTION_MAX, required=False) or ""
    task = tasks.create_task(_runtime().db, owner, email, title, description)
    return tasks.to_json(task), HTTPStatus.CREATED


@app.get("/tasks")
def list_tasks() -> dict[str, Any]:
    owner, _ = _caller()
    runtime = _runtime()
    limit = validation.limit_param(
        app.current_event.get_query_string_value("limit"), 20, runtime.max_page_size
    )
    return {"tasks": [tasks.to_json(row) for row in tasks.list_tasks(runtime.db, owner, limit)]}


@app.get("/tasks/<task_id>")
def get_task(task_id: str) -> dict[str, Any]:
    owner, _ = _caller()
    return tasks.to_json(_owned_task(_runtime(), owner, task_id))


@app.patch("/tasks/<task_id>")
def update_task(task_id: str) -> dict[str, Any]:
    owner, _ = _caller()
    body = _body()
    validation.reject_unknown_fields(body, {"title", "description", "status"})
    changes: dict[str, str] = {}
    title = validation.text_field(body, "title", limits.TITLE_MAX, required=False)
    if title is not None:
        if not title:
            raise BadRequestError("'title' must not be empty")
        changes["title"] = title
    description = validation.text_field(body, "description", limits.DESCRIPTION_MAX, required=False)
    if description is not None:
        changes["description"] = description
    status = validation.text_field(body, "status", limits.STATUS_MAX, required=False)
    if status is not None:
        if status not in validation.EDITABLE_STATUSES:
            raise BadRequestError(
                f"'status' can only be set to one of {', '.join(validation.EDITABLE_STATUSES)}"
            )
        changes["status"] = status
    if not changes:
        raise BadRequestError("nothing to update: send title, description or status")
    task = tasks.update_task(_runtime().db, owner, validation.task_id_param(task_id), changes)
    if task is None:
        raise NotFoundError("task not found")
    return tasks.to_json(task)


@app.post("/tasks/<task_id>/attachments")
def create_upload_url(task_id: str) -> tuple[dict[str, Any], int]:
    owner, _ = _caller()
    body = _body()
    validation.reject_unknown_fields(body, {"name", "content_type"})
    name = validation.attachment_name(
        validation.text_field(body, "name", limits.ATTACHMENT_NAME_MAX, required=True) or ""
    )
    kind = validation.content_type(
        validation.text_field(body, "content_type", limits.CONTENT_TYPE_MAX, required=True) or ""
    )
    runtime = _runtime()
    task = _owned_task(runtime, owner, task_id)
    upload = attachments.upload_url(
        runtime.s3, runtime.files_bucket, str(task["id"]), name, kind, runtime.presigned_url_ttl_seconds
    )
    return upload, HTTPStatus.CREATED


@app.get("/tasks/<task_id>/attachments")
def list_attachments(task_id: str) -> dict[str, Any]:
    owner, _ = _caller()
    runtime = _runtime()
    task = _owned_task(runtime, owner, task_id)
    return {
        "attachments": _aws_call(
            lambda: attachments.list_attachments(runtime.s3, runtime.files_bucket, str(task["id"]))
        )
    }


@app.get("/tasks/<task_id>/attachments/<name>")
def get_download_url(task_id: str, name: str) -> dict[str, Any]:
    owner, _ = _caller()
    name = validation.attachment_name(name)
    runtime = _runtime()
    task = _owned_task(runtime, owner, task_id)
    found = _aws_call(
        lambda: attachments.download_url(
            runtime.s3, runtime.files_bucket, str(task["id"]), name, runtime.presigned_url_ttl_seconds
        )
    )
    if found is None:
        raise NotFoundError("attachment not found")
    return found


@app.post("/tasks/<task_id>/process")
def request_processing(task_id: str) -> tuple[dict[str, Any], int]:
    owner, _ = _caller()
    body = _body()
    validation.reject_unknown_fields(body, {"instruction"})
    instruction = validation.text_field(body, "instruction", limits.INSTRUCTION_MAX, required=True) or ""
    runtime = _runtime()
    task = _owned_task(runtime, owner, task_id)
    job = jobs.create_job(runtime.db, str(task["id"]), instruction)
    message = JobMessage(job_id=str(job["id"]), task_id=str(task["id"]))
    _aws_call(
        lambda: runtime.sqs.send_message(QueueUrl=runtime.task_queue_url, MessageBody=message.to_body())
    )
    tasks.set_status(runtime.db, str(task["id"]), "processing")
    return tasks.to_json(job), HTTPStatus.ACCEPTED


@app.get("/tasks/<task_id>/jobs/<job_id>")
def get_job(task_id: str, job_id: str) -> dict[str, Any]:
    owner, _ = _caller()
    runtime = _runtime()
    task_id, job_id = validation.task_id_param(task_id), validation.job_id_param(job_id)
    expires = app.current_event.get_query_string_value("expires")
    signature = app.current_event.get_query_string_value("signature")
    if expires is not None or signature is not None:
        # Opened from an email link: reject edited or expired links (ownership is checked below too).
        try:
            links.verify_job_link(runtime.link_signing_key(), task_id, job_id, expires or "", signature or "")
        except links.InvalidLink as exc:
            raise ForbiddenError(f"email link rejected: {exc}") from exc
    job = jobs.get_job(runtime.db, owner, task_id, job_id)
    if job is None:
        raise NotFoundError("job not found")
    return tasks.to_json(job)


def _aws_call(call: Callable[[], T]) -> T:
    """AWS dependency calls: an outage becomes a 503 with a reason rather than a 500."""
    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        logger.warning("AWS dependency failed", extra={"reason": str(exc)})
        raise ServiceError(
            HTTPStatus.SERVICE_UNAVAILABLE, "storage or queue unavailable, retry later"
        ) from exc
