"""What an AWS call asks of IAM, and whether a role policy allows it.

A call becomes a `Request`: the IAM action, the ARN of every resource the action authorizes and the
condition keys the call sets. ARN formats come from the Service Authorization Reference as
`policy_sentry` ships it; each call's parameters fill their placeholders. Evaluation is IAM's for
identity policies: a request is allowed when every resource is matched by an Allow statement for the
action whose conditions hold, and no Deny statement matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from policy_sentry.querying.actions import get_action_data

# Operation -> IAM action where they differ (AWS Service Authorization Reference).
ACTION_EXCEPTIONS = {
    "lambda:Invoke": "lambda:InvokeFunction",
    "bedrock:Converse": "bedrock:InvokeModel",
    "bedrock:ConverseStream": "bedrock:InvokeModelWithResponseStream",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
}
# Secrets Manager appends six random characters to every secret's ARN; a call by name is checked
# against that full ARN.
SECRET_ARN_SUFFIX = "-Ab12Cd"

Placeholders = Callable[[dict[str, Any]], "dict[str, str] | None"]


def _secret(params: dict[str, Any]) -> dict[str, str]:
    secret_id = params["SecretId"]
    if ":secret:" in secret_id:  # a full ARN names the secret exactly, its suffix included
        return {"SecretId": secret_id.split(":secret:", 1)[1]}
    return {"SecretId": secret_id + SECRET_ARN_SUFFIX}


def _object(params: dict[str, Any]) -> dict[str, str]:
    return {"BucketName": params["Bucket"], "ObjectName": params["Key"]}


def _queue(params: dict[str, Any]) -> dict[str, str]:
    return {"QueueName": params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]}


def _parameter(params: dict[str, Any]) -> dict[str, str]:
    return {"ParameterNameWithoutLeadingSlash": (params.get("Name") or params["Path"]).lstrip("/")}


def _qualified_function(params: dict[str, Any]) -> dict[str, str]:
    # Lambda authorizes an invoke on the qualified ARN (function:<name>:<alias>) when a Qualifier is sent.
    qualifier = params.get("Qualifier")
    return {"FunctionName": params["FunctionName"] + (f":{qualifier}" if qualifier else "")}


# Action -> the resources it authorizes: (the reference's ARN format ends with this, placeholders
# filled from the call's parameters, or None when the call does not use that resource).
RESOURCES: dict[str, list[tuple[str, Placeholders]]] = {
    "s3:GetObject": [(":::${BucketName}/${ObjectName}", _object)],
    "s3:PutObject": [(":::${BucketName}/${ObjectName}", _object)],
    "s3:ListBucket": [(":::${BucketName}", lambda p: {"BucketName": p["Bucket"]})],
    "sqs:SendMessage": [(":${QueueName}", _queue)],
    "sqs:GetQueueAttributes": [(":${QueueName}", _queue)],
    "secretsmanager:GetSecretValue": [(":secret:${SecretId}", _secret)],
    "secretsmanager:DescribeSecret": [(":secret:${SecretId}", _secret)],
    "secretsmanager:PutSecretValue": [(":secret:${SecretId}", _secret)],
    "secretsmanager:UpdateSecretVersionStage": [(":secret:${SecretId}", _secret)],
    "secretsmanager:GetRandomPassword": [("*", lambda p: {})],  # no resource: IAM authorizes it on "*"
    "ssm:GetParametersByPath": [(":parameter/${ParameterNameWithoutLeadingSlash}", _parameter)],
    "ssm:GetParameter": [(":parameter/${ParameterNameWithoutLeadingSlash}", _parameter)],
    "lambda:InvokeFunction": [(":function:${FunctionName}", _qualified_function)],
    "bedrock:InvokeModel": [("::foundation-model/${ResourceId}", lambda p: {"ResourceId": p["modelId"]})],
    "ses:SendEmail": [
        (":identity/${IdentityName}", lambda p: {"IdentityName": p["FromEmailAddress"].rsplit("@", 1)[1]}),
        (
            ":configuration-set/${ConfigurationSetName}",
            lambda p: (
                {"ConfigurationSetName": p["ConfigurationSetName"]} if p.get("ConfigurationSetName") else None
            ),
        ),
    ],
}
# Action -> the condition keys its calls set (those the role policies test).
CONTEXT: dict[str, Callable[[dict[str, Any]], dict[str, str]]] = {
    "s3:ListBucket": lambda p: {"s3:prefix": p.get("Prefix", "")},
    "ses:SendEmail": lambda p: {"ses:FromAddress": p["FromEmailAddress"]},
}


@dataclass(frozen=True)
class Request:
    action: str
    resources: tuple[str, ...]
    context: tuple[tuple[str, str], ...] = field(default=())

    def translated(self, pairs: Iterable[tuple[str, str]]) -> Request:
        """The same request with names replaced (test resource names -> an environment's)."""
        ordered = sorted(pairs, key=lambda pair: -len(pair[0]))

        def rename(text: str) -> str:
            for old, new in ordered:
                text = text.replace(old, new)
            return text

        return Request(
            self.action,
            tuple(rename(r) for r in self.resources),
            tuple((k, rename(v)) for k, v in self.context),
        )


def action_of(signing_name: str, operation: str) -> str:
    action = f"{signing_name}:{operation}"
    return ACTION_EXCEPTIONS.get(action, action)


@cache
def arn_format(action: str, ending: str) -> str:
    """The reference's ARN format of one of the action's resource types."""
    service, name = action.split(":", 1)
    formats = [
        e["resource_arn_format"] for entries in get_action_data(service, name).values() for e in entries
    ]
    matching = [f for f in formats if f.endswith(ending)]
    if len(matching) != 1:
        raise LookupError(f"{action}: no single ARN format ends with {ending!r} in {formats}")
    return matching[0]


def request_of(action: str, params: dict[str, Any], *, partition: str, region: str, account: str) -> Request:
    if action not in RESOURCES:
        raise LookupError(f"{action}: add the resources it authorizes to iam_requests.RESOURCES")
    resources = []
    for ending, placeholders in RESOURCES[action]:
        values = placeholders(params)
        if values is None:
            continue
        filled = {"Partition": partition, "Region": region, "Account": account, **values}
        resources.append(
            re.sub(r"\$\{(\w+)\}", lambda m, f=filled: f[m.group(1)], arn_format(action, ending))
        )
    context = CONTEXT.get(action, lambda p: {})(params)
    return Request(action, tuple(resources), tuple(sorted(context.items())))


def is_known_action(action: str) -> bool:
    service, name = action.split(":", 1)
    try:
        return bool(get_action_data(service, name))
    except Exception:  # policy_sentry raises for unknown services
        return False


# ---------------------------------------------------------------------- evaluation
@cache
def _pattern(text: str, flags: int = 0) -> re.Pattern[str]:
    """An IAM wildcard pattern (`*` any run, `?` one character); case-sensitive like ARNs by default."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text) + r"\Z"
    return re.compile(regex, flags)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(patterns: Any, value: str, case_sensitive: bool = True) -> bool:
    flags = 0 if case_sensitive else re.IGNORECASE
    return any(_pattern(p, flags).match(value) for p in _listed(patterns))


CONDITION_OPERATORS: dict[str, Callable[[Any, str], bool]] = {
    "StringEquals": lambda expected, actual: actual in _listed(expected),
    "StringLike": lambda expected, actual: _matches(expected, actual),
    "ArnEquals": lambda expected, actual: actual in _listed(expected),
    "ArnLike": lambda expected, actual: _matches(expected, actual),
}


def _conditions_hold(condition: dict[str, dict[str, Any]], context: dict[str, str]) -> bool:
    for operator, tests in condition.items():
        if operator not in CONDITION_OPERATORS:
            raise LookupError(f"condition operator {operator} is not evaluated here: add it")
        for key, expected in tests.items():
            if key not in context or not CONDITION_OPERATORS[operator](expected, context[key]):
                return False
    return True


def _statement_matches(
    statement: dict[str, Any], action: str, resource: str, context: dict[str, str]
) -> bool:
    return (
        _matches(statement.get("Action", []), action, case_sensitive=False)
        and _matches(statement.get("Resource", []), resource)
        and _conditions_hold(statement.get("Condition", {}), context)
    )


def allows(statements: list[dict[str, Any]], request: Request) -> bool:
    context = dict(request.context)
    for resource in request.resources:
        matching = [s for s in statements if _statement_matches(s, request.action, resource, context)]
        if any(s["Effect"] == "Deny" for s in matching) or not any(s["Effect"] == "Allow" for s in matching):
            return False
    return bool(request.resources)
