"""The audit's rules (kg/questions/audit.py) on an in-memory corpus: which claims are audited, each
category's finding and reason in full, the order, the summary and ``only`` (issue 18:
mutation score; bench/mutation.py audit)."""

from __future__ import annotations

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
