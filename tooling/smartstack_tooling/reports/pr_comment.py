"""The pull request comment of one environment's plan (ci.yml posts it, one comment per environment,
updated in place on every push).

What a reviewer needs first comes first: the stateful resources the plan would destroy or replace, the
policy verdict, the cost change against the base branch's plan, the scanners' counts; then the plan
itself, collapsed, one line per change. The comment always fits GitHub's limit: the plan excerpt is cut
at a whole line, with the number of changes left out and where the full plan is.

    python -m smartstack_tooling pr-comment <env> [--base <base plan JSON>] [--plan <plan JSON>]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths, policy
from ..stateful import DESTROY_GUARDED
from . import cost

COMMENT_LIMIT = 65_536  # characters GitHub accepts in one issue or pull request comment
MARKER = "<!-- smartstack-plan:{env} -->"  # how the workflow finds the comment to update
SYMBOLS = {
    ("create",): "+",
    ("update",): "~",
    ("delete",): "-",
    ("delete", "create"): "-/+",
    ("create", "delete"): "+/-",
    ("read",): "<=",
}


@dataclass(frozen=True)
class Scan:
    name: str
    passed: int
    failed: int


# Destroys and replacements first, then updates, then creates: a cut excerpt keeps what matters most.
SEVERITY = {"-": 0, "-/+": 0, "+/-": 0, "~": 1, "+": 2}


def changes(plan: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(symbol, address, type) of every managed resource the plan changes, the riskiest first."""
    found = []
    for change in plan.get("resource_changes", []):
        actions = tuple(change["change"]["actions"])
        if change.get("mode") == "managed" and actions != ("no-op",):
            found.append((SYMBOLS.get(actions, "/".join(actions)), change["address"], change["type"]))
    return sorted(found, key=lambda item: SEVERITY.get(item[0], 1))


def counts(found: Sequence[tuple[str, str, str]]) -> str:
    tally = Counter(symbol for symbol, _, _ in found)
    replace = tally["-/+"] + tally["+/-"]
    return (
        f"{tally['+']} to add, {tally['~']} to change, {tally['-']} to destroy, {replace} to replace"
        if found
        else "no changes"
    )


def stateful_losses(found: Sequence[tuple[str, str, str]]) -> list[str]:
    return [
        f"`{address}` ({'replaced' if symbol in ('-/+', '+/-') else 'destroyed'})"
        for symbol, address, rtype in found
        if rtype in DESTROY_GUARDED and "-" in symbol
    ]


def policy_section(env: str, plan: dict[str, Any]) -> list[str]:
    results = policy.evaluate(policy.context_for_env(env, plan))
    failed = [r for r in results if not r.passed]
    if not failed:
        return [f"**Policy:** {len(results)}/{len(results)} rules passed."]
    lines = [f"**Policy: {len(failed)} of {len(results)} rules FAILED** (the deploy refuses this plan):"]
    for result in failed:
        reasons = [*result.violations[:3], *([result.error] if result.error else [])]
        more = f" (+{len(result.violations) - 3} more)" if len(result.violations) > 3 else ""
        lines.append(f"- `{result.rule.id}`: {'; '.join(reasons)}{more}")
    return lines


def cost_section(env: str, plan: Mapping[str, Any], base: Mapping[str, Any] | None) -> list[str]:
    head = cost.estimate(plan, env)
    if base is None:
        return [f"**Cost:** ~${head.total:,.2f}/month (no base branch plan to compare with)."]
    before = cost.estimate(base, env).total
    delta = head.total - before
    share = f" ({delta / before:+.1%})" if before else ""
    verb = "increase" if delta > 0 else "decrease" if delta < 0 else "no change"
    return [
        f"**Cost {verb}:** {delta:+,.2f} USD/month{share}: ~${before:,.2f} on the base branch, "
        f"~${head.total:,.2f} with this change ({head.region} list prices as of {head.as_of})."
    ]


def scan_section(scans: Sequence[Scan]) -> list[str]:
    if not scans:
        return []
    cells = ", ".join(f"{s.name} {s.passed} passed / {s.failed} failed" for s in scans)
    flag = "" if all(s.failed == 0 for s in scans) else " (see the SARIF in code scanning)"
    return [f"**Scanners:** {cells}{flag}."]


def excerpt(found: Sequence[tuple[str, str, str]], budget: int, artifact: str) -> str:
    """The collapsed plan: whole lines while they fit in ``budget`` characters, then what was left out."""
    head = f"<details><summary>Plan: {counts(found)}</summary>\n\n```diff\n"
    tail = "```\n</details>\n"
    lines: list[str] = []
    used = len(head) + len(tail)
    for index, (symbol, address, _) in enumerate(found):
        line = f"{symbol} {address}\n"
        left = len(found) - index
        note = f"... {left} more change(s): the full plan is in the artifact {artifact}\n"
        if used + len(line) + len(note) > budget:
            lines.append(note)
            break
        lines.append(line)
        used += len(line)
    return head + "".join(lines) + tail


def render(
    env: str,
    plan: dict[str, Any],
    base: dict[str, Any] | None = None,
    scans: Sequence[Scan] = (),
    limit: int = COMMENT_LIMIT,
) -> str:
    found = changes(plan)
    losses = stateful_losses(found)
    sections = [
        [MARKER.format(env=env), f"### Plan of `{env}`: {counts(found)}"],
        [f"**Data at risk: {len(losses)} stateful resource(s)** {', '.join(losses)}."] if losses else [],
        policy_section(env, plan),
        cost_section(env, plan, base),
        scan_section(scans),
    ]
    top = "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n\n"
    if len(top) > limit // 2:  # a pathological policy listing must not crowd out the plan
        top = top[: limit // 2].rsplit("\n", 1)[0] + "\n(cut)\n\n"
    return top + excerpt(found, limit - len(top), f"plan-{env}")


def read_scans(env: str, reports: Path = paths.REPORTS) -> list[Scan]:
    """The counts of the plan scans `make review` wrote, where it wrote them."""
    scans = []
    checkov = reports / "checkov-plan" / "results_json.json"
    if checkov.exists():
        data = json.loads(checkov.read_text())
        blocks = data if isinstance(data, list) else [data]
        summary = [b.get("summary", {}) for b in blocks]
        scans.append(
            Scan(
                "checkov", sum(s.get("passed", 0) for s in summary), sum(s.get("failed", 0) for s in summary)
            )
        )
    trivy = reports / f"trivy-plan-{env}.json"
    if trivy.exists():
        results = json.loads(trivy.read_text()).get("Results") or []
        summaries = [r.get("MisconfSummary", {}) for r in results]
        scans.append(
            Scan(
                "trivy",
                sum(s.get("Successes", 0) for s in summaries),
                sum(s.get("Failures", 0) for s in summaries),
            )
        )
    return scans


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m smartstack_tooling pr-comment")
    parser.add_argument("env")
    parser.add_argument("--plan", type=Path, help="the plan JSON (default build/plans/<env>.json)")
    parser.add_argument("--base", type=Path, help="the base branch's plan JSON, for the cost change")
    args = parser.parse_args(argv)
    plan_file = args.plan or paths.PLANS / f"{args.env}.json"
    if not plan_file.exists():
        print(f"no plan at {plan_file}: run make review ENV={args.env} first", file=sys.stderr)
        return 2
    base = json.loads(args.base.read_text()) if args.base and args.base.exists() else None
    print(render(args.env, json.loads(plan_file.read_text()), base, read_scans(args.env)), end="")
    return 0
