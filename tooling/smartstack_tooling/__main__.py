"""SmartStack tooling entry point: `python -m smartstack_tooling <command>`."""

from __future__ import annotations

import sys


def main() -> int:
    commands = {
        "setup": "build the offline provider schema cache and filesystem mirror",
        "plan": "plan environments (all, or those named) and summarise",
        "which-terraform": "print the Terraform CLI that will be used",
        "docs": "regenerate module README input/output tables (--check: fail if stale)",
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: python -m smartstack_tooling <command> [args]\n")
        for name, text in commands.items():
            print(f"  {name:16s} {text}")
        return 2
    command, args = sys.argv[1], sys.argv[2:]
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
    from .toolchain import terraform_cli

    cli = terraform_cli()
    print(f"{cli.path}\t{cli.version}\t{cli.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
