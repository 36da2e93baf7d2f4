"""The per-file parse cache under build/cache/files/: correct, invalidated, self-healing.

It keeps what the reference loader read: files the fast path (kg.corpus.fastyaml) reads are
parsed again each time (quicker than a cache entry), so these tests run with
``fast=False``, and the last ones check that rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from snippets import UNKNOWN_ENTITY_CLAIM

import kg.corpus.load as corpus_module
from kg.checks.validator import validate


def entries(root: Path) -> list[Path]:
    return sorted((root / "build" / "cache" / "files").glob("*.json"))


def test_cached_result_equals_fresh_parse(valid_corpus: Path) -> None:
    fresh = validate(valid_corpus)
    first = validate(valid_corpus, use_cache=True, fast=False)
    assert len(entries(valid_corpus)) == 6  # references.bib and five YAML files
    again = validate(valid_corpus, use_cache=True, fast=False)
    assert first[1] == again[1] == fresh[1]
    assert again[0].claims == fresh[0].claims
    assert again[0].references.keys() == fresh[0].references.keys()


def test_a_changed_file_is_parsed_again(valid_corpus: Path) -> None:
    validate(valid_corpus, use_cache=True, fast=False)
    before = {p.name for p in entries(valid_corpus)}
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    _, diags = validate(valid_corpus, use_cache=True, fast=False)
    assert [(d.file, d.code) for d in diags] == [("claims/extra.yaml", "KG202")]
    after = {p.name for p in entries(valid_corpus)}
    assert len(after - before) == 1 and before <= after
    (valid_corpus / "claims" / "extra.yaml").unlink()
    _, diags = validate(valid_corpus, use_cache=True, fast=False)
    assert diags == []
    assert {p.name for p in entries(valid_corpus)} == before  # the stale entry is pruned


def test_corrupt_entries_are_ignored(valid_corpus: Path) -> None:
    validate(valid_corpus, use_cache=True, fast=False)
    for path in entries(valid_corpus):
        path.write_bytes(path.read_bytes()[:40])
    corpus, diags = validate(valid_corpus, use_cache=True, fast=False)
    assert diags == [] and len(corpus.claims) == 6


def test_cache_off_writes_nothing(valid_corpus: Path) -> None:
    validate(valid_corpus)
    assert not (valid_corpus / "build").exists()


def test_parallel_parse_gives_the_serial_result(valid_corpus: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    serial = validate(valid_corpus)
    monkeypatch.setattr(corpus_module, "PARALLEL_MIN_BYTES", 1)
    parallel = validate(valid_corpus, fast=False)
    assert parallel[1] == serial[1]
    assert parallel[0].claims == serial[0].claims


def test_parallel_parse_through_the_cache(valid_corpus: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    serial = validate(valid_corpus)
    monkeypatch.setattr(corpus_module, "PARALLEL_MIN_BYTES", 1)
    parallel = validate(valid_corpus, use_cache=True, fast=False)  # workers write, parent reads
    assert len(entries(valid_corpus)) == 7
    assert parallel[1] == serial[1]
    assert parallel[0].claims == serial[0].claims


def test_files_read_by_the_fast_path_are_not_cached(valid_corpus: Path) -> None:
    reference = validate(valid_corpus, fast=False)
    fast = validate(valid_corpus, use_cache=True)
    assert len(entries(valid_corpus)) == 1  # references.bib: every YAML file was fast
    assert fast[1] == reference[1] and fast[0].claims == reference[0].claims


def test_lazy_spans_survive_the_cache_codec(valid_corpus: Path) -> None:
    from kg.cache import dumps, loads
    from kg.corpus.fastyaml import LazySpan, scope

    corpus, _ = validate(valid_corpus)
    claim = next(iter(corpus.claims.values()))
    assert isinstance(claim.span, LazySpan)
    rel = claim.span.file
    raw = (valid_corpus / rel).read_bytes()
    with scope(rel, raw):
        back = loads(dumps(claim))
    assert isinstance(back.span, LazySpan) and back.span == claim.span
    assert back == claim and back.field_spans == claim.field_spans


def test_the_code_fingerprint_covers_every_shipped_file(tmp_path: Path) -> None:
    """A shipped query (.rq), vocabulary or shapes file changes what kg answers as much as a
    module does, so editing one invalidates the caches (the stats rows kept in the
    questions' manifest come from stats.rq); bytecode does not."""
    import os

    from kg.cache import code_fingerprint, fingerprint_of

    pkg = tmp_path / "kg"
    (pkg / "store" / "queries").mkdir(parents=True)
    (pkg / "__pycache__").mkdir()
    files = [pkg / "cache.py", pkg / "store" / "queries" / "stats.rq",
             pkg / "graph.ttl", pkg / "context.jsonld"]
    for f in files:
        f.write_text("x\n")
    first = fingerprint_of(pkg)
    (pkg / "__pycache__" / "cache.cpython-311.pyc").write_bytes(b"\0")
    assert fingerprint_of(pkg) == first
    for f in files:
        before = fingerprint_of(pkg)
        f.write_text("y\n")
        assert fingerprint_of(pkg) != before, f.name
        os.utime(f, ns=(1, 1))
        assert fingerprint_of(pkg) not in (before, first), f.name
    assert len(code_fingerprint()) == 64
