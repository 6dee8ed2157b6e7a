"""Deploy step: run the schema migrations through the migrate function, after apply and before a release.

Against AWS it invokes the function the apply just published (`$LATEST`: `publish = true` makes it the
newest version) and waits for it. The emulator cannot run Lambda code, so there the handler runs in this
process with the applied function's configuration, read back from the emulator, against a local
PostgreSQL that stands in for the RDS instance (the RDS endpoint the emulator returns is not a database).
Every AWS call the handler makes is checked against the function's role policies as applied, so a
permission the function lacks on AWS fails here too. The output says which of the two ran.

Exit codes are apply's: 0 migrated, 6 a migration failed (nothing is released).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .. import paths

EXIT_MIGRATED = 0
EXIT_MIGRATION_FAILED = 6
FUNCTION_PACKAGES = ("shared", "migrate")
HANDLER = "smartstack_migrate.handler"


@dataclass(frozen=True)
class Outcome:
    """What one run of the migrate function reported: its report, or the error it raised."""

    report: dict[str, Any] | None
    error: str | None = None

    def describe(self) -> str:
        if self.report is None:
            return f"FAILED: {self.error}"
        applied = ", ".join(self.report["applied"]) or "nothing, the schema was current"
        pending = ", ".join(self.report["pending"]) or "none"
        return f"applied {applied}; pending {pending}; current {self.report['current']}"


def outcome_of(payload: Any, function_error: str | None) -> Outcome:
    """The function's answer: a report, or (FunctionError set) Lambda's error payload."""
    if function_error:
        error = payload if isinstance(payload, dict) else {}
        kind = error.get("errorType", function_error)
        return Outcome(None, f"{kind}: {error.get('errorMessage', payload)}")
    if not isinstance(payload, dict) or not {"applied", "pending", "current"} <= set(payload):
        return Outcome(None, f"the function answered {payload!r}, not a migration report")
    return Outcome(payload)


def invoke(lambda_client: Any, function_name: str) -> Outcome:
    """Invoke the function synchronously, once (a retry would run the migrations again mid-flight)."""
    response = lambda_client.invoke(
        FunctionName=function_name, InvocationType="RequestResponse", Payload=b"{}"
    )
    raw = response["Payload"].read()
    return outcome_of(json.loads(raw) if raw else None, response.get("FunctionError"))


def lambda_client_for(timeout_seconds: int, **kwargs: Any) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(read_timeout=timeout_seconds + 30, retries={"total_max_attempts": 1})
    return boto3.client("lambda", config=config, **kwargs)


# ---------------------------------------------------------------------- the emulator: in-process
@contextlib.contextmanager
def _function_process(variables: Mapping[str, str]) -> Iterator[None]:
    """This process as the function sees it: its packages importable, its environment set."""
    saved_environ, saved_path = dict(os.environ), list(sys.path)
    sys.path[:0] = [str(paths.FUNCTIONS / package) for package in FUNCTION_PACKAGES]
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)
        sys.path[:] = saved_path


@contextlib.contextmanager
def recording_calls() -> Iterator[list[tuple[Any, str, dict[str, Any]]]]:
    """Every AWS call made meanwhile, as (client, operation, params)."""
    import botocore.client

    calls: list[tuple[Any, str, dict[str, Any]]] = []
    original = botocore.client.BaseClient._make_api_call

    def record(self: Any, operation: str, params: dict[str, Any]) -> Any:
        calls.append((self, operation, params))
        return original(self, operation, params)

    botocore.client.BaseClient._make_api_call = record  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]


def role_statements(iam: Any, role_arn: str) -> list[dict[str, Any]]:
    """The statements of every inline policy of a role, as the emulator holds them."""
    role = role_arn.rsplit("/", 1)[-1]
    statements: list[dict[str, Any]] = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        listed = document.get("Statement", [])
        statements += listed if isinstance(listed, list) else [listed]
    return statements


def denied_calls(
    calls: list[tuple[Any, str, dict[str, Any]]], statements: list[dict[str, Any]], account: str
) -> list[str]:
    """The recorded calls the role's statements do not allow (IAM's evaluation of identity policies)."""
    from ..policy.iam_requests import action_of, allows, request_of

    denied = []
    for client, operation, params in calls:
        meta = client.meta
        action = action_of(meta.service_model.signing_name, operation)
        where = {"partition": meta.partition, "region": meta.region_name, "account": account}
        request = request_of(action, params, **where)
        if not allows(statements, request):
            denied.append(f"{action} on {', '.join(request.resources) or '(no resource)'}")
    return denied


Database = Callable[[Mapping[str, str]], Mapping[str, str]]


def run_in_process(
    emulator: Mapping[str, str], function_name: str, database: Database, out: Callable[[str], None]
) -> Outcome:
    """The handler in this process with the applied function's configuration. ``emulator`` is what Lambda
    would set (AWS_ENDPOINT_URL, the credentials, AWS_REGION); ``database`` gets the configuration and
    answers the DB_HOST/DB_PORT/DB_CA_BUNDLE of the database standing in for RDS."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=emulator["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=emulator["AWS_SECRET_ACCESS_KEY"],
        region_name=emulator["AWS_REGION"],
    )
    lambdas = session.client("lambda", endpoint_url=emulator["AWS_ENDPOINT_URL"])
    iam = session.client("iam", endpoint_url=emulator["AWS_ENDPOINT_URL"])
    configuration = lambdas.get_function_configuration(FunctionName=function_name)
    applied = configuration["Environment"]["Variables"]
    database_settings = database(applied)
    variables = {**applied, **emulator, "AWS_DEFAULT_REGION": emulator["AWS_REGION"], **database_settings}
    account = configuration["FunctionArn"].split(":")[4]
    out(
        f"   emulator: Lambda code does not run here, so {HANDLER} runs in this process with "
        f"{function_name}'s applied configuration, against the local PostgreSQL at "
        f"{database_settings['DB_HOST']}:{database_settings['DB_PORT']}, "
        "its AWS calls checked against its role"
    )
    with _function_process(variables), recording_calls() as calls:
        import importlib

        handler = importlib.import_module(HANDLER)
        _cold_container(handler)
        try:
            report = handler.handler({}, _Context(function_name, configuration))
        except Exception as err:  # the function's failure is the step's outcome, as an invoke reports it
            return Outcome(None, f"{type(err).__name__}: {err}")
        finally:
            with contextlib.suppress(Exception):
                handler.database().close()
            _cold_container(handler)
    denied = denied_calls(calls, role_statements(iam, configuration["Role"]), account)
    if denied:
        return Outcome(None, f"its role does not allow {'; '.join(denied)}: on AWS the function would fail")
    return Outcome(json.loads(json.dumps(report)))


def _cold_container(handler: Any) -> None:
    """Forget the clients, cached settings and connection an earlier run in this process made (another
    endpoint's, another configuration's), as a new Lambda container would."""
    import importlib

    importlib.import_module("smartstack_shared.clients").reset_clients()
    importlib.import_module("smartstack_shared.settings").clear_config_caches()
    handler.database.cache_clear()


@dataclass(frozen=True)
class _Context:
    """The attributes of Lambda's context object that Powertools reads."""

    function_name: str
    configuration: Mapping[str, Any]
    aws_request_id: str = "local-migrate"

    @property
    def memory_limit_in_mb(self) -> int:
        return int(self.configuration.get("MemorySize", 128))

    @property
    def invoked_function_arn(self) -> str:
        return str(self.configuration["FunctionArn"])

    @property
    def function_version(self) -> str:
        return str(self.configuration.get("Version", "$LATEST"))

    def get_remaining_time_in_millis(self) -> int:
        return int(self.configuration.get("Timeout", 300)) * 1000


# ---------------------------------------------------------------------- the deploy step
def after_apply(
    env: str,
    mode: str,
    environ: Mapping[str, str],
    read_outputs: Callable[[], Mapping[str, Any]],
    out: Callable[[str], None] = print,
) -> int:
    """`make apply`'s step before the release: migrate, or refuse the release."""
    if mode == "offline":
        return EXIT_MIGRATED
    function_name = read_outputs()["migrate"]["function_name"]
    out(f"== {env}: migrating the database through {function_name}")
    if mode == "local":
        from . import local_env

        emulator = local_env.function_environ(environ)
        database = lambda applied: local_env.local_database(env, emulator, applied, out)  # noqa: E731
        outcome = run_in_process(emulator, function_name, database, out)
    else:
        timeout = lambda_client_for(0).get_function_configuration(FunctionName=function_name)["Timeout"]
        outcome = invoke(lambda_client_for(timeout), function_name)
    out(f"== {env}: migrations {outcome.describe()}")
    if outcome.report is None:
        out(
            f"   refused: the release waits for the migrations (guard: migrate). Fix the migration it names, "
            f"then `make apply ENV={env}` again: applied migrations are not re-run."
        )
        return EXIT_MIGRATION_FAILED
    return EXIT_MIGRATED


def main(argv: list[str]) -> int:
    from ..harness import roots
    from ..profiles import ENVIRONMENTS
    from .deployed import applied_outputs

    if len(argv) != 1 or argv[0] not in ENVIRONMENTS:
        print(f"usage: python -m smartstack_tooling migrate <{'|'.join(ENVIRONMENTS)}>", file=sys.stderr)
        return 2
    env, environ = argv[0], dict(os.environ)
    try:
        mode, read_outputs = applied_outputs(env, environ, "migrating changes the database")
        return after_apply(env, mode, environ, read_outputs)
    except (roots.ModeUnavailable, RuntimeError) as err:
        print(str(err), file=sys.stderr)
        return 2
