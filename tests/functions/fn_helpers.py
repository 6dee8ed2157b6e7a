"""Event builders and wiring shared by the functions tests (no fakes of AWS or PostgreSQL here)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from smartstack_ai import handler as ai_handler
from smartstack_api import handler as api_handler
from smartstack_api.ai_invoker import AiUnavailable

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"


@dataclass
class LambdaContext:
    """The attributes of the Lambda runtime's context object that Powertools reads."""

    function_name: str = "smartstack-test-api"
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class InProcessAiInvoker:
    """Runs the AI function's real handler in this process with the Lambda payload contract.

    moto's Lambda invoke needs Docker, which this machine cannot run; the payload is still
    JSON round-tripped and a handler exception becomes AiUnavailable, as FunctionError does.
    """

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        event = json.loads(json.dumps(payload))
        self.calls.append(event)
        try:
            result = ai_handler.lambda_handler(event, LambdaContext(function_name="smartstack-test-ai"))
        except Exception as exc:
            raise AiUnavailable(f"AI function raised {type(exc).__name__}: {exc}") from exc
        return json.loads(json.dumps(result))


def api_event(
    method: str,
    path: str,
    body: Any = None,
    owner: str | None = "user-1",
    email: str | None = "owner@example.com",
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    """An API Gateway REST (v1) Lambda proxy event as sent after the TOKEN authorizer allowed it."""
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    if base64_body and body is not None:
        body = base64.b64encode(body.encode()).decode()
    authorizer: dict[str, Any] | None = None
    if owner is not None:
        authorizer = {"principalId": owner, "integrationLatency": 3}
        if email:
            authorizer["email"] = email
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "stage": "test",
            "httpMethod": method,
            "path": f"/test{path}",
            "accountId": ACCOUNT_ID,
            "apiId": "abc123",
            "identity": {"sourceIp": "127.0.0.1"},
            **({"authorizer": authorizer} if authorizer else {}),
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }


@dataclass
class ApiResponse:
    status: int
    body: Any
    raw: dict[str, Any]


def call_api(event: dict[str, Any]) -> ApiResponse:
    raw = api_handler.lambda_handler(event, LambdaContext())
    text = raw.get("body") or ""
    try:
        parsed = json.loads(text) if text else None
    except json.JSONDecodeError:
        parsed = text
    return ApiResponse(status=raw["statusCode"], body=parsed, raw=raw)


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event the Lambda SQS event source mapping builds from received messages (it always sends
    these four attributes; a message received with AttributeNames=["All"] carries its own)."""
    now_ms = str(int(time.time() * 1000))
    always = {"ApproximateReceiveCount": "1", "SentTimestamp": now_ms, "SenderId": "AIDAIENQZJOLO23YVJ4VO",
              "ApproximateFirstReceiveTimestamp": now_ms}  # fmt: skip
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": {**always, **message.get("Attributes", {})},
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


def deliver_once(
    sqs: Any, queue_url: str, queue_arn: str
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One poll of the event source mapping: receive, invoke, delete what did not fail.

    Failed messages are made visible again at once (visibility timeout 0) so the test can
    redeliver them without waiting, exactly as after the real timeout expires.
    """
    received = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["All"]
    ).get("Messages", [])
    if not received:
        return [], None
    response = api_handler.lambda_handler(sqs_event(received, queue_arn), LambdaContext())
    failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
    for message in received:
        if message["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return received, response


def converse_response(text: str, input_tokens: int = 21, output_tokens: int = 9) -> dict[str, Any]:
    """A Bedrock Converse response with the real shape (validated by the Stubber against the model)."""
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 412},
    }
