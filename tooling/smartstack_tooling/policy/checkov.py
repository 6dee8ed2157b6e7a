"""checkov over the Terraform source (modules/, envs/, state-backend/) and the plan JSONs, with JUnit/SARIF
reports.

checkov 3.3.30 pins dependencies that conflict with pytest 9, so it runs from its own venv
(.venv-checkov, `make checkov-bootstrap`, requirements/checkov.txt). Every skip is inline in the HCL
(`#checkov:skip=<id>:<reason>`); plan scans honour them through --repo-root-for-plan-enrichment, given a
copy of the Terraform sources alone: enrichment parses every .tf under its root, and the repository's
holds build/ (hundreds of staged roots) and the test roots too (34 s a scan instead of 7).
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
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
REQUIREMENTS = REPO / "requirements" / "checkov.txt"


@dataclass
class ScanResult:
    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    parsing_errors: int = 0
    failures: list[str] = field(default_factory=list)
    skips: list[tuple[str, str, str]] = field(default_factory=list)  # (check id, resource, reason)


def install() -> Path:
    """Create .venv-checkov with the pinned checkov when missing (idempotent)."""
    marker = CHECKOV.parent.parent / ".bootstrapped"
    if CHECKOV.exists() and marker.exists() and marker.stat().st_mtime >= REQUIREMENTS.stat().st_mtime:
        return CHECKOV
    venv = CHECKOV.parent.parent
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    uv = Path(sys.executable).parent / "uv"  # the Makefile's installer; pip where .venv has no uv
    installer = (
        [str(uv), "pip", "install", "--python", python] if uv.exists() else [python, "-m", "pip", "install"]
    )
    subprocess.run([*installer, "--quiet", "-r", str(REQUIREMENTS)], check=True)
    marker.touch()
    return CHECKOV


def _env() -> dict[str, str]:
    # Offline: no platform calls, no version check, no guideline download.
    return {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",
        "CHECKOV_NO_OUTPUT_VERSION_CHECK": "1",
        "SKIP_PACKAGE_SCAN": "TRUE",
        "LOG_LEVEL": "ERROR",
        "ENABLE_DEFINITION_KEY": "False",
    }


def _run(name: str, args: list[str], out_dir: Path, inputs: list[Path]) -> ScanResult:
    """One checkov scan of ``inputs`` (what ``args`` names, and what enrichment reads), its reports from
    the scan cache when nothing it reads has changed (scan_cache.py)."""
    target = out_dir / f"checkov-{name}"
    target.mkdir(parents=True, exist_ok=True)
    environ = _env()
    key = scan_cache.scan_key(
        [REQUIREMENTS, REPO / ".checkov.yaml"],  # the pins, and a configuration file if one appears
        [CHECKOV, CHECKOV.parent.parent / ".bootstrapped"],
        args,
        inputs,
        environ,
    )
    scan_cache.cached_reports(key, target, lambda: _scan(args, target, environ))
    return _parse(name, target)


def _scan(args: list[str], target: Path, environ: dict[str, str]) -> None:
    cmd = [
        str(CHECKOV),
        *args,
        "--compact",
        "--quiet",
        "--skip-download",
        "--soft-fail",
        "-o",
        "json",
        "-o",
        "junitxml",
        "-o",
        "sarif",
        "--output-file-path",
        str(target),
    ]
    for stale in target.glob("results_*"):
        stale.unlink()
    proc = subprocess.run(cmd, cwd=REPO, env=environ, capture_output=True, text=True, timeout=600)
    if not (target / "results_json.json").exists():
        raise RuntimeError(f"checkov {args} wrote no report (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def _parse(name: str, target: Path) -> ScanResult:
    data = json.loads((target / "results_json.json").read_text())
    result = ScanResult(name)
    for block in data if isinstance(data, list) else [data]:
        summary = block.get("summary", {})
        result.passed += summary.get("passed", 0)
        result.failed += summary.get("failed", 0)
        result.skipped += summary.get("skipped", 0)
        result.parsing_errors += summary.get("parsing_errors", 0)
        for check in block.get("results", {}).get("failed_checks", []):
            result.failures.append(
                f"{check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}"
            )
        for check in block.get("results", {}).get("skipped_checks", []):
            reason = (check.get("check_result") or {}).get("suppress_comment", "")
            result.skips.append((check["check_id"], check["resource"], reason))
    return result


def scan(
    out_dir: Path, plan_files: list[Path], *, hcl: bool = True, plan_name: str = "plan"
) -> list[ScanResult]:
    """Scan the HCL of modules/, envs/ and state-backend/ (unless ``hcl`` is false), then the given plan
    JSONs as the scan ``plan_name``; reports land in out_dir/checkov-<name>/."""
    install()
    results = (
        [
            _run(
                "hcl",
                [*(f"-d={tree.name}" for tree in paths.TERRAFORM_SOURCES), "--framework", "terraform"],
                out_dir,
                list(paths.TERRAFORM_SOURCES),
            )
        ]
        if hcl
        else []
    )
    if plan_files:
        files = [str(p) for p in plan_files]
        paths.BUILD.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="checkov-sources-", dir=paths.BUILD) as copy:
            sources = enrichment_root(Path(copy))
            results.append(
                _run(
                    plan_name,
                    ["-f", *files, "--framework", "terraform_plan", "--repo-root-for-plan-enrichment", copy],
                    out_dir,
                    # Enrichment reads the configuration's skip comments: the sources are inputs too.
                    [*plan_files, sources],
                )
            )
    return results


def enrichment_root(into: Path) -> Path:
    """``into`` holding a copy of the Terraform sources (paths.TERRAFORM_SOURCES) at their paths relative
    to the repository, nothing else; envs' links into envs/common stay links, resolved inside the copy."""
    for tree in paths.TERRAFORM_SOURCES:
        shutil.copytree(
            tree,
            into / tree.relative_to(REPO),
            symlinks=True,
            ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "*.tfplan"),
        )
    return into


def main(argv: list[str] | None = None) -> int:
    """Scan the HCL and the plans `make plan` wrote: of the environments named, else of every one."""
    envs = (sys.argv[1:] if argv is None else argv) or list(ENVIRONMENTS)
    plans = [paths.PLANS / f"{env}.json" for env in envs]
    results = scan(paths.REPORTS, plans)
    for r in results:
        print(
            f"checkov {r.name}: {r.passed} passed, {r.failed} failed, {r.skipped} skipped, "
            f"{r.parsing_errors} parsing errors -> build/reports/checkov-{r.name}/"
        )
        for failure in r.failures:
            print(f"  FAILED {failure}")
    return 1 if any(r.failed or r.parsing_errors for r in results) else 0
