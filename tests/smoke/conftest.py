"""The smoke test's view of an environment applied by `make up ENV=<env>` (SMARTSTACK_SMOKE_ENV, default
dev): the emulator it applied to, its Terraform outputs, and each Lambda function's configuration as
the emulator holds it. Nothing here is re-derived from the Terraform source.

PostgreSQL is local (RDS on the emulator is not a database): a real server started here, migrated,
its functions' roles given passwords because locally they cannot log in with IAM tokens.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from smartstack_tooling import paths
from smartstack_tooling.harness import emulator, roots
from smartstack_tooling.operations import local_env

FUNCTIONS_TESTS = Path(__file__).resolve().parents[1] / "functions"
ENV = os.environ.get("SMARTSTACK_SMOKE_ENV", "dev")
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": roots.LOCAL_ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": roots.LOCAL_SECRET_KEY,
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    # No X-Ray daemon outside Lambda: the tracer would only warn about every segment.
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "SmartStackSmoke",
}


@pytest.fixture(scope="session", autouse=True)
def function_process() -> None:
    """Only when smoke tests run (never at collection): the function packages and the functions tests'
    helpers on sys.path, and this process's AWS settings those of the emulator."""
    for path in (
        FUNCTIONS_TESTS,
        *(paths.FUNCTIONS / d for d in ("shared", "api", "ai", "authorizer")),
    ):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.update(CREDENTIALS)
    os.environ.pop("AWS_SESSION_TOKEN", None)


@dataclass(frozen=True)
class Applied:
    env: str
    emulator: emulator.Emulator
    outputs: dict[str, Any]
    functions: dict[str, dict[str, Any]]  # api/worker/ai/authorizer -> GetFunctionConfiguration
    event_source_mappings: list[dict[str, Any]]

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.emulator.url)

    def variables(self, function: str) -> dict[str, str]:
        return dict(self.functions[function]["Environment"]["Variables"])


@pytest.fixture(scope="session")
def applied() -> Applied:
    running = emulator.load(local_env.workspace(ENV) / "emulator.json")
    if running is None:
        pytest.fail(
            f"nothing is applied for {ENV}: run `make up ENV={ENV}` first (this test reads what it applied)"
        )
    outputs = local_env.outputs(ENV, running)
    lambdas = boto3.client("lambda", endpoint_url=running.url)
    functions = {
        role: lambdas.get_function_configuration(FunctionName=name)
        for role, name in outputs["function_names"].items()
    }
    # By the worker's alias ARN, as Terraform named it: the mapping invokes the release alias.
    mappings = lambdas.list_event_source_mappings(
        FunctionName=outputs["release"]["functions"]["worker"]["alias_arn"]
    )
    return Applied(ENV, running, outputs, functions, mappings["EventSourceMappings"])


@dataclass(frozen=True)
class ReviewedPlan:
    bundle: Path  # `make deploy-plan`'s bundle: the plan file, its JSON, manifest and summary
    environ: dict[str, str]  # what apply.run was given (the emulator, DELEGATED, CONFIRM)


@pytest.fixture(scope="session")
def reviewed_plan(applied: Applied, tmp_path_factory: pytest.TempPathFactory) -> ReviewedPlan:
    """The deploy workflow's reviewed plan of what `make up` applied, made once (a plan of ~250 resources
    against the emulator): the second-plan check reads it, the stale-plan check applies it late."""
    from smartstack_tooling.operations import apply

    environ = {**local_env.local_environ(ENV, applied.emulator), apply.DELEGATED_ENV: "1", "CONFIRM": ENV}
    bundle = tmp_path_factory.mktemp("reviewed") / "bundle"
    lines: list[str] = []
    saved = apply.run(ENV, environ=environ, out=lines.append, ask=None, interactive=False, save_to=bundle)
    assert saved == apply.EXIT_APPLIED, "\n".join(lines)
    return ReviewedPlan(bundle, environ)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    from smartstack_tooling.harness.local_postgres import PostgresServer

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
def database(applied: Applied, postgres: Any) -> dict[str, dict[str, str]]:
    """Migrate the local database as the schema owner, then give each function's role a password kept in
    a local-only secret; returns the DB_* settings per function (host, port and auth are the local ones)."""
    import pg8000.native
    from smartstack_shared.database_settings import DatabaseSettings
    from smartstack_shared.db import Database, ssl_context_for
    from smartstack_shared.migrate import apply_migrations
    from smartstack_tooling.harness.local_postgres import APP_USER, DATABASE, SUPERUSER

    owner = DatabaseSettings(
        host="127.0.0.1",
        port=postgres.port,
        name=DATABASE,
        user=APP_USER,
        region="us-east-1",
        ca_bundle=str(postgres.ca_file),
    )
    # The password is handed to Database directly: no auth mode (IAM token or secret) is involved.
    owner_db = Database(owner, lambda: postgres.app_password)
    try:
        apply_migrations(owner_db)
    finally:
        owner_db.close()
    admin = pg8000.native.Connection(
        user=SUPERUSER, password=postgres.superuser_password, host="127.0.0.1", port=postgres.port,
        database="postgres", ssl_context=ssl_context_for(owner),
    )  # fmt: skip
    secrets = applied.client("secretsmanager")
    settings = {}
    try:
        for function in ("api", "ai"):
            role = applied.variables(function)["DB_USER"]
            password = os.urandom(12).hex()
            admin.run(f"ALTER ROLE {role} PASSWORD '{password}'")  # hex only: safe to interpolate
            name = f"smoke-local/db-{role}"
            secrets.create_secret(
                Name=name, SecretString=json.dumps({"username": role, "password": password})
            )
            settings[function] = {
                "DB_HOST": "127.0.0.1",
                "DB_PORT": str(postgres.port),
                "DB_NAME": DATABASE,
                "DB_AUTH_MODE": "secret",
                "DB_SECRET_ARN": name,
                "DB_CA_BUNDLE": str(postgres.ca_file),
            }
    finally:
        admin.close()
    return settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The second-plan check first: later smoke tests change what Terraform manages."""
    items.sort(key=lambda item: item.path.name != "test_applied_again.py")
