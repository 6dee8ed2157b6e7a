"""An environment's settings as the guards read them: its account id, and the placeholders a real apply
must not run with. Below apply.py, so that plan.py (the local emulator's account) needs nothing of apply.

A placeholder is a line of envs/<env>/terraform.tfvars or backend.hcl marked ``# PLACEHOLDER: <what to
put there>``, or any value under a reserved domain (RFC 2606/6761: example.com/.net/.org, .test,
.example, .invalid): Route 53 refuses hosted zones under them, so they can never be applied.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import paths
from . import hcl

MARK = re.compile(r"#\s*PLACEHOLDER:\s*(?P<hint>.+?)\s*$")
RESERVED = re.compile(
    r"(?<![\w-])(?:[\w-]+\.)*(?:example\.(?:com|net|org)|[\w-]+\.(?:test|example|invalid))\b"
)
FILES = ("terraform.tfvars", "backend.hcl")


class Refused(RuntimeError):
    """A guard said no; the message says why and what to do."""


def tfvars_account_id(env: str, repo: Path = paths.REPO) -> str:

    path = repo / "envs" / env / "terraform.tfvars"
    with path.open() as handle:
        value = hcl.load(handle).get("account_id")
    if not isinstance(value, str) or not value.strip('"').isdigit():
        raise Refused(f'{path.relative_to(repo)} has no account_id = "<12 digits>"')
    return value.strip('"')


def find(env: str, repo: Path = paths.REPO) -> list[str]:
    """Every placeholder of ``env``, as "<file>:<line>: <setting>: <what to do>"."""
    return [item for name in FILES for item in in_file(repo / "envs" / env / name, repo)]


def in_file(path: Path, repo: Path = paths.REPO) -> list[str]:
    """Every placeholder of one settings file (none when it does not exist), as find() lists them."""
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        setting = line.split("#", 1)[0].strip()
        if not setting:
            continue
        where = f"{path.relative_to(repo)}:{number}: {setting}"
        marked, reserved = MARK.search(line), RESERVED.search(setting)
        if marked:
            found.append(f"{where}: {marked.group('hint')}")
        elif reserved:
            found.append(f"{where}: {reserved.group(0)} is a reserved domain (Route 53 refuses it)")
    return found


def refusal(env: str, found: list[str], where: str | None = None) -> str:
    """The refusal listing ``found``, the placeholders of envs/<env> (or of ``where``)."""
    listing = "\n".join(f"  - {item}" for item in found)
    return (
        f"PLACEHOLDERS: {where or f'envs/{env}'} still has {len(found)} placeholder setting(s); a real apply "
        f"would create resources for values that are not yours (or that AWS refuses):\n{listing}\n"
        "Replace each with the real value (and drop its # PLACEHOLDER comment), then re-run."
    )
