"""Computed, never authored: each claim's evidence status, its GRADE-style rating with the
reasons for it, and the article's citation state. docs/evidence.md is the rule table; each
rule has a test in tests/test_evidence.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.corpus import vocabulary as V
from kg.corpus.model import Claim, Evidence, Study

#: Ratings of the certainty of evidence, highest first; "none": no supporting line.
RATINGS: tuple[str, ...] = ("high", "moderate", "low", "very-low", "none")
RATING_RANK: dict[str, int] = {r: i for i, r in enumerate(RATINGS)}

#: Where each design starts (a meta-analysis or systematic review: from what it pooled).
START: dict[str, str] = {
    "rct": "high",
    "prospective-cohort": "low",
    "retrospective-cohort": "low",
    "case-control": "low",
    "cross-sectional": "low",
    "narrative-review": "very-low",
    "consensus-statement": "very-low",
    "guideline": "very-low",
    "animal": "very-low",
    "in-vitro": "very-low",
    "cohort": "low",
    "non-randomised-trial": "low",
}
#: Designs that observe rather than assign: support from them alone is association only.
OBSERVATIONAL: tuple[str, ...] = ("prospective-cohort", "retrospective-cohort", "cohort",
                                  "case-control", "cross-sectional")
#: Human designs whose result is imprecise below this many participants.
SMALL_N = 100
#: Designs counted by SMALL_N.
HUMAN_PRIMARY: tuple[str, ...] = ("rct", *OBSERVATIONAL)
#: Measures whose "no effect" value is 1 (ratios); the others' is 0.
RATIO_MEASURES: tuple[str, ...] = ("HR", "OR", "RR")

#: Evidence status: what the lines in the graph say, whatever their strength.
STATUSES: tuple[str, ...] = (
    "supported", "contested", "not-supported", "contradicted", "no-evidence",
)
#: The article's citation state of a claim it states.
CITATION_STATES: tuple[str, ...] = ("cited", "miscited", "unverifiable", "uncited")


@dataclass(frozen=True, slots=True)
class Assessment:
    status: str
    rating: str
    #: short sentences: where the rating starts and each step down, or why there is none
    reasons: tuple[str, ...]
    #: a causal claim supported only by observational designs
    association_only: bool = False


def _label(study: Study) -> str:
    if study.pooled is None:
        return study.design
    n = f"{study.pooled.studies} " if study.pooled.studies else ""
    return f"{study.design} of {n}{'/'.join(study.pooled.designs)} studies"


def start(study: Study) -> tuple[str, str]:
    """Where a study's evidence starts, and the reason in words."""
    if study.design in ("meta-analysis", "systematic-review"):
        if study.pooled is None:
            return "low", (f"starts low: {study.design} whose pooled designs are not "
                           "recorded")
        starts = {START[d] for d in study.pooled.designs}
        level = max(starts, key=RATING_RANK.__getitem__)  # the weakest design pooled
        return level, f"starts {level}: {_label(study)}"
    level = START[study.design]
    return level, f"starts {level}: {study.design}"


def observational(study: Study) -> bool:
    """The study observes associations: an observational design, or a pooling of them."""
    if study.pooled is not None:
        return any(d in OBSERVATIONAL for d in study.pooled.designs)
    return study.design in OBSERVATIONAL


def imprecision(ev: Evidence, study: Study) -> str | None:
    """Why a supporting line is imprecise, or None."""
    for s in ev.statistics:
        if s.ci is None:
            continue
        null = 1.0 if s.measure in RATIO_MEASURES else 0.0
        low, high = s.ci
        if low <= null <= high:
            return (f"imprecise: the confidence interval of {s.measure} "
                    f"[{low:g}, {high:g}] includes no effect ({null:g})")
    if study.design in HUMAN_PRIMARY and study.n is not None and study.n < SMALL_N:
        return f"imprecise: {study.n} participants (under {SMALL_N})"
    return None


def _down(level: str, steps: int) -> str:
    return RATINGS[min(RATING_RANK[level] + steps, RATING_RANK["very-low"])]


def status_of(stances: list[str]) -> str:
    """The evidence status of a claim from its lines' stances (docs/evidence.md)."""
    if not stances:
        return "no-evidence"
    against = any(s in ("no-effect", "contradicts", "mixed") for s in stances)
    if "supports" in stances:
        return "contested" if against else "supported"
    if "contradicts" in stances:
        return "contradicted"
    if "no-effect" in stances:
        return "not-supported"
    return "contested"  # only mixed lines: the studies point both ways


def assess(claim: Claim, studies: dict[str, Study]) -> Assessment:
    """The rule table of docs/evidence.md, applied to one claim."""
    status = status_of([ev.stance for ev in claim.evidence])
    support = [(ev, studies[ev.study]) for ev in claim.evidence
               if ev.stance == "supports" and ev.study in studies]
    if not support:
        why = {"no-evidence": "no evidence line",
               "not-supported": "no supporting line: the studies found no effect",
               "contradicted": "no supporting line: the evidence contradicts the claim",
               "contested": "no supporting line: the studies' results are mixed"}
        # a supporting line whose study has no record (KG204) cannot be rated
        return Assessment(status, "none", (why.get(status, "no supporting line from a study "
                                                          "with a record"),))
    # each supporting line is rated on its own (its start, less its indirectness and
    # imprecision); the claim takes its best line, the first of equals in file order
    rated = []
    for ev, st in support:
        level, started = start(st)
        line_reasons = [started]
        if ev.indirect:
            line_reasons.append(f"downgraded for indirectness: {ev.indirect}")
        imprecise = imprecision(ev, st)
        if imprecise:
            line_reasons.append(f"downgraded for imprecision: {imprecise}")
        rated.append((RATING_RANK[_down(level, len(line_reasons) - 1)], line_reasons, st))
    top, reasons, best_study = min(rated, key=lambda r: r[0])
    level = RATINGS[top]
    reasons = list(reasons)
    rating = level
    if status == "contested":  # one step down for inconsistency
        rating = _down(level, 1)
        against = sorted({ev.stance for ev in claim.evidence if ev.stance != "supports"})
        reasons.append(f"downgraded for inconsistency: other lines are {', '.join(against)}")
    single = len({ev.study for ev, _ in support}) == 1
    if single and rating == "high" and best_study.pooled is None:
        rating = "moderate"
        reasons.append("at most moderate: one study, not replicated in the graph")
    pred = V.PREDICATES.get(claim.predicate)
    association_only = (pred is not None and pred.causal
                        and all(observational(st) for _, st in support))
    if association_only:
        reasons.append(f"association only: the claim is causal ('{claim.predicate}'), its "
                       "support observational")
        if rating in ("high", "moderate"):
            rating = "low"
    return Assessment(status, rating, tuple(reasons), association_only)


def citation_state(claim: Claim) -> str | None:
    """How the article cites a claim it states (None for a curator's claim):

    uncited: the article gives no reference; miscited: a reference it gives has an evidence
    line that does not support the claim; unverifiable: a reference it gives has no
    evidence line on the claim (the relevant result could not be checked); cited: every
    reference it gives supports the claim.
    """
    if not claim.from_article:
        return None
    if not claim.article_cites:
        return "uncited"
    states = {cite_state(claim, key) for key in claim.article_cites}
    for state in ("miscited", "unverifiable"):
        if state in states:
            return state
    return "cited"


def cite_state(claim: Claim, key: str) -> str:
    """One reference the article gives for the claim: cited, miscited or unverifiable."""
    stances = {ev.stance for ev in claim.evidence if ev.study == key}
    if "supports" in stances:
        return "cited"
    return "miscited" if stances else "unverifiable"
