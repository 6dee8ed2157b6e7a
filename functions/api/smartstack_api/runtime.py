"""Everything the API handler needs, built once per container (cold start) and reused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smartstack_shared.clients import client, invoke_client
from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.db import Database, password_provider_for
from smartstack_shared.settings import (
    ConfigurationError,
    SecretUnavailable,
    load_parameters,
    optional_env,
    require_env,
    require_int_parameter,
)

from smartstack_api import limits
from smartstack_api.ai_invoker import AiInvoker, LambdaAiInvoker
from smartstack_api.links import read_link_signing_key, read_link_verification_keys

PARAMETER_SECTION = "api"


@dataclass
class ApiRuntime:
    db: Database
    s3: Any
    sqs: Any
    ses: Any
    ai: AiInvoker
    files_bucket: str
    task_queue_url: str
    ses_sender: str
    ses_configuration_set: str
    presigned_url_ttl_seconds: int
    max_page_size: int
    # Web app origin for links in emails, and the Secrets Manager name of the key that signs them.
    app_base_url: str = ""
    link_signing_key_secret_name: str = ""

    def link_signing_key(self) -> str:
        """Read on use (emails, signed-link checks), cached by Powertools for a few minutes."""
        if not self.link_signing_key_secret_name:
            raise SecretUnavailable("LINK_SIGNING_KEY_SECRET_NAME is not configured")
        return read_link_signing_key(self.link_signing_key_secret_name)

    def link_verification_keys(self) -> tuple[str, ...]:
        """The keys a link may be signed with: the signing key, then the one its last rotation replaced."""
        if not self.link_signing_key_secret_name:
            raise SecretUnavailable("LINK_SIGNING_KEY_SECRET_NAME is not configured")
        return read_link_verification_keys(self.link_signing_key_secret_name)


def ai_timeout_seconds() -> int:
    """The AI function's timeout (set by Terraform from the same value): the invoke waits that long."""
    text = require_env("AI_TIMEOUT_SECONDS")
    if not text.isdigit() or not 1 <= int(text) <= 900:
        raise ConfigurationError(f"AI_TIMEOUT_SECONDS must be 1..900 seconds, got {text!r}")
    return int(text)


def build_runtime(ai: AiInvoker | None = None) -> ApiRuntime:
    values = load_parameters(PARAMETER_SECTION)
    settings = DatabaseSettings.from_env()
    return ApiRuntime(
        db=Database(settings, password_provider_for(settings, lambda: client("rds"))),
        s3=client("s3"),
        sqs=client("sqs"),
        ses=client("sesv2"),
        ai=ai
        or LambdaAiInvoker(
            invoke_client(ai_timeout_seconds()),
            require_env("AI_FUNCTION_NAME"),
            require_env("AI_FUNCTION_QUALIFIER"),
        ),
        files_bucket=require_env("FILES_BUCKET"),
        task_queue_url=require_env("TASK_QUEUE_URL"),
        ses_sender=require_env("SES_SENDER"),
        ses_configuration_set=optional_env("SES_CONFIGURATION_SET"),
        presigned_url_ttl_seconds=require_int_parameter(
            values, PARAMETER_SECTION, "presigned-url-ttl-seconds", 60, 43_200
        ),
        max_page_size=require_int_parameter(
            values, PARAMETER_SECTION, "max-page-size", 1, limits.PAGE_SIZE_MAX
        ),
        app_base_url=require_env("APP_BASE_URL"),
        link_signing_key_secret_name=require_env("LINK_SIGNING_KEY_SECRET_NAME"),
    )


_runtime: ApiRuntime | None = None


def get_runtime() -> ApiRuntime:
    global _runtime
    if _runtime is None:
        _runtime = build_runtime()
    return _runtime


def set_runtime(runtime: ApiRuntime | None) -> None:
    """Replace (or with None, forget) the cached runtime: used by tests and the benchmark."""
    global _runtime
    _runtime = runtime
