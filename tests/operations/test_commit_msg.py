"""The commit-msg hook: short subjects, the why in the body."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from smartstack_tooling import commit_msg

from ..conftest import REPO


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Read the environment profiles from one file\n\nWhy: four copies had drifted.\n", []),
        ("Fix the NAT rule\n", []),
        ("# a comment only\n\n", ["the message is empty"]),
        (
            "x" * 73 + "\n\nbody",
            ["the subject has 73 characters; keep it to 72 and put the rest in the body"],
        ),
        ("Fix the NAT rule.\n", ["the subject ends with a period; it is a title, not a sentence"]),
        (
            "Fix the NAT rule\nbecause staging\n",
            ["the second line must be blank: the body (the why) starts on the third"],
        ),
        (
            f"Fix it\n\n# Please enter the commit message\n{commit_msg.SCISSORS}\n" + "y" * 200,
            [],
        ),
    ],
)
def test_commit_messages(message, expected):
    assert commit_msg.problems(message) == expected


def test_the_hook_rejects_a_long_subject_with_a_reason(tmp_path):
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("A" * 80 + "\n")
    run = subprocess.run([sys.executable, "-m", "smartstack_tooling", "commit-msg", str(message)],
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 1 and "80 characters" in run.stderr


def test_pre_commit_installs_the_commit_msg_hook():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert "commit-msg" in config["default_install_hook_types"]
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["commit-msg"]["stages"] == ["commit-msg"]
    assert hooks["commit-msg"]["entry"].endswith("-m smartstack_tooling commit-msg")
