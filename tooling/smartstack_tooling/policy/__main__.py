"""`python -m smartstack_tooling.policy check [env...]`: policy reports from build/plans/<env>.json."""

from __future__ import annotations

import sys

from .. import paths
from .engine import ENVIRONMENTS
from .report import check


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "check":
        print(__doc__)
        return 2
    envs = argv[1:] or list(ENVIRONMENTS)
    return check(paths.PLANS, paths.REPORTS, envs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
