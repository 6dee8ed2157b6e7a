"""IAM used = granted: every AWS call the functions make, recorded while they run their real flows, is
allowed by that function's planned role policy (action, resource ARNs and conditions), and every granted
action is used by some call or listed with the reason it is granted.

The flows are the suite's own end-to-end tests (API, presigned S3, queue, consumer, AI, SES) and the
authorizer's, run again under a recorder that attributes each call to the function making it (the HTTP
API, the queue worker, the AI function, the authorizer). smartstack_tooling.policy.iam_requests turns
each call into the request IAM evaluates. The tests' resources carry test names (`smartstack-test-…`, moto's
account); each request is renamed to the prod plan's names through the settings that carry them (the
functions' environment, the parameter path, the planned bucket and queue) before the prod role policies
judge it.
"""

from __future__ import annotations

import contextvars
import json
import os
from collections import defaultdict
from typing import Any

import boto3
import botocore.client
import pytest
import test_fn_authorizer
import test_fn_end_to_end
import test_fn_rotate
from fn_helpers import InProcessAiInvoker, LambdaContext
from smartstack_ai import handler as ai_handler
from smartstack_ai import runtime as ai_runtime
from smartstack_api import handler as api_handler
from smartstack_api import runtime as api_runtime
from smartstack_authorizer import handler as authorizer_handler
from smartstack_migrate import handler as migrate_handler
from smartstack_rotate import handler as rotate_handler
from smartstack_shared.settings import clear_config_caches
from smartstack_tooling.policy.iam_requests import Request, action_of, allows, is_known_action, request_of
from test_fn_rotate import rotation_function  # noqa: F401  (the fixture: a rotation function moto invokes)

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
# The rotation's flow rotates a key of its own (rotating the suite's keys would change what the other
# tests sign with); its requests are judged as the rotation of the plan's api-signing-key.
ROTATED_PROBE = "smartstack-test-rotation-probe/api-signing-key"
# The account moto serves every test resource from.
TEST_ACCOUNT = "123456789012"
# Settings carrying no AWS resource name (the database connection's, the libraries').
NOT_RESOURCE_NAMES = ("DB_", "POWERTOOLS_", "AI_TIMEOUT_SECONDS")
CURRENT = contextvars.ContextVar("current_function", default="")


def call_request(client: Any, operation: str, params: dict[str, Any]) -> Request:
    meta = client.meta
    return request_of(
        action_of(meta.service_model.signing_name, operation),
        params,
        partition=meta.partition,
        region=meta.region_name,
        account=TEST_ACCOUNT,
    )


def deployed_names(
    plan: dict[str, Any], environment: dict[str, str], queue_url: str
) -> list[tuple[str, str]]:
    """(test name, the plan's name) for every name the functions' requests carry (queue_url: the
    test's own task queue, which its runtime sends to)."""
    planned = {c["address"]: c["change"]["after"] for c in plan["resource_changes"] if c["mode"] == "managed"}
    settings: dict[str, Any] = {}
    for address, after in planned.items():
        if address.startswith("module.compute.aws_lambda_function.this["):
            settings.update(after["environment"][0]["variables"])
    pairs = [
        (environment[name].rstrip("/"), value.rstrip("/"))
        for name, value in settings.items()
        if environment.get(name) and isinstance(value, str) and not name.startswith(NOT_RESOURCE_NAMES)
    ]
    sender_domain = lambda settings_of: settings_of["SES_SENDER"].rsplit("@", 1)[1]  # noqa: E731
    pairs += [
        (
            environment["FILES_BUCKET"],
            planned["module.storage.module.files_bucket.aws_s3_bucket.this"]["bucket"],
        ),
        (
            queue_url.rsplit("/", 1)[1],
            planned["module.messaging.aws_sqs_queue.tasks"]["name"],
        ),
        (sender_domain(environment), sender_domain(settings)),
        (TEST_ACCOUNT, plan["variables"]["account_id"]["value"]),
        (ROTATED_PROBE, settings["SIGNING_KEY_SECRET_NAME"]),
    ]
    return pairs


@pytest.fixture
def recorded(api, bedrock, aws_resources, environment, monkeypatch, request) -> dict[str, set[Request]]:
    calls: dict[str, set[Request]] = defaultdict(set)
    make_api_call, s3 = botocore.client.BaseClient._make_api_call, api.runtime.s3
    presign = s3.generate_presigned_url

    def record(self: Any, operation: str, params: Any) -> Any:
        if CURRENT.get():
            calls[CURRENT.get()].add(call_request(self, operation, params))
        return make_api_call(self, operation, params)

    def record_presigned(client_method: str, *args: Any, **kwargs: Any) -> Any:
        """A presigned URL is the signed operation, performed later by the holder with this role."""
        operation = s3.meta.method_to_api_mapping[client_method]
        calls[CURRENT.get()].add(call_request(s3, operation, kwargs.get("Params", {})))
        return presign(client_method, *args, **kwargs)

    def as_function(handler: Any, name_of: Any) -> Any:
        def run(event: Any, context: Any) -> Any:
            # Each function has its own containers: what another one cached is not this one's to reuse.
            clear_config_caches()
            token = CURRENT.set(name_of(event))
            try:
                return handler(event, context)
            finally:
                CURRENT.reset(token)

        return run

    def invoke(self: InProcessAiInvoker, payload: dict) -> dict:
        # What LambdaAiInvoker calls in Lambda, on the function its settings name.
        params = {"FunctionName": environment["AI_FUNCTION_NAME"],
                  "Qualifier": environment["AI_FUNCTION_QUALIFIER"]}  # fmt: skip
        calls[CURRENT.get()].add(request_of("lambda:InvokeFunction", params, partition="aws",
                                            region=s3.meta.region_name, account=TEST_ACCOUNT))  # fmt: skip
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
    clear_config_caches()  # cold containers: parameters and secrets are read again
    for function, build in (("api", api_runtime.build_runtime), ("worker", api_runtime.build_runtime),
                            ("ai", ai_runtime.build_runtime)):  # fmt: skip
        token = CURRENT.set(function)
        try:  # the cold start's own calls (built and dropped: the fixtures keep their runtimes)
            build(ai=InProcessAiInvoker()) if function != "ai" else build()
        finally:
            CURRENT.reset(token)
        clear_config_caches()
    test_fn_end_to_end.test_task_attachment_processing_and_email(api, bedrock)
    authorizer_handler.settings.cache_clear()  # a cold authorizer container reads its parameters
    test_fn_authorizer.test_valid_token_allows_the_api_and_passes_the_caller(aws_resources)
    token = CURRENT.set("migrate")  # the deploy's migration run, on the migrated test database
    try:
        migrate_handler.database.cache_clear()
        migrate_handler.handler({}, LambdaContext(function_name="smartstack-test-migrate"))
    finally:
        migrate_handler.database().close()
        migrate_handler.database.cache_clear()
        CURRENT.reset(token)
    # A scheduled rotation: Secrets Manager invokes the rotate function once per step (in moto's server
    # thread, which each invoke names as the rotate function's).
    rotation = request.getfixturevalue("rotation_function")
    monkeypatch.setattr(rotate_handler, "handler", as_function(rotate_handler.handler, lambda e: "rotate"))
    secrets = boto3.client("secretsmanager")
    probe = secrets.create_secret(Name=ROTATED_PROBE, SecretString="k" * test_fn_rotate.KEY_LENGTH)["ARN"]
    try:
        test_fn_rotate.configure(secrets, probe, rotation.function_arn)
        test_fn_rotate.schedule(secrets, probe, rotation)
    finally:
        secrets.delete_secret(SecretId=probe, ForceDeleteWithoutRecovery=True)
    assert rotation.failures == []
    return dict(calls)


def role_policies(plan: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        c["index"]: json.loads(c["change"]["after"]["policy"])["Statement"]
        for c in plan["resource_changes"]
        if c["type"] == "aws_iam_role_policy"
        and c["name"] == "this"
        and c["module_address"] == "module.compute"
    }


def granted_actions(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements if s["Effect"] == "Allow"
            for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}  # fmt: skip


def test_every_call_is_granted_and_every_grant_is_used(
    recorded, api, env_plans, environment, record_property
):
    plan = env_plans["prod"].json
    policies = role_policies(plan)
    # rds-db:connect names the instance's resource id, known after apply, so that policy is planned
    # unknown (the iam-only rules read its configuration); the action is in GRANTED_FOR_THE_PLATFORM.
    assert set(recorded) == set(policies), (set(recorded), set(policies))
    names = deployed_names(plan, dict(os.environ), api.queue_url)
    # The tests connect with DB_AUTH_MODE=secret; deployed functions sign IAM tokens (rds-db:connect), and
    # the migrate function reads the master secret (its isolated policy, unknown at plan: checked by
    # tests/policy/test_policy_unknowns.py and, as applied, by the emulator's deploy step).
    tests_only = environment["DB_SECRET_ARN"]
    figures = {}
    for function, statements in policies.items():
        requests = {
            r.translated(names) for r in recorded[function] if not any(tests_only in x for x in r.resources)
        }
        denied = sorted(
            f"{r.action} on {list(r.resources)} {dict(r.context)}"
            for r in requests
            if not allows(statements, r)
        )
        assert denied == [], f"{function} makes requests its role does not allow: {denied}"
        for statement in statements:  # each grant is needed: without it some request is denied
            if set(granted_actions([statement])) <= set(GRANTED_FOR_THE_PLATFORM):
                continue
            others = [s for s in statements if s is not statement]
            assert any(not allows(others, r) for r in requests), (
                f"{function}: statement {statement.get('Sid')} allows nothing the code requests"
            )
        called = {r.action for r in requests}
        granted = granted_actions(statements)
        unused = sorted(granted - called - set(GRANTED_FOR_THE_PLATFORM))
        assert unused == [], f"{function} is granted {unused}, which no call uses and nothing explains"
        figures[function] = f"{len(called)} actions called / {len(granted)} granted"
    record_property("iam_actions", figures)
    print("\n".join(f"{k}: {v}" for k, v in sorted(figures.items())))


def test_every_granted_action_exists(env_plans):
    """A misspelt action grants nothing and fails silently in IAM; the reference knows every real one."""
    for env, plan in env_plans.items():
        for function, statements in role_policies(plan.json).items():
            unknown = sorted(a for a in granted_actions(statements) if not is_known_action(a))
            assert unknown == [], f"{env} {function}: {unknown} are not IAM actions"
