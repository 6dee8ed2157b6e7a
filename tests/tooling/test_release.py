"""Releases through CodeDeploy: on the emulator (moto, with its Lambda deployments run by the listed
workaround), and with botocore's Stubber on the real API shapes where the emulator cannot tell."""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from smartstack_tooling.harness import emulator, roots
from smartstack_tooling.harness.emulator_workarounds import EMULATED_MINUTE_ENV, traffic_steps
from smartstack_tooling.operations import local_env, release

CANARY = "CodeDeployDefault.LambdaCanary10Percent5Minutes"
NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def running() -> Iterator[emulator.Emulator]:
    # One CodeDeploy minute lasts 0.4 s here: the canary bakes 2 s instead of 5 minutes.
    previous = os.environ.get(EMULATED_MINUTE_ENV)
    os.environ[EMULATED_MINUTE_ENV] = "0.4"
    started = emulator.start("123456789012")
    try:
        yield started
    finally:
        started.stop()
        if previous is None:
            os.environ.pop(EMULATED_MINUTE_ENV, None)
        else:
            os.environ[EMULATED_MINUTE_ENV] = previous


@pytest.fixture
def clients(running: emulator.Emulator) -> release.Clients:
    running.reset()
    return release.clients_for("local", {roots.ENDPOINT_ENV: running.url})


def _zip(answer: str) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("handler.py", f"def handler(event, context):\n    return {answer!r}\n")
    return archive.getvalue()


def deployed(clients: release.Clients, *, traffic: bool) -> release.ReleasePlan:
    """What `make apply` leaves: version 1 live, version 2 published, a group that rolls back on alarm."""
    iam = local_env.emulator_session().client("iam", endpoint_url=clients.lambdas.meta.endpoint_url)
    role = iam.create_role(RoleName="api-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    clients.lambdas.create_function(FunctionName="smartstack-dev-api", Runtime="python3.12", Role=role,
                                    Handler="handler.handler", Code={"ZipFile": _zip("v1")},
                                    Publish=True)  # fmt: skip
    clients.lambdas.create_alias(FunctionName="smartstack-dev-api", Name="live", FunctionVersion="1")
    clients.lambdas.update_function_code(FunctionName="smartstack-dev-api", ZipFile=_zip("v2"), Publish=True)
    clients.cloudwatch.put_metric_alarm(
        AlarmName="smartstack-dev-lambda-api-errors", Namespace="AWS/Lambda", MetricName="Errors",
        Dimensions=[{"Name": "FunctionName", "Value": "smartstack-dev-api"}], Statistic="Sum", Period=300,
        EvaluationPeriods=1, Threshold=0, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    clients.codedeploy.create_application(
        applicationName="smartstack-dev-functions", computePlatform="Lambda"
    )
    clients.codedeploy.create_deployment_group(
        applicationName="smartstack-dev-functions", deploymentGroupName="smartstack-dev-api",
        serviceRoleArn="arn:aws:iam::123456789012:role/smartstack-dev-codedeploy",
        deploymentConfigName=CANARY,
        deploymentStyle={"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        autoRollbackConfiguration={"enabled": True,
                                   "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]},
        alarmConfiguration={"enabled": True, "alarms": [{"name": "smartstack-dev-lambda-api-errors"}]},
    )  # fmt: skip
    if traffic:
        clients.cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=[{
            "MetricName": "Invocations", "Value": 42,
            "Timestamp": datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5),
            "Dimensions": [{"Name": "FunctionName", "Value": "smartstack-dev-api"},
                           {"Name": "Resource", "Value": "smartstack-dev-api:live"}],
        }])  # fmt: skip
    return release.plan_from_outputs({"release": {
        "application_name": "smartstack-dev-functions",
        "deployment_config_name": CANARY,
        "functions": {"api": {"function_name": "smartstack-dev-api", "alias_name": "live", "alias_arn": "",
                              "published_version": "2", "deployment_group": "smartstack-dev-api"}},
    }})  # fmt: skip


def alias(clients: release.Clients) -> dict[str, Any]:
    return clients.lambdas.get_alias(FunctionName="smartstack-dev-api", Name="live")


# ---------------------------------------------------------------------- on the emulator
def test_a_release_shifts_the_alias_through_a_canary(clients):
    plan = deployed(clients, traffic=True)
    shifts: list[Any] = []

    def watch(_seconds: float) -> None:
        shifts.append(alias(clients).get("RoutingConfig"))

    (outcome,) = release.release(plan, clients, out=lambda _: None, poll_s=0.2, sleep=watch)
    assert (outcome.status, outcome.from_version, outcome.to_version) == ("released", "1", "2")
    assert outcome.config_name == CANARY
    assert {"AdditionalVersionWeights": {"2": 0.1}} in shifts, "10 % went to version 2 first"
    assert alias(clients)["FunctionVersion"] == "2" and not alias(clients).get("RoutingConfig")
    assert release.verdict("dev", [outcome])[0] == release.EXIT_RELEASED


def test_an_alarm_midway_rolls_the_release_back_and_names_itself(clients):
    plan = deployed(clients, traffic=True)

    def alarm_fires(_seconds: float) -> None:  # during the canary's bake
        clients.cloudwatch.set_alarm_state(AlarmName="smartstack-dev-lambda-api-errors", StateValue="ALARM",
                                           StateReason="errors on version 2")  # fmt: skip

    lines: list[str] = []
    (outcome,) = release.release(plan, clients, out=lines.append, poll_s=0.2, sleep=alarm_fires)
    assert outcome.status == "rolled-back"
    assert "alarm smartstack-dev-lambda-api-errors in ALARM" in outcome.detail
    assert "ALARM_ACTIVE" in outcome.detail
    assert alias(clients)["FunctionVersion"] == "1" and not alias(clients).get("RoutingConfig")
    assert "ROLLED BACK version 1 -> 2" in lines[0] and "the alias stays on 1" in lines[0]
    code, message = release.verdict("dev", [outcome])
    assert code == release.EXIT_ROLLED_BACK == 5
    assert "refused by CodeDeploy's alarm rollback for api" in message and "make apply ENV=dev" in message


def test_an_alias_without_traffic_shifts_all_at_once(clients):
    plan = deployed(clients, traffic=False)
    (outcome,) = release.release(plan, clients, out=lambda _: None, poll_s=0.2, sleep=lambda _: None)
    assert (outcome.status, outcome.config_name) == ("released", release.ALL_AT_ONCE)
    assert alias(clients)["FunctionVersion"] == "2"


def test_an_alias_already_on_the_published_version_is_left_alone(clients):
    plan = deployed(clients, traffic=True)
    clients.lambdas.update_alias(FunctionName="smartstack-dev-api", Name="live", FunctionVersion="2")
    (outcome,) = release.release(plan, clients, out=lambda _: None, sleep=lambda _: None)
    assert outcome.status == "unchanged" and outcome.deployment_id is None
    assert clients.codedeploy.list_deployments()["deployments"] == []


# ---------------------------------------------------------------------- on the real API shapes
FUNCTION = release.FunctionRelease("api", "smartstack-prod-api", "live", "8", "smartstack-prod-api")
PLAN = release.ReleasePlan("smartstack-prod-functions", CANARY, (FUNCTION,))


def stubbed() -> tuple[release.Clients, list[Stubber]]:
    clients = release.Clients(
        *(boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
          for service in ("lambda", "codedeploy", "cloudwatch"))
    )  # fmt: skip
    return clients, [Stubber(clients.lambdas), Stubber(clients.codedeploy), Stubber(clients.cloudwatch)]


def test_the_deployment_request_is_what_codedeploy_takes():
    clients, (lambdas, codedeploy, cloudwatch) = stubbed()
    lambdas.add_response("get_alias", {"FunctionVersion": "7", "Name": "live"},
                         {"FunctionName": "smartstack-prod-api", "Name": "live"})  # fmt: skip
    cloudwatch.add_response("get_metric_statistics", {"Datapoints": [{"Sum": 120.0}]}, {
        "Namespace": "AWS/Lambda", "MetricName": "Invocations", "StartTime": NOW - release.TRAFFIC_WINDOW,
        "EndTime": NOW, "Period": 3600, "Statistics": ["Sum"],
        "Dimensions": [{"Name": "FunctionName", "Value": "smartstack-prod-api"},
                       {"Name": "Resource", "Value": "smartstack-prod-api:live"}],
    })  # fmt: skip
    codedeploy.add_response("create_deployment", {"deploymentId": "d-CANARY01"}, {
        "applicationName": "smartstack-prod-functions", "deploymentGroupName": "smartstack-prod-api",
        "deploymentConfigName": CANARY, "description": ANY,
        "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": ANY}},
    })  # fmt: skip
    for stub in (lambdas, codedeploy, cloudwatch):
        stub.activate()
    outcome = release.start(clients, PLAN, FUNCTION, NOW)
    assert (outcome.deployment_id, outcome.config_name, outcome.from_version) == ("d-CANARY01", CANARY, "7")
    for stub in (lambdas, codedeploy, cloudwatch):
        stub.assert_no_pending_responses()


def test_the_appspec_names_the_alias_and_both_versions():
    spec = json.loads(release.appspec(FUNCTION, "7"))
    (resource,) = spec["Resources"]
    properties = {"Name": "smartstack-prod-api", "Alias": "live", "CurrentVersion": "7", "TargetVersion": "8"}
    assert resource == {"api": {"Type": "AWS::Lambda::Function", "Properties": properties}}


def test_a_stopped_deployment_is_explained_by_its_firing_alarms():
    clients, (_, codedeploy, cloudwatch) = stubbed()
    names = ["smartstack-prod-lambda-api-errors", "smartstack-prod-lambda-api-throttles"]
    group = {"alarmConfiguration": {"enabled": True, "alarms": [{"name": name} for name in names]}}
    codedeploy.add_response(
        "get_deployment_group",
        {"deploymentGroupInfo": group},
        {"applicationName": "smartstack-prod-functions", "deploymentGroupName": "smartstack-prod-api"},
    )
    cloudwatch.add_response(
        "describe_alarms", {"MetricAlarms": [{"AlarmName": "smartstack-prod-lambda-api-errors"}]},
        {"AlarmNames": ["smartstack-prod-lambda-api-errors", "smartstack-prod-lambda-api-throttles"],
         "StateValue": "ALARM"},
    )  # fmt: skip
    info = {"applicationName": "smartstack-prod-functions", "deploymentGroupName": "smartstack-prod-api",
            "status": "Stopped",
            "errorInformation": {"code": "ALARM_ACTIVE", "message": "Activated alarms"}}  # fmt: skip
    with codedeploy, cloudwatch:
        detail = release.why_stopped(clients, info)
    assert detail == "alarm smartstack-prod-lambda-api-errors in ALARM (ALARM_ACTIVE: Activated alarms)"


def test_a_deployment_that_never_ends_is_reported_not_waited_for_for_ever():
    clients, (_, codedeploy, _) = stubbed()
    for _ in range(3):
        codedeploy.add_response("get_deployment", {"deploymentInfo": {"status": "InProgress"}},
                                {"deploymentId": "d-SLOW"})  # fmt: skip
    with codedeploy, pytest.raises(TimeoutError, match="d-SLOW still InProgress"):
        release.wait_for(clients.codedeploy, "d-SLOW", timeout_s=2, poll_s=1, sleep=lambda _: None)


@pytest.mark.parametrize(
    ("config", "steps"),
    [
        ("CodeDeployDefault.LambdaAllAtOnce", [(1.0, 0.0)]),
        (CANARY, [(0.1, 5.0), (1.0, 0.0)]),
        (
            "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
            [(n / 10, 1.0) for n in range(1, 10)] + [(1.0, 0.0)],
        ),
    ],
)
def test_the_emulator_shifts_as_the_predefined_configurations_say(config, steps):
    assert traffic_steps(config) == steps
