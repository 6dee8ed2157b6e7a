"""SQS consumer behaviour under failure: partial batches, retries, DLQ, database and Bedrock outages."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import replace

from conftest import sent_emails
from fn_helpers import api_event, call_api, converse_response, deliver_once
from fn_world import MAX_RECEIVE_COUNT
from smartstack_api import runtime as api_runtime_module
from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database
from smartstack_tooling.harness.local_postgres import free_port


def create_job(owner: str, email: str | None = None) -> tuple[str, str]:
    task = call_api(api_event("POST", "/tasks", {"title": "T"}, owner=owner, email=email)).body
    job = call_api(api_event("POST", f"/tasks/{task['id']}/process", {"instruction": "Go"}, owner=owner)).body
    return task["id"], job["id"]


def test_one_bad_message_does_not_fail_the_batch(api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    _, job_id = create_job(owner)
    api.sqs.send_message(QueueUrl=api.queue_url, MessageBody="not json at all")
    bedrock.add_response("converse", converse_response("ok"))
    received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert len(received) == 2
    poison_id = next(m["MessageId"] for m in received if m["Body"] == "not json at all")
    assert response == {"batchItemFailures": [{"itemIdentifier": poison_id}]}
    assert api.runtime.db.query_one(
        "SELECT status FROM processing_jobs WHERE id = CAST(:id AS uuid)", id=job_id
    ) == {"status": "succeeded"}


def test_a_body_that_is_no_job_message_fails_its_record_with_a_logged_reason(api, caplog):
    api.sqs.send_message(QueueUrl=api.queue_url, MessageBody=json.dumps({"job_id": "not-a-uuid"}))
    with caplog.at_level(logging.WARNING):
        received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert response == {"batchItemFailures": [{"itemIdentifier": received[0]["MessageId"]}]}
    [warning] = [record for record in caplog.records if record.getMessage() == "job message failed"]
    assert warning.message_id == received[0]["MessageId"]
    assert warning.reason == "not a job message: body.job_id must be a UUID string"


def test_poison_message_reaches_the_dlq_after_max_receive_count(api):
    api.sqs.send_message(
        QueueUrl=api.queue_url,
        MessageBody=json.dumps({"job_id": str(uuid.uuid4()), "task_id": str(uuid.uuid4())}),
    )
    for _ in range(MAX_RECEIVE_COUNT):
        received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
        assert len(received) == 1
        assert response["batchItemFailures"] == [{"itemIdentifier": received[0]["MessageId"]}]
    assert deliver_once(api.sqs, api.queue_url, api.queue_arn) == ([], None)
    dead = api.sqs.receive_message(QueueUrl=api.dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    assert len(dead) == 1
    assert json.loads(dead[0]["Body"])["job_id"]


def test_bedrock_throttling_is_retried_then_reported_and_later_succeeds(api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    email = f"{owner}@example.com"
    _, job_id = create_job(owner, email)
    for _ in range(4):  # the AI runtime's RetryPolicy.max_attempts
        bedrock.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert response["batchItemFailures"] == [{"itemIdentifier": received[0]["MessageId"]}]
    job = api.runtime.db.query_one(
        "SELECT status, attempts, error FROM processing_jobs WHERE id = CAST(:id AS uuid)", id=job_id
    )
    assert job["status"] == "processing" and job["attempts"] == 1
    assert "throttled" in job["error"]
    assert sent_emails(email) == []

    bedrock.add_response("converse", converse_response("finally"))
    _, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert response == {"batchItemFailures": []}
    job = api.runtime.db.query_one(
        "SELECT status, attempts, error, result_text FROM processing_jobs WHERE id = CAST(:id AS uuid)",
        id=job_id,
    )
    assert job == {"status": "succeeded", "attempts": 2, "error": None, "result_text": "finally"}
    assert len(sent_emails(email)) == 1


def test_bedrock_validation_error_fails_the_job_for_good_and_tells_the_user(api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    email = f"{owner}@example.com"
    task_id, job_id = create_job(owner, email)
    bedrock.add_client_error("converse", service_error_code="ValidationException", http_status_code=400,
                             service_message="Input is too long for requested model.")  # fmt: skip
    _, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert response == {"batchItemFailures": []}  # permanent: retrying cannot help, so it is acknowledged
    job = call_api(api_event("GET", f"/tasks/{task_id}/jobs/{job_id}", owner=owner)).body
    assert job["status"] == "failed"
    assert "Input is too long" in job["error"]
    assert "failed" in sent_emails(email)[0].subject


def test_database_down_gives_503_and_retries_the_message(api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    create_job(owner)
    live = api.runtime
    dead_settings = DatabaseSettings.from_env().model_copy(
        update={"port": free_port(), "connect_timeout_seconds": 2}
    )
    down = replace(live, db=Database(dead_settings, lambda: "unused"))
    api_runtime_module.set_runtime(down)
    try:
        health = call_api(api_event("GET", "/health"))
        assert health.status == 503
        assert health.body == {"message": "database unavailable, retry later"}
        created = call_api(api_event("POST", "/tasks", {"title": "x"}, owner=owner))
        assert created.status == 503
        received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
        assert response["batchItemFailures"] == [{"itemIdentifier": received[0]["MessageId"]}]
    finally:
        api_runtime_module.set_runtime(live)
    # Database back: the same message is processed on redelivery.
    bedrock.add_response("converse", converse_response("recovered"))
    _, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert response == {"batchItemFailures": []}


def test_unknown_job_and_task_mismatch_are_reported_not_dropped(api):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    _, job_id = create_job(owner)
    api.sqs.purge_queue(QueueUrl=api.queue_url)
    api.sqs.send_message(
        QueueUrl=api.queue_url, MessageBody=json.dumps({"job_id": job_id, "task_id": str(uuid.uuid4())})
    )
    received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert response["batchItemFailures"] == [{"itemIdentifier": received[0]["MessageId"]}]
