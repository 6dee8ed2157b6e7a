"""Lambda entry point of the API function: API Gateway requests, SQS job batches, admin actions."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from smartstack_shared.migrate import pending_migrations

from smartstack_api.processing import process_job_message
from smartstack_api.routes import app
from smartstack_api.runtime import get_runtime

logger = Logger()
# Patch only what this function uses (AWS calls and SQL): patch_all would import every library X-Ray
# can patch that happens to be installed, at every cold start.
tracer = Tracer(patch_modules=("botocore", "pg8000"))
# Default namespace so a missing POWERTOOLS_METRICS_NAMESPACE cannot fail every invocation.
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "SmartStack")
# Report every failure as an item failure, even when the whole batch failed, instead of raising:
# the event source mapping then retries exactly those messages and the invocation is not an error.
batch_processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

# Direct invocations only (IAM lambda:InvokeFunction); API Gateway events never carry this key.
ADMIN_ACTION_KEY = "smartstack_admin_action"


@tracer.capture_method
def handle_job_record(record: SQSRecord) -> str:
    outcome = process_job_message(get_runtime(), record.body, record.message_id)
    metrics.add_metric(name=f"Job_{outcome.replace('-', '_')}", unit=MetricUnit.Count, value=1)
    return outcome


def is_sqs_batch(event: Any) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    return (
        bool(records)
        and isinstance(records, list)
        and all(isinstance(record, dict) and record.get("eventSource") == "aws:sqs" for record in records)
    )


def run_admin_action(action: Any) -> dict[str, Any]:
    if action == "migration-status":
        return {"pending": pending_migrations(get_runtime().db)}
    if action == "migrate":
        # The API's database user owns no schema and cannot create roles: migrations run as the owner.
        return {
            "error": "migrations run as the schema owner (RDS master user), not as the API's database user; "
            "see functions/README.md 'Migrations and database roles'",
            "pending": pending_migrations(get_runtime().db),
        }
    return {"error": f"unknown admin action {action!r:.100}"}


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_sqs_batch(event):
        metrics.add_metric(name="JobMessagesReceived", unit=MetricUnit.Count, value=len(event["Records"]))
        # Partial batch response: only the failed messages return to the queue (and later the DLQ).
        return process_partial_response(
            event=event, record_handler=handle_job_record, processor=batch_processor, context=context
        )
    if isinstance(event, dict) and ADMIN_ACTION_KEY in event:
        return run_admin_action(event[ADMIN_ACTION_KEY])
    metrics.add_metric(name="ApiRequests", unit=MetricUnit.Count, value=1)
    return app.resolve(event, context)
