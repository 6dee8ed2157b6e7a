"""IAM actions used = granted: every AWS call the functions make, recorded while they run their real
flows, is allowed by that function's planned role policy, and every granted action is used by some call
or listed with the reason it is granted.

The flows are the suite's own end-to-end tests (API, presigned S3, queue, consumer, AI, SES) and the
authorizer's, run again under a recorder that attributes each call to the function making it (the HTTP
API, the queue worker, the AI function, the authorizer). Calls map to IAM actions by the service's
signing name and operation, with the documented exceptions below. Resource ARNs are not compared: the
tests' buckets, queues and secrets carry test names, the plan's carry env names.
"""

from __future__ import annotations

import contextvars
import fnmatch
import json
from collections import defaultdict
from typing import Any

import botocore.client
import pytest
import test_fn_authorizer
import test_fn_end_to_end
from aws_lambda_powertools.utilities import parameters
from fn_helpers import InProcessAiInvoker
from smartstack_ai import handler as ai_handler
from smartstack_ai import runtime as ai_runtime
from smartstack_api import handler as api_handler
from smartstack_api import runtime as api_runtime
from smartstack_authorizer import handler as authorizer_handler

# Operation -> IAM action where they differ (AWS Service Authorization Reference).
ACTION_EXCEPTIONS = {
    "lambda:Invoke": "lambda:InvokeFunction",
    "bedrock:Converse": "bedrock:InvokeModel",
    "bedrock:ConverseStream": "bedrock:InvokeModelWithResponseStream",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
}
# Granted but never called by the code, with why.
GRANTED_FOR_THE_PLATFORM = {
    "logs:CreateLogStream": "Lambda writes the function's logs",
    "logs:PutLogEvents": "Lambda writes the function's logs",
    "xray:PutTraceSegments": "the X-Ray daemon Lambda runs sends the traces",
    "xray:PutTelemetryRecords": "the X-Ray daemon Lambda runs sends the traces",
    "ec2:CreateNetworkInterface": "Lambda attaches the function to the VPC",
    "ec2:DescribeNetworkInterfaces": "Lambda attaches the function to the VPC",
    "ec2:DescribeSubnets": "Lambda attaches the function to the VPC",
    "ec2:DeleteNetworkInterface": "Lambda attaches the function to the VPC",
    "ec2:AssignPrivateIpAddresses": "Lambda attaches the function to the VPC",
    "ec2:UnassignPrivateIpAddresses": "Lambda attaches the function to the VPC",
    "sqs:ReceiveMessage": "the event source mapping polls the queue with the worker's role",
    "sqs:DeleteMessage": "the event source mapping deletes what the worker processed",
    "sqs:ChangeMessageVisibility": "the event source mapping returns failed messages",
    "sqs:GetQueueAttributes": "the event source mapping and the producer read the queue's attributes",
    "rds-db:connect": "generate_db_auth_token signs locally; RDS checks the action on connect",
    "sqs:SendMessage": "Lambda sends failed asynchronous invocations to the on-failure queue with the role",
}
CURRENT = contextvars.ContextVar("current_function", default="")


def action_of(client: Any, operation: str) -> str:
    prefix = client.meta.service_model.signing_name
    action = f"{prefix}:{operation}"
    return ACTION_EXCEPTIONS.get(action, action)


def allowed(action: str, statements: list[dict]) -> bool:
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if statement["Effect"] == "Allow" and any(fnmatch.fnmatchcase(action, a) for a in actions):
            return True
    return False


@pytest.fixture
def recorded(api, bedrock, aws_resources, monkeypatch) -> dict[str, set[str]]:
    calls: dict[str, set[str]] = defaultdict(set)
    make_api_call, s3 = botocore.client.BaseClient._make_api_call, api.runtime.s3
    presign = s3.generate_presigned_url

    def record(self: Any, operation: str, params: Any) -> Any:
        if CURRENT.get():
            calls[CURRENT.get()].add(action_of(self, operation))
        return make_api_call(self, operation, params)

    def record_presigned(client_method: str, *args: Any, **kwargs: Any) -> Any:
        """A presigned URL is the signed operation, performed later by the holder with this role."""
        calls[CURRENT.get()].add(action_of(s3, s3.meta.method_to_api_mapping[client_method]))
        return presign(client_method, *args, **kwargs)

    def as_function(handler: Any, name_of: Any) -> Any:
        def run(event: Any, context: Any) -> Any:
            # Each function has its own containers: what another one cached is not this one's to reuse.
            parameters.clear_caches()
            token = CURRENT.set(name_of(event))
            try:
                return handler(event, context)
            finally:
                CURRENT.reset(token)

        return run

    def invoke(self: InProcessAiInvoker, payload: dict) -> dict:
        calls[CURRENT.get()].add("lambda:InvokeFunction")  # what LambdaAiInvoker calls in Lambda
        return original_invoke(self, payload)

    original_invoke = InProcessAiInvoker.invoke
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    monkeypatch.setattr(s3, "generate_presigned_url", record_presigned)
    monkeypatch.setattr(InProcessAiInvoker, "invoke", invoke)
    http_or_queue = lambda e: "worker" if api_handler.is_sqs_batch(e) else "api"  # noqa: E731
    monkeypatch.setattr(api_handler, "lambda_handler", as_function(api_handler.lambda_handler, http_or_queue))
    monkeypatch.setattr(ai_handler, "lambda_handler", as_function(ai_handler.lambda_handler, lambda e: "ai"))
    monkeypatch.setattr(
        authorizer_handler,
        "lambda_handler",
        as_function(authorizer_handler.lambda_handler, lambda e: "authorizer"),
    )
    parameters.clear_caches()  # cold containers: parameters and secrets are read again
    for function, build in (("api", api_runtime.build_runtime), ("worker", api_runtime.build_runtime),
                            ("ai", ai_runtime.build_runtime)):  # fmt: skip
        token = CURRENT.set(function)
        try:  # the cold start's own calls (built and dropped: the fixtures keep their runtimes)
            build(ai=InProcessAiInvoker()) if function != "ai" else build()
        finally:
            CURRENT.reset(token)
        parameters.clear_caches()
    test_fn_end_to_end.test_task_attachment_processing_and_email(api, bedrock)
    authorizer_handler.settings.cache_clear()  # a cold authorizer container reads its parameters
    test_fn_authorizer.test_valid_token_allows_the_api_and_passes_the_caller(aws_resources)
    return dict(calls)


def test_every_call_is_granted_and_every_grant_is_used(recorded, env_plans, record_property):
    plan = env_plans["prod"]
    policies = {
        c["index"]: json.loads(c["change"]["after"]["policy"])["Statement"]
        for c in plan["resource_changes"]
        if c["type"] == "aws_iam_role_policy"
        and c["name"] == "this"
        and c["module_address"] == "module.compute"
    }
    # rds-db:connect names the instance's resource id, known after apply, so that policy is planned
    # unknown (the iam-only rules read its configuration); the action is in GRANTED_FOR_THE_PLATFORM.
    assert set(recorded) == set(policies), (set(recorded), set(policies))
    figures = {}
    for function, statements in policies.items():
        called = recorded[function]
        denied = sorted(a for a in called if not allowed(a, statements))
        assert denied == [], f"{function} calls {denied}, which its role does not grant"
        granted = {a for s in statements if s["Effect"] == "Allow"
                   for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}  # fmt: skip
        unused = sorted(granted - called - set(GRANTED_FOR_THE_PLATFORM))
        assert unused == [], f"{function} is granted {unused}, which no call uses and nothing explains"
        figures[function] = f"{len(called)} actions called / {len(granted)} granted"
    record_property("iam_actions", figures)
    print("\n".join(f"{k}: {v}" for k, v in sorted(figures.items())))
