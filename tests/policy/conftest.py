"""Policy suite fixtures: each environment's plan, PolicyContext and rule results (read only), and the same
for each account's ci-access plan (the rules of root ci-access read those)."""

from __future__ import annotations

from typing import Any

import pytest
from smartstack_tooling import policy
from smartstack_tooling.operations import ci_access
from smartstack_tooling.policy import PolicyContext

from tests.conftest import ENVIRONMENTS


@pytest.fixture(scope="session")
def env_raw_plans(env_plans) -> dict[str, dict[str, Any]]:
    """The parsed plan JSON of every environment (never mutated: twins work on deep copies)."""
    return {env: env_plans[env].json for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def env_contexts(env_raw_plans) -> dict[str, PolicyContext]:
    return {env: policy.context_for_env(env, env_raw_plans[env]) for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def env_results(env_contexts) -> dict[str, dict[str, policy.Result]]:
    return {env: {r.rule.id: r for r in policy.evaluate(ctx)} for env, ctx in env_contexts.items()}


@pytest.fixture(scope="session")
def ci_access_raw_plans(ci_access_plans) -> dict[str, dict[str, Any]]:
    """The parsed ci-access plan JSON of every account (never mutated: twins work on deep copies)."""
    return {env: ci_access_plans[env].json for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def ci_access_results(ci_access_raw_plans) -> dict[str, dict[str, policy.Result]]:
    root = ci_access.ROOT.name
    return {
        env: {r.rule.id: r for r in policy.evaluate(policy.context_for_root(root, env, plan))}
        for env, plan in ci_access_raw_plans.items()
    }
