"""kg export: every format, read back by independent parsers (issue 4)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from cli import cli
from kg.checks.validator import validate
from kg.config import PROJECT_BASE as B
from kg.corpus.model import Claim
from kg.graph.compiler import Build, build, compile_nanopubs, to_rdflib

RDF_FORMATS = {
    "turtle": ("graph.ttl", ox.RdfFormat.TURTLE, "turtle"),
    "n-triples": ("graph.nt", ox.RdfFormat.N_TRIPLES, "nt"),
    "json-ld": ("graph.jsonld", ox.RdfFormat.JSON_LD, "json-ld"),
}


def built(root: Path) -> list[ox.Triple]:
    result = build(root)
    assert result.triples is not None
    return result.triples


def export(runner: CliRunner, root: Path, fmt: str, *args: str) -> str:
    result = runner.invoke(cli, ["export", "--root", str(root), "--format", fmt, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdf_exports_hold_exactly_the_built_triples(
    fmt: str, runner: CliRunner, valid_corpus: Path
) -> None:
    name, ox_format, rdflib_format = RDF_FORMATS[fmt]
    export(runner, valid_corpus, fmt)
    path = valid_corpus / "build" / name
    want = set(built(valid_corpus))
    # pyoxigraph reads back exactly what was built
    got = {q.triple for q in ox.parse(path=str(path), format=ox_format)}
    assert got == want
    # and rdflib, an independent parser, reads the same graph
    g = rdflib.Graph().parse(str(path), format=rdflib_format)
    assert set(g) == set(to_rdflib(built(valid_corpus)))
    assert len(g) == len(want)


def test_ntriples_lines_are_sorted(runner: CliRunner, valid_corpus: Path) -> None:
    lines = export(runner, valid_corpus, "n-triples", "-o", "-").splitlines()
    assert lines == sorted(lines, key=lambda s: s.encode()) and len(lines) > 100


def test_jsonld_is_readable(runner: CliRunner, valid_corpus: Path) -> None:
    doc = json.loads(export(runner, valid_corpus, "json-ld", "-o", "-"))
    assert doc["@context"]["label"] == {"@id": "rdfs:label"}
    claim = next(n for n in doc["@graph"] if n["id"] == "claim:walking-lowers-fracture")
    assert claim["subject"] == "entity:walking"
    assert claim["predicate"] == "kgv:inversely-associated-with"
    assert claim["label"] == "Walking goes with fewer fractures in people on drug D."
    assert claim["status"] == "kgv:status-supported"
    stat = next(n for n in doc["@graph"] if n["id"] == "statistic:walking-lowers-fracture-1-1")
    assert stat["value"] == "2.42"


def test_jsonld_context_file_matches_the_vocabulary() -> None:
    from kg.graph import namespaces as ns
    from kg.graph.exporters import context

    ctx = context(B)
    for prefix, iri in ns.prefixes(B).items():
        assert ctx[prefix] == iri
    moved = context("https://kg.test/")
    assert moved["kgv"] == "https://kg.test/vocab#"


def test_trig_has_one_nanopublication_per_claim(runner: CliRunner, valid_corpus: Path) -> None:
    text = export(runner, valid_corpus, "trig", "-o", "-")
    quads = set(ox.parse(text.encode(), format=ox.RdfFormat.TRIG))
    corpus, _ = validate(valid_corpus)
    assert quads == set(compile_nanopubs(corpus, B))
    ds = rdflib.Dataset()
    ds.parse(data=text, format="trig")
    rq = {(s, p, o, str(getattr(g, "identifier", g)))
          for s, p, o, g in ds.quads((None, None, None, None))}
    assert len(rq) == len(quads)  # rdflib reads as many quads, all in named graphs
    assert {g for *_, g in rq} == {q.graph_name.value for q in quads}
    np_ns = "http://www.nanopub.org/nschema#"
    nps = {q.subject for q in quads if q.object == ox.NamedNode(np_ns + "Nanopublication")}
    assert len(nps) == len(corpus.claims)
    walking = ox.NamedNode(B + "np/walking-lowers-fracture")
    heads = {q.predicate.value.rsplit("#", 1)[1]: q.object for q in quads
             if q.subject == walking and q.predicate.value.startswith(np_ns + "has")}
    assert set(heads) == {"hasAssertion", "hasProvenance", "hasPublicationInfo"}
    assertion = {q.triple for q in quads if q.graph_name == heads["hasAssertion"]}
    # a subgroup claim: its assertion is the claim node, with its population
    claim_node = ox.NamedNode(B + "claim/walking-lowers-fracture")
    assert ox.Triple(claim_node, ox.NamedNode(B + "vocab#population"),
                     ox.Literal("adults on drug D")) in assertion
    assert not [t for t in assertion if t.subject == ox.NamedNode(B + "entity/walking")]
    # computed ratings are publication info, not part of what is asserted
    assert not [t for t in assertion if t.predicate.value.endswith(("#rating", "#status"))]
    pubinfo = {q.triple for q in quads if q.graph_name.value.endswith("#pubinfo")
               and q.subject == claim_node}
    assert ox.Triple(claim_node, ox.NamedNode(B + "vocab#rating"),
                     ox.NamedNode(B + "vocab#rating-low")) in pubinfo
    provenance = {q.triple for q in quads if q.graph_name == heads["hasProvenance"]}
    assert ox.Triple(heads["hasAssertion"], ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                     ox.NamedNode(B + "study/delta2019cohort")) in provenance


def test_graphml_entities_as_nodes_claims_as_edges(
    runner: CliRunner, valid_corpus: Path
) -> None:
    export(runner, valid_corpus, "graphml")
    g = nx.read_graphml(valid_corpus / "build" / "graph.graphml", force_multigraph=True)
    corpus, _ = validate(valid_corpus)
    assert set(g.nodes) == set(corpus.entities)
    assert {k for _, _, k in g.edges(keys=True)} == set(corpus.claims)
    data = g.get_edge_data("walking", "fracture")["walking-lowers-fracture"]
    assert data["predicate"] == "inversely-associated-with" and data["sign"] == "-"
    assert data["status"] == "supported" and data["studies"] == "delta2019cohort"
    assert g.nodes["protein-p"]["xrefs"] == "HGNC:11926|UniProtKB:O14788"


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


E, C, V = "KG_BONE_AI.ENTITY", "KG_BONE_AI.CLAIM", "KG_BONE_AI.VOCAB"  # from the corpus's base


def test_kgx_edges_keep_evidence_stance_and_qualifiers(
    runner: CliRunner, valid_corpus: Path, tmp_path: Path
) -> None:
    export(runner, valid_corpus, "kgx", "-o", str(tmp_path / "out" / "bone"))
    nodes = _read_tsv(tmp_path / "out" / "bone_nodes.tsv")
    edges = {e["id"]: e for e in _read_tsv(tmp_path / "out" / "bone_edges.tsv")}
    assert {n["id"] for n in nodes} >= {f"{E}:walking", f"{E}:fracture"}
    assert next(n for n in nodes if n["id"] == f"{E}:protein-p")["category"] == "biolink:Protein"
    e = edges[f"{C}:walking-raises-density"]
    assert (e["predicate"], e["object_direction_qualifier"]) == ("biolink:affects", "increased")
    assert e["kg_evidence_stances"] == "no-effect" and e["kg_evidence_studies"] == "alpha2020trial"
    assert e["kg_population"] == "adults on drug D"
    assert e["original_predicate"] == f"{V}:increases"
    # publications are supporting studies only: alpha2020trial found no effect
    assert e["publications"] == "" and e["has_evidence"] == "ECO:0000180"
    assert edges[f"{C}:walking-lowers-fracture"]["publications"] == "doi:10.9999/test.0002"
    assert not any("positively_regulates" in x["predicate"] for x in edges.values())


def _curies(rows: list[dict[str, str]], columns: tuple[str, ...]) -> set[str]:
    return {v for row in rows for col in columns for v in row[col].split("|") if v}


def test_kgx_has_one_prefix_per_namespace_and_ships_their_context(
    runner: CliRunner, valid_corpus: Path, tmp_path: Path
) -> None:
    """Entities, claims and our vocabulary each have their own CURIE prefix, and
    <prefix>_context.jsonld expands every prefix the two files use, to the graph's IRIs."""
    export(runner, valid_corpus, "kgx", "-o", str(tmp_path / "kg"))
    nodes = _read_tsv(tmp_path / "kg_nodes.tsv")
    edges = _read_tsv(tmp_path / "kg_edges.tsv")
    ctx = json.loads((tmp_path / "kg_context.jsonld").read_text())["@context"]
    assert {ctx[E], ctx[C], ctx[V]} == {B + "entity/", B + "claim/", B + "vocab#"}
    used = _curies(nodes, ("id", "category", "xref")) | _curies(
        edges, ("id", "subject", "predicate", "object", "category", "publications",
                "has_evidence", "original_predicate"))
    assert {c.split(":", 1)[0] for c in used} <= set(ctx)
    for row in nodes + edges:  # each id expands to the IRI the graph gives the node
        prefix, local = row["id"].split(":", 1)
        assert ctx[prefix] + local == row["iri"]
    graph = {t.subject.value for t in built(valid_corpus)
             if isinstance(t.subject, ox.NamedNode)}
    assert {n["iri"] for n in nodes} <= graph
    # a JSON-LD processor expands a CURIE with it (rdflib reads the context)
    doc = {"@context": ctx, "@id": nodes[0]["id"], "@type": "biolink:Entity"}
    g = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    assert {str(s) for s in g.subjects()} == {nodes[0]["iri"]}


def test_kgx_prefixes_follow_the_settings(
    runner: CliRunner, valid_corpus: Path, tmp_path: Path
) -> None:
    (valid_corpus / "kg.toml").write_text('base = "https://w3id.org/mine/"\n'
                                          'curie_prefix = "MINE"\n')
    export(runner, valid_corpus, "kgx", "-o", str(tmp_path / "kg"))
    ctx = json.loads((tmp_path / "kg_context.jsonld").read_text())["@context"]
    assert ctx["MINE.ENTITY"] == "https://w3id.org/mine/entity/"
    assert not [k for k in ctx if k.startswith(("KGBONE", "KG_BONE_AI"))]
    (valid_corpus / "kg.toml").write_text('curie_prefix = "not valid"\n')
    result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format", "kgx",
                                 "-o", str(tmp_path / "kg")])
    assert result.exit_code == 2, result.output
    assert "curie_prefix 'not valid'" in result.stderr and "Traceback" not in result.output


def test_kgx_knowledge_level_follows_biolink_meanings() -> None:
    """knowledge_assertion needs direct evidence (Biolink KnowledgeLevelEnum)."""
    from kg.graph.exporters import knowledge_level

    assert knowledge_level("effect", "asserted", True) == "knowledge_assertion"
    assert knowledge_level("effect", "asserted", False) == "not_provided"
    assert knowledge_level("effect", "hypothesized", False) == "prediction"
    assert knowledge_level("effect", "hypothesized", True) == "prediction"
    assert knowledge_level("question", "asserted", True) == "not_provided"


def test_kgx_output_to_a_folder_and_not_to_stdout(
    runner: CliRunner, valid_corpus: Path, tmp_path: Path
) -> None:
    export(runner, valid_corpus, "kgx", "-o", str(tmp_path))
    for name in ("graph_nodes.tsv", "graph_edges.tsv", "graph_context.jsonld"):
        assert (tmp_path / name).is_file(), name
    result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format", "kgx",
                                 "-o", "-"])
    assert result.exit_code == 2 and "kg: error:" in result.stderr


def test_unknown_format_is_a_usage_error(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format", "xml"])
    assert result.exit_code == 2


def test_export_refuses_a_corpus_with_errors(runner: CliRunner, valid_corpus: Path) -> None:
    (valid_corpus / "claims" / "broken.yaml").write_text("claims:\n  - id: Bad Id\n")
    result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format", "turtle"])
    assert result.exit_code == 1 and "KG" in result.stdout
    # nothing written but the per-file parse cache (build/cache/files/)
    assert not (valid_corpus / "build" / "graph.ttl").exists()
    assert not (valid_corpus / "build" / "cache" / "compiled").exists()


# -- the real corpus: the graph says only what the evidence says -------------------------------

REPO = Path(__file__).resolve().parents[1]


def _v(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return "" if isinstance(term, ox.Triple) else term.value


@pytest.fixture(scope="module")
def real_build() -> tuple[Build, list[ox.Triple]]:
    result = build(REPO)
    assert result.triples is not None
    return result, result.triples


def test_real_graph_asserts_no_question_hypothesis_or_unsupported_claim(
        real_build: tuple[Build, list[ox.Triple]]) -> None:
    from kg.evidence import assess

    result, triples = real_build
    corpus = result.corpus
    plain = {(_v(t.subject), _v(t.predicate), _v(t.object)) for t in triples}
    V = B + "vocab#"

    def triple(c: Claim) -> tuple[str, str, str]:
        return (B + "entity/" + c.subject, V + c.predicate, B + "entity/" + c.object)

    asserted_by: dict[tuple[str, str, str], list[bool]] = {}
    for c in corpus.claims.values():
        a = assess(c, corpus.studies)
        ok = (c.kind in ("effect", "classification") and c.certainty != "hypothesized"
              and a.status == "supported" and not c.superseded_by
              and not (c.population or c.context or c.dose or c.duration))
        asserted_by.setdefault(triple(c), []).append(ok)
    bad = [t for t, oks in asserted_by.items() if t in plain and not any(oks)]
    assert bad == []
    missing = [t for t, oks in asserted_by.items() if any(oks) and t not in plain]
    assert missing == []
    kinds = {c.kind for c in corpus.claims.values()}
    assert {"question", "recommendation"} <= kinds


def test_real_derivations_and_kgx_publications_point_only_at_support(tmp_path: Path) -> None:
    from kg.graph.exporters import export as do_export

    result = build(REPO)
    corpus = result.corpus
    supports: dict[str, set[str]] = {}
    for c in corpus.claims.values():
        supports[c.id] = {ev.study for ev in c.evidence if ev.stance == "supports"}
    quads = compile_nanopubs(corpus, B)
    derived = [q for q in quads if _v(q.predicate) == "http://www.w3.org/ns/prov#wasDerivedFrom"
               and _v(q.object).startswith(B + "study/")]
    assert derived
    for q in derived:
        cid = _v(q.subject).split("/np/", 1)[1].split("#", 1)[0]
        assert _v(q.object).rsplit("/", 1)[1] in supports[cid], (cid, _v(q.object))
    edges = do_export("kgx", result)["_edges.tsv"]
    rows = list(csv.DictReader(edges.decode().splitlines(), delimiter="\t"))
    pub_of = {}
    for key, ref in corpus.references.items():
        if ref.pmid:
            pub_of[f"PMID:{ref.pmid.strip()}"] = key
        if ref.doi:
            pub_of[f"doi:{ref.doi.strip()}"] = key
    for row in rows:
        cid = row["id"].split(":", 1)[1]
        assert row["id"].startswith("KGBONE.CLAIM:")  # the corpus's curie_prefix
        for pub in filter(None, row["publications"].split("|")):
            assert pub_of[pub] in supports[cid], (cid, pub)


def test_real_graph_has_no_exact_match_from_a_protein_to_a_gene() -> None:
    result = build(REPO)
    assert result.triples is not None
    exact = [t for t in result.triples
             if _v(t.predicate) == "http://www.w3.org/2004/02/skos/core#exactMatch"
             and _v(t.subject).startswith(B + "entity/")]
    assert exact == []
    related_genes = [t for t in result.triples
                     if _v(t.predicate) == "http://www.w3.org/2004/02/skos/core#relatedMatch"
                     and "identifiers.org/hgnc/" in _v(t.object)]
    assert related_genes, "the corpus's HGNC xrefs are related matches"
