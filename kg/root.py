"""Where a corpus is: the folder holding claims/ and references.bib, and its input files.

Kept apart from the loader so that commands which only need the root (the question
commands, answered from an index) start without importing the YAML machinery.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Inputs:
    """The input files of a corpus, and what stood in the way of finding them:
    ``problems`` are (relative path, code, message), reported as error diagnostics."""

    files: list[Path]
    problems: list[tuple[str, str, str]]


def _suffix(name: str) -> str:
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def walk_inputs(root: Path) -> Inputs:
    """references.bib and every YAML file under claims/, in a stable order (os.scandir, so
    that 2,000 files cost little). Folders linked from claims/ are not entered; a linked
    file whose target lies outside the corpus, an unreadable folder and a YAML name that
    is not a regular file are problems, never silently skipped."""
    top = os.path.realpath(root)
    problems: list[tuple[str, str, str]] = []
    found: list[str] = []

    def walk(folder: str, rel: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            problems.append((rel, "KG001", f"cannot read folder {rel}/: "
                             f"{exc.strerror or exc}"))
            return
        for e in entries:
            r = f"{rel}/{e.name}"
            try:
                if e.is_symlink():
                    target = os.path.realpath(e.path)
                    if not _inside(target, top):
                        if e.is_dir() or _suffix(e.name) in YAML_SUFFIXES:
                            problems.append((r, "KG008", "symbolic link leads outside the "
                                             "corpus; not read"))
                        continue
                    if e.is_dir():
                        continue  # linked folders are not entered (no loops)
                if e.is_dir(follow_symlinks=False):
                    walk(e.path, r)
                elif _suffix(e.name) in YAML_SUFFIXES:
                    if e.is_file():
                        found.append(r)
                    else:
                        problems.append((r, "KG001", "not a regular file; not read"))
            except OSError as exc:
                problems.append((r, "KG001", f"cannot read {r}: {exc.strerror or exc}"))

    bib = os.path.join(root, BIB_FILE)
    if os.path.islink(bib) and not _inside(os.path.realpath(bib), top):
        problems.append((BIB_FILE, "KG008", "symbolic link leads outside the corpus; not read"))
        files: list[Path] = []
    else:
        files = [root / BIB_FILE]
    walk(os.path.join(root, CLAIMS_DIR), CLAIMS_DIR)
    files += [root / r for r in sorted(found)]
    return Inputs(files, problems)


def corpus_files(root: Path) -> list[Path]:
    """references.bib and every YAML file under claims/, in a stable order."""
    return walk_inputs(root).files
