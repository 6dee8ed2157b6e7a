"""Drift detection (tooling/smartstack_tooling/operations/drift.py): clean, drift with what differs, or an
error that is never reported as drift. Terraform is a recording stand-in that exits as
`plan -detailed-exitcode`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from smartstack_tooling.harness import roots
from smartstack_tooling.operations import apply, drift

from .test_apply_guards import CREATE_ONLY, REAL, crafted_plan

DRIFTED = crafted_plan(
    (
        "module.storage.module.web_bucket.aws_s3_bucket_versioning.this",
        "aws_s3_bucket_versioning",
        ["update"],
    ),
    ("module.data.aws_db_instance.this", "aws_db_instance", ["no-op"]),
)


class DetailedExitTerraform:
    def __init__(self, plan_exit: int, plan: dict = CREATE_ONLY) -> None:
        self.plan_exit, self.plan, self.calls = plan_exit, plan, []

    def __call__(self, args: list[str], cwd: Path, env: dict[str, str], capture: bool) -> str:
        self.calls.append(args)
        if args[0] == "plan" and self.plan_exit:
            raise roots.TerraformFailed(f"terraform plan failed (exit {self.plan_exit})", self.plan_exit)
        return json.dumps(self.plan) if args[0] == "show" else ""


def run(terraform: DetailedExitTerraform, env: str = "dev", caller: str | None = None) -> tuple[int, str]:
    lines: list[str] = []
    code = drift.run(
        env,
        environ=REAL,
        terraform=terraform,
        out=lines.append,
        caller=lambda: caller or apply.tfvars_account_id(env),
        package=lambda: None,
        find_placeholders=lambda _env: [],
    )
    return code, "\n".join(lines)


def test_a_clean_environment_exits_0():
    terraform = DetailedExitTerraform(0)
    code, output = run(terraform)
    assert code == drift.EXIT_CLEAN and "no drift" in output
    (plan,) = [c for c in terraform.calls if c[0] == "plan"]
    assert "-detailed-exitcode" in plan and "-lock=false" in plan, "read-only: the plan role takes no lock"
    assert not (drift.DRIFT_DIR / "dev.md").exists()


def test_drift_exits_2_with_what_differs():
    code, output = run(DetailedExitTerraform(2, DRIFTED))
    assert code == drift.EXIT_DRIFT and "DRIFT: 0 to add, 1 to change" in output
    body = (drift.DRIFT_DIR / "dev.md").read_text()
    assert body.startswith("<!-- smartstack-drift:dev -->")
    assert "~ module.storage.module.web_bucket.aws_s3_bucket_versioning.this" in body
    assert "aws_db_instance" not in body, "unchanged resources are not drift"


def test_an_error_is_an_error_never_drift():
    code, output = run(DetailedExitTerraform(1))
    assert code == drift.EXIT_ERROR and "\nERROR, not drift: terraform plan failed (exit 1)" in output


def test_the_account_guard_refuses_before_planning():
    terraform = DetailedExitTerraform(0)
    code, output = run(terraform, caller="999999999999")
    assert code == drift.EXIT_REFUSED and "ACCOUNT MISMATCH" in output and terraform.calls == []


@pytest.mark.parametrize("argv", [[], ["dev", "--all"]])
def test_the_cli_takes_one_environment(argv):
    assert drift.main(argv) == drift.EXIT_REFUSED
