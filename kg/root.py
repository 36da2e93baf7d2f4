"""Where a corpus is: the folder holding claims/ and references.bib, and its input files.

Kept apart from the loader so that commands which only need the root (the question
commands, answered from an index) start without importing the YAML machinery.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import KgError

CLAIMS_DIR = "claims"
BIB_FILE = "references.bib"
YAML_SUFFIXES = (".yaml", ".yml")
#: files whose settings (kg.config) change what kg derives: part of every cache key
SETTINGS_FILES = ("kg.toml", "pyproject.toml")


def is_corpus(path: Path) -> bool:
    return (path / CLAIMS_DIR).is_dir() and (path / BIB_FILE).is_file()


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding claims/ and references.bib."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_corpus(folder):
            return folder
    raise KgError(
        f"no corpus found in {here} or any folder above it "
        f"(a corpus holds {CLAIMS_DIR}/ and {BIB_FILE}); "
        "pass --root DIR, or create one with 'kg init DIR'"
    )


def resolve_root(root: str | os.PathLike[str] | None) -> Path:
    """``--root`` if given (it must be a corpus), else the corpus around the current folder."""
    if root is None:
        return find_root()
    path = Path(root).resolve()
    if not path.is_dir():
        raise KgError(f"--root {root}: no such folder")
    if not is_corpus(path):
        raise KgError(f"--root {root}: not a corpus (it needs {CLAIMS_DIR}/ and {BIB_FILE})")
    return path


def corpus_files(root: Path) -> list[Path]:
    """references.bib and every YAML file under claims/, in a stable order."""
    files = [root / BIB_FILE]
    claims = root / CLAIMS_DIR
    files += sorted(p for p in claims.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    return files
