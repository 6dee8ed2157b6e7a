"""Secrets Manager's four rotation steps for an application key, as plain functions of a client.

An application key (api-signing-key, link-signing-key, ai-log-hmac-key) is held by Secrets Manager alone:
its verifiers read AWSCURRENT and AWSPREVIOUS (smartstack_shared.settings.get_verification_keys), so a
rotation is a new version and a label move, with nothing outside Secrets Manager to update.

- createSecret: a new value from GetRandomPassword (the parameters of the deploy's set-secrets step), put
  as AWSPENDING under the rotation's ClientRequestToken; a version that already has a value is kept, so a
  retried step stores nothing twice.
- setSecret: nothing to do (no database or service holds the key); logged as such.
- testSecret: the pending value is present and has the shape createSecret gives it (a secret without any
  value yet, as the apply that configures rotation leaves it before set-secrets runs, has nothing to test).
- finishSecret: AWSCURRENT moves to the token's version (Secrets Manager labels the one it leaves
  AWSPREVIOUS) and AWSPENDING is detached, the state of a finished rotation.

Like AWS's own rotation templates, every step first refuses a secret whose rotation is not enabled and a
token that is not a version of the secret staged for rotation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# What the deploy's set-secrets step generates (tooling/smartstack_tooling/operations/set_secrets.py): 64
# letters and digits, about 380 bits, above every verifier's 32-byte minimum.
KEY_LENGTH = 64
WELL_FORMED_KEY = re.compile(rf"[A-Za-z0-9]{{{KEY_LENGTH}}}")
CURRENT, PENDING = "AWSCURRENT", "AWSPENDING"
NOT_FOUND = "ResourceNotFoundException"

Log = Callable[[str], None]


class RotationRefused(ValueError):
    """Secrets Manager asked for a step this function must not take; nothing was changed."""


@dataclass(frozen=True)
class RotationRequest:
    """The event Secrets Manager invokes a rotation function with, one step at a time."""

    secret_id: str
    token: str
    step: str

    @classmethod
    def of(cls, event: Mapping[str, Any]) -> RotationRequest:
        missing = [key for key in ("SecretId", "ClientRequestToken", "Step") if not event.get(key)]
        if missing:
            raise RotationRefused(f"not a Secrets Manager rotation event: {', '.join(missing)} missing")
        return cls(str(event["SecretId"]), str(event["ClientRequestToken"]), str(event["Step"]))


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def staged_versions(secrets: Any, request: RotationRequest) -> dict[str, list[str]]:
    """The secret's versions and their labels, once rotation is enabled and the token is a version staged
    for it; refuses otherwise."""
    metadata = secrets.describe_secret(SecretId=request.secret_id)
    if not metadata.get("RotationEnabled"):
        raise RotationRefused(f"secret {request.secret_id} is not enabled for rotation")
    versions: dict[str, list[str]] = metadata.get("VersionIdsToStages") or {}
    if request.token not in versions:
        raise RotationRefused(
            f"version {request.token} of secret {request.secret_id} is not staged for rotation: "
            "it is not a version of the secret"
        )
    labels = versions[request.token]
    if CURRENT not in labels and PENDING not in labels:
        raise RotationRefused(
            f"version {request.token} of secret {request.secret_id} is not staged for rotation: "
            f"it is labelled {sorted(labels)}, not {PENDING}"
        )
    return versions


def pending_value(secrets: Any, request: RotationRequest) -> str | None:
    """The value of the token's AWSPENDING version, or None while it has none."""
    try:
        answer = secrets.get_secret_value(
            SecretId=request.secret_id, VersionId=request.token, VersionStage=PENDING
        )
    except Exception as exc:
        if _error_code(exc) == NOT_FOUND:
            return None
        raise
    value = answer.get("SecretString")
    return value if isinstance(value, str) and value else None


def step_create(secrets: Any, request: RotationRequest, log: Log) -> None:
    if pending_value(secrets, request) is not None:
        log(f"createSecret: version {request.token} already has a value; kept")
        return
    generated = secrets.get_random_password(PasswordLength=KEY_LENGTH, ExcludePunctuation=True)
    secrets.put_secret_value(
        SecretId=request.secret_id,
        ClientRequestToken=request.token,
        SecretString=generated["RandomPassword"],
        VersionStages=[PENDING],
    )
    log(f"createSecret: version {request.token} set from GetRandomPassword ({KEY_LENGTH} characters)")


def step_set(secrets: Any, request: RotationRequest, log: Log) -> None:
    log(
        "setSecret: nothing to set: no database or service outside Secrets Manager holds this key; "
        "its verifiers read AWSCURRENT and AWSPREVIOUS"
    )


def step_test(secrets: Any, request: RotationRequest, log: Log, versions: Mapping[str, list[str]]) -> None:
    value = pending_value(secrets, request)
    if value is None and not any(CURRENT in labels for labels in versions.values()):
        # Configuring rotation (RotateImmediately=false) runs this step alone on a copy of the current
        # value; on a secret the first apply just created, before set-secrets gave it one, there is none.
        log(f"testSecret: {request.secret_id} has no value yet, so nothing to test")
        return
    if value is None:
        raise RotationRefused(f"testSecret: version {request.token} of {request.secret_id} has no value")
    if not WELL_FORMED_KEY.fullmatch(value):
        # Never the value itself: only its shape.
        raise RotationRefused(
            f"testSecret: version {request.token} of {request.secret_id} is not {KEY_LENGTH} letters "
            f"and digits ({len(value)} characters)"
        )
    log(f"testSecret: version {request.token} holds a well-formed key")


def step_finish(secrets: Any, request: RotationRequest, log: Log, versions: Mapping[str, list[str]]) -> None:
    current = next((v for v, labels in versions.items() if CURRENT in labels), None)
    moved: dict[str, str] = {"RemoveFromVersionId": current} if current else {}
    secrets.update_secret_version_stage(
        SecretId=request.secret_id, VersionStage=CURRENT, MoveToVersionId=request.token, **moved
    )
    secrets.update_secret_version_stage(
        SecretId=request.secret_id, VersionStage=PENDING, RemoveFromVersionId=request.token
    )
    log(f"finishSecret: {CURRENT} moved to version {request.token} from {current}")


def rotate(secrets: Any, event: Mapping[str, Any], log: Log) -> str:
    """Runs the step the event names; returns the step's name."""
    request = RotationRequest.of(event)
    versions = staged_versions(secrets, request)
    if CURRENT in versions[request.token]:  # a retried step of a finished rotation, as AWS's templates do
        log(f"{request.step}: version {request.token} is already {CURRENT}; nothing to do")
    elif request.step == "createSecret":
        step_create(secrets, request, log)
    elif request.step == "setSecret":
        step_set(secrets, request, log)
    elif request.step == "testSecret":
        step_test(secrets, request, log, versions)
    elif request.step == "finishSecret":
        step_finish(secrets, request, log, versions)
    else:
        raise RotationRefused(f"unknown rotation step {request.step!r}")
    return request.step
