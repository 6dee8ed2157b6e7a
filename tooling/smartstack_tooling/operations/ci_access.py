"""`make ci-access ENV=<env>`: GitHub's OIDC provider and the two roles CI assumes in one environment's
account, with the `ci-access/` root; the same guarded run as `make state-backend` (account_roots.py).

Inputs: ``environment`` and ``account_id`` from envs/<env>/terraform.tfvars and ``state_bucket`` from
envs/<env>/backend.hcl (it must be state-backend's ``smartstack-<env>-tfstate-<account_id>``), the values
the account guard and the environment's backend already read; ``github_repository`` from
ci-access/terraform.tfvars, the same in every account; ci-access/<env>.tfvars when present, for what one
account sets apart (``existing_oidc_provider_arn``, ``state_kms_encryption``). Before any apply the
ci-access policy rules (policy/rules_ci_access.py) judge the plan: a trust they fail is never applied.

State: in the environment's state bucket (state-backend/ made it first), key
``smartstack/ci-access/terraform.tfstate``; real mode initialises with envs/<env>/backend.hcl.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import paths, policy
from ..harness import placeholders
from . import account_roots, state_backend
from . import apply as guarded

ROOT = paths.CI_ACCESS
SHARED_TFVARS = ROOT / "terraform.tfvars"  # github_repository: every account trusts the same repository


def env_tfvars(env: str, repo: Path = paths.REPO) -> Path:
    """One account's own settings, optional."""
    return repo / ROOT.name / f"{env}.tfvars"


def ci_access_vars(env: str, repo: Path = paths.REPO) -> dict[str, str]:
    """environment, account_id and state_bucket, from envs/<env> (refused when backend.hcl's bucket is not
    state-backend's name for this account)."""
    return {
        **state_backend.state_backend_vars(env, repo),
        "state_bucket": state_backend.backend_bucket(env, repo),
    }


def setup(env: str, mode: str) -> list[list[str]]:
    init = ["init", "-input=false", "-no-color"]
    if mode == "real":  # each account's state in its own bucket: switch between them, never migrate
        init += ["-reconfigure", f"-backend-config={paths.REPO / 'envs' / env / 'backend.hcl'}"]
    return [init]


def extra_args(env: str) -> list[str]:
    """-var-file for ci-access/<env>.tfvars when it exists (relative: Terraform runs in the root's copy)."""
    return [f"-var-file={env}.tfvars"] if env_tfvars(env).exists() else []


def own_placeholders() -> list[str]:
    """The placeholders of ci-access/terraform.tfvars and of every ci-access/<env>.tfvars."""
    files = [SHARED_TFVARS, *(env_tfvars(env) for env in policy.ENVIRONMENTS)]
    return [item for path in files for item in placeholders.in_file(path)]


def judge(env: str, plan: dict[str, Any]) -> str:
    """The ci-access rules' verdict on ``env``'s plan; refused, with each violation, when one fails."""
    results = policy.evaluate(policy.context_for_root(ROOT.name, env, plan))
    failed = [r for r in results if not r.passed]
    if failed:
        listing = "\n".join(
            f"  - {r.rule.id}: {violation}" for r in failed for violation in (r.violations or (r.error,))
        )
        raise guarded.Refused(
            f"POLICY: {len(failed)} ci-access rule(s) failed on this plan, nothing applied:\n{listing}\n"
            "Fix ci-access/ (or its tfvars); there is no override."
        )
    repository = plan.get("variables", {}).get("github_repository", {}).get("value")
    return (
        f"trusts {repository}: plan role <- pull requests and main, deploy role <- environment {env}; "
        f"{policy.verdict(results)}"
    )


def planned(env: str, tf_vars: dict[str, str], account: str) -> str:
    return (
        f"GitHub's OIDC provider, roles smartstack-ci-{env}-plan and smartstack-ci-{env}-deploy in account "
        f"{account}, state in {tf_vars['state_bucket']}"
    )


def applied(env: str, outputs: Callable[[], Mapping[str, Any]]) -> str:
    values = outputs()
    return (
        "In the GitHub repository's settings (Secrets and variables, Actions), set:\n"
        f"   repository variable AWS_PLAN_ROLE_ARN_{env.upper()} = {values['plan_role_arn']}\n"
        f"   environment {env}'s variable AWS_DEPLOY_ROLE_ARN = {values['deploy_role_arn']}"
    )


SPEC = account_roots.AccountRoot(
    root=ROOT,
    title="ci access",
    tf_vars=ci_access_vars,
    setup=setup,
    planned=planned,
    applied=applied,
    extra_args=extra_args,
    own_placeholders=own_placeholders,
    judge=judge,
)


def run(env: str, **kw: Any) -> int:
    """`make ci-access ENV=<env>`; keyword arguments as account_roots.run takes them (tests pass fakes)."""
    return account_roots.run(SPEC, env, **kw)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m smartstack_tooling ci-access <env>   (ENV=<env>)", file=sys.stderr)
        return guarded.EXIT_REFUSED
    return run(argv[0])
