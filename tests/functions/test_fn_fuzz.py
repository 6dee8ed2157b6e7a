"""Property tests: arbitrary HTTP input never yields a 5xx; arbitrary SQS bodies are never lost."""

from __future__ import annotations

import json
import uuid

from fn_helpers import LambdaContext, api_event, call_api, sqs_event
from hypothesis import given, settings
from hypothesis import strategies as st
from smartstack_api import handler as api_handler

FUZZ = settings(settings.get_profile("smartstack-functions"))
KNOWN_TASK = "00000000-0000-4000-8000-000000000001"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["title", "description", "status", "name", "content_type", "instruction", "limit"]
)
plausible_bodies = st.dictionaries(field_names, json_values | st.text(max_size=300), max_size=4).map(
    json.dumps
)
bodies = st.none() | st.text(max_size=300) | plausible_bodies | json_values.map(json.dumps)
segments = st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=40) | st.sampled_from(
    ["tasks", KNOWN_TASK, "attachments", "process", "jobs", "health", "..", "%00", str(uuid.uuid4())]
)
paths = st.lists(segments, min_size=0, max_size=5).map(lambda parts: "/" + "/".join(parts))
route_paths = st.sampled_from(
    ["/tasks", f"/tasks/{KNOWN_TASK}", f"/tasks/{KNOWN_TASK}/attachments", f"/tasks/{KNOWN_TASK}/process",
     f"/tasks/{KNOWN_TASK}/attachments/a.txt", f"/tasks/{KNOWN_TASK}/jobs/{KNOWN_TASK}", "/health"]
)  # fmt: skip
methods = st.sampled_from(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD"])
headers = st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=60), max_size=4)
queries = st.none() | st.dictionaries(st.sampled_from(["limit", "x", ""]), st.text(max_size=10), max_size=2)
owners = st.none() | st.sampled_from(["fuzz-owner"]) | st.text(max_size=300)


@FUZZ
@given(
    method=methods,
    path=paths | route_paths,
    body=bodies,
    extra_headers=headers,
    query=queries,
    owner=owners,
    base64_body=st.booleans(),
)
def test_arbitrary_requests_never_produce_5xx(
    api, method, path, body, extra_headers, query, owner, base64_body
):
    event = api_event(
        method, path, body, owner=owner, query=query, headers=extra_headers, base64_body=base64_body
    )
    response = call_api(event)
    assert 200 <= response.status < 500, (response.status, response.body)
    if response.status >= 400:
        assert isinstance(response.body, dict) and response.body.get("message"), response.body


sqs_bodies = (
    st.text(max_size=200)
    | json_values.map(json.dumps)
    | st.fixed_dictionaries(
        {"job_id": st.uuids().map(str) | json_values, "task_id": st.uuids().map(str) | json_values}
    ).map(json.dumps)
)


@FUZZ
@given(batch=st.lists(sqs_bodies, min_size=1, max_size=5))
def test_arbitrary_sqs_bodies_are_processed_or_reported(api, batch):
    messages = [
        {"MessageId": str(uuid.uuid4()), "ReceiptHandle": f"rh-{i}", "Body": body, "MD5OfBody": "0" * 32}
        for i, body in enumerate(batch)
    ]
    response = api_handler.lambda_handler(
        sqs_event(messages, "arn:aws:sqs:us-east-1:123456789012:q"), LambdaContext()
    )
    failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
    assert failed <= {message["MessageId"] for message in messages}
    for message in messages:
        if message["MessageId"] in failed:
            continue
        # Acknowledged means processed: the job it names exists and reached a final state.
        job_id = json.loads(message["Body"])["job_id"]
        row = api.runtime.db.query_one(
            "SELECT status FROM processing_jobs WHERE id = CAST(:id AS uuid)", id=job_id
        )
        assert row is not None and row["status"] in ("succeeded", "failed")
