"""Placeholders are marked, and a real apply refuses to run while any is left, naming each."""

from __future__ import annotations

import pytest
from smartstack_tooling.harness import placeholders
from smartstack_tooling.operations import apply

from ..conftest import ENVIRONMENTS

SETTINGS = ("account_id", "domain_name", "ses_sender_address", "alarm_email_addresses", "auth/token-issuer")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_placeholder_setting_is_found(env):
    found = "\n".join(placeholders.find(env))
    for setting in SETTINGS:
        assert setting in found, f"{setting} of {env} is not marked as a placeholder"
    assert f"envs/{env}/backend.hcl" in found


def test_reserved_domains_are_placeholders_even_unmarked(tmp_path):
    (tmp_path / "envs" / "dev").mkdir(parents=True)
    (tmp_path / "envs" / "dev" / "terraform.tfvars").write_text(
        'domain_name = "dev.corp.example.org"\nowner = "platform" # ours\nsite = "shop.test"\n'
        'real_domain = "smartstack.io"\n'
    )
    found = placeholders.find("dev", tmp_path)
    assert [f.split(":")[1] for f in found] == ["1", "3"]
    assert "example.org is a reserved domain" in found[0]


def test_a_real_apply_refuses_before_packaging_or_terraform():
    calls: list[str] = []
    lines: list[str] = []
    code = apply.run(
        "staging",
        environ={"SMARTSTACK_PROVIDER": "real"},
        caller=lambda: calls.append("caller") or "222222222222",
        terraform=lambda args, *_: calls.append(args[0]) or "",
        package=lambda: calls.append("package"),
        out=lines.append,
    )
    output = "\n".join(lines)
    assert code == apply.EXIT_REFUSED and calls == []
    assert "PLACEHOLDERS" in output and "envs/staging/terraform.tfvars:3: account_id" in output


def test_offline_and_local_runs_are_not_refused_for_placeholders():
    lines: list[str] = []
    code = apply.run(
        "dev",
        environ={},
        caller=lambda: "999999999999",  # the account guard answers instead
        package=lambda: None,
        out=lines.append,
    )
    assert code == apply.EXIT_REFUSED and "ACCOUNT MISMATCH" in "\n".join(lines)
