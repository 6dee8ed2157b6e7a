"""Lambda entry point of the TOKEN authorizer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerResponse,
    APIGatewayAuthorizerTokenEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from smartstack_shared.settings import get_verification_keys, load_parameters, require_env, require_parameter

from smartstack_authorizer.tokens import InvalidToken, bearer_token, verify_token_with_any

logger = Logger()
# Patch only what this function uses (AWS calls): patch_all would import every library X-Ray
# can patch that happens to be installed, at every cold start.
tracer = Tracer(patch_modules=("botocore",))
PARAMETER_SECTION = "auth"


@dataclass(frozen=True)
class AuthorizerSettings:
    signing_key_secret_name: str
    issuer: str
    audience: str


@cache
def settings() -> AuthorizerSettings:
    values = load_parameters(PARAMETER_SECTION)
    return AuthorizerSettings(
        signing_key_secret_name=require_env("SIGNING_KEY_SECRET_NAME"),
        issuer=require_parameter(values, PARAMETER_SECTION, "token-issuer"),
        audience=require_parameter(values, PARAMETER_SECTION, "token-audience"),
    )


@event_source(data_class=APIGatewayAuthorizerTokenEvent)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: APIGatewayAuthorizerTokenEvent, context: LambdaContext) -> dict[str, Any]:
    config = settings()
    # Cached for a few minutes, so a rotated key is picked up without a redeploy; the key it replaced
    # (AWSPREVIOUS) is accepted too, so a token issued just before the rotation stays valid.
    signing_keys = get_verification_keys(config.signing_key_secret_name)
    try:
        caller = verify_token_with_any(
            bearer_token(event.authorization_token), signing_keys, config.issuer, config.audience
        )
    except InvalidToken as exc:
        logger.info("token rejected", extra={"reason": str(exc)})
        # API Gateway maps exactly this message to a 401 response.
        raise Exception("Unauthorized") from exc
    context_values = {"email": caller.email} if caller.email else {}
    policy = APIGatewayAuthorizerResponse.from_route_arn(
        event.method_arn, principal_id=caller.subject, context=context_values
    )
    # Allow every route of this API/stage so API Gateway's authorizer cache can be reused across routes.
    policy.allow_all_routes()
    return policy.asdict()
