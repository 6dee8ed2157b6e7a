"""python-hcl2 behind one lock, and its results kept by content.

The lock: python-hcl2's serializer (8.1.4) keeps a single mutable context as a default argument shared by
every call, and flips it while inside ``${...}``. Two parses at once (make plan and the test fixtures plan
two roots in threads) can then read ``true`` as the string "true". Every parse in this process goes
through :func:`load`.

The cache: parsing is pure (the same text and parser version give the same tree) and slow (lark, about
40 ms a file, far more for the big ones), and the suite parses the same files thousands of times across
its workers and runs. Each result is kept in ``.cache/hcl/`` under the SHA-256 of the parser's version and
the text, written atomically, so a changed file is simply another entry.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from .. import paths

_LOCK = threading.Lock()
CACHE_DIR = paths.CACHE / "hcl"


@cache
def _parser_version() -> str:
    return importlib.metadata.version("python-hcl2")


def entry_of(text: str) -> Path:
    """Where the parse of ``text`` is kept."""
    digest = hashlib.sha256(f"{_parser_version()}\0{text}".encode()).hexdigest()
    return CACHE_DIR / digest[:2] / f"{digest}.json"


def parse_uncached(text: str) -> dict[str, Any]:
    import hcl2  # builds its grammar on first import: paid only by the commands that read HCL

    with _LOCK:
        return hcl2.loads(text)


def parse(text: str) -> dict[str, Any]:
    """The parsed HCL of ``text``, from the cache when this parser parsed the same text before."""
    entry = entry_of(text)
    if entry.exists():
        return json.loads(entry.read_text())
    parsed = parse_uncached(text)
    entry.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".", dir=entry.parent)
    with os.fdopen(handle, "w") as out:
        json.dump(parsed, out)
    os.replace(temporary, entry)
    return parsed


def load(source: TextIO | Path) -> dict[str, Any]:
    """The parsed HCL of an open file or a path."""
    return parse(source.read_text() if isinstance(source, Path) else source.read())
