"""Module READMEs carry prose and an inputs/outputs table generated from the source, kept current."""

from __future__ import annotations

import shutil

import pytest
from smartstack_tooling import docs

MODULES = docs.modules()


def test_every_tier_has_a_module():
    names = {m.name for m in MODULES}
    assert {
        "network",
        "data",
        "storage",
        "edge",
        "api",
        "compute",
        "messaging",
        "email",
        "secrets",
        "observability",
    } <= names


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_readme_table_is_generated_and_current(module):
    current, wanted = docs.updated_readme(module)
    assert current == wanted, f"{module.name}/README.md is stale: run `make docs`"
    prose = current.split(docs.BEGIN)[0]
    assert len(prose.split()) >= 40, "a module README explains what it builds and why, above the table"
    for variable in docs.module_variables(module):
        assert variable.description, f"variable {variable.name} has no description"
        assert f"| `{variable.name}` |" in current
    for output in docs.module_outputs(module):
        assert output.description, f"output {output.name} has no description"


def test_check_notices_a_changed_description(tmp_path):
    copy = tmp_path / "modules" / "network"
    shutil.copytree(docs.REPO / "modules" / "network", copy)
    variables = copy / "variables.tf"
    variables.write_text(variables.read_text().replace("IPv4 CIDR of the VPC.", "The VPC range."))
    assert docs.stale(tmp_path / "modules") == [copy]
    docs.generate(tmp_path / "modules")
    assert docs.stale(tmp_path / "modules") == []
    assert "The VPC range." in (copy / "README.md").read_text()
