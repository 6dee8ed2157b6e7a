"""modules/kms-key grants CloudWatch Logs exactly the given log groups and refuses ARNs it cannot grant."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO, validation_errors

ROOT = REPO / "tests" / "modules" / "kms-key" / "log-group-arns"
ARN = "arn:aws:logs:{region}:123456789012:log-group:{name}"


def test_log_group_arns_of_one_region_plan_as_one_statement(plan_root):
    """The twin of the refusals below: ARNs and * patterns of one region are granted to that region's Logs."""
    arns = [
        ARN.format(region="eu-west-1", name="/aws/lambda/smartstack-staging-*"),
        ARN.format(region="eu-west-1", name="/b"),
    ]
    plan = plan_root(ROOT, tf_vars={"log_group_arns": arns})
    policy = json.loads(plan.resource_changes["module.key.aws_kms_key.this"]["change"]["after"]["policy"])
    logs = [s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogsEncryptsTheseLogGroups"]
    assert [s["Principal"] for s in logs] == [{"Service": "logs.eu-west-1.amazonaws.com"}]
    assert logs[0]["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": arns}}


def test_no_log_group_arns_means_no_logs_statement(plan_root):
    plan = plan_root(ROOT, tf_vars={"log_group_arns": []})
    policy = json.loads(plan.resource_changes["module.key.aws_kms_key.this"]["change"]["after"]["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["KeyAdministrationByAccount"]


@pytest.mark.parametrize(
    ("arns", "message"),
    [
        (["/aws/vpc/smartstack-staging/flow-logs"], "log_group_arns must be log group ARNs"),
        (["arn:aws:s3:::smartstack-staging-logs"], "log_group_arns must be log group ARNs"),
        (
            [ARN.format(region="us-east-1", name="/aws/lambda/a"), ARN.format(region="eu-west-1", name="/b")],
            "log_group_arns must all be in one region",
        ),
    ],
    ids=["a-name-not-an-arn", "not-a-log-group", "two-regions"],
)
def test_bad_log_group_arns_are_refused(arns, message):
    errors = validation_errors(ROOT, {"log_group_arns": arns})
    assert any(e.startswith("Invalid value for variable") and message in e for e in errors), errors
