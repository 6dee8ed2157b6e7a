"""The rotate function's four steps, called as Secrets Manager calls them: moto's RotateSecret drives the
rotation and invokes the function through its Lambda backend, which here runs the real handler in this
process (moto's own invoke needs Docker) with the event RotateSecret built. A step that raises ends the
rotation there, as it does in AWS (moto would go on to the next step)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from fn_helpers import LambdaContext
from moto.awslambda.models import LambdaBackend
from smartstack_rotate import handler as rotate_handler
from smartstack_rotate.rotation import KEY_LENGTH, WELL_FORMED_KEY, RotationRefused, rotate
from smartstack_shared import clients
from smartstack_tooling.operations import set_secrets

FUNCTION_NAME = "smartstack-test-rotate"
CONTEXT = LambdaContext(function_name=FUNCTION_NAME)


@dataclass
class Invocations:
    """What Secrets Manager asked of the rotation function, and how each step ended."""

    function_arn: str
    steps: list[str] = field(default_factory=list)
    failures: list[tuple[str, Exception]] = field(default_factory=list)
    interrupted_after: str | None = None  # a step after which the rotation is cut short (a timeout)

    def invoke(self, body: str) -> str:
        event = json.loads(body)
        if self.failures or (self.interrupted_after and self.interrupted_after in self.steps):
            return json.dumps({"errorMessage": "an earlier step failed"})  # no step after a failed one
        self.steps.append(event["Step"])
        try:
            return json.dumps(rotate_handler.handler(event, CONTEXT))
        except Exception as exc:  # Lambda answers a function error; Secrets Manager stops the rotation
            self.failures.append((event["Step"], exc))
            return json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__})


@pytest.fixture
def rotation_function(moto_endpoint, monkeypatch) -> Iterator[Invocations]:
    """A Lambda function moto knows (RotateSecret looks it up), whose invokes run the rotate handler."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    clients.reset_clients()
    role = boto3.client("iam").create_role(
        RoleName=f"rotate-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("smartstack_rotate/__init__.py", "")
    function_name = f"{FUNCTION_NAME}-{uuid.uuid4().hex[:8]}"
    created = boto3.client("lambda").create_function(
        FunctionName=function_name, Runtime="python3.12", Role=role, Code={"ZipFile": code.getvalue()},
        Handler="smartstack_rotate.handler.handler", Publish=True,
    )  # fmt: skip
    invocations = Invocations(created["FunctionArn"])
    original = LambdaBackend.invoke

    def invoke(self: LambdaBackend, function_name: str, qualifier: Any, body: Any, *args: Any, **kw: Any):
        if function_name != invocations.function_arn:
            return original(self, function_name, qualifier, body, *args, **kw)
        return invocations.invoke(body).encode()

    monkeypatch.setattr(LambdaBackend, "invoke", invoke)
    yield invocations
    clients.reset_clients()


def new_key_secret(name: str = "api-signing-key") -> tuple[Any, str, str]:
    """A secret holding a key as the deploy's set-secrets step leaves it: (client, ARN, its value)."""
    secrets = boto3.client("secretsmanager")
    key = secrets.get_random_password(PasswordLength=set_secrets.KEY_LENGTH, ExcludePunctuation=True)
    # Created with its value: moto 5.2.5 copies the value given at creation (not a later PutSecretValue's)
    # into the AWSPENDING version of the configuration test, where AWS copies the current one.
    name = f"smartstack-test-rotation-{uuid.uuid4().hex[:8]}/{name}"
    arn = secrets.create_secret(Name=name, SecretString=key["RandomPassword"])["ARN"]
    return secrets, arn, key["RandomPassword"]


def labels(secrets: Any, arn: str) -> dict[str, list[str]]:
    return secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]


def value(secrets: Any, arn: str, stage: str) -> str:
    return secrets.get_secret_value(SecretId=arn, VersionStage=stage)["SecretString"]


def configure(secrets: Any, arn: str, function_arn: str) -> None:
    """What aws_secretsmanager_secret_rotation does (modules/secrets): rotation every 30 days, not now."""
    secrets.rotate_secret(
        SecretId=arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )  # fmt: skip


def schedule(secrets: Any, arn: str, function: Invocations, token: str | None = None) -> None:
    """A rotation the schedule (or an operator's rotate-secret) starts. moto forgets the function unless the
    call names it again, where AWS keeps the configured one."""
    secrets.rotate_secret(SecretId=arn, RotationLambdaARN=function.function_arn,
                          **({"ClientRequestToken": token} if token else {}))  # fmt: skip


def test_the_key_shape_is_the_deploy_steps(rotation_function):
    assert KEY_LENGTH == set_secrets.KEY_LENGTH
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name=f"smartstack-test-rotation-{uuid.uuid4().hex[:8]}/key")["ARN"]
    set_secrets.fill_empty(secrets, {"key": arn})
    assert WELL_FORMED_KEY.fullmatch(value(secrets, arn, "AWSCURRENT"))


class NoValueYet:
    """Secrets Manager's answers while configuring rotation on a secret with no value (the first apply,
    before set-secrets): moto 5.2.5 fails RotateSecret itself there (no version to stage)."""

    def describe_secret(self, SecretId: str) -> dict[str, Any]:
        return {"RotationEnabled": True, "VersionIdsToStages": {"t-1": ["AWSPENDING"]}}

    def get_secret_value(self, **kwargs: Any) -> dict[str, Any]:
        raise type("NotFound", (Exception,), {"response": {"Error": {"Code": "ResourceNotFoundException"}}})()


def test_the_configuration_test_of_a_secret_without_a_value_passes_with_nothing_to_test():
    said: list[str] = []
    rotate(NoValueYet(), {"SecretId": "s", "ClientRequestToken": "t-1", "Step": "testSecret"}, said.append)
    assert said == ["testSecret: s has no value yet, so nothing to test"]


def test_configuring_rotation_runs_only_the_test_step_and_changes_no_key(rotation_function):
    secrets, arn, first = new_key_secret()
    configure(secrets, arn, rotation_function.function_arn)
    assert rotation_function.steps == ["testSecret"]
    assert rotation_function.failures == []
    assert value(secrets, arn, "AWSCURRENT") == first
    assert secrets.describe_secret(SecretId=arn)["RotationEnabled"] is True


def test_a_rotation_makes_a_new_key_current_and_the_old_one_previous(rotation_function):
    secrets, arn, first = new_key_secret()
    configure(secrets, arn, rotation_function.function_arn)
    rotation_function.steps.clear()
    token = str(uuid.uuid4())
    schedule(secrets, arn, rotation_function, token)
    assert rotation_function.failures == []
    assert rotation_function.steps == ["createSecret", "setSecret", "testSecret", "finishSecret"]
    second = value(secrets, arn, "AWSCURRENT")
    assert second != first and WELL_FORMED_KEY.fullmatch(second)
    assert value(secrets, arn, "AWSPREVIOUS") == first
    assert labels(secrets, arn)[token] == ["AWSCURRENT"]  # AWSPENDING detached: the rotation is finished
    schedule(secrets, arn, rotation_function)  # and the next one starts from there
    assert rotation_function.failures == []
    assert value(secrets, arn, "AWSPREVIOUS") == second
    assert value(secrets, arn, "AWSCURRENT") not in (first, second)


def test_create_secret_again_keeps_the_pending_value(rotation_function):
    secrets, arn, first = new_key_secret()
    configure(secrets, arn, rotation_function.function_arn)
    token = str(uuid.uuid4())
    secrets.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString="x" * KEY_LENGTH,
                             VersionStages=["AWSPENDING"])  # fmt: skip
    event = {"SecretId": arn, "ClientRequestToken": token, "Step": "createSecret"}
    rotate_handler.handler(event, CONTEXT)
    rotate_handler.handler(event, CONTEXT)  # a retried step
    assert value(secrets, arn, "AWSPENDING") == "x" * KEY_LENGTH
    assert value(secrets, arn, "AWSCURRENT") == first
    assert len(labels(secrets, arn)) == 3  # the first key, the configuration test's copy, this one


def test_create_secret_retried_after_an_interrupted_rotation_keeps_its_value(rotation_function):
    secrets, arn, first = new_key_secret()
    configure(secrets, arn, rotation_function.function_arn)
    rotation_function.interrupted_after = "createSecret"
    token = str(uuid.uuid4())
    schedule(secrets, arn, rotation_function, token)
    created = value(secrets, arn, "AWSPENDING")
    assert WELL_FORMED_KEY.fullmatch(created) and created != first
    rotate_handler.handler({"SecretId": arn, "ClientRequestToken": token, "Step": "createSecret"}, CONTEXT)
    assert secrets.get_secret_value(SecretId=arn, VersionId=token)["SecretString"] == created
    assert value(secrets, arn, "AWSCURRENT") == first


def test_a_step_of_a_finished_rotation_changes_nothing(rotation_function):
    secrets, arn, _ = new_key_secret()
    configure(secrets, arn, rotation_function.function_arn)
    token = str(uuid.uuid4())
    schedule(secrets, arn, rotation_function, token)
    done = value(secrets, arn, "AWSCURRENT")
    created: list[str] = []
    event = {"SecretId": arn, "ClientRequestToken": token, "Step": "createSecret"}
    rotate(clients.client("secretsmanager"), event, created.append)
    assert created == [f"createSecret: version {token} is already AWSCURRENT; nothing to do"]
    assert value(secrets, arn, "AWSCURRENT") == done


def test_a_token_not_staged_for_rotation_is_refused(rotation_function):
    secrets, arn, first = new_key_secret()
    configure(secrets, arn, rotation_function.function_arn)
    current = next(v for v, stages in labels(secrets, arn).items() if "AWSCURRENT" in stages)
    previous_labels = labels(secrets, arn)
    for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        with pytest.raises(RotationRefused, match="is not staged for rotation: it is not a version"):
            rotate_handler.handler({"SecretId": arn, "ClientRequestToken": str(uuid.uuid4()), "Step": step},
                                   CONTEXT)  # fmt: skip
    secrets.put_secret_value(SecretId=arn, SecretString="y" * KEY_LENGTH, VersionStages=["custom"])
    custom = next(v for v, stages in labels(secrets, arn).items() if stages == ["custom"])
    with pytest.raises(RotationRefused, match=r"labelled \['custom'\], not AWSPENDING"):
        rotate_handler.handler(
            {"SecretId": arn, "ClientRequestToken": custom, "Step": "finishSecret"}, CONTEXT
        )
    assert current in previous_labels and value(secrets, arn, "AWSCURRENT") == first


def test_rotation_not_enabled_is_refused(rotation_function):
    secrets, arn, first = new_key_secret()
    # A rotation started on a secret without a rotation schedule (moto enables rotation only with rules).
    secrets.rotate_secret(SecretId=arn, RotationLambdaARN=rotation_function.function_arn)
    assert secrets.describe_secret(SecretId=arn)["RotationEnabled"] is False
    assert rotation_function.steps == ["createSecret"]
    assert [(step, type(exc)) for step, exc in rotation_function.failures] == [
        ("createSecret", RotationRefused)
    ]
    assert str(rotation_function.failures[0][1]).endswith("api-signing-key is not enabled for rotation")
    assert value(secrets, arn, "AWSCURRENT") == first
    current = next(v for v, stages in labels(secrets, arn).items() if "AWSCURRENT" in stages)
    with pytest.raises(RotationRefused, match="is not enabled for rotation"):
        rotate_handler.handler(
            {"SecretId": arn, "ClientRequestToken": current, "Step": "finishSecret"}, CONTEXT
        )


def test_a_malformed_pending_value_fails_the_test_step(rotation_function):
    secrets, arn, first = new_key_secret()
    configure(secrets, arn, rotation_function.function_arn)
    token = str(uuid.uuid4())
    secrets.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString="short+key/==",
                             VersionStages=["AWSPENDING"])  # fmt: skip
    with pytest.raises(RotationRefused, match=r"is not 64 letters and digits \(12 characters\)"):
        rotate_handler.handler({"SecretId": arn, "ClientRequestToken": token, "Step": "testSecret"}, CONTEXT)
    assert value(secrets, arn, "AWSCURRENT") == first


def test_an_event_that_is_not_a_rotation_is_refused():
    with pytest.raises(RotationRefused, match="ClientRequestToken, Step missing"):
        rotate(None, {"SecretId": "smartstack-test/x"}, print)
