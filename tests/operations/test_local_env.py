"""`make up`/`make down` pieces that need no emulator run: protections are lifted only in the staged copy,
a retired toggle is removed there, and `down` without a running emulator destroys nothing."""

from __future__ import annotations

import json

import pytest
from smartstack_tooling.harness import emulator, roots
from smartstack_tooling.operations import local_env

from ..conftest import REPO


def test_lifting_prevent_destroy_touches_only_the_staged_modules(real_provider_mirror):
    staged = roots.prepare(REPO / "envs" / "dev", "local", endpoint="http://127.0.0.1:9", label="test-lift")
    source = {p: p.read_text() for p in (REPO / "modules").rglob("*.tf")}
    lines: list[str] = []
    local_env.lift_protections(staged.workdir, lines.append)
    assert {p: p.read_text() for p in (REPO / "modules").rglob("*.tf")} == source
    protected = sum(text.count("prevent_destroy = true") for text in source.values())
    assert protected > 0 and f"prevent_destroy lifted on {protected} resource(s)" in lines[0]
    staged_modules = staged.workdir.parents[1] / "modules"
    assert not any("prevent_destroy = true" in p.read_text() for p in staged_modules.rglob("*.tf"))
    # The next staging restores the product's protections in the copy.
    again = roots.prepare(REPO / "envs" / "dev", "local", endpoint="http://127.0.0.1:9", label="test-lift")
    restored = sum(
        p.read_text().count("prevent_destroy = true")
        for p in (again.workdir.parents[1] / "modules").rglob("*.tf")
    )
    assert restored == protected


def test_staging_removes_the_retired_dnssec_toggle(real_provider_mirror, monkeypatch):
    """A workspace from before the emulator served DNSSEC still holds the override that turned it off."""
    fake = emulator.Emulator("http://127.0.0.1:9", 0, "111111111111")
    monkeypatch.setattr(local_env.apply, "local_label", lambda env: "test-toggles")
    first = local_env.stage("dev", fake, [].append)
    (first.workdir / local_env.RETIRED_TOGGLES_FILE).write_text(
        'module "dns" {\n  dnssec_enabled = false\n}\n'
    )
    lines: list[str] = []
    again = local_env.stage("dev", fake, lines.append)
    assert not (again.workdir / local_env.RETIRED_TOGGLES_FILE).exists()
    assert any("serves DNSSEC" in line for line in lines)


def test_down_without_an_emulator_destroys_nothing_and_discards_stale_state(monkeypatch, tmp_path):
    monkeypatch.setattr(local_env, "workspace", lambda env: tmp_path)
    state = tmp_path / "envs" / "dev" / "terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text("{}")
    lines: list[str] = []
    assert local_env.down("dev", lines.append) == local_env.EXIT_OK
    assert "nothing to destroy" in lines[0] and not state.exists()


def test_unknown_environments_are_refused():
    lines: list[str] = []
    assert local_env.up("qa", lines.append) == local_env.EXIT_REFUSED
    assert local_env.down("qa", lines.append) == local_env.EXIT_REFUSED
    assert all("choose from dev, staging, prod" in line for line in lines)


def test_down_destroys_every_access_logging_configuration_first_and_nothing_else(env_plans):
    for env, plan in env_plans.items():
        addresses = [change["address"] for change in plan.json["resource_changes"]]
        logging = {a for a in addresses if a.split(".")[-2] == "aws_s3_bucket_logging"}
        assert logging, f"{env}: no access logging planned"
        assert set(local_env.access_logging_addresses(addresses)) == logging, env
    assert local_env.access_logging_addresses(['module.m.aws_s3_bucket_logging.this["a.b"]']) == [
        'module.m.aws_s3_bucket_logging.this["a.b"]'
    ]
    assert local_env.access_logging_addresses(["module.aws_s3_bucket_logging.aws_s3_bucket.x"]) == []


def test_down_after_a_refused_up_stops_the_emulator_it_started(monkeypatch, tmp_path):
    """A guard refused `make up` before its apply: the emulator runs, but no state exists to destroy from."""
    monkeypatch.setattr(local_env, "workspace", lambda env: tmp_path)
    running = emulator.start("111111111111", log=tmp_path / "emulator.log")
    emulator.save(running, tmp_path / "emulator.json")
    lines: list[str] = []
    try:
        assert local_env.down("dev", lines.append) == local_env.EXIT_OK
    finally:
        running.stop()
    assert "nothing was applied" in lines[0] and not running.alive()
    assert not (tmp_path / "emulator.json").exists()


def test_an_adopted_state_becomes_make_ups_environment(monkeypatch, tmp_path):
    """`make upgrade-check KEEP=1` hands what it applied to `make up`: state and emulator in its workspace."""
    monkeypatch.setattr(local_env, "workspace", lambda env: tmp_path / "up")
    monkeypatch.setattr(local_env, "stage", lambda env, emu, out: None)
    monkeypatch.setattr(local_env, "running_emulator", lambda env: None)
    applied = tmp_path / "release" / "terraform.tfstate"
    applied.parent.mkdir()
    applied.write_text('{"serial": 7}')
    (tmp_path / "up" / "envs" / "dev").mkdir(parents=True)
    handed = emulator.Emulator("http://127.0.0.1:1", 1, "111111111111")
    lines: list[str] = []
    local_env.adopt("dev", handed, applied, lines.append)
    assert (tmp_path / "up" / "envs" / "dev" / "terraform.tfstate").read_text() == '{"serial": 7}'
    assert not applied.exists()  # one state, one owner
    assert json.loads((tmp_path / "up" / "emulator.json").read_text())["url"] == handed.url
    assert "make up ENV=dev" in lines[-1] and "make down ENV=dev" in lines[-1]


def test_adopting_over_a_running_environment_is_refused(monkeypatch, tmp_path):
    running = emulator.Emulator("http://127.0.0.1:2", 2, "111111111111")
    monkeypatch.setattr(local_env, "running_emulator", lambda env: running)
    applied = tmp_path / "terraform.tfstate"
    applied.write_text("{}")
    with pytest.raises(RuntimeError, match=r"run `make down ENV=dev` first"):
        local_env.adopt("dev", running, applied, print)
    assert applied.exists()
