"""The TOKEN authorizer: signing key from Secrets Manager (moto), issuer/audience from Parameter Store."""

from __future__ import annotations

import time

import jwt
import pytest
from fn_helpers import LambdaContext
from fn_world import SIGNING_KEY, TOKEN_AUDIENCE, TOKEN_ISSUER
from smartstack_authorizer import handler

METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/test/GET/tasks"


def token(key: str = SIGNING_KEY, **overrides):
    now = int(time.time())
    claims = {"sub": "user-42", "email": "u42@example.com", "iss": TOKEN_ISSUER, "aud": TOKEN_AUDIENCE,
              "iat": now, "exp": now + 300, **overrides}  # fmt: skip
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="HS256")


def authorize(authorization: str):
    event = {"type": "TOKEN", "authorizationToken": authorization, "methodArn": METHOD_ARN}
    return handler.lambda_handler(event, LambdaContext(function_name="smartstack-test-authorizer"))


def test_valid_token_allows_the_api_and_passes_the_caller(aws_resources):
    policy = authorize(f"Bearer {token()}")
    assert policy["principalId"] == "user-42"
    assert policy["context"] == {"email": "u42@example.com"}
    statement = policy["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == ["arn:aws:execute-api:us-east-1:123456789012:abc123/test/*/*"]


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Basic dXNlcjpwdw==",
        "Bearer not-a-jwt",
        f"Bearer {token(key='another-key-' + 'x' * 32)}",
        f"Bearer {token(exp=int(time.time()) - 3600)}",
        f"Bearer {token(iss='https://evil.example')}",
        f"Bearer {token(aud='someone-else')}",
        f"Bearer {token(sub=None)}",
    ],
)
def test_invalid_tokens_are_unauthorized(aws_resources, authorization):
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(authorization)


def test_none_algorithm_is_refused(aws_resources):
    unsigned = jwt.encode({"sub": "x", "iss": TOKEN_ISSUER, "aud": TOKEN_AUDIENCE, "iat": 1, "exp": 2**31},
                          None, algorithm="none")  # fmt: skip
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {unsigned}")
