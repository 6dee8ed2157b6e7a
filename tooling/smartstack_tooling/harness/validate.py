"""`python -m smartstack_tooling validate`: terraform validate every root offline (pre-commit hook).

Each root (envs/<env>, state-backend/, ci-access/) is staged like an offline plan, so no .terraform
directory or lock file is written beside the code; the stand-in answers the provider schema.
"""

from __future__ import annotations

import sys

from .. import paths
from ..profiles import ENVIRONMENTS
from . import roots

ROOTS = [*(f"envs/{env}" for env in ENVIRONMENTS), paths.STATE_BACKEND.name, paths.CI_ACCESS.name]


def main(argv: list[str]) -> int:
    failed = []
    for relative in argv or ROOTS:
        try:
            root = roots.prepare(paths.REPO / relative, "offline")
            root.init(backend=False)
            root.run(["validate", "-no-color"])
            print(f"{relative}: valid")
        except roots.TerraformFailed as err:
            print(f"{relative}: INVALID\n{err}", file=sys.stderr)
            failed.append(relative)
    return 1 if failed else 0
