"""Lambda entry point of the API function: API Gateway requests, SQS job batches, admin actions.

Each kind of event imports what only it needs on first use (the routes and their models, the batch
utility, the migrations), so a cold start pays for the kind of event that started the container.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
# Patch only what this function uses (AWS calls and SQL): patch_all would import every library X-Ray
# can patch that happens to be installed, at every cold start.
tracer = Tracer(patch_modules=("botocore", "pg8000"))
# Default namespace so a missing POWERTOOLS_METRICS_NAMESPACE cannot fail every invocation.
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "SmartStack")

# Direct invocations only (IAM lambda:InvokeFunction); API Gateway events never carry this key.
ADMIN_ACTION_KEY = "smartstack_admin_action"


def is_sqs_batch(event: Any) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    return (
        bool(records)
        and isinstance(records, list)
        and all(isinstance(record, dict) and record.get("eventSource") == "aws:sqs" for record in records)
    )


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_sqs_batch(event):
        from smartstack_api import worker

        return worker.process_batch(event, context, metrics)
    if isinstance(event, dict) and ADMIN_ACTION_KEY in event:
        from smartstack_api import admin

        return admin.run_admin_action(event[ADMIN_ACTION_KEY])
    from smartstack_api.routes import app

    metrics.add_metric(name="ApiRequests", unit=MetricUnit.Count, value=1)
    return app.resolve(event, context)
