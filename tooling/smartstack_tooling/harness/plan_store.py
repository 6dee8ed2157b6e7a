"""A content-addressed store of offline and local plans, shared by concurrent test workers, kept across
runs.

A plan is stored under the SHA-256 of everything that can change it:

- every file Terraform reads in the staged workspace: ``modules/``, the root itself (its tfvars too),
  the data files the roots read from outside their directory, and the function zips under
  ``build/functions`` (hashed by content, never by name or date);
- the content of any file or directory a ``-var`` value names;
- the ``-var`` arguments themselves, in order;
- the Terraform CLI (path, version, size and modification time of the binary);
- the provider: the stand-in's version, its source files and its schema cache's stamp;
- every environment variable named ``TF_*`` (Terraform's) or ``SMARTSTACK_*`` (the tooling's and the
  stand-in's) but the tooling's few switches no plan reads (``_ENV_NOT_READ_BY_PLANS``), and the two the
  stand-in reads of AWS's: ``AWS_REGION`` and ``AWS_DEFAULT_REGION``.
  Other ``AWS_*`` variables (the functions' tests point those at their own moto) reach no offline plan.

A local-mode plan (the real provider against a fresh emulator) is keyed the same way, with the real
provider in place of the stand-in (the mirror's binary: path, size, modification time) and the emulator
it asked: the account it answers as, moto's version and the source of the emulator's own modules (its
workarounds included). The emulator's URL is not in the key (its port changes with every start): the
staged override that names it is hashed as if it named a fixed one. Such plans are made against a fresh
emulator, as the tests' do; what moto generates (ids) can differ between two fresh emulators and is
nothing a test of a plan reads.

The machine-readable output of a plan made without a plan file (``plan -json``, what the variable-validation
tests read, failing or not) is stored the same way by ``json_output``, under the same key with the command's
arguments added.

So a stale plan can never be served: a one-character change in any of them is another key
(tests/tooling/test_plan_store.py proves it on a module).

Concurrent workers planning the same key wait on one lock file, so each plan is made once per run; an
entry is written to a temporary directory and renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock
from smartstack_offline_provider import fingerprint

from .. import paths
from . import roots, toolchain
from .content_hash import feed_tree

STORE = paths.BUILD / "plan-store"
STORE_ENV = "SMARTSTACK_PLAN_STORE"  # "off": plan every time (the store is still the same code path)
KEEP_ENTRIES = 400  # the newest entries kept; older ones are pruned when a plan is stored
_ENV_PREFIXES = ("TF_", "SMARTSTACK_")
_ENV_NAMES = ("AWS_REGION", "AWS_DEFAULT_REGION")  # the stand-in's region when the provider sets none
# The tooling's switches that no plan reads: which tests run, the caches themselves, the smoke target, how
# long an emulated CodeDeploy minute lasts. (.ci/run sets the first: CI's plans are a developer's plans.)
_ENV_NOT_READ_BY_PLANS = frozenset(
    {
        "SMARTSTACK_REQUIRE_REAL_PROVIDER",
        "SMARTSTACK_PLAN_STORE",
        "SMARTSTACK_SCAN_CACHE",
        "SMARTSTACK_SMOKE_ENV",
        "SMARTSTACK_EMULATOR_MINUTE_SECONDS",
    }
)
# Terraform's working files (.terraform/, the lock file, the init lock) and files being written; the lock
# file follows from the provider, which the key covers.
_SKIPPED_PREFIXES = (".terraform", toolchain.TEMPORARY_PREFIX)


@dataclass(frozen=True)
class StoredPlan:
    """One plan: its JSON (``terraform show -json``), its binary plan file and the warnings it printed."""

    key: str
    plan: dict[str, Any]
    plan_file: Path
    warnings: list[str]
    hit: bool  # True when served from the store, False when planned now


def _skipped(relative: Path) -> bool:
    """Terraform's working files and what is written meanwhile; state and saved plans are outputs."""
    return any(part.startswith(_SKIPPED_PREFIXES) for part in relative.parts) or relative.name.endswith(
        (".tfstate", ".tfplan")
    )


def workspace_of(root: roots.TerraformRoot) -> Path:
    """The staged workspace holding ``root`` (the directory that mirrors the repository's layout)."""
    depth = len(root.source.relative_to(paths.REPO).parts)
    return root.workdir.parents[depth - 1]


def read_inputs(root: roots.TerraformRoot) -> dict[str, Path]:
    """What Terraform reads when it plans the staged ``root``, by label."""
    work = workspace_of(root)
    inputs = {"root": root.workdir, "modules": work / "modules", "functions": work / "build" / "functions"}
    for data in toolchain.STAGED_DATA_FILES:
        inputs[data.relative_to(paths.REPO).as_posix()] = work / data.relative_to(paths.REPO)
    return inputs


def _named_paths(var_args: Sequence[str]) -> Iterable[Path]:
    """Existing files or directories that -var values name (their content changes the plan)."""
    for arg in var_args:
        value = arg.split("=", 2)[-1]
        if value.startswith("/") and Path(value).exists():
            yield Path(value)


def _cli_identity(cli: toolchain.TerraformCli) -> str:
    binary = Path(cli.path)
    stat = binary.stat() if binary.exists() else None
    return json.dumps(
        [cli.path, cli.version, stat.st_size if stat else None, stat.st_mtime_ns if stat else None]
    )


def _provider_identity() -> str:
    # The launcher runs the stand-in with this interpreter (and so this venv's grpc and protobuf).
    return json.dumps([toolchain.STANDIN_VERSION, sys.executable, fingerprint(toolchain.SCHEMA_CACHE)])


_EMULATOR_MODULES = ("emulator.py", "emulator_replay.py", "emulator_workarounds.py")
_ENDPOINT_IN_KEY = "http://emulator.invalid"  # what the staged override is hashed as naming


def emulator_identity(root: roots.TerraformRoot) -> str:
    """The real provider of the mirror and the emulator at ``root.endpoint``: what else a local plan reads."""
    import boto3  # the local tier's dependency, as the emulator's

    mirror = roots.real_provider_mirror()
    binaries = sorted(mirror.rglob("terraform-provider-aws*")) if mirror else []
    provider = [(str(b), b.stat().st_size, b.stat().st_mtime_ns) for b in binaries]
    sts = boto3.client(
        "sts",
        endpoint_url=root.endpoint,
        region_name="us-east-1",
        aws_access_key_id=roots.LOCAL_ACCESS_KEY,
        aws_secret_access_key=roots.LOCAL_SECRET_KEY,
    )
    account = sts.get_caller_identity()["Account"]
    here = Path(__file__).parent
    sources = [hashlib.sha256((here / name).read_bytes()).hexdigest() for name in _EMULATOR_MODULES]
    return json.dumps([provider, account, importlib.metadata.version("moto"), sources])


def _feed_local_override(digest: Any, root: roots.TerraformRoot) -> None:
    digest.update(roots.local_provider_override(root.workdir, _ENDPOINT_IN_KEY).encode())


def key(root: roots.TerraformRoot, var_args: Sequence[str], environ: dict[str, str] | None = None) -> str:
    """The content hash that names ``root``'s plan with ``var_args`` (see the module docstring)."""
    environ = dict(os.environ if environ is None else environ)
    digest = hashlib.sha256(b"smartstack-plan-store-v1")
    digest.update(json.dumps([root.mode, root.source.relative_to(paths.REPO).as_posix()]).encode())
    local = root.mode == "local"
    skipped = (lambda r: _skipped(r) or r.name == roots.LOCAL_OVERRIDE_FILE) if local else _skipped
    for label, path in sorted(read_inputs(root).items()):
        feed_tree(digest, label, path, skipped)
    for index, path in enumerate(_named_paths(var_args)):
        feed_tree(digest, f"var-path-{index}:{path}", path, _skipped)
    digest.update(json.dumps(list(var_args)).encode())
    digest.update(_cli_identity(root.cli or toolchain.terraform_cli()).encode())
    if local:
        _feed_local_override(digest, root)
        digest.update(emulator_identity(root).encode())
    else:
        digest.update(_provider_identity().encode())
    variables = sorted(
        (k, v)
        for k, v in environ.items()
        if (k.startswith(_ENV_PREFIXES) or k in _ENV_NAMES) and k not in _ENV_NOT_READ_BY_PLANS
    )
    digest.update(json.dumps(variables).encode())
    return digest.hexdigest()


def enabled(environ: dict[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get(STORE_ENV, "on") != "off"


def _load(entry: Path, digest: str, hit: bool) -> StoredPlan:
    meta = json.loads((entry / "meta.json").read_text())
    plan = json.loads((entry / "plan.json").read_text())
    return StoredPlan(digest, plan, entry / "plan.tfplan", meta["warnings"], hit)


def plan(root: roots.TerraformRoot, var_args: Sequence[str] = (), store: Path = STORE) -> StoredPlan:
    """init + plan + show -json of the staged ``root`` (offline, or local against a fresh emulator), or
    the stored plan of the same inputs."""
    if root.mode not in ("offline", "local"):
        raise ValueError(f"only offline and local plans are stored, not {root.mode} ones (real state)")
    digest = key(root, var_args)

    def build(building: Path) -> None:
        root.init()
        root.plan(building / "plan.tfplan", list(var_args))
        (building / "plan.json").write_text(root.show_json(building / "plan.tfplan"))
        (building / "meta.json").write_text(
            json.dumps({"warnings": root.warnings, "source": str(root.source)})
        )

    entry, hit = _entry(store, digest, digest, "meta.json", build)
    return _load(entry, digest, hit=hit)


def _entry(
    store: Path, digest: str, name: str, marker: str, build: Callable[[Path], None]
) -> tuple[Path, bool]:
    """The store's entry ``name`` (under ``digest``'s prefix) and whether it was there: made by ``build``
    into a temporary directory renamed into place when missing (or the store is off), one worker at a
    time per entry; the store is pruned after a new entry."""
    entry = store / digest[:2] / name
    entry.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(entry) + ".lock"):
        if enabled() and (entry / marker).exists():
            os.utime(entry)  # newest use first when pruning
            return entry, True
        building = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=entry.parent))
        try:
            build(building)
            shutil.rmtree(entry, ignore_errors=True)
            os.replace(building, entry)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    prune(store)
    return entry, False


@dataclass(frozen=True)
class PlanOutput:
    """What `terraform plan -json` printed and how it exited (validation failures included)."""

    returncode: int
    stdout: str
    stderr: str
    hit: bool


def json_output(
    root: roots.TerraformRoot,
    var_args: Sequence[str],
    command: Sequence[str],
    run: Callable[[], subprocess.CompletedProcess[str]],
    store: Path = STORE,
) -> PlanOutput:
    """The output of ``run`` (``command``, a ``plan -json`` of ``root`` with ``var_args``; the caller has
    initialised ``root``), or the stored output of the same inputs and command. Not initialised here: an
    init while another thread plans the same workspace would pull its providers from under that plan."""
    named = json.dumps([key(root, var_args), "plan -json", list(command)])
    digest = hashlib.sha256(named.encode()).hexdigest()

    def build(building: Path) -> None:
        proc = run()
        output = {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}
        (building / "output.json").write_text(json.dumps(output))

    entry, hit = _entry(store, digest, f"{digest}-output", "output.json", build)
    return PlanOutput(**json.loads((entry / "output.json").read_text()), hit=hit)


def prune(store: Path = STORE, keep: int = KEEP_ENTRIES) -> int:
    """Drop all but the ``keep`` most recently used entries; returns how many were dropped."""
    entries = sorted(
        (p for p in store.glob("??/*") if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in entries[keep:]:
        shutil.rmtree(stale, ignore_errors=True)
    return max(0, len(entries) - keep)
