"""`make drift ENV=<env>`: does the environment still match its configuration?

The scheduled drift workflow (.github/workflows/drift.yml) runs it daily per environment with the read-only
plan role. It runs make apply's guards that come before a plan (placeholders, the account guard), then
``terraform plan -detailed-exitcode -lock=false`` against the real state, and exits as that flag does:

- 0: no changes, the environment matches main;
- 2: drift (changes made outside Terraform, or main not yet applied); build/drift/<env>.md says what;
- 1: an error (credentials, a provider failure, ...): reported as an error, never as drift;
- 3: refused by a guard before planning (the guard says which and what to do).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping

from .. import paths
from ..harness import roots
from ..harness.placeholders import Refused
from ..reports import plan as planning
from ..reports.pr_comment import changes, counts
from . import apply

DRIFT_DIR = paths.BUILD / "drift"
EXIT_CLEAN, EXIT_ERROR, EXIT_DRIFT, EXIT_REFUSED = 0, 1, 2, 3
DETAILED_EXIT_CHANGES = 2  # terraform plan -detailed-exitcode: succeeded, with changes


def report(env: str, plan: Mapping[str, object]) -> str:
    """The drift issue's body: what differs, one line per resource."""
    found = changes(plan)
    listing = "\n".join(f"{symbol} {address}" for symbol, address, _ in found[:200])
    more = f"\n... and {len(found) - 200} more" if len(found) > 200 else ""
    return (
        f"<!-- smartstack-drift:{env} -->\n"
        f"`terraform plan` of **{env}** against its state differs from the configuration on main: "
        f"{counts(found)}.\n\n"
        "Either someone changed the environment outside Terraform (revert it, or bring the change into "
        "the configuration), or main has changes not applied yet (run the deploy workflow).\n\n"
        f"```diff\n{listing}{more}\n```\n"
    )


def detect(env: str, hooks: apply.Hooks, out: Callable[[str], None]) -> int:
    mode = roots.provider_mode(hooks.environ)
    root = apply.checked_root(env, mode, hooks)
    DRIFT_DIR.mkdir(parents=True, exist_ok=True)
    plan_file = DRIFT_DIR / f"{env}.tfplan"
    args = ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", f"-out={plan_file}"]
    try:
        hooks.terraform(args, root.workdir, dict(root.env), False)
    except planning.TerraformFailed as err:
        if err.code != DETAILED_EXIT_CHANGES:
            raise
        shown = hooks.terraform(["show", "-json", str(plan_file)], root.workdir, dict(root.env), True)
        summary = DRIFT_DIR / f"{env}.md"
        summary.write_text(report(env, json.loads(shown)))
        out(f"== {env}: DRIFT: {counts(changes(json.loads(shown)))} (what: {summary})")
        return EXIT_DRIFT
    (DRIFT_DIR / f"{env}.md").unlink(missing_ok=True)
    out(f"== {env}: no drift: the environment matches its configuration")
    return EXIT_CLEAN


def run(
    env: str,
    *,
    environ: Mapping[str, str] | None = None,
    terraform: apply.Terraform | None = None,
    out: Callable[[str], None] = print,
    **hook_options: object,
) -> int:
    if env not in planning.ENVIRONMENTS:
        out(f"unknown environment {env!r}; choose from {', '.join(planning.ENVIRONMENTS)} (ENV=<env>)")
        return EXIT_REFUSED
    environ = os.environ if environ is None else environ
    hooks = apply.Hooks(environ, terraform or planning.run_terraform, out, **hook_options)  # type: ignore[arg-type]
    try:
        return detect(env, hooks, out)
    except (Refused, roots.ModeUnavailable) as err:
        out(str(err))
        return EXIT_REFUSED
    except planning.TerraformFailed as err:
        out(f"ERROR, not drift: {err}")
        return EXIT_ERROR


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m smartstack_tooling drift <env>   (make drift ENV=<env>)", file=sys.stderr)
        return EXIT_REFUSED
    return run(argv[0])
