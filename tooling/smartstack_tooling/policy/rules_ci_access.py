"""CI access (ci-access/): which GitHub Actions jobs may assume the roles CI uses in an environment's account.

These rules read the plan of the ci-access root for one environment (``root_name="ci-access"``), not the
environment's own plan: `make ci-access` refuses a plan any of them fails, and the suite runs them on each
account's plan. A GitHub OIDC token names, in its subject (``sub``), the repository and the event, branch
or environment of the job, and in its audience (``aud``) whom it was minted for; STS accepts it for a role
whose trust conditions it meets. A condition left out or widened lets other jobs in: any repository's (any
GitHub user can mint tokens for their own), another branch's, a pull request reaching the deploy role, an
environment reaching another environment's account, or a token minted for another service.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .engine import Instance, PolicyContext, as_list, rule
from .twins import Plan, change, plan_twin, statement

ROOT = "ci-access"
GITHUB = "token.actions.githubusercontent.com"
SUB, AUD = f"{GITHUB}:sub", f"{GITHUB}:aud"
AUDIENCE = "sts.amazonaws.com"  # what aws-actions/configure-aws-credentials asks GitHub for
PROVIDER = "aws_iam_openid_connect_provider.github"
PLAN_ROLE, DEPLOY_ROLE = "aws_iam_role.plan", "aws_iam_role.deploy"
RESOURCE_TYPES = ("aws_iam_openid_connect_provider", "aws_iam_role")
# The subjects of the plan role (after repo:<owner>/<name>:): ci.yml's pull requests, and deploy-env.yml's
# plan job, which runs on main without a GitHub environment.
PLAN_SUBJECTS = ("pull_request", "ref:refs/heads/main")
EXACT = ("StringEquals", "StringLike")  # StringLike is exact too when its values hold no * or ?
WILDCARD = re.compile(r"[*?]")
REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Trust:
    """One Allow statement of a role's trust policy whose principal is GitHub's OIDC provider."""

    role: Instance
    sid: str
    statement: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.role.address} {self.sid}"

    def conditions(self, key: str) -> list[tuple[str, list[str]]]:
        """(operator, values) of every condition on ``key`` (condition keys compare case-insensitively)."""
        found = []
        for operator, block in (self.statement.get("Condition") or {}).items():
            for name, values in (block or {}).items():
                if name.lower() == key.lower():
                    found.append((operator, [str(v) for v in as_list(values)]))
        return found

    def subjects(self) -> list[str]:
        return [value for _, values in self.conditions(SUB) for value in values]


def _trusts_github(stmt: dict[str, Any]) -> bool:
    principal = stmt.get("Principal")
    federated = principal.get("Federated") if isinstance(principal, dict) else None
    return any(str(p).endswith(f":oidc-provider/{GITHUB}") for p in as_list(federated))


def _trusts(ctx: PolicyContext) -> tuple[list[Trust], list[str]]:
    """Every GitHub trust statement of the planned roles, and the roles whose trust cannot be read."""
    trusts, problems = [], []
    for role in ctx.of_type("aws_iam_role"):
        if role.is_unknown("assume_role_policy"):
            problems.append(f"{role.address}: its trust policy is unknown at plan, so nobody can review it")
            continue
        doc = _document(role.get("assume_role_policy"))
        for n, stmt in enumerate(as_list(doc.get("Statement"))):
            if stmt.get("Effect") == "Allow" and _trusts_github(stmt):
                trusts.append(Trust(role, stmt.get("Sid") or f"#{n}", stmt))
    return trusts, problems


def _document(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else (raw or {})


def _repository(ctx: PolicyContext) -> str:
    return str((ctx.plan.get("variables", {}).get("github_repository") or {}).get("value") or "")


def _role_trusts(ctx: PolicyContext, address: str, trusts: list[Trust]) -> Iterator[Trust] | None:
    """The GitHub trusts of the role at ``address``; None when the plan has no such role."""
    if not ctx.instances_of(address):
        return None
    return (t for t in trusts if t.role.config_address == address)


def _subject_rests(trust: Trust, repository: str) -> list[str]:
    """What follows ``repo:<owner>/<name>:`` in each subject (the event, branch or environment)."""
    prefix = f"repo:{repository}:"
    return [s[len(prefix) :] if s.startswith(prefix) else s for s in trust.subjects()]


# ---------------------------------------------------------------------- twins' surgery
TRUST_SIDS = {PLAN_ROLE: "GitHubActionsPlans", DEPLOY_ROLE: "GitHubActionsDeploysOfThisEnvironment"}


def _trust(address: str, mutate: Callable[[dict[str, Any]], Any]) -> Callable[[Plan], None]:
    """Mutate the Condition block of the GitHub trust statement of the role at ``address``."""
    return statement(
        address, TRUST_SIDS[address], lambda s: mutate(s["Condition"]), attr="assume_role_policy"
    )


def _subjects_to(operator: str, edit: Callable[[list[str]], list[str]]) -> Callable[[dict[str, Any]], None]:
    """Move the ``sub`` condition under ``operator``, its values edited."""

    def mutate(condition: dict[str, Any]) -> None:
        values = as_list(condition["StringEquals"].pop(SUB))
        condition.setdefault(operator, {})[SUB] = edit(values)

    return mutate


def _in_ci_access(name: str, expect: str, env: str, *mutations: Callable[[Plan], Any]) -> Any:
    return plan_twin(name, expect, env, *mutations, root_name=ROOT)


def _provider_audiences(audiences: list[str]) -> Callable[[Plan], None]:
    def mutate(plan: Plan) -> None:
        change(plan, f"{PROVIDER}[0]")["after"]["client_id_list"] = audiences

    return mutate


# ---------------------------------------------------------------------- rules
def _repository_problems(trust: Trust, repository: str) -> list[str]:
    conditions = trust.conditions(SUB)
    if not conditions:
        return [f"{trust.label}: no {SUB} condition, so every GitHub repository's workflows may assume it"]
    problems = [
        f"{trust.label}: {SUB} under {operator}, not StringEquals or StringLike of exact subjects"
        for operator, _ in conditions
        if operator not in EXACT
    ]
    for subject in trust.subjects():
        named = subject.split(":")[1] if subject.count(":") >= 2 and subject.startswith("repo:") else subject
        if WILDCARD.search(named):
            problems.append(
                f"{trust.label}: subject {subject!r} has a wildcard in the owner or repository name"
            )
        elif named != repository:
            problems.append(
                f"{trust.label}: subject {subject!r} is not the configured repository {repository!r}"
            )
    return problems


@rule(
    "ci-access.trust-exact-repository",
    "CI access",
    "The CI roles trust GitHub's OIDC tokens of the configured repository only: an exact owner/name in "
    "every subject, under StringEquals or StringLike",
    severity="critical",
    resource_types=RESOURCE_TYPES,
    root_name=ROOT,
    twins=(
        _in_ci_access(
            "wildcard-owner",
            "wildcard in the owner or repository name",
            "dev",
            _trust(
                PLAN_ROLE,
                _subjects_to(
                    "StringLike", lambda subs: [re.sub(r"^repo:[^/]+/", "repo:*/", s) for s in subs]
                ),
            ),
        ),
        _in_ci_access(
            "wildcard-repository-name",
            "wildcard in the owner or repository name",
            "prod",
            _trust(
                DEPLOY_ROLE,
                _subjects_to(
                    "StringLike", lambda subs: [re.sub(r"^(repo:[^/]+/)[^:]+", r"\1*", s) for s in subs]
                ),
            ),
        ),
        _in_ci_access(
            "another-repository",
            "is not the configured repository",
            "staging",
            _trust(
                PLAN_ROLE,
                _subjects_to(
                    "StringEquals", lambda subs: [*subs, "repo:someone-else/smartstack:pull_request"]
                ),
            ),
        ),
        _in_ci_access(
            "no-subject-condition",
            "every GitHub repository's workflows may assume it",
            "prod",
            _trust(DEPLOY_ROLE, lambda condition: condition["StringEquals"].pop(SUB)),
        ),
        _in_ci_access(
            "subject-negated",
            "under StringNotEquals",
            "dev",
            _trust(DEPLOY_ROLE, _subjects_to("StringNotEquals", lambda subs: subs)),
        ),
    ),
)
def trust_exact_repository(ctx: PolicyContext) -> list[str]:
    """Anyone can create a GitHub repository and mint OIDC tokens for its workflows: a subject whose owner
    or name is a pattern, or a trust without a subject, hands the account to them."""
    repository = _repository(ctx)
    trusts, problems = _trusts(ctx)
    if not REPOSITORY.match(repository):
        problems.append(f"github_repository {repository!r} is not one repository, owner/name")
    if not trusts:
        problems.append("no aws_iam_role trusts GitHub's OIDC provider: CI cannot assume any role")
    for address in (PLAN_ROLE, DEPLOY_ROLE):
        if not any(t.role.config_address == address for t in trusts):
            problems.append(f"{address}: does not trust GitHub's OIDC provider (or is not planned)")
    for trust in trusts:
        problems += _repository_problems(trust, repository)
    return problems


def _exact_set_problems(trust: Trust, rests: list[str], allowed: set[str], what: str) -> list[str]:
    problems = []
    for rest in rests:
        if WILDCARD.search(rest):
            problems.append(
                f"{trust.label}: subject ...:{rest} is a pattern; {what} takes exact subjects only"
            )
        elif rest not in allowed:
            problems.append(f"{trust.label}: subject ...:{rest} is not one of {sorted(allowed)} ({what})")
    return problems


@rule(
    "ci-access.plan-role-pull-requests-and-main",
    "CI access",
    "The plan role trusts exactly the repository's pull requests and its main branch (deploy-env.yml's plan "
    "job runs on main without an environment): no other branch, tag or environment",
    severity="high",
    resource_types=RESOURCE_TYPES,
    root_name=ROOT,
    twins=(
        _in_ci_access(
            "any-branch",
            "ref:refs/heads/* is a pattern",
            "dev",
            _trust(
                PLAN_ROLE,
                _subjects_to(
                    "StringLike", lambda subs: [s.replace("refs/heads/main", "refs/heads/*") for s in subs]
                ),
            ),
        ),
        _in_ci_access(
            "feature-branch",
            "ref:refs/heads/feature is not one of",
            "staging",
            _trust(
                PLAN_ROLE,
                _subjects_to(
                    "StringEquals",
                    lambda subs: [*subs, subs[0].replace("pull_request", "ref:refs/heads/feature")],
                ),
            ),
        ),
        _in_ci_access(
            "an-environment-subject",
            "environment:prod is not one of",
            "prod",
            _trust(
                PLAN_ROLE,
                _subjects_to(
                    "StringEquals", lambda subs: [*subs, subs[0].replace("pull_request", "environment:prod")]
                ),
            ),
        ),
        _in_ci_access(
            "pull-requests-left-out",
            "ci.yml's pull request plans cannot assume it",
            "dev",
            _trust(
                PLAN_ROLE,
                _subjects_to("StringEquals", lambda subs: [s for s in subs if "pull_request" not in s]),
            ),
        ),
    ),
)
def plan_role_pull_requests_and_main(ctx: PolicyContext) -> list[str]:
    """The plan role reads the whole account: any branch's workflow could read it, and an environment's job
    must get its own environment's deploy role, never this one."""
    repository = _repository(ctx)
    trusts, problems = _trusts(ctx)
    plan_trusts = _role_trusts(ctx, PLAN_ROLE, trusts)
    if plan_trusts is None:
        return [*problems, f"{PLAN_ROLE}: no plan role planned"]
    seen: set[str] = set()
    for trust in plan_trusts:
        rests = _subject_rests(trust, repository)
        seen |= set(rests)
        problems += _exact_set_problems(trust, rests, set(PLAN_SUBJECTS), "the plan role")
    problems += [
        f"{PLAN_ROLE}: no subject ...:{missing}, so "
        + (
            "ci.yml's pull request plans"
            if missing == "pull_request"
            else "deploy-env.yml's plan job on main"
        )
        + " cannot assume it"
        for missing in PLAN_SUBJECTS
        if missing not in seen
    ]
    return problems


@rule(
    "ci-access.deploy-role-own-environment",
    "CI access",
    "The deploy role trusts only jobs running in the GitHub environment of its own environment (whose branch "
    "policy and reviewers gate it): no branch, pull request or other environment",
    severity="critical",
    resource_types=RESOURCE_TYPES,
    root_name=ROOT,
    twins=(
        _in_ci_access(
            "another-environments-jobs",
            "environment:prod is not one of",
            "dev",
            _trust(
                DEPLOY_ROLE,
                _subjects_to("StringEquals", lambda subs: [s.replace(":dev", ":prod") for s in subs]),
            ),
        ),
        _in_ci_access(
            "pull-requests-deploy",
            "pull_request is not one of",
            "staging",
            _trust(
                DEPLOY_ROLE,
                _subjects_to(
                    "StringEquals",
                    lambda subs: [*subs, subs[0].replace("environment:staging", "pull_request")],
                ),
            ),
        ),
        _in_ci_access(
            "main-without-the-environment-gate",
            "ref:refs/heads/main is not one of",
            "prod",
            _trust(
                DEPLOY_ROLE,
                _subjects_to(
                    "StringEquals",
                    lambda subs: [s.replace("environment:prod", "ref:refs/heads/main") for s in subs],
                ),
            ),
        ),
        _in_ci_access(
            "any-environment",
            "environment:* is a pattern",
            "dev",
            _trust(
                DEPLOY_ROLE,
                _subjects_to(
                    "StringLike", lambda subs: [s.replace("environment:dev", "environment:*") for s in subs]
                ),
            ),
        ),
    ),
)
def deploy_role_own_environment(ctx: PolicyContext) -> list[str]:
    """The deploy role can change everything in the account. The environment is the gate: its deployment
    branch policy (main only) and, for prod, its required reviewers decide which jobs get its tokens."""
    repository = _repository(ctx)
    trusts, problems = _trusts(ctx)
    deploy_trusts = _role_trusts(ctx, DEPLOY_ROLE, trusts)
    if deploy_trusts is None:
        return [*problems, f"{DEPLOY_ROLE}: no deploy role planned"]
    own = f"environment:{ctx.env}"
    seen: set[str] = set()
    for trust in deploy_trusts:
        rests = _subject_rests(trust, repository)
        seen |= set(rests)
        problems += _exact_set_problems(trust, rests, {own}, f"the {ctx.env} deploy role")
    if own not in seen:
        problems.append(
            f"{DEPLOY_ROLE}: no subject ...:{own}, so deploy-env.yml's apply job cannot assume it"
        )
    return problems


def _audience_problems(trust: Trust) -> list[str]:
    conditions = trust.conditions(AUD)
    if not conditions:
        return [f"{trust.label}: no {AUD} condition, so tokens minted for any audience are accepted"]
    problems = []
    for operator, values in conditions:
        if operator != "StringEquals" or values != [AUDIENCE]:
            problems.append(f"{trust.label}: {AUD} {operator} {values}, not StringEquals [{AUDIENCE!r}]")
    return problems


def _provider_problems(ctx: PolicyContext) -> list[str]:
    problems = []
    for provider in ctx.of_type("aws_iam_openid_connect_provider"):
        if provider.get("url") != f"https://{GITHUB}":
            problems.append(f"{provider.address}: url {provider.get('url')!r} is not https://{GITHUB}")
        if provider.get("client_id_list") != [AUDIENCE]:
            problems.append(
                f"{provider.address}: client_id_list {provider.get('client_id_list')} is not [{AUDIENCE!r}]: "
                "the provider would accept tokens minted for other audiences"
            )
    return problems


@rule(
    "ci-access.trust-audience-sts",
    "CI access",
    "GitHub's tokens are accepted only with the audience sts.amazonaws.com: the provider's client ids and "
    "every GitHub trust's aud condition (StringEquals)",
    severity="high",
    resource_types=RESOURCE_TYPES,
    root_name=ROOT,
    twins=(
        _in_ci_access(
            "no-audience-condition",
            "tokens minted for any audience are accepted",
            "prod",
            _trust(DEPLOY_ROLE, lambda condition: condition["StringEquals"].pop(AUD)),
        ),
        _in_ci_access(
            "audience-pattern",
            "StringLike ['*']",
            "dev",
            _trust(
                PLAN_ROLE,
                lambda condition: (
                    condition["StringEquals"].pop(AUD),
                    condition.update(StringLike={AUD: "*"}),
                ),
            ),
        ),
        _in_ci_access(
            "another-audience",
            "not StringEquals",
            "staging",
            _trust(
                PLAN_ROLE,
                lambda condition: condition["StringEquals"].update({AUD: "api://AzureADTokenExchange"}),
            ),
        ),
        _in_ci_access(
            "provider-with-another-audience",
            "would accept tokens minted for other audiences",
            "prod",
            _provider_audiences([AUDIENCE, "sigstore"]),
        ),
    ),
)
def trust_audience_sts(ctx: PolicyContext) -> list[str]:
    """A token GitHub minted for another service (its audience) must not buy AWS credentials: whoever
    received it could replay it against STS."""
    trusts, problems = _trusts(ctx)
    for trust in trusts:
        problems += _audience_problems(trust)
    return problems + _provider_problems(ctx)
