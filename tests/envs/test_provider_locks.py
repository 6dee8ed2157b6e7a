"""The committed provider lock files: every real root pins the hashicorp/aws the suite runs for real
(5.100.0), for every platform a team uses, and Terraform accepts them against the real-provider mirror.

The zh: hashes are the registry's package checksums of 5.100.0, as public lock files record them; the h1:
hash that `terraform providers lock` computes from this machine's mirror (linux_amd64) must be one of the
same entry's h1: hashes, which proves the entry is the real one. Upgrading: `make lock` on a machine that
reaches the registry (README, "Planning and applying for real")."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from smartstack_tooling.harness import hcl, roots, toolchain

from ..conftest import REPO

LOCKED_ROOTS = ("envs/dev", "envs/staging", "envs/prod", "state-backend", "ci-access")
PINNED = "5.100.0"
# The registry's checksums of the 5.100.0 packages (one per platform it publishes).
REGISTRY_ZH = {
    "054b8dd49f0549c9a7cc27d159e45327b7b65cf404da5e5a20da154b90b8a644",
    "0b97bf8d5e03d15d83cc40b0530a1f84b459354939ba6f135a0086c20ebbe6b2",
    "1589a2266af699cbd5d80737a0fe02e54ec9cf2ca54e7e00ac51c7359056f274",
    "6330766f1d85f01ae6ea90d1b214b8b74cc8c1badc4696b165b36ddd4cc15f7b",
    "7c8c2e30d8e55291b86fcb64bdf6c25489d538688545eb48fd74ad622e5d3862",
    "99b1003bd9bd32ee323544da897148f46a527f622dc3971af63ea3e251596342",
    "9b12af85486a96aedd8d7984b0ff811a4b42e3d88dad1a3fb4c0b580d04fa425",
    "9f8b909d3ec50ade83c8062290378b1ec553edef6a447c56dadc01a99f4eaa93",
    "aaef921ff9aabaf8b1869a86d692ebd24fbd4e12c21205034bb679b9caf883a2",
    "ac882313207aba00dd5a76dbd572a0ddc818bb9cbf5c9d61b28fe30efaec951e",
    "bb64e8aff37becab373a1a0cc1080990785304141af42ed6aa3dd4913b000421",
    "dfe495f6621df5540d9c92ad40b8067376350b005c637ea6efac5dc15028add4",
    "f0ddf0eaf052766cfe09dea8200a946519f653c384ab4336e2a4a64fdd6310e9",
    "f1b7e684f4c7ae1eed272b6de7d2049bb87a0275cb04dbb7cda6636f600699c9",
    "ff461571e3f233699bf690db319dfe46aec75e58726636a0d97dd9ac6e32fb70",
}


def lock_of(root: str) -> str:
    return (REPO / root / ".terraform.lock.hcl").read_text()


def lock_entries(lock: str) -> dict[str, dict[str, Any]]:
    """The lock file's provider blocks by address, read with the pinned HCL parser (which keeps quotes)."""
    return {
        address.strip('"'): {key: _unquoted(value) for key, value in body.items() if not key.startswith("__")}
        for block in hcl.parse(lock).get("provider", [])
        for address, body in block.items()
    }


def _unquoted(value: Any) -> Any:
    return [_unquoted(v) for v in value] if isinstance(value, list) else str(value).strip('"')


def hashes(lock: str, scheme: str) -> set[str]:
    return {
        digest.removeprefix(f"{scheme}:")
        for entry in lock_entries(lock).values()
        for digest in entry["hashes"]
        if digest.startswith(f"{scheme}:")
    }


def terraform(args: list[str], cwd: Path, mirror: Path) -> subprocess.CompletedProcess[str]:
    env = toolchain.terraform_env(roots.local_cli_config(mirror))
    command = [str(toolchain.terraform_cli().path), *args, "-no-color"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def mirror_h1(real_provider_mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The h1: hash Terraform computes for the mirror's package (what `init` checks the lock against)."""
    work = tmp_path_factory.mktemp("lock")
    (work / "versions.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    )
    locked = terraform(
        ["providers", "lock", f"-fs-mirror={real_provider_mirror}", "-platform=linux_amd64"],
        work,
        real_provider_mirror,
    )
    assert locked.returncode == 0, locked.stderr
    (found,) = hashes((work / ".terraform.lock.hcl").read_text(), "h1")
    return found


def test_every_real_root_commits_one_lock_of_the_pinned_release():
    locks = {root: lock_of(root) for root in LOCKED_ROOTS}
    assert len(set(locks.values())) == 1, "one lock entry for every root"
    lock = locks["envs/dev"]
    (entry,) = lock_entries(lock).values()
    assert entry["version"] == PINNED
    assert entry["constraints"] == "5.100.0", "as make lock records it (the roots accept >= 5.100, < 7.0)"
    assert hashes(lock, "zh") == REGISTRY_ZH
    assert len(hashes(lock, "h1")) >= 4, "an h1: hash per platform: linux and darwin, amd64 and arm64"


def test_the_mirror_package_is_one_of_the_locked_entry(mirror_h1):
    assert mirror_h1 in hashes(lock_of("envs/dev"), "h1")


@pytest.mark.parametrize("root", LOCKED_ROOTS)
def test_init_against_the_mirror_accepts_the_committed_lock(root, real_provider_mirror, tmp_path):
    staged = tmp_path / root
    shutil.copytree(REPO / "modules", tmp_path / "modules")
    shutil.copytree(REPO / root, staged, ignore=shutil.ignore_patterns(".terraform"))
    if root.startswith("envs/"):
        shutil.copytree(REPO / "envs" / "common", tmp_path / "envs" / "common")
    result = terraform(
        ["init", "-backend=false", "-lockfile=readonly", "-input=false"], staged, real_provider_mirror
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (staged / ".terraform.lock.hcl").read_text() == lock_of(root), "init changed nothing in the lock"


def test_init_refuses_a_lock_without_the_mirror_package(real_provider_mirror, mirror_h1, tmp_path):
    """The broken twin: the same entry without this platform's hashes fails, so the check is real."""
    root = tmp_path / "state-backend"
    shutil.copytree(REPO / "state-backend", root, ignore=shutil.ignore_patterns(".terraform"))
    (tmp_path / "modules").symlink_to(REPO / "modules")  # the root's buckets come from ../modules/s3-bucket
    forged = "\n".join(
        line for line in lock_of("state-backend").splitlines() if mirror_h1 not in line and '"zh:' not in line
    )
    (root / ".terraform.lock.hcl").write_text(forged + "\n")
    result = terraform(
        ["init", "-backend=false", "-lockfile=readonly", "-input=false"], root, real_provider_mirror
    )
    assert result.returncode != 0
    assert "checksum" in (result.stdout + result.stderr).lower()
