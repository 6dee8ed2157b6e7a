"""Reports of the policy suite: build/reports/policy.md and policy-junit.xml (every rule per environment)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from xml.etree import ElementTree as ET

from .. import paths
from ..reports import cost
from .engine import ENVIRONMENTS, SEVERITIES, Result, context_for_env, evaluate, rules_of, verdict


def markdown(results: dict[str, list[Result]]) -> str:
    envs = list(results)
    lines = [
        "# SmartStack policy report",
        "",
        "Rules from `smartstack_tooling.policy`, evaluated on `build/plans/<env>.json`.",
        "",
        "| rule | group | severity | " + " | ".join(envs) + " |",
        "|---|---|---|" + "---|" * len(envs),
    ]
    by_env = {env: {r.rule.id: r for r in rs} for env, rs in results.items()}
    for rule_id, rule in rules_of().items():  # the environments' rules: ci-access's judge its own plans
        cells = [
            ("pass" if by_env[e][rule_id].passed else "**FAIL**") if rule_id in by_env[e] else "not required"
            for e in envs
        ]
        row = f"| `{rule_id}` — {rule.title} | {rule.group} | {rule.severity} | "
        lines.append(row + " | ".join(cells) + " |")
    total = sum(len(rs) for rs in results.values())
    failed = [r for rs in results.values() for r in rs if not r.passed]
    lines += ["", f"**{total - len(failed)}/{total} passed.**", ""]
    if failed:
        lines += ["## Failures (most severe first)", ""]
        for r in sorted(failed, key=lambda r: SEVERITIES.index(r.rule.severity)):
            lines.append(f"- **{r.rule.severity}** `{r.rule.id}` in {r.env}:")
            lines += [f"  - {v}" for v in (r.violations or (r.error,))]
        lines.append("")
    lines += ["## Exemptions (from each rule's metadata)", ""]
    for rule_id, rule in rules_of().items():
        if rule.exemptions:
            lines += [f"### `{rule_id}`", "", "| exempt | why |", "|---|---|"]
            lines += [f"| `{key}` | {why} |" for key, why in rule.exemptions.items()]
            lines.append("")
    return "\n".join(lines) + "\n"


def cost_section(plans: dict[str, dict]) -> str:
    """The monthly cost estimate of the same plans, as a section of the policy report."""
    try:
        estimates = [cost.estimate(plan, env) for env, plan in plans.items()]
        text = cost.report(estimates, cost.load_prices(estimates[0].region))
    except (OSError, KeyError, ValueError, IndexError) as err:  # prices must not hide the verdict
        return f"## Monthly cost estimate\n\nUnavailable: {type(err).__name__}: {err}\n"
    # One level down: the estimate is a section of this report.
    return "\n".join("#" + line if line.startswith("#") else line for line in text.splitlines()) + "\n"


def junit(results: dict[str, list[Result]], seconds: float = 0.0) -> bytes:
    suites = ET.Element("testsuites", name="smartstack-policy")
    for env, rs in results.items():
        failures = sum(1 for r in rs if r.violations)
        errors = sum(1 for r in rs if r.error)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"policy.{env}",
            tests=str(len(rs)),
            failures=str(failures),
            errors=str(errors),
            time=f"{seconds:.3f}",
        )
        for r in rs:
            case = ET.SubElement(suite, "testcase", classname=f"policy.{env}.{r.rule.group}", name=r.rule.id)
            properties = ET.SubElement(case, "properties")
            ET.SubElement(properties, "property", name="severity", value=r.rule.severity)
            if r.error:
                ET.SubElement(case, "error", message=r.error).text = r.error
            elif r.violations:
                ET.SubElement(case, "failure", message=f"{len(r.violations)} violation(s)").text = "\n".join(
                    r.violations
                )
    ET.indent(suites)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


def check(plans_dir: Path, reports_dir: Path, envs: list[str]) -> int:
    """`make check`: evaluate every rule on each planned environment and write both reports."""
    started = time.perf_counter()
    results: dict[str, list[Result]] = {}
    for env in envs:
        path = plans_dir / f"{env}.json"
        if not path.exists():
            print(f"{path} is missing: run `make plan` first")
            return 2
        results[env] = evaluate(context_for_env(env, json.loads(path.read_text())))
        print(f"== {env}: {verdict(results[env])}")
    reports_dir.mkdir(parents=True, exist_ok=True)
    plans = {env: json.loads((plans_dir / f"{env}.json").read_text()) for env in envs}
    (reports_dir / "policy.md").write_text(markdown(results) + "\n" + cost_section(plans))
    (reports_dir / "policy-junit.xml").write_bytes(junit(results, time.perf_counter() - started))
    print(f"wrote {reports_dir / 'policy.md'} and {reports_dir / 'policy-junit.xml'}")
    return 1 if any(not r.passed for rs in results.values() for r in rs) else 0


def main(argv: list[str]) -> int:
    """`python -m smartstack_tooling check [env...]`: policy reports from build/plans/<env>.json."""
    return check(paths.PLANS, paths.REPORTS, argv or list(ENVIRONMENTS))
