"""The state-backend root plans offline and creates the bucket each environment's backend.hcl names."""

from __future__ import annotations

import functools
import json

import pytest
from smartstack_tooling import apply, hcl, state_backend

from ..conftest import ENVIRONMENTS

ROOT = state_backend.ROOT


@pytest.fixture(scope="module")
def state_backend_plans(plan_root):
    return {env: plan_root(ROOT, tf_vars=state_backend.state_backend_vars(env)) for env in ENVIRONMENTS}


def after(plan, address):
    return plan.resource_changes[address]["change"]["after"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_bucket_is_the_one_backend_hcl_names(env, state_backend_plans):
    plan = state_backend_plans[env]
    assert after(plan, "aws_s3_bucket.state")["bucket"] == state_backend.backend_bucket(env)
    assert plan.outputs["state_bucket"] == state_backend.backend_bucket(env)


def test_state_bucket_is_versioned_encrypted_private_and_tls_only(state_backend_plans):
    plan = state_backend_plans["prod"]
    assert after(plan, "aws_s3_bucket_versioning.state")["versioning_configuration"][0]["status"] == "Enabled"
    sse = after(plan, "aws_s3_bucket_server_side_encryption_configuration.state")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert sse["bucket_key_enabled"] is True
    assert after(plan, "aws_kms_key.state[0]")["enable_key_rotation"] is True
    block = after(plan, "aws_s3_bucket_public_access_block.state")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    statements = json.loads(after(plan, "aws_s3_bucket_policy.state")["policy"])["Statement"]
    tls = next(s for s in statements if s["Sid"] == "DenyInsecureTransport")
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert "arn:aws:s3:::smartstack-prod-tfstate-333333333333/*" in tls["Resource"]
    assert {c["change"]["actions"][0] for c in plan.resource_changes.values() if c["mode"] == "managed"} == {
        "create"
    }


def test_sse_s3_variant_plans_without_a_key(plan_root):
    plan = plan_root(ROOT, tf_vars={**state_backend.state_backend_vars("dev"), "kms_encryption": "false"})
    sse = after(plan, "aws_s3_bucket_server_side_encryption_configuration.state")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "AES256"
    assert not [a for a in plan.resource_changes if a.startswith("aws_kms_key")]


def test_state_bucket_has_prevent_destroy():
    with (ROOT / "main.tf").open() as handle:
        resources = hcl.load(handle)["resource"]
    bucket = next(r['"aws_s3_bucket"']['"state"'] for r in resources if '"aws_s3_bucket"' in r)
    assert bucket["lifecycle"][0]["prevent_destroy"] is True


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
