"""`make apply` guards: account before plan, destroy guard, prod confirmation, offline stop.

Real-mode runs use an injected caller identity and a recording stand-in for the Terraform CLI, so no AWS
credentials or network are needed; the offline stop runs the real offline path for dev.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from smartstack_tooling import paths
from smartstack_tooling.operations import apply, migrate, release, set_secrets

REAL = {"SMARTSTACK_PROVIDER": "real"}


def crafted_plan(*changes: tuple[str, str, list[str]]) -> dict:
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "resource_changes": [
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": address.rsplit(".", 1)[-1],
                "change": {"actions": actions, "after": {}},
            }
            for address, rtype, actions in changes
        ],
    }


CREATE_ONLY = crafted_plan(("module.data.aws_db_instance.this", "aws_db_instance", ["create"]))


class RecordingTerraform:
    """Answers init/plan/apply like Terraform, `show -json` with a given plan, `output -json` with outputs."""

    def __init__(self, plan: dict, outputs: dict | None = None) -> None:
        self.plan, self.outputs, self.calls = plan, outputs or {}, []

    def __call__(self, args: list[str], cwd: Path, env: dict[str, str], capture: bool) -> str:
        self.calls.append(args)
        if args[0] == "output":
            return json.dumps({name: {"value": value} for name, value in self.outputs.items()})
        return json.dumps(self.plan) if args[0] == "show" else ""

    @property
    def commands(self) -> list[str]:
        return [c[0] for c in self.calls]


def run_real(
    env: str,
    plan: dict = CREATE_ONLY,
    caller: str | None = None,
    extra: dict | None = None,
    typed: str | None = None,
    releases: list[str] | None = None,
    release_code: int = 0,
    deploy_before_release: tuple = (),
) -> tuple[int, RecordingTerraform, str]:
    terraform, lines = RecordingTerraform(plan), []

    def release_step(env: str, mode: str, _environ: Any, _outputs: Any, out: Any) -> int:
        (releases if releases is not None else []).append(f"{env}/{mode} after {terraform.commands[-1]}")
        out("release step ran")
        return release_code

    code = apply.run(
        env,
        environ={**REAL, **(extra or {})},
        caller=lambda: caller or apply.tfvars_account_id(env),
        terraform=terraform,
        package=lambda: None,
        ask=(lambda _prompt: typed) if typed is not None else None,
        interactive=typed is not None,
        out=lines.append,
        find_placeholders=lambda _env: [],  # the repo's tfvars are placeholders: tested on their own
        judge=lambda _env, _plan: [],  # crafted plans: the policy guard is tested on its own
        deploy_steps=[*deploy_before_release, release_step],
    )
    return code, terraform, "\n".join(lines)


# ---- account guard ---------------------------------------------------------------------------------


def test_account_mismatch_is_refused_before_any_terraform_command():
    code, terraform, output = run_real("staging", caller="999999999999")
    assert code == apply.EXIT_REFUSED
    assert terraform.calls == [], "the account is checked before init and plan"
    assert "ACCOUNT MISMATCH" in output
    assert "AWS account 999999999999" in output
    assert 'envs/staging/terraform.tfvars sets account_id = "222222222222"' in output


def test_check_account_message_names_both_accounts():
    with pytest.raises(
        apply.Refused, match=r"credentials are for AWS account 123456789012.*account_id = \"111111111111\""
    ):
        apply.check_account("dev", lambda: "123456789012")
    assert apply.check_account("dev", lambda: "111111111111") == "111111111111"


def test_matching_account_inits_with_the_real_backend_and_applies_the_saved_plan():
    code, terraform, _ = run_real("dev")
    assert code == apply.EXIT_APPLIED
    assert terraform.commands == ["init", "plan", "show", "apply"]
    init, plan, _show, applied = terraform.calls
    assert any(a.startswith("-backend-config=") and a.endswith("envs/dev/backend.hcl") for a in init)
    out_file = next(a.removeprefix("-out=") for a in plan if a.startswith("-out="))
    assert applied[-1] == out_file, "apply runs exactly the saved plan file"


def test_the_release_runs_once_right_after_the_apply():
    releases: list[str] = []
    code, _, output = run_real("staging", releases=releases)
    assert code == apply.EXIT_APPLIED and releases == ["staging/real after apply"]
    assert output.index("applied") < output.index("release step ran")


def test_a_rolled_back_release_is_apply_s_exit_5():
    code, terraform, _ = run_real("dev", release_code=release.EXIT_ROLLED_BACK)
    assert code == apply.EXIT_ROLLED_BACK == 5 and terraform.commands[-1] == "apply"


def test_the_default_steps_set_the_keys_and_migrate_before_they_release():
    steps = list(apply.DEPLOY_STEPS)
    assert steps.index(set_secrets.after_apply) < steps.index(release.after_apply)
    assert steps.index(migrate.after_apply) < steps.index(release.after_apply) == len(steps) - 1


def test_a_failed_migration_releases_nothing_and_is_apply_s_exit_6():
    releases: list[str] = []

    def failing_migration(env: str, mode: str, _environ: Any, _outputs: Any, out: Any) -> int:
        out("migration 0003_x failed at statement 1")
        return migrate.EXIT_MIGRATION_FAILED

    code, terraform, output = run_real("dev", releases=releases, deploy_before_release=(failing_migration,))
    assert code == apply.EXIT_MIGRATION_FAILED == 6 and releases == []
    assert terraform.commands[-1] == "apply" and "0003_x" in output


def test_a_refused_apply_releases_nothing():
    releases: list[str] = []
    code, _, _ = run_real("prod", releases=releases)  # no CONFIRM=prod
    assert code == apply.EXIT_REFUSED and releases == []


# ---- prod confirmation -----------------------------------------------------------------------------


def test_prod_without_confirmation_is_refused_and_nothing_applied():
    code, terraform, output = run_real("prod")
    assert code == apply.EXIT_REFUSED
    assert "apply" not in terraform.commands and "plan" in terraform.commands
    assert "CONFIRM=prod" in output


def test_prod_with_confirm_env_applies():
    code, terraform, _ = run_real("prod", extra={"CONFIRM": "prod"})
    assert code == apply.EXIT_APPLIED
    assert terraform.commands[-1] == "apply"


def test_prod_with_wrong_confirm_value_is_refused():
    code, terraform, output = run_real("prod", extra={"CONFIRM": "yes"})
    assert code == apply.EXIT_REFUSED and "apply" not in terraform.commands
    assert "does not match" in output


@pytest.mark.parametrize(("typed", "expected"), [("prod", apply.EXIT_APPLIED), ("y", apply.EXIT_REFUSED)])
def test_prod_interactive_confirmation_needs_the_typed_name(typed, expected):
    code, terraform, _ = run_real("prod", typed=typed)
    assert code == expected
    assert ("apply" in terraform.commands) == (expected == apply.EXIT_APPLIED)


def test_non_prod_needs_no_confirmation():
    assert run_real("staging")[0] == apply.EXIT_APPLIED


# ---- destroy guard ---------------------------------------------------------------------------------

DESTRUCTIVE = crafted_plan(
    ("module.data.aws_db_instance.this", "aws_db_instance", ["delete", "create"]),
    ("module.storage.module.files_bucket.aws_s3_bucket.this", "aws_s3_bucket", ["delete"]),
    ("module.network.aws_route.default", "aws_route", ["delete"]),
    ("module.secrets.aws_kms_key.this", "aws_kms_key", ["update"]),
)


def test_stateful_destroys_lists_replacements_and_deletions_only():
    assert apply.stateful_destroys(DESTRUCTIVE) == [
        "replace module.data.aws_db_instance.this",
        "destroy module.storage.module.files_bucket.aws_s3_bucket.this",
    ]
    assert apply.stateful_destroys(CREATE_ONLY) == []


def test_destroying_plan_is_refused_before_apply():
    code, terraform, output = run_real("dev", plan=DESTRUCTIVE)
    assert code == apply.EXIT_REFUSED
    assert "apply" not in terraform.commands
    assert "DESTROY GUARD" in output and "replace module.data.aws_db_instance.this" in output
    assert "aws_route" not in output, "stateless resources may be replaced"


def test_allow_destroy_lets_the_plan_through():
    code, terraform, output = run_real("dev", plan=DESTRUCTIVE, extra={"ALLOW_DESTROY": "1"})
    assert code == apply.EXIT_APPLIED and terraform.commands[-1] == "apply"
    assert "ALLOW_DESTROY=1" in output


def test_destroy_guard_comes_before_prod_confirmation():
    code, _, output = run_real("prod", plan=DESTRUCTIVE, extra={"CONFIRM": "prod"})
    assert code == apply.EXIT_REFUSED and "DESTROY GUARD" in output


# ---- offline ---------------------------------------------------------------------------------------


def test_offline_apply_of_dev_plans_then_stops_with_the_documented_message(monkeypatch):
    """The real offline path (stand-in provider, staged root) up to the stop; zips come from `make test`."""
    monkeypatch.delenv("SMARTSTACK_PROVIDER", raising=False)
    monkeypatch.delenv("SMARTSTACK_OFFLINE_ACCOUNT_ID", raising=False)
    lines: list[str] = []
    code = apply.run("dev", environ={}, package=lambda: None, ask=None, interactive=False, out=lines.append)
    output = "\n".join(lines)
    assert code == apply.EXIT_OFFLINE, output
    assert "resources to create" in output and "cost: ~$" in output
    assert "STOPPED BEFORE APPLY" in output and "Offline plans create nothing" in output
    assert "SMARTSTACK_PROVIDER=real make apply ENV=dev" in output
    assert (apply.APPLY_DIR / "dev.tfplan").exists()
    assert not (paths.ENVS / "dev" / ".terraform").exists()


def test_offline_account_guard_uses_the_stand_ins_caller(monkeypatch):
    monkeypatch.setenv("SMARTSTACK_OFFLINE_ACCOUNT_ID", "444444444444")
    lines: list[str] = []
    code = apply.run(
        "dev", environ={}, package=lambda: None, terraform=RecordingTerraform(CREATE_ONLY), out=lines.append
    )
    assert code == apply.EXIT_REFUSED and "444444444444" in "\n".join(lines)
