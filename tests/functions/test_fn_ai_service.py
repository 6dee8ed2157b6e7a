"""The AI function: contract validation, Bedrock Converse shapes, retries with backoff, idempotency."""

from __future__ import annotations

import io
import json
import uuid

import boto3
import pytest
from botocore.stub import ANY, Stubber
from fn_helpers import LambdaContext, api_event, call_api, converse_response
from fn_world import MODEL_ID
from smartstack_ai import handler as ai_handler
from smartstack_ai.bedrock import BedrockThrottled, RetryPolicy, converse_with_retry
from smartstack_api.ai_invoker import AiRejected, AiUnavailable, LambdaAiInvoker, ask_ai
from smartstack_shared.ai_contract import AiRequest


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("just a string", "payload must be a JSON object"),
        ({"job_id": "x", "task_id": str(uuid.uuid4()), "prompt": "p"}, "job_id must be a UUID"),
        (
            {"job_id": str(uuid.uuid4()), "task_id": str(uuid.uuid4()), "prompt": "  "},
            "prompt must be a non-empty",
        ),
        (
            {"job_id": str(uuid.uuid4()), "task_id": str(uuid.uuid4()), "prompt": "p" * 20_001},
            "at most 20000",
        ),
        ({"job_id": str(uuid.uuid4()), "task_id": str(uuid.uuid4()), "prompt": "hi"}, "does not exist"),
    ],
)
def test_bad_input_gets_a_clear_non_retryable_error(ai_runtime, bedrock, payload, reason):
    response = ai_handler.lambda_handler(payload, LambdaContext(function_name="smartstack-test-ai"))
    assert response["ok"] is False
    assert response["error"]["kind"] == "bad_input"
    assert response["error"]["retryable"] is False
    assert reason in response["error"]["message"]


def test_result_is_stored_once_and_a_repeat_invocation_does_not_call_bedrock(api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    task = call_api(api_event("POST", "/tasks", {"title": "T"}, owner=owner)).body
    job = call_api(api_event("POST", f"/tasks/{task['id']}/process", {"instruction": "Go"}, owner=owner)).body
    request = AiRequest(job_id=job["id"], task_id=task["id"], prompt="Say hi")
    bedrock.add_response("converse", converse_response("hi", 5, 1), expected_params={
        "modelId": MODEL_ID, "system": ANY, "messages": [{"role": "user", "content": [{"text": "Say hi"}]}],
        "inferenceConfig": {"maxTokens": 512, "temperature": 0.2},
    })  # fmt: skip
    first = ai_handler.lambda_handler(request.to_payload(), LambdaContext())
    second = ai_handler.lambda_handler(request.to_payload(), LambdaContext())  # no stub left: must not call
    assert first == second
    assert first["usage"] == {"input_tokens": 5, "output_tokens": 1}
    assert first["log_key"] == f"ai-logs/{task['id']}/{job['id']}.json"


def test_throttling_backs_off_exponentially_then_gives_up():
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    stubber = Stubber(client)
    for _ in range(3):
        stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    delays: list[float] = []
    policy = RetryPolicy(max_attempts=3, base_delay_seconds=1.0, max_delay_seconds=10.0)
    with stubber, pytest.raises(BedrockThrottled, match="after 3 attempts"):
        converse_with_retry(client, {"modelId": MODEL_ID, "messages": []}, policy, sleep=delays.append)
    assert len(delays) == 2  # no sleep after the last attempt
    assert 0 <= delays[0] <= 1.0 and 0 <= delays[1] <= 2.0
    assert policy.delay(10, rand=lambda: 1.0) == 10.0  # capped


def test_throttling_then_success_returns_the_answer():
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    stubber.add_response("converse", converse_response("ok", 3, 2))
    with stubber:
        answer = converse_with_retry(
            client, {"modelId": MODEL_ID, "messages": []}, RetryPolicy(), sleep=lambda _: None
        )
    assert (answer.output_text, answer.input_tokens, answer.output_tokens, answer.total_tokens) == (
        "ok",
        3,
        2,
        5,
    )


def test_lambda_invoker_sends_the_contract_payload_synchronously_to_the_alias():
    client = boto3.client("lambda", region_name="us-east-1")
    request = AiRequest(job_id=str(uuid.uuid4()), task_id=str(uuid.uuid4()), prompt="p")
    reply = {"ok": True, "job_id": request.job_id, "model_id": MODEL_ID, "output_text": "done",
             "usage": {"input_tokens": 1, "output_tokens": 2}, "log_key": "ai-logs/x.json"}  # fmt: skip
    stubber = Stubber(client)
    stubber.add_response(
        "invoke",
        {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(reply).encode())},
        {"FunctionName": "smartstack-test-ai", "Qualifier": "live", "InvocationType": "RequestResponse",
         "Payload": json.dumps(request.to_payload()).encode()},
    )  # fmt: skip
    with stubber:
        answer = ask_ai(LambdaAiInvoker(client, "smartstack-test-ai", "live"), request)
    assert (answer.output_text, answer.input_tokens, answer.output_tokens) == ("done", 1, 2)


def test_lambda_invoker_maps_function_errors_and_refusals():
    client = boto3.client("lambda", region_name="us-east-1")
    request = AiRequest(job_id=str(uuid.uuid4()), task_id=str(uuid.uuid4()), prompt="p")
    stubber = Stubber(client)
    stubber.add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled",
                                    "Payload": io.BytesIO(b'{"errorMessage": "boom"}')})  # fmt: skip
    refusal = {"ok": False, "error": {"kind": "bad_input", "message": "no", "retryable": False}}
    stubber.add_response("invoke", {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(refusal).encode())})
    stubber.add_client_error("invoke", service_error_code="TooManyRequestsException", http_status_code=429)
    invoker = LambdaAiInvoker(client, "smartstack-test-ai", "live")
    with stubber:
        with pytest.raises(AiUnavailable, match="crashed"):
            ask_ai(invoker, request)
        with pytest.raises(AiRejected, match="bad_input: no"):
            ask_ai(invoker, request)
        with pytest.raises(AiUnavailable, match="TooManyRequests"):
            ask_ai(invoker, request)
