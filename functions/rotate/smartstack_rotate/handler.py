"""Lambda entry point of the rotate function, invoked by Secrets Manager once per rotation step.

The steps are smartstack_rotate.rotation's plain functions; this module gives them the container's
Secrets Manager client and the function's logger. A refused or failing step raises: Secrets Manager
then stops the rotation, and AWSCURRENT stays where it was.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from smartstack_shared import clients

from smartstack_rotate.rotation import rotate

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    logger.append_keys(secret_id=event.get("SecretId"), step=event.get("Step"))
    step = rotate(clients.client("secretsmanager"), event, logger.info)
    return {"step": step, "secret_id": str(event["SecretId"])}
