"""One cold start, timed whole by its parent (functions_bench.py first_response); not run by hand.

    first_response_child.py FUNCTION MODE SCENARIO_JSON

FUNCTION: api | worker | ai | authorizer.  MODE:
  handler   import the function's handler and answer the scenario's event, as a fresh Lambda process does
  record    the same, and write every client created, AWS call made and SQL statement run to the
            scenario's "record" path (a separate, untimed run)
  baseline  the floor: import boto3, create the same clients and make the same AWS calls, nothing else
  baseline-sql  the floor plus the same SQL over the same kind of pg8000 TLS connection

Lambda invoke (worker -> AI function) and Bedrock Converse are answered by botocore's Stubber in every
mode alike: moto cannot run a Lambda without Docker and does not serve Bedrock.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
from typing import Any

FUNCTION, MODE, SCENARIO_PATH = sys.argv[1:4]
with open(SCENARIO_PATH, encoding="utf-8") as scenario_file:
    SCENARIO: dict[str, Any] = json.load(scenario_file)

HANDLERS = {
    "api": "smartstack_api.handler",
    "worker": "smartstack_api.handler",
    "ai": "smartstack_ai.handler",
    "authorizer": "smartstack_authorizer.handler",
}


def stubbed_responses(service: str) -> list[tuple[str, dict[str, Any]]]:
    """The answers of the services moto cannot play, per client, in call order."""
    if service == "lambda":
        from botocore.response import StreamingBody

        payload = json.dumps(SCENARIO["ai_answer"]).encode()
        return [("invoke", {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(payload), len(payload))})]
    if service == "bedrock-runtime":
        return [("converse", SCENARIO["converse_response"])]
    return []


def install_client_hooks(recorded_clients: list[str] | None) -> None:
    """Every client of a stubbed service gets a Stubber; with a list, client creations are recorded."""
    from botocore.client import ClientCreator

    create_client = ClientCreator.create_client

    def creating(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, service_name, *args, **kwargs)
        if recorded_clients is not None:
            recorded_clients.append(service_name)
        responses = stubbed_responses(service_name)
        if responses:
            from botocore.stub import Stubber

            stubber = Stubber(client)
            for operation, response in responses:
                stubber.add_response(operation, response)
            stubber.activate()
            client._smartstack_stubber = stubber  # keeps it alive with the client
        return client

    ClientCreator.create_client = creating


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _from_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        return {key: _from_jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_jsonable(item) for item in value]
    return value


def install_call_recorders(calls: list[dict[str, Any]], statements: list[dict[str, Any]]) -> None:
    import pg8000.native
    from botocore.client import BaseClient

    make_api_call = BaseClient._make_api_call
    run = pg8000.native.Connection.run

    def calling(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.append({"service": self.meta.service_model.service_name, "operation": operation_name,
                      "params": _jsonable(api_params)})  # fmt: skip
        return make_api_call(self, operation_name, api_params)

    def running(self: Any, sql: str, stream: Any = None, types: Any = None, **params: Any) -> Any:
        statements.append({"sql": sql, "params": _jsonable(params)})
        return run(self, sql, stream=stream, types=types, **params)

    BaseClient._make_api_call = calling
    pg8000.native.Connection.run = running


class LambdaContext:
    """What Powertools reads of the Lambda runtime's context object."""

    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "smartstack-bench")
    memory_limit_in_mb = 512
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def answered(response: Any) -> bool:
    if FUNCTION == "api":
        return response.get("statusCode") == 200
    if FUNCTION == "worker":
        return response.get("batchItemFailures") == []
    if FUNCTION == "ai":
        return response.get("ok") is True
    return response["policyDocument"]["Statement"][0]["Effect"] == "Allow"


def run_handler(record: bool) -> None:
    import importlib

    clients: list[str] = []
    calls: list[dict[str, Any]] = []
    statements: list[dict[str, Any]] = []
    install_client_hooks(clients if record else None)
    if record:
        install_call_recorders(calls, statements)
    handler = importlib.import_module(HANDLERS[FUNCTION])
    response = handler.lambda_handler(SCENARIO["event"], LambdaContext())
    if not answered(response):
        sys.exit(f"{FUNCTION}: the first event was not answered as expected: {response!r:.500}")
    if record:
        with open(SCENARIO["record"], "w", encoding="utf-8") as out:
            json.dump({"clients": clients, "calls": calls, "statements": statements}, out)


def run_baseline(with_sql: bool) -> None:
    with open(SCENARIO["record"], encoding="utf-8") as recorded_file:
        recorded = json.load(recorded_file)
    install_client_hooks(None)
    import boto3

    # One session and each client once, as boto3.client() does with its default session.
    session = boto3.session.Session()
    clients = {}
    for service in recorded["clients"]:
        clients.setdefault(service, session.client(service))
    results = [
        clients[call["service"]]._make_api_call(call["operation"], _from_jsonable(call["params"]))
        for call in recorded["calls"]
    ]
    if with_sql and recorded["statements"]:
        import ssl

        import pg8000.native

        secret = next(
            result["SecretString"]
            for call, result in zip(recorded["calls"], results, strict=True)
            if call["params"].get("SecretId") == os.environ["DB_SECRET_ARN"]
        )
        connection = pg8000.native.Connection(
            user=os.environ["DB_USER"], password=json.loads(secret)["password"], host=os.environ["DB_HOST"],
            port=int(os.environ["DB_PORT"]), database=os.environ["DB_NAME"],
            ssl_context=ssl.create_default_context(cafile=os.environ["DB_CA_BUNDLE"]),
        )  # fmt: skip
        for statement in recorded["statements"]:
            connection.run(statement["sql"], **_from_jsonable(statement["params"]))
        connection.close()


if MODE in ("handler", "record"):
    run_handler(record=MODE == "record")
elif MODE in ("baseline", "baseline-sql"):
    run_baseline(with_sql=MODE == "baseline-sql")
else:
    sys.exit(f"unknown mode {MODE!r}")
