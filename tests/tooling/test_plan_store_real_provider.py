"""Local-mode plans in the plan store: keyed by the emulator they ask (its account, moto, the emulator's
own source) and the real provider, never by the emulator's port. (A *real_provider* file: it starts
emulators, so it runs on the real-provider worker.)"""

from __future__ import annotations

import importlib.metadata

import pytest
from smartstack_tooling import paths
from smartstack_tooling.harness import emulator, plan_store, roots

ROOT = paths.REPO / "tests" / "modules" / "kms-key"


@pytest.fixture(scope="module")
def emulators(local_emulators):
    """dev's emulator, another of dev's account (another port), and staging's (another account)."""
    second = emulator.start(local_emulators["dev"].account_id)
    yield [local_emulators["dev"], second, local_emulators["staging"]]
    second.stop()


def staged_at(running: emulator.Emulator, label: str) -> roots.TerraformRoot:
    return roots.prepare(ROOT, "local", endpoint=running.url, label=f"test-plan-store-{label}")


def test_the_emulator_s_port_is_not_in_the_key_but_its_account_is(emulators):
    first, second = emulators[:2]
    assert first.url != second.url
    keys = [plan_store.key(staged_at(e, name), []) for e, name in zip(emulators, "abc", strict=True)]
    assert keys[0] == keys[1], "two fresh emulators of one account answer the same plan"
    assert keys[0] != keys[2], "another account is another plan"
    assert plan_store.key(staged_at(first, "a"), []) != plan_store.key(roots.prepare(ROOT, "offline"), []), (
        "a local plan is never an offline one"
    )


def test_moto_and_the_emulator_s_own_source_are_in_the_key(emulators, monkeypatch):
    root = staged_at(emulators[0], "a")
    before = plan_store.key(root, [])
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "9.9.9" if name == "moto" else real_version(name)
    )
    assert plan_store.key(root, []) != before
    monkeypatch.undo()
    monkeypatch.setattr(plan_store, "_EMULATOR_MODULES", (*plan_store._EMULATOR_MODULES, "plan_store.py"))
    assert plan_store.key(root, []) != before, "every emulator module's bytes are hashed"
