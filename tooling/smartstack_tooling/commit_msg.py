"""commit-msg hook: a subject of at most 72 characters that says what changed, then a blank line and the
why in the body, so that `git log --oneline` reads as a story (.pre-commit-config.yaml runs it)."""

from __future__ import annotations

import sys
from pathlib import Path

SUBJECT_MAX = 72
SCISSORS = "# ------------------------ >8 ------------------------"  # git commit --verbose: the diff follows


def problems(message: str) -> list[str]:
    """What is wrong with a commit message (git's comment lines and the scissors part ignored)."""
    lines = []
    for line in message.splitlines():
        if line.startswith(SCISSORS):
            break
        if not line.startswith("#"):
            lines.append(line.rstrip())
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return ["the message is empty"]
    subject, found = lines[0], []
    if len(subject) > SUBJECT_MAX:
        found.append(
            f"the subject has {len(subject)} characters; keep it to {SUBJECT_MAX}"
            " and put the rest in the body"
        )
    if subject.endswith("."):
        found.append("the subject ends with a period; it is a title, not a sentence")
    if len(lines) > 1 and lines[1]:
        found.append("the second line must be blank: the body (the why) starts on the third")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m smartstack_tooling commit-msg <commit message file>", file=sys.stderr)
        return 2
    found = problems(Path(argv[0]).read_text(encoding="utf-8"))
    for problem in found:
        print(f"commit message: {problem}", file=sys.stderr)
    return 1 if found else 0
