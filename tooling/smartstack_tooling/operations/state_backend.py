"""`make state-backend ENV=<env>`: create the environment's S3 state bucket with the `state-backend/` root.

Same guards as `make apply` (account_roots.py, shared with `make ci-access`): the caller's account must be
the environment's (checked before planning), prod needs CONFIRM=prod or the typed name, offline stops
before apply. The bucket name comes from the
environment (``smartstack-<env>-tfstate-<account_id>``) and must equal envs/<env>/backend.hcl's bucket;
this is checked before planning too.

Its own state ends in the bucket it creates (key ``smartstack/state-backend/terraform.tfstate``), so no
state lives only on a laptop. Real mode, each run:

- the bucket does not exist yet (a new account): the root runs with local state (a generated override,
  one workspace per environment), then, once applied, that state is pushed into the new bucket;
- the bucket exists and local state of the environment is still here (made before this move, or a bootstrap
  cut short): it is pushed first, checked (lineage and serial read back), and the local file is renamed
  ``terraform.tfstate.migrated``, a backup that nothing reads;
- otherwise the root runs on the bucket's state, like every other root.

Offline and local modes keep staged, throwaway local state.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from .. import paths
from ..harness import placeholders, roots, toolchain
from ..reports import plan as planning
from . import account_roots
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


STATE_KEY = "smartstack/state-backend/terraform.tfstate"  # versions.tf's backend key, in each env's bucket
BOOTSTRAP_OVERRIDE = "zz_bootstrap_backend_override.tf"  # local state until the bucket exists
BOOTSTRAP_BACKEND = (
    "# Written by smartstack_tooling while the state bucket does not exist yet; removed after the run.\n"
    'terraform {\n  backend "local" {}\n}\n'
)
INIT = ["init", "-input=false", "-no-color", "-reconfigure"]


def local_setup(env: str, mode: str) -> list[list[str]]:
    """Local state, one workspace per environment: offline and local modes, and a real bootstrap."""
    return [INIT, ["workspace", "select", "-or-create", env]]


def bucket_setup(env: str, mode: str, root: Path = ROOT, repo: Path = paths.REPO) -> list[list[str]]:
    """The environment's bucket holds this root's state (the default workspace: one state per bucket)."""
    (root / ".terraform" / "environment").unlink(missing_ok=True)  # a workspace a bootstrap selected
    return [[*INIT, f"-backend-config={repo / 'envs' / env / 'backend.hcl'}"]]


SPEC = account_roots.AccountRoot(
    root=ROOT,
    title="state backend",
    tf_vars=state_backend_vars,
    setup=local_setup,
    planned=_planned,
    applied=lambda env, outputs: f"Next: make ci-access ENV={env} (CI's roles), then make apply ENV={env}",
)


def local_state(env: str, root: Path = ROOT) -> Path:
    return root / "terraform.tfstate.d" / env / "terraform.tfstate"


def s3_bucket_exists(bucket: str) -> bool:
    """Whether ``bucket`` exists for the caller's account (HeadBucket); another owner's is refused."""
    import boto3
    from botocore.exceptions import ClientError

    try:
        boto3.client("s3").head_bucket(Bucket=bucket)
    except ClientError as err:
        code = str(err.response.get("Error", {}).get("Code"))
        if code in ("404", "NoSuchBucket", "NotFound"):
            return False
        raise guarded.Refused(
            f"the state bucket {bucket} exists but these credentials cannot read it ({code}): another "
            "account owns the name, or the caller lacks s3:ListBucket. Fix envs/<env>/backend.hcl or the "
            "credentials."
        ) from err
    return True


def migrate(
    env: str,
    terraform: guarded.Terraform,
    out: Callable[[str], None],
    root: Path = ROOT,
    repo: Path = paths.REPO,
) -> None:
    """Push ``env``'s local state into its bucket, read it back, and keep the local file only as a backup."""
    state = local_state(env, root)
    tf_env = toolchain.terraform_env()
    for command in bucket_setup(env, "real", root, repo):
        terraform(command, root, tf_env, True)
    terraform(["state", "push", str(state)], root, tf_env, True)  # Terraform refuses another lineage
    pushed, pulled = (
        json.loads(state.read_text()),
        json.loads(terraform(["state", "pull"], root, tf_env, True)),
    )
    if (pulled.get("lineage"), pulled.get("serial")) != (pushed.get("lineage"), pushed.get("serial")):
        raise guarded.Refused(
            f"STATE MIGRATION: the state read back from {backend_bucket(env, repo)} is not the one pushed; "
            f"the local state {state} is kept. Compare them (terraform state pull) before running again."
        )
    backup = state.with_name("terraform.tfstate.migrated")
    state.rename(backup)
    out(
        f"== state backend {env}: its state is in s3://{backend_bucket(env, repo)}/{STATE_KEY} now; "
        f"the local file is kept as {backup} (nothing reads it)"
    )


def _real_run(
    env: str, run_root: Callable[[account_roots.AccountRoot], int], bucket_exists: Callable[[str], bool],
    terraform: guarded.Terraform, out: Callable[[str], None], root: Path,
) -> int:  # fmt: skip
    """The real-mode sequence of the module docstring; the bucket is probed after the guards passed."""
    override = root / BOOTSTRAP_OVERRIDE
    bootstrapped: list[bool] = []

    def setup(env: str, mode: str) -> list[list[str]]:
        if not bucket_exists(backend_bucket(env)):
            override.write_text(BOOTSTRAP_BACKEND)
            bootstrapped.append(True)
            return local_setup(env, mode)
        if local_state(env, root).exists():
            migrate(env, terraform, out, root)
        return bucket_setup(env, mode, root)

    try:
        code = run_root(replace(SPEC, root=root, setup=setup))
        override.unlink(missing_ok=True)
        if code == guarded.EXIT_APPLIED and bootstrapped:
            migrate(env, terraform, out, root)
        return code
    except guarded.Refused as err:
        out(str(err))
        return guarded.EXIT_REFUSED
    except planning.TerraformFailed as err:
        out(str(err))
        return guarded.EXIT_TERRAFORM
    finally:
        override.unlink(missing_ok=True)


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
    bucket_exists: Callable[[str], bool] = s3_bucket_exists,
    root: Path = ROOT,
) -> int:
    """`make state-backend ENV=<env>` (account_roots.run), refused while state sits in the former root."""
    if (former := former_state(repo)) is not None:
        out(
            f"{former} holds this root's state from before it moved to state-backend/: move it first "
            f"(mv {former.relative_to(repo)} {ROOT.name}/terraform.tfstate.d), or the bucket would be "
            "planned as new."
        )
        return guarded.EXIT_REFUSED

    def run_root(spec: account_roots.AccountRoot) -> int:
        return account_roots.run(
            spec,
            env,
            environ=environ,
            caller=caller,
            terraform=terraform,
            ask=ask,
            interactive=interactive,
            out=out,
            find_placeholders=find_placeholders,
        )

    try:
        real = roots.provider_mode(os.environ if environ is None else environ) == "real"
    except roots.ModeUnavailable:
        real = False  # the guarded run says why
    if not real or env not in planning.ENVIRONMENTS:
        return run_root(SPEC)
    return _real_run(env, run_root, bucket_exists, terraform or planning.run_terraform, out, root)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: python -m smartstack_tooling state-backend <env>   (ENV=<env>)",
            file=sys.stderr,
        )
        return guarded.EXIT_REFUSED
    return run(argv[0])
