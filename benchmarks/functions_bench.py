"""Functions benchmark (not a test): zip sizes, cold import time vs boto3 (paired, tracing as deployed),
the -X importtime top 10 per function, warm API throughput.

Run from the repo root in a venv with `.[test,functions]`:  python benchmarks/functions_bench.py
Warm throughput starts a throwaway PostgreSQL (tests/functions/fn_postgres.py) and a moto server.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FUNCTION_PATHS = [str(REPO_ROOT / "functions" / name) for name in ("shared", "api", "ai", "authorizer")]
HANDLERS = {
    "api": "smartstack_api.handler",
    "ai": "smartstack_ai.handler",
    "authorizer": "smartstack_authorizer.handler",
}
RUNS = 5


def zip_sizes() -> None:
    print("## zip sizes (build/functions/arm64, from make package)")
    for name in HANDLERS:
        path = REPO_ROOT / "build" / "functions" / "arm64" / f"{name}.zip"
        print(f"{name:<11} {path.stat().st_size:>10,} bytes" if path.exists() else f"{name:<11} (not built)")


def cold_import_seconds(module: str) -> float:
    """Median wall time of `import module` in a fresh interpreter (no bytecode reuse across runs)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(FUNCTION_PATHS), "PYTHONDONTWRITEBYTECODE": "1",
           "POWERTOOLS_TRACE_DISABLED": "true", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(RUNS)
    ]
    return statistics.median(samples)


def cold_imports() -> None:
    print(f"\n## cold import, tracing disabled (median of {RUNS} fresh subprocesses)")
    baseline = cold_import_seconds("boto3")
    print(f"{'boto3':<11} {baseline * 1000:8.1f} ms  (baseline)")
    for name, module in HANDLERS.items():
        seconds = cold_import_seconds(module)
        print(f"{name:<11} {seconds * 1000:8.1f} ms  ratio vs boto3 {seconds / baseline:5.2f}")


def _deployed_env() -> dict[str, str]:
    """Tracing configured as deployed (no POWERTOOLS_TRACE_DISABLED) and the variables Lambda sets:
    outside Lambda the X-Ray SDK builds a centralized sampler with its own botocore client at import
    (~100 ms), which in Lambda (LAMBDA_TASK_ROOT set) it replaces by a local sampler."""
    env = {k: v for k, v in os.environ.items() if k != "POWERTOOLS_TRACE_DISABLED"}
    return {
        **env,
        "PYTHONPATH": os.pathsep.join(FUNCTION_PATHS),
        "AWS_DEFAULT_REGION": "us-east-1",
        "LAMBDA_TASK_ROOT": str(REPO_ROOT / "functions"),
        "AWS_LAMBDA_FUNCTION_NAME": "smartstack-bench",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    }


def _process_seconds(module: str) -> float:
    """Wall time of a whole `python -c 'import module'` process, as a cold start pays it."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], env=_deployed_env(), check=True)
    return time.perf_counter() - started


def paired_process_ratios(pairs: int = 7) -> None:
    """Handler process vs boto3 process, alternating so machine noise hits both alike."""
    print(f"\n## whole-process import, tracing as deployed (median ratio of {pairs} alternating pairs)")
    for name, module in HANDLERS.items():
        ratios, handler_times = [], []
        for _ in range(pairs):
            baseline, handler = _process_seconds("boto3"), _process_seconds(module)
            ratios.append(handler / baseline)
            handler_times.append(handler)
        print(f"{name:<11} {statistics.median(handler_times) * 1000:8.1f} ms  "
              f"ratio vs a boto3 process {statistics.median(ratios):5.2f}")  # fmt: skip


def import_profile(top: int = 10) -> None:
    """The modules with the most self time at import (-X importtime), per function."""
    for name, module in HANDLERS.items():
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                              env=_deployed_env(), check=True, capture_output=True, text=True)  # fmt: skip
        rows = []
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative_us, package = (part.strip() for part in line[12:].split("|"))
            rows.append((int(self_us), int(cumulative_us), package.strip()))
        print(f"\n## -X importtime, {name}: top {top} by self time (tracing as deployed)")
        for self_us, cumulative_us, package in sorted(rows, reverse=True)[:top]:
            print(f"{self_us / 1000:8.1f} ms self  {cumulative_us / 1000:8.1f} ms cumulative  {package}")


def warm_throughput(requests: int = 2000) -> None:
    sys.path[:0] = [*FUNCTION_PATHS, str(REPO_ROOT / "tests" / "functions")]
    os.environ.update({"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR",
                       "POWERTOOLS_METRICS_DISABLED": "true", "AWS_ACCESS_KEY_ID": "bench",
                       "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"})  # fmt: skip
    from fn_helpers import LambdaContext, api_event
    from fn_postgres import APP_USER, DATABASE, PostgresServer
    from smartstack_api import handler, runtime
    from smartstack_api.ai_invoker import LambdaAiInvoker
    from smartstack_shared.db import Database
    from smartstack_shared.migrate import apply_migrations
    from smartstack_shared.settings import DatabaseSettings

    server = PostgresServer.start()
    try:
        server.provision_like_rds()
        db = Database(DatabaseSettings(host="127.0.0.1", port=server.port, name=DATABASE, user=APP_USER,
                                       region="us-east-1", ca_bundle=str(server.ca_file)),
                      lambda: server.app_password)  # fmt: skip
        apply_migrations(db)
        # Only the database is exercised by these routes; AWS clients are never called.
        runtime.set_runtime(runtime.ApiRuntime(
            db=db, s3=None, sqs=None, ses=None, ai=LambdaAiInvoker(None, "unused"), files_bucket="unused",
            task_queue_url="unused", ses_sender="unused", ses_configuration_set="",
            presigned_url_ttl_seconds=900, max_page_size=100,
        ))  # fmt: skip
        context = LambdaContext()
        created = handler.lambda_handler(
            api_event("POST", "/tasks", {"title": "bench"}, owner="bench"), context
        )
        task_path = "/tasks/" + __import__("json").loads(created["body"])["id"]
        events = [api_event("GET", task_path, owner="bench"), api_event("GET", "/tasks", owner="bench"),
                  api_event("POST", "/tasks", {"title": "bench"}, owner="bench-writes")]  # fmt: skip
        print(
            f"\n## warm API handler throughput ({requests} requests each, in-process, local PostgreSQL, TLS)"
        )
        for label, event in zip(("GET /tasks/{id}", "GET /tasks", "POST /tasks"), events, strict=True):
            # EMF metric lines go to stdout, as in Lambda; keep them out of the report.
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                started = time.perf_counter()
                for _ in range(requests):
                    response = handler.lambda_handler(event, context)
                    assert response["statusCode"] < 300, response
                elapsed = time.perf_counter() - started
            print(
                f"{label:<16} {requests / elapsed:8.0f} requests/s  ({elapsed / requests * 1000:.2f} ms each)"
            )
        db.close()
    finally:
        server.stop()


if __name__ == "__main__":
    zip_sizes()
    cold_imports()
    paired_process_ratios()
    import_profile()
    warm_throughput()
