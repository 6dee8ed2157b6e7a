"""The real hashicorp/aws (local mode: filesystem mirror + emulator) plans every environment like the
stand-in: the same addresses, no warnings, the same policy verdicts, and a live account guard."""

from __future__ import annotations

import pytest
from smartstack_tooling import policy
from smartstack_tooling.harness import roots
from smartstack_tooling.operations import apply

from ..conftest import ENVIRONMENTS, REPO


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_stand_in_plans_show_no_warning(env, env_plans):
    assert env_plans[env].warnings == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_real_provider_plans_with_no_warning(env, local_env_plans):
    plan = local_env_plans[env]
    assert plan.warnings == []
    managed = [c for c in plan.resource_changes.values() if c["mode"] == "managed"]
    assert managed and {tuple(c["change"]["actions"]) for c in managed} == {("create",)}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_real_provider_plans_the_same_addresses_as_the_stand_in(env, local_env_plans, env_plans):
    real, stand_in = set(local_env_plans[env].resource_changes), set(env_plans[env].resource_changes)
    assert real - stand_in == set(), "only the real provider plans these"
    assert stand_in - real == set(), "only the stand-in plans these"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_policy_verdicts_agree_between_providers(env, local_env_plans, env_plans):
    def verdicts(plan) -> dict[str, tuple[list[str], str | None]]:
        results = policy.evaluate(policy.context_for_env(env, plan.json))
        return {r.rule.id: (sorted(r.violations), r.error) for r in results}

    real, stand_in = verdicts(local_env_plans[env]), verdicts(env_plans[env])
    assert real == stand_in
    assert all(verdict == ([], None) for verdict in real.values()), real  # no violation, no rule error


# Values the stand-in (v6 schema) knows at plan time that provider v5 computes at apply.
KNOWN_ONLY_IN_V6 = {
    ("aws_s3_bucket", "region"): "v5 reads the bucket's region after create; v6 plans the provider's region",
}


def fully_known(value) -> bool:
    """A planned value with no unknown element (Terraform writes those as null) and not an empty block."""
    if isinstance(value, list | dict):
        items = value.values() if isinstance(value, dict) else value
        return bool(value) and all(fully_known(v) for v in items)
    return value is not None


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_real_plan_knows_at_least_what_the_stand_in_knows(env, local_env_plans, env_plans):
    """Every value the stand-in plans as known is known to the real provider too (rules can check it)."""
    missing = []
    for address, change in env_plans[env].resource_changes.items():
        real = local_env_plans[env].resource_changes[address]["change"]
        for key, value in (change["change"]["after"] or {}).items():
            if (change["type"], key) in KNOWN_ONLY_IN_V6 or not fully_known(value):
                continue
            if real["after_unknown"].get(key) is True:
                missing.append(f"{address}.{key}")
    assert missing == []


def test_the_real_provider_enforces_the_account_guard(local_emulators, tmp_path):
    """An emulator answering as another account (staging's): allowed_account_ids refuses to plan dev."""
    other = local_emulators["staging"]
    assert other.account_id == apply.tfvars_account_id("staging") != apply.tfvars_account_id("dev")
    root = roots.prepare(REPO / "envs" / "dev", "local", endpoint=other.url, label="test-guard-dev")
    root.init()
    with pytest.raises(roots.TerraformFailed) as failed:
        root.plan(tmp_path / "dev.tfplan")
    assert apply.tfvars_account_id("staging") in str(failed.value)
    assert "not allowed" in str(failed.value)
