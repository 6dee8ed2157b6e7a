"""The ci-access root plans offline in every account, gives CI exactly the two roles the workflows assume,
and gives the deploy role what the environment's own plan needs; `make ci-access` keeps make apply's guards.

The trust conditions themselves are the policy rules' (policy/rules_ci_access.py, with their broken twins in
tests/policy/test_policy_rules.py); here are the permissions and the contract with the environment plans.
"""

from __future__ import annotations

import copy
import dataclasses
import fnmatch
import json
import re
from typing import Any

import pytest
from smartstack_tooling.operations import account_roots, apply, ci_access, state_backend

from ..conftest import ENVIRONMENTS, REPO, validation_errors

ROOT = ci_access.ROOT
GITHUB = "token.actions.githubusercontent.com"


def after(plan, address: str) -> dict[str, Any]:
    return plan.resource_changes[address]["change"]["after"]


def statements(plan, address: str, attr: str = "policy") -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(after(plan, address)[attr])["Statement"]}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def state_key(env: str) -> str:
    """The state key of envs/<env>/versions.tf's backend block."""
    return re.search(r'key\s*=\s*"([^"]+)"', (REPO / "envs" / env / "versions.tf").read_text()).group(1)


def repository() -> str:
    return re.search(r'github_repository\s*=\s*"([^"]+)"', ci_access.SHARED_TFVARS.read_text()).group(1)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_account_gets_githubs_provider_and_the_two_roles(env, ci_access_plans):
    plan = ci_access_plans[env]
    managed = {a for a, c in plan.resource_changes.items() if c["mode"] == "managed"}
    assert managed == {
        "aws_iam_openid_connect_provider.github[0]",
        "aws_iam_role.plan",
        "aws_iam_role.deploy",
        "aws_iam_role_policy.plan_state",
        "aws_iam_role_policy.deploy_iam_and_state_guard",
        "aws_iam_role_policy_attachment.plan_read_only",
        "aws_iam_role_policy_attachment.deploy_power_user",
    }
    provider = after(plan, "aws_iam_openid_connect_provider.github[0]")
    assert (provider["url"], provider["client_id_list"]) == (f"https://{GITHUB}", ["sts.amazonaws.com"])
    account = apply.tfvars_account_id(env)
    for role, subjects in (
        ("plan", [f"repo:{repository()}:pull_request", f"repo:{repository()}:ref:refs/heads/main"]),
        ("deploy", [f"repo:{repository()}:environment:{env}"]),
    ):
        planned = after(plan, f"aws_iam_role.{role}")
        assert (planned["name"], planned["path"]) == (f"smartstack-ci-{env}-{role}", "/github-actions/")
        (trust,) = statements(plan, f"aws_iam_role.{role}", "assume_role_policy").values()
        assert trust["Principal"] == {"Federated": f"arn:aws:iam::{account}:oidc-provider/{GITHUB}"}
        assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert trust["Condition"] == {
            "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": subjects}
        }
    managed_policies = {
        after(plan, f"aws_iam_role_policy_attachment.{name}")["policy_arn"]
        for name in ("plan_read_only", "deploy_power_user")
    }
    assert managed_policies == {
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/PowerUserAccess",
    }


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_plan_role_writes_only_the_lock_and_reads_only_the_state(env, ci_access_plans):
    plan = ci_access_plans[env]
    bucket = f"arn:aws:s3:::{state_backend.backend_bucket(env)}"
    state, lock = f"{bucket}/{state_key(env)}", f"{bucket}/{state_key(env)}.tflock"
    found = statements(plan, "aws_iam_role_policy.plan_state")
    allowed = {
        (action, resource)
        for s in found.values()
        if s["Effect"] == "Allow"
        for action in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }
    keys = f"arn:aws:kms:us-east-1:{apply.tfvars_account_id(env)}:key/*"
    assert allowed == {
        ("s3:ListBucket", bucket),
        ("s3:GetObject", state),
        *((action, lock) for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")),
        ("kms:Decrypt", keys),
        ("kms:GenerateDataKey", keys),
    }
    assert found["TheStateKeyThroughS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"},
        "ForAnyValue:StringEquals": {"kms:ResourceAliases": f"alias/smartstack-{env}-tfstate"},
    }
    denied = found["NoDataReadsButTheState"]
    assert denied["Effect"] == "Deny" and denied["NotResource"] == [state, lock]
    assert {"s3:GetObject", "sqs:ReceiveMessage", "secretsmanager:GetSecretValue"} <= set(denied["Action"])


def test_the_state_key_alias_is_the_one_state_backend_creates(ci_access_plans, plan_root):
    backend = plan_root(state_backend.ROOT, tf_vars=state_backend.state_backend_vars("staging"))
    alias = after(backend, "aws_kms_alias.state[0]")["name"]
    granted = statements(ci_access_plans["staging"], "aws_iam_role_policy.plan_state")["TheStateKeyThroughS3"]
    assert granted["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == alias
    guarded = statements(ci_access_plans["staging"], "aws_iam_role_policy.deploy_iam_and_state_guard")
    assert guarded["KeepTheStateKeysAlias"]["Resource"] == f"arn:aws:kms:us-east-1:222222222222:{alias}"
    logs = after(backend, "module.state_logs_bucket.aws_s3_bucket.this")["bucket"]
    assert f"arn:aws:s3:::{logs}" in guarded["KeepTheStateBucketsAsStateBackendMadeThem"]["Resource"]


def test_an_sse_s3_state_bucket_needs_no_key(plan_root):
    plan = plan_root(ROOT, tf_vars={**ci_access.ci_access_vars("dev"), "state_kms_encryption": False})
    for address in ("aws_iam_role_policy.plan_state", "aws_iam_role_policy.deploy_iam_and_state_guard"):
        assert not [s for s in statements(plan, address).values() if "kms:" in json.dumps(s["Action"])]


def test_an_existing_github_provider_is_trusted_not_created(plan_root):
    existing = f"arn:aws:iam::111111111111:oidc-provider/{GITHUB}"
    plan = plan_root(
        ROOT, tf_vars={**ci_access.ci_access_vars("dev"), "existing_oidc_provider_arn": existing}
    )
    assert not [a for a in plan.resource_changes if a.startswith("aws_iam_openid_connect_provider")]
    for role in ("plan", "deploy"):
        (trust,) = statements(plan, f"aws_iam_role.{role}", "assume_role_policy").values()
        assert trust["Principal"] == {"Federated": existing}
    assert plan.outputs["oidc_provider_arn"] == existing


# ---------------------------------------------------------------------- the contract with the env plans
def _env_roles(env_plan) -> list[dict[str, Any]]:
    return [c["change"]["after"] for c in env_plan.resource_changes.values() if c["type"] == "aws_iam_role"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_deploy_role_may_manage_pass_and_attach_what_the_environment_plans(
    env, env_plans, ci_access_plans
):
    guard = statements(ci_access_plans[env], "aws_iam_role_policy.deploy_iam_and_state_guard")
    pattern = guard["ManageTheEnvironmentsRoles"]["Resource"]
    account = apply.tfvars_account_id(env)
    roles = _env_roles(env_plans[env])
    assert roles, "the environment plans roles"
    for role in roles:
        arn = f"arn:aws:iam::{account}:role{role.get('path') or '/'}{role['name']}"
        assert fnmatch.fnmatchcase(arn, pattern), f"the deploy role cannot manage {arn}"
        assert fnmatch.fnmatchcase(arn, guard["PassTheEnvironmentsRolesToTheirServices"]["Resource"])
    services = guard["PassTheEnvironmentsRolesToTheirServices"]["Condition"]["StringEquals"][
        "iam:PassedToService"
    ]
    trusted = {
        principal["Service"]
        for role in roles
        for s in json.loads(role["assume_role_policy"])["Statement"]
        for principal in [s["Principal"]]
    }
    assert trusted == set(services), "PassRole goes to exactly the services the environment's roles serve"
    attachable = set(guard["AttachOnlyTheReviewedManagedPolicies"]["Condition"]["ArnEquals"]["iam:PolicyARN"])
    attached = {
        c["change"]["after"]["policy_arn"]
        for c in env_plans[env].resource_changes.values()
        if c["type"] == "aws_iam_role_policy_attachment"
    }
    assert attached <= attachable, f"make apply would be refused attaching {attached - attachable}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_deploy_role_cannot_touch_the_ci_roles(env, ci_access_plans):
    plan = ci_access_plans[env]
    guard = statements(plan, "aws_iam_role_policy.deploy_iam_and_state_guard")
    account = apply.tfvars_account_id(env)
    for role in ("plan", "deploy"):
        planned = after(plan, f"aws_iam_role.{role}")
        arn = f"arn:aws:iam::{account}:role{planned['path']}{planned['name']}"
        for statement in guard.values():
            if statement["Effect"] == "Allow" and any(
                a.startswith("iam:") for a in as_list(statement["Action"])
            ):
                assert not fnmatch.fnmatchcase(arn, statement["Resource"]), (statement["Sid"], arn)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_deploy_role_keeps_the_state_bucket_key_and_this_roots_state(env, ci_access_plans):
    guard = statements(ci_access_plans[env], "aws_iam_role_policy.deploy_iam_and_state_guard")
    bucket = f"arn:aws:s3:::{state_backend.backend_bucket(env)}"
    denied = [s for s in guard.values() if s["Effect"] == "Deny"]
    assert {s["Sid"] for s in denied} == {
        "KeepTheStateBucketsAsStateBackendMadeThem",
        "KeepTheStateHistoryAndItsAccessLogs",
        "KeepTheStateObjectAndItsAccessLogs",
        "LeaveTheCiAccessStateAlone",
        "KeepTheStateKey",
        "KeepTheStateKeysAlias",
    }
    assert bucket in guard["KeepTheStateBucketsAsStateBackendMadeThem"]["Resource"]
    assert f"{bucket}/{state_key(env)}" in guard["KeepTheStateObjectAndItsAccessLogs"]["Resource"]
    own_key = re.search(r'key\s*=\s*"([^"]+)"', (ROOT / "versions.tf").read_text()).group(1)
    assert f"{bucket}/{own_key}" in guard["LeaveTheCiAccessStateAlone"]["Resource"]
    assert own_key not in {state_key(e) for e in ENVIRONMENTS}


# ---------------------------------------------------------------------- validations
@pytest.mark.parametrize(
    ("override", "fix"),
    [
        ({"github_repository": "your-org/*"}, "owner/name"),
        ({"github_repository": "https://example.invalid/your-org/smartstack"}, "no URL"),
        ({"state_bucket": "someone-elses-bucket"}, "smartstack-<environment>-tfstate-<account_id>"),
        ({"attachable_managed_policies": ["AdministratorAccess"]}, "must not contain AdministratorAccess"),
        (
            {"existing_oidc_provider_arn": f"arn:aws:iam::999999999999:oidc-provider/{GITHUB}"},
            "a provider of this environment's account",
        ),
    ],
)
def test_wrong_inputs_are_refused_with_the_fix(override, fix):
    errors = validation_errors(ROOT, {**ci_access.ci_access_vars("dev"), **override})
    assert any(fix in error for error in errors), errors


# ---------------------------------------------------------------------- make ci-access
def fake_terraform(plan: dict[str, Any] | None, calls: list[list[str]]):
    outputs = {
        "plan_role_arn": {"value": "arn:aws:iam::111111111111:role/github-actions/smartstack-ci-dev-plan"},
        "deploy_role_arn": {
            "value": "arn:aws:iam::111111111111:role/github-actions/smartstack-ci-dev-deploy"
        },
    }

    def terraform(args, *_):
        calls.append(args)
        return {"show": json.dumps(plan), "output": json.dumps(outputs)}.get(args[0], "")

    return terraform


def test_ci_access_checks_the_account_before_terraform():
    calls: list[list[str]] = []
    lines: list[str] = []
    code = account_roots.run(
        dataclasses.replace(ci_access.SPEC, own_placeholders=lambda: []),
        "staging",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: "111111111111",
        terraform=fake_terraform(None, calls),
        out=lines.append,
        find_placeholders=lambda _env: [],
    )
    assert code == apply.EXIT_REFUSED and calls == []
    assert "ACCOUNT MISMATCH" in "\n".join(lines)


def test_ci_access_refuses_its_own_placeholders_in_real_mode():
    calls: list[list[str]] = []
    lines: list[str] = []
    code = ci_access.run(
        "dev",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: "111111111111",
        terraform=fake_terraform(None, calls),
        out=lines.append,
        find_placeholders=lambda _env: [],
    )
    assert code == apply.EXIT_REFUSED and calls == []
    assert "PLACEHOLDERS: envs/dev and ci-access/" in lines[0] and "ci-access/terraform.tfvars:3" in lines[0]


def test_ci_access_applies_a_plan_the_rules_pass_and_names_the_github_variables(ci_access_plans):
    calls: list[list[str]] = []
    lines: list[str] = []
    code = account_roots.run(
        dataclasses.replace(ci_access.SPEC, own_placeholders=lambda: []),
        "dev",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: "111111111111",
        terraform=fake_terraform(ci_access_plans["dev"].json, calls),
        out=lines.append,
        find_placeholders=lambda _env: [],
    )
    assert code == apply.EXIT_APPLIED, lines
    init = calls[0]
    assert init[0] == "init" and "-reconfigure" in init
    assert f"-backend-config={REPO / 'envs' / 'dev' / 'backend.hcl'}" in init
    assert [c[0] for c in calls] == ["init", "plan", "show", "apply", "output"]
    assert "-var=state_bucket=smartstack-dev-tfstate-111111111111" in calls[1]
    text = "\n".join(lines)
    assert "policy: 4/4 rules passed" in text
    assert (
        "repository variable AWS_PLAN_ROLE_ARN_DEV = arn:aws:iam::111111111111:role/github-actions/" in text
    )
    assert "environment dev's variable AWS_DEPLOY_ROLE_ARN = arn:aws:iam::111111111111:role/" in text


def test_ci_access_refuses_a_plan_the_rules_fail(ci_access_plans):
    plan = copy.deepcopy(ci_access_plans["prod"].json)
    deploy = next(c for c in plan["resource_changes"] if c["address"] == "aws_iam_role.deploy")["change"][
        "after"
    ]
    deploy["assume_role_policy"] = deploy["assume_role_policy"].replace("environment:prod", "pull_request")
    calls: list[list[str]] = []
    lines: list[str] = []
    code = account_roots.run(
        dataclasses.replace(ci_access.SPEC, own_placeholders=lambda: []),
        "prod",
        environ={"SMARTSTACK_PROVIDER": "real", "CONFIRM": "prod"},
        caller=lambda: "333333333333",
        terraform=fake_terraform(plan, calls),
        out=lines.append,
        find_placeholders=lambda _env: [],
    )
    assert code == apply.EXIT_REFUSED
    assert "apply" not in [c[0] for c in calls]
    assert "ci-access.deploy-role-own-environment" in lines[-1] and "nothing applied" in lines[-1]


def test_ci_access_stops_before_apply_offline(ci_access_plans):
    calls: list[list[str]] = []
    lines: list[str] = []
    code = ci_access.run(
        "dev",
        environ={},
        terraform=fake_terraform(ci_access_plans["dev"].json, calls),
        out=lines.append,
    )
    assert code == apply.EXIT_OFFLINE
    assert calls[0] == ["init", "-input=false", "-no-color"]  # the staged copy's local backend
    assert "SMARTSTACK_PROVIDER=real make ci-access ENV=dev" in lines[-1]


def test_offline_runs_leave_the_committed_lock_file_alone(ci_access_plans):
    assert 'version     = "5.100.0"' in (ROOT / ".terraform.lock.hcl").read_text()
    assert not (ROOT / ".terraform").exists()
