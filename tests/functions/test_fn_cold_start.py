"""What a cold start imports: each kind of event pays for its own machinery only (benchmarks/
functions_bench.py first-response measures the time; this keeps the import boundaries from drifting)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTION_PATHS = [str(REPO_ROOT / "functions" / name) for name in ("shared", "api", "ai", "authorizer")]

# Imported at cold start by no handler: each belongs to one kind of event of the API function.
DEFERRED = {
    "smartstack_api.handler": [
        "smartstack_api.routes",  # HTTP events
        "aws_lambda_powertools.event_handler",
        "aws_lambda_powertools.utilities.batch",  # SQS batches
        "aws_lambda_powertools.utilities.parser",
        "smartstack_shared.migrate",  # admin actions
    ],
    "smartstack_ai.handler": ["smartstack_shared.migrate", "aws_lambda_powertools.utilities.batch"],
    "smartstack_authorizer.handler": ["pydantic", "pg8000", "aws_lambda_powertools.utilities.batch"],
}


def modules_after_import(module: str) -> set[str]:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    env = {"PYTHONPATH": ":".join(FUNCTION_PATHS), "AWS_DEFAULT_REGION": "us-east-1",
           "LAMBDA_TASK_ROOT": str(REPO_ROOT / "functions"), "PATH": "/usr/bin:/bin"}  # fmt: skip
    output = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return set(json.loads(output.stdout))


@pytest.mark.parametrize("handler", sorted(DEFERRED))
def test_a_cold_start_imports_only_what_every_event_of_the_function_needs(handler):
    loaded = modules_after_import(handler)
    assert handler in loaded
    assert sorted(name for name in DEFERRED[handler] if name in loaded) == []
