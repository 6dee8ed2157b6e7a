"""REST routes. The resolver validates each request against the route's models and types (400 with a
reason otherwise); each route calls a plain function and returns a documented response model."""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated, Any, TypeVar
from uuid import UUID

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    ServiceError,
    UnauthorizedError,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from botocore.exceptions import BotoCoreError, ClientError
from smartstack_shared.ai_contract import JobMessage
from smartstack_shared.db import DatabaseUnavailable
from smartstack_shared.settings import ConfigurationError

from smartstack_api import attachments, jobs, limits, links, models, tasks, validation
from smartstack_api.runtime import ApiRuntime, get_runtime

logger = Logger(child=True)
T = TypeVar("T")
app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=validation.parse_json_body)

TaskId = Annotated[UUID, Path(description="The task's id.")]
PAGE_SIZE = "Page size, at most the configured api/max-page-size."
PageSize = Annotated[int, Query(ge=1, le=limits.PAGE_SIZE_MAX, description=PAGE_SIZE)]
JobId = Annotated[UUID, Path(description="The processing job's id.")]
AttachmentName = Annotated[
    str, Path(max_length=limits.ATTACHMENT_NAME_MAX, pattern=models.ATTACHMENT_NAME_PATTERN)
]


def _error(status: int, reason: str) -> Response:
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps({"message": reason})
    )


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response:
    return _error(HTTPStatus.BAD_REQUEST, validation.describe(error.errors()))


@app.exception_handler([binascii.Error, UnicodeDecodeError])
def _undecodable_body(error: Exception) -> Response:
    # Raised while the resolver decodes an isBase64Encoded body, before any route code runs.
    return _error(HTTPStatus.BAD_REQUEST, "request body is not valid base64-encoded UTF-8")


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
    if not models.storable_text(principal):
        raise UnauthorizedError("malformed principal")
    email = authorizer.get("email")
    usable_email = (
        isinstance(email, str) and "@" in email and len(email) <= 254 and models.storable_text(email)
    )
    return principal, email if usable_email else None


def _owned_task(runtime: ApiRuntime, owner: str, task_id: UUID) -> dict[str, Any]:
    task = tasks.get_task(runtime.db, owner, str(task_id))
    if task is None:
        raise NotFoundError("task not found")
    return task


def _created(status: int, body: dict[str, Any]) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _documented(status: int, model: type, *errors: int) -> dict[int, dict[str, Any]]:
    """OpenAPI responses of a route: its success and the errors it can answer (400s always)."""
    success = {
        status: {"description": HTTPStatus(status).phrase, "content": {"application/json": {"model": model}}}
    }
    return success | {code: models.error_response(code) for code in (400, 401, 503, *errors)}


@app.get("/health", responses=_documented(200, models.Health))
def health() -> models.Health:
    _runtime().db.query("SELECT 1 AS ok")
    return models.Health(status="ok")


@app.post("/tasks", responses=_documented(201, models.Task, 413))
def create_task(body: models.TaskCreate) -> Response[models.Task]:
    owner, email = _caller()
    task = tasks.create_task(_runtime().db, owner, email, body.title, body.description or "")
    return _created(HTTPStatus.CREATED, tasks.to_json(task))


@app.get("/tasks", responses=_documented(200, models.TaskList))
def list_tasks(limit: PageSize = 20) -> models.TaskList:
    owner, _ = _caller()
    runtime = _runtime()
    if limit > runtime.max_page_size:  # the maximum is configuration (SSM), not part of the model
        raise BadRequestError(f"'limit' must be an integer between 1 and {runtime.max_page_size}")
    return models.TaskList(tasks=[tasks.to_json(row) for row in tasks.list_tasks(runtime.db, owner, limit)])


@app.get("/tasks/<task_id>", responses=_documented(200, models.Task, 404))
def get_task(task_id: TaskId) -> models.Task:
    owner, _ = _caller()
    return tasks.to_json(_owned_task(_runtime(), owner, task_id))


@app.patch("/tasks/<task_id>", responses=_documented(200, models.Task, 404, 413))
def update_task(task_id: TaskId, body: models.TaskUpdate) -> models.Task:
    owner, _ = _caller()
    task = tasks.update_task(_runtime().db, owner, str(task_id), body.changes())
    if task is None:
        raise NotFoundError("task not found")
    return tasks.to_json(task)


@app.post("/tasks/<task_id>/attachments", responses=_documented(201, models.Upload, 404, 413))
def create_upload_url(task_id: TaskId, body: models.UploadRequest) -> Response[models.Upload]:
    owner, _ = _caller()
    runtime = _runtime()
    task = _owned_task(runtime, owner, task_id)
    upload = attachments.upload_url(
        runtime.s3, runtime.files_bucket, str(task["id"]), body.name, body.content_type,
        runtime.presigned_url_ttl_seconds,
    )  # fmt: skip
    return _created(HTTPStatus.CREATED, upload)


@app.get("/tasks/<task_id>/attachments", responses=_documented(200, models.AttachmentList, 404))
def list_attachments(task_id: TaskId) -> models.AttachmentList:
    owner, _ = _caller()
    runtime = _runtime()
    task = _owned_task(runtime, owner, task_id)
    found = _aws_call(lambda: attachments.list_attachments(runtime.s3, runtime.files_bucket, str(task["id"])))
    return models.AttachmentList(attachments=found)


@app.get("/tasks/<task_id>/attachments/<name>", responses=_documented(200, models.Download, 404))
def get_download_url(task_id: TaskId, name: AttachmentName) -> models.Download:
    owner, _ = _caller()
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


@app.post("/tasks/<task_id>/process", responses=_documented(202, models.Job, 404, 413))
def request_processing(task_id: TaskId, body: models.ProcessRequest) -> Response[models.Job]:
    owner, _ = _caller()
    runtime = _runtime()
    task = _owned_task(runtime, owner, task_id)
    job = jobs.create_job(runtime.db, str(task["id"]), body.instruction)
    message = JobMessage(job_id=str(job["id"]), task_id=str(task["id"]))
    _aws_call(
        lambda: runtime.sqs.send_message(QueueUrl=runtime.task_queue_url, MessageBody=message.to_body())
    )
    tasks.set_status(runtime.db, str(task["id"]), "processing")
    return _created(HTTPStatus.ACCEPTED, tasks.to_json(job))


@app.get("/tasks/<task_id>/jobs/<job_id>", responses=_documented(200, models.Job, 403, 404))
def get_job(
    task_id: TaskId,
    job_id: JobId,
    expires: Annotated[str | None, Query(pattern=limits.LINK_EXPIRES_PATTERN)] = None,
    signature: Annotated[str | None, Query(pattern=limits.LINK_SIGNATURE_PATTERN)] = None,
) -> models.Job:
    owner, _ = _caller()
    runtime = _runtime()
    if expires is not None or signature is not None:
        # Opened from an email link: reject edited or expired links (ownership is checked below too).
        try:
            links.verify_job_link(
                runtime.link_verification_keys(), str(task_id), str(job_id), expires or "", signature or ""
            )
        except links.InvalidLink as exc:
            raise ForbiddenError(f"email link rejected: {exc}") from exc
    job = jobs.get_job(runtime.db, owner, str(task_id), str(job_id))
    if job is None:
        raise NotFoundError("job not found")
    return tasks.to_json(job)


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document, with the resolver's 422 validation answers as the 400 this API
    sends (see _invalid_request). Every route needs the bearer token the TOKEN authorizer checks."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    schema = app.get_openapi_json_schema(
        title="SmartStack API",
        version="1",
        description="Tasks, attachments and AI processing (served under /api/ and on the API domain).",
        security_schemes={"bearerToken": HTTPBearer(description="Verified by the TOKEN authorizer.")},
        security=[{"bearerToken": []}],
    )
    document = json.loads(schema)
    for path in document["paths"].values():
        for operation in path.values():
            operation["responses"].pop("422", None)
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)  # the resolver's own error shapes, which this API never sends
    return document


def _aws_call(call: Callable[[], T]) -> T:
    """AWS dependency calls: an outage becomes a 503 with a reason rather than a 500."""
    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        logger.warning("AWS dependency failed", extra={"reason": str(exc)})
        raise ServiceError(
            HTTPStatus.SERVICE_UNAVAILABLE, "storage or queue unavailable, retry later"
        ) from exc
