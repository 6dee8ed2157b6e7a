"""Benchmark of the offline stand-in: plugin start-up, schema round trip, and plan time per environment.

Prints figures; it asserts nothing (performance targets are read, not timed in tests).
Run: .venv/bin/python benchmarks/offline_provider_bench.py [--runs N] [--skip-plans]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time

import grpc
from smartstack_offline_provider import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE
from smartstack_tooling.harness import toolchain
from smartstack_tooling.reports import plan as planning
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc


def _plugin_path() -> str:
    toolchain.install_standin()
    mirror = toolchain.OFFLINE / "mirror"
    return str(next(mirror.rglob(f"terraform-provider-aws_v{toolchain.STANDIN_VERSION}")))


def plugin_start(runs: int) -> tuple[list[float], list[float]]:
    """Seconds from exec to the handshake line, and for the first GetProviderSchema answer."""
    path = _plugin_path()
    env = {**os.environ, MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "PLUGIN_PROTOCOL_VERSIONS": "6"}
    env.pop("PLUGIN_CLIENT_CERT", None)  # plain gRPC: measures the plugin, not TLS set-up
    handshakes, schemas = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([path], stdout=subprocess.PIPE, env=env, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        handshakes.append(time.perf_counter() - started)
        address = line.split("|")[3]
        with grpc.insecure_channel(
            f"unix://{address}", options=[("grpc.max_receive_message_length", 256 << 20)]
        ) as channel:
            response = rpc.ProviderStub(channel).GetProviderSchema(pb.GetProviderSchema.Request())
        schemas.append(time.perf_counter() - started)
        assert len(response.resource_schemas) > 1000
        proc.terminate()
        proc.wait()
    return handshakes, schemas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-plans", action="store_true")
    args = parser.parse_args()
    handshakes, schemas = plugin_start(args.runs)
    print(
        f"plugin start to handshake: median {statistics.median(handshakes) * 1000:.0f} ms "
        f"(min {min(handshakes) * 1000:.0f}, max {max(handshakes) * 1000:.0f}, {args.runs} runs)"
    )
    print(f"plugin start to full schema served: median {statistics.median(schemas) * 1000:.0f} ms")
    if args.skip_plans:
        return
    cli = toolchain.terraform_cli()
    print(f"plans with Terraform {cli.version} ({cli.source}), init + plan + show -json:")
    for env in planning.ENVIRONMENTS:
        result = planning.plan_env(env, quiet=True)
        resources = sum(planning.resource_counts(result.plan).values())
        print(f"  {env:8s} {result.seconds:6.1f} s  {resources} resources")


if __name__ == "__main__":
    main()
