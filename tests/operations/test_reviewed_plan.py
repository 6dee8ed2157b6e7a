"""The reviewed plan is the applied plan: `make deploy-plan` keeps it, `make deploy-apply` applies exactly
it or refuses, and a plan the policy suite fails is never applied
(tooling/smartstack_tooling/operations/saved_plan.py).

Terraform is a recording stand-in here; tests/smoke/test_applied_delivery.py applies a saved plan to the
emulator and has a stale one refused by the real Terraform and provider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from smartstack_tooling.operations import apply, saved_plan

from .test_apply_guards import CREATE_ONLY, REAL, RecordingTerraform


class PlanWritingTerraform(RecordingTerraform):
    """Also writes the -out plan file, as Terraform does, with content that tells plans apart."""

    def __init__(self, plan: dict, failure: str | None = None) -> None:
        super().__init__(plan)
        self.failure = failure

    def __call__(self, args: list[str], cwd: Path, env: dict[str, str], capture: bool) -> str:
        out = next((a.removeprefix("-out=") for a in args if a.startswith("-out=")), None)
        if out:
            Path(out).write_bytes(f"plan {len(self.calls)}".encode())
        if args[0] == "apply" and self.failure:
            self.calls.append(args)
            raise apply.planning.TerraformFailed(self.failure)
        return super().__call__(args, cwd, env, capture)


def run(tmp_path: Path, terraform: RecordingTerraform, judge: Any = None, **bundle: Path) -> tuple[int, str]:
    lines: list[str] = []
    code = apply.run(
        "dev",
        environ=REAL,
        caller=lambda: apply.tfvars_account_id("dev"),
        terraform=terraform,
        package=lambda: None,
        ask=None,
        interactive=False,
        out=lines.append,
        find_placeholders=lambda _env: [],
        judge=judge or (lambda _env, _plan: []),
        deploy_steps=[],
        **bundle,
    )
    return code, "\n".join(lines)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A reviewed plan of dev, saved."""
    target = tmp_path / "bundle"
    code, output = run(tmp_path, PlanWritingTerraform(CREATE_ONLY), save_to=target)
    assert code == apply.EXIT_APPLIED, output
    return target


def test_a_failing_policy_verdict_refuses_the_apply_naming_the_rules(tmp_path):
    terraform = RecordingTerraform(CREATE_ONLY)
    code, output = run(tmp_path, terraform, judge=lambda _env, _plan: ["network.x", "iam-only.y"])
    assert code == apply.EXIT_REFUSED
    assert "apply" not in terraform.commands
    assert "POLICY: 2 rule(s) failed" in output and "  - network.x\n  - iam-only.y" in output
    assert "make check ENV=dev" in output and "no override" in output


def test_the_policy_guard_runs_the_policy_suite_by_default():
    assert apply.policy_failures("dev", CREATE_ONLY)  # a plan with one database fails several rules


def test_saving_a_plan_applies_nothing_and_keeps_what_was_reviewed(tmp_path, bundle):
    manifest = json.loads((bundle / saved_plan.MANIFEST).read_text())
    assert manifest["env"] == "dev" and manifest["mode"] == "real"
    assert manifest["commit"] == saved_plan.commit() and manifest["sources"] == saved_plan.sources_hash("dev")
    assert manifest["plan_sha256"] == saved_plan.sha256(bundle / "dev.tfplan")
    assert manifest["packages"] == saved_plan.packages() and manifest["packages"]
    assert (
        manifest["policy"].startswith("policy: ")
        and manifest["policy"] in (bundle / saved_plan.SUMMARY).read_text()
    )
    assert json.loads((bundle / "dev.json").read_text()) == CREATE_ONLY
    assert "resources" in (bundle / saved_plan.SUMMARY).read_text()


def test_the_saved_plan_is_applied_without_planning_again(tmp_path, bundle):
    terraform = PlanWritingTerraform(CREATE_ONLY)
    code, output = run(tmp_path, terraform, saved=bundle)
    assert code == apply.EXIT_APPLIED, output
    assert terraform.commands == ["init", "show", "apply"]
    assert terraform.calls[-1][-1] == str(bundle / "dev.tfplan")
    assert "matches commit" in output


@pytest.mark.parametrize(
    "tamper, reason",
    [
        (lambda b: (b / "dev.tfplan").write_bytes(b"another plan"), "dev.tfplan is not the plan reviewed"),
        (lambda b: edit(b, commit="0" * 40), f"planned at commit {'0' * 40}"),
        (lambda b: edit(b, sources="0" * 64), "Terraform sources or tfvars differ"),
        (lambda b: edit(b, env="prod"), "it is a plan of prod, not dev"),
        (lambda b: edit(b, mode="local"), "provider mode local, this run is real"),
        (lambda b: edit(b, packages={"arm64/api.zip": "0" * 64}), "package arm64/api.zip built here differs"),
        (lambda b: (b / saved_plan.MANIFEST).unlink(), "no manifest.json"),
    ],
    ids=["plan", "commit", "sources", "env", "mode", "package", "manifest"],
)
def test_a_bundle_that_does_not_match_is_refused_before_terraform_runs(tmp_path, bundle, tamper, reason):
    tamper(bundle)
    terraform = PlanWritingTerraform(CREATE_ONLY)
    code, output = run(tmp_path, terraform, saved=bundle)
    assert code == apply.EXIT_REFUSED
    assert terraform.calls == []
    assert reason in output and "SAVED PLAN" in output


def edit(bundle: Path, **fields: Any) -> None:
    path = bundle / saved_plan.MANIFEST
    path.write_text(json.dumps({**json.loads(path.read_text()), **fields}))


def test_a_stale_saved_plan_is_refused_with_what_to_do(tmp_path, bundle):
    failure = "Error: Saved plan is stale\n\nThe given plan file can no longer be applied"
    code, output = run(tmp_path, PlanWritingTerraform(CREATE_ONLY, failure=failure), saved=bundle)
    assert code == apply.EXIT_REFUSED
    assert "STALE PLAN" in output and "make deploy-plan ENV=dev" in output


def test_the_cli_takes_a_bundle_either_way(capsys):
    assert apply.main(["dev", "--bogus", "x"]) == apply.EXIT_REFUSED
    assert "--save-plan <dir> | --saved-plan <dir>" in capsys.readouterr().err
