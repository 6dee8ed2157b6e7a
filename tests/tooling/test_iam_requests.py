"""smartstack_tooling.policy.iam_requests, the IAM judge of the used = granted contract, denies what IAM
denies."""

from __future__ import annotations

import pytest
from smartstack_tooling.policy.iam_requests import (
    SECRET_ARN_SUFFIX,
    Request,
    allows,
    arn_format,
    is_known_action,
    request_of,
)

WHERE = {"partition": "aws", "region": "us-east-1", "account": "111111111111"}
BUCKET = "smartstack-dev-files-111111111111-us-east-1"


def allow(action: str, resource: str, **condition: dict) -> dict:
    statement = {"Effect": "Allow", "Action": [action], "Resource": resource}
    return {**statement, "Condition": condition} if condition else statement


def get_object(key: str) -> Request:
    return request_of("s3:GetObject", {"Bucket": BUCKET, "Key": key}, **WHERE)


def test_resource_patterns_scope_the_grant():
    grant = [allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/attachments/*")]
    assert allows(grant, get_object("attachments/t1/a.pdf"))
    assert not allows(grant, get_object("ai-logs/t1/log.json"))
    assert not allows([allow("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*")], get_object("attachments/a"))


def test_conditions_must_hold_with_what_the_call_sets():
    grant = [allow("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", StringLike={"s3:prefix": ["attachments/*"]})]
    listing = lambda prefix: request_of("s3:ListBucket", {"Bucket": BUCKET, "Prefix": prefix}, **WHERE)  # noqa: E731
    assert allows(grant, listing("attachments/t1/"))
    assert not allows(grant, listing(""))
    email = {"FromEmailAddress": "other@dev.smartstack.example.com"}
    sender = {"StringEquals": {"ses:FromAddress": "no-reply@dev.smartstack.example.com"}}
    identity = "arn:aws:ses:us-east-1:111111111111:identity/dev.smartstack.example.com"
    assert not allows(
        [allow("ses:SendEmail", identity, **sender)], request_of("ses:SendEmail", email, **WHERE)
    )


def test_every_resource_of_a_request_needs_a_grant():
    params = {"FromEmailAddress": "a@example.org", "ConfigurationSetName": "smartstack-dev-default"}
    send = request_of("ses:SendEmail", params, **WHERE)
    assert len(send.resources) == 2  # the identity and the configuration set
    identity = allow("ses:SendEmail", "arn:aws:ses:us-east-1:111111111111:identity/example.org")
    assert not allows([identity], send)
    config_set = allow(
        "ses:SendEmail", "arn:aws:ses:us-east-1:111111111111:configuration-set/smartstack-dev-*"
    )
    assert allows([identity, config_set], send)


def test_a_secret_read_by_name_is_checked_against_its_suffixed_arn():
    read = request_of(
        "secretsmanager:GetSecretValue", {"SecretId": "smartstack-dev/api-signing-key"}, **WHERE
    )
    assert read.resources[0].endswith("secret:smartstack-dev/api-signing-key" + SECRET_ARN_SUFFIX)
    base = "arn:aws:secretsmanager:us-east-1:111111111111:secret:smartstack-dev/api-signing-key"
    assert allows([allow("secretsmanager:GetSecretValue", base + "-??????")], read)
    assert not allows([allow("secretsmanager:GetSecretValue", base)], read)


def test_deny_wins_and_actions_ignore_case():
    resource = f"arn:aws:s3:::{BUCKET}/*"
    assert allows([allow("S3:getobject", resource)], get_object("k"))
    assert not allows(
        [allow("s3:*", resource), {**allow("s3:GetObject", resource), "Effect": "Deny"}], get_object("k")
    )


def test_formats_and_actions_come_from_the_reference():
    assert arn_format("lambda:InvokeFunction", ":function:${FunctionName}").startswith(
        "arn:${Partition}:lambda:"
    )
    assert is_known_action("bedrock:InvokeModel") and not is_known_action("s3:GetObjects")
    with pytest.raises(LookupError, match="add the resources"):
        request_of("dynamodb:GetItem", {}, **WHERE)
