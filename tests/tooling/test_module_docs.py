"""Module READMEs carry prose and an inputs/outputs table generated from the source, kept current."""

from __future__ import annotations

import shutil

import pytest
from smartstack_tooling.reports import docs

MODULES = docs.modules()


def test_every_module_has_a_readme_with_generated_sections():
    assert [m.name for m in MODULES] == sorted(p.parent.name for p in docs.MODULES.glob("*/versions.tf"))
    for module in MODULES:
        text = (module / "README.md").read_text()
        assert docs.BEGIN in text and docs.BEGIN_USAGE in text, module.name


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
    usage = current.split(docs.BEGIN_USAGE)[1].split(docs.END_USAGE)[0]
    assert f'source = "../../modules/{module.name}"' in usage
    for example in docs.usage_examples(module):  # the test root's calls, verbatim but for the source
        assert example in usage


def test_check_notices_a_changed_test_root(tmp_path):
    modules, test_roots = tmp_path / "modules", tmp_path / "tests" / "modules"
    shutil.copytree(docs.REPO / "modules" / "network", modules / "network")
    shutil.copytree(docs.REPO / "tests" / "modules" / "network", test_roots / "network")
    assert docs.stale(modules, test_roots) == []
    main = test_roots / "network" / "main.tf"
    retention = "flow_log_retention_days    = {}"
    main.write_text(main.read_text().replace(retention.format(30), retention.format(90)))
    assert docs.stale(modules, test_roots) == [modules / "network"]
    docs.generate(modules, test_roots)
    assert retention.format(90) in (modules / "network" / "README.md").read_text()


def test_a_module_without_a_test_root_is_named(tmp_path):
    shutil.copytree(docs.REPO / "modules" / "network", tmp_path / "modules" / "network")
    with pytest.raises(LookupError, match="network has no test root"):
        docs.stale(tmp_path / "modules", tmp_path / "tests" / "modules")


def test_check_notices_a_changed_description(tmp_path):
    copy = tmp_path / "modules" / "network"
    shutil.copytree(docs.REPO / "modules" / "network", copy)
    variables = copy / "variables.tf"
    variables.write_text(variables.read_text().replace("IPv4 CIDR of the VPC.", "The VPC range."))
    assert docs.stale(tmp_path / "modules") == [copy]
    docs.generate(tmp_path / "modules")
    assert docs.stale(tmp_path / "modules") == []
    assert "The VPC range." in (copy / "README.md").read_text()


@pytest.mark.parametrize("root", docs.DOCUMENTED_ROOTS, ids=[r.name for r in docs.DOCUMENTED_ROOTS])
def test_root_readme_table_is_generated_and_current(root):
    current, wanted = docs.updated_root_readme(root)
    assert current == wanted, f"{root.name}/README.md is stale: run `make docs`"
    assert "## Usage" in current.split(docs.BEGIN)[0], "a root README says how to run it, above the table"
    for variable in docs.module_variables(root):
        assert variable.description and f"| `{variable.name}` |" in current
    for output in docs.module_outputs(root):
        assert output.description and f"| `{output.name}` |" in current


def test_check_notices_a_changed_root_variable(tmp_path):
    copy = tmp_path / "ci-access"
    shutil.copytree(docs.REPO / "ci-access", copy, ignore=shutil.ignore_patterns(".terraform*"))
    assert docs.stale_roots((copy,)) == []
    variables = copy / "variables.tf"
    variables.write_text(
        variables.read_text().replace('default     = "us-east-1"', 'default     = "eu-west-1"')
    )
    assert docs.stale_roots((copy,)) == [copy]
    docs.generate_roots((copy,))
    assert docs.stale_roots((copy,)) == [] and '`"eu-west-1"`' in (copy / "README.md").read_text()
