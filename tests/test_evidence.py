"""The rule table of docs/evidence.md: one test per rule, on small hand-made claims, and the
answers the real corpus must give."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.checks.validator import validate
from kg.corpus import vocabulary as V
from kg.corpus.model import Claim, Corpus, Evidence, Pooled, SourceLocator, Span, Statistic, Study
from kg.evidence import assess, citation_state, start, status_of

REPO = Path(__file__).resolve().parents[1]
SPAN = Span("claims/x.yaml", 1, 1)


def study(key: str, design: str, n: int | None = 500, pooled: Pooled | None = None) -> Study:
    return Study(key, design, "adults", "found it", SPAN, n, pooled=pooled)


def line(key: str, stance: str = "supports", *, indirect: str | None = None,
         stats: tuple[Statistic, ...] = ()) -> Evidence:
    return Evidence(key, stance, "a finding", SPAN, statistics=stats, indirect=indirect)


def claim(*lines: Evidence, predicate: str = "increases", cites: tuple[str, ...] = (),
          origin: str = "article") -> Claim:
    return Claim("a-b", "A raises B.", "a", predicate, "b", "asserted",
                 SourceLocator("s", 1) if origin == "article" else None, SPAN,
                 article_cites=cites, evidence=tuple(lines), origin=origin,
                 justification="a link the chain needs" if origin == "curator" else None)


# -- where a design starts ---------------------------------------------------------------------


@pytest.mark.parametrize(("design", "level"), [
    ("rct", "high"),
    ("prospective-cohort", "low"), ("retrospective-cohort", "low"),
    ("case-control", "low"), ("cross-sectional", "low"),
    ("narrative-review", "very-low"), ("consensus-statement", "very-low"),
    ("guideline", "very-low"), ("animal", "very-low"), ("in-vitro", "very-low"),
])
def test_each_primary_design_starts_at_its_level(design: str, level: str) -> None:
    assert start(study("s", design))[0] == level


@pytest.mark.parametrize(("designs", "level"), [
    (("rct",), "high"),
    (("prospective-cohort",), "low"),
    (("cohort", "case-control", "cross-sectional"), "low"),
    (("rct", "cohort"), "low"),  # the weakest design pooled decides
    (("animal",), "very-low"),
])
def test_a_meta_analysis_starts_where_what_it_pooled_starts(designs: tuple[str, ...],
                                                            level: str) -> None:
    level_got, reason = start(study("m", "meta-analysis", pooled=Pooled(designs, 4)))
    assert level_got == level
    assert "of 4 " in reason and "/".join(designs) in reason


def test_a_meta_analysis_that_records_nothing_pooled_starts_low() -> None:
    level, reason = start(study("m", "systematic-review"))
    assert level == "low" and "not recorded" in reason


def test_every_design_and_pooled_design_has_a_start() -> None:
    for d in V.POOLED_DESIGNS:
        assert start(study("s", d))[0] in ("high", "low", "very-low")


# -- status ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stances", "status"), [
    ([], "no-evidence"),
    (["supports"], "supported"),
    (["supports", "supports"], "supported"),
    (["supports", "no-effect"], "contested"),
    (["supports", "mixed"], "contested"),
    (["supports", "contradicts"], "contested"),
    (["mixed"], "contested"),
    (["no-effect"], "not-supported"),
    (["no-effect", "mixed"], "not-supported"),
    (["contradicts"], "contradicted"),
    (["contradicts", "no-effect"], "contradicted"),
])
def test_status_from_stances(stances: list[str], status: str) -> None:
    assert status_of(stances) == status


# -- rating ------------------------------------------------------------------------------------


def test_no_supporting_line_rates_none_and_says_why() -> None:
    a = assess(claim(line("t", "no-effect")), {"t": study("t", "rct")})
    assert (a.status, a.rating) == ("not-supported", "none")
    assert "found no effect" in a.reasons[0]
    assert assess(claim(), {}).reasons == ("no evidence line",)


def test_two_trials_rate_high() -> None:
    a = assess(claim(line("t1"), line("t2")), {"t1": study("t1", "rct"),
                                               "t2": study("t2", "rct")})
    assert a.rating == "high"
    assert a.reasons == ("starts high: rct",)


def test_one_trial_alone_is_at_most_moderate() -> None:
    a = assess(claim(line("t")), {"t": study("t", "rct")})
    assert a.rating == "moderate"
    assert any("one study" in r for r in a.reasons)


def test_one_meta_analysis_of_trials_is_not_capped() -> None:
    s = {"m": study("m", "meta-analysis", pooled=Pooled(("rct",), 12))}
    assert assess(claim(line("m")), s).rating == "high"


def test_indirectness_downgrades_and_names_its_reason() -> None:
    s = {"t1": study("t1", "rct"), "t2": study("t2", "rct")}
    a = assess(claim(line("t1", indirect="healthy women"), line("t2", indirect="men")), s)
    assert a.rating == "moderate"
    assert "downgraded for indirectness: healthy women" in a.reasons


def test_one_direct_best_line_means_no_indirectness_downgrade() -> None:
    s = {"t1": study("t1", "rct"), "t2": study("t2", "rct")}
    assert assess(claim(line("t1", indirect="men"), line("t2")), s).rating == "high"


@pytest.mark.parametrize(("measure", "ci", "imprecise"), [
    ("HR", (0.8, 1.3), True), ("HR", (1.34, 4.37), False), ("RR", (1.0, 1.5), True),
    ("OR", (0.5, 0.99), False),
    ("beta", (-0.01, 0.06), True), ("beta", (0.01, 0.06), False),
    ("mean-difference", (0.0, 2.0), True), ("percent-change", (0.26, 4.59), False),
])
def test_an_interval_that_includes_no_effect_is_imprecise(measure: str, ci: tuple[float, float],
                                                          imprecise: bool) -> None:
    stat = Statistic(measure, "x vs y", None, ci)
    s = {"t1": study("t1", "rct"), "t2": study("t2", "rct")}
    a = assess(claim(line("t1", stats=(stat,)), line("t2", stats=(stat,))), s)
    assert (a.rating == "moderate") is imprecise
    assert any("imprecis" in r for r in a.reasons) is imprecise


@pytest.mark.parametrize(("n", "imprecise"), [(99, True), (100, False), (None, False)])
def test_a_small_trial_is_imprecise(n: int | None, imprecise: bool) -> None:
    s = {"t1": study("t1", "rct", n=n), "t2": study("t2", "rct", n=n)}
    a = assess(claim(line("t1"), line("t2")), s)
    assert (a.rating == "moderate") is imprecise


def test_each_line_is_rated_on_its_own_and_the_best_line_counts() -> None:
    # an indirect meta-analysis of trials and a small direct trial: neither is high
    s = {"m": study("m", "meta-analysis", pooled=Pooled(("rct",), 14)),
         "t": study("t", "rct", n=60)}
    a = assess(claim(line("m", indirect="vitamin K of any form"), line("t")), s)
    assert a.rating == "moderate"
    assert a.reasons == ("starts high: meta-analysis of 14 rct studies",
                         "downgraded for indirectness: vitamin K of any form")
    # a direct, precise trial beside them lifts the claim back to high
    s["u"] = study("u", "rct")
    assert assess(claim(line("m", indirect="x"), line("t"), line("u")), s).rating == "high"


def test_a_small_animal_study_is_not_downgraded_for_size() -> None:
    s = {"a": study("a", "animal", n=12), "b": study("b", "animal", n=12)}
    assert assess(claim(line("a"), line("b")), s).reasons == ("starts very-low: animal",)


def test_inconsistency_downgrades_and_lists_the_other_stances() -> None:
    s = {"t1": study("t1", "rct"), "t2": study("t2", "rct"), "t3": study("t3", "rct")}
    a = assess(claim(line("t1"), line("t2"), line("t3", "no-effect")), s)
    assert (a.status, a.rating) == ("contested", "moderate")
    assert "downgraded for inconsistency: other lines are no-effect" in a.reasons


def test_downgrades_add_up_and_stop_at_very_low() -> None:
    stat = Statistic("HR", "x", None, (0.5, 1.5))
    s = {"t1": study("t1", "rct"), "t2": study("t2", "rct"), "t3": study("t3", "rct")}
    a = assess(claim(line("t1", indirect="men", stats=(stat,)),
                     line("t2", indirect="men", stats=(stat,)), line("t3", "mixed")), s)
    assert a.rating == "very-low"  # high, three steps down
    c = assess(claim(line("c", indirect="mice")), {"c": study("c", "in-vitro")})
    assert c.rating == "very-low"


def test_the_best_lines_decide_the_start() -> None:
    s = {"r": study("r", "narrative-review"), "k": study("k", "prospective-cohort")}
    a = assess(claim(line("r"), line("k"), predicate="associated-with"), s)
    assert a.rating == "low" and a.reasons[0] == "starts low: prospective-cohort"


def test_a_causal_claim_on_observational_support_is_association_only() -> None:
    s = {"k1": study("k1", "prospective-cohort"), "k2": study("k2", "case-control")}
    a = assess(claim(line("k1"), line("k2")), s)
    assert a.association_only and a.rating == "low"
    assert any(r.startswith("association only") for r in a.reasons)


def test_an_associational_claim_on_observational_support_is_not_flagged() -> None:
    s = {"k1": study("k1", "prospective-cohort")}
    a = assess(claim(line("k1"), predicate="associated-with"), s)
    assert not a.association_only


def test_a_meta_analysis_of_cohorts_counts_as_observational() -> None:
    s = {"m": study("m", "meta-analysis", pooled=Pooled(("cohort",), 4))}
    assert assess(claim(line("m")), s).association_only
    s = {"m": study("m", "meta-analysis", pooled=Pooled(("rct",), 4))}
    assert not assess(claim(line("m")), s).association_only


def test_a_trial_beside_cohorts_lifts_association_only() -> None:
    s = {"k": study("k", "prospective-cohort"), "t": study("t", "rct")}
    assert not assess(claim(line("k"), line("t")), s).association_only


# -- citation state ----------------------------------------------------------------------------


@pytest.mark.parametrize(("cites", "lines", "state"), [
    ((), (), "uncited"),
    (("t",), (line("t"),), "cited"),
    (("t",), (line("t", "no-effect"),), "miscited"),
    (("t",), (line("t", "mixed"),), "miscited"),
    (("t",), (), "unverifiable"),
    (("t", "u"), (line("t"),), "unverifiable"),
    (("t", "u"), (line("u", "contradicts"),), "miscited"),
])
def test_citation_state(cites: tuple[str, ...], lines: tuple[Evidence, ...], state: str) -> None:
    assert citation_state(claim(*lines, cites=cites)) == state


def test_a_curators_claim_has_no_citation_state() -> None:
    assert citation_state(claim(origin="curator")) is None


# -- predicate suggestions never flip the sign -------------------------------------------------


@pytest.mark.parametrize(("word", "meant"), [
    ("raises", "increases"), ("promotes", "increases"), ("improves", "increases"),
    ("stimulates", "increases"), ("lowers", "decreases"), ("reduces", "decreases"),
    ("inhibits", "decreases"), ("suppresses", "decreases"), ("increse", "increases"),
    ("decrease", "decreases"), ("no-effect", "no-effect-on"), ("modulates", "affects"),
    ("synergizes-with", "enhances-effect-of"), ("Raises", "increases"),
])
def test_common_verbs_map_to_the_right_predicate(word: str, meant: str) -> None:
    assert V.suggest_predicate(word) == meant


@pytest.mark.parametrize("word", ["elevate-ish", "xyz", "rises"])
def test_no_guess_rather_than_a_wrong_sign(word: str) -> None:
    guess = V.suggest_predicate(word)
    assert guess is None or V.PREDICATES[guess].sign in ("+", None)


def test_every_suggested_verb_is_a_predicate() -> None:
    assert set(V.VERBS.values()) <= set(V.PREDICATES)


# -- the real corpus ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Corpus:
    corpus, _ = validate(REPO)
    return corpus


def test_magnesium_hip_is_not_top_rated_and_says_why(real: Corpus) -> None:
    c = real.claims["magnesium-intake-hip-bmd"]
    a = assess(c, real.studies)
    assert a.rating not in ("high", "moderate")
    text = " ".join(a.reasons)
    assert "cohort" in text and "meta-analysis" in text


def test_exercise_preserves_bmd_is_not_supported_citing_the_null_trial(real: Corpus) -> None:
    c = real.claims["exercise-preserves-bmd"]
    a = assess(c, real.studies)
    assert a.status in ("not-supported", "contested")
    against = [ev.study for ev in c.evidence if ev.stance == "no-effect"]
    assert "thomas2017exercise" in against
