"""Computed, never authored: each claim's evidence level and status (docs/evidence.md)."""

from __future__ import annotations

from dataclasses import dataclass

from kg.model import Claim, Study

#: Evidence levels, strongest first, and the designs each one covers.
LEVELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("systematic", ("meta-analysis", "systematic-review")),
    ("rct", ("rct",)),
    ("cohort", ("prospective-cohort", "retrospective-cohort")),
    ("observational", ("case-control", "cross-sectional")),
    ("review", ("narrative-review", "consensus-statement", "guideline")),
    ("mechanistic", ("animal", "in-vitro")),
)
LEVEL_OF_DESIGN: dict[str, str] = {d: level for level, designs in LEVELS for d in designs}
LEVEL_RANK: dict[str, int] = {level: i for i, (level, _) in enumerate(LEVELS)}
#: Levels at which supporting evidence alone makes a claim "established".
STRONG_LEVELS = ("systematic", "rct")
#: Levels too weak, alone, to carry a claim stated as fact (used by the audit).
WEAK_LEVELS = ("review", "mechanistic")

STATUSES: tuple[str, ...] = (
    "established", "supported", "mixed", "contested", "unsupported", "uncited",
)


@dataclass(frozen=True, slots=True)
class Assessment:
    level: str | None  # strongest level among supporting lines; None without support
    status: str




def assess(claim: Claim, studies: dict[str, Study]) -> Assessment:
    """The rule table of docs/evidence.md, applied to one claim."""
    stances = [ev.stance for ev in claim.evidence]
    supporting = [
        LEVEL_OF_DESIGN[studies[ev.study].design]
        for ev in claim.evidence
        if ev.stance == "supports" and ev.study in studies
    ]
    level = min(supporting, key=LEVEL_RANK.__getitem__) if supporting else None
    if not stances:
        status = "uncited"
    elif "contradicts" in stances:
        status = "contested"
    elif "supports" in stances:
        if "mixed" in stances or "null" in stances:
            status = "mixed"
        elif level in STRONG_LEVELS:
            status = "established"
        else:
            status = "supported"
    elif "mixed" in stances:
        status = "mixed"
    else:
        status = "unsupported"
    return Assessment(level, status)
