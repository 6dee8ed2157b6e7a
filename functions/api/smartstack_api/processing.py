"""The SQS consumer's work for one message: run the job once, however often it is delivered."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from smartstack_shared.ai_contract import AiRequest, JobMessage
from smartstack_shared.db import Row
from smartstack_shared.settings import SecretUnavailable

from smartstack_api import attachments, jobs, links
from smartstack_api.ai_invoker import AiRejected, AiUnavailable, ask_ai
from smartstack_api.notifier import send_job_email
from smartstack_api.runtime import ApiRuntime

logger = Logger(child=True)


class UnknownJob(LookupError):
    """The message names a job that is not in the database (also left for the DLQ)."""


class NotificationFailed(RuntimeError):
    """SES refused or was unreachable; the message is retried and only the email is re-sent."""


def build_prompt(job: Row, attachment_names: list[str]) -> str:
    files = ", ".join(attachment_names) if attachment_names else "none"
    return (
        f"Task title: {job['title']}\n"
        f"Task description: {job['description'] or '(none)'}\n"
        f"Attached files: {files}\n\n"
        f"Instruction: {job['instruction']}"
    )


def _notify(runtime: ApiRuntime, job: Row, outcome: str, detail: str) -> None:
    if not job["notify_email"] or job["notified_at"] is not None:
        return
    try:
        key = runtime.link_signing_key()
    except SecretUnavailable as exc:
        # Same path as an SES outage: the message is retried and only the email is re-sent.
        raise NotificationFailed(f"cannot sign the email link: {exc}") from exc
    link = links.job_link(key, runtime.app_base_url, str(job["task_id"]), str(job["id"]))
    try:
        send_job_email(
            runtime.ses,
            runtime.ses_sender,
            runtime.ses_configuration_set,
            job["notify_email"],
            job["title"],
            outcome,
            detail,
            link,
        )
    except (ClientError, BotoCoreError) as exc:
        raise NotificationFailed(f"sending the email failed: {exc}") from exc
    jobs.mark_notified(runtime.db, str(job["id"]))


def process_job_message(runtime: ApiRuntime, message: JobMessage, message_id: str) -> str:
    """Returns what happened; raises to make the batch report this message as failed (retried)."""
    job = jobs.load_for_processing(runtime.db, message.job_id)
    if job is None or str(job["task_id"]) != message.task_id:
        raise UnknownJob(f"job {message.job_id} of task {message.task_id} does not exist")
    if job["status"] == "succeeded":
        _notify(runtime, job, "succeeded", job["result_text"] or "")
        return "already-succeeded"
    if job["status"] == "failed":
        _notify(runtime, job, "failed", job["error"] or "")
        return "already-failed"

    jobs.mark_processing(runtime.db, message.job_id, message_id)
    names = [
        item["name"]
        for item in attachments.list_attachments(runtime.s3, runtime.files_bucket, message.task_id)
    ]
    request = AiRequest(job_id=message.job_id, task_id=message.task_id, prompt=build_prompt(job, names))
    try:
        answer = ask_ai(runtime.ai, request)
    except AiRejected as exc:
        jobs.mark_failed(runtime.db, message.job_id, message.task_id, str(exc))
        _notify(runtime, job, "failed", str(exc))
        return "failed"
    except AiUnavailable as exc:
        jobs.record_retryable_error(runtime.db, message.job_id, str(exc))
        raise
    jobs.mark_succeeded(runtime.db, message.job_id, message.task_id, answer.output_text, answer.log_key)
    _notify(runtime, job, "succeeded", answer.output_text)
    logger.info(
        "job processed",
        extra={
            "job_id": message.job_id,
            "model_id": answer.model_id,
            "input_tokens": answer.input_tokens,
            "output_tokens": answer.output_tokens,
        },
    )
    return "succeeded"
