"""What the deploy steps (set-secrets, migrate, publish-web, release) share: their AWS clients in each
provider mode, and the applied outputs they read when one runs on its own, outside `make apply`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from .. import paths
from ..harness import roots

ClientFactory = Callable[[str], Any]
OutputsReader = Callable[[], Mapping[str, Any]]


def client_factory(mode: str, environ: Mapping[str, str]) -> ClientFactory:
    """service -> client: the caller's credentials, or the emulator of `make up` (local mode)."""
    if mode == "local":
        from .local_env import emulator_session  # local_env builds on apply, which runs the steps

        endpoint = environ.get(roots.ENDPOINT_ENV)
        if not endpoint:
            raise RuntimeError(
                f"local mode needs {roots.ENDPOINT_ENV} (make up starts the emulator and sets it)"
            )
        session = emulator_session()
        return lambda service: session.client(service, endpoint_url=endpoint)
    import boto3

    return boto3.session.Session().client


def applied_outputs(env: str, environ: MutableMapping[str, str], doing: str) -> tuple[str, OutputsReader]:
    """The provider mode and a reader of ``env``'s applied outputs, for a step run on its own (``doing``
    says what it changes in AWS, for the offline refusal). In local mode ``environ`` gets the emulator's
    endpoint. Raises RuntimeError (or roots.ModeUnavailable) naming the fix."""
    from . import local_env

    mode = roots.provider_mode(environ)
    if mode == "offline":
        raise RuntimeError(
            f"{doing} in AWS: set {roots.MODE_ENV}=real (with the deploy role's credentials), "
            f"or {roots.MODE_ENV}=local after `make up ENV={env}`"
        )
    if mode == "local":
        running = local_env.running_emulator(env)
        if running is None:
            raise RuntimeError(f"nothing is applied for {env} locally: run `make up ENV={env}` first")
        environ[roots.ENDPOINT_ENV] = running.url
        return mode, lambda: local_env.outputs(env, running)
    return mode, roots.prepare(paths.ENVS / env, mode, environ=environ).outputs
