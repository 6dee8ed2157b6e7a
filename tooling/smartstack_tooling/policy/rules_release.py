"""Releases: every caller reaches a function through its release alias, so a release can shift traffic.

A caller bound to the unqualified function (``$LATEST``) or to a fixed version bypasses the canary and
the rollback: the alias is the only thing a release moves.
"""

from __future__ import annotations

import re

from ..profiles import profile
from .engine import Instance, PolicyContext, as_list, policy_documents, rule
from .rules_contracts import first
from .twins import module_input, plan_twin, setting, statement, variables, without_address

# Invokers whose target is an attribute: the function (or alias) ARN, or an API Gateway invoke ARN.
INVOKERS = {
    "aws_api_gateway_integration": "uri",
    "aws_api_gateway_authorizer": "authorizer_uri",
    "aws_lambda_event_source_mapping": "function_name",
}
# Settings that apply per qualifier: unqualified, they govern $LATEST, which no caller invokes.
PER_QUALIFIER = ("aws_lambda_permission", "aws_lambda_function_event_invoke_config")
# function:<name>:<alias>, in a function ARN or inside an invoke ARN (.../functions/<arn>/invocations).
QUALIFIED = re.compile(r":function:[A-Za-z0-9_-]+:(?P<qualifier>[A-Za-z_-][A-Za-z0-9_-]*)(?:/invocations)?$")
LAMBDA_TARGET = re.compile(r":function:|:lambda:path/")
# The code's invoke of the AI function: the setting naming the function, and the one naming the alias.
CODE_INVOKES = {"AI_FUNCTION_NAME": "AI_FUNCTION_QUALIFIER"}


def _invoker_problem(ctx: PolicyContext, inst: Instance, attr: str) -> str | None:
    value = inst.get(attr)
    if isinstance(value, str) and value:
        if not LAMBDA_TARGET.search(value):
            return None  # not a Lambda target (an HTTP or mock integration)
        if QUALIFIED.search(value):
            return None
        return f"{inst.address}: {attr} {value!r} invokes the unqualified function, not its release alias"
    if inst.type == "aws_api_gateway_integration" and inst.get("type") not in ("AWS_PROXY", "AWS"):
        return None
    types = ctx.resolved_types(inst, attr)
    if "aws_lambda_alias" in types:
        return None
    if "aws_lambda_function" in types:
        return f"{inst.address}: {attr} invokes the function directly, not its release alias"
    sources = sorted(ctx.resolve_attr(inst, attr))
    return f"{inst.address}: {attr} cannot be traced to a release alias ({sources})"


def _unqualified_invoke_grants(ctx: PolicyContext) -> list[str]:
    problems = []
    for doc in policy_documents(ctx, include_unknown=False):
        if doc.kind != "identity":
            continue
        for stmt in doc.statements():
            actions = [a.lower() for a in as_list(stmt.get("Action"))]
            if stmt.get("Effect") != "Allow" or "lambda:invokefunction" not in actions:
                continue
            for resource in as_list(stmt.get("Resource")):
                if not QUALIFIED.search(str(resource)):
                    problems.append(
                        f"{doc.label}: {stmt.get('Sid') or 'a statement'} grants lambda:InvokeFunction on "
                        f"{resource!r}, an unqualified or wildcard version instead of a release alias"
                    )
    return problems


def _code_invoke_problems(ctx: PolicyContext) -> list[str]:
    aliases = {(a.get("function_name"), a.get("name")) for a in ctx.of_type("aws_lambda_alias")}
    problems = []
    for function in ctx.of_type("aws_lambda_function"):
        settings = first(function.get("environment")).get("variables") or {}
        for name_key, qualifier_key in CODE_INVOKES.items():
            if name_key not in settings:
                continue
            target = (settings[name_key], settings.get(qualifier_key))
            if target not in aliases:
                problems.append(
                    f"{function.address}: the code invokes {name_key}={target[0]!r} with "
                    f"{qualifier_key}={target[1]!r}, which is not an alias of that function"
                )
    return problems


_INTEGRATION = 'module.api.aws_api_gateway_integration.lambda["proxy"]'
_WORKER_POLICY = 'module.compute.aws_iam_role_policy.this["worker"]'


@rule(
    "release.invokers-target-the-alias",
    "releases",
    "Every caller of a function (API Gateway, the authorizer, the queue mapping, IAM grants, the code's "
    "invokes) targets its release alias, never $LATEST",
    severity="high",
    resource_types=(
        *INVOKERS,
        *PER_QUALIFIER,
        "aws_lambda_function",
        "aws_lambda_alias",
        "aws_iam_role_policy",
        "aws_iam_policy",
    ),
    twins=(
        plan_twin(
            "integration-on-the-unqualified-function",
            "invokes the unqualified function",
            "staging",
            setting(
                _INTEGRATION,
                uri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                "arn:aws:lambda:us-east-1:222222222222:function:smartstack-staging-api/invocations",
            ),
        ),
        plan_twin(
            "authorizer-wired-to-the-function",
            "authorizer_uri invokes the function directly",
            "dev",
            module_input("api", "authorizer_function_invoke_arn", "module.compute.function_arns"),
        ),
        plan_twin(
            "queue-mapping-wired-to-the-function",
            "function_name invokes the function directly",
            "prod",
            module_input("messaging", "consumer_function_arn", "module.compute.function_arns"),
        ),
        plan_twin(
            "permission-on-latest",
            "aws_lambda_permission.api: no qualifier",
            "dev",
            setting("module.api.aws_lambda_permission.api", qualifier=""),
        ),
        plan_twin(
            "async-config-on-latest",
            'aws_lambda_function_event_invoke_config.this["ai"]: no qualifier',
            "dev",
            setting('module.compute.aws_lambda_function_event_invoke_config.this["ai"]', qualifier=None),
        ),
        plan_twin(
            "worker-may-invoke-any-version",
            "an unqualified or wildcard version",
            "prod",
            statement(
                _WORKER_POLICY,
                "InvokeAiFunctionAliasOnly",
                lambda s: s.update(Resource=[s["Resource"].rsplit(":", 1)[0] + ":*"]),
            ),
        ),
        plan_twin(
            "code-invokes-latest",
            "AI_FUNCTION_QUALIFIER=None",
            "staging",
            variables("worker", lambda v: v.pop("AI_FUNCTION_QUALIFIER")),
        ),
    ),
)
def invokers_target_the_alias(ctx: PolicyContext) -> list[str]:
    """A release moves the alias (CodeDeploy shifts its weights and rolls it back). Whatever invokes the
    function otherwise — an integration URI, an authorizer, a queue mapping, a role's grant, the code's
    own invoke — keeps running whatever was deployed last, outside the canary and the rollback."""
    problems = []
    for rtype, attr in INVOKERS.items():
        for inst in ctx.of_type(rtype):
            if (problem := _invoker_problem(ctx, inst, attr)) is not None:
                problems.append(problem)
    for inst in ctx.of_type(*PER_QUALIFIER):
        if not inst.is_unknown("qualifier") and not inst.get("qualifier"):
            problems.append(
                f"{inst.address}: no qualifier, so it applies to $LATEST instead of the release alias"
            )
    return problems + _unqualified_invoke_grants(ctx) + _code_invoke_problems(ctx)


# ---------------------------------------------------------------------- rollback
ALL_AT_ONCE = "CodeDeployDefault.LambdaAllAtOnce"
ROLLBACK_EVENTS = {"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}


def _group_problems(ctx: PolicyContext, group: Instance, function: str) -> list[str]:
    problems = []
    style = first(group.get("deployment_style"))
    if (style.get("deployment_type"), style.get("deployment_option")) != (
        "BLUE_GREEN",
        "WITH_TRAFFIC_CONTROL",
    ):
        problems.append(f"{group.address}: deployment_style {style} does not shift traffic between versions")
    rollback = first(group.get("auto_rollback_configuration"))
    if not rollback.get("enabled") or not set(rollback.get("events") or []) >= ROLLBACK_EVENTS:
        problems.append(f"{group.address}: does not roll back on alarm and failure ({rollback})")
    alarms = first(group.get("alarm_configuration"))
    planned = {a.get("alarm_name"): a for a in ctx.of_type("aws_cloudwatch_metric_alarm")}
    watched = [planned.get(name) for name in alarms.get("alarms") or []]
    missing = [n for n, a in zip(alarms.get("alarms") or [], watched, strict=True) if a is None]
    if not alarms.get("enabled") or missing:
        problems.append(
            f"{group.address}: alarms disabled or not planned ({alarms.get('alarms')}, missing {missing})"
        )
    if not any(
        a and a.get("metric_name") == "Errors" and (a.get("dimensions") or {}).get("FunctionName") == function
        for a in watched
    ):
        problems.append(f"{group.address}: watches no Errors alarm of {function}, so a failing release stays")
    if profile(ctx.env).gradual_release_required and group.get("deployment_config_name") == ALL_AT_ONCE:
        problems.append(
            f"{group.address}: shifts all traffic at once in {ctx.env}, before any alarm can fire"
        )
    return problems


_GROUP = 'module.release.aws_codedeploy_deployment_group.this["{}"]'


@rule(
    "release.aliases-roll-back-on-alarms",
    "releases",
    "Every release alias has a CodeDeploy deployment group that shifts its traffic and rolls back when the "
    "function's alarms fire; gradually where the profile requires it",
    severity="high",
    resource_types=("aws_lambda_alias", "aws_codedeploy_deployment_group", "aws_cloudwatch_metric_alarm"),
    twins=(
        plan_twin(
            "alias-without-group",
            'aws_lambda_alias.live["api"]: no CodeDeploy deployment group',
            "dev",
            without_address(_GROUP.format("api")),
        ),
        plan_twin(
            "rollback-turned-off",
            "does not roll back on alarm",
            "staging",
            setting(_GROUP.format("ai"), auto_rollback_configuration=[{"enabled": False, "events": []}]),
        ),
        plan_twin(
            "alarms-of-another-function",
            "watches no Errors alarm of smartstack-prod-worker",
            "prod",
            setting(
                _GROUP.format("worker"),
                alarm_configuration=[
                    {
                        "enabled": True,
                        "alarms": ["smartstack-prod-lambda-api-errors"],
                        "ignore_poll_alarm_failure": False,
                    }
                ],
            ),
        ),
        plan_twin(
            "prod-all-at-once",
            "shifts all traffic at once in prod",
            "prod",
            setting(_GROUP.format("authorizer"), deployment_config_name=ALL_AT_ONCE),
        ),
        plan_twin(
            "in-place-style",
            "does not shift traffic between versions",
            "dev",
            setting(
                _GROUP.format("api"),
                deployment_style=[
                    {"deployment_type": "IN_PLACE", "deployment_option": "WITHOUT_TRAFFIC_CONTROL"}
                ],
            ),
        ),
    ),
)
def aliases_roll_back_on_alarms(ctx: PolicyContext) -> list[str]:
    """A release is only as safe as what stops it: CodeDeploy shifts an alias (blue/green with traffic
    control) and rolls it back when an alarm of that function fires. A group watching another
    function's alarms, or none, lets a failing version take all traffic and keep it."""
    groups = {g.get("deployment_group_name"): g for g in ctx.of_type("aws_codedeploy_deployment_group")}
    problems = []
    for alias in ctx.of_type("aws_lambda_alias"):
        function = alias.get("function_name")
        group = groups.get(function)
        if group is None:
            problems.append(f"{alias.address}: no CodeDeploy deployment group named {function!r} moves it")
            continue
        problems += _group_problems(ctx, group, function)
    return problems
