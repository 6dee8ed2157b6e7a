"""`make state-backend ENV=<env>`: create the environment's S3 state bucket with the `state-backend/` root.

Same guards as `make apply`: the caller's account must be the environment's (checked before planning),
prod needs CONFIRM=prod or the typed name, offline stops before apply. The bucket name comes from the
environment (``smartstack-<env>-tfstate-<account_id>``) and must equal envs/<env>/backend.hcl's bucket;
this is checked before planning too. The state-backend root keeps local state, one workspace per environment.
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

ROOT = paths.STATE_BACKEND
FORMER_ROOT = "bootstrap"  # this root's directory until "bootstrap" came to mean only the venv


def former_state(repo: Path = paths.REPO) -> Path | None:
    """Local state left in the root's former directory, which `terraform` would no longer see."""
    former = repo / FORMER_ROOT / "terraform.tfstate.d"
    return former if former.is_dir() and any(former.rglob("*.tfstate")) else None


def backend_bucket(env: str, repo: Path = paths.REPO) -> str:
    text = (repo / "envs" / env / "backend.hcl").read_text()
    found = re.search(r'^\s*bucket\s*=\s*"([^"]+)"', text, re.M)
    if not found:
        raise guarded.Refused(f'envs/{env}/backend.hcl has no bucket = "..."')
    return found.group(1)


def state_backend_vars(env: str, repo: Path = paths.REPO) -> dict[str, str]:
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
    repo: Path = paths.REPO,
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
    if (former := former_state(repo)) is not None:
        out(
            f"{former} holds this root's state from before it moved to state-backend/: move it first "
            f"(mv {former.relative_to(repo)} {ROOT.name}/terraform.tfstate.d), or the bucket would be "
            "planned as new."
        )
        return guarded.EXIT_REFUSED
    try:
        if mode == "real" and (found := find_placeholders(env)):
            raise guarded.Refused(placeholders.refusal(env, found))
        tf_vars = state_backend_vars(env)
        account = guarded.check_account(env, caller or guarded.caller_for(mode, env, environ))
        root = roots.prepare(ROOT, mode, label=f"state-backend-{env}", environ=environ)
        workdir, tf_env = root.workdir, dict(root.env)
        var_args = [f"-var={k}={v}" for k, v in tf_vars.items()]
        plan_file = guarded.APPLY_DIR / f"state-backend-{env}.tfplan"
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        terraform(["init", "-input=false", "-no-color"], workdir, tf_env, True)
        terraform(["workspace", "select", "-or-create", env], workdir, tf_env, True)
        terraform(
            ["plan", "-input=false", "-no-color", *var_args, f"-out={plan_file}"], workdir, tf_env, False
        )
        out(f"== state backend {env}: state bucket {backend_bucket(env)} in account {account}")
        if mode == "offline":
            out(
                guarded.OFFLINE_STOP.format(
                    plan_file=plan_file.relative_to(paths.REPO), account=account, env=env
                ).replace("make apply", "make state-backend")
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
    out(f"== state backend {env}: applied. Next: make apply ENV={env}")
    return guarded.EXIT_APPLIED


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: python -m smartstack_tooling state-backend <env>   (ENV=<env>)",
            file=sys.stderr,
        )
        return guarded.EXIT_REFUSED
    return run(argv[0])
