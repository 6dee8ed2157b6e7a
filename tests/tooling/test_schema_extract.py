"""The extracted v6 schema says what the provider's source says, for shapes that matter to us."""

from __future__ import annotations

import json
from typing import Any

import pytest
from smartstack_tooling.harness import toolchain


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(toolchain.schema_cache().schema_json.read_text())


def _attr(schema: dict[str, Any], resource: str, *path: str) -> dict[str, Any]:
    block = schema["resource_schemas"][resource]["block"]
    for name in path[:-1]:
        block = block["block_types"][name]["block"]
    return block["attributes"][path[-1]]


def test_every_resource_and_data_source_of_the_source_is_there(schema):
    # cdktn-provider-aws 25.8.1 declares 1,735 resources and 685 data sources (classes extending
    # TerraformResource / TerraformDataSource); nothing may be dropped on the way.
    assert len(schema["resource_schemas"]) == 1735
    assert len(schema["data_source_schemas"]) == 685
    assert schema["_extraction"]["provider_version"] == "6.69.1"


def test_flags_and_types_of_plain_attributes(schema):
    assert _attr(schema, "aws_iam_role", "assume_role_policy") == {"required": True, "type": "string"}
    assert _attr(schema, "aws_vpc", "cidr_block") == {"optional": True, "computed": True, "type": "string"}
    assert _attr(schema, "aws_vpc", "arn") == {"computed": True, "type": "string"}
    assert _attr(schema, "aws_lambda_function", "layers")["type"] == ["list", "string"]
    assert _attr(schema, "aws_lambda_function", "vpc_config", "subnet_ids")["type"] == ["set", "string"]
    assert _attr(schema, "aws_s3_bucket", "tags")["type"] == ["map", "string"]
    assert _attr(schema, "aws_db_instance", "multi_az") == {
        "optional": True,
        "computed": True,
        "type": "bool",
    }


def test_blocks_keep_nesting_mode_and_item_limits(schema):
    function = schema["resource_schemas"]["aws_lambda_function"]["block"]["block_types"]
    assert function["vpc_config"]["nesting_mode"] == "list"
    assert function["vpc_config"]["max_items"] == 1
    assert function["timeouts"]["nesting_mode"] == "single"
    distribution = schema["resource_schemas"]["aws_cloudfront_distribution"]["block"]["block_types"]
    assert distribution["origin"]["nesting_mode"] == "set"
    assert distribution["default_cache_behavior"]["min_items"] == 1
    assert distribution["default_cache_behavior"]["max_items"] == 1


def test_attribute_mode_blocks_are_attributes_of_object_type(schema):
    # SDKv2 ConfigModeAttr: `ingress = []` is legal, so ingress is an attribute, not a block.
    ingress = _attr(schema, "aws_security_group", "ingress")
    assert ingress["type"][0] == "set"
    assert ingress["type"][1][0] == "object"
    assert ingress["type"][1][1]["security_groups"] == ["set", "string"]
    assert "ingress" not in schema["resource_schemas"]["aws_security_group"]["block"].get("block_types", {})


def test_computed_nested_objects_are_typed(schema):
    cache_nodes = _attr(schema, "aws_elasticache_cluster", "cache_nodes")
    assert cache_nodes == {
        "computed": True,
        "type": [
            "list",
            [
                "object",
                {
                    "address": "string",
                    "availability_zone": "string",
                    "id": "string",
                    "outpost_arn": "string",
                    "port": "number",
                },
            ],
        ],
    }


def test_provider_block(schema):
    provider = schema["provider"]["block"]
    assert provider["attributes"]["allowed_account_ids"]["type"] == ["set", "string"]
    assert provider["attributes"]["region"] == {"optional": True, "type": "string"}
    assert provider["block_types"]["default_tags"]["block"]["attributes"]["tags"]["type"] == ["map", "string"]


def test_waf_statement_tree_is_grafted_not_left_untyped(schema):
    rule = schema["resource_schemas"]["aws_wafv2_web_acl"]["block"]["block_types"]["rule"]["block"]
    statement = rule["block_types"]["statement"]
    assert (statement["min_items"], statement["max_items"]) == (1, 1)
    managed = statement["block"]["block_types"]["managed_rule_group_statement"]["block"]
    assert managed["attributes"]["vendor_name"]["required"] is True
    assert any("aws_wafv2_web_acl.rule.statement" in g for g in schema["_extraction"]["grafted"])
