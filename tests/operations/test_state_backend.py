"""The state-backend root plans offline and creates the bucket each environment's backend.hcl names."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from smartstack_tooling import paths
from smartstack_tooling.harness import hcl
from smartstack_tooling.operations import apply, state_backend
from smartstack_tooling.policy import source

from ..conftest import ENVIRONMENTS

ROOT = state_backend.ROOT


@pytest.fixture(scope="module")
def state_backend_plans(plan_root):
    return {env: plan_root(ROOT, tf_vars=state_backend.state_backend_vars(env)) for env in ENVIRONMENTS}


def after(plan, address):
    return plan.resource_changes[address]["change"]["after"]


def state_bucket(plan, rtype):
    """The planned ``rtype`` of the state bucket (modules/s3-bucket names each ``this``)."""
    return after(plan, f"module.state_bucket.{rtype}.this")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_bucket_is_the_one_backend_hcl_names(env, state_backend_plans):
    plan = state_backend_plans[env]
    assert state_bucket(plan, "aws_s3_bucket")["bucket"] == state_backend.backend_bucket(env)
    assert plan.outputs["state_bucket"] == state_backend.backend_bucket(env)


def test_state_bucket_is_versioned_encrypted_private_and_tls_only(state_backend_plans):
    plan = state_backend_plans["prod"]
    assert (
        state_bucket(plan, "aws_s3_bucket_versioning")["versioning_configuration"][0]["status"] == "Enabled"
    )
    sse = state_bucket(plan, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert sse["bucket_key_enabled"] is True
    assert after(plan, "aws_kms_key.state[0]")["enable_key_rotation"] is True
    block = state_bucket(plan, "aws_s3_bucket_public_access_block")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    statements = json.loads(state_bucket(plan, "aws_s3_bucket_policy")["policy"])["Statement"]
    tls = next(s for s in statements if s["Sid"] == "DenyInsecureTransport")
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert "arn:aws:s3:::smartstack-prod-tfstate-333333333333/*" in tls["Resource"]
    assert {c["change"]["actions"][0] for c in plan.resource_changes.values() if c["mode"] == "managed"} == {
        "create"
    }


def test_sse_s3_variant_plans_without_a_key(plan_root):
    plan = plan_root(ROOT, tf_vars={**state_backend.state_backend_vars("dev"), "kms_encryption": "false"})
    sse = state_bucket(plan, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "AES256"
    assert not [a for a in plan.resource_changes if a.startswith("aws_kms_key")]


def test_state_bucket_has_prevent_destroy():
    with (ROOT / "main.tf").open() as handle:
        calls = hcl.load(handle)["module"]
    bucket = next(c['"state_bucket"'] for c in calls if '"state_bucket"' in c)
    assert bucket["source"] == '"../modules/s3-bucket"'
    assert source.prevent_destroy(paths.MODULES / "s3-bucket", "aws_s3_bucket.this")


def test_offline_runs_leave_the_committed_lock_file_alone(state_backend_plans):
    assert 'version     = "5.100.0"' in (ROOT / ".terraform.lock.hcl").read_text()
    assert not (ROOT / ".terraform").exists()


def test_backend_bucket_mismatch_is_refused(tmp_path):
    (tmp_path / "envs" / "dev").mkdir(parents=True)
    (tmp_path / "envs" / "dev" / "terraform.tfvars").write_text('account_id = "111111111111"\n')
    (tmp_path / "envs" / "dev" / "backend.hcl").write_text('bucket = "someone-elses-bucket"\n')
    with pytest.raises(apply.Refused, match="smartstack-dev-tfstate-111111111111"):
        state_backend.state_backend_vars("dev", tmp_path)


def test_state_backend_checks_the_account_before_terraform():
    calls: list[list[str]] = []
    lines: list[str] = []
    code = state_backend.run(
        "prod",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: "111111111111",
        terraform=lambda args, *_: calls.append(args) or "",
        out=lines.append,
        find_placeholders=lambda _env: [],
    )
    assert code == apply.EXIT_REFUSED and calls == []
    assert "ACCOUNT MISMATCH" in "\n".join(lines)


def test_state_backend_refuses_placeholders_in_real_mode():
    calls: list[list[str]] = []
    lines: list[str] = []
    code = state_backend.run(
        "dev",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: "111111111111",
        terraform=lambda args, *_: calls.append(args) or "",
        out=lines.append,
    )
    assert code == apply.EXIT_REFUSED and calls == []
    assert "PLACEHOLDERS" in "\n".join(lines) and "envs/dev/backend.hcl:2" in "\n".join(lines)


def test_state_left_in_the_former_root_is_refused_with_the_move(tmp_path):
    former = tmp_path / "bootstrap" / "terraform.tfstate.d" / "dev"
    former.mkdir(parents=True)
    lines: list[str] = []
    run = functools.partial(
        state_backend.run,
        "dev",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: "999999999999",
        terraform=lambda *_: pytest.fail("terraform must not run"),
        out=lines.append,
        find_placeholders=lambda _env: [],
        repo=tmp_path,
    )
    assert run() == apply.EXIT_REFUSED and "ACCOUNT MISMATCH" in "\n".join(
        lines
    )  # an empty directory: no state
    (former / "terraform.tfstate").write_text("{}")
    lines.clear()
    assert run() == apply.EXIT_REFUSED
    assert lines == [
        f"{former.parent} holds this root's state from before it moved to state-backend/: move it first "
        "(mv bootstrap/terraform.tfstate.d state-backend/terraform.tfstate.d), or the bucket would be "
        "planned as new."
    ]


# ---- its own state ends in the bucket it creates ---------------------------------------------------------
class StateTerraform:
    """Answers like Terraform for the state-backend root at ``root``: apply writes the local workspace
    state (a bootstrap), state pull reads back what was pushed (or ``pulled``)."""

    def __init__(self, root, pulled: dict | None = None) -> None:
        self.root, self.pulled, self.calls, self.pushed = root, pulled, [], None

    def __call__(self, args, cwd, env, capture):
        self.calls.append(args)
        if args[0] == "apply" and (self.root / state_backend.BOOTSTRAP_OVERRIDE).exists():
            state = state_backend.local_state("dev", self.root)
            state.parent.mkdir(parents=True, exist_ok=True)
            state.write_text(json.dumps({"lineage": "L-1", "serial": 3}))
        if args[:2] == ["state", "push"]:
            self.pushed = json.loads(Path(args[2]).read_text())
        if args[:2] == ["state", "pull"]:
            return json.dumps(self.pulled or self.pushed)
        return ""

    def commands(self) -> list[str]:
        return [" ".join(a[:2]) if a[0] in ("state", "workspace") else a[0] for a in self.calls]


def run_real(tmp_path, terraform, bucket_exists):
    lines: list[str] = []
    code = state_backend.run(
        "dev",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: "111111111111",
        terraform=terraform,
        out=lines.append,
        find_placeholders=lambda _env: [],
        bucket_exists=bucket_exists,
        root=tmp_path,
    )
    return code, "\n".join(lines)


def test_a_new_account_bootstraps_locally_then_pushes_the_state_into_the_new_bucket(tmp_path):
    terraform = StateTerraform(tmp_path)
    overrides: list[bool] = []
    terraform_then = terraform.__call__

    def watching(args, *rest):
        overrides.append((tmp_path / state_backend.BOOTSTRAP_OVERRIDE).exists())
        return terraform_then(args, *rest)

    code, output = run_real(tmp_path, watching, bucket_exists=lambda _bucket: False)
    assert code == apply.EXIT_APPLIED, output
    assert terraform.commands() == [
        "init",
        "workspace select",
        "plan",
        "apply",
        "init",
        "state push",
        "state pull",
    ]
    assert overrides[:4] == [True] * 4 and overrides[4:] == [False] * 3, (
        "local state only until the bucket exists"
    )
    assert any(a.endswith("envs/dev/backend.hcl") for a in terraform.calls[4])
    assert not state_backend.local_state("dev", tmp_path).exists()
    assert state_backend.local_state("dev", tmp_path).with_name("terraform.tfstate.migrated").exists()
    assert f"s3://smartstack-dev-tfstate-111111111111/{state_backend.STATE_KEY}" in output


def test_local_state_left_from_before_is_pushed_first_then_the_bucket_s_state_is_planned(tmp_path):
    state = state_backend.local_state("dev", tmp_path)
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"lineage": "L-0", "serial": 9}))
    terraform = StateTerraform(tmp_path)
    code, output = run_real(tmp_path, terraform, bucket_exists=lambda _bucket: True)
    assert code == apply.EXIT_APPLIED, output
    assert terraform.commands() == ["init", "state push", "state pull", "init", "plan", "apply"]
    assert terraform.pushed == {"lineage": "L-0", "serial": 9} and not state.exists()


def test_once_moved_every_run_uses_the_bucket_s_state(tmp_path):
    terraform = StateTerraform(tmp_path)
    code, _ = run_real(tmp_path, terraform, bucket_exists=lambda _bucket: True)
    assert code == apply.EXIT_APPLIED
    assert terraform.commands() == ["init", "plan", "apply"]
    assert any(a.startswith("-backend-config=") for a in terraform.calls[0])


def test_a_state_that_does_not_read_back_keeps_the_local_file(tmp_path):
    state = state_backend.local_state("dev", tmp_path)
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"lineage": "L-0", "serial": 9}))
    terraform = StateTerraform(tmp_path, pulled={"lineage": "L-other", "serial": 1})
    code, output = run_real(tmp_path, terraform, bucket_exists=lambda _bucket: True)
    assert code == apply.EXIT_REFUSED and "STATE MIGRATION" in output
    assert state.exists() and "plan" not in terraform.commands()


def test_a_bucket_name_another_account_owns_is_refused_after_the_guards(tmp_path):
    def taken(bucket):
        raise apply.Refused(f"the state bucket {bucket} exists but these credentials cannot read it (403)")

    terraform = StateTerraform(tmp_path)
    code, output = run_real(tmp_path, terraform, bucket_exists=taken)
    assert code == apply.EXIT_REFUSED and "(403)" in output and terraform.calls == []
