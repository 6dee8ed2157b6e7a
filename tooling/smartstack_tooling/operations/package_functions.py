"""Build one deterministic zip per Lambda function into build/functions/.

Identical sources and pins give byte-identical zips (sorted entries, fixed timestamps and
permissions, no bytecode), so Terraform's ``source_code_hash`` changes only when code does.
Dependencies come from the pinned ``functions`` group of pyproject.toml and are installed for
the Lambda target (CPython 3.12, manylinux wheels only, for the functions' architecture) with
``--no-deps``: the group pins the whole dependency closure, so nothing unpinned can slip in.
What the Lambda Python runtime already provides (boto3, botocore and their dependencies) is not
bundled: a second copy would only grow the zip. uv installs them (a tenth of a second a function where
pip took five), from the cache `make bootstrap` fills.

The architecture is the env roots' ``lambda_architecture`` (its default in envs/common/variables.tf
and every env's tfvars): one zip set per declared architecture, in build/functions/<architecture>/,
which is where the env roots read them. Switching an env to an architecture that was not built fails
its plan at variable validation, naming `make package`.

Usage: python -m smartstack_tooling package [--function api] [--architecture arm64]
       [--output-dir build/functions]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..harness import content_hash, hcl
from . import rds_ca_bundle

FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
LAMBDA_PYTHON_VERSION = "3.12"
# Lambda architecture -> the wheel platform tags its runtime (Amazon Linux 2023, glibc 2.34) loads.
WHEEL_PLATFORMS = {
    "arm64": ("manylinux2014_aarch64", "manylinux_2_17_aarch64", "manylinux_2_28_aarch64"),
    "x86_64": ("manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64"),
}
# What uv installs for: the newest tag above; uv takes it and every older manylinux tag, as pip does with
# the three --platform tags.
UV_TARGETS = {"arm64": "aarch64-manylinux_2_28", "x86_64": "x86_64-manylinux_2_28"}
UV = Path(sys.executable).parent / "uv"  # pinned in requirements/uv.txt, installed first by make bootstrap
# The machine name native extensions carry in their file names (e.g. *.cpython-312-aarch64-linux-gnu.so).
MACHINE = {"arm64": "aarch64", "x86_64": "x86_64"}
ARCHITECTURE_VARIABLE = "lambda_architecture"

# In the Lambda Python runtime, as boto3's dependency closure: never bundled (jmespath serves
# Powertools, python-dateutil and six pg8000; the runtime's versions are the ones that load first).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3")
_OBSERVABILITY = ("aws-lambda-powertools", "aws-xray-sdk", "wrapt", "typing-extensions")
_POSTGRES = ("pg8000", "scramp", "asn1crypto")
_MODELS = ("pydantic", "pydantic-core", "annotated-types", "typing-inspection")


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    source_packages: tuple[str, ...]  # directories under functions/ holding one import package each
    dependencies: tuple[str, ...]  # names from the pyproject `functions` group (full closure)


FUNCTIONS = (
    FunctionSpec("api", ("shared", "api"), _OBSERVABILITY + _POSTGRES + _MODELS),
    FunctionSpec("ai", ("shared", "ai"), _OBSERVABILITY + _POSTGRES + _MODELS),
    FunctionSpec("authorizer", ("shared", "authorizer"), (*_OBSERVABILITY, "pyjwt")),
    FunctionSpec("migrate", ("shared", "migrate"), _OBSERVABILITY + _POSTGRES + _MODELS),
    # Secrets Manager's rotation of the generated application keys: boto3 (the runtime's) and Powertools.
    FunctionSpec("rotate", ("shared", "rotate"), _OBSERVABILITY),
)

# Never shipped: generated caches and console scripts (whose shebang names the build machine's python).
_SKIPPED_PARTS = {"__pycache__", "bin", ".lock"}  # .lock: uv's lock file in the install target
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(pyproject: Path = paths.REPO / "pyproject.toml") -> dict[str, str]:
    """Normalised package name -> 'name==version' from the `functions` optional-dependency group."""
    groups = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    pins: dict[str, str] = {}
    for requirement in groups["functions"]:
        name, separator, version = requirement.partition("==")
        if not separator or not version:
            raise SystemExit(f"functions dependency {requirement!r} is not pinned with ==")
        pins[_normalise(name)] = requirement
    return pins


def _hcl_string(value: object) -> str | None:
    return value.strip('"') if isinstance(value, str) else None


def declared_architectures(repo: Path = paths.REPO) -> list[str]:
    """Every Lambda architecture an environment declares: the env roots' default and tfvars values."""

    with (repo / "envs" / "common" / "variables.tf").open() as handle:
        blocks = hcl.load(handle)["variable"]
    declared = next(
        block[name] for block in blocks for name in block if name.strip('"') == ARCHITECTURE_VARIABLE
    )
    found = {_hcl_string(declared.get("default"))}
    for tfvars in sorted((repo / "envs").glob("*/terraform.tfvars")):
        with tfvars.open() as handle:
            found.add(_hcl_string(hcl.load(handle).get(ARCHITECTURE_VARIABLE)))
    found.discard(None)
    unknown = sorted(a for a in found if a not in WHEEL_PLATFORMS)  # type: ignore[operator]
    if unknown:
        raise SystemExit(
            f"{ARCHITECTURE_VARIABLE} {unknown} has no wheel platform: use {sorted(WHEEL_PLATFORMS)}"
        )
    return sorted(found)  # type: ignore[arg-type]


def install_dependencies(
    spec: FunctionSpec, pins: dict[str, str], target: Path, cache_dir: Path | None, architecture: str
) -> None:
    """The pinned wheels of ``spec`` for the Lambda runtime of ``architecture``, unpacked into ``target``
    (no bytecode: uv compiles only when asked); ``cache_dir``: uv's cache, else its default one."""
    missing = [name for name in spec.dependencies if _normalise(name) not in pins]
    if missing:
        raise SystemExit(f"{spec.name}: dependencies not pinned in the functions group: {missing}")
    if not UV.exists():
        raise SystemExit(f"{UV} is missing: run `make bootstrap` (it installs the pinned uv first)")
    command = [
        str(UV), "pip", "install", "--quiet", "--link-mode", "copy",
        "--target", str(target), "--no-deps", "--only-binary", ":all:",
        "--python-version", LAMBDA_PYTHON_VERSION, "--python-platform", UV_TARGETS[architecture],
        *(["--cache-dir", str(cache_dir)] if cache_dir else []),
        *(pins[_normalise(name)] for name in spec.dependencies),
    ]  # fmt: skip
    subprocess.run(command, check=True)


def copy_sources(spec: FunctionSpec, target: Path, functions_dir: Path) -> None:
    for package_dir in spec.source_packages:
        for package in sorted((functions_dir / package_dir).iterdir()):
            if package.is_dir() and (package / "__init__.py").exists():
                ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
                shutil.copytree(package, target / package.name, ignore=ignore)


# Certificate bundles shipped in every zip at certs/<name>.pem, i.e. /var/task/certs/<name>.pem in
# Lambda: the RDS CA bundle (rds_ca_bundle.py) that the functions verify the database against.
CERTS_DIR_NAME = "certs"


def copy_certificates(target: Path, functions_dir: Path) -> list[str]:
    """Copies functions/certs/*.pem (sorted, bytes only) to <target>/certs/; returns the names copied."""
    source = functions_dir / CERTS_DIR_NAME
    bundles = sorted(path for path in source.glob("*.pem") if path.is_file()) if source.is_dir() else []
    if bundles:
        (target / CERTS_DIR_NAME).mkdir()
    for bundle in bundles:
        (target / CERTS_DIR_NAME / bundle.name).write_bytes(bundle.read_bytes())
    return [bundle.name for bundle in bundles]


def _included(relative: Path) -> bool:
    return not (_SKIPPED_PARTS & set(relative.parts)) and not relative.name.endswith(_SKIPPED_SUFFIXES)


def write_deterministic_zip(source_dir: Path, zip_path: Path) -> None:
    files = sorted(
        (path.relative_to(source_dir) for path in source_dir.rglob("*") if path.is_file()),
        key=lambda relative: relative.as_posix(),
    )
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_path.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for relative in files:
            if not _included(relative):
                continue
            info = zipfile.ZipInfo(relative.as_posix(), date_time=FIXED_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below are honoured
            info.external_attr = (0o100644 & 0xFFFF) << 16
            archive.writestr(info, (source_dir / relative).read_bytes(), compresslevel=9)
    partial.replace(zip_path)  # never leave a half-written zip where Terraform would read it


_NATIVE_MACHINE = re.compile(r"-(aarch64|x86_64|i686|arm(?:v7l)?|ppc64le|s390x)-linux-gnu\.so(\.\d+)*$")
_WHEEL_MACHINE = re.compile(r"(aarch64|x86_64|i686|armv7l|ppc64le|s390x|universal2|arm64|amd64|win32)")


def native_machines(zip_path: Path) -> dict[str, set[str]]:
    """Machine name -> the entries of a zip built for it: native extensions named for a machine
    (``*-aarch64-linux-gnu.so``) and wheels whose WHEEL tags name a platform (``*.dist-info/WHEEL``)."""
    found: dict[str, set[str]] = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            match = _NATIVE_MACHINE.search(name)
            if match:
                found.setdefault(match.group(1), set()).add(name)
            elif name.endswith(".dist-info/WHEEL"):
                for line in archive.read(name).decode("utf-8", "replace").splitlines():
                    platform = (
                        line.partition("Tag:")[2].strip().rsplit("-", 1)[-1]
                        if line.startswith("Tag:")
                        else ""
                    )
                    machine = _WHEEL_MACHINE.search(platform) if platform != "any" else None
                    if machine:
                        found.setdefault(machine.group(1), set()).add(name)
    return found


def base64_sha256(path: Path) -> str:
    """The format of Terraform's filebase64sha256(), i.e. what source_code_hash compares."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode("ascii")


def inputs_key(spec: FunctionSpec, functions_dir: Path, architecture: str, pins: dict[str, str]) -> str:
    """Everything a zip is built from: this builder, uv, the pinned dependencies and the platform they
    are fetched for, the function's source packages and the certificates. Equal keys, equal bytes."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(importlib.metadata.version("uv").encode())
    wanted = [pins.get(_normalise(name), name) for name in spec.dependencies]
    described = [spec.name, *spec.source_packages, *wanted, architecture, LAMBDA_PYTHON_VERSION]
    digest.update(json.dumps([*described, UV_TARGETS[architecture]]).encode())
    for package_dir in (*spec.source_packages, CERTS_DIR_NAME):
        content_hash.feed_tree(digest, package_dir, functions_dir / package_dir, lambda r: not _included(r))
    return digest.hexdigest()


def build_function(
    spec: FunctionSpec, output_dir: Path, cache_dir: Path | None, functions_dir: Path, architecture: str
) -> Path:
    """Builds <output_dir>/<architecture>/<name>.zip, unless it was built from exactly these inputs."""
    pins = pinned_requirements()
    zip_path = output_dir / architecture / f"{spec.name}.zip"
    stamp = zip_path.with_suffix(".inputs")
    key = inputs_key(spec, functions_dir, architecture, pins)
    if zip_path.exists() and stamp.exists() and stamp.read_text() == key:
        return zip_path
    stamp.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"smartstack-{spec.name}-") as staging_name:
        staging = Path(staging_name)
        install_dependencies(spec, pins, staging, cache_dir, architecture)
        copy_sources(spec, staging, functions_dir)
        copy_certificates(staging, functions_dir)
        write_deterministic_zip(staging, zip_path)
    stamp.write_text(key)
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--function", choices=[spec.name for spec in FUNCTIONS], action="append",
                        help="build only this function (repeatable); default: all")  # fmt: skip
    parser.add_argument("--architecture", choices=sorted(WHEEL_PLATFORMS), action="append",
                        help="build only this architecture (repeatable); default: each env's")  # fmt: skip
    parser.add_argument("--output-dir", type=Path, default=paths.BUILD / "functions")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="uv's cache for the wheels; default: uv's own (make bootstrap's)")  # fmt: skip
    args = parser.parse_args(argv)
    selected = [spec for spec in FUNCTIONS if not args.function or spec.name in args.function]
    problems = rds_ca_bundle.check()
    if problems:  # the functions cannot reach the database without it
        raise SystemExit("\n".join(problems))
    for architecture in args.architecture or declared_architectures():
        for spec in selected:
            zip_path = build_function(spec, args.output_dir, args.cache_dir, paths.FUNCTIONS, architecture)
            print(f"{zip_path}\t{zip_path.stat().st_size} bytes\tsha256(base64)={base64_sha256(zip_path)}")
    return 0
