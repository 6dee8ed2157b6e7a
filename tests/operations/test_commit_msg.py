"""Commit messages, checked by gitlint (.gitlint) in the commit-msg hook: short subjects, the why in the
body. Each rule the project relies on has a message that must break it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import REPO

GITLINT = Path(sys.executable).parent / "gitlint"
WHY = "Why: four copies of the profile had drifted apart."
SCISSORS = "# ------------------------ >8 ------------------------"  # git commit --verbose: the diff follows


def violations(message: str, tmp_path: Path) -> list[str]:
    """The gitlint rule ids a message breaks (git's comment lines and the scissors part ignored)."""
    path = tmp_path / "COMMIT_EDITMSG"
    path.write_text(message)
    run = subprocess.run(
        [str(GITLINT), "--config", str(REPO / ".gitlint"), "--msg-filename", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = [line.split(" ", 2)[1] for line in run.stderr.splitlines() if ": " in line]
    assert (run.returncode == 0) == (not found), run.stderr
    return found


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (f"Read the environment profiles from one file\n\n{WHY}\n", []),
        (f"Fix it\n\n{WHY}\n# Please enter the commit message\n{SCISSORS}\n" + "y" * 200, []),
        ("x" * 73 + f"\n\n{WHY}\n", ["T1"]),
        (f"Fix the NAT rule.\n\n{WHY}\n", ["T3"]),
        (f"Fix the NAT rule\n{WHY}\n", ["B4", "B6"]),  # the second line is no body
        ("Fix the NAT rule\n", ["B6"]),
        ("Fix the NAT rule\n\nbecause\n", ["B5"]),
    ],
    ids=["good", "verbose", "long-subject", "subject-period", "no-blank-line", "no-why", "short-why"],
)
def test_commit_messages(message: str, expected: list[str], tmp_path: Path) -> None:
    assert violations(message, tmp_path) == expected


def test_pre_commit_installs_the_commit_msg_hook() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert "commit-msg" in config["default_install_hook_types"]
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["commit-msg"]["stages"] == ["commit-msg"]
    assert hooks["commit-msg"]["entry"] == ".venv/bin/gitlint --config .gitlint --msg-filename"
