"""CHANGELOG.md: the releases (Keep a Changelog 1.1.0, Semantic Versioning 2.0.0) and the commit of each.

A release is a ``## [X.Y.Z] - YYYY-MM-DD`` section whose first line is ``Commit: <40-hex sha>``; an
``## [Unreleased]`` section on top holds what the next release will say. The upgrade check reads the
entry of the code it checks (Unreleased when there is one, else the newest release): a stateful
address named there in backticks is a destroy or replace the release owns up to.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from .. import paths

CHANGELOG = paths.REPO / "CHANGELOG.md"
UNRELEASED = "Unreleased"
_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?\s*$", re.MULTILINE)
_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMMIT = re.compile(r"^Commit: `?(?P<sha>[0-9a-f]{40})`?\s*$", re.MULTILINE)
_NAMED = re.compile(r"`([^`\s]+)`")


class ChangelogError(ValueError):
    """CHANGELOG.md is not in the form the release tooling reads; the message says what to fix."""


@dataclass(frozen=True)
class Entry:
    version: str  # "1.0.0", or "Unreleased"
    date: str | None
    commit: str | None  # the release's full commit sha; None for Unreleased
    text: str  # the section's body

    def names(self, address: str) -> bool:
        """Whether the entry names ``address`` in backticks (an owned destroy or replace)."""
        return address in _NAMED.findall(self.text)

    def version_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))


def parse(text: str) -> list[Entry]:
    """The sections of a changelog, top first; ChangelogError names the first malformed one."""
    headings = list(_HEADING.finditer(text))
    if not headings:
        raise ChangelogError("CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' release section")
    entries = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        entries.append(_entry(heading, text[heading.end() : end].strip()))
    _check_order(entries)
    return entries


def _entry(heading: re.Match[str], body: str) -> Entry:
    version, date = heading["version"], heading["date"]
    if version == UNRELEASED:
        return Entry(version, None, None, body)
    if not _VERSION.match(version):
        raise ChangelogError(f"[{version}] is not a semantic version X.Y.Z (e.g. [1.2.0])")
    if date is None or not _DATE.match(date):
        raise ChangelogError(f"[{version}] needs its release date: '## [{version}] - YYYY-MM-DD'")
    commit = _COMMIT.search(body)
    if commit is None:
        raise ChangelogError(f"[{version}] needs 'Commit: <full 40-character sha>' (git rev-parse <ref>)")
    return Entry(version, date, commit["sha"], body)


def _check_order(entries: list[Entry]) -> None:
    if any(e.version == UNRELEASED for e in entries[1:]):
        raise ChangelogError("[Unreleased] must be the first section")
    releases = [e for e in entries if e.version != UNRELEASED]
    for newer, older in itertools.pairwise(releases):
        if newer.version_key() <= older.version_key() or (newer.date or "") < (older.date or ""):
            raise ChangelogError(
                f"[{newer.version}] is above [{older.version}]: list releases newest first, versions "
                "and dates descending"
            )


def load(path: Path = CHANGELOG) -> list[Entry]:
    if not path.exists():
        raise ChangelogError(f"{path} is missing: releases are recorded there (docs/releases.md)")
    return parse(path.read_text())


def releases(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.version != UNRELEASED]


def release(entries: list[Entry], version: str) -> Entry | None:
    """The release ``version`` (``latest``: the newest), if recorded."""
    recorded = releases(entries)
    if version == "latest":
        return recorded[0] if recorded else None
    return next((e for e in recorded if e.version == version.removeprefix("v")), None)


def current(entries: list[Entry]) -> Entry:
    """The entry of the code in this checkout: Unreleased when there is one, else the newest release."""
    return entries[0]
