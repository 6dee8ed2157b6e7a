"""Rotating a signing key never rejects what was valid a moment before: the verifiers (the authorizer, the
job links) accept AWSCURRENT and AWSPREVIOUS during the overlap, and nothing older."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
import test_fn_authorizer
from smartstack_api import links
from smartstack_authorizer import handler
from smartstack_shared.settings import clear_config_caches, get_verification_keys

KEYS = [f"rotation-{n}-" + "k" * 32 for n in range(3)]  # the key before each rotation, oldest first


@pytest.fixture
def rotated_secret(aws_resources, monkeypatch) -> Iterator[tuple[str, object]]:
    """A secret of its own holding KEYS[0]; ``rotate()`` makes the next key current, as a rotation's
    finishSecret step does (the replaced version becomes AWSPREVIOUS)."""
    secrets = boto3.client("secretsmanager")
    name = f"smartstack-test/rotated-{len(KEYS)}-{id(monkeypatch)}"
    secrets.create_secret(Name=name, SecretString=KEYS[0])
    versions = iter(KEYS[1:])

    def rotate() -> None:
        secrets.put_secret_value(SecretId=name, SecretString=next(versions))
        clear_config_caches()  # the verifiers' caches expire (CONFIG_MAX_AGE_SECONDS)

    monkeypatch.setenv("SIGNING_KEY_SECRET_NAME", name)
    handler.settings.cache_clear()
    clear_config_caches()
    yield name, rotate
    handler.settings.cache_clear()
    clear_config_caches()
    secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


def test_before_any_rotation_only_the_current_key_is_accepted(rotated_secret):
    name, _ = rotated_secret
    assert get_verification_keys(name) == (KEYS[0],)


def test_a_token_signed_before_a_rotation_still_verifies_and_one_two_rotations_old_does_not(rotated_secret):
    name, rotate = rotated_secret
    before = test_fn_authorizer.token(key=KEYS[0])
    rotate()
    assert get_verification_keys(name) == (KEYS[1], KEYS[0])
    assert test_fn_authorizer.authorize(f"Bearer {before}")["principalId"] == "user-42"
    assert test_fn_authorizer.authorize(f"Bearer {test_fn_authorizer.token(key=KEYS[1])}")["principalId"]
    rotate()
    assert get_verification_keys(name) == (KEYS[2], KEYS[1])
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        test_fn_authorizer.authorize(f"Bearer {before}")


def test_an_expired_token_is_refused_whichever_key_signed_it(rotated_secret):
    _, rotate = rotated_secret
    rotate()
    expired = test_fn_authorizer.token(key=KEYS[1], exp=1_000_000, iat=999_000)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        test_fn_authorizer.authorize(f"Bearer {expired}")


def test_a_mailed_link_opens_after_one_rotation_and_not_after_two(rotated_secret):
    name, rotate = rotated_secret
    now = 1_800_000_000
    link = links.job_link(KEYS[0], "https://app.example", "t-1", "j-1", now=now)
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    rotate()
    links.verify_job_link(links.read_link_verification_keys(name), "t-1", "j-1", **query, now=now)
    rotate()
    with pytest.raises(links.InvalidLink, match="signature does not match"):
        links.verify_job_link(links.read_link_verification_keys(name), "t-1", "j-1", **query, now=now)
