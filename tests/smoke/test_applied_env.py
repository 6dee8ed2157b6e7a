"""Smoke test of an applied environment (`make smoke ENV=dev` after `make up ENV=dev`): the functions'
code runs with the configuration the emulator holds for each applied Lambda function, against the
applied queue, buckets, secrets, parameters and SES identity. The path of the deployment diagram:
create a task -> presigned upload -> enqueue -> consume -> AI (Bedrock stubbed) -> result and AI log
in S3 -> SES send."""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

from .conftest import CREDENTIALS, Applied

pytestmark = pytest.mark.smoke


def set_process_environment(applied: Applied, function: str, database: dict[str, dict[str, str]]) -> None:
    """This process becomes the applied function: its variables, the emulator, the local database."""
    from smartstack_shared.clients import reset_clients
    from smartstack_shared.settings import clear_config_caches

    for name in [*os.environ]:
        if name.startswith(("DB_", "SES_", "AI_", "TASK_", "FILES_", "LINK_", "APP_")):
            del os.environ[name]
    os.environ.update({**CREDENTIALS, "AWS_ENDPOINT_URL": applied.emulator.url})
    os.environ.update(applied.variables(function))
    os.environ.update(database[function])
    reset_clients()
    clear_config_caches()


@pytest.fixture(scope="module")
def secrets_set(applied: Applied) -> dict[str, str]:
    """Terraform creates the secrets empty; an operator puts their values (functions/README.md)."""
    secrets = applied.client("secretsmanager")
    values = {}
    for function, variable in (
        ("api", "LINK_SIGNING_KEY_SECRET_NAME"),
        ("ai", "AI_LOG_HMAC_KEY_SECRET_NAME"),
    ):
        name = applied.variables(function)[variable]
        values[name] = f"smoke-{variable.lower()}-{uuid.uuid4().hex}"
        secrets.put_secret_value(SecretId=name, SecretString=values[name])
    return values


@pytest.fixture(scope="module")
def runtimes(applied: Applied, database, secrets_set) -> Iterator[tuple[object, object]]:
    from fn_helpers import InProcessAiInvoker
    from smartstack_ai import runtime as ai_runtime
    from smartstack_api import runtime as api_runtime

    set_process_environment(applied, "ai", database)
    ai = ai_runtime.build_runtime()
    ai_runtime.set_runtime(ai)
    set_process_environment(applied, "api", database)
    api = api_runtime.build_runtime(ai=InProcessAiInvoker())  # moto's Lambda Invoke needs Docker
    api_runtime.set_runtime(api)
    yield api, ai
    api_runtime.set_runtime(None)
    ai_runtime.set_runtime(None)


def test_the_applied_configuration_names_the_applied_resources(applied: Applied):
    api, ai = applied.variables("api"), applied.variables("ai")
    assert api["TASK_QUEUE_URL"] == applied.outputs["task_queue_url"]
    assert api["FILES_BUCKET"] == ai["FILES_BUCKET"] == applied.outputs["files_bucket_name"]
    assert api["AI_FUNCTION_NAME"] == applied.outputs["function_names"]["ai"]
    assert api["PARAMETER_PATH"] == ai["PARAMETER_PATH"] == applied.outputs["parameter_path"]
    (mapping,) = applied.event_source_mappings
    queue_arn = applied.client("sqs").get_queue_attributes(
        QueueUrl=api["TASK_QUEUE_URL"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    assert mapping["EventSourceArn"] == queue_arn and mapping["State"] in ("Enabled", "Creating")


def test_callers_reach_the_functions_through_their_release_aliases(applied: Applied):
    api = applied.variables("api")
    aliases = applied.client("lambda")
    ai_alias = aliases.get_alias(FunctionName=api["AI_FUNCTION_NAME"], Name=api["AI_FUNCTION_QUALIFIER"])
    assert ai_alias["FunctionVersion"] != "$LATEST"  # a published version, which a release replaces
    (mapping,) = applied.event_source_mappings
    worker = applied.outputs["function_names"]["worker"]
    assert mapping["FunctionArn"].endswith(f":function:{worker}:{api['AI_FUNCTION_QUALIFIER']}")


def test_task_to_ai_result_to_email_on_the_applied_environment(applied: Applied, runtimes):
    from botocore.stub import Stubber
    from fn_helpers import api_event, call_api, converse_response, deliver_once

    api, ai = runtimes
    owner = f"smoke-{uuid.uuid4().hex[:8]}"
    email = f"{owner}@example.net"
    task = call_api(api_event("POST", "/tasks", {"title": "Smoke"}, owner=owner, email=email))
    assert task.status == 201, task.body

    upload = call_api(
        api_event(
            "POST",
            f"/tasks/{task.body['id']}/attachments",
            {"name": "n.txt", "content_type": "text/plain"},
            owner=owner,
        )
    )
    assert upload.status == 201, upload.body
    request = urllib.request.Request(upload.body["upload_url"], data=b"notes", method="PUT",
                                     headers=upload.body["headers"])  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    job = call_api(
        api_event("POST", f"/tasks/{task.body['id']}/process", {"instruction": "Sum up"}, owner=owner)
    )
    assert job.status == 202, job.body

    (mapping,) = applied.event_source_mappings
    stubber = Stubber(ai.bedrock)
    stubber.add_response("converse", converse_response("Summed up.", input_tokens=12, output_tokens=3))
    ses_before = sent_count(applied)
    with stubber:
        received, answer = deliver_once(applied.client("sqs"), api.task_queue_url, mapping["EventSourceArn"])
    stubber.assert_no_pending_responses()
    assert len(received) == 1 and answer == {"batchItemFailures": []}

    done = call_api(api_event("GET", f"/tasks/{task.body['id']}/jobs/{job.body['id']}", owner=owner)).body
    assert done["status"] == "succeeded" and done["result_text"] == "Summed up."
    log_key = f"ai-logs/{task.body['id']}/{job.body['id']}.json"
    log = json.loads(applied.client("s3").get_object(Bucket=ai.files_bucket, Key=log_key)["Body"].read())
    assert log["response"]["output_text"] == "Summed up."
    assert sent_count(applied) == ses_before + 1, "one completion email through the applied SES identity"


def sent_count(applied: Applied) -> int:
    stats = applied.client("ses").get_send_statistics()["SendDataPoints"]
    return sum(point.get("DeliveryAttempts", 0) for point in stats)
