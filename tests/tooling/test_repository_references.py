"""Paths the repository cites in its docs and comments exist: a moved or removed file leaves no stale mention.

Markdown is read for `code spans` naming a repository path and for relative links; Python, Terraform, the
Makefile and CI files for any path under a top-level directory. Placeholders (`<env>`, `*`, `{...}`) are
not paths; RUNTIME_PATHS are created by running the tooling, not committed.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import REPO


def tracked(*patterns: str) -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", *patterns], cwd=REPO, capture_output=True, text=True, check=True
    )
    return [name for name in listing.stdout.split() if not (REPO / name).is_symlink()]


TOP_LEVEL = sorted({name.split("/")[0] for name in tracked() if "/" in name and not name.startswith(".")})
RUNTIME_PATHS = {"state-backend/terraform.tfstate.d": "local state of `make state-backend`, git-ignored"}
PLACEHOLDER = re.compile(r"[<*{$…]")
TOP = "|".join(map(re.escape, TOP_LEVEL))
CODE_SPAN = re.compile(rf"`((?:{TOP})/[^`\s]*)`")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
IN_SOURCE = re.compile(rf"(?<![\w./-])((?:{TOP})/[A-Za-z0-9_./-]+)")


def missing(cited: str) -> bool:
    path = re.sub(r":\d+$", "", cited.rstrip(".,;:)"))
    return not (PLACEHOLDER.search(path) or path.rstrip("/") in RUNTIME_PATHS or (REPO / path).exists())


def stale_references(text: str, name: str) -> list[str]:
    if name.endswith(".md"):
        cited = [m.group(1) for m in CODE_SPAN.finditer(text)]
        links = [m.group(1) for m in LINK.finditer(text) if "://" not in m.group(1)]
        base = (REPO / name).parent
        return [c for c in cited if missing(c)] + [f"link {t}" for t in links if not (base / t).exists()]
    found = [m.group(1) for m in IN_SOURCE.finditer(text)]
    # A stem completed in code (docs/architecture-prod.* as "docs" / "architecture-prod.dot") is not stale.
    return [c for c in found if missing(c) and not list(REPO.glob(c.rstrip(".,;:)") + ".*"))]


@pytest.mark.parametrize("name", tracked("*.md", "*.py", "*.tf", "Makefile", "*.yml", "*.yaml", ".ci/run"))
def test_cited_paths_exist(name):
    assert stale_references((REPO / name).read_text(), name) == [], f"{name} cites what is not there"


def test_a_stale_mention_is_found():
    removed_root, merged_test = "/".join(("tests", "modules", "composition")), "/".join(("tests", "gone.py"))
    assert stale_references(f"see `{removed_root}` and [x](gone.md)", "envs/README.md") == [
        removed_root,
        "link gone.md",
    ]
    assert stale_references(f"# planned by {merged_test}", "x.tf") == [merged_test]
    assert stale_references("# envs/<env>/backend.hcl and modules/kms-key/main.tf:12", "x.tf") == []
