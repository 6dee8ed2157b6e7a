"""The SQS side of the API function: job batches with partial failure, each record's body parsed into the
job message by Powertools (imported only where batches arrive: HTTP cold starts skip it)."""

from __future__ import annotations

from functools import partial
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Json, ValidationError
from smartstack_shared.ai_contract import JobMessage, problem

from smartstack_api.processing import process_job_message
from smartstack_api.runtime import get_runtime

logger = Logger(child=True)
tracer = Tracer(auto_patch=False)  # the handler's Tracer patched what this function uses


class JobRecord(SqsRecordModel):
    """An SQS record whose body is a job message. Any other body fails the record, which SQS then
    redelivers and after maxReceiveCount moves to the DLQ: nothing is dropped."""

    body: Json[JobMessage]  # type: ignore[assignment]  # narrows the parser's str | model


class JobBatchProcessor(BatchProcessor):
    def failure_handler(self, record: Any, exception: Any) -> Any:
        # Powertools logs failures at debug only; a failed job message is worth a warning.
        message_id = getattr(record, "messageId", None) or getattr(record, "message_id", "")
        error = exception[1]
        reason = f"not a job message: {problem(error)}" if isinstance(error, ValidationError) else repr(error)
        logger.warning("job message failed", extra={"message_id": message_id, "reason": reason[:500]})
        return super().failure_handler(record, exception)


# Report every failure as an item failure, even when the whole batch failed, instead of raising:
# the event source mapping then retries exactly those messages and the invocation is not an error.
batch_processor = JobBatchProcessor(
    event_type=EventType.SQS, model=JobRecord, raise_on_entire_batch_failure=False
)


@tracer.capture_method
def handle_job_record(record: JobRecord, metrics: Metrics) -> str:
    outcome = process_job_message(get_runtime(), record.body, record.messageId)
    metrics.add_metric(name=f"Job_{outcome.replace('-', '_')}", unit=MetricUnit.Count, value=1)
    return outcome


def process_batch(event: dict[str, Any], context: LambdaContext, metrics: Metrics) -> dict[str, Any]:
    metrics.add_metric(name="JobMessagesReceived", unit=MetricUnit.Count, value=len(event["Records"]))
    # Partial batch response: only the failed messages return to the queue (and later the DLQ).
    return process_partial_response(
        event=event,
        record_handler=partial(handle_job_record, metrics=metrics),
        processor=batch_processor,
        context=context,
    )
