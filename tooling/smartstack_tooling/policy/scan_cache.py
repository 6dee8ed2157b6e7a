"""Scanner reports (checkov's, trivy's) kept across runs under the SHA-256 of everything the scan reads.

A checkov run takes about 40 s of a core and gives the same reports for the same inputs. The key covers:

- the scanner: its pinned requirements file, and the size and modification time of its executable and
  of its virtualenv's install marker (a reinstall is another key);
- its arguments, with each input path replaced by its position, so the same content scanned from another
  temporary directory is the same scan;
- the content of every input: each file, and each directory's files by relative name (Terraform's
  working directories ``.terraform`` aside, which checkov skips too);
- every environment variable the scanners read (``CKV_*``, ``BC_*``, ``CHECKOV_*``, ``PRISMA_*``, ``TRIVY_*``,
  ``LOG_LEVEL``, ``SKIP_PACKAGE_SCAN``, ``ENABLE_DEFINITION_KEY``).

So a stale report can never be served: a one-character change to an input is another key
(tests/policy/test_scan_cache.py). ``SMARTSTACK_SCAN_CACHE=off`` scans every time. Concurrent workers
wait on one lock per key; an entry is written aside and renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from filelock import FileLock

from .. import paths
from ..harness.content_hash import feed_tree

CACHE = paths.BUILD / "scan-cache"
CACHE_ENV = "SMARTSTACK_SCAN_CACHE"
KEEP_ENTRIES = 40
_ENV_PREFIXES = ("CKV_", "BC_", "CHECKOV_", "PRISMA_", "TRIVY_")
_ENV_NAMES = ("LOG_LEVEL", "SKIP_PACKAGE_SCAN", "ENABLE_DEFINITION_KEY")
_SKIPPED_PARTS = (".terraform",)


def _skipped(relative: Path) -> bool:
    return any(part.startswith(_SKIPPED_PARTS) for part in relative.parts)


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:absent"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def scan_key(
    scanner: Sequence[Path],
    installed: Sequence[Path],
    args: Sequence[str],
    inputs: Sequence[Path],
    environ: Mapping[str, str],
) -> str:
    """The key of one scan: ``scanner``, files naming the scanner (hashed by content, e.g. its pinned
    requirements); ``installed``, its installed files (by size and time); ``inputs``, what it reads."""
    digest = hashlib.sha256()
    for path in scanner:
        feed_tree(digest, f"scanner {path.name}", path, _skipped)
    for path in installed:
        digest.update(f"\0installed\0{_stamp(path)}".encode())
    # Longest first: an input inside another input's directory keeps its own label.
    places = sorted(((str(path), f"<input {n}>") for n, path in enumerate(inputs)), key=lambda p: -len(p[0]))
    for arg in args:
        for place, label in places:
            arg = arg.replace(place, label)
        digest.update(f"\0arg\0{arg}".encode())
    for n, path in enumerate(inputs):
        feed_tree(digest, f"input {n}", path, _skipped)
    for name in sorted(environ):
        if name.startswith(_ENV_PREFIXES) or name in _ENV_NAMES:
            digest.update(f"\0env\0{name}={environ[name]}".encode())
    return digest.hexdigest()


def cached_reports(key: str, out_dir: Path, scan: Callable[[], None]) -> bool:
    """Fill ``out_dir`` with the reports of the scan ``key``: from the cache, or by running ``scan``
    (which writes them there) and keeping a copy. Returns True when served from the cache."""
    if os.environ.get(CACHE_ENV) == "off":
        scan()
        return False
    CACHE.mkdir(parents=True, exist_ok=True)
    entry = CACHE / key
    with FileLock(str(CACHE / f"{key}.lock")):
        if entry.is_dir():
            if out_dir.exists():
                shutil.rmtree(out_dir)
            shutil.copytree(entry, out_dir)
            os.utime(entry)  # recently used: pruned last
            return True
        scan()
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=CACHE))
        shutil.copytree(out_dir, staging, dirs_exist_ok=True)
        staging.rename(entry)
    _prune()
    return False


def _prune() -> None:
    entries = sorted(
        (p for p in CACHE.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in entries[:-KEEP_ENTRIES]:
        shutil.rmtree(old, ignore_errors=True)
        (CACHE / f"{old.name}.lock").unlink(missing_ok=True)
