"""Benchmark of the real-provider tier: plan time per environment with the stand-in and with the real
hashicorp/aws in local mode (same run, ratio), and with --apply the `make up` / `make down` of dev
(seconds, resources applied and left). Prints figures and the emulator workaround list; asserts nothing.

Run: .venv/bin/python benchmarks/real_provider_bench.py [--apply]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from smartstack_tooling.harness import emulator, emulator_workarounds, roots
from smartstack_tooling.operations import apply, local_env
from smartstack_tooling.reports import plan as planning


def plan_seconds(env: str, mode: str, endpoint: str | None = None) -> tuple[float, int]:
    """init + plan + show of one environment (the init is warm: the bench plans each mode once first)."""
    result = planning.plan_env(env, quiet=True, mode=mode, endpoint=endpoint, label=f"bench-{env}")
    created = sum(1 for c in result.plan["resource_changes"] if c["change"]["actions"] == ["create"])
    return result.seconds, created


def plans() -> None:
    print(f"{'env':8} {'stand-in s':>10} {'real s':>8} {'ratio':>6} {'resources':>9}")
    for env in planning.ENVIRONMENTS:
        running = emulator.start(apply.tfvars_account_id(env))
        try:
            for mode in ("offline", "local"):  # warm-up: provider installation and plugin caches
                plan_seconds(env, mode, running.url)
            offline, count = plan_seconds(env, "offline")
            real, real_count = plan_seconds(env, "local", running.url)
        finally:
            running.stop()
        same = "" if count == real_count else f" (real: {real_count})"
        print(f"{env:8} {offline:10.1f} {real:8.1f} {real / offline:5.1f}x {count:9d}{same}")


def up_down() -> None:
    lines: list[str] = []
    started = time.perf_counter()
    code = local_env.up("dev", lines.append)
    up_seconds = time.perf_counter() - started
    if code != 0:
        print("\n".join(lines[-30:]), file=sys.stderr)
        sys.exit(f"make up ENV=dev failed (exit {code})")
    running = emulator.load(local_env.workspace("dev") / "emulator.json")
    assert running is not None
    root = roots.prepare(local_env.toolchain.REPO / "envs" / "dev", "local", label=apply.local_label("dev"),
                         endpoint=running.url)  # fmt: skip
    applied = len(root.run(["state", "list"]).split())
    started = time.perf_counter()
    code = local_env.down("dev", lines.append)
    down_seconds = time.perf_counter() - started
    left = json.loads((local_env.workspace("dev") / "envs" / "dev" / "terraform.tfstate").read_text())[
        "resources"
    ]
    print(f"make up ENV=dev: {up_seconds:.0f} s, {applied} resources in state")
    print(f"make down ENV=dev: {down_seconds:.0f} s (exit {code}), {len(left)} resources left")


def workarounds() -> None:
    print("emulator workarounds (tests/tooling/test_emulator_workarounds.py):")
    for w in emulator_workarounds.WORKAROUNDS:
        print(f"  {w.id:44} moto {w.moto_version}  {w.api}: {w.bug}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply", action="store_true", help="also time make up / make down of dev")
    args = parser.parse_args()
    if roots.real_provider_mirror() is None:
        sys.exit(roots.MIRROR_MISSING.format(mirror=roots.DEFAULT_MIRROR))
    plans()
    if args.apply:
        up_down()
    workarounds()


if __name__ == "__main__":
    main()
