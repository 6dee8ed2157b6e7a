"""The set-secrets deploy step on the emulator: empty application keys get a value from GetRandomPassword,
set keys are kept, and no value is ever printed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from smartstack_tooling.harness import emulator, roots
from smartstack_tooling.operations import local_env, set_secrets


@pytest.fixture(scope="module")
def running() -> Iterator[emulator.Emulator]:
    started = emulator.start("123456789012")
    try:
        yield started
    finally:
        started.stop()


def test_empty_keys_get_a_random_value_once_and_set_keys_are_kept(running):
    secrets = local_env.emulator_session().client("secretsmanager", endpoint_url=running.url)
    empty = secrets.create_secret(Name="smartstack-dev/link-signing-key")["ARN"]
    operator_set = secrets.create_secret(Name="smartstack-dev/api-signing-key", SecretString="x" * 40)["ARN"]
    outputs = {"generated_secret_arns": {"link-signing-key": empty, "api-signing-key": operator_set}}
    environ = {roots.ENDPOINT_ENV: running.url}
    lines: list[str] = []

    first = set_secrets.after_apply("dev", "local", environ, lambda: outputs, lines.append)
    value = secrets.get_secret_value(SecretId=empty)["SecretString"]
    second = set_secrets.after_apply("dev", "local", environ, lambda: outputs, lines.append)

    assert first == second == set_secrets.EXIT_SET
    assert re.fullmatch(r"[A-Za-z0-9]{64}", value)
    assert secrets.get_secret_value(SecretId=empty)["SecretString"] == value, "a second deploy keeps it"
    assert secrets.get_secret_value(SecretId=operator_set)["SecretString"] == "x" * 40
    assert lines == [
        "== dev: secrets set from GetRandomPassword (64 characters): link-signing-key; "
        "already set, kept: api-signing-key",
        "== dev: secrets set from GetRandomPassword (64 characters): none; "
        "already set, kept: api-signing-key, link-signing-key",
    ]
    assert not any(value in line for line in lines)


def test_a_key_that_cannot_be_set_refuses_the_release_and_names_the_guard(running):
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:smartstack-dev/gone-AbCdEf"
    lines: list[str] = []
    outputs = {"generated_secret_arns": {"gone": missing}}
    environ = {roots.ENDPOINT_ENV: running.url}
    code = set_secrets.after_apply("dev", "local", environ, lambda: outputs, lines.append)
    assert code == set_secrets.EXIT_FAILED
    assert "ResourceNotFoundException" in lines[0] and "guard: set-secrets" in lines[1]


def test_offline_sets_nothing():
    lines: list[str] = []
    assert set_secrets.after_apply("dev", "offline", {}, lambda: pytest.fail("read"), lines.append) == 0
    assert lines == []
