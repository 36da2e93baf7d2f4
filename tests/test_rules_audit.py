"""The audit's rules (kg/questions/audit.py) on an in-memory corpus: which claims are audited, each
category's finding and reason in full, the order, the summary and ``only`` (issue 18:
mutation score; bench/mutation.py audit)."""

from __future__ import annotations

from typing import Any

from kg.corpus.model import (
    Article,
    CitationIssue,
    Claim,
    Corpus,
    Evidence,
    Paragraph,
    Reference,
    SourceLocator,
    Span,
    Study,
)
from kg.questions.audit import audit, audited

SPAN = Span("claims/x.yaml", 1, 1)


def study(key: str, design: str = "rct", issues: tuple[CitationIssue, ...] = ()) -> Study:
    return Study(key, design, "adults", "found", SPAN, 500, citation_issues=issues)


def ev(key: str, stance: str = "supports", finding: str = "a  finding") -> Evidence:
    return Evidence(key, stance, finding, SPAN)


def claim(cid: str, *lines: Evidence, cites: tuple[str, ...] = (), section: str = "s",
          paragraph: int = 1, certainty: str = "asserted", **kw: object) -> Claim:
    return Claim(cid, f"{cid}.", "a", "increases", "b", certainty,
                 SourceLocator(section, paragraph), SPAN, article_cites=cites,
                 evidence=tuple(lines), **kw)  # type: ignore[arg-type]


def corpus(*claims: Claim) -> Corpus:
    refs = {k: Reference(k, "article", {"author": f"{k.title()}, A and B, C and D, E",
                                        "year": "2020"}, SPAN) for k in ("t1", "t2", "t3")}
    studies = {"t1": study("t1"), "t2": study("t2"), "k": study("k", "prospective-cohort"),
               "t3": study("t3", issues=(CitationIssue("year", "2019", "2020", "typo"),))}
    paras = (Paragraph("late", 1, "prose", "x", SPAN), Paragraph("s", 1, "prose", "y", SPAN))
    return Corpus(".", claims={c.id: c for c in claims}, studies=studies, references=refs,
                  article=Article("The article", (), paras, SPAN, {"s": "Section S"}))


def test_only_the_articles_live_claims_are_audited() -> None:
    live = claim("live")
    old = claim("old", superseded_by="live")
    curator = Claim("cur", "c.", "a", "increases", "b", "asserted", None, SPAN,
                    origin="curator", justification="j")
    assert audited(corpus(live, old, curator)) == [live]


def test_each_category_with_its_reason() -> None:
    a = audit(corpus(
        claim("contra", ev("t1"), ev("t2", "no-effect", "no  change"), cites=("t1",)),
        claim("mis", ev("t1"), ev("t2", "contradicts", "the opposite"),
              cites=("t2",), certainty="suggested"),
        claim("over", ev("k", finding="f"), cites=("k",)),
        claim("unver", ev("t1"), ev("t2"), cites=("t1", "t3")),
        claim("bare", certainty="suggested"),
        claim("q", kind="question", certainty=""),
    ))
    assert [(f.category, f.claim, f.reason, f.studies) for f in a.findings] == [
        ("contradicted", "contra", "stated as fact, but studies found no effect or the "
         "opposite. t2 (no-effect): no change Supporting: t1.", ("t1", "t2")),
        ("miscited", "mis", "the article cites T2 et al. 2020, whose evidence is "
         "contradicts: the opposite", ("t2",)),
        ("overreaching", "over", "stated as fact on evidence rated low: starts low: "
         "prospective-cohort; association only: the claim is causal ('increases'), its "
         "support observational", ("k",)),
        ("unverifiable", "unver", "the article cites T3 et al. 2020, but the relevant result "
         "could not be checked: no evidence line from it bears on this claim", ("t3",)),
        ("uncited", "bare", "the article gives no reference, and the graph has no evidence "
         "either", ()),
    ]
    f = a.findings[0]
    assert (f.statement, f.certainty, f.kind, f.section, f.section_title, f.paragraph,
            f.locator, f.status, f.rating) == (
        "contra.", "asserted", "effect", "s", "Section S", 1, str(SourceLocator("s", 1)),
        "contested", "moderate")
    s_ = a.summary
    assert (s_.claims, s_.supported, s_.citation_errors) == (6, 4, 1)
    assert s_.counts == {"contradicted": 1, "miscited": 1, "overreaching": 1,
                         "unverifiable": 1, "uncited": 1}
    assert s_.statuses == {"supported": 2, "contested": 2, "no-evidence": 2}
    assert s_.ratings == {"high": 1, "moderate": 2, "low": 1, "none": 2}
    assert [(e.study, e.citation, e.field, e.cited, e.actual, e.note, e.cited_by)
            for e in a.citation_errors] == [
        ("t3", "T3 et al. 2020", "year", "2019", "2020", "typo", ("unver",))]
    assert a.title == "The article"


def test_findings_follow_the_outline_then_paragraph_then_id() -> None:
    a = audit(corpus(claim("b2", paragraph=2), claim("a2", paragraph=2), claim("z", section="s"),
                     claim("late", section="late"), claim("new", section="new")))
    assert [f.claim for f in a.findings] == ["late", "z", "a2", "b2", "new"]


def test_uncited_with_evidence_gives_the_graphs_status() -> None:
    a = audit(corpus(claim("c", ev("t1"), ev("t2", "mixed"), certainty="suggested")))
    assert [(f.category, f.reason) for f in a.findings] == [
        ("uncited", "the article gives no reference; the graph's evidence is contested, "
         "rated moderate")]


def test_only_keeps_the_named_categories_and_the_summary_counts_all() -> None:
    claims = (claim("bare", certainty="suggested"), claim("unver", ev("t1"), cites=("t3",)))
    a = audit(corpus(*claims), only=("uncited",))
    assert [f.claim for f in a.findings] == ["bare"] and a.citation_errors == ()
    assert a.summary.counts["unverifiable"] == 1
    a = audit(corpus(*claims), only=("citation-errors",))
    assert a.findings == () and len(a.citation_errors) == 1


# -- the renderers, stated whole ---------------------------------------------------------------


def _audit(title: str | None = "An  article") -> Any:
    from kg.questions.audit import Audit, CitationError, Finding, Summary

    def finding(category: str, cid: str, paragraph: int) -> Finding:
        return Finding(category, cid, f"{cid}  says |this|.", "asserted", "effect", "s", "S",
                       paragraph, f"s ¶{paragraph}", "contradicted", "none",
                       f"why  {cid} is {category}", ("k1", "k2"))

    return Audit(
        title,
        (finding("contradicted", "c-one", 1), finding("contradicted", "c-two", 2),
         finding("uncited", "c-three", 3)),
        (CitationError("k1", "Kay et al. 2020", "year", "2019", "2020", "a | note",
                       ("c-one",)),),
        Summary(4, 1, {"contradicted": 2, "miscited": 0, "overreaching": 0,
                       "unverifiable": 0, "uncited": 1}, 1,
                {"supported": 1, "contradicted": 3}, {"none": 3, "high": 1}))


def test_the_text_report() -> None:
    from kg.questions.audit import render_text

    assert render_text(_audit()) == (
        "Audit: An  article\n"
        "2 contradicted, 0 miscited, 0 overreaching, 0 unverifiable, 1 uncited; 1 citation "
        "errors; 1 of 4 claims (25%) rest on supporting evidence\n"
        "\n"
        "CONTRADICTED (2): stated as fact, but a study in the graph found no effect or the "
        "opposite\n"
        "  c-one (s ¶1; contradicted, rated none)\n"
        "      c-one says |this|.\n"
        "      why c-one is contradicted\n"
        "  c-two (s ¶2; contradicted, rated none)\n"
        "      c-two says |this|.\n"
        "      why c-two is contradicted\n"
        "\n"
        "UNCITED (1): the article gives no reference\n"
        "  c-three (s ¶3; contradicted, rated none)\n"
        "      c-three says |this|.\n"
        "      why c-three is uncited\n"
        "\n"
        "CITATION ERRORS (1)\n"
        "  k1 (Kay et al. 2020): year cited as '2019', actually '2020'\n")
    assert render_text(_audit(None)).startswith("Audit: (untitled article)\n")
    bare = _audit()
    from dataclasses import replace

    assert render_text(replace(bare, findings=(), citation_errors=())).endswith(
        "rest on supporting evidence\n")


def test_the_text_report_wrapped() -> None:
    from kg.questions.audit import render_text

    assert render_text(_audit(), width=40).splitlines()[:12] == [
        "Audit: An  article",
        "2 contradicted, 0 miscited, 0",
        "overreaching, 0 unverifiable, 1 uncited;",
        "1 citation errors; 1 of 4 claims (25%)",
        "rest on supporting evidence",
        "",
        "CONTRADICTED (2): stated as fact, but a",
        "  study in the graph found no effect or",
        "  the opposite",
        "  c-one (s ¶1; contradicted, rated none)",
        "      c-one says |this|.",
        "      why c-one is contradicted",
    ]
    # never narrower than the indent and 20 columns; words and hyphens are not broken
    narrow = render_text(_audit(), width=5).splitlines()
    assert narrow[1:5] == ["2 contradicted, 0", "miscited, 0", "overreaching, 0",
                           "unverifiable, 1"]  # 20 columns
    assert narrow[10:17] == ["CONTRADICTED (2):", "  stated as fact, but",  # 22
                             "  a study in the graph", "  found no effect or", "  the opposite",
                             "  c-one (s ¶1;", "      contradicted, rated"]  # 26
    assert narrow[-5:] == ["CITATION ERRORS (1)", "  k1 (Kay et al. 2020):",  # 24
                           "    year cited as", "    '2019', actually", "    '2020'"]


def test_the_markdown_report() -> None:
    from kg.questions.audit import render_markdown

    text = render_markdown(_audit())
    assert text.splitlines()[0] == "# Article audit: An  article"
    assert text.split("## Summary\n\n", 1)[1].split("\n## ", 1)[0] == (
        "| category | meaning | count |\n"
        "|---|---|---:|\n"
        "| claims audited | the article's own claims | 4 |\n"
        "| contradicted | stated as fact, but a study in the graph found no effect or the "
        "opposite | 2 |\n"
        "| miscited | a reference the article gives has evidence that does not support the "
        "claim | 0 |\n"
        "| overreaching | stated as fact on evidence rated only low, very low or none | 0 |\n"
        "| unverifiable | a reference the article gives could not be checked for this claim "
        "| 0 |\n"
        "| uncited | the article gives no reference | 1 |\n"
        "| citation errors | a reference printed wrongly | 1 |\n"
        "\n"
        "1 of 4 claims (25%) rest on supporting evidence. Evidence status: supported 1, "
        "contradicted 3. Rating: none 3, high 1.\n")
    assert text.split("\n## Contradicted (2)\n", 1)[1].split("\n## Uncited", 1)[0] == (
        "\n"
        "Stated as fact, but a study in the graph found no effect or the opposite.\n"
        "\n"
        "- `c-one` (s ¶1; asserted; evidence contradicted, rated none): c-one says "
        "\\|this\\|.  \n"
        "  why c-one is contradicted\n"
        "- `c-two` (s ¶2; asserted; evidence contradicted, rated none): c-two says "
        "\\|this\\|.  \n"
        "  why c-two is contradicted\n")
    assert text.endswith(
        "## Citation errors\n\n"
        "| study | field | the article has | correct | note |\n"
        "|---|---|---|---|---|\n"
        "| Kay et al. 2020 (`k1`) | year | 2019 | 2020 | a \\| note |\n")
    from dataclasses import replace

    plain = render_markdown(replace(_audit(None), citation_errors=()))
    assert plain.startswith("# Article audit: (untitled article)\n")
    assert plain.endswith("## Citation errors\n\nNone recorded.\n")
    kindly = replace(_audit(), findings=(replace(_audit().findings[0], certainty=""),))
    assert "(s ¶1; effect; evidence" in render_markdown(kindly)


def test_the_json_report() -> None:
    import json

    from kg.questions.audit import render_json, to_dict

    data: Any = to_dict(_audit())
    assert data["article"] == {"title": "An  article"}
    assert data["summary"] == {
        "claims": 4, "supported": 1, "supported_share": 0.25, "contradicted": 2,
        "miscited": 0, "overreaching": 0, "unverifiable": 0, "uncited": 1,
        "citation_errors": 1, "statuses": {"supported": 1, "contradicted": 3},
        "ratings": {"none": 3, "high": 1}}
    assert data["findings"][0] == {
        "category": "contradicted", "claim": "c-one", "statement": "c-one  says |this|.",
        "certainty": "asserted", "kind": "effect", "section": "s", "section_title": "S",
        "paragraph": 1, "locator": "s ¶1", "status": "contradicted", "rating": "none",
        "reason": "why  c-one is contradicted", "studies": ["k1", "k2"]}
    assert data["citation_errors"] == [{
        "study": "k1", "citation": "Kay et al. 2020", "field": "year", "cited": "2019",
        "actual": "2020", "note": "a | note", "cited_by": ["c-one"]}]
    text = render_json(_audit())
    assert json.loads(text) == data and text.endswith("}\n") and "¶" in text
    assert text.startswith('{\n  "article"')
    from dataclasses import replace

    odd = replace(_audit(), summary=replace(_audit().summary, supported=1, claims=3))
    summary: Any = to_dict(odd)["summary"]
    assert summary["supported_share"] == 0.3333


def test_the_report_is_written_safely(tmp_path: Any) -> None:
    import pytest

    from kg.errors import KgError
    from kg.questions.audit import write_atomic

    root = tmp_path / "corpus"
    (root / "claims").mkdir(parents=True)
    target = tmp_path / "real.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    with pytest.raises(KgError):
        write_atomic(link, "new")  # a symlink is refused unless followed
    write_atomic(link, "né", follow_symlinks=True)
    assert target.read_bytes() == "né".encode()
    with pytest.raises(KgError):  # an input of the corpus is never overwritten
        write_atomic(root / "claims" / "x.yaml", "x", root)
    write_atomic(root / "claims.md", "x", root)
    with pytest.raises(KgError):  # no folder is made for it
        write_atomic(tmp_path / "missing" / "audit.md", "x")


def test_a_miscited_reference_with_several_lines() -> None:
    a = audit(corpus(claim("mis", ev("t1"), ev("t2", "no-effect", "no  change"),
                           ev("t2", "contradicts", "the opposite"), cites=("t2",),
                           certainty="suggested")))
    assert [(f.category, f.reason) for f in a.findings] == [
        ("miscited", "the article cites T2 et al. 2020, whose evidence is "
                     "contradicts/no-effect: no change; the opposite")]


def test_without_an_article_sections_follow_the_claims() -> None:
    """No outline: sections in the order their first claim comes, each titled by its id."""
    c = corpus(claim("z1", section="zeta"), claim("a1", section="alpha"),
               claim("z2", section="zeta", paragraph=2))
    c.article = None
    a = audit(c)
    assert a.title is None
    assert [(f.claim, f.section, f.section_title) for f in a.findings] == [
        ("z1", "zeta", "zeta"), ("z2", "zeta", "zeta"), ("a1", "alpha", "alpha")]


def test_the_wrapped_report_never_breaks_an_id() -> None:
    from dataclasses import replace

    from kg.questions.audit import render_text

    base = _audit()
    long_id = "a-claim-id-much-longer-than-the-width"
    one = replace(base, findings=(replace(base.findings[0], claim=long_id,
                                          reason="see averyveryverylongwordwithnohyphen"),))
    lines = render_text(one, width=20).splitlines()
    assert f"  {long_id}" in lines  # neither at its hyphens nor in the middle
    assert "      averyveryverylongwordwithnohyphen" in lines


def test_the_json_report_sorts_its_keys() -> None:
    from kg.questions.audit import render_json

    text = render_json(_audit())
    keys = [line.strip().split('"')[1] for line in text.splitlines() if line.startswith('  "')]
    assert keys == ["article", "citation_errors", "findings", "summary"]
    assert text.index('"citation_errors": 1') < text.index('"claims": 4')
