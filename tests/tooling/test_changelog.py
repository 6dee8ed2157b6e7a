"""CHANGELOG.md keeps its form: Keep a Changelog sections, semantic versions newest first with their
dates, and each release's commit, which must exist in this repository."""

from __future__ import annotations

import subprocess

import pytest
from smartstack_tooling import paths
from smartstack_tooling.operations import changelog

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_the_changelog_is_well_formed_and_each_release_commit_exists():
    entries = changelog.load()
    releases = changelog.releases(entries)
    assert releases, "CHANGELOG.md records no release: cut one (docs/releases.md)"
    for release in releases:
        found = subprocess.run(
            ["git", "cat-file", "-e", f"{release.commit}^{{commit}}"], cwd=paths.REPO, capture_output=True
        )
        assert found.returncode == 0, (
            f"[{release.version}]'s commit {release.commit} is not in this repository"
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Changelog\n", "no '## \\[X.Y.Z\\] - YYYY-MM-DD' release section"),
        (f"## [1.0] - 2026-01-01\n\nCommit: {SHA}\n", "not a semantic version"),
        (f"## [1.0.0]\n\nCommit: {SHA}\n", "needs its release date"),
        ("## [1.0.0] - 2026-01-01\n\nno commit\n", "needs 'Commit: <full 40-character sha>'"),
        (
            f"## [1.0.0] - 2026-01-01\n\nCommit: {SHA}\n\n## [1.1.0] - 2026-02-01\n\nCommit: {SHA}\n",
            "newest first",
        ),
        (
            f"## [1.1.0] - 2026-01-01\n\nCommit: {SHA}\n\n## [1.0.0] - 2026-02-01\n\nCommit: {SHA}\n",
            "newest first",
        ),
        (f"## [1.0.0] - 2026-01-01\n\nCommit: {SHA}\n\n## [Unreleased]\n", "must be the first section"),
    ],
)
def test_a_malformed_changelog_is_refused_naming_the_fix(text, message):
    with pytest.raises(changelog.ChangelogError, match=message):
        changelog.parse(text)


def test_the_current_entry_is_unreleased_when_there_is_one():
    text = f"## [Unreleased]\n\n- `a.b`\n\n## [1.0.0] - 2026-01-01\n\nCommit: {SHA}\n"
    entries = changelog.parse(text)
    assert changelog.current(entries).version == "Unreleased" and changelog.current(entries).names("a.b")
    assert changelog.current(entries[1:]).version == "1.0.0"
    assert changelog.release(entries, "latest") == entries[1]
