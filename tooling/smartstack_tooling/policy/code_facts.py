"""The functions' own declarations, read from their source for the contract rules.

Contract rules compare the plan with what the code declares; the code's side is imported from the
function source (modules of constants without dependencies), never retyped here.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from .. import toolchain

FUNCTIONS = toolchain.REPO / "functions"


@cache
def constants_module(relative: str, functions_dir: Path = FUNCTIONS) -> ModuleType:
    """Import functions/<relative> (a file of constants) by path, without importing its package."""
    path = functions_dir / relative
    spec = importlib.util.spec_from_file_location(f"smartstack_code_facts.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def api_request_limits(functions_dir: Path = FUNCTIONS) -> dict[str, int]:
    """The largest request parts the API accepts, in bytes: body, path (as the edge sees it), query."""
    limits = constants_module("api/smartstack_api/limits.py", functions_dir)
    return {"body": limits.MAX_BODY_BYTES, "path": limits.MAX_PATH_BYTES, "query": limits.MAX_QUERY_BYTES}
