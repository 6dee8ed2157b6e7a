"""Every module test root is planned and matches its inventory (tests/modules/<module>/inventory.yaml):
the resources each module creates for the root's inputs, by type, and the planned values it promises."""

from __future__ import annotations

import copy

import pytest

from tests import inventory
from tests.conftest import REPO

MODULE_ROOTS = sorted(p.parent.name for p in (REPO / "tests" / "modules").glob("*/main.tf"))


def test_every_module_has_a_test_root_with_an_inventory():
    modules = sorted(p.parent.name for p in (REPO / "modules").glob("*/main.tf"))
    assert modules == MODULE_ROOTS
    assert [
        m for m in MODULE_ROOTS if not (REPO / "tests" / "modules" / m / "inventory.yaml").is_file()
    ] == []


@pytest.mark.parametrize("module", MODULE_ROOTS)
def test_module_plan_matches_its_inventory(plan_validator, module):
    plan_validator(REPO / "tests" / "modules" / module)


def test_a_departure_from_the_inventory_is_named(plan_root):
    plan = plan_root(REPO / "tests" / "modules" / "messaging").json
    expected = inventory.starting_inventory(plan)
    assert inventory.problems(plan, expected) == []
    wrong = copy.deepcopy(expected)
    address, values = next(iter(wrong["values"].items()))
    key = next(iter(values))
    values[key] = "not-what-is-planned"
    wrong["counts"]["aws_sqs_queue"] += 1
    wrong["values"]["module.messaging.aws_sqs_queue.missing"] = {"name": "x"}
    found = inventory.problems(plan, wrong)
    assert any(p.startswith("counts.aws_sqs_queue: expected") for p in found), found
    assert any(p.startswith(f'values.{address}.{key}: expected "not-what-is-planned"') for p in found), found
    assert "values.module.messaging.aws_sqs_queue.missing: not planned" in found
