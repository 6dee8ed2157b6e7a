"""Request parsing that turns malformed input into 400s with a reason."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler.exceptions import BadRequestError, ServiceError

from smartstack_api.limits import ATTACHMENT_NAME_MAX, CONTENT_TYPE_MAX, MAX_BODY_BYTES

ATTACHMENT_NAME = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{ATTACHMENT_NAME_MAX - 1}}}$")
CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
EDITABLE_STATUSES = ("open", "done")


def json_object_body(raw_body: str | None, is_base64: bool) -> dict[str, Any]:
    if raw_body is None or raw_body == "":
        raise BadRequestError("request body must be a JSON object")
    # Base64 grows a body by 4/3: its decoded size is what counts.
    size = len(raw_body) * 3 // 4 if is_base64 else len(raw_body.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise ServiceError(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"request body must be at most {MAX_BODY_BYTES} bytes (send text as UTF-8, not \\u escapes)",
        )
    text = raw_body
    if is_base64:
        try:
            text = base64.b64decode(raw_body, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise BadRequestError("request body is not valid base64-encoded UTF-8") from exc
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadRequestError("request body is not valid JSON") from exc
    if not isinstance(document, dict):
        raise BadRequestError("request body must be a JSON object")
    return document


def text_field(body: dict[str, Any], name: str, max_length: int, required: bool) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequestError(f"'{name}' is required")
        return None
    if not isinstance(value, str):
        raise BadRequestError(f"'{name}' must be a string")
    value = value.strip()
    if required and not value:
        raise BadRequestError(f"'{name}' must not be empty")
    if len(value) > max_length:
        raise BadRequestError(f"'{name}' must be at most {max_length} characters")
    if not storable_text(value):
        raise BadRequestError(f"'{name}' must be valid UTF-8 text without NUL characters")
    return value


def storable_text(value: str) -> bool:
    """PostgreSQL text rejects NUL, and lone surrogates (valid in JSON escapes) are not UTF-8."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def reject_unknown_fields(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise BadRequestError(f"unknown field(s): {', '.join(unknown)[:200]}")


def task_id_param(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise BadRequestError("task id must be a UUID") from exc


def job_id_param(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise BadRequestError("job id must be a UUID") from exc


def attachment_name(value: str) -> str:
    if not ATTACHMENT_NAME.fullmatch(value) or ".." in value:
        raise BadRequestError("attachment name must be 1-128 of A-Z a-z 0-9 . _ - and start alphanumeric")
    return value


def content_type(value: str) -> str:
    value = value.lower()
    if len(value) > CONTENT_TYPE_MAX or not CONTENT_TYPE.fullmatch(value):
        raise BadRequestError("'content_type' must look like type/subtype")
    return value


def limit_param(value: str | None, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or not 1 <= int(value) <= maximum:
        raise BadRequestError(f"'limit' must be an integer between 1 and {maximum}")
    return int(value)
