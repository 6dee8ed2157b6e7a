"""Throwaway root modules, initialised once per CLI against the stand-in, for behaviour tests."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smartstack_tooling.harness import toolchain

HEADER = """
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]

  default_tags {
    tags = { Environment = "test" }
  }
}
"""


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    def diagnostics(self) -> list[dict[str, Any]]:
        return json.loads(self.stdout)["diagnostics"]


@dataclass
class OfflineRoot:
    """A root module in a temp dir: rewrite its main.tf, then run Terraform commands in it."""

    path: Path
    cli: toolchain.TerraformCli
    env: dict[str, str]

    def write(self, body: str) -> None:
        (self.path / "main.tf").write_text(HEADER + body)

    def run(self, *args: str, extra_env: dict[str, str] | None = None) -> Result:
        proc = subprocess.run(
            [self.cli.path, f"-chdir={self.path}", *args],
            capture_output=True,
            text=True,
            env={**self.env, **(extra_env or {})},
            timeout=300,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def validate(self, body: str) -> Result:
        self.write(body)
        return self.run("validate", "-json", "-no-color")


def make_root(path: Path, cli: toolchain.TerraformCli) -> OfflineRoot:
    config = toolchain.install_standin()
    root = OfflineRoot(path, cli, toolchain.terraform_env(config))
    root.write("")
    result = root.run("init", "-input=false", "-no-color")
    assert result.returncode == 0, result.stderr
    return root
