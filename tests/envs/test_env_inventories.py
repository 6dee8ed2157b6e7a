"""Each environment's plan against its inventory (tests/envs/inventories/<env>.yaml), as the module test roots
are: every resource type's count, the settings that make it dev, staging or prod (database size, Multi-AZ
and protection, zones, endpoints, retention, function sizes, queues, keys, names), and the outputs known at
plan. Guarantees (protection, isolation, encryption, reachability) are the policy rules' to check."""

from __future__ import annotations

import pytest

from tests.conftest import ENVIRONMENTS, REPO


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_env_plan_matches_its_inventory(env, plan_validator):
    plan_validator(REPO / "envs" / env, REPO / "tests" / "envs" / "inventories" / f"{env}.yaml")
