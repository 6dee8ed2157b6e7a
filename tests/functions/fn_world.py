"""The functions' local world as plain helpers: a moto server, the configuration contract pointed at it
and at a PostgreSQL server, and the AWS resources the functions expect. The test fixtures (conftest.py)
and the first-response benchmark (benchmarks/first_response_child.py) build the same world from here.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from smartstack_tooling.harness.local_postgres import APP_USER, DATABASE, PostgresServer, free_port

# Set before any function module is imported: Powertools reads these at import, and nothing here may
# ever reach a real AWS account.
OFFLINE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "POWERTOOLS_SERVICE_NAME": "smartstack-test",
    "POWERTOOLS_METRICS_NAMESPACE": "SmartStackTest",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "SMARTSTACK_ENV": "test",
    "PARAMETER_PATH": "/smartstack/test",
}

FILES_BUCKET = "smartstack-test-files"
TASK_QUEUE_NAME = "smartstack-test-tasks"
SES_SENDER = "noreply@smartstack.test"
SES_CONFIGURATION_SET = "smartstack-test-default"
DB_SECRET_NAME = "smartstack-test/db-app"
SIGNING_KEY_SECRET_NAME = "smartstack-test/api-signing-key"
SIGNING_KEY = "test-signing-key-" + "k" * 32
AI_LOG_HMAC_KEY_SECRET_NAME = "smartstack-test/ai-log-hmac-key"
AI_LOG_HMAC_KEY = "test-ai-log-hmac-key-" + "h" * 32
LINK_SIGNING_KEY_SECRET_NAME = "smartstack-test/link-signing-key"
LINK_SIGNING_KEY = "test-link-signing-key-" + "l" * 32
APP_BASE_URL = "https://smartstack.test"
AI_FUNCTION_NAME = "smartstack-test-ai"
AI_FUNCTION_QUALIFIER = "live"
MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
TOKEN_ISSUER = "https://auth.smartstack.test"
TOKEN_AUDIENCE = "smartstack-api"
MAX_RECEIVE_COUNT = 3
PARAMETERS = {
    "api/presigned-url-ttl-seconds": "900",
    "api/max-page-size": "100",
    "ai/model-id": MODEL_ID,
    "ai/max-output-tokens": "512",
    "auth/token-issuer": TOKEN_ISSUER,
    "auth/token-audience": TOKEN_AUDIENCE,
}


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 in this process; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def function_environment(postgres: PostgresServer, moto_endpoint: str) -> dict[str, str]:
    """The functions' configuration contract (functions/README.md) pointed at the local services.
    TASK_QUEUE_URL is filled in by create_aws_resources."""
    return {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "FILES_BUCKET": FILES_BUCKET,
        "TASK_QUEUE_URL": "",
        "AI_FUNCTION_NAME": AI_FUNCTION_NAME,
        "AI_FUNCTION_QUALIFIER": AI_FUNCTION_QUALIFIER,
        "AI_TIMEOUT_SECONDS": "120",
        "SES_SENDER": SES_SENDER,
        "SES_CONFIGURATION_SET": SES_CONFIGURATION_SET,
        "SIGNING_KEY_SECRET_NAME": SIGNING_KEY_SECRET_NAME,
        "AI_LOG_HMAC_KEY_SECRET_NAME": AI_LOG_HMAC_KEY_SECRET_NAME,
        "LINK_SIGNING_KEY_SECRET_NAME": LINK_SIGNING_KEY_SECRET_NAME,
        "APP_BASE_URL": APP_BASE_URL,
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(postgres.port),
        "DB_NAME": DATABASE,
        "DB_USER": APP_USER,
        # The password comes from Secrets Manager (moto); the IAM token provider is covered in test_db.
        "DB_AUTH_MODE": "secret",
        "DB_SECRET_ARN": DB_SECRET_NAME,
        "DB_CA_BUNDLE": str(postgres.ca_file),
    }


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


def create_aws_resources(environment: dict[str, str], postgres: PostgresServer) -> dict[str, Any]:
    """Bucket, task queue, SES identity, parameters and secrets; sets TASK_QUEUE_URL in ``environment``
    (and in os.environ, which boto3 and the functions read). Returns the s3 and sqs clients used."""
    import boto3

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=FILES_BUCKET)
    sqs = boto3.client("sqs")
    url, _, _ = queue_pair(sqs, TASK_QUEUE_NAME)
    os.environ["TASK_QUEUE_URL"] = environment["TASK_QUEUE_URL"] = url
    boto3.client("ses").verify_email_identity(EmailAddress=SES_SENDER)
    boto3.client("sesv2").create_configuration_set(ConfigurationSetName=SES_CONFIGURATION_SET)
    ssm = boto3.client("ssm")
    for name, value in PARAMETERS.items():
        ssm.put_parameter(
            Name=f"{OFFLINE_AWS_ENVIRONMENT['PARAMETER_PATH']}/{name}", Value=value, Type="String",
            Overwrite=True,
        )  # fmt: skip
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


@dataclass
class LocalWorld:
    postgres: PostgresServer
    environment: dict[str, str]


@contextmanager
def local_world() -> Iterator[LocalWorld]:
    """PostgreSQL provisioned like RDS and migrated, moto with the resources, os.environ pointed at both
    (for scripts: the tests build the same from fixtures)."""
    from smartstack_shared.database_settings import DatabaseSettings
    from smartstack_shared.db import Database, secret_password_provider
    from smartstack_shared.migrate import apply_migrations

    os.environ.update(OFFLINE_AWS_ENVIRONMENT)
    postgres = PostgresServer.start()
    try:
        postgres.provision_like_rds()
        with moto_server() as endpoint:
            environment = function_environment(postgres, endpoint)
            os.environ.update(environment)
            create_aws_resources(environment, postgres)
            db = Database(DatabaseSettings.from_env(), secret_password_provider(DB_SECRET_NAME))
            apply_migrations(db)
            db.close()
            yield LocalWorld(postgres, environment)
    finally:
        postgres.stop()
