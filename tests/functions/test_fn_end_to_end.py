"""The whole flow through the handlers: API, presigned S3, SQS, consumer, AI (Bedrock, S3, PG), SES."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
import uuid

from conftest import sent_emails
from fn_helpers import api_event, call_api, converse_response, deliver_once
from fn_world import AI_LOG_HMAC_KEY, APP_BASE_URL, MODEL_ID
from smartstack_ai.bedrock import SYSTEM_PROMPT
from smartstack_shared.pseudonym import pseudonymise


def http(
    method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def test_task_attachment_processing_and_email(api, bedrock):
    owner = f"user-{uuid.uuid4().hex[:8]}"
    email = f"{owner}@example.com"
    task = call_api(
        api_event("POST", "/tasks", {"title": "Summarise contract"}, owner=owner, email=email)
    ).body

    attachment = {"name": "contract.txt", "content_type": "text/plain"}
    upload = call_api(api_event("POST", f"/tasks/{task['id']}/attachments", attachment, owner=owner))
    assert upload.status == 201
    assert upload.body["key"] == f"attachments/{task['id']}/contract.txt"
    status, _ = http("PUT", upload.body["upload_url"], b"The parties agree.", upload.body["headers"])
    assert status == 200

    listed = call_api(api_event("GET", f"/tasks/{task['id']}/attachments", owner=owner)).body
    assert listed == {"attachments": [{"name": "contract.txt", "size": 18}]}
    download = call_api(api_event("GET", f"/tasks/{task['id']}/attachments/contract.txt", owner=owner))
    assert download.status == 200
    assert http("GET", download.body["download_url"])[1] == b"The parties agree."

    job = call_api(
        api_event("POST", f"/tasks/{task['id']}/process", {"instruction": "Summarise it"}, owner=owner)
    )
    assert job.status == 202
    assert call_api(api_event("GET", f"/tasks/{task['id']}", owner=owner)).body["status"] == "processing"

    bedrock.add_response(
        "converse",
        converse_response("The parties agree to agree.", input_tokens=40, output_tokens=7),
        expected_params={
            "modelId": MODEL_ID,
            "system": [{"text": SYSTEM_PROMPT}],
            "messages": [{"role": "user", "content": [{"text": (
                "Task title: Summarise contract\nTask description: (none)\nAttached files: contract.txt\n\n"
                "Instruction: Summarise it")}]}],
            "inferenceConfig": {"maxTokens": 512, "temperature": 0.2},
        },
    )  # fmt: skip
    received, response = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert len(received) == 1
    assert response == {"batchItemFailures": []}

    done = call_api(api_event("GET", f"/tasks/{task['id']}/jobs/{job.body['id']}", owner=owner)).body
    assert done["status"] == "succeeded"
    assert done["result_text"] == "The parties agree to agree."
    assert call_api(api_event("GET", f"/tasks/{task['id']}", owner=owner)).body["status"] == "done"

    usage = api.runtime.db.query_one(
        "SELECT model_id, input_tokens, output_tokens, total_tokens, log_key FROM ai_results"
        " WHERE job_id = CAST(:id AS uuid)",
        id=job.body["id"],
    )
    assert usage == {"model_id": MODEL_ID, "input_tokens": 40, "output_tokens": 7, "total_tokens": 47,
                     "log_key": f"ai-logs/{task['id']}/{job.body['id']}.json"}  # fmt: skip
    log = json.loads(api.s3.get_object(Bucket=api.runtime.files_bucket, Key=usage["log_key"])["Body"].read())
    assert log["response"]["output_text"] == "The parties agree to agree."
    assert log["request"]["modelId"] == MODEL_ID
    # The caller is pseudonymised with the Secrets Manager HMAC key; the raw id is nowhere in the log.
    assert log["caller"] == pseudonymise(AI_LOG_HMAC_KEY, owner)
    raw_log = api.s3.get_object(Bucket=api.runtime.files_bucket, Key=usage["log_key"])["Body"].read()
    assert owner.encode() not in raw_log

    emails = sent_emails(email)
    assert len(emails) == 1
    assert "Summarise contract" in emails[0].subject
    assert "The parties agree to agree." in emails[0].body
    # The email links to the job with a signature made with the link-signing key; the API accepts it.
    link = re.search(r"(https://\S+)", emails[0].body).group(1)
    parsed = urllib.parse.urlsplit(link)
    assert f"{parsed.scheme}://{parsed.netloc}" == APP_BASE_URL
    assert parsed.path == f"/tasks/{task['id']}/jobs/{job.body['id']}"
    query = dict(urllib.parse.parse_qsl(parsed.query))
    assert set(query) == {"expires", "signature"}
    opened = call_api(api_event("GET", parsed.path, owner=owner, query=query))
    assert opened.status == 200
    assert opened.body["status"] == "succeeded"

    # Redelivery of the same job (e.g. the delete was lost): no second Bedrock call, no second email.
    api.sqs.send_message(
        QueueUrl=api.queue_url, MessageBody=json.dumps({"job_id": job.body["id"], "task_id": task["id"]})
    )
    _, again = deliver_once(api.sqs, api.queue_url, api.queue_arn)
    assert again == {"batchItemFailures": []}
    assert len(sent_emails(email)) == 1
