"""Find a corpus folder and load everything in it into a :class:`Corpus`."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from kg import schema
from kg.bibtex import parse_bibtex
from kg.diagnostics import Diagnostic, Severity
from kg.errors import KgError
from kg.model import Corpus, Span
from kg.yamlfile import decode, load_yaml

CLAIMS_DIR = "claims"
BIB_FILE = "references.bib"
YAML_SUFFIXES = (".yaml", ".yml")
_T = TypeVar("_T")


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


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading makes many objects and no cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _read(path: Path, rel: str) -> tuple[bytes | None, Diagnostic | None]:
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, Diagnostic(rel, 1, 1, "KG001", Severity.ERROR,
                                f"cannot read file: {exc.strerror or exc}")


def load_corpus(root: Path) -> tuple[Corpus, list[Diagnostic]]:
    """Load and schema-check every file. Integrity checks come later (kg.validator)."""
    corpus = Corpus(str(root))
    diags: list[Diagnostic] = []
    with no_gc():
        for path in corpus_files(root):
            rel = _rel(root, path)
            part = _part(root, path)
            raw, problem = _read(path, rel)
            if problem:
                diags.append(problem)
                corpus.incomplete.add(part)
                continue
            assert raw is not None
            if path.name == BIB_FILE and path.parent == root:
                text, problem = decode(raw, rel)
                if text is None:
                    assert problem is not None
                    diags.append(problem)
                    corpus.incomplete.add(part)
                    continue
                corpus.references, bib_diags, broken = parse_bibtex(text, rel)
                diags += bib_diags
                corpus.invalid |= broken
                continue
            data, yaml_diags = load_yaml(raw, rel)
            diags += yaml_diags
            if data is None:
                corpus.incomplete.add(part)
                continue
            r = schema.Reader(rel)
            if part == "entities":
                for e in schema.read_entities(r, data):
                    _add(corpus.entities, e.id, e, e.span, r, corpus)
            elif part == "studies":
                for s in schema.read_studies(r, data):
                    if s.key in corpus.studies:
                        r.error((s.span.line, s.span.column), "KG201",
                                f"duplicate study record '{s.key}'")
                    else:
                        corpus.studies[s.key] = s
            elif part == "article":
                corpus.article = schema.read_article(r, data)
            else:
                for c in schema.read_claims(r, data):
                    _add(corpus.claims, c.id, c, c.span, r, corpus)
            diags += r.diags
            corpus.invalid |= r.invalid
    return corpus, diags


def _part(root: Path, path: Path) -> str:
    """Which part of the corpus a file holds."""
    if path == root / BIB_FILE:
        return "references"
    if path.parent == root / CLAIMS_DIR:
        return schema.TOP_KEYS.get(path.name, "claims")
    return "claims"


def _add(table: dict[str, _T], key: str, obj: _T, span: Span, r: schema.Reader,
         corpus: Corpus) -> None:
    """Add an entity or claim unless its id is taken (ids are unique across both)."""
    first = corpus.entities.get(key) or corpus.claims.get(key)
    if first is not None:
        where = first.span
        r.error((span.line, span.column), "KG201",
                f"duplicate id '{key}' (first at {where.file}:{where.line})",
                "rename one of them, or merge them")
        return
    table[key] = obj
