"""The cross-file checks under kg/checks/ on small corpora built in memory: each rule's
boundary and each diagnostic's position, message and hint (issue 18: mutation score;
bench/mutation.py checks). KG6xx (consistency) is in tests/test_consistency.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from kg.checks import bibliography, identifiers, integrity, studies, types
from kg.corpus.model import (
    Acknowledgement,
    Article,
    Claim,
    Corpus,
    Entity,
    Evidence,
    Paragraph,
    Pooled,
    Reference,
    SourceLocator,
    Span,
    Study,
)
from kg.diagnostics import Diagnostic

Row = tuple[str, int, int, str, str, str, str | None]
Check = Callable[[Corpus], Iterator[Diagnostic]]


def sp(line: int, column: int = 3, file: str = "claims/c.yaml") -> Span:
    return Span(file, line, column)


def rows(check: Check, corpus: Corpus) -> list[Row]:
    return [(d.file, d.line, d.column, d.code, d.severity.value, d.message, d.hint)
            for d in check(corpus)]


def ref(key: str, type_: str = "article", line: int = 1, **fields: str) -> Reference:
    base = {"author": "A, B", "title": "T", "journal": "J", "year": "2020"}
    base.update(fields)
    spans = {f: Span("references.bib", line + 1 + i, 3) for i, f in enumerate(base)}
    return Reference(key, type_, {k: v for k, v in base.items() if v}, Span(
        "references.bib", line, 1), spans)


def corpus(*, refs: Iterable[Reference] = (), studies_: Iterable[Study] = (),
           claims: Iterable[Claim] = (), entities: Iterable[Entity] = (),
           article: Article | None = None, root: str = ".") -> Corpus:
    return Corpus(root, entities={e.id: e for e in entities}, claims={c.id: c for c in claims},
                  studies={s.key: s for s in studies_}, references={r.key: r for r in refs},
                  article=article)


def study(key: str, design: str = "rct", verified: str | None = "PubMed", line: int = 2,
          pooled: Pooled | None = None) -> Study:
    return Study(key, design, "adults", "found", Span("claims/studies.yaml", line, 3),
                 pooled=pooled, verified=verified)


def entity(eid: str, role: str = "outcome", xrefs: tuple[str, ...] = (),
           line: int = 2) -> Entity:
    return Entity(eid, eid, role, "process", Span("claims/entities.yaml", line, 9), xrefs,
                  xref_spans=tuple(Span("claims/entities.yaml", line + 1, 10 + 8 * i)
                                   for i in range(len(xrefs))))


SOURCE = SourceLocator("s", 1)


def claim(cid: str = "a-b", subject: str = "a", predicate: str = "increases",
          obj: str = "b", *, evidence: tuple[Evidence, ...] = (),
          source: SourceLocator | None = SOURCE, **kw: object) -> Claim:
    spans = {"subject": sp(4, 14), "predicate": sp(5, 16), "object": sp(6, 13),
             "source": sp(8, 13), "superseded_by": sp(9, 20), "outcome": sp(10, 14)}
    return Claim(cid, "S.", subject, predicate, obj, "asserted", source, sp(2, 9),
                 evidence=evidence, field_spans=spans, **kw)  # type: ignore[arg-type]


def line(key: str, stance: str = "supports", row: int = 12) -> Evidence:
    return Evidence(key, stance, "f", sp(row, 9), study_span=sp(row, 17))


# -- bibliography (KG302-KG307) ----------------------------------------------------------------


def used(*keys: str) -> list[Study]:
    return [study(k) for k in keys]


@pytest.mark.parametrize(("type_", "drop", "missing"), [
    ("article", "journal", "journal"), ("article", "author", "author"),
    ("book", "publisher", "publisher"), ("inproceedings", "booktitle", "booktitle"),
    ("techreport", "institution", "institution"), ("misc", "year", "year"),
    ("online", "title", "title"), ("phdthesis", "year", "year"),
])
def test_each_entry_type_requires_its_fields(type_: str, drop: str, missing: str) -> None:
    fields = {"publisher": "P", "booktitle": "B", "institution": "I", drop: ""}
    c = corpus(refs=[ref("k", type_, 1, **fields)], studies_=used("k"))
    assert rows(bibliography.check, c) == [
        ("references.bib", 1, 1, "KG302", "error",
         f"@{type_} 'k' lacks required field '{missing}'", "add it from the published record")]


def test_a_book_needs_an_author_or_an_editor() -> None:
    c = corpus(refs=[ref("k", "book", author="", editor="E", publisher="P")],
               studies_=used("k"))
    assert rows(bibliography.check, c) == []
    c = corpus(refs=[ref("k", "book", author="", publisher="P")], studies_=used("k"))
    assert [r[5] for r in rows(bibliography.check, c)] == [
        "@book 'k' lacks required field 'author or editor'"]


def test_misc_needs_no_author_or_journal() -> None:
    c = corpus(refs=[ref("k", "misc", author="", journal="")], studies_=used("k"))
    assert rows(bibliography.check, c) == []


@pytest.mark.parametrize(("doi", "hint"), [
    ("https://doi.org/10.1000/x1", "write the bare DOI '10.1000/x1'"),
    ("http://dx.doi.org/10.1000/x1", "write the bare DOI '10.1000/x1'"),
    ("DOI:10.1000/x1", "write the bare DOI '10.1000/x1'"),
    ("doi:10.10/x", "a DOI looks like 10.1234/suffix"),
    ("10.123/x", "a DOI looks like 10.1234/suffix"),
    ("10.1234567890/x", "a DOI looks like 10.1234/suffix"),
    ("10.1234/", "a DOI looks like 10.1234/suffix"),
    ("10.1234/a b", "a DOI looks like 10.1234/suffix"),
    ("x10.1234/a", "a DOI looks like 10.1234/suffix"),
])
def test_malformed_dois(doi: str, hint: str) -> None:
    c = corpus(refs=[ref("k", doi=doi)], studies_=used("k"))
    assert rows(bibliography.check, c) == [
        ("references.bib", 6, 3, "KG303", "error", f"malformed DOI '{doi}'", hint)]


@pytest.mark.parametrize("doi", ["10.1234/x", "10.123456789/a.b-c(1)"])
def test_well_formed_dois(doi: str) -> None:
    assert rows(bibliography.check, corpus(refs=[ref("k", doi=doi)], studies_=used("k"))) == []


def test_a_duplicate_doi_names_the_first_entry_whatever_the_case() -> None:
    c = corpus(refs=[ref("k1", doi="10.1234/ab"), ref("k2", line=20, doi="10.1234/AB"),
                     ref("k3", line=40, doi="10.1234/ab")], studies_=used("k1", "k2", "k3"))
    assert rows(bibliography.check, c) == [
        ("references.bib", 25, 3, "KG306", "error", "DOI 10.1234/AB also in 'k1' (line 1)",
         "merge the two entries into one key"),
        ("references.bib", 45, 3, "KG306", "error", "DOI 10.1234/ab also in 'k1' (line 1)",
         "merge the two entries into one key")]


@pytest.mark.parametrize(("pmid", "hint"), [
    ("01234", "write only the digits: '01234'"),  # a PMID has no leading zero
    ("0", "write only the digits: '0'"),
    ("PMID: 123", "write only the digits: '123'"),
    ("1234567890", "write only the digits: '1234567890'"),  # ten digits
    ("abc", "a PMID is a whole number"),
])
def test_malformed_pmids(pmid: str, hint: str) -> None:
    c = corpus(refs=[ref("k", pmid=pmid)], studies_=used("k"))
    assert rows(bibliography.check, c) == [
        ("references.bib", 6, 3, "KG304", "error", f"malformed PMID '{pmid}'", hint)]


@pytest.mark.parametrize("pmid", ["1", "123456789"])
def test_well_formed_pmids(pmid: str) -> None:
    assert rows(bibliography.check, corpus(refs=[ref("k", pmid=pmid)],
                                           studies_=used("k"))) == []


@pytest.mark.parametrize(("pmcid", "hint"), [
    ("123", "write it as 'PMC123'"), ("pmc123", "write it as 'PMC123'"),
    ("PMC", "a PMCID is PMC + digits"), ("PMC12x", "write it as 'PMC12'"),
])
def test_malformed_pmcids(pmcid: str, hint: str) -> None:
    c = corpus(refs=[ref("k", pmcid=pmcid)], studies_=used("k"))
    assert rows(bibliography.check, c) == [
        ("references.bib", 6, 3, "KG305", "error", f"malformed PMCID '{pmcid}'", hint)]
    assert rows(bibliography.check, corpus(refs=[ref("k", pmcid="PMC1")],
                                           studies_=used("k"))) == []


def test_an_unused_reference_is_a_warning() -> None:
    c = corpus(refs=[ref("k")])
    assert rows(bibliography.check, c) == [
        ("references.bib", 1, 1, "KG307", "warning", "reference 'k' is never used",
         "use it as evidence, list it in the article outline, or delete it")]


def test_what_counts_as_a_use() -> None:
    art = Article("T", ("k3",), (), sp(1))
    c = corpus(refs=[ref(k) for k in ("k1", "k2", "k3", "k4")], article=art,
               studies_=used("k4"),
               claims=[claim(article_cites=("k1",), evidence=(line("k2"),))])
    assert bibliography.used_keys(c) == {"k1", "k2", "k3", "k4"}
    assert rows(bibliography.check, c) == []


# -- identifiers (KG401-KG403) -----------------------------------------------------------------


@pytest.mark.parametrize("curie", ["CHEBI:50114", "CHEBI:CHEBI:50114", "chebi:50114",
                                   "HGNC:11926", "UniProtKB:O14788", "GO:0001503"])
def test_valid_curies(curie: str) -> None:
    assert identifiers.problem(curie) is None


@pytest.mark.parametrize(("curie", "found"), [
    ("CHEBI", ("KG403", "'CHEBI' is not a CURIE", "write it as PREFIX:ID, for example HGNC:11926")),
    ("CHEBI: 1", ("KG403", "'CHEBI: 1' is not a CURIE",
                  "write it as PREFIX:ID, for example HGNC:11926")),
    ("1CHEBI:1", ("KG403", "'1CHEBI:1' is not a CURIE",
                  "write it as PREFIX:ID, for example HGNC:11926")),
    ("CHEBX:1", ("KG401", "unknown CURIE prefix 'CHEBX' in 'CHEBX:1'", "did you mean 'CHEBI'?")),
    ("chebx:1", ("KG401", "unknown CURIE prefix 'chebx' in 'chebx:1'", "did you mean 'CHEBI'?")),
    ("UNIPROTKX:1", ("KG401", "unknown CURIE prefix 'UNIPROTKX' in 'UNIPROTKX:1'",
                     "did you mean 'UNIPROT'?")),
    ("uniprotkx:1", ("KG401", "unknown CURIE prefix 'uniprotkx' in 'uniprotkx:1'",
                     "did you mean 'uniprot'?")),
    ("QQQQQQQQ:1", ("KG401", "unknown CURIE prefix 'QQQQQQQQ' in 'QQQQQQQQ:1'",
                    "use a prefix registered in the Bioregistry")),
    ("CHEBI:abc", ("KG402", "'CHEBI:abc' does not match the pattern of CHEBI (^\\d+$)",
                   "copy the identifier again from the ontology")),
    ("CHEBI:CHEBI:abc", ("KG402", "'CHEBI:CHEBI:abc' does not match the pattern of CHEBI "
                         "(^\\d+$)", "copy the identifier again from the ontology")),
    ("HGNC:CHEBI:1", ("KG402", "'HGNC:CHEBI:1' does not match the pattern of HGNC (^\\d{1,5}$)",
                      "copy the identifier again from the ontology")),
])
def test_curie_problems(curie: str, found: tuple[str, str, str]) -> None:
    assert identifiers.problem(curie) == found


def test_expand() -> None:
    assert identifiers.expand("CHEBI:50114") == "http://purl.obolibrary.org/obo/CHEBI_50114"
    assert identifiers.expand("chebi:50114") == "http://purl.obolibrary.org/obo/CHEBI_50114"
    assert identifiers.expand("not a curie") is None
    assert identifiers.expand("QQQQQQQQ:1") is None
    assert identifiers.normalize_prefix("ChEBI") == "chebi"


def test_identifier_diagnostics_sit_on_each_xref() -> None:
    c = corpus(entities=[entity("e", xrefs=("CHEBI:50114", "CHEBI:x", "nope"))])
    assert rows(identifiers.check, c) == [
        ("claims/entities.yaml", 3, 18, "KG402", "error",
         "'CHEBI:x' does not match the pattern of CHEBI (^\\d+$)",
         "copy the identifier again from the ontology"),
        ("claims/entities.yaml", 3, 26, "KG403", "error", "'nope' is not a CURIE",
         "write it as PREFIX:ID, for example HGNC:11926")]


# -- studies (KG309-KG311) ---------------------------------------------------------------------


def test_study_record_checks() -> None:
    c = corpus(refs=[ref("k1"), ref("k2", line=20, pmid="1"), ref("k3", line=40, doi="10.1/x")],
               studies_=[study("k1", verified=None), study("k2", "meta-analysis", line=8),
                         study("k3", "systematic-review", line=14,
                               pooled=Pooled(("rct",))),
                         study("k4", line=20)])
    assert rows(studies.check, c) == [
        ("references.bib", 1, 1, "KG309", "error", "study 'k1' has neither a DOI nor a PMID",
         "add the doi or pmid field, read from the publisher's page or PubMed"),
        ("claims/studies.yaml", 2, 3, "KG310", "warning",
         "study 'k1' does not record where it was verified",
         "add 'verified:' naming the source read (PubMed record, PMC, publisher's page) and "
         "what was read there"),
        ("claims/studies.yaml", 8, 3, "KG311", "warning",
         "meta-analysis 'k2' does not record what it pooled",
         "add 'pooled: {designs: [rct], studies: N}' from its methods or abstract")]


# -- types (KG501, KG502) ----------------------------------------------------------------------


def test_a_predicate_takes_only_its_roles() -> None:
    c = corpus(entities=[entity("a", "outcome"), entity("b", "intervention"),
                         entity("m", "mechanism")],
               claims=[claim(), claim("m-b", "m", "cofactor-for", "m"),
                       claim("a-x", "a", "increases", "x")])
    assert rows(types.check, c) == [
        ("claims/c.yaml", 5, 16, "KG501", "error",
         "'increases' cannot have an intervention as object ('b' in claim 'a-b')",
         "'increases' takes mechanism or outcome as object")]
    c = corpus(entities=[entity("a", "outcome"), entity("m", "mechanism")],
               claims=[claim("a-m", "a", "cofactor-for", "m")])
    assert rows(types.check, c) == [
        ("claims/c.yaml", 5, 16, "KG501", "error",
         "'cofactor-for' cannot have an outcome as subject ('a' in claim 'a-m')",
         "'cofactor-for' takes intervention or mechanism as subject")]


def test_a_role_mismatch_without_a_predicate_position_sits_on_the_claim() -> None:
    c = Claim("a-b", "S.", "a", "increases", "b", "asserted", None, sp(2, 9))
    rs = rows(types.check, corpus(entities=[entity("b", "exposure")], claims=[c]))
    assert [(r[1], r[2], r[5]) for r in rs] == [
        (2, 9, "'increases' cannot have an exposure as object ('b' in claim 'a-b')")]


def test_a_no_effect_line_on_a_no_effect_claim() -> None:
    c = corpus(claims=[claim(predicate="no-effect-on",
                             evidence=(line("k", "supports"), line("k", "no-effect", 14))),
                       claim("c-d", predicate="increases", evidence=(line("k", "no-effect"),))])
    assert rows(types.check, c) == [
        ("claims/c.yaml", 14, 9, "KG502", "warning",
         "a study that found no effect supports claim 'a-b', which states no effect "
         "(no-effect-on)", "write 'stance: supports'")]


# -- integrity (KG202-KG208) -------------------------------------------------------------------


def full(tmp_path: Path, **kw: object) -> Corpus:
    (tmp_path / "claims").mkdir(exist_ok=True)
    for rel in integrity.REQUIRED_FILES:
        (tmp_path / rel).write_text("", encoding="utf-8")
    return corpus(root=str(tmp_path), **kw)  # type: ignore[arg-type]


def test_missing_required_files(tmp_path: Path) -> None:
    c = corpus(root=str(tmp_path), claims=[claim()])
    assert rows(integrity.check, c) == [
        ("claims/entities.yaml", 1, 1, "KG208", "error", "missing file claims/entities.yaml",
         "create it; 'kg init' writes a valid empty corpus"),
        ("claims/studies.yaml", 1, 1, "KG208", "error", "missing file claims/studies.yaml",
         "create it; 'kg init' writes a valid empty corpus")]
    # nothing is reported unknown from the parts that are missing
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims/studies.yaml").write_text("", encoding="utf-8")
    assert [r[3] for r in rows(integrity.check, c)] == ["KG208"]


def test_unknown_entities(tmp_path: Path) -> None:
    c = full(tmp_path, entities=[entity("bone-loss")],
             claims=[claim(subject="bone-los", obj="zzzz", outcome="qq")])
    assert rows(integrity.check, c) == [
        ("claims/c.yaml", 4, 14, "KG202", "error",
         "unknown entity 'bone-los' as subject of claim 'a-b'", "did you mean 'bone-loss'?"),
        ("claims/c.yaml", 6, 13, "KG202", "error",
         "unknown entity 'zzzz' as object of claim 'a-b'", "add it to claims/entities.yaml"),
        ("claims/c.yaml", 10, 14, "KG202", "error",
         "unknown entity 'qq' as outcome of claim 'a-b'", "add it to claims/entities.yaml")]
    c.incomplete.add("entities")
    assert rows(integrity.check, c) == []
    c.incomplete.clear()
    c.invalid.update({"bone-los", "zzzz", "qq"})
    assert rows(integrity.check, c) == []


def test_unknown_reference_keys(tmp_path: Path) -> None:
    art = Article("T", ("alpha2020", "zz"), (), sp(1), reference_spans=(sp(3, 16), sp(3, 27)))
    c = full(tmp_path, refs=[ref("alpha2020")], studies_=[study("alpha2020")], article=art,
             entities=[entity("a"), entity("b")],
             claims=[claim(source=None, article_cites=("alpha2021",), cite_spans=(sp(11, 20),),
                           recommended_by=("zz",), evidence=(line("alpa2020"),))])
    assert rows(integrity.check, c) == [
        ("claims/c.yaml", 11, 20, "KG203", "error",
         "unknown reference key 'alpha2021' in article_cites", "did you mean 'alpha2020'?"),
        ("claims/c.yaml", 2, 9, "KG203", "error",
         "unknown reference key 'zz' in recommended_by of claim 'a-b'",
         "add the entry to references.bib"),
        ("claims/c.yaml", 12, 17, "KG203", "error",
         "unknown reference key 'alpa2020' in evidence of claim 'a-b'",
         "did you mean 'alpha2020'?"),
        ("claims/c.yaml", 3, 27, "KG203", "error",
         "unknown reference key 'zz' in the article's references",
         "add the entry to references.bib")]
    c.incomplete.add("references")
    assert rows(integrity.check, c) == []


def test_a_study_without_a_record_or_an_entry(tmp_path: Path) -> None:
    ev = Evidence("k1", "supports", "f", sp(12, 9))  # no study position: the line's
    c = full(tmp_path, refs=[ref("k1"), ref("kk2")], studies_=[study("k2", line=30)],
             entities=[entity("a"), entity("b")], claims=[claim(source=None, evidence=(ev,))])
    assert rows(integrity.check, c) == [
        ("claims/c.yaml", 12, 9, "KG204", "error",
         "'k1' has no record in claims/studies.yaml",
         "add a study record with design, population and findings"),
        ("claims/studies.yaml", 30, 3, "KG205", "error",
         "study 'k2' has no entry in references.bib", "did you mean 'kk2'?")]
    c.invalid.update({"k1", "k2"})
    assert rows(integrity.check, c) == []


def test_unknown_claims(tmp_path: Path) -> None:
    acks = (Acknowledgement("a-c", "r", sp(15, 16)), Acknowledgement("a-b", "r", sp(16, 16)))
    c = full(tmp_path, entities=[entity("a"), entity("b")],
             claims=[claim(source=None, superseded_by="a-c", acknowledges=acks)])
    assert rows(integrity.check, c) == [
        ("claims/c.yaml", 9, 20, "KG206", "error", "unknown claim 'a-c' in superseded_by",
         "did you mean 'a-b'?"),
        ("claims/c.yaml", 15, 16, "KG206", "error", "unknown claim 'a-c' in acknowledges",
         "did you mean 'a-b'?")]


def test_source_paragraphs_must_be_in_the_outline(tmp_path: Path) -> None:
    paras = (Paragraph("basics", 1, "prose", "x", sp(5)),)
    ents = [entity("a"), entity("b")]
    c = full(tmp_path, entities=ents, article=Article("T", (), paras, sp(1)),
             claims=[claim(source=SourceLocator("basics", 2)),
                     claim("c-d", source=SourceLocator("basic", 1)),
                     claim("e-f", source=SourceLocator("basics", 1))])
    assert rows(integrity.check, c) == [
        ("claims/c.yaml", 8, 13, "KG207", "error",
         "source paragraph basics 2 is not in the article outline", None),
        ("claims/c.yaml", 8, 13, "KG207", "error",
         "source paragraph basic 1 is not in the article outline",
         "did you mean 'basics'?")]
    # an outline with no paragraphs still holds no source; no outline checks nothing
    c = full(tmp_path, entities=ents, article=Article("T", (), (), sp(1)), claims=[claim()])
    assert [r[3] for r in rows(integrity.check, c)] == ["KG207"]
    c = full(tmp_path, entities=ents, claims=[claim()])
    assert rows(integrity.check, c) == []


def test_a_doi_problem_without_a_field_position_sits_on_the_entry() -> None:
    r = Reference("k", "article", {"author": "A", "title": "T", "journal": "J", "year": "1",
                                   "doi": "x", "pmid": "0", "pmcid": "1"},
                  Span("references.bib", 7, 1))
    assert [(d.line, d.column, d.code) for d in bibliography.check(
        corpus(refs=[r], studies_=used("k")))] == [(7, 1, "KG303"), (7, 1, "KG304"),
                                                   (7, 1, "KG305")]


def test_a_registered_prefix_without_a_uri_prefix_expands_to_nothing() -> None:
    assert identifiers.registry()["prefixes"]["ac.variant"][2] is None
    assert identifiers.expand("ac.variant:123") is None


# -- consistency: the hints (what each code tells the curator to do) --------------------------


def test_consistency_hints(valid_corpus: Path) -> None:
    from kg.checks.validator import validate

    (valid_corpus / "claims" / "extra.yaml").write_text(
        "claims:\n"
        "  - id: drug-d-raises-hormone-x\n"
        "    statement: Drug D raises hormone X.\n"
        "    subject: drug-d\n    predicate: increases\n    object: hormone-x\n"
        "    certainty: asserted\n    source: {section: basics, paragraph: 1}\n",
        encoding="utf-8")
    entities = valid_corpus / "claims" / "entities.yaml"
    entities.write_text(entities.read_text(encoding="utf-8")
                        + "  - {id: lonely, label: lonely, role: outcome, kind: process}\n",
                        encoding="utf-8")
    _, diags = validate(valid_corpus)
    hints = {d.code: d.hint for d in diags if d.code.startswith("KG6")}
    assert hints["KG601"] is not None and hints["KG601"].startswith(
        "correct one of them, qualify them (population, context, dose, duration), set "
        "superseded_by on the older one, or add `acknowledges: [{claim: ")
    assert hints["KG605"] == "use it as the subject or object of a claim, or delete it"


def test_two_distinct_dois_are_no_duplicate() -> None:
    c = corpus(refs=[ref("k1", doi="10.1234/a"), ref("k2", line=20, doi="10.1234/b")],
               studies_=used("k1", "k2"))
    assert rows(bibliography.check, c) == []


def test_a_missing_field_position_falls_back_to_the_claim(tmp_path: Path) -> None:
    paras = (Paragraph("s", 1, "prose", "x", sp(5)),)
    c = full(tmp_path, entities=[entity("a"), entity("b")],
             article=Article("T", (), paras, sp(1)),
             claims=[Claim("a-b", "S.", "a", "increases", "b", "asserted",
                           SourceLocator("s", 9), sp(2, 9), superseded_by="zz-top")])
    assert [(r[1], r[2], r[3]) for r in rows(integrity.check, c)] == [
        (2, 9, "KG206"), (2, 9, "KG207")]


def test_a_four_link_chain_of_increases_contradicts_a_decrease() -> None:
    from kg.checks import consistency

    ents = [entity(e, "mechanism") for e in "abcde"]
    # the stated claim comes first, so the search meets it (and skips it) first
    claims = [claim("a-e", "a", "decreases", "e")] + [
        claim(f"{x}-{y}", x, "increases", y) for x, y in ("ab", "bc", "cd", "de")]
    found = [d for d in consistency.check(corpus(entities=ents, claims=claims))
             if d.code == "KG602"]
    assert [(d.line, d.column) for d in found] == [(5, 16)]
    assert found[0].message.startswith("claim 'a-e' says a decreases e (net -), but the "
                                       "causal chain a -> b -> c -> d -> e")


def consistency_rows(*claims: Claim) -> list[Row]:
    from kg.checks import consistency

    ents = [entity(e, "mechanism") for e in "abcd"]
    return [r for r in rows(consistency.check, corpus(entities=ents, claims=claims))
            if r[3] != "KG605"]


HINT_603 = "find supporting evidence, weaken the claim, or revisit the claims whose chains use it"


def test_kg603_names_every_claim_resting_on_an_unsupported_link() -> None:
    assert consistency_rows(
        claim("a-b", "a", "increases", "b", evidence=(line("s", "no-effect"),)),
        claim("b-c", "b", "increases", "c"), claim("a-c", "a", "increases", "c"),
        claim("b-d", "b", "increases", "d"), claim("a-d", "a", "increases", "d"),
    ) == [("claims/c.yaml", 2, 9, "KG603", "info",
           "claim 'a-b' (a increases b) has evidence of no effect and none in support, yet 2 "
           "claims rest on chains through it: 'a-c' by a-b -> b-c; 'a-d' by a-b -> b-d",
           HINT_603)]
    assert consistency_rows(
        claim("a-b", "a", "decreases", "b", evidence=(line("s", "contradicts"),)),
        claim("b-c", "b", "increases", "c"), claim("a-c", "a", "decreases", "c"),
    ) == [("claims/c.yaml", 2, 9, "KG603", "info",
           "claim 'a-b' (a decreases b) has contradicting evidence and none in support, yet 1 "
           "claim rests on chains through it: 'a-c' by a-b -> b-c", HINT_603)]


def test_kg604_counts_the_negative_links_of_a_cycle() -> None:
    hint = ("correct a link; if it is a real feedback loop, add `acknowledges` between two of "
            "its claims saying so")
    assert consistency_rows(claim("a-b", "a", "decreases", "b"),
                            claim("b-c", "b", "decreases", "c"),
                            claim("c-a", "c", "decreases", "a")) == [
        ("claims/c.yaml", 5, 16, "KG604", "error",
         "causal cycle a -> b -> c -> a closes with 3 negative links (net -): 'a-b' (-), "
         "'b-c' (-), 'c-a' (-)", hint)]
    assert [r[5] for r in consistency_rows(claim("a-b", "a", "decreases", "b"),
                                           claim("b-a", "b", "increases", "a"))] == [
        "causal cycle a -> b -> a closes with 1 negative link (net -): 'a-b' (-), 'b-a' (+)"]


def kg6_rows(*claims: Claim, code: str) -> list[Row]:
    """The ``code`` diagnostics of consistency.check over ``claims``, every entity they name
    a mechanism."""
    from kg.checks import consistency

    names = sorted({e for c in claims for e in (c.subject, c.object)})
    found = consistency.check(corpus(entities=[entity(e, "mechanism") for e in names],
                                     claims=claims))
    return [r for r in rows(lambda _: found, corpus()) if r[3] == code]


#: a weak link x -> y between three links into x and three out of y:
#: p3 -> p2 -> p1 -> x -> y -> q1 -> q2 -> q3
LINE = [claim(f"{s}-{o}", s, "increases", o) for s, o in
        (("p3", "p2"), ("p2", "p1"), ("p1", "x"), ("y", "q1"), ("q1", "q2"), ("q2", "q3"))]


def weak(stance: str = "no-effect") -> Claim:
    return claim("x-y", "x", "increases", "y", evidence=(line("s", stance),))


def rests_on(message: str) -> str:
    return message.split(" through it: ")[1]


def test_kg603_finds_dependents_up_to_three_links_after_the_weak_one() -> None:
    # ordered so that the stated claims and the links come before the weak one: the search
    # goes on past them
    found = kg6_rows(*LINE, *(claim(f"x-{q}", "x", "associated-with", q)
                              for q in ("q1", "q2", "q3")),
                     claim("x-q4", "x", "associated-with", "q4"),  # no chain to q4
                     claim("r-s", "r", "increases", "s", evidence=(line("s"),)),  # supported
                     weak(), code="KG603")
    assert [rests_on(r[5]) for r in found] == [
        "'x-q1' by x-y -> y-q1; 'x-q2' by x-y -> y-q1 -> q1-q2; "
        "'x-q3' by x-y -> y-q1 -> q1-q2 -> q2-q3"]


def test_kg603_finds_dependents_up_to_three_links_before_the_weak_one() -> None:
    found = kg6_rows(*LINE, *(claim(f"{p}-y", p, "associated-with", "y")
                              for p in ("p1", "p2", "p3")), weak(), code="KG603")
    assert [rests_on(r[5]) for r in found] == [
        "'p1-y' by p1-x -> x-y; 'p2-y' by p2-p1 -> p1-x -> x-y; "
        "'p3-y' by p3-p2 -> p2-p1 -> p1-x -> x-y"]


def test_kg603_chains_of_up_to_four_links_on_both_sides() -> None:
    stated = [claim(f"{a}-to-{c}", a, "associated-with", c)
              for a, c in (("p1", "q1"), ("p2", "q1"), ("p1", "q2"),  # 3, 4 and 4 links
                           ("p3", "q1"), ("p2", "q2"), ("p1", "q3"),  # 5 links: too long
                           ("x", "y"))]  # the weak link's own pair: one link, no chain
    [found] = kg6_rows(weak(), *LINE, *stated, code="KG603")
    assert found[5] == (
        "claim 'x-y' (x increases y) has evidence of no effect and none in support, yet 3 "
        "claims rest on chains through it: 'p1-to-q1' by p1-x -> x-y -> y-q1; "
        "'p1-to-q2' by p1-x -> x-y -> y-q1 -> q1-q2; "
        "'p2-to-q1' by p2-p1 -> p1-x -> x-y -> y-q1")


def test_kg603_names_three_dependents_and_counts_the_others() -> None:
    stated = [claim(f"{a}-to-{c}", a, "associated-with", c)
              for a, c in (("x", "q1"), ("x", "q2"), ("p1", "y"), ("p2", "y"), ("p1", "q1"))]
    [found] = kg6_rows(weak("contradicts"), *LINE, *stated, code="KG603")
    assert found[5] == (
        "claim 'x-y' (x increases y) has contradicting evidence and none in support, yet 5 "
        "claims rest on chains through it: 'x-to-q1' by x-y -> y-q1; "
        "'x-to-q2' by x-y -> y-q1 -> q1-q2; 'p1-to-y' by p1-x -> x-y (and 2 more)")
    [found] = kg6_rows(weak("contradicts"), *LINE, *stated[:4], code="KG603")
    assert found[5].endswith("'p1-to-y' by p1-x -> x-y (and 1 more)")
    [found] = kg6_rows(weak("contradicts"), *LINE, *stated[:3], code="KG603")
    assert found[5].endswith("'p1-to-y' by p1-x -> x-y")


def test_kg602_kg604_kg607_in_full() -> None:
    assert kg6_rows(claim("a-c", "a", "decreases", "c"), claim("a-b", "a", "increases", "b"),
                    claim("b-c", "b", "increases", "c"), code="KG602") == [
        ("claims/c.yaml", 5, 16, "KG602", "error",
         "claim 'a-c' says a decreases c (net -), but the causal chain a -> b -> c gives net +: "
         "'a-b' (+), 'b-c' (+)",
         "correct the stated claim or a link of the chain, set superseded_by on the one "
         "replaced, or add `acknowledges` naming a link and saying why both stand")]
    assert kg6_rows(claim("a-b", "a", "increases", "b"), claim("a-b-none", "a", "no-effect-on",
                                                               "b"), code="KG607") == [
        ("claims/c.yaml", 5, 16, "KG607", "error",
         "claim 'a-b-none' (a no-effect-on b) denies the effect claim 'a-b' states "
         "(a increases b) at claims/c.yaml:2:9",
         "give each claim its population or context, correct one of them, or add "
         "`acknowledges: [{claim: a-b, reason: ...}]`")]


def test_kg606_in_full() -> None:
    from kg.checks import consistency

    c = corpus(refs=[ref("k1"), ref("k2")], studies_=[study("k1"), study("k2", line=9)],
               claims=[claim("a-b", evidence=(line("k1"),))], entities=[entity("a", "mechanism"),
                                                                        entity("b")])
    assert rows(consistency.check, c) == [
        ("claims/studies.yaml", 9, 3, "KG606", "warning",
         "study 'k2' is used by no evidence line and cited nowhere in the article",
         "add an evidence line that uses it, or delete the record")]


# -- the checks of some claims only (kg.checks.recheck), and places without a field position ----


Owned = list[tuple[str | None, Row]]


def owners_only(owned: Callable[..., Iterable[tuple[str | None, Diagnostic]]], c: Corpus,
                only: set[str]) -> tuple[Owned, Owned]:
    """``owned(c, only)`` and what it must be: the full run's diagnostics at those claims or
    at none."""
    def row(d: Diagnostic) -> Row:
        return (d.file, d.line, d.column, d.code, d.severity.value, d.message, d.hint)

    every = [(owner, row(d)) for owner, d in owned(c)]
    return ([(owner, row(d)) for owner, d in owned(c, only)],
            [(owner, r) for owner, r in every if owner is None or owner in only])


def test_each_check_of_some_claims_gives_their_diagnostics(tmp_path: Path) -> None:
    from kg.checks import consistency

    ents = [entity(e, "mechanism") for e in "abcd"] + [entity("o", "outcome")]
    # the claims checked come after others, so a search that stopped at the first claim
    # left out would miss them
    claims = [claim("a-b", "a", "increases", "b"), claim("b-c", "b", "increases", "c"),
              claim("a-c", "a", "decreases", "c"),
              claim("b-d", "b", "decreases", "d", evidence=(line("k1", "no-effect"),)),
              claim("c-d", "c", "decreases", "d"), claim("b-to-d", "b", "associated-with", "d"),
              claim("a-to-d", "a", "associated-with", "d"),
              claim("o-d", "o", "cofactor-for", "d"), claim("d-zz", "d", "increases", "zz"),
              claim("o-b", "o", "cofactor-for", "b")]
    c = full(tmp_path, entities=ents, claims=claims, refs=[ref("k1")], studies_=[study("k1")])
    assert {"KG602", "KG603"} <= {d.code for _, d in consistency.owned(c)}
    for only in ({"b-d", "c-d"}, {"a-c"}, {"o-b"}, {"d-zz"}, set()):
        for owned in (consistency.owned, integrity.owned, types.owned):
            got, want = owners_only(owned, c, only)
            assert got == want, (owned.__module__, only)
    # each diagnostic about a claim is owned by it
    assert [(o, r[3]) for o, r in owners_only(integrity.owned, c, {"d-zz"})[0]] == [
        ("d-zz", "KG202")]
    assert [(o, r[3]) for o, r in owners_only(types.owned, c, {"o-b"})[0]] == [
        ("o-b", "KG501")]


def bare(c: Claim) -> Claim:
    """``c`` without field positions: its diagnostics sit on the claim."""
    return Claim(c.id, c.statement, c.subject, c.predicate, c.object, c.certainty, c.source,
                 c.span, evidence=c.evidence, acknowledges=c.acknowledges)


def test_consistency_diagnostics_without_a_predicate_position_sit_on_the_claim() -> None:
    from kg.checks import consistency

    claims = [bare(c) for c in (
        claim("a-c", "a", "decreases", "c"), claim("a-b", "a", "increases", "b"),
        claim("b-c", "b", "increases", "c"), claim("a-b-down", "a", "decreases", "b"),
        claim("a-b-none", "a", "no-effect-on", "b"), claim("c-a", "c", "increases", "a"),
        claim("a-b-no", "a", "no-effect-on", "b"))]
    found = consistency.check(corpus(entities=[entity(e, "mechanism") for e in "abc"],
                                     claims=claims))
    assert [(d.code, d.line, d.column) for d in found] == [
        ("KG601", 2, 9), *[("KG607", 2, 9)] * 4, ("KG602", 2, 9), ("KG604", 2, 9),
        ("KG604", 2, 9)]


def test_an_unknown_entity_without_a_position_sits_on_the_claim(tmp_path: Path) -> None:
    c = full(tmp_path, entities=[entity("a")], claims=[bare(claim("a-b", "a", "increases",
                                                                  "zz"))])
    assert [(r[1], r[2], r[3]) for r in rows(integrity.check, c)] == [(2, 9, "KG202")]


def test_reference_hints(tmp_path: Path) -> None:
    art = Article("T", ("smth2020",), (), sp(1), reference_spans=(sp(3, 16),))
    c = full(tmp_path, refs=[ref("smith2020")], studies_=[study("smith2020"),
                                                            study("zzzz", line=30)],
             article=art, entities=[entity("a"), entity("b")],
             claims=[claim(source=None, article_cites=("smth2020", "qq"),
                           recommended_by=("smith2021",),
                           cite_spans=(sp(11, 20), sp(11, 30)),
                           evidence=(line("smith2020"), line("qqqq", row=13)))])
    assert [(r[1], r[3], r[6]) for r in rows(integrity.check, c)] == [
        (11, "KG203", "did you mean 'smith2020'?"),
        (11, "KG203", "add the entry to references.bib"),
        (2, "KG203", "did you mean 'smith2020'?"),
        (13, "KG203", "add the entry to references.bib"),
        (30, "KG205", "add the BibTeX entry, or fix the key"),
        (3, "KG203", "did you mean 'smith2020'?")]


def test_a_study_part_that_failed_to_load_hides_missing_records(tmp_path: Path) -> None:
    c = full(tmp_path, refs=[ref("k1")], entities=[entity("a"), entity("b")],
             claims=[claim(source=None, evidence=(line("k1"),))])
    assert [r[3] for r in rows(integrity.check, c)] == ["KG204"]
    c.incomplete.add("studies")
    assert rows(integrity.check, c) == []


def test_a_role_mismatch_names_the_role_with_its_article() -> None:
    c = corpus(entities=[entity("m", "mechanism"), entity("x", "exposure")],
               claims=[claim("m-x", "m", "increases", "x")])
    assert [r[5] for r in rows(types.check, c)] == [
        "'increases' cannot have an exposure as object ('x' in claim 'm-x')"]
    c = corpus(entities=[entity("o", "outcome"), entity("m", "mechanism")],
               claims=[claim("m-o", "m", "cofactor-for", "o")])
    assert [r[5] for r in rows(types.check, c)] == [
        "'cofactor-for' cannot have an outcome as object ('o' in claim 'm-o')"]
    c = corpus(entities=[entity("i", "intervention"), entity("m", "mechanism")],
               claims=[claim("i-i", "i", "cofactor-for", "i")])
    assert [r[5] for r in rows(types.check, c)] == [
        "'cofactor-for' cannot have an intervention as object ('i' in claim 'i-i')"]
    c = corpus(entities=[entity("o", "outcome"), entity("m", "mechanism")],
               claims=[claim("o-m", "o", "cofactor-for", "m")])
    assert [r[5] for r in rows(types.check, c)] == [
        "'cofactor-for' cannot have an outcome as subject ('o' in claim 'o-m')"]


def test_curie_prefix_repeated_in_the_local_part() -> None:
    # GO's local part may repeat its prefix; the identifier after it must still be whole
    assert identifiers.problem("GO:GO:0008150") is None
    assert identifiers.problem("GO:GO:008150") is not None
    # a prefix that is never repeated keeps its local part as written
    assert identifiers.problem("HGNC::1") is not None
    assert identifiers.problem("HGNC:None:1") is not None


def test_dois_differ_outside_ascii_case() -> None:
    # DOIs are case-insensitive in ASCII only: 'ß' is not 'SS'
    c = corpus(refs=[ref("k1", doi="10.1234/straße"), ref("k2", line=20, doi="10.1234/STRASSE")],
               studies_=used("k1", "k2"))
    assert [r[3] for r in rows(bibliography.check, c)] == []


def test_kg601_compares_each_claim_with_every_earlier_one() -> None:
    found = kg6_rows(claim("a-b-1", "a", "decreases", "b"), claim("a-b-2", "a", "increases", "b"),
                     claim("a-b-3", "a", "decreases", "b"), code="KG601")
    assert [(r[4], r[5].split(" (")[0], r[5].split("contradicts ")[1].split(" (")[0])
            for r in found] == [("error", "claim 'a-b-2'", "claim 'a-b-1'"),
                                ("error", "claim 'a-b-3'", "claim 'a-b-2'")]
    ack = (Acknowledgement("a-b-1", "r", sp(15, 16)),)
    found = kg6_rows(claim("a-b-1", "a", "increases", "b"), claim("a-b-2", "a", "increases", "b"),
                     claim("a-b-3", "a", "decreases", "b", acknowledges=ack), code="KG601")
    assert [r[5].split("contradicts ")[1].split(" (")[0] for r in found] == ["claim 'a-b-2'"]


def test_kg607_checks_every_effect_and_associations_too() -> None:
    ack = (Acknowledgement("a-b-1", "r", sp(15, 16)),)
    found = kg6_rows(claim("a-b-1", "a", "increases", "b"), claim("a-b-2", "a", "decreases", "b"),
                     claim("a-b-0", "a", "no-effect-on", "b", acknowledges=ack), code="KG607")
    assert [r[5].split("effect claim ")[1].split(" ")[0] for r in found] == ["'a-b-2'"]
    found = kg6_rows(claim("a-b", "a", "associated-with", "b"),
                     claim("a-b-0", "a", "not-associated-with", "b"), code="KG607")
    assert [r[5].split(" (")[0] for r in found] == ["claim 'a-b-0'"]


def test_kg604_examines_at_most_64_claim_combinations_per_loop() -> None:
    # a -> b by nine positive claims and one negative one (last by id), b -> a by eight
    # positive ones: the 72 combinations of the first nine are even, and the eight odd ones
    # come after the 64th, so none is examined
    there = [claim(f"ab{i}", "a", "increases", "b") for i in range(9)]
    back = [claim(f"ba{i}", "b", "increases", "a") for i in range(8)]
    assert kg6_rows(*there, claim("ab9", "a", "decreases", "b"), *back, code="KG604") == []
    assert len(kg6_rows(claim("ab0", "a", "decreases", "b"), *there[1:], *back,
                        code="KG604")) == 8


def test_kg604_goes_on_past_an_acknowledged_combination() -> None:
    ack = (Acknowledgement("ba", "r", sp(15, 16)),)
    found = kg6_rows(claim("ab1", "a", "decreases", "b", acknowledges=ack),
                     claim("ab2", "a", "decreases", "b"), claim("ba", "b", "increases", "a"),
                     code="KG604")
    assert [r[5].split(": ")[1] for r in found] == ["'ab2' (-), 'ba' (+)"]


def test_kg603_takes_the_shortest_chain_to_each_dependent() -> None:
    # y reaches q2 in one link and in two; the chain through x-y uses the one link
    found = kg6_rows(weak(), claim("y-q1", "y", "increases", "q1"),
                     claim("q1-q2", "q1", "increases", "q2"),
                     claim("y-q2", "y", "increases", "q2"),
                     claim("x-to-q2", "x", "associated-with", "q2"), code="KG603")
    assert [rests_on(r[5]) for r in found] == ["'x-to-q2' by x-y -> y-q2"]


def test_kg603_goes_on_past_a_weak_link_nothing_rests_on() -> None:
    found = kg6_rows(claim("r-s", "r", "increases", "s", evidence=(line("s", "no-effect"),)),
                     *LINE, claim("x-to-q1", "x", "associated-with", "q1"), weak(),
                     code="KG603")
    assert [r[5].split(" (")[0] for r in found] == ["claim 'x-y'"]


def test_claims_with_unknown_entities_or_unfit_roles_take_no_part() -> None:
    from kg.checks import consistency

    def found(*claims: Claim) -> list[str]:
        ents = [entity("o", "outcome"), entity("m", "mechanism")]
        return [d.code for d in consistency.check(corpus(entities=ents, claims=claims))
                if d.code != "KG605"]

    # 'o cofactor-for m' has an outcome as subject (KG501): no contradiction with it
    assert found(claim("o-m", "o", "cofactor-for", "m"),
                 claim("o-m-down", "o", "decreases", "m")) == []
    assert found(claim("o-m", "o", "increases", "m"),
                 claim("o-m-down", "o", "decreases", "m")) == ["KG601"]
    # an unknown entity (KG202) on either side
    assert found(claim("zz-m", "zz", "increases", "m"),
                 claim("zz-m-down", "zz", "decreases", "m")) == []
    assert found(claim("o-zz", "o", "increases", "zz"),
                 claim("o-zz-down", "o", "decreases", "zz")) == []


def test_kg605_in_full() -> None:
    from kg.checks import consistency

    c = corpus(entities=[entity("a", "mechanism"), entity("b"), entity("lonely", line=7)],
               claims=[claim("a-b")])
    assert rows(consistency.check, c) == [
        ("claims/entities.yaml", 7, 9, "KG605", "warning",
         "entity 'lonely' is not used by any claim",
         "use it as the subject or object of a claim, or delete it")]


def test_kg602_searches_from_the_end_with_fewer_links() -> None:
    # two equally short chains from a to c: a -x1-> b1 -y2-> c and a -x2-> b2 -y1-> c. From
    # a, the search meets x1 first (claim order) and names a -> b1 -> c; from c it meets y1
    # first and names a -> b2 -> c. It starts from a unless c has fewer links.
    chains = [claim("x1", "a", "increases", "b1"), claim("x2", "a", "increases", "b2"),
              claim("y1", "b2", "increases", "c"), claim("y2", "b1", "increases", "c")]
    stated = claim("s", "a", "decreases", "c")

    def named(*more: Claim) -> list[str]:
        return [r[5].split(": ")[1] for r in kg6_rows(stated, *chains, *more, code="KG602")]

    # a has three links out, c three in: from a
    assert named() == ["'x1' (+), 'y2' (+)"]
    # c has a fourth link in: still from a
    assert named(claim("z", "q", "increases", "c")) == ["'x1' (+), 'y2' (+)"]
    # a has a fourth link out: from c
    assert named(claim("z", "a", "increases", "q")) == ["'x2' (+), 'y1' (+)"]
