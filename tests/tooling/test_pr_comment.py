"""The pull request comment (tooling/smartstack_tooling/reports/pr_comment.py), rendered for dev's plan
mutated the way a risky change would be: the database replaced with a bigger, unencrypted instance."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from smartstack_tooling.reports import pr_comment

DB = "module.data.aws_db_instance.this"


@pytest.fixture(scope="module")
def base(env_plans) -> dict[str, Any]:
    return env_plans["dev"].json


@pytest.fixture(scope="module")
def mutated(base) -> dict[str, Any]:
    """The database replaced (stateful), a bigger class (cost), storage unencrypted (policy)."""
    plan = copy.deepcopy(base)
    for change in plan["resource_changes"]:
        if change["address"] == DB:
            change["change"]["actions"] = ["delete", "create"]
            change["change"]["after"].update(instance_class="db.m7g.xlarge", storage_encrypted=False)
    for resource in plan["planned_values"]["root_module"]["child_modules"]:
        for planned in resource.get("resources", []):
            if planned["address"] == DB:
                planned["values"].update(instance_class="db.m7g.xlarge", storage_encrypted=False)
    return plan


def test_a_risky_change_leads_with_the_data_at_risk_the_policy_and_the_cost(base, mutated):
    scans = [pr_comment.Scan("checkov", 120, 1), pr_comment.Scan("trivy", 80, 0)]
    comment = pr_comment.render("dev", mutated, base, scans)
    assert comment.startswith("<!-- smartstack-plan:dev -->\n### Plan of `dev`: ")
    assert "to replace" in comment.splitlines()[1] and "1 to replace" in comment
    assert f"**Data at risk: 1 stateful resource(s)** `{DB}` (replaced)." in comment
    assert "**Policy: " in comment and "rules FAILED**" in comment
    assert "storage_encrypted" in comment or "encrypt" in comment.lower()
    assert "**Cost increase:** +" in comment and "USD/month (+" in comment
    assert "**Scanners:** checkov 120 passed / 1 failed, trivy 80 passed / 0 failed" in comment
    assert comment.split("```diff\n", 1)[1].startswith(f"-/+ {DB}\n"), "the riskiest change first"
    order = [comment.index(s) for s in ("Data at risk", "Policy", "Cost", "Scanners", "<details>")]
    assert order == sorted(order), "what needs a decision comes before the plan"


def test_the_base_plan_itself_is_clean_and_costs_nothing_more(base):
    comment = pr_comment.render("dev", base, base)
    assert "Data at risk" not in comment and "rules passed." in comment
    assert "**Cost no change:** +0.00 USD/month" in comment


def test_without_a_base_plan_the_cost_is_absolute_and_says_why(mutated):
    assert "(no base branch plan to compare with)" in pr_comment.render("dev", mutated)


@pytest.mark.parametrize("limit", [3_000, 9_000, pr_comment.COMMENT_LIMIT])
def test_the_comment_always_fits_and_cuts_the_plan_at_a_whole_line(mutated, base, limit):
    comment = pr_comment.render("dev", mutated, base, limit=limit)
    assert len(comment) <= limit
    assert comment.endswith("```\n</details>\n"), "the fence and the details block are closed"
    plan_lines = comment.split("```diff\n", 1)[1].split("```", 1)[0].splitlines()
    changed = len(pr_comment.changes(mutated))
    if limit < pr_comment.COMMENT_LIMIT:
        assert plan_lines[-1].startswith("... ") and "artifact plan-dev" in plan_lines[-1]
        shown = len(plan_lines) - 1
        assert f"... {changed - shown} more change(s)" in plan_lines[-1]
    else:
        assert len(plan_lines) == changed
    assert all(line.split(" ", 1)[0] in {"+", "~", "-", "-/+", "+/-", "..."} for line in plan_lines)


def test_the_cli_prints_the_comment_of_a_plan_file(tmp_path, mutated, base, capsys):
    (tmp_path / "dev.json").write_text(json.dumps(mutated))
    (tmp_path / "base.json").write_text(json.dumps(base))
    code = pr_comment.main(
        ["dev", "--plan", str(tmp_path / "dev.json"), "--base", str(tmp_path / "base.json")]
    )
    assert code == 0 and "Cost increase" in capsys.readouterr().out
    assert pr_comment.main(["dev", "--plan", str(tmp_path / "absent.json")]) == 2
