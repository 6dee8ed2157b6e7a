"""`make up ENV=<env>` / `make down ENV=<env>`: apply an environment with the real provider to a local
emulator, and destroy it again.

`up` starts (or reuses) the environment's emulator, answering as its account, then runs the guarded
apply of apply.py in local mode: the same packaging, account guard, plan, summary, destroy guard and
prod confirmation as against AWS. State lives in the staged copy, ``build/local/up-<env>``; the
emulator's address in ``emulator.json`` beside it, so `down` finds the same emulator.

`down` destroys everything and stops the emulator. The product's protections are real and stay in the
product: on the emulator, and only in the staged copy, `down` lifts them and says so: prevent_destroy
is turned off in the staged modules, buckets are emptied (force_destroy is false) and RDS deletion
protection is switched off on the emulator before the destroy. Server access logging is destroyed first:
the emulator, like S3, delivers access logs for the destroy's own requests, which would refill the log
bucket between emptying it and deleting it. Against AWS (`real` mode) none of this
exists: destroy by hand.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..harness import (
    emulator,
    emulator_workarounds,
    roots,
    toolchain,  # noqa: F401  (benchmarks/real_provider_bench.py reads local_env.toolchain)
)
from . import apply

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2
_PREVENT_DESTROY = re.compile(r"(prevent_destroy\s*=\s*)true")
_ACCESS_LOGGING = re.compile(r"(^|\.)aws_s3_bucket_logging\.[^.\[]+(\[.*\])?$")


def workspace(env: str) -> Path:
    return roots.LOCAL / apply.local_label(env)


def _emulator_file(env: str) -> Path:
    return workspace(env) / "emulator.json"


def _staged_state(env: str) -> Path:
    return workspace(env) / "envs" / env / "terraform.tfstate"


def running_emulator(env: str) -> emulator.Emulator | None:
    """The emulator `make up ENV=<env>` left running, if any."""
    return emulator.load(_emulator_file(env))


def local_environ(env: str, emu: emulator.Emulator) -> dict[str, str]:
    return {**os.environ, roots.MODE_ENV: "local", roots.ENDPOINT_ENV: emu.url}


def ensure_emulator(env: str, out: Callable[[str], None]) -> emulator.Emulator:
    """The running emulator of `make up ENV=<env>`, started when there is none."""
    running = emulator.load(_emulator_file(env))
    if running is not None:
        out(f"== {env}: reusing the local emulator at {running.url}")
        return running
    state = _staged_state(env)
    if state.exists():  # its emulator is gone and the resources with it: the state describes nothing
        out(f"== {env}: the emulator of the last `make up` is gone; discarding its state {state}")
        state.unlink()
    started = emulator.start(apply.tfvars_account_id(env), log=workspace(env) / "emulator.log")
    emulator.save(started, _emulator_file(env))
    out(f"== {env}: local emulator for account {started.account_id} at {started.url}")
    return started


# `make up` before the emulator served DNSSEC wrote this override (dnssec_enabled = false) into the staged
# root; a generated file survives staging, so a workspace that still has it would keep DNSSEC off.
RETIRED_TOGGLES_FILE = "smartstack_emulator_toggles_override.tf"


def stage(env: str, emu: emulator.Emulator, out: Callable[[str], None]) -> roots.TerraformRoot:
    """The staged copy `make up`/`make down` run in (build/local/up-<env>)."""
    root = roots.prepare(paths.ENVS / env, "local", label=apply.local_label(env), endpoint=emu.url)
    retired = root.workdir / RETIRED_TOGGLES_FILE
    if retired.exists():
        retired.unlink()
        out(f"   removed {retired.name}: the emulator serves DNSSEC, nothing is toggled off any more")
    return root


def up(env: str, out: Callable[[str], None] = print, environ: Mapping[str, str] | None = None) -> int:
    if env not in apply.planning.ENVIRONMENTS:
        out(f"unknown environment {env!r}; choose from {', '.join(apply.planning.ENVIRONMENTS)} (ENV=<env>)")
        return EXIT_REFUSED
    try:
        emu = ensure_emulator(env, out)
        stage(env, emu, out)
        local = {**local_environ(env, emu), **(environ or {})}
        code = plan_then_apply_saved(env, local, out)
        if code == apply.EXIT_DELEGATE:  # the first-apply sequence, as on a fresh account
            out(f"== {env}: the emulator's zone needs no delegation: continuing with {apply.DELEGATED_ENV}=1")
            code = plan_then_apply_saved(env, {**local, apply.DELEGATED_ENV: "1"}, out)
        if code != apply.EXIT_APPLIED:
            return code
        applied = outputs(env, emu)
    except (roots.ModeUnavailable, RuntimeError) as err:
        out(str(err))
        return EXIT_FAILED
    out(f"== {env}: applied to the local emulator at {emu.url}; outputs:")
    for name, value in sorted(applied.items()):
        out(f"   {name} = {value}")
    out(f"   destroy with: make down ENV={env}")
    return EXIT_OK


def adopt(env: str, emu: emulator.Emulator, state: Path, out: Callable[[str], None]) -> None:
    """Make what another command applied to ``emu`` (``state``: its Terraform state) `make up ENV=<env>`'s
    environment, as if `make up` had applied it: `make up` then plans this code on it (an upgrade),
    `make smoke` checks it and `make down` destroys it. Used by `make upgrade-check KEEP=1`."""
    if running_emulator(env) is not None:
        raise RuntimeError(f"{env} already has a local environment: run `make down ENV={env}` first")
    stage(env, emu, out)
    _staged_state(env).write_bytes(state.read_bytes())
    state.unlink()  # one owner: the state now lives in make up's workspace
    emulator.save(emu, _emulator_file(env))
    out(
        f"== {env}: kept applied on the emulator at {emu.url} as make up's environment: `make up ENV={env}` "
        f"upgrades it to this code, `make down ENV={env}` destroys it"
    )


def plan_then_apply_saved(env: str, environ: Mapping[str, str], out: Callable[[str], None]) -> int:
    """The deploy workflow's two steps: the reviewed plan saved as a bundle, then exactly it applied."""
    bundle = workspace(env) / "reviewed-plan"
    code = apply.run(env, environ=environ, out=out, save_to=bundle)
    return code if code != apply.EXIT_APPLIED else apply.run(env, environ=environ, out=out, saved=bundle)


def _postgres_file(env: str) -> Path:
    return workspace(env) / "postgres.json"


def function_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """What Lambda would give a function's process, for code run in-process against the emulator."""
    return {
        "AWS_ENDPOINT_URL": environ[roots.ENDPOINT_ENV],
        "AWS_ACCESS_KEY_ID": roots.LOCAL_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": roots.LOCAL_SECRET_KEY,
        "AWS_REGION": "us-east-1",
    }


def local_database(
    env: str, emulator: Mapping[str, str], applied: Mapping[str, str], out: Callable[[str], None]
) -> dict[str, str]:
    """The local PostgreSQL standing in for the emulated RDS instance (started by the first `make up`,
    stopped by `make down`), its master user's password set to the one in the master secret the emulator
    holds; answers the DB_* settings that point a function at it."""
    from ..harness.local_postgres import PostgresServer

    server = PostgresServer.load(_postgres_file(env))
    if server is None:
        server = PostgresServer.start()
        server.save(_postgres_file(env))
        out(f"   local PostgreSQL for {env}'s database at 127.0.0.1:{server.port} (make down stops it)")
    secrets = emulator_session().client("secretsmanager", endpoint_url=emulator["AWS_ENDPOINT_URL"])
    secret = secrets.get_secret_value(SecretId=applied["DB_SECRET_ARN"])
    server.provision_owner(
        applied["DB_USER"], json.loads(secret["SecretString"])["password"], applied["DB_NAME"]
    )
    return {"DB_HOST": "127.0.0.1", "DB_PORT": str(server.port), "DB_CA_BUNDLE": str(server.ca_file)}


def stop_local_database(env: str, out: Callable[[str], None]) -> None:
    from ..harness.local_postgres import PostgresServer

    server = PostgresServer.load(_postgres_file(env))
    if server is not None:
        server.stop()
        out(f"== {env}: stopped the local PostgreSQL at 127.0.0.1:{server.port}")
    _postgres_file(env).unlink(missing_ok=True)


def outputs(env: str, emu: emulator.Emulator) -> dict[str, object]:
    """The Terraform outputs of what `make up ENV=<env>` applied to ``emu``."""
    root = roots.prepare(paths.ENVS / env, "local", label=apply.local_label(env), endpoint=emu.url)
    return root.outputs()


def lift_protections(staged_root: Path, out: Callable[[str], None]) -> None:
    """prevent_destroy off in the staged copy of the modules (never in modules/ itself)."""
    lifted = 0
    for path in sorted((staged_root.parents[1] / "modules").rglob("*.tf")):
        text = path.read_text()
        new, count = _PREVENT_DESTROY.subn(r"\1false", text)
        if count:
            path.write_text(new)
            lifted += count
    out(f"   local copy only: prevent_destroy lifted on {lifted} resource(s) in {staged_root.parents[1]}")


def emulator_session() -> Any:
    """A boto3 session with the emulator's fake credentials (pass endpoint_url=<emulator url> to clients)."""
    import boto3

    return boto3.session.Session(
        region_name="us-east-1",
        aws_access_key_id=roots.LOCAL_ACCESS_KEY,
        aws_secret_access_key=roots.LOCAL_SECRET_KEY,
    )


def lift_deletion_protection(emu: emulator.Emulator, out: Callable[[str], None]) -> None:
    """RDS deletion protection is an API-side flag (prod sets it): switched off on the emulator only."""
    rds = emulator_session().client("rds", endpoint_url=emu.url)
    for instance in rds.describe_db_instances()["DBInstances"]:
        if instance.get("DeletionProtection"):
            rds.modify_db_instance(
                DBInstanceIdentifier=instance["DBInstanceIdentifier"],
                DeletionProtection=False,
                ApplyImmediately=True,
            )
            out(f"   emulator only: deletion protection switched off on {instance['DBInstanceIdentifier']}")


def empty_buckets(emu: emulator.Emulator, out: Callable[[str], None]) -> None:
    """Delete every object version in the emulator's buckets (force_destroy stays false in the product)."""
    s3 = emulator_session().resource("s3", endpoint_url=emu.url)
    for bucket in s3.buckets.all():
        deleted = bucket.object_versions.delete()
        count = sum(len(batch.get("Deleted", [])) for batch in deleted)
        if count:
            out(f"   emulator only: emptied {count} object version(s) from {bucket.name}")


def access_logging_addresses(state: list[str]) -> list[str]:
    """The state's S3 server access logging configurations (they deliver logs into the log bucket)."""
    return [address for address in state if _ACCESS_LOGGING.search(address)]


def destroy_everything(
    root: roots.TerraformRoot, emu: emulator.Emulator, out: Callable[[str], None]
) -> list[str]:
    """Destroy all that ``root``'s state holds on ``emu``, protections lifted in the staged copy only;
    answers what is left in state (empty: all gone)."""
    lift_protections(root.workdir, out)
    lift_deletion_protection(emu, out)
    root.init()
    # No refresh: the state is what was applied here, and deleting goes by ID; reading every resource back
    # first would only cost the emulator a few hundred calls.
    destroy = ["destroy", "-input=false", "-no-color", "-auto-approve", "-refresh=false"]
    logging = access_logging_addresses(root.run(["state", "list"]).split())
    if logging:
        out(f"   destroying {len(logging)} access-logging configuration(s) first: no log lands meanwhile")
        root.run([*destroy, *(f"-target={address}" for address in logging)], capture=False)
    empty_buckets(emu, out)
    root.run(destroy, capture=False)
    return root.run(["state", "list"]).split()


def down(env: str, out: Callable[[str], None] = print) -> int:
    if env not in apply.planning.ENVIRONMENTS:
        out(f"unknown environment {env!r}; choose from {', '.join(apply.planning.ENVIRONMENTS)} (ENV=<env>)")
        return EXIT_REFUSED
    emu = emulator.load(_emulator_file(env))
    if emu is None:
        state = _staged_state(env)
        out(f"== {env}: no local emulator is running: nothing to destroy")
        stop_local_database(env, out)
        if state.exists():
            state.unlink()
            out(f"   discarded the stale state {state}")
        return EXIT_OK
    if not _staged_state(env).exists():  # `make up` stopped before its apply (a guard refused it)
        out(f"== {env}: nothing was applied to the emulator at {emu.url} (no state): nothing to destroy")
        _stop(env, emu, out)
        out(f"== {env}: emulator stopped")
        return EXIT_OK
    try:
        root = stage(env, emu, out)
        out(f"== {env}: destroying everything on the local emulator at {emu.url}")
        left = destroy_everything(root, emu, out)
    except roots.TerraformFailed as err:
        out(str(err))
        return EXIT_FAILED
    if left:
        out(f"== {env}: {len(left)} resource(s) left in state: {', '.join(left)}")
        return EXIT_FAILED
    _stop(env, emu, out)
    out(f"== {env}: destroyed; 0 resources left, emulator stopped")
    return EXIT_OK


def _stop(env: str, emu: emulator.Emulator, out: Callable[[str], None]) -> None:
    """Stop ``env``'s emulator and local PostgreSQL, and forget the emulator's address."""
    emu.stop()
    _emulator_file(env).unlink(missing_ok=True)
    stop_local_database(env, out)


@dataclass(frozen=True)
class PlannedChange:
    """A resource the plan after `make up` would still change, and the attributes that differ."""

    address: str
    actions: tuple[str, ...]
    attributes: tuple[str, ...]  # differing or unknown-after paths, e.g. logging_config[0].log_format

    def excused_by(self) -> list[emulator_workarounds.SecondPlanException]:
        """The listed exceptions that explain every differing attribute (empty: not all explained)."""
        found = [
            e
            for e in emulator_workarounds.SECOND_PLAN_EXCEPTIONS
            if fnmatch.fnmatchcase(self.address, e.address)
        ]
        covered = all(any(_within(a, e.attribute) for e in found) for a in self.attributes)
        return found if covered and self.attributes else []

    def describe(self) -> str:
        return f"{self.address} ({'/'.join(self.actions)}): {', '.join(self.attributes) or '-'}"


def _within(path: str, attribute: str) -> bool:
    return path == attribute or path.startswith((f"{attribute}.", f"{attribute}["))


def _differing(before: Any, after: Any, path: str = "") -> Iterator[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            yield from _differing(before.get(key), after.get(key), f"{path}.{key}" if path else key)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            yield from _differing(old, new, f"{path}[{index}]")
    elif before != after:
        yield path


def _unknown(marks: Any, path: str = "") -> Iterator[str]:
    if marks is True:
        yield path
    elif isinstance(marks, dict):
        for key, value in marks.items():
            yield from _unknown(value, f"{path}.{key}" if path else key)
    elif isinstance(marks, list):
        for index, value in enumerate(marks):
            yield from _unknown(value, f"{path}[{index}]")


def planned_changes(plan: dict[str, Any]) -> list[PlannedChange]:
    """The managed resources a plan (``terraform show -json``) would change, with what differs."""
    changes = []
    for resource in plan.get("resource_changes", []):
        change = resource["change"]
        if change["actions"] in (["no-op"], ["read"]):
            continue
        differing = set(_differing(change.get("before") or {}, change.get("after") or {}))
        differing.update(_unknown(change.get("after_unknown")))
        changes.append(PlannedChange(resource["address"], tuple(change["actions"]), tuple(sorted(differing))))
    return changes


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("up", "down"):
        print(
            "usage: python -m smartstack_tooling local up|down <env>   (make up|down ENV=<env>)",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    return up(argv[1]) if argv[0] == "up" else down(argv[1])
