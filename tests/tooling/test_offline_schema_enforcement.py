"""Terraform itself rejects, through the stand-in's schema, what the real provider's schema rejects.

Each case is validated by every CLI on the machine and must fail with Terraform's own diagnostic
(read from `terraform validate -json`), proving the schema, not the stand-in's code, refuses it.
"""

from __future__ import annotations

import pytest

from ..conftest import available_clis
from .offline_roots import OfflineRoot, make_root

CLIS = available_clis()


@pytest.fixture(scope="module", params=CLIS, ids=[f"{c.source}-{c.version}" for c in CLIS])
def root(request, tmp_path_factory) -> OfflineRoot:
    return make_root(tmp_path_factory.mktemp("schema"), request.param)


VALID_FUNCTION = """
resource "aws_lambda_function" "api" {
  function_name = "smartstack-test-api"
  role          = "arn:aws:iam::111111111111:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "api.zip"
  %s
}
"""


def _errors(result) -> list[tuple[str, str]]:
    assert result.returncode != 0, "Terraform accepted a configuration the schema forbids"
    return [(d["summary"], d["detail"]) for d in result.diagnostics() if d["severity"] == "error"]


def test_valid_configuration_passes(root):
    result = root.validate(VALID_FUNCTION % "vpc_config {\n subnet_ids = []\n security_group_ids = []\n}")
    assert result.returncode == 0, result.stdout
    assert result.diagnostics() == []


def test_unknown_argument_is_rejected(root):
    errors = _errors(
        root.validate('resource "aws_vpc" "x" {\n  cidr_block = "10.0.0.0/16"\n  bogus_argument = "x"\n}')
    )
    assert ("Unsupported argument", 'An argument named "bogus_argument" is not expected here.') in errors


def test_missing_required_argument_is_rejected(root):
    errors = _errors(root.validate('resource "aws_iam_role" "x" {\n  name = "x"\n}'))
    assert (
        "Missing required argument",
        'The argument "assume_role_policy" is required, but no definition was found.',
    ) in errors


def test_block_written_as_attribute_is_rejected(root):
    errors = _errors(
        root.validate(VALID_FUNCTION % "vpc_config = { subnet_ids = [], security_group_ids = [] }")
    )
    assert any(
        summary == "Unsupported argument" and 'define a block of type "vpc_config"' in detail
        for summary, detail in errors
    ), errors


def test_attribute_written_as_block_is_rejected(root):
    errors = _errors(root.validate('resource "aws_vpc" "x" {\n  tags {\n    Name = "x"\n  }\n}'))
    assert any(summary == "Unsupported block type" for summary, _ in errors), errors


def test_wrong_type_is_rejected(root):
    errors = _errors(root.validate('resource "aws_vpc" "x" {\n  enable_dns_support = "sometimes"\n}'))
    assert any(
        summary == "Incorrect attribute value type" and "a bool is required" in detail
        for summary, detail in errors
    ), errors


def test_too_many_blocks_for_max_items_is_rejected(root):
    two = "vpc_config {\n subnet_ids = []\n security_group_ids = []\n}\n" * 2
    errors = _errors(root.validate(VALID_FUNCTION % two))
    assert any(summary == "Too many vpc_config blocks" for summary, _ in errors), errors


def test_missing_required_block_is_rejected(root):
    body = """
resource "aws_cloudfront_distribution" "x" {
  enabled = true
  origin {
    domain_name = "example.s3.amazonaws.com"
    origin_id   = "web"
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"""
    errors = _errors(root.validate(body))
    assert any(summary == "Insufficient default_cache_behavior blocks" for summary, _ in errors), errors


def test_unknown_resource_type_is_rejected(root):
    errors = _errors(root.validate('resource "aws_not_a_thing" "x" {}'))
    assert any(summary == "Invalid resource type" for summary, _ in errors), errors
