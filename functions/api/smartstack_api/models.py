"""The API's request and response bodies as Pydantic models: the resolver validates every request
against them and publishes them in the OpenAPI document (docs/openapi.json).

Unknown fields are refused, text is stripped the way Python strips it before its limit applies, and
every text must be storable in PostgreSQL (`storable_text`).
"""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from smartstack_api import limits

# One S3 key segment: starts alphanumeric, then letters, digits and . _ - (no "/", so a name never
# reaches outside its task's prefix).
ATTACHMENT_NAME_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{limits.ATTACHMENT_NAME_MAX - 1}}}$"
CONTENT_TYPE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$"
TaskStatus = Literal["open", "processing", "done", "failed"]
EditableStatus = Literal["open", "done"]
JobStatus = Literal["queued", "processing", "succeeded", "failed"]


def storable_text(value: str) -> bool:
    """PostgreSQL text rejects NUL, and lone surrogates (valid in JSON escapes) are not UTF-8."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _storable(value: str) -> str:
    if not storable_text(value):
        raise ValueError("must be valid UTF-8 text without NUL characters")
    return value


AttachmentName = Annotated[
    str,
    StringConstraints(max_length=limits.ATTACHMENT_NAME_MAX, pattern=ATTACHMENT_NAME_PATTERN, strict=True),
]


# Text the API stores: no NUL (PostgreSQL text refuses it), and when required, not only whitespace.
# Patterns are in the published schema, so clients (and schemathesis) know what is accepted.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"


def Text(max_length: int, *, required: bool = False) -> Any:
    """A JSON string between the lengths once stripped (as Python strips), storable in PostgreSQL."""
    return Annotated[
        str,
        # Constraints first: they belong to the str schema, which the strip then wraps.
        StringConstraints(
            min_length=1 if required else 0,
            max_length=max_length,
            pattern=NOT_BLANK if required else NO_NUL,
            strict=True,
        ),
        BeforeValidator(_stripped),
        AfterValidator(_storable),
    ]


# What each pattern means, for the 400's message (validation.describe).
PATTERN_MEANINGS = {
    NO_NUL: "must be text without NUL characters",
    NOT_BLANK: "must not be blank, and be text without NUL characters",
    ATTACHMENT_NAME_PATTERN: "must be 1-128 of A-Z a-z 0-9 . _ - and start alphanumeric",
    CONTENT_TYPE_PATTERN: "must look like type/subtype",
}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskCreate(Body):
    title: Text(limits.TITLE_MAX, required=True)
    description: Text(limits.DESCRIPTION_MAX) | None = None


class TaskUpdate(Body):
    """Only the fields sent change; at least one must be sent (null is not a value to set)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    title: Text(limits.TITLE_MAX, required=True) = None
    description: Text(limits.DESCRIPTION_MAX) = None
    status: Annotated[EditableStatus, BeforeValidator(_stripped)] = None

    @model_validator(mode="after")
    def _changes_something(self) -> TaskUpdate:
        if not self.changes():
            raise ValueError("nothing to update: send title, description or status")
        return self

    def changes(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class UploadRequest(Body):
    name: AttachmentName
    content_type: Annotated[
        str,
        StringConstraints(max_length=limits.CONTENT_TYPE_MAX, pattern=CONTENT_TYPE_PATTERN, strict=True),
        BeforeValidator(_stripped),
        AfterValidator(str.lower),
    ]


class ProcessRequest(Body):
    instruction: Text(limits.INSTRUCTION_MAX, required=True)


# ---------------------------------------------------------------------- responses
class Health(BaseModel):
    status: Literal["ok"]


class Task(BaseModel):
    id: UUID
    owner_id: str
    title: str
    description: str
    status: TaskStatus
    created_at: datetime
    updated_at: datetime


class TaskList(BaseModel):
    tasks: list[Task]


class Job(BaseModel):
    id: UUID
    task_id: UUID
    instruction: str
    status: JobStatus
    attempts: int
    result_text: str | None
    ai_log_key: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime


class Upload(BaseModel):
    key: str
    upload_url: str
    method: Literal["PUT"]
    headers: dict[str, str] = Field(
        description="Send these headers with the PUT (the URL is signed with them)."
    )
    expires_in: int


class Download(BaseModel):
    key: str
    download_url: str
    size: int
    expires_in: int


class Attachment(BaseModel):
    name: str
    size: int


class AttachmentList(BaseModel):
    attachments: list[Attachment]


class ErrorMessage(BaseModel):
    message: str = Field(description="Why the request failed, for the caller.")


def error_response(status: int) -> dict[str, Any]:
    """An OpenAPI response entry: every error answers {"message": ...}."""
    return {
        "description": HTTPStatus(status).phrase,
        "content": {"application/json": {"model": ErrorMessage}},
    }
