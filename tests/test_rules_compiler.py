"""Rules of kg/graph/compiler.py for the bibliography, stated exactly (issue 18: mutation
score; bench/mutation.py compiler): "and others" is no author, a month makes a
gYearMonth, absent identifiers write nothing, notes and howpublished are kept."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import PROJECT_BASE as B
from kg.graph.compiler import build

CORPORA = Path(__file__).parent / "corpora"
DCTERMS = "http://purl.org/dc/terms/"
BIBO = "http://purl.org/ontology/bibo/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@pytest.fixture
def triples(tmp_path: Path) -> Iterator[set[ox.Triple]]:
    """Compiled for each test (not once for the module), so that a mutation run relates
    the compiler's work to every test that reads it."""
    root = Path(shutil.copytree(CORPORA / "valid", tmp_path / "c"))
    bib = root / "references.bib"
    text = bib.read_text(encoding="utf-8")
    text = text.replace("author  = {Alpha, Ann and Beta, Bob and Gamma, Gil},",
                        "author  = {Alpha, Ann and Beta, Bob and others},\n  month = {12},\n"
                        "  note = { checked by hand },\n  howpublished = {online},")
    text = text.replace("  doi     = {10.9999/test.0003}\n",
                        "  pmid    = {22222222},\n  note    = {   }\n")
    bib.write_text(text, encoding="utf-8")
    result = build(root)
    assert result.ok, result.diagnostics
    assert result.triples is not None
    yield set(result.triples)


def _objects(triples: set[ox.Triple], subject: str, predicate: str) -> list[str]:
    return sorted(str(t.object) for t in triples
                  if t.subject == ox.NamedNode(subject) and t.predicate == ox.NamedNode(predicate))


def test_and_others_is_no_author(triples: set[ox.Triple]) -> None:
    alpha = B + "study/alpha2020trial"
    assert _objects(triples, alpha, DCTERMS + "creator") == [
        f"<{B}author/alpha2020trial-1>", f"<{B}author/alpha2020trial-2>"]
    assert _objects(triples, f"{B}author/alpha2020trial-2", RDFS + "label") == ['"Beta, Bob"']
    assert not _objects(triples, f"{B}author/alpha2020trial-3", RDFS + "label")


def test_a_month_makes_the_issue_date_a_year_and_month(triples: set[ox.Triple]) -> None:
    assert _objects(triples, B + "study/alpha2020trial", DCTERMS + "issued") == [
        f'"2020-12"^^<{XSD}gYearMonth>']
    assert _objects(triples, B + "study/delta2019cohort", DCTERMS + "issued") == [
        f'"2019"^^<{XSD}gYear>']


def test_identifiers_and_notes_only_when_given(triples: set[ox.Triple]) -> None:
    alpha, delta, zeta = (B + "study/" + k for k in ("alpha2020trial", "delta2019cohort",
                                                      "zeta2018cells"))
    assert _objects(triples, alpha, BIBO + "pmid") == ['"11111111"']
    assert _objects(triples, delta, BIBO + "pmid") == []
    assert _objects(triples, zeta, BIBO + "doi") == []
    assert _objects(triples, delta, BIBO + "doi") == ['"10.9999/test.0002"']
    assert _objects(triples, alpha, SKOS + "note") == ['"checked by hand"']
    assert _objects(triples, zeta, SKOS + "note") == []
    assert _objects(triples, alpha, DCTERMS + "bibliographicCitation") == ['"online"']
    assert _objects(triples, delta, DCTERMS + "bibliographicCitation") == []
