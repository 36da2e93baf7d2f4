"""The closed vocabularies of the corpus format (docs/format.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sign = Literal["+", "-", "0"] | None
Mode = Literal["causal", "associational", "structural"]

ROLES: tuple[str, ...] = ("intervention", "exposure", "mechanism", "outcome")

KINDS: tuple[str, ...] = (
    "behaviour",
    "cell",
    "chemical",
    "disease",
    "drug",
    "enzyme",
    "gene",
    "hormone",
    "measurement",
    "nutrient",
    "pathway",
    "process",
    "protein",
    "tissue",
)

CERTAINTIES: tuple[str, ...] = ("asserted", "suggested", "hypothesized", "open-question")

STANCES: tuple[str, ...] = ("supports", "mixed", "null", "contradicts")

#: Study designs, strongest first. The order is the evidence ranking (docs/evidence.md).
DESIGNS: tuple[str, ...] = (
    "meta-analysis",
    "systematic-review",
    "rct",
    "prospective-cohort",
    "retrospective-cohort",
    "case-control",
    "cross-sectional",
    "narrative-review",
    "consensus-statement",
    "guideline",
    "animal",
    "in-vitro",
)

MEASURES: tuple[str, ...] = (
    "HR",
    "OR",
    "RR",
    "beta",
    "mean-difference",
    "percent-change",
    "correlation",
    "group-means",
)

CITATION_FIELDS: tuple[str, ...] = (
    "author",
    "title",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "article-number",
    "doi",
)

PARAGRAPH_KINDS: tuple[str, ...] = ("prose", "list", "table", "heading-quote", "rhetorical")

_ANY = ROLES
_TARGET = ("mechanism", "outcome")


@dataclass(frozen=True, slots=True)
class Predicate:
    """A predicate of the closed vocabulary, with its sign, mode and type rules."""

    name: str
    sign: Sign
    mode: Mode
    subject_roles: tuple[str, ...]
    object_roles: tuple[str, ...]
    meaning: str

    @property
    def causal(self) -> bool:
        return self.mode == "causal"


PREDICATES: dict[str, Predicate] = {
    p.name: p
    for p in (
        Predicate("increases", "+", "causal", _ANY, _TARGET,
                  "raises the amount, activity or rate of the object"),
        Predicate("decreases", "-", "causal", _ANY, _TARGET,
                  "lowers the amount, activity or rate of the object"),
        Predicate("required-for", "+", "causal", _ANY, _TARGET,
                  "the object cannot proceed without the subject"),
        Predicate("cofactor-for", "+", "causal", ("intervention", "mechanism"), ("mechanism",),
                  "the subject is a cofactor the object (an enzyme or reaction) needs"),
        Predicate("affects", None, "causal", _ANY, _TARGET,
                  "the subject changes the object, in a direction the source does not give"),
        Predicate("no-effect-on", "0", "causal", _ANY, _TARGET,
                  "the subject does not directly change the object"),
        Predicate("binds", None, "structural", ("mechanism",), ("mechanism",),
                  "the subject physically binds the object"),
        Predicate("produced-by", None, "structural", ("mechanism",), ("mechanism",),
                  "the subject is made or secreted by the object (a cell or tissue)"),
        Predicate("component-of", None, "structural", _ANY, _TARGET,
                  "the subject is a constituent of the object"),
        Predicate("source-of", None, "structural", _ANY, ("intervention", "mechanism"),
                  "the subject (a food, sunlight) provides the object (a nutrient)"),
        Predicate("associated-with", "+", "associational", _ANY, _TARGET,
                  "higher subject goes with higher object"),
        Predicate("inversely-associated-with", "-", "associational", _ANY, _TARGET,
                  "higher subject goes with lower object"),
        Predicate("not-associated-with", "0", "associational", _ANY, _TARGET,
                  "no association was found"),
    )
}


def compose_signs(signs: list[Sign]) -> str:
    """Net sign of a chain: a product of signs; '0' if any link is '0', '?' if any is unsigned."""
    if any(s is None for s in signs):
        return "?"
    if "0" in signs:
        return "0"
    return "-" if sum(1 for s in signs if s == "-") % 2 else "+"

