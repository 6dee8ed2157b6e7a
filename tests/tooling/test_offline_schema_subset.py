"""The stand-in serves only the types a configuration names, each exactly as in the full schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from smartstack_offline_provider import used_type_names
from smartstack_tooling.harness import toolchain

from .offline_roots import HEADER, OfflineRoot, make_root

MODULE = """
resource "aws_sqs_queue" "this" {}

data "aws_iam_policy_document" "this" {}
"""

ROOT = """
module "queue" {
  source = "./queue"
}

resource "aws_sns_topic" "this" {}
"""


def _without_description_kind(value):
    # Terraform adds description_kind to every schema it prints; the cache stores none.
    if isinstance(value, dict):
        return {k: _without_description_kind(v) for k, v in value.items() if k != "description_kind"}
    if isinstance(value, list):
        return [_without_description_kind(v) for v in value]
    return value


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> OfflineRoot:
    path = tmp_path_factory.mktemp("subset")
    (path / "queue").mkdir()
    (path / "queue" / "main.tf").write_text(MODULE)
    root = make_root(path, toolchain.terraform_cli())
    root.write(ROOT)
    result = root.run("init", "-input=false", "-no-color")
    assert result.returncode == 0, result.stderr
    return root


def test_serves_the_types_of_the_root_and_its_modules_as_the_full_schema_has_them(root):
    shown = json.loads(root.run("providers", "schema", "-json").stdout)
    (served,) = shown["provider_schemas"].values()
    full = json.loads(toolchain.schema_cache().schema_json.read_text())
    assert set(served["resource_schemas"]) == {"aws_sns_topic", "aws_sqs_queue"}
    # Data sources of the same names exist; the scan does not tell a resource from a data source.
    assert set(served["data_source_schemas"]) == {"aws_iam_policy_document", "aws_sns_topic", "aws_sqs_queue"}
    for kind in ("resource_schemas", "data_source_schemas"):
        for name, schema in served[kind].items():
            assert _without_description_kind(schema) == full[kind][name], name
    assert _without_description_kind(served["provider"]) == full["provider"]


def test_a_type_left_out_cannot_pass_silently(root, tmp_path):
    plan = root.run("plan", "-input=false", "-no-color", "-out=tfplan")
    assert plan.returncode == 0, plan.stderr
    elsewhere = make_root(tmp_path, root.cli)
    elsewhere.write('resource "aws_s3_bucket" "this" {}\n')
    shown = elsewhere.run("show", "-json", str(root.path / "tfplan"))
    assert shown.returncode != 0
    assert "no schema found for aws_s" in shown.stderr


def _write(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def test_names_come_from_every_configuration_file_and_module(tmp_path):
    _write(tmp_path / "main.tf", HEADER + ROOT + "# moved from aws_sqs_queue_policy\n")
    _write(tmp_path / "extra.tf.json", '{"resource": {"aws_kms_key": {"k": {}}}}')
    _write(tmp_path / "queue" / "main.tf", MODULE)
    _write(tmp_path / "queue" / "notes.md", 'resource "aws_vpc" "ignored" {}')
    manifest = {"Modules": [{"Key": "", "Dir": "."}, {"Key": "queue", "Dir": "queue"}]}
    _write(tmp_path / ".terraform" / "modules" / "modules.json", json.dumps(manifest))
    assert used_type_names(tmp_path, {}) == {
        "aws_sns_topic",
        "aws_sqs_queue",
        "aws_sqs_queue_policy",
        "aws_kms_key",
        "aws_iam_policy_document",
    }


def test_manifest_is_read_from_tf_data_dir(tmp_path):
    _write(tmp_path / "root" / "main.tf", ROOT)
    _write(tmp_path / "root" / "queue" / "main.tf", MODULE)
    manifest = {"Modules": [{"Key": "queue", "Dir": "queue"}]}
    _write(tmp_path / "data" / "modules" / "modules.json", json.dumps(manifest))
    names = used_type_names(tmp_path / "root", {"TF_DATA_DIR": str(tmp_path / "data")})
    assert names == {"aws_sns_topic", "aws_sqs_queue", "aws_iam_policy_document"}


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="no-configuration"),
        pytest.param({"main.tf": ROOT}, id="module-call-before-init"),
        pytest.param(
            {"main.tf": ROOT, ".terraform/modules/modules.json": json.dumps({"Modules": [{"Dir": "gone"}]})},
            id="manifest-names-a-missing-directory",
        ),
        pytest.param({"main.tf": ROOT, ".terraform/modules/modules.json": "{"}, id="unreadable-manifest"),
        pytest.param({"main.tf": MODULE, "queue.tftest.hcl": "run {}"}, id="terraform-test-files"),
    ],
)
def test_whole_schema_when_the_configuration_cannot_be_read_in_full(tmp_path, files):
    for name, body in files.items():
        _write(tmp_path / name, body)
    assert used_type_names(tmp_path, {}) is None
