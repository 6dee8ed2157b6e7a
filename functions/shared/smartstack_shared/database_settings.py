"""The database connection settings, a Pydantic model read from the environment at cold start (in a
module of its own: the authorizer reads settings.py and has no database, nor Pydantic, to import)."""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from smartstack_shared.call_bounds import DATABASE
from smartstack_shared.settings import ConfigurationError, optional_env, require_env


def _existing_file(path: str) -> str:
    if path and not os.path.isfile(path):
        # Otherwise every connection fails later with a bare FileNotFoundError.
        raise ValueError(
            f"{path} does not exist: the zips carry certs/rds-ca-bundle.pem"
            " (make package; functions/certs/README.md)"
        )
    return path


class DatabaseSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(min_length=1)
    port: int = Field(5432, ge=1, le=65535)
    name: str = Field(min_length=1)
    user: str = Field(min_length=1)
    region: str = Field(min_length=1)
    # "iam": RDS IAM auth token as password (default); "secret": password from DB_SECRET_ARN.
    auth_mode: Literal["iam", "secret"] = "iam"
    secret_id: str = ""
    # TLS with the server verified (sslmode verify-full) against this CA bundle: the RDS CAs.
    ca_bundle: Annotated[str, AfterValidator(_existing_file)] = ""
    connect_timeout_seconds: float = Field(DATABASE.connect_seconds, gt=0)

    @model_validator(mode="after")
    def _secret_mode_names_its_secret(self) -> DatabaseSettings:
        if self.auth_mode == "secret" and not self.secret_id:
            raise ValueError("DB_AUTH_MODE 'secret' needs DB_SECRET_ARN")
        return self

    @classmethod
    def from_env(cls) -> DatabaseSettings:
        """The DB_* variables (functions/README.md); a wrong one is a ConfigurationError naming it."""
        auth_mode = optional_env("DB_AUTH_MODE", "iam")
        values = {
            "host": require_env("DB_HOST"),
            "port": optional_env("DB_PORT", "5432"),
            "name": require_env("DB_NAME"),
            "user": require_env("DB_USER"),
            "region": optional_env("AWS_REGION") or optional_env("AWS_DEFAULT_REGION", "us-east-1"),
            "auth_mode": auth_mode,
            "secret_id": require_env("DB_SECRET_ARN") if auth_mode == "secret" else "",
            "ca_bundle": require_env("DB_CA_BUNDLE"),
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc, values)) from exc


ENVIRONMENT_VARIABLES = {"host": "DB_HOST", "port": "DB_PORT", "name": "DB_NAME", "user": "DB_USER",
                         "region": "AWS_REGION", "auth_mode": "DB_AUTH_MODE", "secret_id": "DB_SECRET_ARN",
                         "ca_bundle": "DB_CA_BUNDLE"}  # fmt: skip


def _describe(error: ValidationError, values: dict[str, str]) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    variable = ENVIRONMENT_VARIABLES.get(field, field)
    if first["type"] == "value_error":
        reason = str(first["ctx"]["error"])
        return f"{variable} {reason}" if field else reason
    if first["type"] == "literal_error":
        return f"{variable} must be one of {first['ctx']['expected']}, got {values.get(field)!r}"
    return f"{variable} {first['msg'].lower()}, got {values.get(field)!r}"
