"""`make bootstrap ENV=<env>`: create the environment's S3 state bucket with the `bootstrap/` root.

Same guards as `make apply`: the caller's account must be the environment's (checked before planning),
prod needs CONFIRM=prod or the typed name, offline stops before apply. The bucket name comes from the
environment (``smartstack-<env>-tfstate-<account_id>``) and must equal envs/<env>/backend.hcl's bucket;
this is checked before planning too. The bootstrap root keeps local state, one workspace per environment.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from . import apply as guarded
from . import paths, placeholders, roots
from . import plan as planning

ROOT = paths.REPO / "bootstrap"


def backend_bucket(env: str, repo: Path = paths.REPO) -> str:
    text = (repo / "envs" / env / "backend.hcl").read_text()
    found = re.search(r'^\s*bucket\s*=\s*"([^"]+)"', text, re.M)
    if not found:
        raise guarded.Refused(f'envs/{env}/backend.hcl has no bucket = "..."')
    return found.group(1)


def bootstrap_vars(env: str, repo: Path = paths.REPO) -> dict[str, str]:
    account = guarded.tfvars_account_id(env, repo)
    expected = f"smartstack-{env}-tfstate-{account}"
    if backend_bucket(env, repo) != expected:
        raise guarded.Refused(
            f"envs/{env}/backend.hcl's bucket {backend_bucket(env, repo)!r} is not {expected!r} "
            f"(smartstack-<env>-tfstate-<account_id from terraform.tfvars>); fix one of them."
        )
    return {"environment": env, "account_id": account}


def run(
    env: str,
    *,
    environ: Mapping[str, str] | None = None,
    caller: guarded.CallerIdentity | None = None,
    terraform: guarded.Terraform | None = None,
    ask: Callable[[str], str] | None = input,
    interactive: bool | None = None,
    out: Callable[[str], None] = print,
    find_placeholders: Callable[[str], list[str]] = placeholders.find,
) -> int:
    environ = os.environ if environ is None else environ
    if env not in planning.ENVIRONMENTS:
        out(f"unknown environment {env!r}; choose from {', '.join(planning.ENVIRONMENTS)} (ENV=<env>)")
        return guarded.EXIT_REFUSED
    try:
        mode = roots.provider_mode(environ)
    except roots.ModeUnavailable as err:
        out(str(err))
        return guarded.EXIT_REFUSED
    terraform = terraform or planning.run_terraform
    interactive = sys.stdin.isatty() if interactive is None else interactive
    try:
        if mode == "real" and (found := find_placeholders(env)):
            raise guarded.Refused(placeholders.refusal(env, found))
        tf_vars = bootstrap_vars(env)
        account = guarded.check_account(env, caller or guarded.caller_for(mode, env, environ))
        root = roots.prepare(ROOT, mode, label=f"bootstrap-{env}", environ=environ)
        workdir, tf_env = root.workdir, dict(root.env)
        var_args = [f"-var={k}={v}" for k, v in tf_vars.items()]
        plan_file = guarded.APPLY_DIR / f"bootstrap-{env}.tfplan"
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        terraform(["init", "-input=false", "-no-color"], workdir, tf_env, True)
        terraform(["workspace", "select", "-or-create", env], workdir, tf_env, True)
        terraform(
            ["plan", "-input=false", "-no-color", *var_args, f"-out={plan_file}"], workdir, tf_env, False
        )
        out(f"== bootstrap {env}: state bucket {backend_bucket(env)} in account {account}")
        if mode == "offline":
            out(
                guarded.OFFLINE_STOP.format(
                    plan_file=plan_file.relative_to(paths.REPO), account=account, env=env
                ).replace("make apply", "make bootstrap-backend")
            )
            return guarded.EXIT_OFFLINE
        guarded.confirm(env, environ, ask, interactive)
        terraform(["apply", "-input=false", "-no-color", str(plan_file)], workdir, tf_env, False)
    except (guarded.Refused, roots.ModeUnavailable) as err:
        out(str(err))
        return guarded.EXIT_REFUSED
    except planning.TerraformFailed as err:
        out(str(err))
        return guarded.EXIT_TERRAFORM
    out(f"== bootstrap {env}: applied. Next: make apply ENV={env}")
    return guarded.EXIT_APPLIED


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: python -m smartstack_tooling bootstrap-backend <env>   (ENV=<env>)",
            file=sys.stderr,
        )
        return guarded.EXIT_REFUSED
    return run(argv[0])
