"""Bedrock Converse call with throttling retries.

botocore's own retries are switched off for this client (see ``bedrock_client``) so that the
retry budget and backoff live in one visible place and are tested.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError
from smartstack_shared.clients import session

RETRYABLE_ERROR_CODES = frozenset(
    {
        "ThrottlingException",
        "ServiceUnavailableException",
        "ModelNotReadyException",
        "TooManyRequestsException",
    }
)
SYSTEM_PROMPT = (
    "You are SmartStack's task assistant. Answer the user's instruction about their task "
    "concisely and in plain text."
)


class BedrockThrottled(RuntimeError):
    """Bedrock kept throttling after every retry; the caller should try again later."""


class BedrockRejected(ValueError):
    """Bedrock refused the request itself (validation, access, model); retrying will not help."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay_seconds: float = 0.25
    max_delay_seconds: float = 4.0

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        # Full jitter: spreads retries of concurrent invocations instead of synchronising them.
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2**attempt)
        return ceiling * rand()


@dataclass(frozen=True)
class Conversation:
    output_text: str
    stop_reason: str
    input_tokens: int
    output_tokens: int
    total_tokens: int
    latency_ms: int | None
    raw_response: dict[str, Any]


def bedrock_client() -> Any:
    return session().client(
        "bedrock-runtime",
        config=Config(
            connect_timeout=5, read_timeout=60, retries={"mode": "standard", "total_max_attempts": 1}
        ),
    )


def converse_request(model_id: str, prompt: str, max_output_tokens: int) -> dict[str, Any]:
    return {
        "modelId": model_id,
        "system": [{"text": SYSTEM_PROMPT}],
        "messages": [{"role": "user", "content": [{"text": prompt}]}],
        "inferenceConfig": {"maxTokens": max_output_tokens, "temperature": 0.2},
    }


def parse_converse_response(response: dict[str, Any]) -> Conversation:
    blocks = response.get("output", {}).get("message", {}).get("content", [])
    text = "".join(block["text"] for block in blocks if isinstance(block, dict) and "text" in block)
    usage = response.get("usage", {})
    return Conversation(
        output_text=text,
        stop_reason=str(response.get("stopReason", "unknown")),
        input_tokens=int(usage.get("inputTokens", 0)),
        output_tokens=int(usage.get("outputTokens", 0)),
        total_tokens=int(usage.get("totalTokens", 0)),
        latency_ms=response.get("metrics", {}).get("latencyMs"),
        raw_response=response,
    )


def converse_with_retry(
    client: Any,
    request: dict[str, Any],
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> Conversation:
    for attempt in range(policy.max_attempts):
        try:
            return parse_converse_response(client.converse(**request))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in RETRYABLE_ERROR_CODES:
                raise BedrockRejected(f"Bedrock rejected the request ({code}): {exc}") from exc
            if attempt + 1 == policy.max_attempts:
                raise BedrockThrottled(
                    f"Bedrock still throttling after {policy.max_attempts} attempts ({code})"
                ) from exc
            sleep(policy.delay(attempt))
    raise AssertionError("unreachable: the loop returns or raises")
