"""Find a corpus folder and load everything in it into a :class:`Corpus`."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from kg.corpus import schema
from kg.corpus.bibtex import parse_bibtex
from kg.corpus.model import Corpus, Span
from kg.corpus.yamlfile import NeedPositions, decode, load_yaml
from kg.diagnostics import Diagnostic, Severity
from kg.errors import KgError
from kg.progress import Progress, silent
from kg.root import BIB_FILE, CLAIMS_DIR, walk_inputs

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


def load_file(rel: str, part: str, raw: bytes, *, fast: bool = True) -> FileResult:
    """Parse and schema-check one corpus file. Pure: the same input gives the same result.

    With ``fast``, the file is first read by the fast path (kg.corpus.fastyaml); the reference
    loader (kg.corpus.yamlfile) reads it when the fast path declines it or the schema check finds
    a problem in it, so every diagnostic carries the reference loader's line and column.
    """
    if part == "references":
        text, problem = decode(raw, rel)
        if text is None:
            assert problem is not None
            return part, {}, [problem], set(), True
        refs, bib_diags, broken = parse_bibtex(text, rel)
        return part, refs, bib_diags, broken, False
    if fast:
        found = load_fast(rel, part, raw)
        if found is not None:
            return found
    data, diags = load_yaml(raw, rel)
    if data is None and not diags:
        # empty, or comments only: a file that holds nothing, not one that failed to load
        # (which would leave its part incomplete and silence checks such as KG605)
        return part, None if part == "article" else [], [_empty(rel, part)], set(), False
    if data is None:
        return part, None, diags, set(), True
    r = schema.Reader(rel)
    records = _read(part, r, data)
    return part, records, diags + r.diags, r.invalid, False


def _empty(rel: str, part: str) -> Diagnostic:
    """KG009: a corpus file with no YAML document (empty, or comments only)."""
    return Diagnostic(rel, 1, 1, "KG009", Severity.WARNING,
                      "file holds no data (it is empty or only comments)",
                      f"start it with '{part}:' and its records, or delete it")


def _read(part: str, r: schema.Reader, data: Any) -> Any:
    if part == "entities":
        return schema.read_entities(r, data)
    if part == "studies":
        return schema.read_studies(r, data)
    if part == "article":
        return schema.read_article(r, data)
    return schema.read_claims(r, data)


def load_fast(rel: str, part: str, raw: bytes) -> FileResult | None:
    """One YAML file read by the fast path, with lazy spans; None when the fast path
    declines it or the schema check finds anything (the reference loader then reads it)."""
    from kg.corpus import fastyaml

    data = fastyaml.load(raw)
    if data is None:
        return None
    r = schema.Reader(rel, fastyaml.Positions(rel, raw))
    try:
        records = _read(part, r, data)
    except NeedPositions:
        return None
    if r.invalid:
        return None
    return part, records, [], set(), False


#: One file to parse: (relative path, part, bytes, cache entry or None, its key, whether
#: the fast YAML path may read it).
Job = tuple[str, str, bytes, Path | None, str, bool]


def _load_job(job: Job, *, worker: bool = False) -> FileResult | None:
    """Parse one file and store the result in the cache. In a worker process, None once
    the cache entry is written: the parent reads it from there rather than through a pipe."""
    from kg.cache import write_entry

    gc.disable()
    rel, part, raw, entry, key, fast = job
    result = load_file(rel, part, raw, fast=fast)
    if entry is not None and write_entry(entry, key, result) and worker:
        return None
    return result


def _load_in_worker(job: Job) -> FileResult | None:
    return _load_job(job, worker=True)


def _reference(root: Path, folder: Path | None, keep: set[str], rel: str, part: str,
               read: Any) -> FileResult:
    """One file the fast path declined: its cached reference parse, or a new one (cached)."""
    from kg.cache import read_entry, write_entry

    if folder is None:
        return load_file(rel, part, read.data, fast=False)
    key = _file_key(root, rel, read.sha256)
    entry = folder / f"{key}.json"
    keep.add(entry.name)
    hit = _checked(read_entry(entry, key))
    if hit is None:
        hit = load_file(rel, part, read.data, fast=False)
        write_entry(entry, key, hit)
    return hit


def _load_all(jobs: list[Job], progress: Progress, done: int = 0,
              total: int | None = None) -> list[FileResult]:
    """Results in job order; two processes share a large amount of parsing. Progress
    counts on from ``done`` files of ``total``."""
    from kg.cache import read_entry
    from kg.corpus import fastyaml

    if total is None:
        total = len(jobs)

    size = sum(len(job[2]) for job in jobs)
    # a worker sends its result through the cache; a lazy span (kg.corpus.fastyaml) could not
    # cross a pipe without being resolved, so without the cache fast jobs stay here
    through_cache = all(job[3] is not None or not job[5] for job in jobs)
    if (size >= PARALLEL_MIN_BYTES and len(jobs) > 1 and (os.cpu_count() or 1) > 1
            and through_cache):
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
                    progress("parsing files", done + len(sent), total)
            out = []
            for job, result in zip(jobs, sent, strict=True):
                if result is None:  # written to the cache by the worker
                    assert job[3] is not None
                    with fastyaml.scope(job[0], job[2]):
                        result = _checked(read_entry(job[3], job[4]))
                    if result is None:  # vanished or damaged meanwhile: parse it here
                        result = load_file(*job[:3], fast=job[5])
                out.append(result)
            return out
    serial = []
    for job in jobs:
        result = _load_job(job)
        assert result is not None
        serial.append(result)
        progress("parsing files", done + len(serial), total)
    return serial


def _checked(value: Any) -> FileResult | None:
    """A cache entry's value if it has the shape of a FileResult, else None."""
    if (isinstance(value, list | tuple) and len(value) == 5 and isinstance(value[0], str)
            and isinstance(value[2], list) and isinstance(value[3], set)
            and isinstance(value[4], bool)):
        return (value[0], value[1], value[2], value[3], value[4])
    return None


def _file_key(root: Path, rel: str, sha256: str) -> str:
    from kg.cache import code_fingerprint, digest

    return digest("files", code_fingerprint(), str(root), rel, sha256)


#: Largest references.bib read (the YAML limit is kg.corpus.yamlfile.MAX_BYTES).
MAX_BIB_BYTES = 16 * 1024 * 1024


def _too_large(rel: str, size: int, limit: int) -> Diagnostic:
    mib, lim = size / (1024 * 1024), limit // (1024 * 1024)
    return Diagnostic(rel, 1, 1, "KG005", Severity.ERROR,
                      f"file is {mib:.1f} MiB; the limit is {lim} MiB",
                      "split the claims over several topic files")


class ChangedWhileReading(KgError):
    """An input file changed while kg was working on it."""


def check_unchanged(corpus: Corpus) -> None:
    """Raise ChangedWhileReading when an input read by :func:`load_corpus` has changed
    since (its size, mtime or inode differ), or the set of input files has changed."""
    from kg.cache import unchanged

    root = Path(corpus.root)
    for rel, read in corpus.reads.items():
        if not unchanged(root / rel, read):
            raise ChangedWhileReading(
                f"{rel} changed while kg was reading the corpus; nothing was written from "
                "it. Run the command again")
    now = {_rel(root, p) for p in walk_inputs(root).files}
    if now != set(corpus.digests):
        added = sorted(now ^ set(corpus.digests))
        raise ChangedWhileReading(
            f"input files appeared or disappeared while kg was running ({', '.join(added)}); "
            "run the command again")


def load_corpus(root: Path, *, use_cache: bool = False, fast: bool = True,
                progress: Progress = silent) -> tuple[Corpus, list[Diagnostic]]:
    """Load and schema-check every file. Integrity checks come later (kg.checks.validator).

    Each input is read once, size checked before reading; the bytes parsed are the bytes
    hashed (``Corpus.digests``), and the file's identity then is kept (``Corpus.reads``,
    see :func:`check_unchanged`). With ``use_cache``, each file's result is kept under
    ``build/cache/files/`` keyed by the corpus location, the file's path and bytes and the
    kg code, so an unchanged file is never parsed twice. With ``fast`` (the default),
    each YAML file is first read by the fast path (kg.corpus.fastyaml, see :func:`load_file`);
    its spans stay lazy in the cache too (kg.cache stores the lazy mark; the entry's key
    binds the bytes the mark is resolved in).
    """
    from kg.cache import TooLarge, cache_dir, read_entry, read_input
    from kg.corpus import fastyaml
    from kg.corpus.yamlfile import MAX_BYTES

    corpus = Corpus(str(root))
    diags: list[Diagnostic] = []
    with no_gc():
        inputs = walk_inputs(root)
        for rel, code, message in inputs.problems:
            diags.append(Diagnostic(rel, 1, 1, code, Severity.ERROR, message,
                                    "keep corpus files inside the corpus folder, readable"))
            corpus.incomplete.add("references" if rel == BIB_FILE else "claims")
        results: list[FileResult | None] = []
        jobs: list[Job] = []
        fast_todo: list[tuple[int, str, str, Any]] = []
        keep: set[str] = set()
        folder = cache_dir(root, "files") if use_cache else None
        for path in inputs.files:
            rel = _rel(root, path)
            part = _part(root, path)
            limit = MAX_BIB_BYTES if part == "references" else MAX_BYTES
            read = read_input(path, limit)
            if isinstance(read, OSError):
                if isinstance(read, TooLarge):
                    problem = _too_large(rel, read.size, read.limit)
                else:
                    problem = Diagnostic(rel, 1, 1, "KG001", Severity.ERROR,
                                         f"cannot read file: {read.strerror or read}")
                corpus.digests[rel] = f"unreadable:{read.errno}"
                results.append((part, None, [problem], set(), True))
                continue
            corpus.digests[rel] = read.sha256
            corpus.reads[rel] = read
            if fast and part != "references":  # parsed below, in this process
                fast_todo.append((len(results), rel, part, read))
                results.append(None)
                continue
            hit, entry, key = None, None, ""
            if folder is not None:
                key = _file_key(root, rel, read.sha256)
                entry = folder / f"{key}.json"
                with fastyaml.scope(rel, read.data):  # the entry's lazy spans (if any)
                    hit = _checked(read_entry(entry, key))
                keep.add(entry.name)
            results.append(hit)
            if hit is None:
                jobs.append((rel, part, read.data, entry, key, False))
        total = len(fast_todo) + len(jobs)
        for done, (i, rel, part, read) in enumerate(fast_todo, 1):
            # quicker than writing and reading a cache entry: not cached
            found = load_fast(rel, part, read.data)
            if found is None:  # declined: the reference loader, through the cache
                found = _reference(root, folder, keep, rel, part, read)
            results[i] = found
            progress("parsing files", done, total)
        fresh = iter(_load_all(jobs, progress, len(fast_todo), total))
        for i, result in enumerate(results):
            if result is None:
                results[i] = next(fresh)
        if folder is not None:
            from kg.cache import prune

            prune(folder, lambda name: name in keep or not name.endswith(".json"))
        for result in results:
            assert result is not None
            _merge(corpus, result, diags)
        if len(corpus.claims) > FREEZE_MIN_CLAIMS:
            gc.freeze()  # keep the collector from rescanning a large, acyclic corpus
    return corpus, diags


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
