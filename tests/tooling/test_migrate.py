"""The migrate deploy step: on the emulator the handler runs in-process with the applied function's
configuration against a local PostgreSQL, its AWS calls judged by its role; against AWS the function is
invoked (botocore's Stubber on the real API shape)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from smartstack_tooling.harness import emulator, roots
from smartstack_tooling.harness.local_postgres import PostgresServer
from smartstack_tooling.operations import local_env, migrate

OWNER, DATABASE, FUNCTION = "smartstack_admin", "smartstack", "smartstack-dev-migrate"


@pytest.fixture(scope="module")
def running() -> Iterator[emulator.Emulator]:
    started = emulator.start("123456789012")
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


def _client(running: emulator.Emulator, service: str) -> Any:
    return local_env.emulator_session().client(service, endpoint_url=running.url)


def _applied_function(running: emulator.Emulator, grants_the_secret: bool) -> str:
    """A migrate function as an apply leaves it: its settings, and a role that may (or may not) read the
    master secret. Returns the function name."""
    secrets, iam, lambdas = (_client(running, s) for s in ("secretsmanager", "iam", "lambda"))
    name = f"{FUNCTION}-{'granted' if grants_the_secret else 'denied'}"
    secret_arn = secrets.create_secret(
        Name=f"rds!db-{name}", SecretString=json.dumps({"username": OWNER, "password": "it's-s3cret"})
    )["ARN"]
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]
    resource = secret_arn if grants_the_secret else secret_arn.replace("rds!", "other-")
    statement = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": resource}
    iam.put_role_policy(
        RoleName=name,
        PolicyName="read-schema-owner-secret",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    variables = {
        "DB_HOST": "smartstack-dev-postgres.emulated.us-east-1.rds.amazonaws.com",
        "DB_PORT": "5432",
        "DB_NAME": DATABASE,
        "DB_USER": OWNER,
        "DB_AUTH_MODE": "secret",
        "DB_SECRET_ARN": secret_arn,
        "DB_CA_BUNDLE": "/var/task/certs/rds-ca-bundle.pem",
        "POWERTOOLS_SERVICE_NAME": "smartstack",
    }
    lambdas.create_function(
        FunctionName=name, Runtime="python3.12", Role=role["Arn"], Handler="handler.handler",
        Code={"ZipFile": package.getvalue()}, Environment={"Variables": variables}, Timeout=300,
    )  # fmt: skip
    return name


def _database(running: emulator.Emulator, postgres: PostgresServer) -> migrate.Database:
    def provision(applied: Any) -> dict[str, str]:
        secret = _client(running, "secretsmanager").get_secret_value(SecretId=applied["DB_SECRET_ARN"])
        postgres.provision_owner(applied["DB_USER"], json.loads(secret["SecretString"])["password"], DATABASE)
        return {"DB_HOST": "127.0.0.1", "DB_PORT": str(postgres.port), "DB_CA_BUNDLE": str(postgres.ca_file)}

    return provision


def test_on_the_emulator_the_handler_migrates_in_process_and_says_so(running, postgres):
    name = _applied_function(running, grants_the_secret=True)
    lines: list[str] = []
    environ = local_env.function_environ({roots.ENDPOINT_ENV: running.url})
    first = migrate.run_in_process(environ, name, _database(running, postgres), lines.append)
    again = migrate.run_in_process(environ, name, _database(running, postgres), lines.append)
    assert first.error is None and again.error is None, (first.error, again.error)
    assert first.report and first.report["applied"] and first.report["pending"] == []
    assert again.report == {"applied": [], "pending": [], "current": first.report["current"]}
    assert "Lambda code does not run here" in lines[0] and name in lines[0]
    assert (
        again.describe()
        == f"applied nothing, the schema was current; pending none; current {first.report['current']}"
    )


def test_a_call_the_role_does_not_allow_fails_the_step(running, postgres):
    name = _applied_function(running, grants_the_secret=False)
    environ = local_env.function_environ({roots.ENDPOINT_ENV: running.url})
    outcome = migrate.run_in_process(environ, name, _database(running, postgres), lambda _line: None)
    assert outcome.report is None
    assert outcome.error and outcome.error.startswith(
        "its role does not allow secretsmanager:GetSecretValue on "
        f"arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-{name}-"
    )


def _stubbed_invoke(payload: dict[str, Any], function_error: str | None) -> migrate.Outcome:
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    body = json.dumps(payload).encode()
    response: dict[str, Any] = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(body), len(body))}
    if function_error:
        response["FunctionError"] = function_error
    with Stubber(client) as stubber:
        stubber.add_response(
            "invoke",
            response,
            {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": b"{}"},
        )
        return migrate.invoke(client, FUNCTION)


def test_against_aws_the_function_is_invoked_and_its_report_read():
    report = {"applied": ["0003_tags"], "pending": [], "current": "0003_tags"}
    assert _stubbed_invoke(report, None).report == report


def test_a_failing_migration_is_reported_with_its_statement():
    error = {
        "errorType": "MigrationFailed",
        "errorMessage": "migration 0003_tags failed at statement 2 (INSERT INTO tags VALUES (1 / 0))",
    }
    outcome = _stubbed_invoke(error, "Unhandled")
    assert outcome.report is None
    assert outcome.describe() == (
        "FAILED: MigrationFailed: migration 0003_tags failed at statement 2 (INSERT INTO tags VALUES (1 / 0))"
    )


def test_an_answer_that_is_not_a_report_is_a_failure():
    assert migrate.outcome_of({"statusCode": 200}, None).error == (
        "the function answered {'statusCode': 200}, not a migration report"
    )
