"""The plan store never serves a stale plan: any change to what Terraform reads is planned again."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from smartstack_tooling import paths
from smartstack_tooling.harness import plan_store, roots, toolchain

ROOT = paths.REPO / "tests" / "modules" / "kms-key"
KEY_MODULE = Path("modules") / "kms-key" / "main.tf"


@pytest.fixture()
def staged(tmp_path: Path) -> roots.TerraformRoot:
    """tests/modules/kms-key staged into a workspace of its own, so the test may edit its modules."""
    shared = roots.prepare(ROOT, "offline")
    workdir = toolchain.stage(ROOT, tmp_path / "work")
    return roots.TerraformRoot(ROOT.resolve(), "offline", workdir, shared.env)


def fresh(root: roots.TerraformRoot) -> roots.TerraformRoot:
    """The same staged root with no warnings noted yet (a new run of the tooling)."""
    return roots.TerraformRoot(root.source, root.mode, root.workdir, root.env)


def key_policy(stored: plan_store.StoredPlan) -> dict:
    changes = {c["address"]: c for c in stored.plan["resource_changes"]}
    return json.loads(changes["module.files_key.aws_kms_key.this"]["change"]["after"]["policy"])


def test_a_one_character_change_to_a_module_is_planned_again(staged, tmp_path):
    store = tmp_path / "store"
    first = plan_store.plan(fresh(staged), store=store)
    again = plan_store.plan(fresh(staged), store=store)
    assert (first.hit, again.hit) == (False, True)
    assert again.plan == first.plan and again.key == first.key

    module = plan_store.workspace_of(staged) / KEY_MODULE
    text = module.read_text()
    assert '"KeyAdministrationByAccount"' in text
    module.write_text(text.replace('"KeyAdministrationByAccount"', '"KeyAdministrationByAccounT"', 1))
    changed = plan_store.plan(fresh(staged), store=store)
    assert changed.hit is False and changed.key != first.key
    assert key_policy(changed)["Statement"][0]["Sid"] == "KeyAdministrationByAccounT"


@pytest.mark.parametrize(
    "change",
    ["tfvars", "var", "environment", "cli", "function-zip", "named-path"],
)
def test_every_input_is_in_the_key(staged, tmp_path, monkeypatch, change):
    named = tmp_path / "named.txt"
    named.write_text("a")
    var_args = [f"-var=extra={named}"]
    before = plan_store.key(staged, var_args, environ={"TF_VAR_x": "1"})
    environ = {"TF_VAR_x": "1"}
    if change == "tfvars":
        tfvars = staged.workdir / "terraform.tfvars"
        tfvars.write_text(tfvars.read_text() + " ")
    elif change == "var":
        var_args = [*var_args, "-var=x=2"]
    elif change == "environment":
        environ = {"TF_VAR_x": "2"}
    elif change == "cli":
        other = toolchain.TerraformCli("/nonexistent/terraform", "9.9.9", "PATH")
        staged = roots.TerraformRoot(staged.source, staged.mode, staged.workdir, staged.env, cli=other)
    elif change == "function-zip":
        zips = tmp_path / "work" / "build"
        zips.unlink()  # the staged link to build/: a workspace of its own, one zip byte changed
        (zips / "functions" / "arm64").mkdir(parents=True)
        (zips / "functions" / "arm64" / "api.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    elif change == "named-path":
        named.write_text("b")
    assert plan_store.key(staged, var_args, environ=environ) != before


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("TF_CLI_ARGS_plan", True),
        ("SMARTSTACK_OFFLINE_ACCOUNT_ID", True),
        ("AWS_REGION", True),
        ("AWS_DEFAULT_REGION", True),
        ("AWS_ENDPOINT_URL", False),  # the functions' tests set it; no offline plan reads it
        ("HOME", False),
        ("SMARTSTACK_REQUIRE_REAL_PROVIDER", False),  # which tests run, not what a plan reads
        ("SMARTSTACK_REAL_PROVIDER_MIRROR", True),
    ],
)
def test_the_environment_variables_a_plan_reads_are_in_the_key(staged, name, counts):
    first, second = (plan_store.key(staged, [], environ={name: value}) for value in ("a", "b"))
    assert (first != second) is counts


def test_plans_against_real_state_are_never_stored(staged):
    real = roots.TerraformRoot(staged.source, "real", staged.workdir, staged.env)
    with pytest.raises(ValueError, match="only offline and local plans are stored"):
        plan_store.plan(real)


def test_turned_off_the_store_plans_every_time(staged, tmp_path, monkeypatch):
    store = tmp_path / "store"
    plan_store.plan(fresh(staged), store=store)
    monkeypatch.setenv(plan_store.STORE_ENV, "off")
    assert plan_store.plan(fresh(staged), store=store).hit is False


def test_pruning_keeps_the_newest_entries(tmp_path):
    store = tmp_path / "store"
    for index in range(5):
        entry = store / f"{index:02d}" / f"{index:02d}{'0' * 62}"
        entry.mkdir(parents=True)
        (entry / "meta.json").write_text("{}")
        os.utime(entry, (index, index))
    assert plan_store.prune(store, keep=2) == 3
    assert sorted(p.parent.name for p in store.glob("??/*")) == ["03", "04"]


def test_a_stored_plan_output_is_made_again_once_a_module_changes(staged, tmp_path):
    """plan -json outputs (the variable-validation tests' failing plans) are keyed like plans."""
    store, runs = tmp_path / "store", []

    def run(root: roots.TerraformRoot, var_args: list[str]) -> plan_store.PlanOutput:
        def plan_json():
            runs.append(var_args)
            cli = toolchain.terraform_cli()
            command = [cli.path, f"-chdir={root.workdir}", "plan", "-json", "-refresh=false", *var_args]
            return subprocess.run(command, env=dict(root.env), capture_output=True, text=True, timeout=300)

        return plan_store.json_output(root, var_args, ["plan", "-json", *var_args], plan_json, store=store)

    staged.init()
    bad = ['-var=context={"name_prefix": "x"}']  # refused: context is an object of more attributes
    first, again = run(fresh(staged), bad), run(fresh(staged), bad)
    assert (first.hit, again.hit, len(runs)) == (False, True, 1)
    assert first.returncode == again.returncode != 0 and again.stdout == first.stdout
    assert run(fresh(staged), []).returncode == 0 and len(runs) == 2  # other arguments: planned

    module = plan_store.workspace_of(staged) / KEY_MODULE
    module.write_text(module.read_text() + "\n")
    assert run(fresh(staged), bad).hit is False and len(runs) == 3
