"""The deploy workflow's two steps against the environment `make up` applied: a reviewed plan is kept as
a bundle, and once another apply has changed the state the real Terraform refuses that bundle as stale,
which the tooling reports with what to do. (`make up` itself applies through a saved bundle.)"""

from __future__ import annotations

import json

import pytest
from smartstack_tooling.operations import apply, local_env, saved_plan

pytestmark = pytest.mark.smoke


def test_a_saved_plan_made_before_another_apply_is_refused_as_stale(applied, reviewed_plan, tmp_path):
    env, bundle, environ = applied.env, reviewed_plan.bundle, reviewed_plan.environ
    assert json.loads((bundle / saved_plan.MANIFEST).read_text())["env"] == env
    assert "resources" in (bundle / saved_plan.SUMMARY).read_text()

    # Another apply lands first: the state's serial moves on, as every apply that changes it does.
    root = local_env.stage(env, applied.emulator, lambda _line: None)
    state = json.loads(root.run(["state", "pull"]))
    state["serial"] += 1
    pushed = tmp_path / "state.json"
    pushed.write_text(json.dumps(state))
    root.run(["state", "push", str(pushed)])

    lines: list[str] = []
    code = apply.run(
        env, environ=environ, out=lines.append, ask=None, interactive=False, saved=bundle, deploy_steps=[]
    )
    output = "\n".join(lines)
    assert code == apply.EXIT_REFUSED, output
    assert "Saved plan is stale" in output and "STALE PLAN" in output
    assert f"make deploy-plan ENV={env}" in output
