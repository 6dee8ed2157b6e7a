"""Session fixtures: a real PostgreSQL server, a moto server for AWS, and the functions wired to them."""

from __future__ import annotations

import json
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
for package_dir in ("shared", "api", "ai", "authorizer"):
    sys.path.insert(0, str(REPO_ROOT / "functions" / package_dir))

# Before any function module is imported: Powertools reads these at import, and no test may
# ever reach a real AWS account.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "POWERTOOLS_SERVICE_NAME": "smartstack-test",
        "POWERTOOLS_METRICS_NAMESPACE": "SmartStackTest",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "SMARTSTACK_ENV": "test",
        "PARAMETER_PATH": "/smartstack/test",
    }
)

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

from fn_postgres import APP_USER, DATABASE, PostgresServer  # noqa: E402

FILES_BUCKET = "smartstack-test-files"
SES_SENDER = "noreply@smartstack.test"
DB_SECRET_NAME = "smartstack-test/db-app"
SIGNING_KEY_SECRET_NAME = "smartstack-test/api-signing-key"
SIGNING_KEY = "test-signing-key-" + "k" * 32
AI_LOG_HMAC_KEY_SECRET_NAME = "smartstack-test/ai-log-hmac-key"
AI_LOG_HMAC_KEY = "test-ai-log-hmac-key-" + "h" * 32
LINK_SIGNING_KEY_SECRET_NAME = "smartstack-test/link-signing-key"
LINK_SIGNING_KEY = "test-link-signing-key-" + "l" * 32
APP_BASE_URL = "https://smartstack.test"
MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
TOKEN_ISSUER = "https://auth.smartstack.test"
TOKEN_AUDIENCE = "smartstack-api"
MAX_RECEIVE_COUNT = 3


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
    from fn_postgres import free_port
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def environment(postgres: PostgresServer, moto_endpoint: str) -> dict[str, str]:
    """The functions' configuration contract (functions/README.md) pointed at the local services."""
    values = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "FILES_BUCKET": FILES_BUCKET,
        "TASK_QUEUE_URL": "",  # filled in by aws_resources
        "AI_FUNCTION_NAME": "smartstack-test-ai",
        "AI_TIMEOUT_SECONDS": "120",
        "SES_SENDER": SES_SENDER,
        "SES_CONFIGURATION_SET": "smartstack-test-default",
        "SIGNING_KEY_SECRET_NAME": SIGNING_KEY_SECRET_NAME,
        "AI_LOG_HMAC_KEY_SECRET_NAME": AI_LOG_HMAC_KEY_SECRET_NAME,
        "LINK_SIGNING_KEY_SECRET_NAME": LINK_SIGNING_KEY_SECRET_NAME,
        "APP_BASE_URL": APP_BASE_URL,
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(postgres.port),
        "DB_NAME": DATABASE,
        "DB_USER": APP_USER,
        # Tests take the password from Secrets Manager (moto); the IAM token provider is covered in test_db.
        "DB_AUTH_MODE": "secret",
        "DB_SECRET_ARN": DB_SECRET_NAME,
        "DB_CA_BUNDLE": str(postgres.ca_file),
    }
    os.environ.update(values)
    return values


def queue_pair(sqs: Any, name: str) -> tuple[str, str, str]:
    """A queue with a dead-letter queue after MAX_RECEIVE_COUNT receives: (url, arn, dlq_url)."""
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)}
            ),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn, dlq_url


@pytest.fixture(scope="session")
def aws_resources(environment: dict[str, str], postgres: PostgresServer) -> dict[str, Any]:
    import boto3

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=FILES_BUCKET)
    sqs = boto3.client("sqs")
    url, _, _ = queue_pair(sqs, "smartstack-test-tasks")
    os.environ["TASK_QUEUE_URL"] = environment["TASK_QUEUE_URL"] = url
    boto3.client("ses").verify_email_identity(EmailAddress=SES_SENDER)
    boto3.client("sesv2").create_configuration_set(ConfigurationSetName=environment["SES_CONFIGURATION_SET"])
    ssm = boto3.client("ssm")
    for name, value in {
        "api/presigned-url-ttl-seconds": "900",
        "api/max-page-size": "100",
        "ai/model-id": MODEL_ID,
        "ai/max-output-tokens": "512",
        "auth/token-issuer": TOKEN_ISSUER,
        "auth/token-audience": TOKEN_AUDIENCE,
    }.items():
        ssm.put_parameter(Name=f"/smartstack/test/{name}", Value=value, Type="String", Overwrite=True)
    secrets = boto3.client("secretsmanager")
    secrets.create_secret(
        Name=DB_SECRET_NAME,
        SecretString=json.dumps(
            {"username": APP_USER, "password": postgres.app_password, "engine": "postgres"}
        ),
    )
    secrets.create_secret(Name=SIGNING_KEY_SECRET_NAME, SecretString=SIGNING_KEY)
    secrets.create_secret(Name=AI_LOG_HMAC_KEY_SECRET_NAME, SecretString=AI_LOG_HMAC_KEY)
    secrets.create_secret(Name=LINK_SIGNING_KEY_SECRET_NAME, SecretString=LINK_SIGNING_KEY)
    return {"s3": s3, "sqs": sqs}


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
