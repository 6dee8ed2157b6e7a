"""SmartStack tooling's one entry point: `python -m smartstack_tooling <command> [args]`.

Every command is a module's ``main(argv) -> exit code`` (or the function its entry names), imported
only when its command runs, so the quick ones (`which-terraform` for make fmt and lint) stay quick. The
Makefile, the workflows and the pre-commit hooks all come through here.
"""

from __future__ import annotations

import importlib
import sys
from typing import NamedTuple


class Command(NamedTuple):
    module: str  # relative to this package
    purpose: str
    function: str = "main"  # the module's function(argv) -> exit code that runs the command


COMMANDS: dict[str, Command] = {
    # Building and planning
    "setup": Command(
        "harness.toolchain", "build the offline provider schema cache and filesystem mirror", "setup_main"
    ),
    "which-terraform": Command(
        "harness.toolchain", "print the Terraform CLI that will be used", "which_main"
    ),
    "package": Command(
        "operations.package_functions", "build the Lambda zips into build/functions/<architecture>/"
    ),
    "rds-ca-bundle": Command(
        "operations.rds_ca_bundle", "regenerate functions/certs/rds-ca-bundle.pem (needs npm)"
    ),
    "plan": Command("reports.plan", "plan environments (all, or those named) and summarise"),
    "validate": Command(
        "harness.validate", "terraform validate every root offline, staged (the pre-commit hook)"
    ),
    # Policy and scanners
    "check": Command("policy.report", "policy rules over build/plans/<env>.json -> build/reports/"),
    "checkov": Command("policy.checkov", "checkov over the sources and the plans of the environments named"),
    "trivy": Command("policy.trivy", "trivy over the sources and the plans of the environments named"),
    # Operations
    "apply": Command("operations.apply", "guarded plan + apply of one environment (make apply ENV=<env>)"),
    "state-backend": Command("operations.state_backend", "create one environment's S3 state bucket"),
    "ci-access": Command(
        "operations.ci_access", "create one environment's GitHub OIDC provider and CI roles"
    ),
    "local": Command("operations.local_env", "up|down <env>: apply to / destroy from a local emulator"),
    "migrate": Command(
        "operations.migrate", "run <env>'s pending schema migrations through its migrate function"
    ),
    "release": Command(
        "operations.release", "shift <env>'s function aliases to the published versions (CodeDeploy)"
    ),
    "publish-web": Command("operations.publish_web", "upload web/ (or --site DIR) to <env>'s web bucket"),
    "drift": Command("operations.drift", "plan <env> against its state: 0 clean, 2 drift, 1 error"),
    "upgrade-check": Command(
        "operations.upgrade_check", "apply release <version|latest|commit>, plan this code on it"
    ),
    # Reports
    "docs": Command(
        "reports.docs", "regenerate module README tables and docs/ pages (--check: fail if stale)"
    ),
    "diagrams": Command(
        "reports.diagram", "draw build/plans/<env>.json into build/diagrams/<env>.{dot,png,svg}"
    ),
    "cost": Command(
        "reports.cost", "monthly cost estimate of build/plans/<env>.json (build/reports/cost.md)"
    ),
    "pr-comment": Command("reports.pr_comment", "the pull request comment of build/plans/<env>.json"),
    "plan-diff": Command(
        "reports.plan_diff", "compare two directories of plan JSONs (refactors keep values)"
    ),
}


def usage() -> str:
    lines = ["usage: python -m smartstack_tooling <command> [args]", ""]
    lines += [f"  {name:16s} {command.purpose}" for name, command in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(usage())
        return 2
    command = COMMANDS[argv[0]]
    module = importlib.import_module(f".{command.module}", __package__)
    return getattr(module, command.function)(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
