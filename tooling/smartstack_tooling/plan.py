"""`make plan`: init and plan each environment, write build/plans/<env>.json, print a summary."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import toolchain

ENVIRONMENTS = ("dev", "staging", "prod")
PLANS = toolchain.BUILD / "plans"


@dataclass
class EnvPlan:
    env: str
    plan_json: Path
    seconds: float
    plan: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


_WARNING = re.compile(r"^(?:│ )?Warning: (.+)$", re.M)


def warnings_in(output: str) -> list[str]:
    """Summaries of the warning diagnostics in Terraform's human output (-no-color)."""
    return [w.strip() for w in _WARNING.findall(output)]


class TerraformFailed(RuntimeError):
    pass


def run_terraform(args: list[str], cwd: Path, env: dict[str, str], capture: bool = False) -> str:
    cli = toolchain.terraform_cli()
    proc = subprocess.run(
        [cli.path, f"-chdir={cwd}", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
    )
    if proc.returncode != 0:
        detail = (proc.stderr or "") if capture else ""
        raise TerraformFailed(f"terraform {args[0]} failed in {cwd} (exit {proc.returncode})\n{detail}")
    return proc.stdout or ""


def prepare(root: Path) -> tuple[Path, dict[str, str]]:
    """Working directory and environment for planning the root module at ``root``."""
    if toolchain.provider_mode() == "real":
        return root, toolchain.terraform_env()
    config = toolchain.install_standin()
    return toolchain.stage(root), toolchain.terraform_env(config)


def plan_env(env: str, quiet: bool = False) -> EnvPlan:
    root = toolchain.REPO / "envs" / env
    workdir, tf_env = prepare(root)
    PLANS.mkdir(parents=True, exist_ok=True)
    plan_file = PLANS / f"{env}.tfplan"
    started = time.perf_counter()
    init_args = ["init", "-input=false", "-no-color"]
    if toolchain.provider_mode() == "real" and (root / "backend.hcl").exists():
        init_args.append(f"-backend-config={root / 'backend.hcl'}")
    init_output = run_terraform(init_args, workdir, tf_env, capture=True)
    plan_output = run_terraform(
        ["plan", "-input=false", "-no-color", "-lock=false", f"-out={plan_file}"],
        workdir,
        tf_env,
        capture=True,
    )
    if not quiet:
        print(plan_output)
    shown = run_terraform(["show", "-json", str(plan_file)], workdir, tf_env, capture=True)
    seconds = time.perf_counter() - started
    plan_json = PLANS / f"{env}.json"
    plan_json.write_text(shown)
    warnings = warnings_in(init_output) + warnings_in(plan_output)
    return EnvPlan(env, plan_json, seconds, json.loads(shown), warnings)


def resource_counts(plan: dict[str, Any]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for change in plan.get("resource_changes", []):
        if change.get("mode") == "managed" and "create" in change["change"]["actions"]:
            counts[change["type"]] += 1
    return counts


def summary(result: EnvPlan) -> str:
    counts = resource_counts(result.plan)
    lines = [
        f"== {result.env}: {sum(counts.values())} resources to create, {len(counts)} types "
        f"(Terraform {result.plan.get('terraform_version')}, {result.seconds:.1f}s) -> "
        f"{result.plan_json.relative_to(toolchain.REPO)}"
    ]
    lines += [f"   {n:4d}  {t}" for t, n in sorted(counts.items())]
    lines.append(f"   warnings: {len(result.warnings)}")
    lines += [f"     - {w}" for w in result.warnings]
    lines.append(cost_line(result))
    lines.append(f"   {policy_verdict(result)}")
    return "\n".join(lines)


def policy_verdict(result: EnvPlan) -> str:
    """The policy suite's verdict on this plan (rules passed/failed), from smartstack_tooling.policy."""
    from . import policy

    return policy.verdict(policy.evaluate(policy.context_for_env(result.env, result.plan)))


def cost_line(result: EnvPlan) -> str:
    """Monthly cost estimate of this plan (smartstack_tooling.cost, prices in pricing/<region>.json)."""
    from . import cost

    try:
        return cost.one_line(cost.estimate(result.plan, result.env))
    except (OSError, KeyError, ValueError) as err:  # a price table problem must not hide the plan
        return f"   cost: unavailable ({type(err).__name__}: {err})"


def write_cost_report(results: list[EnvPlan]) -> None:
    """build/reports/cost.md for the environments just planned (`make cost` writes it too)."""
    from . import cost

    try:
        estimates = [cost.estimate(r.plan, r.env) for r in results]
        if estimates:
            path = cost.write_report(estimates, cost.load_prices(estimates[0].region))
            print(f"cost estimate: {path.relative_to(toolchain.REPO)}")
    except (OSError, KeyError, ValueError) as err:
        print(f"cost estimate: unavailable ({type(err).__name__}: {err})", file=sys.stderr)


def main(argv: list[str]) -> int:
    envs = argv or list(ENVIRONMENTS)
    unknown = [e for e in envs if e not in ENVIRONMENTS]
    if unknown:
        print(f"unknown environment(s) {unknown}; choose from {', '.join(ENVIRONMENTS)}", file=sys.stderr)
        return 2
    cli = toolchain.terraform_cli()
    print(f"Terraform {cli.version} ({cli.source}: {cli.path}); provider: {toolchain.provider_mode()}")
    failed, planned = [], []
    for env in envs:
        try:
            planned.append(plan_env(env, quiet=True))
            print(summary(planned[-1]))
        except TerraformFailed as err:
            print(f"== {env}: FAILED\n{err}", file=sys.stderr)
            failed.append(env)
    write_cost_report(planned)
    return 1 if failed else 0
