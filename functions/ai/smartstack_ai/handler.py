"""Lambda entry point of the AI function (invoked synchronously by the API function)."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from smartstack_shared.ai_contract import error_payload
from smartstack_shared.settings import SecretUnavailable

from smartstack_ai.runtime import get_runtime
from smartstack_ai.service import process_ai_request

logger = Logger()
# Patch only what this function uses (AWS calls and SQL): patch_all would import every library X-Ray
# can patch that happens to be installed, at every cold start.
tracer = Tracer(patch_modules=("botocore", "pg8000"))
# Default namespace so a missing POWERTOOLS_METRICS_NAMESPACE cannot fail every invocation.
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "SmartStack")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        runtime = get_runtime()
    except SecretUnavailable as exc:
        # Cold start without a readable log key: a clear, retryable answer instead of a crash.
        logger.error("AI function not configured", extra={"reason": str(exc)})
        response = error_payload("unavailable", str(exc))
    else:
        response = process_ai_request(event, runtime)
    if response["ok"]:
        metrics.add_metric(
            name="AiTokens",
            unit=MetricUnit.Count,
            value=response["usage"]["input_tokens"] + response["usage"]["output_tokens"],
        )
    else:
        metrics.add_metric(name=f"AiError_{response['error']['kind']}", unit=MetricUnit.Count, value=1)
    return response
