"""boto3 clients, created once per container and reused across invocations."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from smartstack_shared.call_bounds import AWS_API, LAMBDA_INVOKE, CallBound


def bounded(bound: CallBound, read_seconds: float | None = None) -> Config:
    """A client configuration that cannot wait longer than ``bound`` (see call_bounds)."""
    return Config(
        connect_timeout=bound.connect_seconds,
        read_timeout=bound.read_seconds if read_seconds is None else read_seconds,
        retries={"mode": "standard", "total_max_attempts": bound.attempts},
    )


# Short timeouts: a Lambda waiting on a stuck connection costs money and hides the fault.
_DEFAULT_CONFIG = bounded(AWS_API)


@cache
def session() -> boto3.session.Session:
    """One session per container: its clients share the service models and endpoint rules it loaded
    (a session per client parses them again, tens of milliseconds per client at every cold start)."""
    return boto3.session.Session()


@cache
def client(service: str) -> Any:
    config = _DEFAULT_CONFIG
    if service == "s3":
        # SigV4 presigned URLs are required for KMS-encrypted buckets and all newer regions.
        config = config.merge(Config(signature_version="s3v4"))
    return session().client(service, config=config)


@cache
def invoke_client(callee_timeout_seconds: float) -> Any:
    """A Lambda client for synchronous invokes that waits out the callee's timeout and never retries."""
    config = bounded(LAMBDA_INVOKE, read_seconds=callee_timeout_seconds + LAMBDA_INVOKE.read_seconds)
    return session().client("lambda", config=config)


def reset_clients() -> None:
    """Forget every client (and the session): the next ones read the environment again."""
    client.cache_clear()
    invoke_client.cache_clear()
    session.cache_clear()
