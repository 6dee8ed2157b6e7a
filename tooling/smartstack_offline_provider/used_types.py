"""The resource and data source types the configuration Terraform is running can name.

Terraform decodes every type of the provider schema it is given, and the schema has about 1,600 of
them: serving only the types a configuration names cuts an env plan by a quarter. Terraform starts
plugins in its working directory (after ``-chdir``), so the stand-in reads the configuration there:
the root's files and every module directory ``terraform init`` recorded in ``modules.json``.

The scan over-includes on purpose (any ``aws_…`` token, in comments, strings, ``moved`` and
``import`` blocks too): an extra type costs nothing. When the configuration cannot be read in full —
no configuration files, module calls without a manifest, a manifest naming a missing directory,
``terraform test`` files — the answer is ``None`` and the stand-in serves the whole schema. A type
left out by mistake cannot pass silently: Terraform rejects it as an invalid resource type, and
``terraform show`` fails for want of its schema.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

TYPE_TOKEN = re.compile(rb"\baws_[a-z0-9_]+\b")
MODULE_CALL = re.compile(rb'^\s*module\s+"', re.MULTILINE)
CONFIG_SUFFIXES = (".tf", ".tf.json")
TEST_SUFFIXES = (".tftest.hcl", ".tftest.json", ".tfmock.hcl", ".tfquery.hcl")


def _config_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.name.endswith(CONFIG_SUFFIXES))


def _has_test_files(workdir: Path) -> bool:
    for directory in (workdir, workdir / "tests"):
        if directory.is_dir() and any(p.name.endswith(TEST_SUFFIXES) for p in directory.iterdir()):
            return True
    return False


def _module_dirs(workdir: Path, environ: Mapping[str, str]) -> list[Path] | None:
    data_dir = Path(environ.get("TF_DATA_DIR") or ".terraform")
    manifest = (data_dir if data_dir.is_absolute() else workdir / data_dir) / "modules" / "modules.json"
    if not manifest.is_file():
        return []
    try:
        modules = json.loads(manifest.read_text())["Modules"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    dirs = []
    for module in modules:
        directory = Path(module.get("Dir") or ".")
        directory = directory if directory.is_absolute() else workdir / directory
        if not directory.is_dir():
            return None
        dirs.append(directory)
    return dirs


def used_type_names(workdir: Path | None = None, environ: Mapping[str, str] | None = None) -> set[str] | None:
    """Every ``aws_…`` name the configuration in ``workdir`` could use, or None to serve them all."""
    workdir = Path.cwd() if workdir is None else workdir
    environ = os.environ if environ is None else environ
    try:
        root_files = _config_files(workdir)
        if not root_files or _has_test_files(workdir):
            return None
        module_dirs = _module_dirs(workdir, environ)
        if module_dirs is None:
            return None
        texts = [path.read_bytes() for path in root_files]
        if not module_dirs and any(MODULE_CALL.search(text) for text in texts):
            return None  # modules not installed yet: their types are unknown
        for directory in module_dirs:
            texts.extend(path.read_bytes() for path in _config_files(directory))
    except OSError:
        return None
    return {token.decode() for text in texts for token in TYPE_TOKEN.findall(text)}
