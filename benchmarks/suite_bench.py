"""Benchmark of what every change pays for, from a fresh clone: `make plan`, `make test`, `.ci/run`.

Each run clones the repository's HEAD into a temporary directory and times, in that clone:

1. ``make plan`` on the fresh clone (bootstraps .venv, the stand-in's schema cache and the zips first);
2. ``make test`` with the venvs made (.venv by step 1, .venv-checkov before timing), empty plan store;
3. ``make test`` once more (warm .venv and a warm plan store: what a developer's second run pays);
4. ``bash .ci/run`` in another fresh clone, with the time of each of its stages.

It prints the figures of every run and their median, with the machine's load before each run (the
machine is shared: say what else was running). It asserts nothing: targets are read, not timed in tests.

Run: python3 benchmarks/suite_bench.py [--runs 3] [--skip-ci] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STAGE = re.compile(r"^stage (\S+): (\d+) s \(exit (\d+)\)$", re.M)
TARGETS = {"make plan (fresh clone)": 120, "make test (warm .venv)": 240, ".ci/run (fresh clone)": 720}


def clone(into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(into)], check=True)
    return into


def timed(command: list[str], cwd: Path, log: Path) -> tuple[float, str]:
    """Run ``command`` in ``cwd``, its output into ``log``; seconds and output. Fails loudly."""
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=_environ())
    seconds = time.perf_counter() - started
    log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {cwd} (exit {proc.returncode}); output in {log}")
    return seconds, proc.stdout + proc.stderr


def _environ() -> dict[str, str]:
    """The caller's environment without a virtualenv of this checkout leaking into the clone."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def load() -> str:
    one, five, _ = os.getloadavg()
    others = subprocess.run(
        ["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"], capture_output=True, text=True
    ).stdout.splitlines()[:3]
    return f"load {one:.2f}/{five:.2f} (1/5 min); busiest: " + "; ".join(line.strip() for line in others)


def tests_summary(output: str) -> str:
    found = re.findall(r"^=+ (.*(?:passed|failed).*) =+$", output, re.M)
    return found[-1] if found else "no pytest summary"


def one_run(index: int, work: Path, skip_ci: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    print(f"run {index}: {load()}", flush=True)
    checkout = clone(work / f"run{index}")
    figures["make plan (fresh clone)"], _ = timed(["make", "plan"], checkout, work / f"plan{index}.log")
    timed(["make", "checkov-bootstrap"], checkout, work / f"checkov{index}.log")  # warm: both venvs made
    seconds, output = timed(["make", "test"], checkout, work / f"test{index}.log")
    figures["make test (warm .venv)"] = seconds
    print(f"   make test: {tests_summary(output)}")
    figures["make test (warm .venv and plan store)"], _ = timed(
        ["make", "test"], checkout, work / f"test{index}-again.log"
    )
    if not skip_ci:
        ci_checkout = clone(work / f"ci{index}")
        figures[".ci/run (fresh clone)"], output = timed(
            ["bash", ".ci/run"], ci_checkout, work / f"ci{index}.log"
        )
        for name, seconds_text, status in STAGE.findall(output):
            figures[f"   .ci/run stage {name}"] = float(seconds_text)
            assert status == "0"
    for name, seconds in figures.items():
        print(f"   {name:<44} {seconds:7.1f} s", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-ci", action="store_true", help="leave out .ci/run (the longest part)")
    parser.add_argument("--keep", action="store_true", help="keep the clones and logs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="smartstack-suite-bench-"))
    print(f"clones and logs in {work}; {os.cpu_count()} cores")
    try:
        runs = [one_run(index, work, args.skip_ci) for index in range(1, args.runs + 1)]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"median of {len(runs)} run(s):")
    for name in runs[0]:
        median = statistics.median(run[name] for run in runs)
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"  target <= {target} s: {'met' if median <= target else 'MISSED'}"
        )
        print(f"   {name:<44} {median:7.1f} s{verdict}")


if __name__ == "__main__":
    main()
