"""How the API function reaches the AI function: a synchronous Lambda invoke with a JSON payload."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from smartstack_shared.ai_contract import AiRequest


class AiUnavailable(RuntimeError):
    """The AI call failed in a way worth retrying later (throttling, outage, crash)."""


class AiRejected(ValueError):
    """The AI service refused the request for good; retrying the same job will not help."""


@dataclass(frozen=True)
class AiAnswer:
    output_text: str
    model_id: str
    log_key: str
    input_tokens: int
    output_tokens: int


class AiInvoker(Protocol):
    def invoke(self, payload: dict[str, Any]) -> dict[str, Any]: ...


class LambdaAiInvoker:
    """Invokes the AI function through its release alias (``qualifier``), never ``$LATEST``: a release
    shifts the alias, and only the alias may be invoked (the worker's role allows nothing else)."""

    def __init__(self, lambda_client: Any, function_name: str, qualifier: str) -> None:
        self._client = lambda_client
        self._function_name = function_name
        self._qualifier = qualifier

    def invoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.invoke(
                FunctionName=self._function_name,
                Qualifier=self._qualifier,
                InvocationType="RequestResponse",
                Payload=json.dumps(payload).encode("utf-8"),
            )
        except (ClientError, BotoCoreError) as exc:
            raise AiUnavailable(f"invoking {self._function_name} failed: {exc}") from exc
        body = response["Payload"].read()
        if response.get("FunctionError"):
            raise AiUnavailable(f"{self._function_name} crashed: {body[:500]!r}")
        try:
            return json.loads(body)
        except json.JSONDecodeError as exc:
            raise AiUnavailable(f"{self._function_name} returned non-JSON: {body[:200]!r}") from exc


def ask_ai(invoker: AiInvoker, request: AiRequest) -> AiAnswer:
    response = invoker.invoke(request.to_payload())
    if not isinstance(response, dict):
        raise AiUnavailable(f"AI response is not an object: {response!r:.200}")
    if response.get("ok") is True:
        try:
            usage = response["usage"]
            return AiAnswer(
                output_text=str(response["output_text"]),
                model_id=str(response["model_id"]),
                log_key=str(response["log_key"]),
                input_tokens=int(usage["input_tokens"]),
                output_tokens=int(usage["output_tokens"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AiUnavailable(f"AI response is missing fields: {exc}") from exc
    error = response.get("error") if isinstance(response.get("error"), dict) else {}
    message = f"{error.get('kind', 'unknown')}: {error.get('message', 'no reason given')}"
    if error.get("retryable", True):
        raise AiUnavailable(message)
    raise AiRejected(message)
