"""Rules of kg/graph/compiler.py, stated exactly (issue 18: mutation score;
bench/mutation.py compiler): the bibliography ("and others" is no author, a month makes a
gYearMonth, absent identifiers write nothing, notes and howpublished are kept), then a
corpus that uses every field the compiler writes (tests/corpora/compiler), compared whole
with its golden graph and nanopublications and rule by rule, and the paths beside the
usual one: the fallback that compiles the corpus in one piece, the build cache, the merge
of parts, the nanopublication files, SHACL, the in-memory store."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pyoxigraph as ox
import pytest
import rdflib

from kg.config import PROJECT_BASE as B
from kg.corpus.model import Corpus, Study
from kg.graph import compiler as compiler_module
from kg.graph import namespaces as ns
from kg.graph.compiler import (
    Build,
    CompiledGraph,
    _assemble,
    _Compiler,
    _double_text,
    _parts,
    _Terms,
    _text,
    build,
    check_shapes,
    compile_nanopubs,
    compile_text,
    iri_escape,
    mapping_relation,
    nanopub_files,
    nanopubs_text,
    seg,
    shapes_text,
    study_evidence_class,
    to_rdflib,
    to_store,
    vocab_text,
    xref_iri,
)
from kg.graph.parts import Assertion, Part
from kg.graph.turtle import Renderer

CORPORA = Path(__file__).parent / "corpora"
DCTERMS = "http://purl.org/dc/terms/"
BIBO = "http://purl.org/ontology/bibo/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CITO = "http://purl.org/spar/cito/"


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


# -- every field the compiler writes, stated whole ---------------------------------------------
#
# tests/corpora/compiler uses every field of the format the compiler turns into triples:
# an outline with a paragraph no claim names, kinds and origins of claims, qualifiers, a
# source's row, column and item, supersession, acknowledgements, article citations named
# twice, two claims stating one triple (and a third with its predicate and another
# object), evidence lines of each stance (one against a claim before those for it) with
# locators, indirectness and statistics (a CI at another level, a p-value and a bound,
# groups, units), a pooled meta-analysis with its registration, citation issues and
# errata, three journals whose names make one slug (one in brackets), months 0, 1, 3 and
# 13, a reference that is no article and whose key is no IRI segment as it stands
# (guide:2018/e), a reference that is no study, in a journal named without a letter, an
# entity with a synonym written twice, an xref of a gene on a protein and on a gene (on
# the protein also twice, and in lower case: one IRI). The whole graph and the
# nanopublications are compared with tests/golden/compiler.ttl and compiler.trig (read
# them through when regenerating: the graph is what docs/rdf.md says, byte for byte
# because kg build promises pyoxigraph's exact layout).

BASE = "https://example.org/kg-compiler/"


@pytest.fixture
def compiler_corpus(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CORPORA / "compiler", tmp_path / "compiler"))


def _built(root: Path, cache: bool = False) -> Build:
    result = build(root, cache=cache)
    assert result.ok, result.diagnostics
    return result


def test_the_compiler_corpus_compiles_to_its_golden_graph(
        compiler_corpus: Path, golden: Callable[[str, str], None]) -> None:
    result = _built(compiler_corpus)
    assert result.graph is not None
    text = result.graph.turtle().decode("utf-8")
    golden("compiler.ttl", text)
    # the count the graph reports is the number of triples it holds
    assert result.triples is not None
    assert result.graph.triples == len(result.triples) == len(set(result.triples))


def test_the_compiler_corpus_compiles_to_its_golden_nanopublications(
        compiler_corpus: Path, golden: Callable[[str, str], None]) -> None:
    result = _built(compiler_corpus)
    text = nanopubs_text(result.corpus, BASE)
    golden("compiler.trig", text.decode("utf-8"))
    quads = compile_nanopubs(result.corpus, BASE)
    assert len(quads) == len(set(quads)) > 0
    assert {str(q.graph_name) for q in quads} == {
        f"<{BASE}np/{c}#{g}>" for c in result.corpus.claims
        for g in ("head", "assertion", "provenance", "pubinfo")}


def test_nanopub_files_are_the_nanopublications_one_claim_a_file(compiler_corpus: Path) -> None:
    """kg export nanopubs: one file per claim, each with the prefix header, and together
    the same nanopublications as the one TriG file."""
    result = _built(compiler_corpus)
    files = nanopub_files(result.corpus, BASE)
    assert sorted(files) == sorted(f"{c}.trig" for c in result.corpus.claims)
    whole = nanopubs_text(result.corpus, BASE)
    header = whole[:whole.index(b"\nnanopub:") + 1]
    assert header.startswith(b"@prefix") and header.endswith(b" .\n")
    bodies = []
    for name in sorted(files):
        assert files[name].startswith(header)
        body = files[name][len(header):]
        assert body.startswith(f"nanopub:{name.removesuffix('.trig')}\\#head {{".encode())
        bodies.append(body)
    assert header + b"".join(bodies) == whole
    one = ox.Dataset(ox.parse(files["walking-raises-density.trig"], format=ox.RdfFormat.TRIG))
    assert {str(q.graph_name) for q in one} == {
        f"<{BASE}np/walking-raises-density#{g}>"
        for g in ("head", "assertion", "provenance", "pubinfo")}


def test_the_slow_path_and_the_cached_path_give_the_same_graph(compiler_corpus: Path) -> None:
    """compile_text merges per-file parts; _Compiler.whole (the fallback when parts would
    share a subject) and the build cache (written, then read) must give the same bytes."""
    result = _built(compiler_corpus)
    assert result.graph is not None
    expected = result.graph.turtle()
    r = Renderer(ns.prefixes(BASE))
    # the per-file parts merge without the fallback: only entity blocks are extended (by
    # the claims' plain triples), and each part gives the entity blocks' last lines
    merged = _assemble(r.header, _parts(_Compiler(result.corpus, BASE, r)))
    assert merged is not None and merged.turtle() == expected
    whole = _assemble(r.header, [_Compiler(result.corpus, BASE, r).whole()])
    assert whole is not None
    assert whole.turtle() == expected
    assert whole.triples == result.graph.triples
    for _ in range(2):  # the first build writes the cache, the second reads it
        cached = _built(compiler_corpus, cache=True)
        assert cached.graph is not None
        assert cached.graph.turtle() == expected
        assert cached.graph.triples == result.graph.triples
    assert any((compiler_corpus / "build" / "cache" / "compiled").iterdir())


def test_compile_text_falls_back_to_one_piece_when_parts_share_a_subject(
        compiler_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts that cannot be merged (here: one part given twice, so two parts hold the same
    subjects) make compile_text compile the corpus in one piece, to the same graph; parts
    that merge are not compiled a second time in one piece."""
    result = _built(compiler_corpus)
    assert result.graph is not None

    def never(self: _Compiler) -> Part:
        raise AssertionError("compiled in one piece, although the parts merge")

    with monkeypatch.context() as m:
        m.setattr(_Compiler, "whole", never)
        assert compile_text(result.corpus, BASE).turtle() == result.graph.turtle()
    seen: list[int] = []

    def twice(comp: _Compiler) -> list[Part]:
        parts = _parts(comp)
        seen.append(len(parts))
        return [*parts, parts[0]]

    monkeypatch.setattr(compiler_module, "_parts", twice)
    fallback = compile_text(result.corpus, BASE)
    assert seen  # the parts were made, and refused
    assert fallback.turtle() == result.graph.turtle()
    assert fallback.triples == result.graph.triples
    assert fallback.keys == result.graph.keys


def test_build_keeps_caches_and_reports_progress_only_when_asked(
        compiler_corpus: Path) -> None:
    """build(): no cache by default (nothing written under build/), the parse cache and
    the compiled-parts cache with cache=True, and progress reported to the callback."""
    cache = compiler_corpus / "build" / "cache"
    plain = build(compiler_corpus)
    assert plain.ok and plain.graph is not None
    assert plain.root == compiler_corpus
    assert not cache.exists()
    seen: list[tuple[str, int, int]] = []
    cached = build(compiler_corpus, cache=True, progress=lambda *r: seen.append(r))
    assert cached.graph is not None
    assert cached.graph.turtle() == plain.graph.turtle()
    assert any((cache / "files").iterdir())  # each file's parse
    assert any((cache / "compiled").iterdir())  # each file's compiled part
    files = [r for r in seen if r[0] == "parsing files"]
    assert files and files[-1][1] == files[-1][2] > 0


def test_a_corpus_without_an_article(tmp_path: Path) -> None:
    """No claims/article.yaml: the article node has its types and the works the claims
    say it cites (as evidence: it cites them for the claims), none in a reference list;
    a paragraph named by a curator's claim is written with its section, which has no
    title."""
    root = Path(shutil.copytree(CORPORA / "compiler", tmp_path / "c"))
    (root / "claims" / "article.yaml").unlink()
    (root / "claims" / "walking.yaml").unlink()
    (root / "claims" / "other.yaml").write_text(
        "claims:\n"
        "  - id: walking-raises-density\n"
        "    origin: curator\n"
        "    statement: Walking raises bone mineral density.\n"
        "    subject: walking\n    predicate: increases\n    object: bone-density\n"
        "    certainty: asserted\n"
        "    justification: A made-up curator's link.\n"
        "    source: {section: methods, paragraph: 4}\n"
        "    article_cites: [trial2020, meta2021pooled]\n"
        "    evidence:\n"
        "      - study: meta2021pooled\n        stance: supports\n"
        "        finding: Density rose.\n", encoding="utf-8")
    result = _built(root)
    assert result.triples is not None
    triples = set(result.triples)
    article = BASE + "article"
    assert _objects(triples, article, RDF + "type") == [
        f"<{BIBO}Article>", f"<{BASE}vocab#Article>"]
    assert _objects(triples, article, DCTERMS + "title") == []
    assert _objects(triples, article, CITO + "cites") == [
        f"<{BASE}study/meta2021pooled>", f"<{BASE}study/trial2020>"]
    assert _objects(triples, article, CITO + "citesAsEvidence") == [
        f"<{BASE}study/meta2021pooled>", f"<{BASE}study/trial2020>"]
    for key in ("meta2021pooled", "trial2020"):
        assert _objects(triples, f"{BASE}citation/{key}", BASE + "vocab#inReferenceList") == []
    # the pooled study's two citation issues, numbered from 1, on its citation
    assert _objects(triples, f"{BASE}citation/meta2021pooled", BASE + "vocab#citationIssue") == [
        f"<{BASE}citation-issue/meta2021pooled-1>", f"<{BASE}citation-issue/meta2021pooled-2>"]
    paragraph = BASE + "paragraph/methods-4"
    assert _objects(triples, paragraph, DCTERMS + "isPartOf") == [f"<{BASE}section/methods>"]
    assert _objects(triples, paragraph, BASE + "vocab#paragraphNumber") == [
        f'"4"^^<{XSD}integer>']
    assert _objects(triples, paragraph, BASE + "vocab#incipit") == []
    section = BASE + "section/methods"
    assert _objects(triples, section, DCTERMS + "identifier") == ['"methods"']
    assert _objects(triples, section, DCTERMS + "title") == []
    assert _objects(triples, section, DCTERMS + "isPartOf") == [f"<{article}>"]


def test_doubles_that_are_not_finite_are_written_as_xsd_spells_them() -> None:
    """The schema refuses them in a corpus (KG1xx), but the writer's rule stands on its
    own: XSD's lexical forms INF, -INF and NaN, which pyoxigraph reads back as doubles."""
    assert _double_text(float("inf")) == "INF"
    assert _double_text(float("-inf")) == "-INF"
    assert _double_text(float("nan")) == "NaN"
    assert _double_text(2.5) == "2.5"
    assert _double_text(3) == "3.0"
    r = Renderer(ns.prefixes(BASE))
    terms = _Terms(BASE, r)
    for x, text in ((float("inf"), "INF"), (float("-inf"), "-INF"), (float("nan"), "NaN")):
        data = f"{r.header}<{BASE}s> <{BASE}p> {terms.double(x)} .\n"
        [triple] = ox.parse(data.encode(), format=ox.RdfFormat.TURTLE)
        assert triple.object == ox.Literal(text, datatype=ox.NamedNode(XSD + "double"))


def test_iri_escape_percent_encodes_what_an_iri_may_not_hold() -> None:
    assert iri_escape('10.1000/a b<c>"d{e}|f\\g^h`i\x7fj') == (
        "10.1000/a%20b%3Cc%3E%22d%7Be%7D%7Cf%5Cg%5Eh%60i%7Fj")
    assert iri_escape("10.1002/(SICI)1097-0258;2-#é") == "10.1002/(SICI)1097-0258;2-#é"


def test_xref_iri_of_a_known_and_an_unknown_prefix() -> None:
    assert xref_iri("CHEBI:17823") == "http://purl.obolibrary.org/obo/CHEBI_17823"
    assert xref_iri("NOPE:1") is None
    # the prefix is what comes before the first colon; the rest is the local part
    assert xref_iri("CHEBI:CHEBI:17823") == "http://purl.obolibrary.org/obo/CHEBI_CHEBI:17823"
    # a prefix of Biolink's table (MeSH): the Bioregistry would give a web page instead
    assert xref_iri("MESH:D000001:x") == "http://id.nlm.nih.gov/mesh/D000001:x"


def test_an_empty_text_writes_no_statement() -> None:
    block: list[str] = []
    _text(block, "p", "", str)
    _text(block, "p", None, str)
    assert block == []
    _text(block, "p", "x", str)
    assert block == ["p", "x"]


def test_a_pooled_study_of_trials_is_clinical_study_evidence() -> None:
    def study(design: str, pooled: tuple[str, ...] | None) -> Study:
        return cast(Study, SimpleNamespace(
            design=design, pooled=None if pooled is None else SimpleNamespace(designs=pooled)))

    assert study_evidence_class(study("meta-analysis", ("rct",))) == ns.OBO + "ECO_0000180"
    assert study_evidence_class(study("meta-analysis", None)) == ns.evidence_class(
        "meta-analysis")
    assert ns.evidence_class("meta-analysis") != ns.OBO + "ECO_0000180"


def test_mapping_relation_of_an_xref() -> None:
    # the prefix is what comes before the first colon
    assert mapping_relation("protein", "HGNC:HGNC:1") == "related"
    """A gene record named by a protein is a related match; anything else a close one."""
    assert mapping_relation("protein", "HGNC:11926") == "related"
    assert mapping_relation("protein", "hgnc:11926") == "related"
    assert mapping_relation("gene", "HGNC:11926") == "close"
    assert mapping_relation("protein", "UniProtKB:O14788") == "close"


def test_shapes_and_vocabulary_follow_the_base() -> None:
    """kg export --format shapes / vocab: the packaged files, with their IRIs moved to the
    base (the project's own base gives them unchanged)."""
    from importlib import resources

    for name, text_of in (("shapes.ttl", shapes_text), ("vocab.ttl", vocab_text)):
        packaged = resources.files("kg.graph").joinpath(name).read_text(encoding="utf-8")
        assert text_of(B) == packaged
        moved = text_of("https://kg.test/other/")
        assert B not in moved
        assert moved == packaged.replace(B, "https://kg.test/other/")
        assert "https://kg.test/other/" in moved


def test_the_compiler_corpus_conforms_to_the_shapes_and_a_broken_one_does_not(
        compiler_corpus: Path) -> None:
    """check_shapes runs pySHACL with its SPARQL constraints ("advanced"): dropping an
    asserted claim's plain triple breaks a SPARQL constraint only."""
    result = _built(compiler_corpus)
    assert result.triples is not None
    g = to_rdflib(result.triples)
    conforms, report = check_shapes(g, BASE)
    assert conforms is True, report
    assert "Conforms: True" in report
    g.remove((rdflib.URIRef(BASE + "entity/walking"), rdflib.URIRef(BASE + "vocab#decreases"),
              rdflib.URIRef(BASE + "entity/fracture")))
    conforms, report = check_shapes(g, BASE)
    assert conforms is False
    assert isinstance(report, str) and "SPARQLConstraintComponent" in report


def test_an_iri_segment_escapes_what_an_iri_path_may_not_hold() -> None:
    """Ids stay as they are; anything else is percent-encoded except the characters an IRI
    path segment may hold (RFC 3987 sub-delims, ':' and '@')."""
    assert seg("walking-raises-density") == "walking-raises-density"
    assert seg("guide:2018/e") == "guide:2018%2Fe"
    assert seg("a b?c#d") == "a%20b%3Fc%23d"
    assert seg("!$&'()*+,;=:@") == "!$&'()*+,;=:@"
    assert seg("é") == "%C3%A9"


def test_a_corpus_without_claims_has_no_nanopublications(compiler_corpus: Path) -> None:
    corpus = _built(compiler_corpus).corpus
    empty = Corpus(corpus.root, entities=corpus.entities, studies=corpus.studies,
                   references=corpus.references, article=corpus.article)
    assert nanopubs_text(empty, BASE) == b""
    assert compile_nanopubs(empty, BASE) == []
    assert nanopub_files(empty, BASE) == {}


def test_to_store_holds_the_triples_in_its_default_graph(compiler_corpus: Path) -> None:
    triples = _built(compiler_corpus).triples
    assert triples is not None
    store = to_store(triples)
    assert len(store) == len(triples)
    assert {q.triple for q in store} == set(triples)
    assert {q.graph_name for q in store} == {ox.DefaultGraph()}
    assert store.query(f"ASK {{ <{BASE}entity/walking> <{BASE}vocab#decreases> "
                       f"<{BASE}entity/fracture> }}")


def test_the_graph_comes_in_chunks_of_whole_subject_blocks(compiler_corpus: Path) -> None:
    """CompiledGraph.chunks: the prefix header, then ``size`` subjects' blocks a chunk."""
    graph = _built(compiler_corpus).graph
    assert graph is not None
    whole = graph.turtle()
    n = len(graph.keys)
    for size in (1, 7, n - 1, n, 4096):
        chunks = list(graph.chunks(size))
        assert b"".join(chunks) == whole
        assert chunks[0] == graph.header.encode("utf-8")
        assert len(chunks) == 1 + -(-n // size)
        assert all(c.endswith(b" .\n") for c in chunks)
    assert list(CompiledGraph(graph.header, [], {}, 0).chunks()) == []


def test_the_rules_the_golden_graph_shows(compiler_corpus: Path) -> None:
    """What tests/golden/compiler.ttl and .trig show, stated one rule at a time."""
    result = _built(compiler_corpus)
    assert result.triples is not None
    triples = set(result.triples)
    V = BASE + "vocab#"

    def objects(subject: str, predicate: str) -> list[str]:
        return _objects(triples, BASE + subject, predicate)

    # journals: one node per name; names with one slug are numbered in name order, and a
    # name without a letter or digit is "journal"
    for key, journal in (("cohort2019", "journal-of-tests"), ("meta2021pooled",
                         "journal-of-tests-2"), ("trial2020", "journal-of-tests-3"),
                         ("dash2017", "journal")):
        assert objects(f"study/{key}", DCTERMS + "isPartOf") == [f"<{BASE}journal/{journal}>"]
    assert objects("journal/journal-of-tests", DCTERMS + "title") == ['"(JOURNAL OF TESTS)"']
    assert objects("journal/journal", RDF + "type") == [f"<{BIBO}Journal>"]
    # a synonym and an xref written twice are written once; two CURIEs of one IRI, one match
    assert objects("entity/walking", SKOS + "altLabel") == ['"brisk walking"', '"strolling"']
    assert objects("entity/protein-p", "http://www.geneontology.org/formats/oboInOwl#"
                   "hasDbXref") == ['"HGNC:11926"', '"UniProtKB:O14788"', '"hgnc:11926"']
    assert objects("entity/protein-p", SKOS + "relatedMatch") == [
        "<http://identifiers.org/hgnc/11926>"]
    assert objects("entity/gene-g", SKOS + "closeMatch") == [
        "<http://identifiers.org/hgnc/11926>"]
    # a source's item; acknowledgements numbered from 1
    claim = "claim/walking-raises-density"
    assert objects(claim, V + "sourceItem") == ['"3"']
    assert objects(claim, V + "acknowledges") == [
        f"<{BASE}acknowledgement/walking-raises-density-{i}>" for i in (1, 2)]
    assert objects("acknowledgement/walking-raises-density-2", V + "conflictingClaim") == [
        f"<{BASE}claim/walking-lowers-fracture>"]
    # statistics are numbered by evidence line, then within it; groups within those
    assert objects("evidence/walking-raises-density-2", V + "statistic") == [
        f"<{BASE}statistic/walking-raises-density-2-{j}>" for j in (1, 2)]
    assert objects("statistic/walking-raises-density-2-2", V + "group") == [
        f"<{BASE}group/walking-raises-density-2-2-{n}>" for n in (1, 2)]
    # a pooled study: its designs and count, its notes, its errata
    meta = "study/meta2021pooled"
    assert objects(meta, V + "pooledDesign") == [f"<{V}design-cohort>", f"<{V}design-rct>"]
    assert objects(meta, V + "pooledStudies") == [f'"12"^^<{XSD}integer>']
    assert objects(meta, RDFS + "comment") == ['"A made-up pooled record."']
    assert objects(meta, "http://purl.org/spar/cito/isCorrectedBy") == [
        f"<{BASE}erratum/meta2021pooled-{i}>" for i in (1, 2)]
    assert objects("erratum/meta2021pooled-2", BIBO + "doi") == []
    # a reference with no study record is a reference, not a study
    assert objects("study/dash2017", RDF + "type") == [
        f"<{BIBO}AcademicArticle>", "<http://purl.org/spar/fabio/JournalArticle>",
        f"<{V}Reference>"]
    # the one reference key that is no IRI segment as it stands
    assert objects("claim/walking-recommended", V + "recommendedBy") == [
        f"<{BASE}study/guide:2018%2Fe>"]
    # a paragraph of the outline that no claim names is written all the same
    assert objects("paragraph/basics-4", V + "paragraphNumber") == [f'"4"^^<{XSD}integer>']
    assert objects("paragraph/basics-4", DCTERMS + "isPartOf") == [f"<{BASE}section/basics>"]
    # a month from 1 to 12 makes the issue date a year and month; any other, the year
    for key, issued in (("trial2020", f'"2020-01"^^<{XSD}gYearMonth>'),
                        ("cohort2019", f'"2019"^^<{XSD}gYear>'),
                        ("dash2017", f'"2017"^^<{XSD}gYear>')):
        assert objects(f"study/{key}", DCTERMS + "issued") == [issued]
    # a nanopublication's provenance: derived from the article and the supporting studies
    # only, past a line against the claim
    prov = ox.NamedNode(f"{BASE}np/walking-raises-density#provenance")
    derived = sorted(str(q.object) for q in compile_nanopubs(result.corpus, BASE)
                     if q.graph_name == prov and q.predicate == ox.NamedNode(
                         "http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert derived == [f"<{BASE}article>", f"<{BASE}study/meta2021pooled>"]


def test_assemble_merges_parts_and_lands_plain_triples_on_entity_blocks() -> None:
    """_assemble's rules, on hand-made parts: a plain triple (an assertion) extends its
    subject's entity block, or opens a block of its own when the subject has none; two
    claims stating one triple write it once; two parts holding one subject, or a plain
    triple onto a block that is not an entity's, give None (compile_text then compiles
    the whole corpus in one piece)."""
    def claim(subject: str, cid: str, obj: str) -> Assertion:
        return (subject, cid, f"<{subject}>", "<urn:p>", f"<{obj}>")

    entity = Part(["urn:e"], ["<urn:e> <urn:a> <urn:b> .\n"], 1, {"urn:e": "<urn:a>"})
    other = Part(["urn:x"], ["<urn:x> <urn:a> <urn:b> .\n"], 1)
    claims = Part([], [], 5, assertions=[
        claim("urn:s", "c3", "urn:o1"), claim("urn:e", "c1", "urn:o2"),
        claim("urn:s", "c1", "urn:o2"), claim("urn:s", "c2", "urn:o1"),
        claim("urn:e", "c2", "urn:o2")])
    graph = _assemble("H\n", [entity, other, claims])
    assert graph is not None
    assert graph.keys == ["urn:e", "urn:s", "urn:x"]
    assert graph.turtle() == (b"H\n<urn:e> <urn:a> <urn:b> ;\n\t<urn:p> <urn:o2> .\n"
                              b"<urn:s> <urn:p> <urn:o2> , <urn:o1> .\n"
                              b"<urn:x> <urn:a> <urn:b> .\n")
    assert graph.triples == 2 + 3  # the blocks' two, and three of the five plain triples
    assert _assemble("H\n", [entity, Part(["urn:e"], ["<urn:e> <urn:c> <urn:d> .\n"], 1)]) \
        is None
    assert _assemble("H\n", [other, Part([], [], 1, assertions=[claim("urn:x", "c", "urn:o")])
                             ]) is None
