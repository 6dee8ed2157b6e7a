"""Functions benchmark (not a test): zip sizes, cold import time vs boto3 (paired, tracing as deployed),
the -X importtime top 10 per function, time to first response vs a boto3 floor making the same calls
(benchmarks/first_response_child.py), warm API throughput. Sections: zips imports first-response warm.

Run from the repo root in a venv with `.[test,functions]`:  python benchmarks/functions_bench.py [SECTION ...]
first-response and warm start a throwaway PostgreSQL and a moto server (tests/functions/fn_world.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


FIRST_RESPONSE_CHILD = REPO_ROOT / "benchmarks" / "first_response_child.py"
FIRST_RESPONSE_MODES = ("handler", "baseline", "baseline-sql")


@dataclass
class Scenario:
    """One representative first event per function, against the local world (fresh rows per run)."""

    function: str
    workdir: Path
    db: Any = None
    recorded_ids: tuple[str, str] = ("", "")

    def _new_job(self) -> tuple[str, str]:
        from smartstack_api import jobs, tasks

        task = tasks.create_task(self.db, "bench-owner", "owner@example.com", "bench task", "a description")
        job = jobs.create_job(self.db, str(task["id"]), "Summarise the task")
        return str(task["id"]), str(job["id"])

    def event(self, task_id: str, job_id: str) -> dict[str, Any]:
        import boto3
        import jwt
        from fn_helpers import api_event, sqs_event
        from fn_world import SIGNING_KEY, TOKEN_AUDIENCE, TOKEN_ISSUER
        from smartstack_shared.ai_contract import AiRequest, JobMessage

        if self.function == "api":
            return api_event("GET", "/health")
        if self.function == "worker":
            sqs = boto3.client("sqs")
            queue_url = os.environ["TASK_QUEUE_URL"]
            sqs.send_message(
                QueueUrl=queue_url, MessageBody=JobMessage(job_id=job_id, task_id=task_id).to_body()
            )
            message = sqs.receive_message(QueueUrl=queue_url, AttributeNames=["All"])["Messages"][0]
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
            return sqs_event([message], arn["QueueArn"])
        if self.function == "ai":
            return AiRequest(job_id=job_id, task_id=task_id, prompt="Summarise: bench task").to_payload()
        now = int(time.time())
        claims = {"sub": "bench-owner", "email": "owner@example.com", "iss": TOKEN_ISSUER,
                  "aud": TOKEN_AUDIENCE, "iat": now, "exp": now + 300}  # fmt: skip
        return {"type": "TOKEN", "authorizationToken": "Bearer " + jwt.encode(claims, SIGNING_KEY, "HS256"),
                "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/tasks"}  # fmt: skip

    def write(self, mode: str) -> Path:
        """The scenario file of one run: a fresh task and job, and for the baselines the recorded
        ids replaced by them so that the replayed calls and SQL touch rows as the handler did."""
        from fn_helpers import converse_response
        from fn_world import MODEL_ID

        task_id, job_id = self._new_job()
        if mode == "record":
            self.recorded_ids = (task_id, job_id)
        record = self.workdir / f"{self.function}.record.json"
        if mode.startswith("baseline"):
            text = record.read_text()
            for old, new in zip(self.recorded_ids, (task_id, job_id), strict=True):
                text = text.replace(old, new)
            record = self.workdir / f"{self.function}.{mode}.json"
            record.write_text(text)
        scenario = {
            "event": self.event(task_id, job_id),
            "record": str(record),
            "ai_answer": {
                "ok": True,
                "job_id": job_id,
                "model_id": MODEL_ID,
                "output_text": "A summary.",
                "usage": {"input_tokens": 21, "output_tokens": 9},
                "log_key": f"ai-logs/{job_id}.json",
            },
            "converse_response": converse_response("A summary."),
        }
        path = self.workdir / f"{self.function}.{mode}.scenario.json"
        path.write_text(json.dumps(scenario))
        return path

    def run(self, mode: str) -> float:
        path = self.write(mode)
        env = {**_deployed_env(), "AWS_LAMBDA_FUNCTION_NAME": f"smartstack-bench-{self.function}"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(FIRST_RESPONSE_CHILD), self.function, mode, str(path)],
                              env=env, capture_output=True, text=True)  # fmt: skip
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"{self.function} {mode} failed:\n{proc.stderr[-3000:]}")
        return elapsed


def first_response(rounds: int = 15) -> None:
    """Time to first response of a fresh process (import, init, one representative event) against a
    floor process that imports boto3, creates the same clients and makes the same AWS calls (recorded
    from the function), and a second floor that also runs the function's SQL over TLS. Each round runs
    the three back to back; the ratios are the medians of the per-round ratios (robust to a noisy host)."""
    from fn_world import DB_SECRET_NAME
    from smartstack_shared.database_settings import DatabaseSettings
    from smartstack_shared.db import Database, secret_password_provider

    print(f"\n## time to first response, tracing as deployed ({rounds} rounds; medians, ratios per round)")
    print(f"{'function':<11} {'process':>9} {'boto3 floor':>12} {'ratio':>6} {'+ SQL floor':>12} {'ratio':>6}"
          "  first event: SQL statements; AWS calls of the floor")  # fmt: skip
    db = Database(DatabaseSettings.from_env(), secret_password_provider(DB_SECRET_NAME))
    with tempfile.TemporaryDirectory(prefix="first-response-") as workdir:
        for function in ("api", "worker", "ai", "authorizer"):
            scenario = Scenario(function, Path(workdir), db)
            scenario.run("record")
            recorded = json.loads((Path(workdir) / f"{function}.record.json").read_text())
            times: dict[str, list[float]] = {mode: [] for mode in FIRST_RESPONSE_MODES}
            for _ in range(rounds):
                for mode in FIRST_RESPONSE_MODES:
                    times[mode].append(scenario.run(mode))
            handler, floor, sql_floor = (statistics.median(times[mode]) for mode in FIRST_RESPONSE_MODES)
            ratio = statistics.median(h / f for h, f in zip(times["handler"], times["baseline"], strict=True))
            sql_ratio = statistics.median(
                h / f for h, f in zip(times["handler"], times["baseline-sql"], strict=True)
            )
            calls = ", ".join(f"{call['service']}:{call['operation']}" for call in recorded["calls"])
            print(f"{function:<11} {handler * 1000:7.0f} ms {floor * 1000:9.0f} ms {ratio:6.2f} "
                  f"{sql_floor * 1000:9.0f} ms {sql_ratio:6.2f}  "
                  f"{len(recorded['statements'])} SQL; {calls}")  # fmt: skip
    db.close()


def warm_throughput(requests: int = 2000) -> None:
    from fn_helpers import LambdaContext, api_event
    from smartstack_api import handler, runtime
    from smartstack_api.ai_invoker import LambdaAiInvoker

    os.environ.update({"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR",
                       "POWERTOOLS_METRICS_DISABLED": "true"})  # fmt: skip
    # Only the database is exercised by these routes; the AI function is never invoked.
    runtime.set_runtime(runtime.build_runtime(ai=LambdaAiInvoker(None, "unused")))
    context = LambdaContext()
    created = handler.lambda_handler(api_event("POST", "/tasks", {"title": "bench"}, owner="bench"), context)
    task_path = "/tasks/" + json.loads(created["body"])["id"]
    events = [api_event("GET", task_path, owner="bench"), api_event("GET", "/tasks", owner="bench"),
              api_event("POST", "/tasks", {"title": "bench"}, owner="bench-writes")]  # fmt: skip
    print(f"\n## warm API handler throughput ({requests} requests each, in-process, local PostgreSQL, TLS)")
    for label, event in zip(("GET /tasks/{id}", "GET /tasks", "POST /tasks"), events, strict=True):
        # EMF metric lines go to stdout, as in Lambda; keep them out of the report.
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            started = time.perf_counter()
            for _ in range(requests):
                response = handler.lambda_handler(event, context)
                assert response["statusCode"] < 300, response
            elapsed = time.perf_counter() - started
        print(f"{label:<16} {requests / elapsed:8.0f} requests/s  ({elapsed / requests * 1000:.2f} ms each)")
    runtime.get_runtime().db.close()


SECTIONS = ("zips", "imports", "first-response", "warm")


def main(sections: list[str]) -> None:
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        sys.exit(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)} (default: all)")
    chosen = sections or list(SECTIONS)
    if "zips" in chosen:
        zip_sizes()
    if "imports" in chosen:
        cold_imports()
        paired_process_ratios()
        import_profile()
    if "first-response" in chosen or "warm" in chosen:
        sys.path[:0] = [*FUNCTION_PATHS, str(REPO_ROOT / "tests" / "functions")]
        from fn_world import local_world

        with local_world():
            if "first-response" in chosen:
                first_response()
            if "warm" in chosen:
                warm_throughput()


if __name__ == "__main__":
    main(sys.argv[1:])
