"""Admission and capacity: the API stage is throttled within the environment's profile, and what it (and
the task queue) admits fits the concurrency of the functions behind it, so overload ends as a clean 429
from API Gateway (or messages waiting in the queue), never as Lambda throttles (502/500, retries).

Concurrency needed by an admission, per Little's law: arrival rate x mean duration. API Gateway throttles
with a token bucket per method (the stage's ``*/*`` settings apply to each method on its own; an override
replaces them for its method): in any window of one duration a method admits at most its burst (a full
bucket, spent at once) plus its rate over that window. So the API function needs

    sum over the methods that invoke it of (burst + rate x d)

concurrent executions, with d the profile's ``api_design_duration_ms``: the mean duration the admission
is sized for, which is the API's p90 latency alarm threshold (modules/observability), so a healthy API
stays under it. Not the 29 s timeout: that is the worst case of one request, and sizing the steady state
for it (50 rps x 29 s = 1450 executions) would reserve for a failure the latency alarm already reports.

A function's capacity is its reserved concurrency, or, unreserved (-1, dev), the account's unreserved
pool: ``lambda_concurrency_quota`` minus every reservation. The pool is shared by every unreserved
function, so in dev the check is an upper bound only.
"""

from __future__ import annotations

from typing import Any

from ..profiles import ENVIRONMENTS, profile
from . import source
from .engine import Instance, PolicyContext, rule, source_refs
from .rules_contracts import _function_named, first, functions_behind, indexed_targets
from .twins import Plan, add_resource, change, plan_twin, setting

_STAGE_WIDE = "*/*"
_SETTINGS = "module.api.aws_api_gateway_method_settings.all"
_ESM = "module.messaging.aws_lambda_event_source_mapping.tasks"


def _function(key: str) -> str:
    return f'module.compute.aws_lambda_function.this["{key}"]'


# ---------------------------------------------------------------------- reading the plan
def _throttle(settings: Instance) -> tuple[Any, Any]:
    """(rate, burst) of a method settings resource; None where unset (-1 is the provider's unset)."""
    block = first(settings.get("settings"))

    def value(key: str) -> Any:
        number = block.get(key)
        return number if isinstance(number, int | float) and number >= 0 else None

    return value("throttling_rate_limit"), value("throttling_burst_limit")


def _settings_of(ctx: PolicyContext, stage: Instance) -> list[Instance]:
    """The method settings of ``stage``: those whose stage_name refers to it."""
    return [
        s
        for s in ctx.of_type("aws_api_gateway_method_settings")
        if stage.config_address in ctx.resolve_attr(s, "stage_name")
        and s.get("stage_name") == stage.get("stage_name")
    ]


def _expand_locals(ctx: PolicyContext, module: str, refs: list[str], depth: int = 0) -> list[str]:
    """References with each ``local.x`` replaced by the references of its expression (the plan's
    configuration leaves locals out; their source text has them)."""
    out = []
    for ref in refs:
        if not ref.startswith("local.") or depth > 4:
            out.append(ref)
            continue
        expression = source.local_expression(ctx.module_dir(module), ref.split(".")[1].split("[")[0])
        if expression is not None:
            out += _expand_locals(ctx, module, source_refs(expression), depth + 1)
    return out


def _invoked_functions(ctx: PolicyContext, integration: Instance) -> list[Instance]:
    refs = _expand_locals(ctx, integration.module, ctx.attr_refs(integration, "uri"))
    found = []
    for address, key in sorted(indexed_targets(ctx, integration.module, refs), key=str):
        for target in ctx.instances_of(address):
            if key is not None and target.index != key:
                continue
            if target.type == "aws_lambda_alias":
                name = target.get("function_name")
                found += [f for f in ctx.of_type("aws_lambda_function") if f.get("function_name") == name]
            elif target.type == "aws_lambda_function":
                found.append(target)
    return found


def capacity(ctx: PolicyContext, function: Instance) -> tuple[int | None, str]:
    """The concurrent executions ``function`` can count on, and where that number comes from."""
    reserved = function.get("reserved_concurrent_executions")
    if isinstance(reserved, int) and reserved >= 1:
        return reserved, "reserved"
    quota = (ctx.plan.get("variables", {}).get("lambda_concurrency_quota") or {}).get("value")
    if not isinstance(quota, int | float):
        return None, "unreserved, and no lambda_concurrency_quota to bound the account's pool"
    reservations = [
        r
        for f in ctx.of_type("aws_lambda_function")
        if isinstance(r := f.get("reserved_concurrent_executions"), int) and r >= 1
    ]
    pool = int(quota) - sum(reservations)
    return pool, f"unreserved: the account's pool, quota {quota:g} - {sum(reservations)} reserved, shared"


# ---------------------------------------------------------------------- twins
def _throttle_setting(**values: Any):
    def mutate(plan: Plan) -> None:
        change(plan, _SETTINGS)["after"]["settings"][0].update(values)

    return mutate


def _unthrottled_override(plan: Plan) -> None:
    """A method override (GET on /{proxy+}) that logs in detail and leaves its throttle unset."""
    stage_wide = change(plan, _SETTINGS)["after"]
    settings = dict(stage_wide["settings"][0], throttling_rate_limit=-1, throttling_burst_limit=-1)
    rc = add_resource(
        plan,
        "module.api.aws_api_gateway_method_settings.all",
        "aws_api_gateway_method_settings",
        dict(stage_wide, method_path="~1{proxy+}/GET", settings=[settings]),
        module="module.api",
    )
    rc["address"] = 'module.api.aws_api_gateway_method_settings.all["get"]'
    rc["index"] = "get"


def _scaling(**values: Any):
    def mutate(plan: Plan) -> None:
        change(plan, _ESM)["after"]["scaling_config"][0].update(values)

    return mutate


def _throttling_twins() -> list:
    twins = []
    for env in ENVIRONMENTS:
        ceiling = profile(env).api_throttling_rate_ceiling_rps
        twins += [
            plan_twin(
                f"{env}-stage-unthrottled", "no throttling", env, _throttle_setting(throttling_rate_limit=-1)
            ),
            plan_twin(
                f"{env}-stage-without-burst",
                "no throttling",
                env,
                _throttle_setting(throttling_burst_limit=-1),
            ),
            plan_twin(
                f"{env}-rate-above-the-profile",
                f"above {env}'s ceiling",
                env,
                _throttle_setting(throttling_rate_limit=ceiling + 1),
            ),
            plan_twin(
                f"{env}-burst-above-the-profile",
                f"above {env}'s ceiling",
                env,
                _throttle_setting(throttling_burst_limit=profile(env).api_throttling_burst_ceiling + 1),
            ),
            plan_twin(f"{env}-method-override-unthrottled", "no throttling", env, _unthrottled_override),
            plan_twin(
                f"{env}-no-stage-wide-settings",
                "no stage-wide throttling",
                env,
                lambda p: p.update(
                    resource_changes=[
                        rc for rc in p["resource_changes"] if rc["type"] != "aws_api_gateway_method_settings"
                    ]
                ),
            ),
        ]
    return twins


def _admission_twins() -> list:
    twins = []
    for env in ENVIRONMENTS:
        ceiling = profile(env).api_throttling_rate_ceiling_rps
        twins += [
            plan_twin(
                f"{env}-rate-beyond-the-api-function",
                "admits up to",
                env,
                _throttle_setting(throttling_rate_limit=ceiling),
            ),
            plan_twin(
                f"{env}-api-reservation-too-small",
                "admits up to",
                env,
                setting(_function("api"), reserved_concurrent_executions=1),
            ),
            plan_twin(
                f"{env}-queue-floods-the-ai",
                "AI invocations in flight",
                env,
                _scaling(maximum_concurrency=50),
            ),
            plan_twin(
                f"{env}-ai-reservation-too-small",
                "AI invocations in flight",
                env,
                setting(_function("ai"), reserved_concurrent_executions=1),
            ),
            plan_twin(
                f"{env}-queue-unbounded", "no maximum_concurrency", env, setting(_ESM, scaling_config=[])
            ),
        ]
    return twins


# ---------------------------------------------------------------------- rules
@rule(
    "contract.api-throttled-within-profile",
    "contracts",
    "The API stage and every method override are throttled (rate and burst) within the environment's profile",
    severity="high",
    resource_types=("aws_api_gateway_method_settings", "aws_api_gateway_stage"),
    twins=_throttling_twins(),
)
def api_throttled(ctx: PolicyContext) -> list[str]:
    """Each stage has stage-wide method settings (``*/*``); every method settings resource of it sets
    ``throttling_rate_limit`` and ``throttling_burst_limit`` (unset, API Gateway admits up to the
    account's 10,000 rps), the rate between the profile's ``api_throttling_rate_floor_rps`` and
    ``api_throttling_rate_ceiling_rps``, the burst between 1 and ``api_throttling_burst_ceiling``."""
    bounds = profile(ctx.env)
    stages = ctx.of_type("aws_api_gateway_stage")
    problems = [] if stages else ["no aws_api_gateway_stage planned"]
    for stage in stages:
        settings = _settings_of(ctx, stage)
        if not any(s.get("method_path") == _STAGE_WIDE for s in settings):
            problems.append(
                f"{stage.address}: no stage-wide throttling (aws_api_gateway_method_settings with "
                f'method_path "{_STAGE_WIDE}")'
            )
        for s in settings:
            rate, burst = _throttle(s)
            where = f"{s.address} ({s.get('method_path')})"
            if rate is None or burst is None:
                problems.append(
                    f"{where}: no throttling (rate {rate}, burst {burst}): admits the account's limit"
                )
                continue
            floor, ceiling = bounds.api_throttling_rate_floor_rps, bounds.api_throttling_rate_ceiling_rps
            if not floor <= rate <= ceiling:
                side = (
                    f"above {ctx.env}'s ceiling {ceiling}"
                    if rate > ceiling
                    else f"below {ctx.env}'s floor {floor}"
                )
                problems.append(f"{where}: throttling_rate_limit {rate:g} rps is {side} (envs/profiles.json)")
            if not 1 <= burst <= bounds.api_throttling_burst_ceiling:
                side = (
                    f"above {ctx.env}'s ceiling {bounds.api_throttling_burst_ceiling}"
                    if burst > bounds.api_throttling_burst_ceiling
                    else "below 1 (admits nothing)"
                )
                problems.append(f"{where}: throttling_burst_limit {burst:g} is {side} (envs/profiles.json)")
    return problems


def _api_admission(ctx: PolicyContext, stage: Instance, duration_s: float) -> list[str]:
    """The stage's admission per function behind its integrations against that function's capacity."""
    settings = _settings_of(ctx, stage)
    default = next((_throttle(s) for s in settings if s.get("method_path") == _STAGE_WIDE), (None, None))
    overrides = {s.get("method_path"): _throttle(s) for s in settings if s.get("method_path") != _STAGE_WIDE}
    peaks: dict[str, list[float | None]] = {}
    functions: dict[str, Instance] = {}
    integrations = [i for i in ctx.of_type("aws_api_gateway_integration") if i.module == stage.module]
    # An override's method_path names one method; the others run on the stage-wide throttle. Which
    # method an override names is not matched to an integration: each override counts as one more method
    # at its own throttle, and the stage-wide default still covers every method (an upper bound).
    for integration in integrations:
        for fn in _invoked_functions(ctx, integration):
            functions[fn.address] = fn
            peaks.setdefault(fn.address, []).append(_peak(default, duration_s))
    for fn_address in peaks:
        peaks[fn_address] += [_peak(t, duration_s) for t in overrides.values()]
    problems = []
    for fn_address, per_method in sorted(peaks.items()):
        fn = functions[fn_address]
        if any(p is None for p in per_method):
            problems.append(f"{stage.address}: admits {fn.address} without a throttle (no bound)")
            continue
        admitted = sum(p for p in per_method if p is not None)
        can_run, why = capacity(ctx, fn)
        if can_run is None or admitted > can_run:
            problems.append(
                f"{stage.address}: admits up to {admitted:g} concurrent requests to {fn.address} "
                f"({len(per_method)} method(s) x (burst + rate x {duration_s:g} s)) but it can run "
                f"{can_run} ({why}): Lambda would throttle (502/500) before API Gateway answers 429"
            )
    return problems


def _peak(throttle: tuple[Any, Any], duration_s: float) -> float | None:
    rate, burst = throttle
    return None if rate is None or burst is None else burst + rate * duration_s


def _queue_admission(ctx: PolicyContext, esm: Instance) -> list[str]:
    scaling = first(esm.get("scaling_config")).get("maximum_concurrency")
    if not isinstance(scaling, int):
        return [f"{esm.address}: no maximum_concurrency (the queue scales its consumer up to 1000)"]
    consumers = functions_behind(ctx, esm, "function_name")
    if len(consumers) != 1:
        return [f"{esm.address}: consumer not found ({[c.address for c in consumers]})"]
    consumer, problems = consumers[0], []
    can_run, why = capacity(ctx, consumer)
    if can_run is None or scaling > can_run:
        problems.append(
            f"{esm.address}: maximum_concurrency {scaling} > the {can_run} executions {consumer.address} "
            f"can run ({why})"
        )
    variables = first(consumer.get("environment")).get("variables") or {}
    ai = _function_named(ctx, variables.get("AI_FUNCTION_NAME"))
    if ai is not None:
        in_flight = (esm.get("batch_size") or 10) * scaling
        can_run, why = capacity(ctx, ai)
        if can_run is None or in_flight > can_run:
            problems.append(
                f"{esm.address}: up to {in_flight} AI invocations in flight (batch_size "
                f"{esm.get('batch_size')} x maximum_concurrency {scaling}) but {ai.address} can run "
                f"{can_run} ({why}): the AI function would throttle and the records retry"
            )
    return problems


@rule(
    "contract.admission-fits-capacity",
    "contracts",
    "What the API stage and the task queue admit fits the reserved concurrency of the functions behind "
    "them, so API Gateway answers 429 before Lambda throttles",
    severity="high",
    resource_types=(
        "aws_api_gateway_integration",
        "aws_api_gateway_method_settings",
        "aws_api_gateway_stage",
        "aws_lambda_event_source_mapping",
        "aws_lambda_function",
    ),
    twins=_admission_twins(),
)
def admission_fits_capacity(ctx: PolicyContext) -> list[str]:
    """Per stage and function behind its integrations: the sum over its methods of (burst + rate x the
    profile's api_design_duration_ms) is at most the function's capacity (module docstring). Per event
    source mapping: maximum_concurrency is set and within the consumer's capacity, and batch_size x
    maximum_concurrency (each record waits for one AI invocation) within the AI function's."""
    duration_s = profile(ctx.env).api_design_duration_ms / 1000
    stages = ctx.of_type("aws_api_gateway_stage")
    problems = [] if stages else ["no aws_api_gateway_stage planned"]
    for stage in stages:
        problems += _api_admission(ctx, stage, duration_s)
    for esm in ctx.of_type("aws_lambda_event_source_mapping"):
        problems += _queue_admission(ctx, esm)
    return problems
