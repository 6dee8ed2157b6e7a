"""Session fixtures: a real PostgreSQL server, a moto server for AWS, and the functions wired to them."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parents[2]
for package_dir in ("shared", "api", "ai", "authorizer", "migrate", "rotate"):
    sys.path.insert(0, str(REPO_ROOT / "functions" / package_dir))

from fn_world import (  # noqa: E402
    OFFLINE_AWS_ENVIRONMENT,
    create_aws_resources,
    function_environment,
    moto_server,
    queue_pair,
)
from smartstack_tooling.harness.local_postgres import PostgresServer  # noqa: E402

os.environ.update({**OFFLINE_AWS_ENVIRONMENT, "POWERTOOLS_TRACE_DISABLED": "true"})

# The fuzz tests use this profile explicitly (it is not loaded globally, so other suites keep theirs).
settings.register_profile(
    "smartstack-functions",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
    database=None,
)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    try:
        server.provision_like_rds()
        yield server
    except Exception:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def environment(postgres: PostgresServer, moto_endpoint: str) -> dict[str, str]:
    values = function_environment(postgres, moto_endpoint)
    os.environ.update(values)
    return values


@pytest.fixture(scope="session")
def aws_resources(environment: dict[str, str], postgres: PostgresServer) -> dict[str, Any]:
    return create_aws_resources(environment, postgres)


@pytest.fixture(scope="session")
def migrated(aws_resources: dict[str, Any]) -> list[str]:
    from smartstack_ai.runtime import build_runtime as build_ai_runtime
    from smartstack_shared.migrate import apply_migrations

    db = build_ai_runtime().db
    try:
        return apply_migrations(db)
    finally:
        db.close()


@pytest.fixture(scope="session")
def ai_runtime(migrated: list[str]) -> Any:
    from smartstack_ai import runtime
    from smartstack_ai.bedrock import RetryPolicy

    built = runtime.build_runtime()
    # Same retry count as production, with tiny delays so throttling tests do not sleep for seconds.
    built.retry_policy = RetryPolicy(max_attempts=4, base_delay_seconds=0.001, max_delay_seconds=0.01)
    runtime.set_runtime(built)
    return built


@pytest.fixture
def bedrock(ai_runtime: Any) -> Iterator[Any]:
    """botocore Stubber on the AI function's real bedrock-runtime client; every stubbed call must happen."""
    from botocore.stub import Stubber

    stubber = Stubber(ai_runtime.bedrock)
    stubber.activate()
    try:
        yield stubber
        stubber.assert_no_pending_responses()
    finally:
        stubber.deactivate()


@pytest.fixture(scope="session")
def base_api_runtime(ai_runtime: Any) -> Any:
    from fn_helpers import InProcessAiInvoker
    from smartstack_api.runtime import build_runtime

    return build_runtime(ai=InProcessAiInvoker())


@dataclass
class ApiUnderTest:
    runtime: Any
    ai: Any
    queue_url: str
    queue_arn: str
    dlq_url: str
    sqs: Any
    s3: Any


@pytest.fixture
def api(base_api_runtime: Any, aws_resources: dict[str, Any]) -> Iterator[ApiUnderTest]:
    """The API runtime with a fresh task queue (and DLQ) per test, so tests never see each other's jobs."""
    from fn_helpers import InProcessAiInvoker
    from smartstack_api import runtime

    url, arn, dlq_url = queue_pair(aws_resources["sqs"], f"smartstack-test-{uuid.uuid4().hex[:12]}")
    invoker = InProcessAiInvoker()
    per_test = replace(base_api_runtime, task_queue_url=url, ai=invoker)
    runtime.set_runtime(per_test)
    try:
        yield ApiUnderTest(per_test, invoker, url, arn, dlq_url, aws_resources["sqs"], aws_resources["s3"])
    finally:
        runtime.set_runtime(base_api_runtime)


def sent_emails(recipient: str) -> list[Any]:
    """Messages moto's SES backend accepted for this recipient (the ThreadedMotoServer runs in-process)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [
        message
        for message in backend.sent_messages
        if recipient in message.destinations.get("ToAddresses", [])
    ]
