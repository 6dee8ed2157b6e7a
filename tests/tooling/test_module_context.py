"""One module context: every module declares the same `context` variable (modules/*/context.tf, links to
the one modules/_context/context.tf) instead of its own environment, name_prefix, account_id, region and
partition inputs, and every env-root module call passes the env root's one local.context."""

from __future__ import annotations

import re

from smartstack_tooling.harness import hcl

from ..conftest import REPO

MODULES = sorted(p.parent for p in (REPO / "modules").glob("*/main.tf"))
FORMER_CONTEXT_INPUTS = ("environment", "name_prefix", "account_id", "region", "partition")


CONTEXT = REPO / "modules" / "_context" / "context.tf"


def test_every_module_links_the_one_context_file():
    assert 'variable "context"' in CONTEXT.read_text()
    not_linked = [
        module.name
        for module in MODULES
        if not (module / "context.tf").is_symlink() or (module / "context.tf").resolve() != CONTEXT.resolve()
    ]
    assert not_linked == []


def test_no_module_declares_a_context_input_of_its_own():
    declared = {
        f"{module.name}: variable {name}"
        for module in MODULES
        for path in module.glob("*.tf")
        for name in re.findall(r'^variable "([a-z_]+)"', path.read_text(), re.M)
        if name in FORMER_CONTEXT_INPUTS
    }
    assert sorted(declared) == []


def test_every_env_root_module_call_passes_the_one_context():
    with (REPO / "envs" / "common" / "main.tf").open() as handle:
        config = hcl.load(handle)
    calls = {name: body for block in config["module"] for name, body in block.items()}
    assert calls, "no module calls found"
    assert {
        name: body.get("context") for name, body in calls.items() if body.get("context") != "${local.context}"
    } == {}
