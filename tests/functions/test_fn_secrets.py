"""The API and AI functions' own Secrets Manager reads (moto): link signing and AI-log pseudonyms.

A missing or unusable secret gives a clear reason: 503 for API requests, a retried SQS message
for the consumer, a retryable ``unavailable`` answer from the AI function. Never a 500 or a crash.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import Any

import boto3
import pytest
from conftest import sent_emails
from fn_helpers import LambdaContext, api_event, call_api, converse_response, deliver_once
from fn_world import LINK_SIGNING_KEY
from smartstack_ai import handler as ai_handler
from smartstack_ai import runtime as ai_runtime_module
from smartstack_api import links
from smartstack_api import runtime as api_runtime_module
from smartstack_shared.pseudonym import pseudonymise
from smartstack_shared.settings import SecretUnavailable


def _task_with_job(owner: str, email: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    task = call_api(api_event("POST", "/tasks", {"title": "T"}, owner=owner, email=email)).body
    job = call_api(api_event("POST", f"/tasks/{task['id']}/process", {"instruction": "Go"}, owner=owner)).body
    return task, job


def _missing_secret_name() -> str:
    # A fresh name per test: Powertools caches successful reads by name, never failures.
    return f"smartstack-test/missing-{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------------------- links (pure)
def test_link_round_trip_and_rejections():
    task_id, job_id = str(uuid.uuid4()), str(uuid.uuid4())
    link = links.job_link(LINK_SIGNING_KEY, "https://app.example/", task_id, job_id, now=1_000)
    assert link.startswith(f"https://app.example/tasks/{task_id}/jobs/{job_id}?expires=")
    query = dict(pair.split("=", 1) for pair in link.split("?", 1)[1].split("&"))
    expires, signature = query["expires"], query["signature"]
    assert int(expires) == 1_000 + links.LINK_TTL_SECONDS
    links.verify_job_link(LINK_SIGNING_KEY, task_id, job_id, expires, signature, now=2_000)
    rejected = [
        (LINK_SIGNING_KEY, task_id, str(uuid.uuid4()), expires, signature, 2_000),  # another job
        (LINK_SIGNING_KEY, task_id, job_id, str(int(expires) + 1), signature, 2_000),  # edited expiry
        ("another-key-" + "x" * 40, task_id, job_id, expires, signature, 2_000),  # another key
        (LINK_SIGNING_KEY, task_id, job_id, expires, signature, int(expires) + 1),  # expired
        (LINK_SIGNING_KEY, task_id, job_id, "soon", signature, 2_000),  # malformed
        (LINK_SIGNING_KEY, task_id, job_id, expires, "", 2_000),
        (LINK_SIGNING_KEY, task_id, job_id, expires, "hl\U000f3abf\u00bf", 2_000),  # non-ASCII (was a 500)
        (LINK_SIGNING_KEY, task_id, job_id, "\u0663" * 3, signature, 2_000),  # Arabic-Indic digits
    ]
    for key, t, j, e, s, now in rejected:
        with pytest.raises(links.InvalidLink):
            links.verify_job_link(key, t, j, e, s, now=now)


def test_pseudonym_is_keyed_and_stable():
    key = "k" * 32
    assert pseudonymise(key, "user-1") == pseudonymise(key, "user-1")
    assert pseudonymise(key, "user-1") != pseudonymise(key, "user-2")
    assert pseudonymise(key, "user-1") != pseudonymise("j" * 32, "user-1")
    assert pseudonymise(key, "user-1").startswith("hmac-sha256:")
    assert "user-1" not in pseudonymise(key, "user-1")


# ---------------------------------------------------------------------------- API
def test_signed_link_checked_on_the_job_route(api):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    task, job = _task_with_job(owner)
    path = f"/tasks/{task['id']}/jobs/{job['id']}"
    link = links.job_link(LINK_SIGNING_KEY, "https://x", task["id"], job["id"])
    query = dict(pair.split("=", 1) for pair in link.split("?", 1)[1].split("&"))
    assert call_api(api_event("GET", path, owner=owner, query=query)).status == 200
    # Plain requests (no link parameters) do not need the key.
    assert call_api(api_event("GET", path, owner=owner)).status == 200
    tampered = {**query, "expires": str(int(query["expires"]) + 60)}
    response = call_api(api_event("GET", path, owner=owner, query=tampered))
    assert response.status == 403
    assert response.body == {"message": "email link rejected: link signature does not match"}
    # A valid link for another user's task still needs ownership.
    assert call_api(api_event("GET", path, owner="someone-else", query=query)).status == 404
    # Parameters that are not a link's (schemathesis sent this one; it was a 500): 400 with the reason.
    for name, value in (("signature", "hl\U000f3abf\u00bf"), ("expires", "\u0663" * 3)):
        response = call_api(api_event("GET", path, owner=owner, query={**query, name: value}))
        assert response.status == 400, (name, response.body)
        assert response.body["message"].startswith(f"'{name}': must match ^"), response.body


def test_missing_link_key_gives_503_not_500(api):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    task, job = _task_with_job(owner)
    api_runtime_module.set_runtime(replace(api.runtime, link_signing_key_secret_name=_missing_secret_name()))
    query = {"expires": "9999999999", "signature": "abc"}
    response = call_api(api_event("GET", f"/tasks/{task['id']}/jobs/{job['id']}", owner=owner, query=query))
    assert response.status == 503
    assert response.body == {"message": "service not fully configured, retry later"}


def test_missing_link_key_retries_only_the_email(api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    email = f"{owner}@example.com"
    task, job = _task_with_job(owner, email)
    api_runtime_module.set_runtime(replace(api.runtime, link_signing_key_secret_name=_missing_secret_name()))
    bedrock.add_response("converse", converse_response("Done."))
    received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert response == {"batchItemFailures": [{"itemIdentifier": received[0]["MessageId"]}]}
    assert sent_emails(email) == []
    stored = api.runtime.db.query_one(
        "SELECT status, notified_at FROM processing_jobs WHERE id = CAST(:id AS uuid)", id=job["id"]
    )
    assert stored == {"status": "succeeded", "notified_at": None}
    # The operator sets the secret (here: the real runtime again); the redelivery sends the email only.
    api_runtime_module.set_runtime(api.runtime)
    _, again = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert again == {"batchItemFailures": []}
    assert len(sent_emails(email)) == 1
    assert f"/tasks/{task['id']}/jobs/{job['id']}?expires=" in sent_emails(email)[0].body


def test_short_link_key_is_refused(api):
    name = f"smartstack-test/short-{uuid.uuid4().hex[:8]}"
    boto3.client("secretsmanager").create_secret(Name=name, SecretString="too-short")
    with pytest.raises(SecretUnavailable, match="at least 32 bytes"):
        replace(api.runtime, link_signing_key_secret_name=name).link_signing_key()


# ---------------------------------------------------------------------------- AI
@pytest.fixture
def ai_cold_start(ai_runtime, monkeypatch):
    """Forget the cached AI runtime so the next invocation builds one (a cold start)."""
    ai_runtime_module.set_runtime(None)
    try:
        yield monkeypatch
    finally:
        ai_runtime_module.set_runtime(ai_runtime)


def test_ai_cold_start_reads_the_log_key(ai_cold_start, ai_runtime):
    built = ai_runtime_module.get_runtime()
    assert built.log_hmac_key_secret_name == "smartstack-test/ai-log-hmac-key"


def test_ai_cold_start_without_log_key_answers_unavailable(ai_cold_start, api):
    name = _missing_secret_name()
    ai_cold_start.setenv("AI_LOG_HMAC_KEY_SECRET_NAME", name)
    owner = f"user-{uuid.uuid4().hex[:8]}"
    task, job = _task_with_job(owner)
    payload = {"job_id": job["id"], "task_id": task["id"], "prompt": "hello"}
    response = ai_handler.lambda_handler(payload, LambdaContext(function_name="smartstack-test-ai"))
    assert response["ok"] is False
    assert response["error"]["kind"] == "unavailable"
    assert response["error"]["retryable"] is True
    assert f"secret {name} cannot be read" in response["error"]["message"]
    assert "ResourceNotFoundException" in response["error"]["message"]


def test_ai_log_key_missing_later_costs_no_bedrock_call(ai_runtime, api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    task, job = _task_with_job(owner)
    broken = replace(ai_runtime, log_hmac_key_secret_name=_missing_secret_name())
    ai_runtime_module.set_runtime(broken)
    try:
        payload = {"job_id": job["id"], "task_id": task["id"], "prompt": "hello"}
        response = ai_handler.lambda_handler(payload, LambdaContext(function_name="smartstack-test-ai"))
    finally:
        ai_runtime_module.set_runtime(ai_runtime)
    # No stubbed Bedrock response was queued: a call would have failed the Stubber.
    assert response["ok"] is False and response["error"]["kind"] == "unavailable"
    listed = api.s3.list_objects_v2(Bucket=ai_runtime.files_bucket, Prefix=f"ai-logs/{task['id']}/")
    assert listed.get("KeyCount", 0) == 0
    assert json.dumps(response).count("cannot be read") == 1
