"""The evidence rules of kg/evidence.py stated in full, so a changed word or a moved
boundary fails a test (issue 18: mutation score; bench/mutation.py evidence).

tests/test_evidence.py states each rule of docs/evidence.md; these tests pin what it
leaves loose: whole assessments (status, rating, every reason, association-only), the
boundaries of each comparison, and the design tables themselves.
"""

from __future__ import annotations

import pytest

from kg import evidence as E
from kg.corpus import vocabulary as V
from kg.corpus.model import Claim, Evidence, Pooled, SourceLocator, Span, Statistic, Study
from kg.evidence import Assessment, assess, citation_state, cite_state, imprecision, start

SPAN = Span("claims/x.yaml", 1, 1)


def study(key: str, design: str, n: int | None = 500, pooled: Pooled | None = None) -> Study:
    return Study(key, design, "adults", "found it", SPAN, n, pooled=pooled)


def line(key: str, stance: str = "supports", *, indirect: str | None = None,
         stats: tuple[Statistic, ...] = ()) -> Evidence:
    return Evidence(key, stance, "a finding", SPAN, statistics=stats, indirect=indirect)


def claim(*lines: Evidence, predicate: str = "increases",
          cites: tuple[str, ...] = ()) -> Claim:
    return Claim("a-b", "A raises B.", "a", predicate, "b", "asserted",
                 SourceLocator("s", 1), SPAN, article_cites=cites, evidence=tuple(lines))


RCTS = {k: study(k, "rct") for k in ("t1", "t2", "t3")}


# -- the tables --------------------------------------------------------------------------------


def test_the_start_table_covers_every_design_and_pooled_design() -> None:
    assert E.START == {
        "rct": "high",
        "prospective-cohort": "low", "retrospective-cohort": "low", "case-control": "low",
        "cross-sectional": "low", "cohort": "low", "non-randomised-trial": "low",
        "narrative-review": "very-low", "consensus-statement": "very-low",
        "guideline": "very-low", "animal": "very-low", "in-vitro": "very-low",
    }
    assert set(E.START) == set(V.POOLED_DESIGNS)


@pytest.mark.parametrize("design", V.POOLED_DESIGNS)
def test_which_designs_are_observational(design: str) -> None:
    expected = design in ("prospective-cohort", "retrospective-cohort", "cohort",
                          "case-control", "cross-sectional")
    assert E.observational(study("s", design)) is expected
    # a pooling is observational when anything it pooled is
    pooled = study("m", "meta-analysis", pooled=Pooled(("rct", design)))
    assert E.observational(pooled) is expected


def test_a_meta_analysis_is_judged_by_what_it_pooled_not_by_its_own_design() -> None:
    assert E.observational(study("m", "meta-analysis", pooled=Pooled(("rct",)))) is False
    # an observational design name with a pooled record: the pooled designs decide
    assert E.observational(study("m", "cohort", pooled=Pooled(("rct",)))) is False


def test_ratings_and_statuses() -> None:
    assert E.RATINGS == ("high", "moderate", "low", "very-low", "none")
    assert E.RATING_RANK == {"high": 0, "moderate": 1, "low": 2, "very-low": 3, "none": 4}
    assert E.SMALL_N == 100
    assert E.HUMAN_PRIMARY == ("rct", "prospective-cohort", "retrospective-cohort", "cohort",
                               "case-control", "cross-sectional")


# -- where a line starts -----------------------------------------------------------------------


def test_a_pooling_without_a_study_count_names_its_designs_only() -> None:
    s = study("m", "meta-analysis", pooled=Pooled(("rct", "cohort")))
    assert start(s) == ("low", "starts low: meta-analysis of rct/cohort studies")
    s = study("m", "systematic-review", pooled=Pooled(("rct",), 0))
    assert start(s) == ("high", "starts high: systematic-review of rct studies")
    s = study("m", "meta-analysis", pooled=Pooled(("rct",), 7))
    assert start(s) == ("high", "starts high: meta-analysis of 7 rct studies")


def test_a_review_without_pooled_designs_says_so() -> None:
    assert start(study("m", "meta-analysis")) == (
        "low", "starts low: meta-analysis whose pooled designs are not recorded")


def test_the_weakest_pooled_design_decides_by_rank_not_by_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # "moderate" sorts after "low" by name, but ranks above it
    monkeypatch.setitem(E.START, "cohort", "moderate")
    s = study("m", "meta-analysis", pooled=Pooled(("cohort", "case-control")))
    assert start(s)[0] == "low"
    s = study("m", "meta-analysis", pooled=Pooled(("cohort", "rct")))
    assert start(s)[0] == "moderate"


# -- imprecision -------------------------------------------------------------------------------


@pytest.mark.parametrize(("measure", "ci", "null"), [
    ("HR", (1.0, 1.4), "1"), ("OR", (0.6, 1.0), "1"), ("RR", (0.5, 1.5), "1"),
    ("beta", (0.0, 0.3), "0"), ("correlation", (-0.2, 0.0), "0"),
])
def test_an_interval_touching_no_effect_is_imprecise(measure: str, ci: tuple[float, float],
                                                     null: str) -> None:
    stat = Statistic(measure, "x vs y", None, ci)
    assert imprecision(line("t", stats=(stat,)), study("t", "rct")) == (
        f"imprecise: the confidence interval of {measure} [{ci[0]:g}, {ci[1]:g}] includes "
        f"no effect ({null})")


def test_a_statistic_without_an_interval_does_not_hide_a_later_one() -> None:
    stats = (Statistic("HR", "x", 1.2), Statistic("HR", "x", None, (0.5, 1.5)))
    assert imprecision(line("t", stats=stats), study("t", "rct")) is not None


@pytest.mark.parametrize(("design", "n", "reason"), [
    ("rct", 99, "imprecise: 99 participants (under 100)"),
    ("case-control", 40, "imprecise: 40 participants (under 100)"),
    ("rct", 100, None), ("rct", None, None), ("animal", 10, None),
    ("meta-analysis", 10, None),
])
def test_a_small_human_study_is_imprecise(design: str, n: int | None,
                                          reason: str | None) -> None:
    assert imprecision(line("t"), study("t", design, n=n)) == reason


# -- whole assessments -------------------------------------------------------------------------


@pytest.mark.parametrize(("stances", "expected"), [
    ((), Assessment("no-evidence", "none", ("no evidence line",))),
    (("no-effect",), Assessment(
        "not-supported", "none", ("no supporting line: the studies found no effect",))),
    (("contradicts",), Assessment(
        "contradicted", "none", ("no supporting line: the evidence contradicts the claim",))),
    (("mixed",), Assessment(
        "contested", "none", ("no supporting line: the studies' results are mixed",))),
])
def test_a_claim_without_support_rates_none_and_says_why(stances: tuple[str, ...],
                                                         expected: Assessment) -> None:
    c = claim(*(line(f"t{i + 1}", s) for i, s in enumerate(stances)))
    assert assess(c, RCTS) == expected


def test_a_supporting_line_whose_study_has_no_record_cannot_be_rated() -> None:
    assert assess(claim(line("ghost")), RCTS) == Assessment(
        "supported", "none", ("no supporting line from a study with a record",))


def test_inconsistency_is_one_step_and_lists_the_other_stances_sorted() -> None:
    a = assess(claim(line("t1"), line("t2"), line("t3", "no-effect"), line("t3", "contradicts"),
                     line("t1", "mixed")), RCTS)
    assert a == Assessment("contested", "moderate", (
        "starts high: rct",
        "downgraded for inconsistency: other lines are contradicts, mixed, no-effect"))


def test_inconsistency_under_a_single_trial() -> None:
    a = assess(claim(line("t1"), line("t2", "mixed")), RCTS)
    assert a == Assessment("contested", "moderate", (
        "starts high: rct", "downgraded for inconsistency: other lines are mixed"))


def test_one_trial_alone_is_capped_with_its_reason() -> None:
    assert assess(claim(line("t1"), line("t1")), RCTS) == Assessment(
        "supported", "moderate",
        ("starts high: rct", "at most moderate: one study, not replicated in the graph"))


def test_association_only_names_the_predicate() -> None:
    s = {"k": study("k", "prospective-cohort"), "c": study("c", "case-control")}
    assert assess(claim(line("k"), line("c"), predicate="decreases"), s) == Assessment(
        "supported", "low",
        ("starts low: prospective-cohort",
         "association only: the claim is causal ('decreases'), its support observational"),
        True)
    # an associational claim on the same support is not flagged
    assert assess(claim(line("k"), line("c"), predicate="associated-with"), s) == Assessment(
        "supported", "low", ("starts low: prospective-cohort",))


def test_one_trial_among_observational_support_lifts_association_only() -> None:
    s = {"k": study("k", "prospective-cohort"), "t": study("t", "rct")}
    a = assess(claim(line("k"), line("t")), s)
    assert (a.rating, a.association_only) == ("high", False)


@pytest.mark.parametrize(("level", "rating"), [
    ("high", "low"), ("moderate", "low"), ("low", "low"), ("very-low", "very-low")])
def test_association_only_caps_the_rating_at_low(monkeypatch: pytest.MonkeyPatch,
                                                 level: str, rating: str) -> None:
    # the cap holds whatever the start table says about observational designs
    monkeypatch.setitem(E.START, "prospective-cohort", level)
    s = {"k1": study("k1", "prospective-cohort"), "k2": study("k2", "prospective-cohort")}
    a = assess(claim(line("k1"), line("k2")), s)
    assert (a.rating, a.association_only) == (rating, True)


# -- citation state ----------------------------------------------------------------------------


def test_cite_state_of_one_reference() -> None:
    c = claim(line("t1"), line("t2", "no-effect"))
    assert cite_state(c, "t1") == "cited"
    assert cite_state(c, "t2") == "miscited"
    assert cite_state(c, "t3") == "unverifiable"


@pytest.mark.parametrize(("cites", "state"), [
    ((), "uncited"), (("t1",), "cited"), (("t1", "t3"), "unverifiable"),
    (("t1", "t2"), "miscited"), (("t2", "t3"), "miscited"),
])
def test_citation_state_takes_the_worst_reference(cites: tuple[str, ...], state: str) -> None:
    assert citation_state(claim(line("t1"), line("t2", "contradicts"), cites=cites)) == state
