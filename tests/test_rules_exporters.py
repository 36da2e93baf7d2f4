"""The writers of kg/graph/exporters.py, pinned exactly (issue 18: mutation score;
bench/mutation.py exporters): every KGX column of a node and of an edge, the KGX context,
the GraphML attributes, the JSON-LD compaction rules, the dispatch of each format and where
each goes. tests/test_export.py reads the same outputs back with independent parsers."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import pyoxigraph as ox
import pytest

from kg.config import PROJECT_BASE as B
from kg.errors import KgError
from kg.graph import exporters as X
from kg.graph.compiler import Build, build

CORPORA = Path(__file__).parent / "corpora"

#: added to a copy of tests/corpora/valid: a negated, hypothesized claim with every
#: qualifier, two lines of evidence (one with no locator) and text holding "|" and line
#: breaks, which KGX cells cannot hold
EXTRA = """\
claims:
  - id: drug-d-no-effect-on-fracture
    statement: "Drug D | does not change\\n  fracture risk."
    subject: drug-d
    predicate: no-effect-on
    object: fracture
    context: "long | term use"
    dose: 5 mg a day
    duration: two years
    certainty: hypothesized
    source: {section: basics, paragraph: 2}
    evidence:
      - study: alpha2020trial
        stance: supports
        finding: "Fractures | did not\\n change."
      - study: zeta2018cells
        stance: mixed
        finding: Cells changed a little.
        locator: figure 3
"""
DRUG_D = ("    kind: drug\n    description: \"A made-up | drug,\\n  for tests.\"\n"
          "    synonyms: [D inhibitor, \"D | blocker\"]\n")

E, C, V = "KG_BONE_AI.ENTITY", "KG_BONE_AI.CLAIM", "KG_BONE_AI.VOCAB"


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    root = Path(shutil.copytree(CORPORA / "valid", tmp_path_factory.mktemp("ex") / "c"))
    (root / "claims" / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    entities = root / "claims" / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    entities.write_text(text.replace("    kind: drug\n    synonyms: [D inhibitor]\n", DRUG_D),
                        encoding="utf-8")
    result = build(root)
    assert result.ok and result.diagnostics == [], result.diagnostics
    yield result


def _tsv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter="\t"))


# -- KGX ---------------------------------------------------------------------------------------


def test_kgx_files_are_the_columns_then_one_row_per_record(extended: Build) -> None:
    parts = X.export("kgx", extended)
    assert list(parts) == ["_nodes.tsv", "_edges.tsv", "_context.jsonld"]
    nodes, edges = parts["_nodes.tsv"], parts["_edges.tsv"]
    assert nodes.split(b"\n")[0] == "\t".join(X.NODE_COLUMNS).encode()
    assert edges.split(b"\n")[0] == "\t".join(X.EDGE_COLUMNS).encode()
    assert nodes.endswith(b"\n") and edges.endswith(b"\n")
    assert nodes.count(b"\n") == 1 + len(extended.corpus.entities)
    assert edges.count(b"\n") == 1 + len(extended.corpus.claims)
    for data, width in ((nodes, len(X.NODE_COLUMNS)), (edges, len(X.EDGE_COLUMNS))):
        assert {line.count(b"\t") for line in data.splitlines()} == {width - 1}


def test_kgx_node_has_every_column(extended: Build) -> None:
    nodes = {n["id"]: n for n in _tsv(X.export("kgx", extended)["_nodes.tsv"])}
    assert nodes[f"{E}:drug-d"] == {
        "id": f"{E}:drug-d", "category": "biolink:Drug", "name": "drug D",
        "description": "A made-up / drug, for tests.", "xref": "",
        "synonym": "D inhibitor|D / blocker", "iri": B + "entity/drug-d",
        "kg_role": "exposure", "kg_kind": "drug"}
    assert nodes[f"{E}:protein-p"] == {
        "id": f"{E}:protein-p", "category": "biolink:Protein", "name": "protein P",
        "description": "", "xref": "HGNC:11926|UniProtKB:O14788", "synonym": "PP",
        "iri": B + "entity/protein-p", "kg_role": "mechanism", "kg_kind": "protein"}
    assert list(nodes) == sorted(nodes)


def test_kgx_edge_has_every_column(extended: Build) -> None:
    edges = {e["id"]: e for e in _tsv(X.export("kgx", extended)["_edges.tsv"])}
    assert list(edges) == sorted(edges)
    assert edges[f"{C}:drug-d-no-effect-on-fracture"] == {
        "id": f"{C}:drug-d-no-effect-on-fracture",
        "subject": f"{E}:drug-d", "predicate": "biolink:affects", "object": f"{E}:fracture",
        "category": "biolink:Association", "negated": "True",
        "object_direction_qualifier": "", "knowledge_level": "prediction",
        "agent_type": "manual_agent",
        # the supporting study only (alpha2020trial has a PMID; zeta's line is mixed)
        "publications": "PMID:11111111",
        "has_evidence": "ECO:0000180|ECO:0000181",  # rct, in-vitro: sorted, once each
        "original_predicate": f"{V}:no-effect-on",
        "iri": B + "claim/drug-d-no-effect-on-fracture",
        "kg_statement": "Drug D / does not change fracture risk.",
        "kg_kind": "effect", "kg_origin": "article", "kg_certainty": "hypothesized",
        "kg_status": "contested", "kg_rating": "moderate",
        "kg_population": "", "kg_context": "long / term use", "kg_dose": "5 mg a day",
        "kg_duration": "two years", "kg_source": "basics ¶2",
        "kg_evidence_studies": "alpha2020trial|zeta2018cells",
        "kg_evidence_stances": "supports|mixed",
        "kg_evidence_findings": "Fractures / did not change.|Cells changed a little.",
        "kg_evidence_locators": "-|figure 3"}
    assert edges[f"{C}:walking-raises-density"] == {
        "id": f"{C}:walking-raises-density",
        "subject": f"{E}:walking", "predicate": "biolink:affects",
        "object": f"{E}:bone-density", "category": "biolink:Association", "negated": "",
        "object_direction_qualifier": "increased", "knowledge_level": "knowledge_assertion",
        "agent_type": "manual_agent", "publications": "", "has_evidence": "ECO:0000180",
        "original_predicate": f"{V}:increases", "iri": B + "claim/walking-raises-density",
        "kg_statement": "Walking raises bone mineral density in people on drug D.",
        "kg_kind": "effect", "kg_origin": "article", "kg_certainty": "asserted",
        "kg_status": "not-supported", "kg_rating": "none",
        "kg_population": "adults on drug D", "kg_context": "", "kg_dose": "",
        "kg_duration": "", "kg_source": "basics ¶2",
        "kg_evidence_studies": "alpha2020trial", "kg_evidence_stances": "no-effect",
        "kg_evidence_findings": "No difference in bone density after 12 months of walking.",
        "kg_evidence_locators": "abstract"}
    e = edges[f"{C}:drug-d-lowers-hormone-x"]  # no evidence at all
    assert (e["knowledge_level"], e["publications"], e["has_evidence"],
            e["kg_evidence_studies"], e["kg_evidence_locators"]) == (
        "not_provided", "", "", "", "")
    assert edges[f"{C}:hormone-x-raises-protein-p"]["publications"] == "doi:10.9999/test.0003"


def test_kgx_publication_is_the_pmid_else_the_doi_stripped(extended: Build) -> None:
    corpus = extended.corpus
    alpha = corpus.references["alpha2020trial"]
    refs = dict(corpus.references)
    refs["a"] = dataclasses.replace(alpha, fields={"pmid": " 123 ", "doi": " 10.1/x "})
    refs["b"] = dataclasses.replace(alpha, fields={"pmid": "", "doi": " 10.1/x "})
    refs["c"] = dataclasses.replace(alpha, fields={"title": "t"})
    other = dataclasses.replace(corpus, references=refs)
    assert [X._publication(other, k) for k in ("a", "b", "c", "missing")] == [
        "PMID:123", "doi:10.1/x", None, None]


def test_tsv_cells_hold_no_separator_tab_or_line_break() -> None:
    assert X._tsv(" a|b\t c\n\nd  e ") == "a/b c d e"
    assert X._tsv_rows(["x", "y"], [{"x": "1", "y": "2"}, {"y": "3", "x": "4"}]) == \
        b"x\ty\n1\t2\n4\t3\n"
    assert X._tsv_rows(["x", "y"], [{"y": "é"}]) == "x\ty\n\té\n".encode()  # absent: empty


def test_kgx_context_is_every_prefix_used_and_only_those(extended: Build) -> None:
    ctx = json.loads(X.export("kgx", extended)["_context.jsonld"])
    assert ctx == {"@context": {
        "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
        "ECO": "http://purl.obolibrary.org/obo/ECO_",
        "HGNC": "http://identifiers.org/hgnc/",
        f"{C}": B + "claim/", f"{E}": B + "entity/", f"{V}": B + "vocab#",
        "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/",
        "UniProtKB": "http://purl.uniprot.org/uniprot/",
        "biolink": "https://w3id.org/biolink/vocab/",
        "doi": "https://doi.org/"}}
    text = X.export("kgx", extended)["_context.jsonld"].decode()
    assert text.startswith('{\n "@context": {\n  "CHEBI": ') and text.endswith("}\n")


def test_kgx_context_leaves_out_a_prefix_nothing_expands(extended: Build) -> None:
    corpus = extended.corpus
    d = corpus.entities["drug-d"]
    entities = {**corpus.entities,
                "drug-d": dataclasses.replace(d, xrefs=("NOSUCHPREFIX:1", "CHEBI:é"))}
    out = X.kgx_context(dataclasses.replace(corpus, entities=entities), {"P": "https://p/"})
    ctx = json.loads(out)["@context"]
    assert "NOSUCHPREFIX" not in ctx
    assert ctx["CHEBI"] == "http://purl.obolibrary.org/obo/CHEBI_" and ctx["P"] == "https://p/"
    # the corpus's own prefixes win over a standard one of the same name
    assert json.loads(X.kgx_context(corpus, {"doi": "https://mine/"}))["@context"][
        "doi"] == "https://mine/"


def test_kgx_edge_of_an_open_question_and_of_a_claim_without_source(extended: Build) -> None:
    corpus = extended.corpus
    c = corpus.claims["walking-lowers-fracture"]  # asserted, with a supporting line
    claims = {c.id: dataclasses.replace(c, kind="question", source=None)}
    _, edges = X.kgx(dataclasses.replace(corpus, claims=claims), B,
                     {"E": B + "entity/", "C": B + "claim/", "V": B + "vocab#"})
    [row] = _tsv(edges)
    assert (row["id"], row["subject"], row["original_predicate"]) == (
        "C:walking-lowers-fracture", "E:walking", "V:inversely-associated-with")
    assert (row["kg_kind"], row["knowledge_level"], row["kg_source"]) == (
        "question", "not_provided", "")


def test_kgx_context_keeps_non_ascii_iris_as_written(extended: Build) -> None:
    corpus = extended.corpus
    d = corpus.entities["drug-d"]
    entities = {"drug-d": dataclasses.replace(d, xrefs=("CHEBI:CHEBI:1",))}
    out = X.kgx_context(dataclasses.replace(corpus, entities=entities), {"P": "https://é.x/"})
    assert '"P": "https://é.x/"'.encode() in out and out.endswith(b"}\n")
    ctx = json.loads(out)["@context"]
    assert ctx["CHEBI"] == "http://purl.obolibrary.org/obo/CHEBI_"  # the prefix is "CHEBI"
    assert set(ctx) == {"CHEBI", "P", *X.KGX_STANDARD_PREFIXES}


def test_kgx_knowledge_level_of_a_question_or_unsupported_hypothesis() -> None:
    assert X.knowledge_level("question", "hypothesized", True) == "not_provided"
    assert X.knowledge_level("question", "hypothesized", False) == "not_provided"
    assert X.knowledge_level("effect", "suggested", True) == "knowledge_assertion"
    assert X.knowledge_level("effect", "suggested", False) == "not_provided"


# -- GraphML -----------------------------------------------------------------------------------


def test_graphml_node_and_edge_attributes(extended: Build) -> None:
    data = X.export("graphml", extended)[".graphml"]
    assert b'<?xml version=\'1.0\' encoding=\'utf-8\'?>\n<graphml' in data
    assert b"\n  <key " in data  # pretty-printed
    g = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    assert (g.graph["name"], g.graph["base"]) == ("kg evidence graph", B)
    assert g.nodes["drug-d"] == {
        "label": "drug D", "role": "exposure", "kind": "drug", "iri": B + "entity/drug-d",
        "xrefs": "", "synonyms": "D inhibitor|D | blocker"}
    assert g.nodes["protein-p"]["xrefs"] == "HGNC:11926|UniProtKB:O14788"
    assert g.get_edge_data("drug-d", "fracture")["drug-d-no-effect-on-fracture"] == {
        "iri": B + "claim/drug-d-no-effect-on-fracture",
        "claim": "drug-d-no-effect-on-fracture", "predicate": "no-effect-on", "sign": "0",
        "mode": "causal", "statement": "Drug D | does not change\n  fracture risk.",
        "kind": "effect", "origin": "article", "certainty": "hypothesized",
        "status": "contested", "rating": "moderate", "source": "basics ¶2",
        "context": "long | term use", "dose": "5 mg a day", "duration": "two years",
        "studies": "alpha2020trial|zeta2018cells", "stances": "supports|mixed",
        "n_supports": 1, "n_mixed": 1, "n_no_effect": 0, "n_contradicts": 0}
    assert g.get_edge_data("walking", "bone-density")["walking-raises-density"] == {
        "iri": B + "claim/walking-raises-density", "claim": "walking-raises-density",
        "predicate": "increases", "sign": "+", "mode": "causal",
        "statement": "Walking raises bone mineral density in people on drug D.",
        "kind": "effect", "origin": "article", "certainty": "asserted",
        "status": "not-supported", "rating": "none", "source": "basics ¶2",
        "population": "adults on drug D", "studies": "alpha2020trial",
        "stances": "no-effect", "n_supports": 0, "n_mixed": 0, "n_no_effect": 1,
        "n_contradicts": 0}


def test_graphml_unsigned_claim_and_claim_without_source(extended: Build) -> None:
    corpus = extended.corpus
    c = corpus.claims["walking-lowers-fracture"]
    claims = {**corpus.claims, c.id: dataclasses.replace(c, source=None)}
    rows = dict(X._claim_rows(dataclasses.replace(corpus, claims=claims)))
    row = rows["walking-lowers-fracture"]
    assert (row["sign"], row["mode"], row["source"]) == ("-", "associational", "")
    assert "population" in row and "dose" not in row
    claims = {**corpus.claims, c.id: dataclasses.replace(c, predicate="affects")}
    row = dict(X._claim_rows(dataclasses.replace(corpus, claims=claims)))[c.id]
    assert (row["predicate"], row["sign"], row["mode"]) == ("affects", "", "causal")


# -- JSON-LD -----------------------------------------------------------------------------------


def _t(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o)


def test_jsonld_compacts_each_kind_of_object() -> None:
    xsd, rdf, rdfs = ("http://www.w3.org/2001/XMLSchema#",
                      "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                      "http://www.w3.org/2000/01/rdf-schema#")
    s = B + "claim/a"
    triples = [
        _t(s, rdf + "type", ox.NamedNode(B + "vocab#Claim")),
        _t(s, rdf + "type", ox.NamedNode(B + "vocab#Thing")),
        _t(s, rdfs + "label", ox.Literal("é plain")),
        _t(s, rdfs + "label", ox.Literal("en", language="en")),
        _t(s, rdfs + "label", ox.Literal("3", datatype=ox.NamedNode(xsd + "integer"))),
        _t(s, rdf + "subject", ox.NamedNode(B + "entity/x")),
        _t(s, "http://example.com/p", ox.NamedNode(B + "entity/y")),
        _t(s, "http://example.com/q", ox.Literal("v")),
        _t(B + "statistic/s", B + "vocab#value",
           ox.Literal("2.5", datatype=ox.NamedNode(xsd + "double"))),
        _t(B + "statistic/s", B + "vocab#value",
           ox.Literal("2", datatype=ox.NamedNode(xsd + "string"))),
    ]
    out = X.jsonld(triples, B)
    text = out.decode("utf-8")
    assert "é plain" in text and text.endswith("}\n") and text.startswith('{\n "@context"')
    doc = json.loads(out)
    assert doc["@context"] == X.context(B)
    assert doc["@graph"] == [
        {"id": "claim:a", "type": ["kgv:Claim", "kgv:Thing"],
         "label": ["é plain", {"@value": "en", "@language": "en"},
                   {"@value": "3", "@type": "xsd:integer"}],
         "subject": "entity:x",
         "http://example.com/p": {"@id": "entity:y"},
         "http://example.com/q": "v"},
        {"id": "statistic:s", "value": ["2.5", {"@value": "2", "@type": "xsd:string"}]},
    ]


def test_the_compactor_takes_the_longest_prefix_and_never_a_bare_one() -> None:
    c = X._Compactor({"a": "http://x/", "ab": "http://x/y/", "t": {"@id": "a:t",
                                                                    "@type": "ab:T"},
                      "u": {"@id": "http://x/u", "@type": "@id"}, "v": "@vocab"})
    assert c.compact("http://x/y/z") == "ab:z"
    assert c.compact("http://x/z") == "a:z"
    assert c.compact("http://x/") == "http://x/"  # nothing after the prefix
    assert c.compact("http://x///z") == "http://x///z"  # "a://z" would read as an IRI
    assert c.compact("http://other/z") == "http://other/z"
    assert c.compact("http://x/y/z") == "ab:z"  # cached answer, the same
    assert c.expand("ab:q") == "http://x/y/q" and c.expand("zz:q") == "zz:q"
    assert c.expand("a:b:c") == "http://x/b:c"
    assert c.terms == {"http://x/t": ("t", "http://x/y/T"), "http://x/u": ("u", "@id")}
    assert ("@vocab", "v") not in c.prefixes


# -- the formats and where they go -------------------------------------------------------------


def test_export_gives_each_format_its_suffix(extended: Build) -> None:
    from kg.graph.compiler import nanopub_files, shapes_text, vocab_text

    corpus = extended.corpus
    assert X.export("vocab", extended) == {".ttl": vocab_text(B).encode("utf-8")}
    assert X.export("shapes", extended) == {".ttl": shapes_text(B).encode("utf-8")}
    assert vocab_text(B) != shapes_text(B)
    assert X.export("nanopubs", extended) == nanopub_files(corpus, B)
    assert X.export("graphml", extended) == {".graphml": X.graphml(corpus, B)}
    assert list(X.export("trig", extended)) == [".trig"]
    assert list(X.export("json-ld", extended)) == [".jsonld"]
    with pytest.raises(KgError) as err:
        X.export("xml", extended)
    assert str(err.value) == ("unknown export format 'xml' (choose from turtle, n-triples, "
                              "json-ld, trig, nanopubs, graphml, kgx, dataset, vocab, shapes)")


def test_export_of_a_dataset_is_strict(extended: Build, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    import kg.graph.dataset

    seen: list[Any] = []

    def fake(build: Build, *, strict: bool = False) -> bytes:
        seen.append((build, strict))
        return b""

    monkeypatch.setattr(kg.graph.dataset, "dataset_text", fake)
    X.export("dataset", extended)
    assert seen == [(extended, True)]


def test_output_paths(tmp_path: Path) -> None:
    root = tmp_path / "r"
    assert X.output_paths("turtle", root, None) == {".ttl": root / "build" / "graph.ttl"}
    assert X.output_paths("vocab", root, None) == {".ttl": root / "build" / "vocab.ttl"}
    assert X.output_paths("json-ld", root, "x/out.json") == {".jsonld": Path("x/out.json")}
    assert X.output_paths("kgx", root, None) == {
        s: root / "build" / f"graph{s}" for s in X.KGX_SUFFIXES}
    assert X.output_paths("kgx", root, str(tmp_path / "k")) == {
        s: tmp_path / f"k{s}" for s in X.KGX_SUFFIXES}
    assert X.output_paths("kgx", root, str(tmp_path)) == {
        s: tmp_path / f"graph{s}" for s in X.KGX_SUFFIXES}
    assert X.output_paths("kgx", root, "not-yet/") == {
        s: Path("not-yet") / f"graph{s}" for s in X.KGX_SUFFIXES}
    assert X.output_folder("nanopubs", root, None) == root / "build" / "nanopubs"
    assert X.output_folder("nanopubs", root, "np") == Path("np")


def test_the_writers_pass_the_root_and_the_link_rule_on(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "claims").mkdir(parents=True)
    target = tmp_path / "real.ttl"
    target.write_bytes(b"old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    with pytest.raises(KgError):
        X.write_atomic(link, b"new")  # a symlink is refused unless followed
    assert X.write_atomic(link, b"new", follow_symlinks=True) == 3
    assert target.read_bytes() == b"new"
    with pytest.raises(KgError):  # an input of the corpus is never overwritten
        X.write_atomic(root / "claims" / "x.yaml", b"x", root)
    assert X.write_atomic(tmp_path / "out.ttl", [b"a", b"bc"], root) == 3
    folder = tmp_path / "np"
    assert X.write_folder(folder, {"a.trig": b"12"}, root) == 2
    assert X.check_folder(folder, root) == folder
    (root / "claims" / "np").mkdir()
    with pytest.raises(KgError, match="inside the corpus's inputs"):
        X.check_folder(root / "claims" / "np", root)
    assert X.check_folder(root / "claims" / "np") == root / "claims" / "np"
    with pytest.raises(KgError):
        X.write_folder(root / "claims", {"a.trig": b"12"}, root)
    with pytest.raises(KgError, match="inside the corpus's inputs"):  # empty, but an input
        X.write_folder(root / "claims" / "np", {"a.trig": b"12"}, root)
    assert not (root / "claims" / "np" / "a.trig").exists()


def test_export_needs_a_corpus_without_errors(tmp_path: Path) -> None:
    root = Path(shutil.copytree(CORPORA / "valid", tmp_path / "c"))
    (root / "claims" / "bad.yaml").write_text("claims:\n  - id: Bad Id\n", encoding="utf-8")
    failed = build(root)
    assert not failed.ok
    with pytest.raises(AssertionError, match=r"^export\(\) needs a corpus without errors$"):
        X.export("turtle", failed)


def test_turtle_and_trig_writers_use_the_graphs_prefixes() -> None:
    s, p = ox.NamedNode(B + "entity/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    triple = ox.Triple(s, p, ox.Literal("a"))
    ttl = X.turtle([triple], B)
    assert b"@prefix entity: <" + B.encode() + b"entity/> ." in ttl
    assert b"entity:a rdfs:label \"a\" ." in ttl
    assert {q.triple for q in ox.parse(ttl, format=ox.RdfFormat.TURTLE)} == {triple}
    g = ox.NamedNode(B + "np/a#assertion")
    trig = X.trig([ox.Quad(s, p, ox.Literal("a"), g)], B)
    assert b"@prefix entity: <" + B.encode() + b"entity/> ." in trig
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == {ox.Quad(s, p, ox.Literal("a"), g)}
    assert X.ntriples([triple, ox.Triple(s, p, ox.Literal("0"))]).splitlines() == [
        f'<{B}entity/a> <{p.value}> "0" .'.encode(), f'<{B}entity/a> <{p.value}> "a" .'.encode()]


def test_the_jsonld_context_is_read_from_the_packaged_file() -> None:
    # _read_default_context itself, not through its cache: a forked mutation run would
    # otherwise see the answer the unmutated code remembered
    ctx = X._read_default_context()
    assert ctx["cito"] == "http://purl.org/spar/cito/"
    assert ctx["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#"
    assert "@context" not in ctx  # the mapping inside the file's "@context", not the file
    assert X._default_context() == ctx
