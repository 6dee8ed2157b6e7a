"""boto3 clients, created once per container and reused across invocations."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# Short timeouts: a Lambda waiting on a stuck connection costs money and hides the fault.
_DEFAULT_CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3})


@cache
def client(service: str) -> Any:
    config = _DEFAULT_CONFIG
    if service == "s3":
        # SigV4 presigned URLs are required for KMS-encrypted buckets and all newer regions.
        config = config.merge(Config(signature_version="s3v4"))
    return boto3.session.Session().client(service, config=config)


def reset_clients() -> None:
    client.cache_clear()
