"""The messages between the functions, as Pydantic models: the SQS job message (API -> worker) and the
AI request (worker -> AI function, Lambda invoke), which is the job message plus its prompt."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
)

MAX_PROMPT_CHARS = 20_000


def _canonical_uuid(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise ValueError("must be a UUID string")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a non-empty string")
    return value


UuidText = Annotated[str, BeforeValidator(_canonical_uuid)]
Prompt = Annotated[
    str, StringConstraints(max_length=MAX_PROMPT_CHARS, strict=True), AfterValidator(_not_blank)
]


class JobMessage(BaseModel):
    """What the task queue carries: which job of which task to process (extra keys are ignored)."""

    model_config = ConfigDict(frozen=True)

    job_id: UuidText
    task_id: UuidText

    def to_body(self) -> str:
        return json.dumps({"job_id": self.job_id, "task_id": self.task_id}, sort_keys=True)


class AiRequest(JobMessage):
    """The AI function's payload: the job, and the prompt built from its task."""

    prompt: Prompt

    def to_payload(self) -> dict[str, Any]:
        return self.model_dump()


def problem(error: ValidationError) -> str:
    """The first problem of a contract payload as one sentence, e.g. "job_id must be a UUID string"."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ()))
    if first.get("type") in ("model_type", "model_attributes_type", "dict_type") and not field:
        return "payload must be a JSON object"
    if first.get("type") == "value_error":
        return f"{field} {first['ctx']['error']}"
    return f"{field}: {first.get('msg')}" if field else str(first.get("msg"))


@dataclass(frozen=True)
class AiResult:
    job_id: str
    model_id: str
    output_text: str
    input_tokens: int
    output_tokens: int
    log_key: str

    def to_payload(self) -> dict[str, Any]:
        return {
            "ok": True,
            "job_id": self.job_id,
            "model_id": self.model_id,
            "output_text": self.output_text,
            "usage": {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens},
            "log_key": self.log_key,
        }


# Error kinds: "bad_input" is permanent; "throttled" and "unavailable" are worth retrying later.
RETRYABLE_ERROR_KINDS = frozenset({"throttled", "unavailable"})


def error_payload(kind: str, message: str) -> dict[str, Any]:
    return {
        "ok": False,
        "error": {"kind": kind, "message": message, "retryable": kind in RETRYABLE_ERROR_KINDS},
    }
