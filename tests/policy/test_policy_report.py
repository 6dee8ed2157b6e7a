"""`make check` writes every rule per environment, and the cost estimate, into the reports."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from smartstack_tooling.policy import report
from smartstack_tooling.policy.engine import SEVERITIES, rules_of

from ..conftest import ENVIRONMENTS

RULES = rules_of()  # the environments' rules: the report judges the environments' plans


def test_check_writes_rules_and_cost_for_every_environment(env_plans, tmp_path):
    plans_dir, reports_dir = tmp_path / "plans", tmp_path / "reports"
    plans_dir.mkdir()
    for env, plan in env_plans.items():
        (plans_dir / f"{env}.json").write_text(json.dumps(plan.json))
    assert report.check(plans_dir, reports_dir, list(ENVIRONMENTS)) == 0

    policy = (reports_dir / "policy.md").read_text()
    for rule_id, rule in RULES.items():
        assert f"| `{rule_id}` — {rule.title} | {rule.group} | {rule.severity} |" in policy
    applicable = sum(env in rule.envs for rule in RULES.values() for env in ENVIRONMENTS)
    assert applicable < len(RULES) * len(ENVIRONMENTS)  # some rules are required in some envs only
    assert f"**{applicable}/{applicable} passed.**" in policy
    assert "## Monthly cost estimate per environment" in policy
    for env in ENVIRONMENTS:
        assert f"### {env}: ~$" in policy

    suites = ET.fromstring((reports_dir / "policy-junit.xml").read_bytes())
    assert {s.get("name") for s in suites} == {f"policy.{env}" for env in ENVIRONMENTS}
    required = {env: sum(env in rule.envs for rule in RULES.values()) for env in ENVIRONMENTS}
    assert {s.get("name"): int(s.get("tests")) for s in suites} == {
        f"policy.{e}": n for e, n in required.items()
    }
    assert all(s.get("failures") == "0" for s in suites)
    severities = {
        case.get("name"): case.find("properties/property[@name='severity']").get("value")
        for case in suites.iter("testcase")
    }
    assert severities == {rule_id: rule.severity for rule_id, rule in RULES.items()}


def test_a_failing_rule_is_reported_as_such(env_plans, tmp_path):
    plans_dir, reports_dir = tmp_path / "plans", tmp_path / "reports"
    plans_dir.mkdir()
    plan = json.loads(json.dumps(env_plans["prod"].json))
    for change in plan["resource_changes"]:
        if change["type"] == "aws_db_instance":
            change["change"]["after"]["multi_az"] = False
            change["change"]["after"]["publicly_accessible"] = True
    (plans_dir / "prod.json").write_text(json.dumps(plan))
    assert report.check(plans_dir, reports_dir, ["prod"]) == 1
    failures = (reports_dir / "policy.md").read_text().split("## Failures (most severe first)")[1]
    listed = [line.split("`")[1] for line in failures.splitlines() if line.startswith("- **")]
    assert {"multi-az.rds-multi-az", "subnet-placement.rds-not-publicly-accessible"} <= set(listed)
    ranks = [SEVERITIES.index(RULES[rule_id].severity) for rule_id in listed]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1


def test_the_report_lists_every_rules_exemptions_from_its_metadata(env_plans, tmp_path):
    plans_dir, reports_dir = tmp_path / "plans", tmp_path / "reports"
    plans_dir.mkdir()
    for env, plan in env_plans.items():
        (plans_dir / f"{env}.json").write_text(json.dumps(plan.json))
    report.check(plans_dir, reports_dir, list(ENVIRONMENTS))
    exemptions = (reports_dir / "policy.md").read_text().split("## Exemptions", 1)[1]
    exempting = {rule_id: rule for rule_id, rule in RULES.items() if rule.exemptions}
    # (isolation.prod-prevent-destroy has none since modules/s3-bucket protects the web bucket too)
    assert {"iam-only.resource-star-allow-list"} <= set(exempting)
    for rule_id, rule in exempting.items():
        section = exemptions.split(f"### `{rule_id}`", 1)[1].split("###", 1)[0]
        assert all(f"| `{key}` | {why} |" in section for key, why in rule.exemptions.items()), rule_id
