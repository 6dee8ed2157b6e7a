"""One hashicorp/aws version constraint, the same in every module, root and test root."""

from __future__ import annotations

from pathlib import Path

import pytest
from smartstack_tooling import paths
from smartstack_tooling.harness import hcl, toolchain

from ..conftest import REPO

TERRAFORM_DIRS = (*paths.TERRAFORM_SOURCES, REPO / "tests")  # shipped Terraform and the test roots


def aws_requirements() -> dict[str, str]:
    """file -> the aws version constraint its required_providers declares."""
    found: dict[str, str] = {}
    for top in TERRAFORM_DIRS:
        for path in sorted(top.rglob("*.tf")):
            if path.is_symlink() or ".terraform" in path.parts:
                continue  # envs/<env> link to envs/common: read once there
            with path.open() as handle:
                parsed = hcl.load(handle)
            for block in parsed.get("terraform", []):
                for providers in block.get("required_providers", []):
                    aws = providers.get("aws")
                    if aws is not None:
                        found[str(path.relative_to(REPO))] = aws["version"].strip('"')
    return found


def test_every_module_and_root_declares_the_same_aws_constraint():
    found = aws_requirements()
    modules = {p.parent.name for p in (REPO / "modules").glob("*/versions.tf")}
    assert {Path(f).parent.name for f in found if f.startswith("modules/")} == modules
    assert "envs/common/providers.tf" in found and "state-backend/versions.tf" in found
    differing = {f: v for f, v in found.items() if v != toolchain.AWS_PROVIDER_CONSTRAINT}
    assert differing == {}, f"declare version = {toolchain.AWS_PROVIDER_CONSTRAINT!r} everywhere"


def test_the_constraint_admits_the_real_v5_and_the_v6_stand_in():
    def parts(version: str) -> tuple[int, int]:
        major, minor = version.split(".")[:2]
        return int(major), int(minor)

    lower, upper = (parts(p.split()[1]) for p in toolchain.AWS_PROVIDER_CONSTRAINT.split(","))
    for version in ("5.100.0", toolchain.STANDIN_VERSION):
        assert lower <= parts(version) < upper


@pytest.mark.parametrize("module", sorted(p.name for p in (REPO / "modules").iterdir() if p.is_dir()))
def test_no_module_uses_the_v6_only_resource_region_argument(module):
    """Resource-level `region` exists only in provider v6: use a provider alias (aws.us_east_1)."""
    for path in (REPO / "modules" / module).glob("*.tf"):
        with path.open() as handle:
            parsed = hcl.load(handle)
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    assert "region" not in body, f"{path.name}: {rtype.strip(chr(34))}.{name.strip(chr(34))}"
