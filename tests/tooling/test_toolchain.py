"""The stand-in's launcher and the staged workspaces stay consistent when the launcher changes."""

from __future__ import annotations

from smartstack_tooling.harness import toolchain


def test_a_rewritten_launcher_drops_the_staged_lock_files(tmp_path):
    staged = tmp_path / "work" / "envs" / "dev"
    (staged / ".terraform" / "providers" / "registry.terraform.io").mkdir(parents=True)
    (staged / ".terraform" / "terraform.tfstate").write_text("{}")  # the backend's state: kept
    (staged / ".terraform.lock.hcl").write_text('provider "registry.terraform.io/hashicorp/aws" {}\n')
    (staged / "main.tf").write_text("")
    dropped = toolchain.forget_standin_locks(tmp_path / "work")
    assert dropped == [staged / ".terraform.lock.hcl"]
    assert not (staged / ".terraform.lock.hcl").exists()
    assert not (staged / ".terraform" / "providers").exists()
    assert (staged / ".terraform" / "terraform.tfstate").exists() and (staged / "main.tf").exists()
    assert toolchain.forget_standin_locks(tmp_path / "missing") == []


def test_installing_another_launcher_forgets_the_locks_made_with_the_old_one(tmp_path, monkeypatch):
    monkeypatch.setattr(toolchain, "OFFLINE", tmp_path)
    lock = tmp_path / "work" / "envs" / "dev" / ".terraform.lock.hcl"
    lock.parent.mkdir(parents=True)
    lock.write_text("made with a launcher nobody recorded\n")
    toolchain.install_standin()
    assert not lock.exists()  # no stamp: which launcher made it is unknown
    lock.write_text("made with this launcher\n")
    toolchain.install_standin()
    assert lock.exists()  # same launcher: kept, so plans do not reinstall the provider every time
    monkeypatch.setattr(toolchain.sys, "executable", "/elsewhere/.venv/bin/python")
    toolchain.install_standin()
    assert not lock.exists()
