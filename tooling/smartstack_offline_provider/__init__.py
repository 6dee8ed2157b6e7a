"""Offline stand-in for hashicorp/aws: a tfplugin6 server answering from a schema extracted once (test
infrastructure, never the real provider). A sibling of smartstack_tooling that imports nothing of it; this
is its whole interface (tests/tooling/test_import_graph.py keeps both true).

- ``CacheFiles(root)``: where the extracted schema lives; ``ensure_schema(files)`` builds it when missing.
- ``serve(files)``: run the plugin (Terraform starts it through a launcher script in its mirror). Loaded on
  first use: the server needs the offline-provider extra (grpc, cryptography), the rest does not.
- ``fingerprint(files)``: a hash of what identifies the running plugin (its sources and the schema cache).
- ``used_type_names(workdir)``: the resource and data source types a configuration names (the stand-in
  serves only those), or None when it cannot tell.
- ``OFFLINE_ACCOUNT_ENV``: the variable naming the account id the stand-in reports.
- ``MAGIC_COOKIE_KEY``/``MAGIC_COOKIE_VALUE``: the go-plugin handshake Terraform sends.
"""

from __future__ import annotations

from typing import Any

from .handshake import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, OFFLINE_ACCOUNT_ENV
from .schema_cache import CacheFiles, fingerprint
from .schema_cache import ensure as ensure_schema
from .used_types import used_type_names

__all__ = [
    "MAGIC_COOKIE_KEY",
    "MAGIC_COOKIE_VALUE",
    "OFFLINE_ACCOUNT_ENV",
    "CacheFiles",
    "ensure_schema",
    "fingerprint",
    "serve",
    "used_type_names",
]


def __getattr__(name: str) -> Any:
    if name == "serve":
        from .server import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
