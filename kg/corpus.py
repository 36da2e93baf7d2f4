"""Find a corpus folder and load everything in it into a :class:`Corpus`."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from kg import schema
from kg.bibtex import parse_bibtex
from kg.diagnostics import Diagnostic, Severity
from kg.model import Corpus, Span
from kg.progress import Progress, silent
from kg.root import BIB_FILE, CLAIMS_DIR, corpus_files
from kg.yamlfile import decode, load_yaml

_T = TypeVar("_T")


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


#: What loading one file gives: its part of the corpus, the records it holds (a list of
#: entities, studies or claims, a dict of references, or the article), its diagnostics,
#: the ids of records too broken to load, and whether the file failed to load at all.
FileResult = tuple[str, Any, list[Diagnostic], set[str], bool]

#: Above this many claims, loaded objects are moved out of the collector's sight.
FREEZE_MIN_CLAIMS = 5000
#: Parse in two worker processes when at least this many bytes need parsing.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


def load_file(rel: str, part: str, raw: bytes) -> FileResult:
    """Parse and schema-check one corpus file. Pure: the same input gives the same result."""
    if part == "references":
        text, problem = decode(raw, rel)
        if text is None:
            assert problem is not None
            return part, {}, [problem], set(), True
        refs, bib_diags, broken = parse_bibtex(text, rel)
        return part, refs, bib_diags, broken, False
    data, diags = load_yaml(raw, rel)
    if data is None:
        return part, None, diags, set(), True
    r = schema.Reader(rel)
    records: Any
    if part == "entities":
        records = schema.read_entities(r, data)
    elif part == "studies":
        records = schema.read_studies(r, data)
    elif part == "article":
        records = schema.read_article(r, data)
    else:
        records = schema.read_claims(r, data)
    return part, records, diags + r.diags, r.invalid, False


#: One file to parse: (relative path, part, bytes, cache entry or None, its key).
Job = tuple[str, str, bytes, Path | None, str]


def _load_job(job: Job, *, worker: bool = False) -> FileResult | None:
    """Parse one file and store the result in the cache. In a worker process, None once
    the cache entry is written: the parent reads it from there rather than through a pipe,
    which would pickle the same records a second time."""
    from kg.pickles import write_entry

    gc.disable()
    rel, part, raw, entry, key = job
    result = load_file(rel, part, raw)
    if entry is not None and write_entry(entry, key, result) and worker:
        return None
    return result


def _load_in_worker(job: Job) -> FileResult | None:
    return _load_job(job, worker=True)


def _load_all(jobs: list[Job], progress: Progress) -> list[FileResult]:
    """Results in job order; two processes share a large amount of parsing."""
    from kg.pickles import read_entry

    total = len(jobs)

    size = sum(len(job[2]) for job in jobs)
    if size >= PARALLEL_MIN_BYTES and len(jobs) > 1 and (os.cpu_count() or 1) > 1:
        import multiprocessing

        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: parse here
            ctx = None
        if ctx is not None:
            with ctx.Pool(2) as pool:
                sent = []
                chunks = max(1, min(8, len(jobs) // 32))
                for result in pool.imap(_load_in_worker, jobs, chunksize=chunks):
                    sent.append(result)
                    progress("parsing files", len(sent), total)
            out = []
            for job, result in zip(jobs, sent, strict=True):
                if result is None:  # written to the cache by the worker
                    assert job[3] is not None
                    result = read_entry(job[3], job[4])  # type: ignore[assignment]
                    if result is None:  # vanished meanwhile: parse it here
                        result = load_file(*job[:3])
                out.append(result)
            return out
    serial = []
    for job in jobs:
        result = _load_job(job)
        assert result is not None
        serial.append(result)
        progress("parsing files", len(serial), total)
    return serial


def _file_key(rel: str, raw: bytes) -> str:
    from kg.pickles import code_fingerprint

    h = hashlib.sha256(f"{code_fingerprint()}\0{rel}\0{len(raw)}\0".encode())
    h.update(raw)
    return h.hexdigest()


def load_corpus(root: Path, *, use_cache: bool = False,
                progress: Progress = silent) -> tuple[Corpus, list[Diagnostic]]:
    """Load and schema-check every file. Integrity checks come later (kg.validator).

    With ``use_cache``, each file's result is kept under ``build/cache/files/`` keyed by
    the file's path and bytes (and the kg code), so an unchanged file is never parsed
    twice and a changed one is parsed again on its own.
    """
    from kg.pickles import CACHE_DIR, read_entry

    corpus = Corpus(str(root))
    diags: list[Diagnostic] = []
    with no_gc():
        paths = corpus_files(root)
        results: list[FileResult | None] = []
        jobs: list[Job] = []
        keep: set[str] = set()
        cache_dir = root / CACHE_DIR / "files"
        for path in paths:
            rel = _rel(root, path)
            part = _part(root, path)
            try:
                raw = path.read_bytes()
            except OSError as exc:
                problem = Diagnostic(rel, 1, 1, "KG001", Severity.ERROR,
                                     f"cannot read file: {exc.strerror or exc}")
                results.append((part, None, [problem], set(), True))
                continue
            hit, entry, key = None, None, ""
            if use_cache:
                key = _file_key(rel, raw)
                entry = cache_dir / f"{key}.pickle"
                hit = read_entry(entry, key)
                keep.add(entry.name)
            results.append(hit)  # type: ignore[arg-type]
            if hit is None:
                jobs.append((rel, part, raw, entry, key))
        fresh = iter(_load_all(jobs, progress))
        for i, result in enumerate(results):
            if result is None:
                results[i] = next(fresh)
        if use_cache:
            _prune(cache_dir, keep)
        for result in results:
            assert result is not None
            _merge(corpus, result, diags)
        if len(corpus.claims) > FREEZE_MIN_CLAIMS:
            gc.freeze()  # keep the collector from rescanning a large, acyclic corpus
    return corpus, diags


def _prune(cache_dir: Path, keep: set[str]) -> None:
    """Delete cached files of inputs that no longer exist in this form."""
    try:
        stale = [p for p in cache_dir.glob("*.pickle") if p.name not in keep]
        for p in stale:
            p.unlink(missing_ok=True)
    except OSError:
        pass


def _merge(corpus: Corpus, result: FileResult, diags: list[Diagnostic]) -> None:
    part, records, file_diags, invalid, failed = result
    diags += file_diags
    corpus.invalid |= invalid
    if failed:
        corpus.incomplete.add(part)
        return
    if part == "references":
        corpus.references = records
    elif part == "article":
        corpus.article = records
    elif part == "studies":
        for s in records:
            if s.key in corpus.studies:
                diags.append(Diagnostic(s.span.file, s.span.line, s.span.column, "KG201",
                                        Severity.ERROR, f"duplicate study record '{s.key}'"))
            else:
                corpus.studies[s.key] = s
    else:
        table = corpus.entities if part == "entities" else corpus.claims
        for obj in records:
            _add(table, obj.id, obj, obj.span, diags, corpus)


def _part(root: Path, path: Path) -> str:
    """Which part of the corpus a file holds."""
    if path == root / BIB_FILE:
        return "references"
    if path.parent == root / CLAIMS_DIR:
        return schema.TOP_KEYS.get(path.name, "claims")
    return "claims"


def _add(table: dict[str, _T], key: str, obj: _T, span: Span, diags: list[Diagnostic],
         corpus: Corpus) -> None:
    """Add an entity or claim unless its id is taken (ids are unique across both)."""
    first = corpus.entities.get(key) or corpus.claims.get(key)
    if first is not None:
        where = first.span
        diags.append(Diagnostic(span.file, span.line, span.column, "KG201", Severity.ERROR,
                                f"duplicate id '{key}' (first at {where.file}:{where.line})",
                                "rename one of them, or merge them"))
        return
    table[key] = obj
