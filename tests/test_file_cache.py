"""The per-file parse cache under build/cache/files/: correct, invalidated, self-healing."""

from __future__ import annotations

from pathlib import Path

import pytest
from snippets import UNKNOWN_ENTITY_CLAIM

import kg.corpus as corpus_module
from kg.validator import validate


def entries(root: Path) -> list[Path]:
    return sorted((root / "build" / "cache" / "files").glob("*.json"))


def test_cached_result_equals_fresh_parse(valid_corpus: Path) -> None:
    fresh = validate(valid_corpus)
    first = validate(valid_corpus, use_cache=True)
    assert len(entries(valid_corpus)) == 6  # references.bib and five YAML files
    again = validate(valid_corpus, use_cache=True)
    assert first[1] == again[1] == fresh[1]
    assert again[0].claims == fresh[0].claims
    assert again[0].references.keys() == fresh[0].references.keys()


def test_a_changed_file_is_parsed_again(valid_corpus: Path) -> None:
    validate(valid_corpus, use_cache=True)
    before = {p.name for p in entries(valid_corpus)}
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    _, diags = validate(valid_corpus, use_cache=True)
    assert [(d.file, d.code) for d in diags] == [("claims/extra.yaml", "KG202")]
    after = {p.name for p in entries(valid_corpus)}
    assert len(after - before) == 1 and before <= after
    (valid_corpus / "claims" / "extra.yaml").unlink()
    _, diags = validate(valid_corpus, use_cache=True)
    assert diags == []
    assert {p.name for p in entries(valid_corpus)} == before  # the stale entry is pruned


def test_corrupt_entries_are_ignored(valid_corpus: Path) -> None:
    validate(valid_corpus, use_cache=True)
    for path in entries(valid_corpus):
        path.write_bytes(path.read_bytes()[:40])
    corpus, diags = validate(valid_corpus, use_cache=True)
    assert diags == [] and len(corpus.claims) == 6


def test_cache_off_writes_nothing(valid_corpus: Path) -> None:
    validate(valid_corpus)
    assert not (valid_corpus / "build").exists()


def test_parallel_parse_gives_the_serial_result(valid_corpus: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    serial = validate(valid_corpus)
    monkeypatch.setattr(corpus_module, "PARALLEL_MIN_BYTES", 1)
    parallel = validate(valid_corpus)
    assert parallel[1] == serial[1]
    assert parallel[0].claims == serial[0].claims


def test_parallel_parse_through_the_cache(valid_corpus: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    serial = validate(valid_corpus)
    monkeypatch.setattr(corpus_module, "PARALLEL_MIN_BYTES", 1)
    parallel = validate(valid_corpus, use_cache=True)  # workers write, the parent reads back
    assert len(entries(valid_corpus)) == 7
    assert parallel[1] == serial[1]
    assert parallel[0].claims == serial[0].claims


def test_cached_fast_results_keep_lazy_spans_that_resolve_as_the_reference(
        valid_corpus: Path) -> None:
    from kg.fastyaml import LazySpan

    reference = validate(valid_corpus, fast=False)
    validate(valid_corpus, use_cache=True)
    cached = validate(valid_corpus, use_cache=True)  # every file read back from the cache
    claim = next(iter(cached[0].claims.values()))
    assert isinstance(claim.span, LazySpan)
    for cid, ref in reference[0].claims.items():
        got = cached[0].claims[cid]
        assert (got.span.line, got.span.column) == (ref.span.line, ref.span.column)
        assert got == ref and got.field_spans == ref.field_spans


def test_parallel_fast_parse_through_the_cache(valid_corpus: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    reference = validate(valid_corpus, fast=False)
    monkeypatch.setattr(corpus_module, "PARALLEL_MIN_BYTES", 1)
    parallel = validate(valid_corpus, use_cache=True)  # fast workers write, parent reads
    assert parallel[1] == reference[1]
    assert parallel[0].claims == reference[0].claims
