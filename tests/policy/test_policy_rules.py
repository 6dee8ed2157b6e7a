"""Every policy rule on every environment's plan, and every rule's broken twins.

The rules live in smartstack_tooling.policy (shared with `make plan` and `make check`), each declared
with its metadata and its broken twins beside it (policy/twins.py). Each rule must pass on the
environments whose profile requires it (on their plans, or on each account's plan of the root the rule
reads, ci-access), and must FAIL on each of its twins with the violation the twin
names: a mutated copy of an environment's plan JSON, an edited copy of part of the source tree, or a
small broken root under tests/policy/broken/ planned through the offline stand-in.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from smartstack_tooling import policy
from smartstack_tooling.harness import toolchain
from smartstack_tooling.operations import ci_access
from smartstack_tooling.policy import engine as policy_engine
from smartstack_tooling.policy.engine import EVERY_TYPE
from smartstack_tooling.policy.twins import Twin, TwinInputs

from tests.conftest import ENVIRONMENTS

RULE_IDS = list(policy.RULES)
# Each rule on each environment whose profile requires it (Rule.envs, from envs/profiles.json).
APPLICABLE = [
    (rule_id, env) for rule_id in RULE_IDS for env in ENVIRONMENTS if env in policy.RULES[rule_id].envs
]
TWINS = [(rule_id, twin) for rule_id, rule in policy.RULES.items() for twin in rule.twins]
# A resource type named in a violation ("module.data.aws_db_instance.this: ...", "no aws_vpc planned").
_A_TWIN = Twin("example", "example", lambda inputs: None)  # type: ignore[arg-type,return-value]
_NAMED_TYPE = re.compile(r"(?<![\w.])(?:module\.[\w-]+(?:\[[^\]]*\])?\.)*(aws_[a-z0-9_]+)\b")


# The results fixture of each root's plans: a rule's test makes only the plans that rule reads.
RESULTS_OF_ROOT = {policy.ENV_ROOT: "env_results", ci_access.ROOT.name: "ci_access_results"}


@pytest.mark.parametrize(("rule_id", "env"), APPLICABLE)
def test_rule(rule_id: str, env: str, request) -> None:
    results = request.getfixturevalue(RESULTS_OF_ROOT[policy.RULES[rule_id].root_name])
    result = results[env][rule_id]
    assert result.error is None, result.error
    assert result.passed, "\n".join(result.violations)


@pytest.fixture
def twin_inputs(env_raw_plans, ci_access_raw_plans, plan_root, tmp_path) -> TwinInputs:
    def plan_copy(root, tf_vars):  # plans are cached per session: a twin mutates its own copy
        return copy.deepcopy(plan_root(root, tf_vars=tf_vars).json)

    return TwinInputs(env_raw_plans, plan_copy, tmp_path, {ci_access.ROOT.name: ci_access_raw_plans})


@pytest.mark.parametrize(("rule_id", "twin"), TWINS, ids=[f"{r}--{t.name}" for r, t in TWINS])
def test_broken_twin_fails(rule_id: str, twin: Twin, twin_inputs: TwinInputs) -> None:
    rule = policy.RULES[rule_id]
    result = policy.evaluate(twin.build(twin_inputs), [rule_id])[0]
    assert result.error is None, result.error
    assert not result.passed, f"{rule_id} passed on a broken input ({twin.name})"
    assert any(twin.expect in v for v in result.violations), result.violations
    if rule.resource_types != EVERY_TYPE:
        named = {m for v in result.violations for m in _NAMED_TYPE.findall(v)}
        assert named <= set(rule.resource_types), (
            f"violations name undeclared types {named - set(rule.resource_types)}"
        )


def test_twin_names_are_unique_per_rule() -> None:
    for rule_id, rule in policy.RULES.items():
        names = [t.name for t in rule.twins]
        assert len(names) == len(set(names)), (rule_id, names)


def test_declared_resource_types_exist() -> None:
    """Every type a rule declares is a resource type of the provider schema (a typo would never match)."""
    known = set(json.loads(toolchain.schema_cache().schema_json.read_text())["resource_schemas"])
    declared = {t for rule in policy.RULES.values() for t in rule.resource_types if t != "*"}
    assert declared - known == set()


def test_twin_inputs_are_copies(env_raw_plans, ci_access_raw_plans, env_results) -> None:
    """Twins mutate deep copies: the environment and ci-access plans still pass every rule afterwards."""
    for env, plan in env_raw_plans.items():
        fresh = policy.evaluate(policy.context_for_env(env, json.loads(json.dumps(plan))))
        assert [r.rule.id for r in fresh if not r.passed] == []
    for env, plan in ci_access_raw_plans.items():
        context = policy.context_for_root(ci_access.ROOT.name, env, json.loads(json.dumps(plan)))
        fresh = policy.evaluate(context)
        assert fresh and [r.rule.id for r in fresh if not r.passed] == []


def test_rules_run_only_on_the_plans_of_their_root(env_raw_plans, ci_access_raw_plans) -> None:
    """An environment's plan is judged by the environments' rules, a ci-access plan by ci-access's."""
    on_env = {r.rule.id for r in policy.evaluate(policy.context_for_env("prod", env_raw_plans["prod"]))}
    root = ci_access.ROOT.name
    on_ci = {
        r.rule.id for r in policy.evaluate(policy.context_for_root(root, "prod", ci_access_raw_plans["prod"]))
    }
    assert on_ci == set(policy.rules_of(root)) and len(on_ci) >= 4
    assert on_env <= set(policy.rules_of()) and not on_env & on_ci


@pytest.mark.parametrize(
    ("metadata", "refusal"),
    [
        ({"severity": "severe", "twins": (_A_TWIN,)}, "severity 'severe' is not one of"),
        ({"severity": "low", "twins": ()}, "needs at least one broken twin"),
    ],
)
def test_a_rule_without_valid_metadata_is_refused(metadata: dict, refusal: str) -> None:
    with pytest.raises(ValueError, match=refusal):
        policy_engine.rule("example.rule", "Example", "An example", resource_types=(), **metadata)
