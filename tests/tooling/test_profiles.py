"""envs/profiles.json is the one home of the environment list and of what each environment must meet:
the env roots and the tooling read it, and a second copy fails here where it is cheap to detect."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from smartstack_tooling import paths, profiles
from smartstack_tooling.policy import RULES

from ..conftest import REPO

PYTHON_TREES = ("tooling", "tests", "benchmarks", "functions")


def test_every_env_root_is_a_profile_and_names_itself():
    roots = sorted(p.parent.name for p in (REPO / "envs").glob("*/environment.tf"))
    assert roots == sorted(profiles.ENVIRONMENTS)
    for env in profiles.ENVIRONMENTS:
        text = (REPO / "envs" / env / "environment.tf").read_text()
        assert re.search(rf'^\s*environment\s*=\s*"{env}"\s*$', text, re.M), env


def test_a_profile_with_a_missing_or_unknown_key_is_refused(tmp_path):
    document = json.loads(profiles.PROFILES_FILE.read_text())
    document["environments"]["dev"]["ha"] = True
    del document["environments"]["dev"]["waf_required"]
    broken = tmp_path / "profiles.json"
    broken.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=r"dev has keys \['ha'\] unknown and \['waf_required'\] missing"):
        profiles.load(broken)


def test_rules_required_in_some_environments_take_them_from_the_profiles():
    assert RULES["isolation.prod-deletion-protection"].envs == profiles.environments_where(
        "database_protected"
    )
    assert RULES["isolation.prod-prevent-destroy"].envs == profiles.environments_where(
        "prevent_destroy_required"
    )
    assert RULES["multi-az.prod-nat-per-az"].envs == profiles.environments_where("nat_per_az_required")


def _environment_name_collections(path: Path) -> list[str]:
    """Literal tuples, lists and sets of two or more environment names: a restated environment list."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) >= 2:
            names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(names) == len(node.elts) and set(names) <= set(profiles.ENVIRONMENTS):
                where = path.relative_to(REPO) if path.is_relative_to(REPO) else path.name
                found.append(f"{where}:{node.lineno} {names}")
    return found


def test_no_python_restates_the_environment_list():
    copies = [
        hit
        for tree in PYTHON_TREES
        for path in sorted((REPO / tree).rglob("*.py"))
        if ".venv" not in path.parts
        for hit in _environment_name_collections(path)
    ]
    assert copies == [], "read smartstack_tooling.profiles (envs/profiles.json) instead"


def test_the_duplicate_detector_sees_a_restated_list(tmp_path):
    sample = tmp_path / "restated.py"
    sample.write_text('PROTECTED = {"staging", "prod"}\nSTAGES = ["build", "prod"]\n')
    assert _environment_name_collections(sample) == ["restated.py:1 ['staging', 'prod']"]


ENV_COMPARISON = re.compile(
    r'(?:local|var)\.environment\s*[!=]=\s*"|"\s*[!=]=\s*(?:local|var)\.environment\b'
)
_NAMES = "|".join(profiles.ENVIRONMENTS)
ENV_NAME_LIST = re.compile(rf'"(?:{_NAMES})"\s*,\s*"(?:{_NAMES})"')


def test_no_terraform_compares_the_environment_name_or_lists_the_environments():
    """Modules take booleans and floors; env roots read local.profile (envs/profiles.json)."""
    comparisons = [
        f"{path.relative_to(REPO)}:{number}"
        for tree in paths.TERRAFORM_SOURCES
        for path in sorted(tree.rglob("*.tf"))
        if ".terraform" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ENV_COMPARISON.search(line) or ENV_NAME_LIST.search(line)
    ]
    assert comparisons == []
