"""The JSON payload exchanged between the API function and the AI function (Lambda invoke)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

MAX_PROMPT_CHARS = 20_000


class ContractError(ValueError):
    """The payload does not follow the contract; the message says which field and why."""


def _uuid_field(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str):
        raise ContractError(f"{name} must be a UUID string")
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise ContractError(f"{name} must be a UUID string") from exc


@dataclass(frozen=True)
class AiRequest:
    job_id: str
    task_id: str
    prompt: str

    def to_payload(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "task_id": self.task_id, "prompt": self.prompt}

    @classmethod
    def from_payload(cls, payload: Any) -> AiRequest:
        if not isinstance(payload, dict):
            raise ContractError("payload must be a JSON object")
        prompt = payload.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ContractError("prompt must be a non-empty string")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise ContractError(f"prompt must be at most {MAX_PROMPT_CHARS} characters")
        return cls(
            job_id=_uuid_field(payload, "job_id"), task_id=_uuid_field(payload, "task_id"), prompt=prompt
        )


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
