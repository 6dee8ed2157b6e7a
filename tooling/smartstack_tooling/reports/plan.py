"""`make plan`: init and plan each environment, write build/plans/<env>.json, print a summary."""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths, policy
from ..harness import emulator, placeholders, roots, toolchain
from ..planview import PlanView
from ..profiles import ENVIRONMENTS
from . import cost

__all__ = ["ENVIRONMENTS"]  # the env list callers read here comes from profiles
PLANS = paths.PLANS
PARALLEL_PLANS = 2


@dataclass
class EnvPlan:
    env: str
    plan_json: Path
    seconds: float
    plan: dict[str, Any]
    warnings: list[str] = field(default_factory=list)  # meaningful ones: shown, and the suite fails on them
    expected_warnings: list[str] = field(default_factory=list)  # roots.EXPECTED_WARNINGS, not shown
    mode: str = "offline"


TerraformFailed = roots.TerraformFailed
run_terraform = roots.run_terraform


def prepare(root: Path, mode: str | None = None, **options: Any) -> tuple[Path, dict[str, str]]:
    """Working directory and environment for running Terraform in the root module at ``root``."""
    staged = roots.prepare(root, mode, **options)
    return staged.workdir, dict(staged.env)


def plan_root(
    root: roots.TerraformRoot, name: str, quiet: bool = True, extra: list[str] | None = None
) -> EnvPlan:
    """init + plan + show -json of a prepared root into build/plans/<name>.json."""
    PLANS.mkdir(parents=True, exist_ok=True)
    plan_file = PLANS / f"{name}.tfplan"
    started = time.perf_counter()
    root.init()
    plan_output = root.plan(plan_file, extra or [])
    if not quiet:
        print(plan_output)
    shown = root.show_json(plan_file)
    seconds = time.perf_counter() - started
    plan_json = PLANS / f"{name}.json"
    plan_json.write_text(shown)
    meaningful, expected = roots.classify_warnings(root.warnings)
    return EnvPlan(name, plan_json, seconds, json.loads(shown), meaningful, expected, root.mode)


def plan_env(env: str, quiet: bool = False, mode: str | None = None, **options: Any) -> EnvPlan:
    root = roots.prepare(paths.ENVS / env, mode, **options)
    result = plan_root(root, env if root.mode != "local" else f"{env}-local", quiet)
    result.env = env
    return result


def plan_in_mode(env: str, mode: str) -> EnvPlan:
    """`make plan` of one environment; local mode without SMARTSTACK_LOCAL_ENDPOINT gets its own emulator,
    answering as the environment's account, for the length of the plan."""
    if mode != "local" or os.environ.get(roots.ENDPOINT_ENV):
        return plan_env(env, quiet=True, mode=mode)
    running = emulator.start(placeholders.tfvars_account_id(env))
    try:
        return plan_env(env, quiet=True, mode=mode, endpoint=running.url)
    finally:
        running.stop()


def resource_counts(plan: dict[str, Any]) -> Counter[str]:
    """Managed resources the plan creates (replacements included), by type."""
    return Counter(r.type for r in PlanView(plan).changes if "create" in r.actions)


def summary(result: EnvPlan) -> str:
    counts = resource_counts(result.plan)
    lines = [
        f"== {result.env}: {sum(counts.values())} resources to create, {len(counts)} types "
        f"(Terraform {PlanView(result.plan).terraform_version}, {result.seconds:.1f}s) -> "
        f"{result.plan_json.relative_to(paths.REPO)}"
    ]
    lines += [f"   {n:4d}  {t}" for t, n in sorted(counts.items())]
    lines.append(f"   warnings: {len(result.warnings)}")
    lines += [f"     - {w}" for w in result.warnings]
    lines.append(cost_line(result))
    lines.append(f"   {policy_verdict(result)}")
    return "\n".join(lines)


def policy_verdict(result: EnvPlan) -> str:
    """The policy suite's verdict on this plan (rules passed/failed), from smartstack_tooling.policy."""
    return policy.verdict(policy.evaluate(policy.context_for_env(result.env, result.plan)))


def cost_line(result: EnvPlan) -> str:
    """Monthly cost estimate of this plan (reports.cost, prices in pricing/<region>.json)."""
    try:
        return cost.one_line(cost.estimate(result.plan, result.env))
    except (OSError, KeyError, ValueError) as err:  # a price table problem must not hide the plan
        return f"   cost: unavailable ({type(err).__name__}: {err})"


def write_cost_report(results: list[EnvPlan]) -> None:
    """build/reports/cost.md for the environments just planned (`make cost` writes it too)."""
    try:
        estimates = [cost.estimate(r.plan, r.env) for r in results]
        if estimates:
            path = cost.write_report(estimates, cost.load_prices(estimates[0].region))
            print(f"cost estimate: {path.relative_to(paths.REPO)}")
    except (OSError, KeyError, ValueError) as err:
        print(f"cost estimate: unavailable ({type(err).__name__}: {err})", file=sys.stderr)


def main(argv: list[str]) -> int:
    envs = argv or list(ENVIRONMENTS)
    unknown = [e for e in envs if e not in ENVIRONMENTS]
    if unknown:
        print(f"unknown environment(s) {unknown}; choose from {', '.join(ENVIRONMENTS)}", file=sys.stderr)
        return 2
    cli = toolchain.terraform_cli()
    try:
        mode = roots.provider_mode()
    except roots.ModeUnavailable as err:
        print(err, file=sys.stderr)
        return 2
    print(f"Terraform {cli.version} ({cli.source}: {cli.path}); provider: {mode}")
    failed, planned = [], []
    # Two environments at a time (a plan keeps about 1.4 cores busy); summaries in environment order.
    with ThreadPoolExecutor(max_workers=PARALLEL_PLANS) as pool:
        futures = [(env, pool.submit(plan_in_mode, env, mode)) for env in envs]
        for env, future in futures:
            try:
                planned.append(future.result())
                print(summary(planned[-1]))
            except (TerraformFailed, roots.ModeUnavailable, RuntimeError) as err:
                print(f"== {env}: FAILED\n{err}", file=sys.stderr)
                failed.append(env)
    write_cost_report(planned)
    return 1 if failed else 0
