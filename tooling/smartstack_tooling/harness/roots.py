"""One way to stage and run a Terraform root in any provider mode: plan, apply, validate, the state backend
and the test fixture all go through :func:`prepare`.

Provider modes (``SMARTSTACK_PROVIDER``):

- ``offline`` (default): the stand-in for hashicorp/aws 6.x (test infrastructure). The root is staged
  under ``build/offline/work`` with a local backend; nothing reaches AWS or creates anything.
- ``local``: the real hashicorp/aws from a filesystem mirror (``SMARTSTACK_REAL_PROVIDER_MIRROR``,
  default ``/opt/tf-plugins`` when it holds one), every AWS endpoint pointed at a local emulator
  (``SMARTSTACK_LOCAL_ENDPOINT``, started by :mod:`smartstack_tooling.harness.emulator`), fake
  credentials. The root is staged under ``build/local/<label>`` with a local backend, so its state lives
  there too.
- ``real``: AWS. The root runs in place with its S3 backend (``-backend-config=backend.hcl``).

What is local-only (backend, endpoints, credentials) is written into generated ``*_override.tf``
files in the staged copy; the product's own providers and backends are never edited.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from .. import paths
from . import hcl, toolchain

MODES = ("offline", "local", "real")
MODE_ENV = toolchain.PROVIDER_MODE_ENV
MIRROR_ENV = "SMARTSTACK_REAL_PROVIDER_MIRROR"
DEFAULT_MIRROR = Path("/opt/tf-plugins")
ENDPOINT_ENV = "SMARTSTACK_LOCAL_ENDPOINT"
LOCAL = paths.LOCAL
AWS_PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"

# Endpoint keys of every AWS service the product's resources and data sources call (the same names in
# provider v5 and v6), and sts, which the provider itself calls for allowed_account_ids.
# tests/tooling/test_roots.py proves every configured resource type is covered.
LOCAL_SERVICES = (
    "acm",
    "apigateway",
    "cloudfront",
    "cloudwatch",
    "codedeploy",
    "ec2",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sesv2",
    "sns",
    "sqs",
    "ssm",
    "sts",
    "wafv2",
)
# Resources applied or destroyed at once on the emulator (Terraform's default is 10). The emulator answers
# at once and has no rate limits; what takes time are the provider's fixed waits (SQS attribute
# propagation ~25 s, Route 53 INSYNC ~15 s, KMS key policy ~12 s), which overlap when more are in flight.
# Against AWS (real mode) Terraform's default stands.
LOCAL_PARALLELISM = 40
# The emulator's fake credentials (never real ones: local mode drops any AWS credentials it inherits).
LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY = "smartstack-local", "smartstack-local"

# Warning diagnostics that say nothing about the configuration, with why they are not shown.
EXPECTED_WARNINGS = {
    "Incomplete lock file information for providers": (
        "staged copies get a throwaway lock file with this platform's hash only; the committed lock "
        "files are generated for every platform (README 'Lock files')"
    ),
}


class TerraformFailed(RuntimeError):
    """A Terraform command that exited non-zero; ``code`` is its exit status (None when unknown)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class ModeUnavailable(RuntimeError):
    """The requested provider mode cannot run on this machine; the message says how to enable it."""


def provider_mode(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    mode = environ.get(MODE_ENV, "offline")
    if mode not in MODES:
        raise ModeUnavailable(f"{MODE_ENV} must be one of {', '.join(MODES)}, not {mode!r}.")
    return mode


def mirror_versions(mirror: Path) -> list[str]:
    """hashicorp/aws versions with a binary for this platform in a filesystem mirror (unpacked layout)."""
    platform = toolchain.platform_name()
    base = mirror / AWS_PROVIDER
    if not base.is_dir():
        return []
    return sorted(v.name for v in base.iterdir() if any((v / platform).glob("terraform-provider-aws_v*")))


def real_provider_mirror(environ: Mapping[str, str] | None = None) -> Path | None:
    """The filesystem mirror holding a real hashicorp/aws, or None when this machine has none."""
    environ = os.environ if environ is None else environ
    mirror = Path(environ.get(MIRROR_ENV) or DEFAULT_MIRROR)
    return mirror if mirror_versions(mirror) else None


MIRROR_MISSING = (
    "no real hashicorp/aws in a filesystem mirror ({mirror}). On a connected machine run "
    "`terraform providers mirror -platform=linux_amd64 <dir>` in envs/dev, copy <dir> here and set "
    f"{MIRROR_ENV}=<dir> (default {DEFAULT_MIRROR})."
)


_WARNING = re.compile(r"^(?:│ )?Warning: (.+)$", re.M)


def warnings_in(output: str) -> list[str]:
    """Summaries of the warning diagnostics in Terraform's human output (-no-color)."""
    return [w.strip() for w in _WARNING.findall(output)]


def classify_warnings(found: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split warning summaries into (meaningful, expected); only the first are shown and fail the suite."""
    meaningful = [w for w in found if w not in EXPECTED_WARNINGS]
    return meaningful, [w for w in found if w in EXPECTED_WARNINGS]


def run_terraform(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    capture: bool = False,
    cli: toolchain.TerraformCli | None = None,
) -> str:
    cli = cli or toolchain.terraform_cli()
    command = [cli.path, f"-chdir={cwd}", *args]
    if capture:
        proc = subprocess.run(command, env=dict(env), text=True, capture_output=True)
        stdout, detail = proc.stdout or "", proc.stderr or ""
    else:  # streamed to the user; errors are also kept, so callers can tell what failed
        streamed = subprocess.Popen(command, env=dict(env), text=True, stderr=subprocess.PIPE)
        kept: list[str] = []
        for line in streamed.stderr or []:
            sys.stderr.write(line)
            kept = [*kept[-400:], line]
        proc = subprocess.CompletedProcess(command, streamed.wait())
        stdout, detail = "", "".join(kept)
    if proc.returncode != 0:
        raise TerraformFailed(
            f"terraform {args[0]} failed in {cwd} (exit {proc.returncode})\n{detail}", proc.returncode
        )
    return stdout


@dataclass(frozen=True)
class TerraformRoot:
    """A root module ready to run: where Terraform runs (``workdir``), with which environment."""

    source: Path
    mode: str
    workdir: Path
    env: Mapping[str, str]
    backend_config: Path | None = None
    endpoint: str | None = None
    cli: toolchain.TerraformCli | None = None  # None: toolchain.terraform_cli()
    warnings: list[str] = field(default_factory=list, compare=False)

    def run(self, args: Sequence[str], capture: bool = True) -> str:
        return run_terraform(args, self.workdir, self.env, capture, self.cli)

    def init_args(self, backend: bool = True) -> list[str]:
        args = ["init", "-input=false", "-no-color"]
        if not backend:
            args.append("-backend=false")
        elif self.backend_config is not None:
            args.append(f"-backend-config={self.backend_config}")
        return args

    def init(self, backend: bool = True) -> str:
        # One init at a time per workspace: concurrent test workers (and `make plan`) share staged roots.
        with FileLock(str(self.workdir / ".terraform.init.lock")):
            return self._noting_warnings(self.run(self.init_args(backend)))

    def plan(self, plan_file: Path, extra: Sequence[str] = (), capture: bool = True) -> str:
        args = ["plan", "-input=false", "-no-color", "-lock=false", f"-out={plan_file}", *extra]
        return self._noting_warnings(self.run(args, capture))

    def show_json(self, plan_file: Path) -> str:
        return self.run(["show", "-json", str(plan_file)])

    def apply(self, plan_file: Path, capture: bool = False) -> str:
        return self.run(["apply", "-input=false", "-no-color", str(plan_file)], capture)

    def outputs(self) -> dict[str, object]:
        return {k: v["value"] for k, v in json.loads(self.run(["output", "-json"])).items()}

    def _noting_warnings(self, output: str) -> str:
        self.warnings.extend(warnings_in(output))
        return output


def prepare(
    root: Path,
    mode: str | None = None,
    *,
    label: str | None = None,
    endpoint: str | None = None,
    environ: Mapping[str, str] | None = None,
    cli: toolchain.TerraformCli | None = None,
) -> TerraformRoot:
    """Stage (offline, local) or locate (real) the root module at ``root`` for ``mode``.

    ``label`` names the local workspace (``build/local/<label>``; default the root's directory name),
    so that a `make up` state and a test plan never share one. ``endpoint`` is the emulator's URL in
    local mode (default ``SMARTSTACK_LOCAL_ENDPOINT``).
    """
    environ = os.environ if environ is None else environ
    mode = mode or provider_mode(environ)
    root = root.resolve()
    if mode == "real":
        backend = root / "backend.hcl"
        return TerraformRoot(
            root, mode, root, toolchain.terraform_env(), backend if backend.exists() else None, cli=cli
        )
    if mode == "offline":
        config = toolchain.install_standin()
        staged = toolchain.stage(root, paths.OFFLINE / "work")
        return TerraformRoot(root, mode, staged, toolchain.terraform_env(config), cli=cli)
    if mode != "local":
        raise ModeUnavailable(f"{MODE_ENV} must be one of {', '.join(MODES)}, not {mode!r}.")
    mirror = real_provider_mirror(environ)
    if mirror is None:
        raise ModeUnavailable(MIRROR_MISSING.format(mirror=environ.get(MIRROR_ENV) or DEFAULT_MIRROR))
    endpoint = endpoint or environ.get(ENDPOINT_ENV)
    if not endpoint:
        raise ModeUnavailable(
            f"local mode needs the emulator's URL: start one with `python -m smartstack_tooling emulator "
            f"start <env>` (make up does) or set {ENDPOINT_ENV}."
        )
    work = LOCAL / (label or root.name)
    return local_root_at(toolchain.stage(root, work), endpoint, mirror, source=root, cli=cli)


def local_root_at(
    staged: Path,
    endpoint: str,
    mirror: Path,
    *,
    source: Path | None = None,
    cli: toolchain.TerraformCli | None = None,
) -> TerraformRoot:
    """A root already laid out at ``staged`` (a staged copy, or a release's own checkout) run in local
    mode: its aws providers pointed at the emulator at ``endpoint``, the real provider from ``mirror``."""
    if toolchain._declares_backend(staged):
        _write_if_changed(staged / f"{toolchain.GENERATED_PREFIX}backend{toolchain.GENERATED_SUFFIX}",
                          toolchain._BACKEND_OVERRIDE)  # fmt: skip
    _write_if_changed(staged / LOCAL_OVERRIDE_FILE, local_provider_override(staged, endpoint))
    env = {k: v for k, v in toolchain.terraform_env(local_cli_config(mirror)).items() if not _aws_secret(k)}
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_REGION=env.get("AWS_REGION", "us-east-1"))
    env.update(
        {f"TF_CLI_ARGS_{command}": f"-parallelism={LOCAL_PARALLELISM}" for command in ("apply", "destroy")}
    )
    return TerraformRoot(source or staged, "local", staged, env, endpoint=endpoint, cli=cli)


def _aws_secret(name: str) -> bool:
    """Inherited credentials and profiles must never reach a local run (they would name a real account)."""
    return name in {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
    }


def local_cli_config(mirror: Path) -> Path:
    config = LOCAL / "terraformrc"
    config.parent.mkdir(parents=True, exist_ok=True)
    _write_if_changed(
        config,
        "# Local mode: the real hashicorp/aws from a filesystem mirror, no other installation source.\n"
        "disable_checkpoint = true\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n'
        "  }\n"
        "}\n",
    )
    return config


def provider_aliases(directory: Path) -> list[str | None]:
    """The aws provider configurations a root declares (None for the default one), read from its HCL."""

    aliases: list[str | None] = []
    for path in sorted(directory.glob("*.tf")):
        if path.name.endswith("_override.tf"):
            continue
        with path.open() as handle:
            parsed = hcl.load(handle)
        for block in parsed.get("provider", []):
            for name, body in block.items():
                if name.strip('"') == "aws":
                    alias = body.get("alias")  # python-hcl2 keeps string quotes
                    aliases.append(alias.strip('"') if isinstance(alias, str) else None)
    return aliases or [None]


LOCAL_OVERRIDE_FILE = "smartstack_local_provider_override.tf"


def local_provider_override(staged: Path, endpoint: str) -> str:
    """Override every aws provider block of the root: emulator endpoints, fake credentials."""
    endpoints = "\n".join(f"    {service:<14} = {json.dumps(endpoint)}" for service in LOCAL_SERVICES)
    blocks = []
    for alias in provider_aliases(staged):
        alias_line = f"  alias = {json.dumps(alias)}\n\n" if alias else ""
        blocks.append(
            'provider "aws" {\n'
            f"{alias_line}"
            f"  access_key                  = {json.dumps(LOCAL_ACCESS_KEY)}\n"
            f"  secret_key                  = {json.dumps(LOCAL_SECRET_KEY)}\n"
            "  skip_credentials_validation = true\n"
            "  skip_metadata_api_check     = true\n"
            "  s3_use_path_style           = true\n\n"
            "  endpoints {\n"
            f"{endpoints}\n"
            "  }\n"
            "}\n"
        )
    header = (
        "# Written by smartstack_tooling (local mode): every AWS call goes to the local emulator at\n"
        f"# {endpoint}, with fake credentials. Never part of the product.\n"
    )
    return header + "\n".join(blocks)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        toolchain.write_atomically(path, text.encode())
