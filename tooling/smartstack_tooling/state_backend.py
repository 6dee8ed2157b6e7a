"""`make state-backend ENV=<env>`: create the environment's S3 state bucket with the `state-backend/` root.

Same guards as `make apply` (account_roots.py, shared with `make ci-access`): the caller's account must be
the environment's (checked before planning), prod needs CONFIRM=prod or the typed name, offline stops
before apply. The bucket name comes from the
environment (``smartstack-<env>-tfstate-<account_id>``) and must equal envs/<env>/backend.hcl's bucket;
this is checked before planning too. The state-backend root keeps local state, one workspace per environment.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from . import account_roots, paths, placeholders
from . import apply as guarded

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


def _planned(env: str, tf_vars: dict[str, str], account: str) -> str:
    return f"state bucket {backend_bucket(env)} in account {account}"


SPEC = account_roots.AccountRoot(
    root=ROOT,
    title="state backend",
    tf_vars=state_backend_vars,
    # Local state, one workspace per environment (the bucket every other root's backend needs is made here).
    setup=lambda env, mode: (
        ["init", "-input=false", "-no-color"],
        ["workspace", "select", "-or-create", env],
    ),
    planned=_planned,
    applied=lambda env, outputs: f"Next: make ci-access ENV={env} (CI's roles), then make apply ENV={env}",
)


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
    """`make state-backend ENV=<env>` (account_roots.run), refused while state sits in the former root."""
    if (former := former_state(repo)) is not None:
        out(
            f"{former} holds this root's state from before it moved to state-backend/: move it first "
            f"(mv {former.relative_to(repo)} {ROOT.name}/terraform.tfstate.d), or the bucket would be "
            "planned as new."
        )
        return guarded.EXIT_REFUSED
    return account_roots.run(
        SPEC,
        env,
        environ=environ,
        caller=caller,
        terraform=terraform,
        ask=ask,
        interactive=interactive,
        out=out,
        find_placeholders=find_placeholders,
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: python -m smartstack_tooling state-backend <env>   (ENV=<env>)",
            file=sys.stderr,
        )
        return guarded.EXIT_REFUSED
    return run(argv[0])
