"""`make upgrade-check FROM=<version or commit> [ENV=dev]`: would upgrading from that release lose state?

1. FROM is a version recorded in CHANGELOG.md (``1.0.0``, ``latest``) or any commit; its tree is taken
   with ``git archive`` into ``build/upgrade/<sha>/`` (a clean checkout: nothing of this work tree) and
   its Lambda zips are built there by its own packager.
2. A fresh emulator for the environment's account; the release's Terraform (its ``envs/<env>`` and
   ``modules/``, unchanged) is applied to it with the real provider.
3. This checkout's code is planned against that state, with ``prevent_destroy`` lifted in the staged
   copy so the plan shows what Terraform would do rather than stopping at the first guarded destroy.
4. Every change is printed (moves included). A delete or replace of a stateful resource type
   (stateful.STATEFUL) fails the check unless this code's CHANGELOG entry (Unreleased, else the newest
   release) names its address in backticks.
5. Everything is destroyed (0 left) and the emulator stopped, whatever the verdict.

The release is applied by this checkout's tooling and emulator, not by its own ``make up``: an upgrade
changes Terraform code and the state it made, and the tooling is not part of what is deployed; the
release's own `make up` may turn DNSSEC off (or lack emulator workarounds found since), while the check
must apply what an environment really runs, DNSSEC on. Docs: docs/releases.md.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths, stateful
from ..harness import emulator, roots
from . import apply, changelog, local_env

EXIT_OK, EXIT_LOSES_STATE, EXIT_FAILED, EXIT_USAGE = 0, 1, 3, 2
UPGRADE = paths.BUILD / "upgrade"
USAGE = "usage: make upgrade-check FROM=<version in CHANGELOG.md, latest, or commit> [ENV=dev] [KEEP=1]"
KEEP_FLAG = "--keep"  # make upgrade-check KEEP=1: a passing upgrade stays applied for make up/smoke/down
Out = Callable[[str], None]


class UpgradeCheckError(RuntimeError):
    """The check could not run (bad FROM, a failed build or apply); the message names the fix."""


@dataclass(frozen=True)
class Change:
    """One resource in the upgrade plan that does something (moves included)."""

    address: str
    type: str
    actions: tuple[str, ...]
    moved_from: str | None = None

    @property
    def kind(self) -> str:
        if "delete" in self.actions and "create" in self.actions:
            return "replace"
        kind = self.actions[0] if self.actions else "no-op"
        return "move" if kind == "no-op" and self.moved_from else kind

    def loses_state(self) -> bool:
        """A destroy or replace of a resource type whose destroy loses something."""
        return "delete" in self.actions and self.type in stateful.STATEFUL

    def describe(self) -> str:
        moved = f" (moved from {self.moved_from})" if self.moved_from else ""
        return f"{self.kind:8} {self.address}{moved}"


def changes_of(plan: dict[str, Any]) -> list[Change]:
    """The plan's resource changes (``terraform show -json``) other than no-op reads and no-ops."""
    changes = []
    for resource in plan.get("resource_changes", []):
        change = Change(
            resource["address"],
            resource["type"],
            tuple(resource["change"]["actions"]),
            resource.get("previous_address"),
        )
        if change.kind not in ("no-op", "read"):
            changes.append(change)
    return changes


@dataclass(frozen=True)
class Verdict:
    refused: list[Change]  # stateful destroys or replaces the changelog does not name
    owned: list[Change]  # those it names

    @property
    def passed(self) -> bool:
        return not self.refused


def judge(changes: Iterable[Change], entry: changelog.Entry) -> Verdict:
    losing = [c for c in changes if c.loses_state()]
    return Verdict(
        [c for c in losing if not entry.names(c.address)], [c for c in losing if entry.names(c.address)]
    )


def summary(changes: list[Change]) -> list[str]:
    """The whole change summary: counts by kind, then every change."""
    counts = Counter(c.kind for c in changes)
    order = ("create", "update", "move", "replace", "delete", "forget")
    head = ", ".join(f"{counts[k]} to {k}" for k in order if counts[k]) or "no changes"
    return [f"   {head}", *(f"   {c.describe()}" for c in sorted(changes, key=lambda c: (c.kind, c.address)))]


def verdict_lines(verdict: Verdict, entry: changelog.Entry) -> list[str]:
    lines = [f"   owned by CHANGELOG [{entry.version}]: {c.kind} {c.address}" for c in verdict.owned]
    for change in verdict.refused:
        loses = stateful.STATEFUL[change.type].loses
        moved = f", moved from {change.moved_from}" if change.moved_from else ""
        lines.append(f"   LOSES STATE: {change.kind} {change.address} ({change.type}{moved}: {loses})")
    if verdict.refused:
        lines.append(
            f"   Fix the code (a `moved` block from the old address), or, if the loss is intended, name each "
            f"address in backticks in CHANGELOG.md's [{entry.version}] entry."
        )
    return lines


@dataclass(frozen=True)
class Release:
    label: str  # what FROM said, with the version when it is a recorded release
    commit: str


def resolve(ref: str, entries: list[changelog.Entry]) -> Release:
    """FROM as a recorded release (``1.0.0``, ``v1.0.0``, ``latest``) or any commit git knows."""
    recorded = changelog.release(entries, ref)
    if recorded is not None and recorded.commit:
        return Release(f"{recorded.version} ({recorded.commit[:12]})", _commit(recorded.commit))
    try:
        return Release(ref, _commit(ref))
    except UpgradeCheckError:
        versions = ", ".join(e.version for e in changelog.releases(entries)) or "none recorded"
        raise UpgradeCheckError(
            f"FROM={ref} is neither a release in CHANGELOG.md ({versions}; or latest) nor a commit of "
            "this repository: give one of those (a shallow clone needs `git fetch --unshallow`)."
        ) from None


def _commit(ref: str) -> str:
    found = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], check=False)
    if not found:
        raise UpgradeCheckError(f"{ref} is not a commit of this repository")
    return found


def _git(args: list[str], check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=paths.REPO, capture_output=True, text=True)
    if check and done.returncode:
        raise UpgradeCheckError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip() if done.returncode == 0 else ""


def checkout(release: Release, out: Out) -> Path:
    """The release's tree in build/upgrade/<sha>/src, from git archive. Extracted over the last run's
    copy every time: that run's destroy lifted prevent_destroy in it, and its build/ and .terraform/
    (not in the archive) are kept for reuse."""
    src = UPGRADE / release.commit / "src"
    src.mkdir(parents=True, exist_ok=True)
    archive = subprocess.Popen(["git", "archive", "--format=tar", release.commit], cwd=paths.REPO,
                               stdout=subprocess.PIPE)  # fmt: skip
    extracted = subprocess.run(["tar", "-x", "-C", str(src)], stdin=archive.stdout, capture_output=True)
    if archive.wait() or extracted.returncode:
        raise UpgradeCheckError(f"git archive {release.commit} | tar -x failed: {extracted.stderr.decode()}")
    out(f"   clean checkout of {release.commit} in {src}")
    return src


def package_command(src: Path) -> list[str]:
    """The release's own packaging command, as its Makefile's ``package`` target runs it (releases name
    it differently: ``-m smartstack_tooling.package_functions`` before the subcommand table, ``-m
    smartstack_tooling package`` since), run with this venv's Python and this checkout's pip cache."""
    lines = (src / "Makefile").read_text().splitlines()
    target = next((i for i, line in enumerate(lines) if line.startswith("package:")), None)
    if target is None or target + 1 >= len(lines) or not lines[target + 1].startswith("\t"):
        raise UpgradeCheckError(f"{src / 'Makefile'} has no package target to build the release's functions")
    command = shlex.split(lines[target + 1].strip().replace("$(PY)", sys.executable))
    return [*command, "--cache-dir", str(paths.REPO / ".cache" / "pip")]


def package(src: Path, out: Out) -> None:
    """Build the release's Lambda zips with its own packager into its own build/functions."""
    environ = {**os.environ, "PYTHONPATH": str(src / "tooling")}
    built = subprocess.run(package_command(src), cwd=src, env=environ, capture_output=True, text=True)
    if built.returncode:
        raise UpgradeCheckError(f"building the release's functions failed:\n{built.stdout}{built.stderr}")
    out(f"   built the release's functions into {src / 'build' / 'functions'}")


def mirror() -> Path:
    found = roots.real_provider_mirror()
    if found is None:
        raise UpgradeCheckError(roots.MIRROR_MISSING.format(mirror=roots.DEFAULT_MIRROR))
    return found


def apply_release(src: Path, env: str, emu: emulator.Emulator, out: Out) -> roots.TerraformRoot:
    """Apply the release's env root, as it is in its checkout, to ``emu``."""
    root = roots.local_root_at(src / "envs" / env, emu.url, mirror())
    for stale in root.workdir.glob("terraform.tfstate*"):  # a failed run's: the fresh emulator has none of it
        stale.unlink()
    root.init()
    out(f"== applying the release's envs/{env} to the emulator at {emu.url} (DNSSEC as configured: on)")
    root.run(["apply", "-input=false", "-no-color", "-auto-approve"], capture=False)
    count = len(root.run(["state", "list"]).split())
    out(f"   applied: {count} resources in state")
    return root


def plan_current(env: str, state: Path, emu: emulator.Emulator, out: Out) -> dict[str, Any]:
    """Plan this checkout's env root against the release's state (prevent_destroy lifted in the copy)."""
    root = roots.prepare(paths.ENVS / env, "local", label=f"upgrade-{env}", endpoint=emu.url)
    shutil.copyfile(state, root.workdir / "terraform.tfstate")
    local_env.lift_protections(root.workdir, out)
    root.init()
    plan_file = root.workdir / "upgrade.tfplan"
    out(f"== planning this checkout's envs/{env} against the release's state")
    root.plan(plan_file)
    return json.loads(root.show_json(plan_file))


def check(env: str, ref: str, out: Out = print, keep: bool = False) -> int:
    """The check; with ``keep``, a passing upgrade leaves the release applied as `make up`'s environment
    (local_env.adopt), so `make up` applies the upgrade itself, `make smoke` checks the upgraded
    environment and `make down` destroys it. A failing one is destroyed either way."""
    entries = changelog.load()
    release = resolve(ref, entries)
    entry = changelog.current(entries)
    if keep and local_env.running_emulator(env) is not None:
        raise UpgradeCheckError(
            f"KEEP=1 needs {env}'s local environment free: run `make down ENV={env}` first"
        )
    started = time.monotonic()
    out(f"== upgrade check of {env}: from {release.label} to this checkout (CHANGELOG [{entry.version}])")
    src = checkout(release, out)
    package(src, out)
    emu = emulator.start(apply.tfvars_account_id(env), log=UPGRADE / release.commit / f"emulator-{env}.log")
    kept = False
    try:
        old = apply_release(src, env, emu, out)
        changes = changes_of(plan_current(env, old.workdir / "terraform.tfstate", emu, out))
        verdict = judge(changes, entry)
        out("== the upgrade's changes:")
        for line in [*summary(changes), *verdict_lines(verdict, entry)]:
            out(line)
        if keep and verdict.passed:
            local_env.adopt(env, emu, old.workdir / "terraform.tfstate", out)
            kept = True
    finally:
        left = [] if kept else destroy(old_root_or_none(src, env, emu), emu, out)
    minutes = (time.monotonic() - started) / 60
    if left:
        out(f"== upgrade check: {len(left)} resource(s) left after the destroy: {', '.join(left)}")
        return EXIT_FAILED
    out(
        f"== upgrade check {'passed' if verdict.passed else 'FAILED'}: "
        f"{len(verdict.refused) + len(verdict.owned)} stateful destroy(s) or replace(s), "
        f"{len(verdict.refused)} not named in the changelog; "
        f"{'kept for make up' if kept else 'destroyed to 0'} ({minutes:.1f} min)"
    )
    return EXIT_OK if verdict.passed else EXIT_LOSES_STATE


def old_root_or_none(src: Path, env: str, emu: emulator.Emulator) -> roots.TerraformRoot | None:
    root = src / "envs" / env
    return roots.local_root_at(root, emu.url, mirror()) if (root / "terraform.tfstate").exists() else None


def destroy(root: roots.TerraformRoot | None, emu: emulator.Emulator, out: Out) -> list[str]:
    """Destroy what the release applied, with the release's own configuration (its state's owner)."""
    try:
        if root is None:
            return []
        out("== destroying everything the check applied")
        return local_env.destroy_everything(root, emu, out)
    finally:
        emu.stop()


def main(argv: list[str]) -> int:
    keep = KEEP_FLAG in argv
    argv = [arg for arg in argv if arg != KEEP_FLAG]
    if not argv or len(argv) > 2:
        print(USAGE, file=sys.stderr)
        return EXIT_USAGE
    env = argv[1] if len(argv) == 2 else "dev"
    if env not in apply.planning.ENVIRONMENTS:
        print(
            f"unknown environment {env!r}; choose from {', '.join(apply.planning.ENVIRONMENTS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        return check(env, argv[0], keep=keep)
    except (UpgradeCheckError, changelog.ChangelogError, roots.ModeUnavailable, roots.TerraformFailed) as err:
        print(f"upgrade check failed to run: {err}", file=sys.stderr)
        return EXIT_FAILED
