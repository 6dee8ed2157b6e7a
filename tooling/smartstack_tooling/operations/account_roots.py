"""The roots a person applies once per environment account, before CI can run there: `state-backend/` (the
state bucket, `make state-backend ENV=<env>`) and `ci-access/` (the roles CI assumes, `make ci-access
ENV=<env>`). Both run through :func:`run`, with `make apply`'s guards:

0. real mode: no placeholder left in envs/<env> (placeholders.py), nor in the root's own tfvars;
1. the root's variables, from envs/<env> (the root may refuse them, e.g. a backend.hcl bucket of another
   name), then the account guard, BEFORE any Terraform: the caller's account must be envs/<env>'s;
2. init and plan into build/apply/<root>-<env>.tfplan; the root may judge the plan (ci-access's policy
   rules) and refuse it;
3. offline (the default provider mode): stop, exit 3;
4. prod: CONFIRM=prod or the name typed;
5. apply exactly that plan, then print what to do next.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..harness import placeholders, roots
from ..reports import plan as planning
from . import apply as guarded

# (env, the root's outputs, read after the apply) -> the lines that say what to do next.
Applied = Callable[[str, Callable[[], Mapping[str, Any]]], str]


@dataclass(frozen=True)
class AccountRoot:
    """What sets one per-account root apart; the guarded run is the same for all."""

    root: Path
    title: str  # "state backend": how the run's lines name it
    tf_vars: Callable[[str], dict[str, str]]  # env -> -var values (raises Refused when envs/<env> disagrees)
    # (env, mode) -> the Terraform commands before the plan (init, workspace selection)
    setup: Callable[[str, str], Sequence[list[str]]]
    planned: Callable[[str, dict[str, str], str], str]  # (env, tf_vars, account) -> the line after the plan
    applied: Applied
    extra_args: Callable[[str], list[str]] = lambda env: []  # env -> more plan arguments (-var-file=...)
    own_placeholders: Callable[[], list[str]] = lambda: []  # placeholders in the root's own files
    # (env, plan JSON) -> the verdict line, or raises Refused when the plan must not be applied
    judge: Callable[[str, dict[str, Any]], str] | None = None

    @property
    def name(self) -> str:
        """The root's directory, the make target and the stem of its plan files."""
        return self.root.name


def _json(terraform: guarded.Terraform, args: list[str], workdir: Path, tf_env: dict[str, str]) -> Any:
    return json.loads(terraform(args, workdir, tf_env, True))


def _refuse_placeholders(spec: AccountRoot, env: str, find: Callable[[str], list[str]]) -> None:
    own = spec.own_placeholders()
    if found := [*find(env), *own]:
        where = f"envs/{env} and {spec.name}/" if own else None
        raise guarded.Refused(placeholders.refusal(env, found, where=where))


def run(
    spec: AccountRoot,
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
    """`make <root> ENV=<env>`: the guarded plan and apply of ``spec``'s root for ``env``; the exit code."""
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
        if mode == "real":
            _refuse_placeholders(spec, env, find_placeholders)
        tf_vars = spec.tf_vars(env)
        account = guarded.check_account(env, caller or guarded.caller_for(mode, env, environ))
        root = roots.prepare(spec.root, mode, label=f"{spec.name}-{env}", environ=environ)
        workdir, tf_env = root.workdir, dict(root.env)
        var_args = [f"-var={k}={v}" for k, v in tf_vars.items()]
        plan_file = guarded.APPLY_DIR / f"{spec.name}-{env}.tfplan"
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        for command in spec.setup(env, mode):
            terraform(command, workdir, tf_env, True)
        terraform(
            ["plan", "-input=false", "-no-color", *var_args, *spec.extra_args(env), f"-out={plan_file}"],
            workdir,
            tf_env,
            False,
        )
        out(f"== {spec.title} {env}: {spec.planned(env, tf_vars, account)}")
        if spec.judge is not None:
            out(f"   {spec.judge(env, _json(terraform, ['show', '-json', str(plan_file)], workdir, tf_env))}")
        if mode == "offline":
            out(
                guarded.OFFLINE_STOP.format(
                    plan_file=plan_file.relative_to(paths.REPO), account=account, env=env
                ).replace("make apply", f"make {spec.name}")
            )
            return guarded.EXIT_OFFLINE
        guarded.confirm(env, environ, ask, interactive)
        terraform(["apply", "-input=false", "-no-color", str(plan_file)], workdir, tf_env, False)

        def outputs() -> dict[str, Any]:  # read only when the root's next steps name them
            found = _json(terraform, ["output", "-json"], workdir, tf_env)
            return {name: value["value"] for name, value in found.items()}

    except (guarded.Refused, roots.ModeUnavailable) as err:
        out(str(err))
        return guarded.EXIT_REFUSED
    except planning.TerraformFailed as err:
        out(str(err))
        return guarded.EXIT_TERRAFORM
    out(f"== {spec.title} {env}: applied. {spec.applied(env, outputs)}")
    return guarded.EXIT_APPLIED
