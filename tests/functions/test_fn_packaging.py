"""Deterministic Lambda zips: same sources give the same bytes; boto3 is never bundled."""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from smartstack_tooling.operations import package_functions as packaging

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def zip_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """(function, architecture) -> its zip, built once for the module's tests into one directory:
    build_function skips a zip whose inputs are unchanged, so a second test asking gets the same file."""
    out = tmp_path_factory.mktemp("zips")

    def build(name: str, architecture: str) -> Path:
        spec = next(spec for spec in packaging.FUNCTIONS if spec.name == name)
        return packaging.build_function(
            spec,
            out,
            None,
            REPO_ROOT / "functions",
            architecture,  # None: uv's own cache
        )

    return build


def test_zip_bytes_depend_only_on_content(tmp_path):
    source = tmp_path / "src"
    (source / "pkg" / "__pycache__").mkdir(parents=True)
    (source / "pkg" / "__init__.py").write_text("x = 1\n")
    (source / "pkg" / "b.py").write_text("y = 2\n")
    (source / "pkg" / "__pycache__" / "b.cpython-312.pyc").write_bytes(b"\0")
    (source / "bin").mkdir()
    (source / "bin" / "tool").write_text("#!/usr/bin/python\n")
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    packaging.write_deterministic_zip(source, first)
    os.utime(source / "pkg" / "b.py", (time.time() + 5000, time.time() + 5000))
    (source / "pkg" / "b.py").chmod(0o600)
    packaging.write_deterministic_zip(source, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["pkg/__init__.py", "pkg/b.py"]
        assert {info.date_time for info in archive.infolist()} == {packaging.FIXED_TIMESTAMP}
    (source / "pkg" / "b.py").write_text("y = 3\n")
    packaging.write_deterministic_zip(source, second)
    assert first.read_bytes() != second.read_bytes()


def test_every_function_dependency_is_pinned_and_boto3_is_not_bundled():
    pins = packaging.pinned_requirements()
    for spec in packaging.FUNCTIONS:
        for name in spec.dependencies:
            assert packaging._normalise(name) in pins, (spec.name, name)
        bundled = {packaging._normalise(n) for n in spec.dependencies}
        assert not set(packaging.RUNTIME_PROVIDED) & bundled, (spec.name, "the Lambda runtime provides it")


def test_built_zips_are_reproducible_and_hold_the_handlers(tmp_path, zip_of):
    cache = None  # uv's own cache, which make package filled
    spec = next(spec for spec in packaging.FUNCTIONS if spec.name == "authorizer")
    first = zip_of("authorizer", "arm64")
    second = packaging.build_function(spec, tmp_path / "two", cache, REPO_ROOT / "functions", "arm64")
    assert second == tmp_path / "two" / "arm64" / "authorizer.zip"
    assert packaging.base64_sha256(first) == packaging.base64_sha256(second)
    with zipfile.ZipFile(first) as archive:
        names = set(archive.namelist())
    assert "smartstack_authorizer/handler.py" in names
    assert "smartstack_shared/settings.py" in names
    assert "jwt/api_jwt.py" in names
    assert not any(name.startswith(("boto3/", "botocore/")) for name in names)


def test_a_zip_is_rebuilt_only_when_one_of_its_inputs_changes(tmp_path):
    """The build is skipped for identical inputs (make up packages on every apply step), and a
    one-character change to a source file builds it again."""
    cache = None  # uv's own cache, which make package filled
    functions = tmp_path / "functions"
    shutil.copytree(REPO_ROOT / "functions", functions, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    spec = next(spec for spec in packaging.FUNCTIONS if spec.name == "authorizer")
    built = packaging.build_function(spec, tmp_path / "out", cache, functions, "arm64")
    stamp, bytes_before = built.with_suffix(".inputs"), built.read_bytes()
    built.touch()
    mtime = built.stat().st_mtime_ns
    assert (
        packaging.build_function(spec, tmp_path / "out", cache, functions, "arm64").stat().st_mtime_ns
        == mtime
    )
    handler = functions / "authorizer" / "smartstack_authorizer" / "handler.py"
    handler.write_text(handler.read_text() + "#")
    rebuilt = packaging.build_function(spec, tmp_path / "out", cache, functions, "arm64")
    assert rebuilt.read_bytes() != bytes_before and stamp.read_text() != ""
    with zipfile.ZipFile(rebuilt) as archive:
        assert archive.read("smartstack_authorizer/handler.py").endswith(b"#")
    other = packaging.inputs_key(spec, functions, "x86_64", packaging.pinned_requirements())
    assert other != stamp.read_text(), "the architecture is an input"


def test_native_wheels_follow_the_architecture(zip_of):
    """wrapt's extension is built per instruction set; the zip carries only the requested one."""
    for architecture, machine in packaging.MACHINE.items():
        built = zip_of("authorizer", architecture)
        found = packaging.native_machines(built)
        assert set(found) == {machine}, (architecture, found)
        assert any(
            name.startswith(f"wrapt/_wrappers.cpython-312-{machine}-linux-gnu") for name in found[machine]
        )


def test_packaging_builds_every_architecture_the_envs_declare(tmp_path):
    assert packaging.declared_architectures() == ["arm64"]
    envs = tmp_path / "envs"
    (envs / "common").mkdir(parents=True)
    (envs / "common" / "variables.tf").write_text(
        (REPO_ROOT / "envs" / "common" / "variables.tf").read_text()
    )
    (envs / "staging").mkdir()
    (envs / "staging" / "terraform.tfvars").write_text('lambda_architecture = "x86_64"\n')
    assert packaging.declared_architectures(tmp_path) == ["arm64", "x86_64"]


def _functions_tree_with_bundle(tmp_path: Path, bundle: bytes | None) -> Path:
    """A copy of functions/ whose certs/ holds only the given bundle (or no certs/ at all)."""
    functions_dir = tmp_path / "functions"
    shutil.copytree(
        REPO_ROOT / "functions",
        functions_dir,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", packaging.CERTS_DIR_NAME),
    )
    if bundle is not None:
        (functions_dir / packaging.CERTS_DIR_NAME).mkdir()
        (functions_dir / packaging.CERTS_DIR_NAME / "global-bundle.pem").write_bytes(bundle)
        (functions_dir / packaging.CERTS_DIR_NAME / "README.md").write_text("not shipped\n")
    return functions_dir


def _build_all(functions_dir: Path, output_dir: Path) -> dict[str, Path]:
    cache = None  # uv's own cache, which make package filled
    return {
        spec.name: packaging.build_function(spec, output_dir, cache, functions_dir, "arm64")
        for spec in packaging.FUNCTIONS
    }


def test_ca_bundle_is_in_every_zip_and_rebuilds_are_byte_identical(tmp_path, monkeypatch):
    # Dependencies are covered above; here only our sources and the bundle matter (fast, offline).
    monkeypatch.setattr(packaging, "install_dependencies", lambda *args: None)
    bundle = b"-----BEGIN CERTIFICATE-----\nMIIBstand-in\n-----END CERTIFICATE-----\n"
    functions_dir = _functions_tree_with_bundle(tmp_path, bundle)
    first = _build_all(functions_dir, tmp_path / "one")
    os.utime(functions_dir / "certs" / "global-bundle.pem", (time.time() + 5000, time.time() + 5000))
    second = _build_all(functions_dir, tmp_path / "two")
    for name, zip_path in first.items():
        assert zip_path.read_bytes() == second[name].read_bytes(), name
        with zipfile.ZipFile(zip_path) as archive:
            # /var/task/certs/global-bundle.pem in Lambda: what DB_CA_BUNDLE names (modules/compute).
            assert archive.read("certs/global-bundle.pem") == bundle, name
            assert [n for n in archive.namelist() if n.startswith("certs/")] == ["certs/global-bundle.pem"]


def test_packaging_refuses_a_bundle_that_does_not_match_its_provenance(monkeypatch, tmp_path):
    edited = tmp_path / "rds-ca-bundle.pem"
    edited.write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setattr(packaging.rds_ca_bundle, "BUNDLE", edited)
    with pytest.raises(SystemExit, match="differ from"):
        packaging.main(["--output-dir", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


def test_the_api_zip_carries_pydantic_core_for_its_architecture(zip_of):
    """pydantic-core is native: each architecture's zip holds the extension built for it, from a wheel
    tagged for the Lambda runtime (CPython 3.12) on that architecture's manylinux platforms."""
    for architecture, machine in packaging.MACHINE.items():
        built = zip_of("api", architecture)
        assert set(packaging.native_machines(built)) == {machine}, architecture
        with zipfile.ZipFile(built) as archive:
            names = archive.namelist()
            assert f"pydantic_core/_pydantic_core.cpython-312-{machine}-linux-gnu.so" in names
            wheel = next(
                n for n in names if n.startswith("pydantic_core-") and n.endswith(".dist-info/WHEEL")
            )
            tags = [
                line[4:].strip()
                for line in archive.read(wheel).decode().splitlines()
                if line.startswith("Tag:")
            ]
        assert tags, wheel
        for tag in tags:
            interpreter, abi, platform = tag.split("-")
            assert (interpreter, abi) == ("cp312", "cp312"), tag
            assert platform in packaging.WHEEL_PLATFORMS[architecture], (architecture, tag)


def lambda_python() -> str | None:
    """A CPython 3.12 on this machine (the Lambda runtime's version), or None."""
    import glob
    import subprocess

    candidates = [
        shutil.which("python3.12"),
        *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12"))),
    ]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None


def test_the_host_architecture_zip_imports_its_models_under_python_3_12(tmp_path, zip_of):
    """The x86_64 zip, unpacked and imported by CPython 3.12 as Lambda would: the native core loads
    and the models validate (arm64's cannot execute here; its tags are checked above)."""
    import platform
    import subprocess

    python = lambda_python()
    if python is None or platform.machine() != "x86_64":
        pytest.skip("needs CPython 3.12 on an x86_64 host to import the x86_64 zip")
    built = zip_of("api", "x86_64")
    task = tmp_path / "task"
    with zipfile.ZipFile(built) as archive:
        archive.extractall(task)
    script = (
        "import pydantic_core, smartstack_api.models as m; "
        "assert m.TaskCreate.model_validate({'title': ' t '}).title == 't'; "
        "print(pydantic_core.__file__)"
    )
    proc = subprocess.run(
        [python, "-I", "-c", f"import sys; sys.path.insert(0, {str(task)!r}); {script}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(str(task))
