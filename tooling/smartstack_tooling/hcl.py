"""python-hcl2 behind one lock: its serializer (8.1.4) keeps a single mutable context as a default
argument shared by every call, and flips it while inside ``${...}``. Two parses at once (make plan and
the test fixtures plan two roots in threads) can then read ``true`` as the string "true". Every parse in
this process goes through :func:`load`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, TextIO

_LOCK = threading.Lock()


def load(source: TextIO | Path) -> dict[str, Any]:
    """The parsed HCL of an open file or a path."""
    import hcl2  # builds its grammar on first import: paid only by the commands that read HCL

    with _LOCK:
        if isinstance(source, Path):
            with source.open() as handle:
                return hcl2.load(handle)
        return hcl2.load(source)
