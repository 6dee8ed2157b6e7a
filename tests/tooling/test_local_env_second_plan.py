"""The second-plan check after `make up` (local_env.planned_changes, tests/smoke/test_applied_again.py):
what it reads from a plan, and that only a listed exception excuses a change, attribute by attribute."""

from __future__ import annotations

from smartstack_tooling.harness import emulator_workarounds
from smartstack_tooling.harness.emulator_workarounds import SecondPlanException
from smartstack_tooling.operations import local_env


def resource(
    address: str, actions: list[str], before: dict, after: dict, unknown: dict | None = None
) -> dict:
    change = {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {}}
    return {"address": address, "change": change}


def test_planned_changes_name_each_differing_or_unknown_attribute():
    plan = {"resource_changes": [
        resource("aws_kms_key.a", ["no-op"], {"x": 1}, {"x": 1}),
        resource("data.aws_region.r", ["read"], {}, {"name": "x"}),
        resource("aws_lambda_function.f", ["update"],
                 {"logging_config": [], "version": "1", "tags": {"a": "1"}},
                 {"logging_config": [{"log_format": "JSON"}], "version": None, "tags": {"a": "1"}},
                 {"version": True}),
        resource("aws_sqs_queue.q", ["update"], {"p": [{"a": 1, "b": 2}]}, {"p": [{"a": 1, "b": 3}]}),
    ]}  # fmt: skip
    changes = local_env.planned_changes(plan)
    assert [(c.address, c.actions, c.attributes) for c in changes] == [
        ("aws_lambda_function.f", ("update",), ("logging_config", "version")),
        ("aws_sqs_queue.q", ("update",), ("p[0].b",)),
    ]
    assert changes[0].describe() == "aws_lambda_function.f (update): logging_config, version"


def test_only_a_listed_exception_excuses_a_change_and_only_for_its_attributes(monkeypatch):
    listed = SecondPlanException("x", "5.2.5", "svc:Api", "module.a.aws_thing.*", "origin", "why")
    monkeypatch.setattr(emulator_workarounds, "SECOND_PLAN_EXCEPTIONS", (listed,))
    covered = local_env.PlannedChange("module.a.aws_thing.t", ("update",), ("origin[0].id", "origin"))
    partly = local_env.PlannedChange("module.a.aws_thing.t", ("update",), ("origin[0].id", "tags.a"))
    elsewhere = local_env.PlannedChange("module.b.aws_thing.t", ("update",), ("origin",))
    prefix_only = local_env.PlannedChange("module.a.aws_thing.t", ("update",), ("origins",))
    assert covered.excused_by() == [listed]
    assert partly.excused_by() == elsewhere.excused_by() == prefix_only.excused_by() == []


def test_every_listed_exception_says_why():
    for exception in emulator_workarounds.SECOND_PLAN_EXCEPTIONS:
        assert exception.id and exception.moto_version and ":" in exception.api and exception.reason
