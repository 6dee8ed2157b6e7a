"""Delivery: what CloudFront runs on the way to the static site and to the API.

The clean-URL CloudFront Function (modules/edge/functions/clean-urls.js) maps /tasks to the export's
tasks.html. It belongs to the default behaviour, the static site: without it every page but / answers
404, and on /api/* it would send /api/tasks to API Gateway as /api/tasks.html.
"""

from __future__ import annotations

from typing import Any

from .engine import Instance, PolicyContext, rule
from .rules_contracts import first
from .twins import Plan, change, config_edit, plan_twin

DISTRIBUTION = "module.edge.aws_cloudfront_distribution.this"
VIEWER_REQUEST = "viewer-request"
FUNCTION_ARN = "default_cache_behavior.function_association.function_arn"


def _default_behaviour_problems(ctx: PolicyContext, distribution: Instance) -> list[str]:
    associations = first(distribution.get("default_cache_behavior")).get("function_association") or []
    events = [a.get("event_type") for a in associations]
    if events != [VIEWER_REQUEST]:
        return [
            f"{distribution.address}: default_cache_behavior runs functions on {events}, not the clean-URL "
            f"function on {VIEWER_REQUEST}, so the site's pages other than / answer 404"
        ]
    if "aws_cloudfront_function" not in ctx.resolved_types(distribution, FUNCTION_ARN):
        sources = sorted(ctx.resolve_attr(distribution, FUNCTION_ARN))
        return [
            f"{distribution.address}: the default behaviour's function_arn is not a planned "
            f"aws_cloudfront_function ({sources})"
        ]
    return []


def _ordered_behaviour_problems(distribution: Instance) -> list[str]:
    problems = []
    for behaviour in distribution.get("ordered_cache_behavior") or []:
        events = [a.get("event_type") for a in behaviour.get("function_association") or []]
        if events:
            problems.append(
                f"{distribution.address}: ordered_cache_behavior {behaviour.get('path_pattern')} runs a "
                f"CloudFront Function on {events}; only the default behaviour (the static site) may"
            )
    return problems


def _default_association(plan: Plan) -> dict[str, Any]:
    return change(plan, DISTRIBUTION)["after"]["default_cache_behavior"][0]


def _on_the_api(plan: Plan) -> None:
    api = change(plan, DISTRIBUTION)["after"]["ordered_cache_behavior"][0]
    api["function_association"] = [{"event_type": VIEWER_REQUEST}]


def _default_config(expressions: dict[str, Any]) -> dict[str, Any]:
    return expressions["default_cache_behavior"][0]["function_association"][0]


@rule(
    "delivery.clean-urls-on-the-site-only",
    "delivery",
    "The clean-URL CloudFront Function runs on the default behaviour (the static site), on viewer "
    "request, and no CloudFront Function runs on another behaviour such as /api/*",
    severity="medium",
    resource_types=("aws_cloudfront_distribution", "aws_cloudfront_function"),
    twins=(
        plan_twin(
            "function-on-the-api-behaviour",
            "ordered_cache_behavior /api/* runs a CloudFront Function",
            "staging",
            _on_the_api,
        ),
        plan_twin(
            "site-without-clean-urls",
            "not the clean-URL function on viewer-request",
            "dev",
            lambda plan: _default_association(plan).update(function_association=[]),
        ),
        plan_twin(
            "clean-urls-on-viewer-response",
            "runs functions on ['viewer-response']",
            "prod",
            lambda plan: _default_association(plan).update(
                function_association=[{"event_type": "viewer-response"}]
            ),
        ),
        plan_twin(
            "function-arn-from-elsewhere",
            "function_arn is not a planned aws_cloudfront_function",
            "dev",
            config_edit(
                DISTRIBUTION,
                lambda e: _default_config(e).update(
                    function_arn={"constant_value": "arn:aws:cloudfront::222222222222:function/other"}
                ),
            ),
        ),
    ),
)
def clean_urls_on_the_site_only(ctx: PolicyContext) -> list[str]:
    """CloudFront caches and forwards what the viewer-request function rewrote. The site needs the
    rewrite (Next.js exports /tasks as tasks.html); the API must never get it: /api/tasks would reach
    API Gateway as /api/tasks.html, a 404 for every client."""
    problems = []
    for distribution in ctx.of_type("aws_cloudfront_distribution"):
        problems += _default_behaviour_problems(ctx, distribution)
        problems += _ordered_behaviour_problems(distribution)
    return problems
