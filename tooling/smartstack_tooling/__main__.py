"""SmartStack tooling entry point: `python -m smartstack_tooling <command>`."""

from __future__ import annotations

import sys


def main() -> int:
    commands = {
        "setup": "build the offline provider schema cache and filesystem mirror",
        "plan": "plan environments (all, or those named) and summarise",
        "which-terraform": "print the Terraform CLI that will be used",
        "docs": "regenerate module README input/output tables (--check: fail if stale)",
        "apply": "guarded plan + apply of one environment (make apply ENV=<env>)",
        "state-backend": "create one environment's S3 state bucket (make state-backend ENV=<env>)",
        "ci-access": "create one environment's GitHub OIDC provider and CI roles (make ci-access ENV=<env>)",
        "diagrams": "draw build/plans/<env>.json into build/diagrams/<env>.{dot,png,svg}",
        "cost": "monthly cost estimate of build/plans/<env>.json (writes build/reports/cost.md)",
        "validate": "terraform validate every root offline, staged (the pre-commit hook)",
        "local": "up|down <env>: apply to / destroy from a local emulator with the real provider",
        "migrate": "run <env>'s pending schema migrations through its migrate function",
        "release": "shift <env>'s function aliases to the published versions through CodeDeploy",
        "publish-web": "upload web/ (or --site DIR) to <env>'s web bucket, invalidate what changed",
        "pr-comment": "the pull request comment of build/plans/<env>.json (--base: the base branch's plan)",
        "drift": "plan <env> against its state: 0 clean, 2 drift (summary written), 1 error",
    }
    operations = {  # command -> module with main(argv) (operations tooling)
        "apply": "apply",
        "state-backend": "state_backend",
        "ci-access": "ci_access",
        "diagrams": "diagram",
        "cost": "cost",
        "validate": "validate",
        "local": "local_env",
        "migrate": "migrate",
        "release": "release",
        "publish-web": "publish_web",
        "pr-comment": "pr_comment",
        "drift": "drift",
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: python -m smartstack_tooling <command> [args]\n")
        for name, text in commands.items():
            print(f"  {name:16s} {text}")
        return 2
    command, args = sys.argv[1], sys.argv[2:]
    # Each command imports only its own module: `which-terraform` (make fmt, lint) stays fast.
    if command == "setup":
        from .toolchain import install_standin

        print(f"offline CLI config: {install_standin()}")
        return 0
    if command == "plan":
        from .plan import main as plan_main

        return plan_main(args)
    if command == "docs":
        from .docs import main as docs_main

        return docs_main(args)
    if command in operations:
        import importlib

        return importlib.import_module(f".{operations[command]}", __package__).main(args)
    from .toolchain import terraform_cli

    cli = terraform_cli()
    print(f"{cli.path}\t{cli.version}\t{cli.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
