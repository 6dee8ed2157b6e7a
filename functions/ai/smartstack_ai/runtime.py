"""Everything the AI handler needs, built once per container (cold start) and reused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smartstack_shared.clients import client
from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database, password_provider_for
from smartstack_shared.pseudonym import MIN_KEY_BYTES
from smartstack_shared.settings import (
    SecretUnavailable,
    get_secret_string,
    load_parameters,
    require_env,
    require_int_parameter,
    require_parameter,
)

from smartstack_ai.bedrock import RetryPolicy, bedrock_client

PARAMETER_SECTION = "ai"


@dataclass
class AiRuntime:
    db: Database
    s3: Any
    bedrock: Any
    files_bucket: str
    model_id: str
    max_output_tokens: int
    retry_policy: RetryPolicy
    # Secrets Manager name of the HMAC key that pseudonymises caller ids in the S3 AI logs.
    log_hmac_key_secret_name: str

    def log_hmac_key(self) -> str:
        """Cached by Powertools for a few minutes, so a rotated key is used without a redeploy."""
        return read_log_hmac_key(self.log_hmac_key_secret_name)


def read_log_hmac_key(secret_name: str) -> str:
    key = get_secret_string(secret_name)
    if len(key.encode("utf-8")) < MIN_KEY_BYTES:
        raise SecretUnavailable(f"secret {secret_name} must hold at least {MIN_KEY_BYTES} bytes of key")
    return key


def build_runtime() -> AiRuntime:
    values = load_parameters(PARAMETER_SECTION)
    settings = DatabaseSettings.from_env()
    log_hmac_key_secret_name = require_env("AI_LOG_HMAC_KEY_SECRET_NAME")
    # Read at cold start: a missing key fails the container's first request with a clear reason
    # instead of the first Bedrock call being paid for and then not logged.
    read_log_hmac_key(log_hmac_key_secret_name)
    return AiRuntime(
        db=Database(settings, password_provider_for(settings, lambda: client("rds"))),
        s3=client("s3"),
        bedrock=bedrock_client(),
        files_bucket=require_env("FILES_BUCKET"),
        model_id=require_parameter(values, PARAMETER_SECTION, "model-id"),
        max_output_tokens=require_int_parameter(values, PARAMETER_SECTION, "max-output-tokens", 1, 8192),
        retry_policy=RetryPolicy(),
        log_hmac_key_secret_name=log_hmac_key_secret_name,
    )


_runtime: AiRuntime | None = None


def get_runtime() -> AiRuntime:
    global _runtime
    if _runtime is None:
        _runtime = build_runtime()
    return _runtime


def set_runtime(runtime: AiRuntime | None) -> None:
    """Replace (or with None, forget) the cached runtime: used by tests and the benchmark."""
    global _runtime
    _runtime = runtime
