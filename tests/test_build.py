"""kg build: the compiled graph, its mapping, its base IRI and its determinism (issue 4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from cli import cli
from kg.checks.validator import validate
from kg.config import PROJECT_BASE, resolve_base
from kg.errors import KgError
from kg.graph import namespaces as ns
from kg.graph.compiler import build, compile_graph, vocab_text

REPO = Path(__file__).parent.parent
B = PROJECT_BASE
V = B + "vocab#"


Obj = ox.NamedNode | ox.Literal


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def iri(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def graph_of(root: Path) -> set[ox.Triple]:
    result = build(root)
    assert result.triples is not None, result.diagnostics
    return set(result.triples)


# --- the command -------------------------------------------------------------------------


def test_build_writes_build_graph_ttl(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["build", "--root", str(valid_corpus)])
    assert result.exit_code == 0, result.output
    out = valid_corpus / "build" / "graph.ttl"
    triples = {q.triple for q in ox.parse(path=str(out), format=ox.RdfFormat.TURTLE)}
    assert triples == graph_of(valid_corpus)
    assert "triples" in result.stderr and str(out) in result.stderr
    # no temp files; build/cache/ holds the compiled parts (kg.graph.build_cache)
    assert not [p for p in out.parent.iterdir() if p.name not in ("graph.ttl", "cache")]
    assert not [p for p in out.parent.rglob("*") if p.name.endswith(".tmp")]


def test_build_to_stdout_writes_no_file(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["build", "--root", str(valid_corpus), "-o", "-"])
    assert result.exit_code == 0, result.output
    triples = {q.triple for q in ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE)}
    assert triples == graph_of(valid_corpus)
    # no graph file; only the caches (compiled parts, loaded files) under build/cache/
    assert not (valid_corpus / "build" / "graph.ttl").exists()
    assert not [p for p in (valid_corpus / "build").glob("*") if p.name != "cache"]


def test_build_refuses_a_corpus_with_errors(runner: CliRunner, valid_corpus: Path) -> None:
    f = valid_corpus / "claims" / "mechanism.yaml"
    f.write_text(f.read_text().replace("object: hormone-x", "object: hormone-y"))
    result = runner.invoke(cli, ["build", "--root", str(valid_corpus)])
    assert result.exit_code == 1, result.output
    expected = runner.invoke(cli, ["validate", "--root", str(valid_corpus), "--format", "text"])
    assert result.stdout == expected.stdout and "KG" in result.stdout
    assert "nothing written" in result.stderr
    assert not (valid_corpus / "build" / "graph.ttl").exists()
    assert not (valid_corpus / "build" / "cache" / "compiled").exists()  # nothing compiled


def test_build_keeps_old_output_when_refusing(runner: CliRunner, valid_corpus: Path) -> None:
    assert runner.invoke(cli, ["build", "--root", str(valid_corpus)]).exit_code == 0
    before = (valid_corpus / "build" / "graph.ttl").read_bytes()
    (valid_corpus / "claims" / "broken.yaml").write_text("claims:\n  - id: Bad Id\n")
    assert runner.invoke(cli, ["build", "--root", str(valid_corpus)]).exit_code == 1
    assert (valid_corpus / "build" / "graph.ttl").read_bytes() == before


def test_unwritable_output_is_a_fatal_error(runner: CliRunner, valid_corpus: Path) -> None:
    blocker = valid_corpus / "file"
    blocker.write_text("x")
    result = runner.invoke(cli, ["build", "--root", str(valid_corpus), "-o",
                                 str(blocker / "graph.ttl")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("kg: error: cannot write")


# --- base IRI ----------------------------------------------------------------------------


def test_base_defaults_to_the_projects_value() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert project["tool"]["kg"]["base"] == PROJECT_BASE


def test_base_from_pyproject_then_option(valid_corpus: Path) -> None:
    assert resolve_base(valid_corpus) == PROJECT_BASE
    (valid_corpus / "pyproject.toml").write_text('[tool.kg]\nbase = "https://kg.test/x/"\n')
    assert resolve_base(valid_corpus) == "https://kg.test/x/"
    assert resolve_base(valid_corpus, "https://other.test/") == "https://other.test/"


@pytest.mark.parametrize("bad", ["not an iri", "https://example.org/no-slash", "relative/"])
def test_bad_base_is_refused(bad: str, valid_corpus: Path) -> None:
    with pytest.raises(KgError):
        resolve_base(valid_corpus, bad)


def test_base_option_moves_every_minted_iri(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["build", "--root", str(valid_corpus), "--base",
                                 "https://kg.test/g/", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "example.org" not in result.stdout
    assert "<https://kg.test/g/vocab#>" in result.stdout


def test_bad_base_option_exits_2(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["build", "--root", str(valid_corpus), "--base", "nope"])
    assert result.exit_code == 2
    assert "kg: error: --base" in result.stderr


# --- determinism -------------------------------------------------------------------------


def _kg_build(root: Path, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", "import cli; cli.main()", "build", "--root",
                    str(root)], check=True, env=env, cwd=REPO, capture_output=True)
    return (root / "build" / "graph.ttl").read_bytes()


def test_byte_identical_across_hash_seeds_and_file_order(
    corpus_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    a = corpus_copy("valid")
    # the same corpus with claims in other files and another order
    b = tmp_path / "reordered"
    shutil.copytree(a, b)
    (b / "claims" / "exercise.yaml").rename(b / "claims" / "zz-exercise.yaml")
    mech = (b / "claims" / "mechanism.yaml").read_text().split("\n  - id: ")
    head, items = mech[0], mech[1:]
    (b / "claims" / "mechanism.yaml").write_text(
        head + "".join("\n  - id: " + x for x in reversed(items)).rstrip("\n") + "\n")
    outputs = {_kg_build(a, "0"), _kg_build(a, "12345"), _kg_build(b, "777")}
    assert len(outputs) == 1


def test_compile_graph_is_in_canonical_order(valid_corpus: Path) -> None:
    corpus, _ = validate(valid_corpus)
    triples = compile_graph(corpus, B)
    subjects = [iri(t.subject) for t in triples]
    assert subjects == sorted(subjects)
    assert len(set(triples)) == len(triples)  # no repeats


def test_no_blank_nodes_and_flat_iris(valid_corpus: Path) -> None:
    for t in graph_of(valid_corpus):
        for term in (t.subject, t.predicate, t.object):
            assert not isinstance(term, ox.BlankNode)
            if isinstance(term, ox.NamedNode) and term.value.startswith(B):
                rest = term.value[len(B):]
                assert rest.count("/") <= 1, f"nested IRI {term.value}"


# --- the mapping ---------------------------------------------------------------------------


def test_claim_node_and_plain_triple(valid_corpus: Path) -> None:
    g = graph_of(valid_corpus)
    claim = N(B + "claim/walking-lowers-fracture")
    walking, fracture = N(B + "entity/walking"), N(B + "entity/fracture")
    # supported, but about adults on drug D: the plain triple would lose the population,
    # so only the claim node states it
    assert ox.Triple(walking, N(V + "inversely-associated-with"), fracture) not in g
    pairs: list[tuple[str, Obj]] = [
        (ns.RDF + "subject", walking),
        (ns.RDF + "predicate", N(V + "inversely-associated-with")),
        (ns.RDF + "object", fracture),
        (ns.RDFS + "label", ox.Literal("Walking goes with fewer fractures in people on drug D.")),
        (V + "population", ox.Literal("adults on drug D")),
        (V + "certainty", N(V + "certainty-asserted")),
        (V + "sourceParagraph", N(B + "paragraph/basics-2")),
        (V + "articleCites", N(B + "study/delta2019cohort")),
        (V + "rating", N(V + "rating-low")),
        (V + "claimKind", N(V + "claim-kind-effect")),
        (V + "origin", N(V + "origin-article")),
        (V + "status", N(V + "status-supported")),
        # CiTO direction: the claim cites the paper as evidence, never the reverse
        (ns.CITO + "citesAsEvidence", N(B + "study/delta2019cohort")),
    ]
    for p, o in pairs:
        assert ox.Triple(claim, N(p), o) in g, p
    assert not any(iri(t.subject).startswith(B + "study/") and
                   t.predicate.value.startswith(ns.CITO) for t in g)


ASSERTION_CASES = [
    # (claim id, its plain triple, asserted?)
    ("hormone-x-raises-protein-p", ("hormone-x", "increases", "protein-p"), True),
    ("walking-raises-density", ("walking", "increases", "bone-density"), False),  # no effect
    ("drug-d-lowers-hormone-x", ("drug-d", "decreases", "hormone-x"), False),  # no evidence
]


@pytest.mark.parametrize(("cid", "triple", "expected"), ASSERTION_CASES)
def test_only_supported_unqualified_claims_are_asserted(valid_corpus: Path, cid: str,
                                                        triple: tuple[str, str, str],
                                                        expected: bool) -> None:
    g = graph_of(valid_corpus)
    s, p, o = triple
    t = ox.Triple(N(B + "entity/" + s), N(V + p), N(B + "entity/" + o))
    assert (t in g) is expected
    assert ox.Triple(N(B + "claim/" + cid), N(ns.RDF + "subject"), N(B + "entity/" + s)) in g


@pytest.mark.parametrize(("edit", "why"), [
    ("    certainty: hypothesized\n", "a hypothesis"),
    ("    kind: question\n", "an open question"),
    ("    population: children\n", "a subgroup"),
])
def test_hypotheses_questions_and_subgroups_are_never_asserted(valid_corpus: Path, edit: str,
                                                               why: str) -> None:
    mech = valid_corpus / "claims" / "mechanism.yaml"
    text = mech.read_text(encoding="utf-8")
    block = "    object: protein-p\n    certainty: asserted\n"
    assert block in text
    new = "    object: protein-p\n" + (edit if "certainty" in edit else
                                        edit + ("" if "question" in edit
                                                else "    certainty: asserted\n"))
    mech.write_text(text.replace(block, new, 1), encoding="utf-8")
    g = graph_of(valid_corpus)
    t = ox.Triple(N(B + "entity/hormone-x"), N(V + "increases"), N(B + "entity/protein-p"))
    assert t not in g, why


def test_evidence_line_and_statistics(valid_corpus: Path) -> None:
    g = graph_of(valid_corpus)
    ev = N(B + "evidence/walking-lowers-fracture-1")
    st = N(B + "statistic/walking-lowers-fracture-1-1")
    claim = N(B + "claim/walking-lowers-fracture")
    assert ox.Triple(claim, N(ns.OBO + "SEPIO_0000007"), ev) in g
    pairs: list[tuple[str, Obj]] = [
        # a cohort is no controlled investigation: the ECO root, not ECO:0000180
        (ns.RDF + "type", N(ns.OBO + "ECO_0000000")),
        (ns.OBO + "SEPIO_0000427", claim),  # is_evidence_line_for
        (ns.DCTERMS + "source", N(B + "study/delta2019cohort")),
        (V + "stance", N(V + "stance-supports")),
        (V + "locator", ox.Literal("abstract")),
        (V + "statistic", st),
    ]
    for p, o in pairs:
        assert ox.Triple(ev, N(p), o) in g, p
    dbl = N(ns.XSD + "double")
    assert ox.Triple(st, N(V + "value"), ox.Literal("2.42", datatype=dbl)) in g
    assert ox.Triple(st, N(V + "ciLower"), ox.Literal("1.34", datatype=dbl)) in g
    null_line = N(B + "evidence/walking-raises-density-1")
    assert ox.Triple(null_line, N(V + "stance"), N(V + "stance-no-effect")) in g
    groups = {t.object for t in g if t.subject == N(B + "statistic/walking-raises-density-1-1")
              and t.predicate == N(V + "group")}
    assert len(groups) == 2


def test_study_is_a_bibliographic_record_with_ordered_authors(valid_corpus: Path) -> None:
    g = graph_of(valid_corpus)
    s = N(B + "study/alpha2020trial")
    doi = N("https://doi.org/10.9999/test.0001")
    pairs: list[tuple[str, Obj]] = [
        (ns.RDF + "type", N(ns.FABIO + "JournalArticle")),
        (ns.DCTERMS + "title", ox.Literal("A randomized trial of walking and bone density")),
        (ns.BIBO + "volume", ox.Literal("1")),
        (ns.BIBO + "pages", ox.Literal("10-20")),
        (ns.BIBO + "pageStart", ox.Literal("10")),
        (ns.BIBO + "doi", ox.Literal("10.9999/test.0001")),
        (ns.BIBO + "pmid", ox.Literal("11111111")),
        (ns.SCHEMA + "sameAs", doi),
        (ns.PRISM + "issueIdentifier", ox.Literal("2")),
        (ns.FABIO + "hasPublicationYear", ox.Literal("2020", datatype=N(ns.XSD + "gYear"))),
        (V + "design", N(V + "design-rct")),
        (V + "sampleSize", ox.Literal("100", datatype=N(ns.XSD + "integer"))),
    ]
    for p, o in pairs:
        assert ox.Triple(s, N(p), o) in g, p
    # a work is not its DOI, and a design is not a class of MeSH records (issue 11)
    assert not [t for t in g if t.subject == s and t.predicate in (
        N(ns.OWL + "sameAs"), N(ns.DCTERMS + "type"))]
    seq = N(B + "author-list/alpha2020trial")
    assert ox.Triple(s, N(ns.BIBO + "authorList"), seq) in g
    names: dict[int, str] = {}
    for t in g:
        if t.subject == seq and t.predicate.value.startswith(ns.RDF + "_"):
            label = next(str(getattr(x.object, "value", "")) for x in g
                         if x.subject == t.object and x.predicate == N(ns.RDFS + "label"))
            names[int(t.predicate.value.rsplit("_", 1)[1])] = label
    assert [names[i] for i in sorted(names)] == ["Alpha, Ann", "Beta, Bob", "Gamma, Gil"]


def test_evidence_class_follows_the_design_and_what_a_review_pooled() -> None:
    eco = ns.OBO + "ECO_"
    assert ns.evidence_class("rct") == eco + "0000180"
    assert ns.evidence_class("prospective-cohort") == eco + "0000000"
    assert ns.evidence_class("meta-analysis", ("rct", "non-randomised-trial")) == eco + "0000180"
    assert ns.evidence_class("meta-analysis", ("rct", "cohort")) == eco + "0000000"
    assert ns.evidence_class("systematic-review") == eco + "0000000"
    assert ns.evidence_class("animal") == eco + "0000179"


def test_paragraphs_and_sections_are_doco_components(valid_corpus: Path) -> None:
    g = graph_of(valid_corpus)
    par, sec = N(B + "paragraph/basics-2"), N(B + "section/basics")
    assert ox.Triple(par, N(ns.RDF + "type"), N(ns.DOCO + "Paragraph")) in g
    assert ox.Triple(par, N(ns.DCTERMS + "isPartOf"), sec) in g
    assert ox.Triple(sec, N(ns.RDF + "type"), N(ns.DOCO + "Section")) in g
    assert ox.Triple(sec, N(ns.DCTERMS + "title"), ox.Literal("Basics")) in g
    assert ox.Triple(sec, N(ns.DCTERMS + "isPartOf"), N(B + "article")) in g


def test_an_erratum_is_a_fabio_correction_of_the_study(valid_corpus: Path) -> None:
    studies = valid_corpus / "claims" / "studies.yaml"
    text = studies.read_text(encoding="utf-8")
    anchor = "  alpha2020trial:\n"
    assert anchor in text
    studies.write_text(text.replace(anchor, anchor + (
        "    errata:\n      - note: The dose in table 2 was corrected.\n"
        "        doi: 10.9999/test.0001.err\n"), 1), encoding="utf-8")
    g = graph_of(valid_corpus)
    s, er = N(B + "study/alpha2020trial"), N(B + "erratum/alpha2020trial-1")
    assert ox.Triple(s, N(ns.CITO + "isCorrectedBy"), er) in g
    assert ox.Triple(er, N(ns.RDF + "type"), N(ns.FABIO + "Correction")) in g
    assert ox.Triple(er, N(ns.SCHEMA + "sameAs"),
                     N("https://doi.org/10.9999/test.0001.err")) in g
    assert not [t for t in g if t.predicate == N(ns.OWL + "sameAs")]


def test_citation_issue_and_article_citations(valid_corpus: Path) -> None:
    g = graph_of(valid_corpus)
    article = N(B + "article")
    issue = N(B + "citation-issue/alpha2020trial-1")
    assert ox.Triple(N(B + "study/alpha2020trial"), N(V + "citationIssue"), issue) in g
    assert ox.Triple(issue, N(V + "cited"), ox.Literal("Omega, O.")) in g
    assert ox.Triple(article, N(ns.CITO + "cites"), N(B + "study/alpha2020trial")) in g
    assert ox.Triple(article, N(ns.CITO + "citesAsEvidence"),
                     N(B + "study/alpha2020trial")) in g
    # zeta2018cells is not in the article's references
    assert ox.Triple(article, N(ns.CITO + "cites"), N(B + "study/zeta2018cells")) not in g


def test_entities_labels_roles_and_xrefs(valid_corpus: Path) -> None:
    g = graph_of(valid_corpus)
    p = N(B + "entity/protein-p")
    pairs: list[tuple[str, Obj]] = [
        (ns.RDF + "type", N(V + "Mechanism")),
        (ns.RDFS + "label", ox.Literal("protein P")),
        (ns.SKOS + "altLabel", ox.Literal("PP")),
        (V + "kind", N(V + "kind-protein")),
        # a protein is its gene's product, not the gene: related, never exact
        (ns.SKOS + "relatedMatch", N("http://identifiers.org/hgnc/11926")),
        (ns.SKOS + "closeMatch", N("http://purl.uniprot.org/uniprot/O14788")),
        (ns.OIO + "hasDbXref", ox.Literal("HGNC:11926")),
    ]
    for pred, o in pairs:
        assert ox.Triple(p, N(pred), o) in g, pred
    assert ox.Triple(N(B + "entity/hormone-x"), N(ns.SKOS + "closeMatch"),
                     N("http://purl.obolibrary.org/obo/CHEBI_50114")) in g
    assert not [t for t in g if t.predicate == N(ns.SKOS + "exactMatch")]


def test_every_kgv_term_is_defined_in_vocab_ttl(valid_corpus: Path) -> None:
    vocab = rdflib.Graph().parse(data=vocab_text(B), format="turtle")
    defined = {str(s) for s in vocab.subjects()}
    labelled = {str(s) for s in vocab.subjects(rdflib.RDFS.label)}
    commented = {str(s) for s in vocab.subjects(rdflib.RDFS.comment)}
    used = {term.value for t in graph_of(valid_corpus) for term in (t.predicate, t.object)
            if isinstance(term, ox.NamedNode) and term.value.startswith(V)}
    from kg.corpus import vocabulary as KV
    from kg.evidence import RATINGS, STATUSES
    used |= {V + p for p in KV.PREDICATES} | {V + "design-" + d for d in KV.DESIGNS}
    used |= {V + "stance-" + s for s in KV.STANCES} | {V + "kind-" + k for k in KV.KINDS}
    used |= {V + "status-" + s for s in STATUSES} | {V + "rating-" + r for r in RATINGS}
    used |= {V + "claim-kind-" + k for k in KV.CLAIM_KINDS}
    used |= {V + "origin-" + o for o in KV.ORIGINS}
    used |= {V + "measure-" + m for m in KV.MEASURES}
    assert used - defined == set()
    assert defined - labelled == {B + "vocab"} - labelled  # the ontology header may lack one
    assert {t for t in defined if t.startswith(V)} <= labelled & commented


def test_closed_vocabularies_are_mapped_everywhere() -> None:
    """A new predicate, kind, design... must reach vocab.ttl, shapes.ttl, the JSON-LD
    context and the Biolink mapping, or the exports would silently degrade."""
    from kg.corpus import vocabulary as KV
    from kg.graph.compiler import shapes_text
    from kg.graph.exporters import context

    assert set(ns.BIOLINK_PREDICATES) == set(KV.PREDICATES)
    assert set(ns.BIOLINK_CATEGORIES) == set(KV.KINDS)
    assert set(ns.DESIGN_TERMS) == set(KV.DESIGNS)
    assert set(ns.STANCE_TERMS) == set(KV.STANCES)
    ctx = context(B)
    assert all(ctx[p] == {"@id": "kgv:" + p, "@type": "@id"} for p in KV.PREDICATES)
    shapes = shapes_text(B)
    for prefix, values in [("", KV.PREDICATES), ("kind-", KV.KINDS), ("design-", KV.DESIGNS),
                           ("stance-", KV.STANCES), ("certainty-", KV.CERTAINTIES),
                           ("measure-", KV.MEASURES)]:
        for v in values:
            assert f"kgv:{prefix}{v} " in shapes, f"kgv:{prefix}{v} missing from shapes.ttl"


def test_worked_example_in_docs_is_what_kg_builds(valid_corpus: Path) -> None:
    import re

    from kg.graph.namespaces import prefixes

    text = (REPO / "docs" / "rdf.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```turtle\n(.*?)```", text, re.S)
    assert blocks
    header = "".join(f"@prefix {p}: <{i}> .\n" for p, i in prefixes(B).items())
    documented = {q.triple for block in blocks
                  for q in ox.parse((header + block).encode(), format=ox.RdfFormat.TURTLE)}
    assert documented <= graph_of(valid_corpus)
    assert len(documented) > 50


def test_two_claims_stating_one_triple_write_it_once(valid_corpus: Path) -> None:
    restated = """claims:
  - id: hormone-x-raises-protein-p-again
    statement: Hormone X raises protein P, as the article says a second time.
    subject: hormone-x
    predicate: increases
    object: protein-p
    certainty: asserted
    source: {section: basics, paragraph: 1}
    evidence:
      - study: zeta2018cells
        stance: supports
        finding: Hormone X raised protein P about threefold.
"""
    (valid_corpus / "claims" / "restated.yaml").write_text(restated, encoding="utf-8")
    graph = build(valid_corpus).graph
    assert graph is not None
    store = ox.Store()
    store.bulk_load(graph.turtle(), format=ox.RdfFormat.TURTLE)
    assert graph.triples == len(store)
    text = graph.turtle().decode()
    assert text.count("hormone-x-raises-protein-p-again") >= 1
    entity_block = text[text.index("\nentity:hormone-x "):].split(" .\n", 1)[0]
    assert entity_block.count("kgv:increases entity:protein-p") == 1
