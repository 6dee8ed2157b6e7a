"""Upper bounds of every synchronous call the functions make, in one place.

The clients are built from these bounds (clients.py, the database settings, the AI invoker), and the
policy rule contract.time-budget-chain imports this module to prove that the SQS consumer's worst case
per batch fits in its timeout. Keep it free of imports beyond the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallBound:
    attempts: int
    connect_seconds: float
    read_seconds: float  # for a Lambda invoke: the margin on top of the callee's own timeout

    def worst_seconds(self, callee_timeout_seconds: float = 0) -> float:
        return self.attempts * (self.connect_seconds + self.read_seconds + callee_timeout_seconds)


# S3, SQS, SES, Secrets Manager, SSM, RDS tokens: short, one retry (standard mode).
AWS_API = CallBound(attempts=2, connect_seconds=2, read_seconds=10)
# The AI function, invoked synchronously: the client waits for the callee's whole run (its timeout plus
# this margin) and never retries: a retry would run the Bedrock call twice. SQS redelivery retries.
LAMBDA_INVOKE = CallBound(attempts=1, connect_seconds=2, read_seconds=5)
# One PostgreSQL round trip (pg8000's socket timeout covers connect and each read).
DATABASE = CallBound(attempts=1, connect_seconds=5, read_seconds=5)

# The consumer's synchronous calls per job record (smartstack_api.processing.process_job_message), at
# most, by kind; tests/functions measures a processed job against them (measured: 3 AWS calls, one
# invoke, 7 statements; one more statement for the retry a broken connection allows).
CONSUMER_CALLS_PER_RECORD = {"aws_api": 3, "lambda_invoke": 1, "database": 8}
BOUNDS = {"aws_api": AWS_API, "lambda_invoke": LAMBDA_INVOKE, "database": DATABASE}


def consumer_worst_seconds_per_record(ai_timeout_seconds: float) -> float:
    """The longest one job record can keep the consumer busy."""
    return sum(
        count * BOUNDS[kind].worst_seconds(ai_timeout_seconds if kind == "lambda_invoke" else 0)
        for kind, count in CONSUMER_CALLS_PER_RECORD.items()
    )
