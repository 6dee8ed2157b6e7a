"""Deterministic Lambda zips: same sources give the same bytes; boto3 is never bundled."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

from smartstack_tooling import package_functions as packaging

REPO_ROOT = Path(__file__).resolve().parents[2]


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
        assert not {"boto3", "botocore", "s3transfer"} & {packaging._normalise(n) for n in spec.dependencies}


def test_built_zips_are_reproducible_and_hold_the_handlers(tmp_path):
    cache = REPO_ROOT / ".cache" / "pip"
    spec = next(spec for spec in packaging.FUNCTIONS if spec.name == "authorizer")
    first = packaging.build_function(spec, tmp_path / "one", cache, REPO_ROOT / "functions")
    second = packaging.build_function(spec, tmp_path / "two", cache, REPO_ROOT / "functions")
    assert packaging.base64_sha256(first) == packaging.base64_sha256(second)
    with zipfile.ZipFile(first) as archive:
        names = set(archive.namelist())
    assert "smartstack_authorizer/handler.py" in names
    assert "smartstack_shared/settings.py" in names
    assert "jwt/api_jwt.py" in names
    assert not any(name.startswith(("boto3/", "botocore/")) for name in names)
    assert any(name.startswith("wrapt/_wrappers.cpython-312-x86_64-linux-gnu") for name in names)
