"""The consumer's calls stay within call_bounds, the budget contract.time-budget-chain proves in time.

A processed job (with an email) is measured: every AWS API call and database statement the consumer
makes itself (the AI function's own calls are its budget, counted as the one invoke), and the clients'
timeouts and retries are the declared bounds.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import botocore.client
from fn_helpers import api_event, call_api, converse_response, deliver_once
from smartstack_shared import call_bounds
from smartstack_shared.clients import client, invoke_client


def test_a_processed_job_makes_no_more_calls_than_budgeted(api, bedrock, monkeypatch):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    task = call_api(
        api_event("POST", "/tasks", {"title": "t"}, owner=owner, email=f"{owner}@example.com")
    ).body
    call_api(api_event("POST", f"/tasks/{task['id']}/process", {"instruction": "go"}, owner=owner))
    bedrock.add_response("converse", converse_response("done"))

    counted: Counter[str] = Counter()
    counting = {"on": True}
    make_api_call = botocore.client.BaseClient._make_api_call

    def counting_call(self: Any, operation: str, params: Any) -> Any:
        if counting["on"]:
            counted["aws_api"] += 1
        return make_api_call(self, operation, params)

    query = type(api.runtime.db).query

    def counting_query(self: Any, sql: str, **params: Any) -> Any:
        if counting["on"] and self is api.runtime.db:
            counted["database"] += 1
        return query(self, sql, **params)

    invoke = api.ai.invoke

    def counting_invoke(payload: dict[str, Any]) -> dict[str, Any]:
        counted["lambda_invoke"] += 1
        counting["on"] = False  # the AI function's calls are its own budget
        try:
            return invoke(payload)
        finally:
            counting["on"] = True

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting_call)
    monkeypatch.setattr(type(api.runtime.db), "query", counting_query)
    monkeypatch.setattr(api.ai, "invoke", counting_invoke)
    counting["on"] = False
    received, response = None, None
    try:
        # The poll itself is the event source mapping's, not the function's: count only the handler.
        real_handler = deliver_once.__globals__["api_handler"].lambda_handler

        def measured(event: Any, context: Any) -> Any:
            counting["on"] = True
            try:
                return real_handler(event, context)
            finally:
                counting["on"] = False

        monkeypatch.setattr(deliver_once.__globals__["api_handler"], "lambda_handler", measured)
        received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    finally:
        counting["on"] = False
    assert received and response == {"batchItemFailures": []}
    assert counted["lambda_invoke"] == 1 and counted["aws_api"] >= 2 and counted["database"] >= 4, counted
    for kind, count in counted.items():
        assert count <= call_bounds.CONSUMER_CALLS_PER_RECORD[kind], (kind, counted)


def test_clients_are_built_from_the_bounds():
    aws = client("s3").meta.config
    assert (aws.connect_timeout, aws.read_timeout) == (
        call_bounds.AWS_API.connect_seconds,
        call_bounds.AWS_API.read_seconds,
    )
    assert aws.retries["total_max_attempts"] == call_bounds.AWS_API.attempts
    invoke = invoke_client(120).meta.config
    assert invoke.read_timeout == 120 + call_bounds.LAMBDA_INVOKE.read_seconds
    assert invoke.retries["total_max_attempts"] == 1  # a retry would run the AI work twice
