"""plan_diff: the before/after comparison a refactor uses to show that no planned value changed."""

from __future__ import annotations

import copy
import json

from smartstack_tooling.reports import plan_diff

from ..conftest import ENVIRONMENTS


def test_a_plan_equals_itself_and_a_changed_value_is_named(env_plans, tmp_path):
    plan = env_plans["dev"].json
    assert plan_diff.diff(plan, copy.deepcopy(plan)) == []
    changed = copy.deepcopy(plan)
    bucket = next(c for c in changed["resource_changes"] if c["type"] == "aws_s3_bucket")
    bucket["change"]["after"]["force_destroy"] = not bucket["change"]["after"].get("force_destroy")
    changed["resource_changes"].append({**copy.deepcopy(bucket), "address": bucket["address"] + "_copy"})
    found = plan_diff.diff(plan, changed)
    assert f"resources.{bucket['address']}.after.force_destroy: " in found[0]
    assert found[1] == f"resources.{bucket['address']}_copy: added"


def test_the_command_exits_1_on_a_difference_and_0_without(env_plans, tmp_path, capsys):
    before, after = tmp_path / "before", tmp_path / "after"
    for directory in (before, after):
        directory.mkdir()
        for env in ENVIRONMENTS:
            (directory / f"{env}.json").write_text(json.dumps(env_plans[env].json))
    assert plan_diff.main([str(before), str(after)]) == 0
    prod = json.loads((after / "prod.json").read_text())
    prod["planned_values"]["outputs"]["api_url"] = {"value": "https://elsewhere.example.com"}
    (after / "prod.json").write_text(json.dumps(prod))
    assert plan_diff.main([str(before), str(after), "prod"]) == 1
    assert "outputs.api_url" in capsys.readouterr().out
