"""A release on the applied environment (`make smoke` after `make up`): the CodeDeploy application, group
and alarms that Terraform applied move the authorizer's alias to a new version, and put it back when the
function's alarm fires. The release tooling is the one `make apply` runs
(smartstack_tooling.operations.release)."""

from __future__ import annotations

import dataclasses

import pytest
from smartstack_tooling.operations import release

from .conftest import Applied

pytestmark = pytest.mark.smoke
KEY = "authorizer"  # the smoke tests run the code in-process: which version the alias serves is free


@pytest.fixture
def clients(applied: Applied) -> release.Clients:
    return release.Clients(
        applied.client("lambda"), applied.client("codedeploy"), applied.client("cloudwatch")
    )


def published_change(applied: Applied, clients: release.Clients, marker: str) -> release.ReleasePlan:
    """What an apply of changed code leaves: a new published version, the alias still on the old one."""
    plan = release.plan_from_outputs(applied.outputs)
    (function,) = [f for f in plan.functions if f.key == KEY]
    clients.lambdas.update_function_configuration(FunctionName=function.function_name, Description=marker)
    version = clients.lambdas.publish_version(FunctionName=function.function_name)["Version"]
    return dataclasses.replace(plan, functions=(dataclasses.replace(function, target_version=version),))


def live_version(clients: release.Clients, plan: release.ReleasePlan) -> str:
    (function,) = plan.functions
    return clients.lambdas.get_alias(FunctionName=function.function_name, Name=function.alias_name)[
        "FunctionVersion"
    ]


def test_the_applied_group_releases_a_new_version_and_rolls_back_on_its_alarm(applied: Applied, clients):
    plan = published_change(applied, clients, "smoke release 1")
    (released,) = release.release(plan, clients, out=lambda _: None, poll_s=0.5)
    assert released.status == "released", released
    assert live_version(clients, plan) == plan.functions[0].target_version

    errors = f"smartstack-{applied.env}-lambda-{KEY}-errors"
    plan = published_change(applied, clients, "smoke release 2")
    clients.cloudwatch.set_alarm_state(AlarmName=errors, StateValue="ALARM", StateReason="smoke: failing")
    try:
        (stopped,) = release.release(plan, clients, out=lambda _: None, poll_s=0.5)
    finally:
        clients.cloudwatch.set_alarm_state(AlarmName=errors, StateValue="OK", StateReason="smoke: done")
    assert stopped.status == "rolled-back" and errors in stopped.detail
    assert live_version(clients, plan) == released.to_version
