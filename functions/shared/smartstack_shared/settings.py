"""Configuration read at cold start.

Environment variables carry only non-secret names (bucket, queue, host, secret *names*).
Tunables come from Parameter Store and secrets from Secrets Manager, both through
Powertools' cached providers so a warm container does not call the APIs per request.
"""

from __future__ import annotations

import os
import time
from functools import cache

from aws_lambda_powertools.utilities.parameters import SecretsProvider, SSMProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from smartstack_shared.clients import client

# Parameters and secrets are re-fetched at most this often by a warm container.
CONFIG_MAX_AGE_SECONDS = 300


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed; the function cannot serve requests."""


class SecretUnavailable(ConfigurationError):
    """A Secrets Manager secret is missing, has no value yet, or cannot be read (IAM/KMS/outage)."""


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is required")
    return value


def optional_env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


@cache
def ssm_provider() -> SSMProvider:
    """Powertools' cached provider on this container's bounded client (its own would wait unbounded
    and load the service models in a session of its own)."""
    return SSMProvider(boto3_client=client("ssm"))


@cache
def secrets_provider() -> SecretsProvider:
    return SecretsProvider(boto3_client=client("secretsmanager"))


# name -> (fetched at, AWSPREVIOUS value or None): the absence of a previous version is cached too.
_previous_versions: dict[str, tuple[float, str | None]] = {}


def clear_config_caches() -> None:
    """Forget cached parameters and secrets, as a new container would (tests; after reset_clients)."""
    ssm_provider.cache_clear()
    secrets_provider.cache_clear()
    _previous_versions.clear()


def parameter_path() -> str:
    return require_env("PARAMETER_PATH").rstrip("/")


def load_parameters(section: str) -> dict[str, str]:
    """All parameters under ``$PARAMETER_PATH/<section>/``, keyed by their name below it."""
    path = f"{parameter_path()}/{section}"
    values = ssm_provider().get_multiple(path, max_age=CONFIG_MAX_AGE_SECONDS, decrypt=True, recursive=True)
    return {name.strip("/"): value for name, value in values.items()}


def require_parameter(values: dict[str, str], section: str, name: str) -> str:
    value = values.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"SSM parameter {parameter_path()}/{section}/{name} is required")
    return value


def require_int_parameter(values: dict[str, str], section: str, name: str, low: int, high: int) -> int:
    raw = require_parameter(values, section, name)
    try:
        number = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"SSM parameter {section}/{name} must be an integer, got {raw!r}") from exc
    if not low <= number <= high:
        raise ConfigurationError(f"SSM parameter {section}/{name} must be in [{low}, {high}], got {number}")
    return number


def get_secret_string(name: str) -> str:
    """The secret's SecretString, cached per container for CONFIG_MAX_AGE_SECONDS (so rotation applies)."""
    try:
        value = secrets_provider().get(name, max_age=CONFIG_MAX_AGE_SECONDS)
    except GetParameterError as exc:
        # Powertools wraps ResourceNotFound, AccessDenied, KMS and network errors alike; keep the cause.
        raise SecretUnavailable(f"secret {name} cannot be read: {exc}") from exc
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if not isinstance(value, str) or not value.strip():
        raise SecretUnavailable(f"secret {name} has no SecretString value; set it with put-secret-value")
    return value


def get_previous_secret_string(name: str) -> str | None:
    """The secret's AWSPREVIOUS value (the key a rotation replaced), or None before any rotation; cached
    like get_secret_string. Powertools' cache keys ignore the version stage, hence a cache of its own."""
    fetched = _previous_versions.get(name)
    if fetched is not None and time.monotonic() - fetched[0] < CONFIG_MAX_AGE_SECONDS:
        return fetched[1]
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        value: str | None = client("secretsmanager").get_secret_value(
            SecretId=name, VersionStage="AWSPREVIOUS"
        )["SecretString"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise SecretUnavailable(f"secret {name} (AWSPREVIOUS) cannot be read: {exc}") from exc
        value = None
    except BotoCoreError as exc:
        raise SecretUnavailable(f"secret {name} (AWSPREVIOUS) cannot be read: {exc}") from exc
    _previous_versions[name] = (time.monotonic(), value or None)
    return value or None


def get_verification_keys(name: str) -> tuple[str, ...]:
    """The keys a verifier accepts: AWSCURRENT, then AWSPREVIOUS while a rotation's overlap lasts, so a
    token or link signed a moment before a rotation still verifies; a key two rotations old does not."""
    previous = get_previous_secret_string(name)
    current = get_secret_string(name)
    return (current,) if previous is None or previous == current else (current, previous)
