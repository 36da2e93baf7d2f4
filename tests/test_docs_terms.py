"""docs/rdf.md documents every term the graph uses, with its source, and every prefix's
expansion (issue 11): a new predicate, class, kgv: IRI or xref prefix that reaches the
graph without a line in docs/rdf.md fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph import namespaces as ns
from kg.graph.compiler import build, compile_nanopubs, vocab_text, xref_iri

REPO = Path(__file__).resolve().parent.parent
B = "https://example.org/kg-bone-ai/"
DOC = (REPO / "docs" / "rdf.md").read_text(encoding="utf-8")
#: every `prefix:local` written in backquotes in docs/rdf.md
DOCUMENTED = set(re.findall(r"`([A-Za-z][\w-]*:[^`\s]+)`", DOC))
RDF_MEMBER = re.compile(re.escape(ns.RDF) + r"_\d+\Z")


def _curie(iri: str) -> str:
    spaces = {**ns.prefixes(B), "void": ns.VOID, "dcat": ns.DCAT}
    for prefix, space in sorted(spaces.items(), key=lambda kv: -len(kv[1])):
        if prefix != "kg" and iri.startswith(space):
            return f"{prefix}:{iri[len(space):]}"
    return iri


def _used(triples: list[ox.Triple]) -> set[str]:
    """Predicates, classes and IRIs of our vocabulary in ``triples``."""
    out: set[str] = set()
    for t in triples:
        out.add(t.predicate.value)
        if t.predicate.value == ns.RDF + "type" and isinstance(t.object, ox.NamedNode):
            out.add(t.object.value)
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(ns.vocab_ns(B)):
                out.add(term.value)
    return {i for i in out if not RDF_MEMBER.match(i)}


def _graphs(root: Path) -> list[ox.Triple]:
    from kg.graph.dataset import dataset_text

    b = build(root, B)
    assert b.ok and b.triples is not None
    described = ox.parse(dataset_text(b), format=ox.RdfFormat.TURTLE)
    return [*b.triples, *(q.triple for q in compile_nanopubs(b.corpus, B)),
            *(q.triple for q in described)]


@pytest.mark.parametrize("corpus", ["valid", "real"])
def test_every_term_the_graph_uses_is_documented(corpus: str, valid_corpus: Path) -> None:
    root = valid_corpus if corpus == "valid" else REPO
    missing = sorted(_curie(i) for i in _used(_graphs(root)) if _curie(i) not in DOCUMENTED)
    assert missing == [], f"add these to docs/rdf.md, Vocabularies, with their source: {missing}"
    assert "`rdf:_n`" in DOC  # container members are documented once, as a pattern


def test_every_documented_kgv_term_is_defined_in_vocab_ttl() -> None:
    import rdflib

    vocab = {str(s) for s in rdflib.Graph().parse(data=vocab_text(B), format="turtle")
             .subjects()}
    stale = sorted(c for c in DOCUMENTED if c.startswith("kgv:")
                   and ns.vocab_ns(B) + c[4:] not in vocab)
    assert stale == []


def test_every_prefix_is_expanded_in_the_docs(valid_corpus: Path) -> None:
    for prefix, space in ns.STANDARD_PREFIXES.items():
        assert f"| `{prefix}` | `{space}`" in DOC, prefix
    for folder in ns.FOLDERS:
        assert f"`{ns.FOLDER_PREFIXES.get(folder, folder)}`" in DOC, folder
    from kg.corpus.load import load_corpus

    for root in (REPO, valid_corpus):
        corpus, _ = load_corpus(root)
        for entity in corpus.entities.values():
            for curie in entity.xrefs:
                prefix, _, local = curie.partition(":")
                iri = xref_iri(curie)
                assert iri is not None and iri.endswith(local), curie
                row = f"| `{prefix}` | `{iri[: len(iri) - len(local)]}` |"
                assert row in DOC, f"docs/rdf.md lacks the expansion of {prefix}: {row}"
