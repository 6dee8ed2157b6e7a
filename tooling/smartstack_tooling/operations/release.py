"""Release: shift each function's alias to the version the last apply published, through CodeDeploy.

Terraform publishes a version per change and leaves the alias where it was (modules/compute); this moves
it, the way AWS SAM's ``AutoPublishAlias`` + ``DeploymentPreference`` do: one CodeDeploy deployment per
function whose alias is behind, with the environment's configuration (canary in staging and prod), so
CodeDeploy rolls the alias back when one of the function's alarms fires. Then it waits and reports.

- Unchanged: the alias already points at the published version (a first deploy: Terraform created the
  alias on it). No deployment.
- No traffic: an alias invoked not once in the last hour is shifted all at once
  (``CodeDeployDefault.LambdaAllAtOnce``): a canary of nothing proves nothing.
- Rolled back: the deployment ends Stopped or Failed; the report names the alarms in ALARM and the
  version the alias stays on, and the command (and ``make apply``) exits 5.

Reads the env root's ``release`` output (envs/common/outputs.tf). ``make apply`` runs it after the apply;
``python -m smartstack_tooling release <env>`` runs it alone (against the emulator of ``make up`` when
``SMARTSTACK_PROVIDER=local``).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ALL_AT_ONCE = "CodeDeployDefault.LambdaAllAtOnce"
TRAFFIC_WINDOW = datetime.timedelta(hours=1)
DONE = {"Succeeded", "Failed", "Stopped"}
EXIT_RELEASED, EXIT_FAILED, EXIT_REFUSED, EXIT_ROLLED_BACK = 0, 1, 2, 5


@dataclass(frozen=True)
class FunctionRelease:
    key: str
    function_name: str
    alias_name: str
    target_version: str
    deployment_group: str


@dataclass(frozen=True)
class ReleasePlan:
    application: str
    config_name: str
    functions: tuple[FunctionRelease, ...]


@dataclass(frozen=True)
class Outcome:
    key: str
    status: str  # unchanged | released | rolled-back
    from_version: str
    to_version: str
    deployment_id: str | None = None
    config_name: str | None = None
    detail: str = ""

    def line(self) -> str:
        if self.status == "unchanged":
            return f"   {self.key}: unchanged (alias on version {self.to_version})"
        shift = f"version {self.from_version} -> {self.to_version} ({self.config_name}, {self.deployment_id})"
        if self.status == "released":
            return f"   {self.key}: released {shift}"
        return f"   {self.key}: ROLLED BACK {shift}: {self.detail}; the alias stays on {self.from_version}"


@dataclass(frozen=True)
class Clients:
    lambdas: Any
    codedeploy: Any
    cloudwatch: Any


def plan_from_outputs(outputs: Mapping[str, Any]) -> ReleasePlan:
    """The release plan the env root's ``release`` output describes."""
    release = outputs["release"]
    return ReleasePlan(
        application=release["application_name"],
        config_name=release["deployment_config_name"],
        functions=tuple(
            FunctionRelease(
                key=key,
                function_name=f["function_name"],
                alias_name=f["alias_name"],
                target_version=str(f["published_version"]),
                deployment_group=f["deployment_group"],
            )
            for key, f in sorted(release["functions"].items())
        ),
    )


def appspec(function: FunctionRelease, current_version: str) -> str:
    """The AppSpec of a Lambda deployment: which alias moves from which version to which."""
    properties = {
        "Name": function.function_name,
        "Alias": function.alias_name,
        "CurrentVersion": current_version,
        "TargetVersion": function.target_version,
    }
    resource = {function.key: {"Type": "AWS::Lambda::Function", "Properties": properties}}
    return json.dumps({"version": 0.0, "Resources": [resource]})


def has_traffic(cloudwatch: Any, function: FunctionRelease, now: datetime.datetime) -> bool:
    """Whether the alias was invoked in the last hour (Lambda's per-alias Invocations metric)."""
    datapoints = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="Invocations",
        Dimensions=[
            {"Name": "FunctionName", "Value": function.function_name},
            {"Name": "Resource", "Value": f"{function.function_name}:{function.alias_name}"},
        ],
        StartTime=now - TRAFFIC_WINDOW,
        EndTime=now,
        Period=int(TRAFFIC_WINDOW.total_seconds()),
        Statistics=["Sum"],
    )["Datapoints"]
    return sum(point.get("Sum", 0) for point in datapoints) > 0


def start(clients: Clients, plan: ReleasePlan, function: FunctionRelease, now: datetime.datetime) -> Outcome:
    """Create the deployment that moves ``function``'s alias, or report it unchanged."""
    current = clients.lambdas.get_alias(FunctionName=function.function_name, Name=function.alias_name)
    current_version = str(current["FunctionVersion"])
    if current_version == function.target_version:
        return Outcome(function.key, "unchanged", current_version, current_version)
    config = plan.config_name if has_traffic(clients.cloudwatch, function, now) else ALL_AT_ONCE
    deployment = clients.codedeploy.create_deployment(
        applicationName=plan.application,
        deploymentGroupName=function.deployment_group,
        deploymentConfigName=config,
        description=f"{function.function_name}: {function.alias_name} {current_version} -> "
        f"{function.target_version}",
        revision={
            "revisionType": "AppSpecContent",
            "appSpecContent": {"content": appspec(function, current_version)},
        },
    )
    return Outcome(
        function.key,
        "in-progress",
        current_version,
        function.target_version,
        deployment["deploymentId"],
        config,
    )


def wait_for(
    codedeploy: Any, deployment_id: str, *, timeout_s: float, poll_s: float, sleep: Callable[[float], None]
) -> dict[str, Any]:
    waited = 0.0
    while True:
        info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        if info["status"] in DONE:
            return info
        if waited >= timeout_s:
            raise TimeoutError(
                f"deployment {deployment_id} still {info['status']} after {timeout_s:.0f} s: follow it with "
                "`aws deploy get-deployment` (or the CodeDeploy console), then run the release again"
            )
        sleep(poll_s)
        waited += poll_s


def why_stopped(clients: Clients, info: Mapping[str, Any]) -> str:
    """CodeDeploy's reason, with the group's alarms that are in ALARM named."""
    error = info.get("errorInformation") or {}
    group = clients.codedeploy.get_deployment_group(
        applicationName=info["applicationName"], deploymentGroupName=info["deploymentGroupName"]
    )["deploymentGroupInfo"]
    watched = [a["name"] for a in (group.get("alarmConfiguration") or {}).get("alarms", [])]
    firing = []
    if watched:
        alarms = clients.cloudwatch.describe_alarms(AlarmNames=watched, StateValue="ALARM")["MetricAlarms"]
        firing = [a["AlarmName"] for a in alarms]
    reason = f"{error.get('code', info['status'])}: {error.get('message', 'no reason given')}"
    return f"alarm {', '.join(firing)} in ALARM ({reason})" if firing else reason


def release(
    plan: ReleasePlan,
    clients: Clients,
    *,
    out: Callable[[str], None] = print,
    timeout_s: float = 3600,
    poll_s: float = 15,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
) -> list[Outcome]:
    """Start every function's deployment (they run side by side), then wait for each and report it."""
    started = [start(clients, plan, function, now()) for function in plan.functions]
    outcomes = []
    for outcome in started:
        if outcome.deployment_id is None:
            outcomes.append(outcome)
            out(outcome.line())
            continue
        info = wait_for(
            clients.codedeploy, outcome.deployment_id, timeout_s=timeout_s, poll_s=poll_s, sleep=sleep
        )
        if info["status"] == "Succeeded":
            done = dataclasses.replace(outcome, status="released")
        else:
            done = Outcome(
                **{**outcome.__dict__, "status": "rolled-back", "detail": why_stopped(clients, info)}
            )
        outcomes.append(done)
        out(done.line())
    return outcomes


def verdict(env: str, outcomes: list[Outcome]) -> tuple[int, str]:
    rolled_back = [o for o in outcomes if o.status == "rolled-back"]
    if not rolled_back:
        released = sum(o.status == "released" for o in outcomes)
        return (
            EXIT_RELEASED,
            f"== {env}: release done: {released} shifted, {len(outcomes) - released} unchanged",
        )
    names = ", ".join(o.key for o in rolled_back)
    return EXIT_ROLLED_BACK, (
        f"== {env}: release refused by CodeDeploy's alarm rollback for {names}: the aliases stay on their "
        f"previous versions. Fix the cause the alarm shows, then run `make apply ENV={env}` again."
    )


def clients_for(mode: str, environ: Mapping[str, str]) -> Clients:
    """AWS clients for the release: the caller's credentials, or the emulator of `make up` (local mode)."""
    from .deployed import client_factory

    make = client_factory(mode, environ)
    return Clients(lambdas=make("lambda"), codedeploy=make("codedeploy"), cloudwatch=make("cloudwatch"))


def after_apply(
    env: str,
    mode: str,
    environ: Mapping[str, str],
    read_outputs: Callable[[], Mapping[str, Any]],
    out: Callable[[str], None] = print,
) -> int:
    """`make apply`'s last step: release what the apply published; the exit code says how it went."""
    if mode == "offline":
        return EXIT_RELEASED  # nothing was applied, nothing to release
    plan = plan_from_outputs(read_outputs())
    out(f"== {env}: releasing through CodeDeploy application {plan.application} ({plan.config_name})")
    if mode == "local":
        from ..harness.emulator_workarounds import EMULATED_MINUTE_ENV

        minute = environ.get(EMULATED_MINUTE_ENV, "1")
        out(f"   emulator: its CodeDeploy runs the deployments, {minute} s a minute ({EMULATED_MINUTE_ENV})")
    try:
        outcomes = release(plan, clients_for(mode, environ), out=out, poll_s=1 if mode == "local" else 15)
    except TimeoutError as err:
        out(f"== {env}: release unfinished: {err}")
        return EXIT_FAILED
    code, summary = verdict(env, outcomes)
    out(summary)
    return code


def main(argv: list[str]) -> int:
    import os

    from ..harness import roots
    from ..profiles import ENVIRONMENTS
    from .deployed import applied_outputs

    if len(argv) != 1 or argv[0] not in ENVIRONMENTS:
        print(f"usage: python -m smartstack_tooling release <{'|'.join(ENVIRONMENTS)}>", file=sys.stderr)
        return EXIT_REFUSED
    env, environ = argv[0], dict(os.environ)
    try:
        mode, read_outputs = applied_outputs(env, environ, "a release moves aliases")
        return after_apply(env, mode, environ, read_outputs)
    except (roots.ModeUnavailable, RuntimeError) as err:
        print(str(err), file=sys.stderr)
        return EXIT_REFUSED
