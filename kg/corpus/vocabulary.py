"""The closed vocabularies of the corpus format (docs/format.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sign = Literal["+", "-", "0"] | None
Mode = Literal["causal", "associational", "structural", "classification", "recommendation",
               "modification"]

ROLES: tuple[str, ...] = ("intervention", "exposure", "mechanism", "outcome")

KINDS: tuple[str, ...] = (
    "behaviour",
    "cell",
    "chemical",
    "disease",
    "drug",
    "enzyme",
    "food",
    "gene",
    "hormone",
    "measurement",
    "nutrient",
    "pathway",
    "process",
    "protein",
    "tissue",
)

#: How firmly the source states a claim (authored). Open questions are a claim kind.
CERTAINTIES: tuple[str, ...] = ("asserted", "suggested", "hypothesized")

#: What a study found, relative to the claim. ``no-effect``: it looked and found none. No
#: stance word is one that YAML reads as null or as a boolean.
STANCES: tuple[str, ...] = ("supports", "mixed", "no-effect", "contradicts")

#: Old words of the format, each with the word that replaced it (a diagnostic names it).
RENAMED: dict[tuple[str, str], tuple[str, str]] = {
    ("stance", "null"): ("stance", "no-effect"),
    ("certainty", "open-question"): ("kind", "question"),
}

#: What a claim says (docs/format.md): the kind decides which predicates it may use.
CLAIM_KINDS: tuple[str, ...] = ("effect", "classification", "recommendation", "modification",
                                "question")
#: The predicate modes each kind allows. A question asks about an effect or association.
KIND_MODES: dict[str, tuple[str, ...]] = {
    "effect": ("causal", "associational", "structural"),
    "classification": ("classification",),
    "recommendation": ("recommendation",),
    "modification": ("modification",),
    "question": ("causal", "associational", "structural"),
}

#: Where a claim comes from: the article (with its source) or the curator (with a
#: justification), who adds links the article leaves implicit.
ORIGINS: tuple[str, ...] = ("article", "curator")

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

#: What a meta-analysis or systematic review may have pooled: the primary designs, and two
#: words for what reviews often report without more detail.
POOLED_DESIGNS: tuple[str, ...] = (
    *(d for d in DESIGNS if d not in ("meta-analysis", "systematic-review")),
    "cohort",  # prospective or retrospective, not said
    "non-randomised-trial",
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
        Predicate("is-a", None, "classification", _ANY, _ANY,
                  "the subject is a kind of the object"),
        Predicate("part-of", None, "classification", _ANY, _ANY,
                  "the subject is a part of the object (a cell of a tissue, a step of a "
                  "process)"),
        Predicate("recommended-for", None, "recommendation", _ANY, _ANY,
                  "the subject (an action) is advised for the object (the aim it serves)"),
        Predicate("enhances-effect-of", "+", "modification", _ANY, _ANY,
                  "the subject strengthens the effect of the object on the claim's outcome"),
        Predicate("reduces-effect-of", "-", "modification", _ANY, _ANY,
                  "the subject weakens the effect of the object on the claim's outcome"),
    )
}

#: Verbs people write for a predicate, mapped to the predicate they mean. A did-you-mean
#: comes from here first; string likeness alone must never suggest the opposite sign
#: ("raises" looks like "decreases").
VERBS: dict[str, str] = {
    **dict.fromkeys(("increase", "raises", "raise", "promotes", "promote", "improves",
                     "improve", "stimulates", "stimulate", "enhances", "boosts", "elevates",
                     "upregulates", "activates", "induces", "up-regulates", "augments"),
                    "increases"),
    **dict.fromkeys(("decrease", "lowers", "lower", "reduces", "reduce", "inhibits",
                     "inhibit", "suppresses", "suppress", "diminishes", "blocks", "impairs",
                     "downregulates", "down-regulates", "attenuates", "prevents", "limits",
                     "restrains"), "decreases"),
    **dict.fromkeys(("modulates", "regulates", "influences", "changes", "affect"), "affects"),
    **dict.fromkeys(("no-effect", "does-not-affect", "no-change"), "no-effect-on"),
    **dict.fromkeys(("correlates-with", "linked-to", "associated"), "associated-with"),
    **dict.fromkeys(("needed-for", "requires", "necessary-for"), "required-for"),
    **dict.fromkeys(("type-of", "kind-of", "subclass-of", "isa"), "is-a"),
    **dict.fromkeys(("recommends", "advised-for", "recommended"), "recommended-for"),
    **dict.fromkeys(("synergizes-with", "potentiates", "amplifies"), "enhances-effect-of"),
}


def suggest_predicate(word: str) -> str | None:
    """The predicate a mistyped or everyday word most likely means, or None. Never one of
    the opposite sign to what the word says."""
    import difflib

    w = word.strip().lower().replace("_", "-").replace(" ", "-")
    if w in PREDICATES:
        return w
    if w in VERBS:
        return VERBS[w]
    scored = sorted(((difflib.SequenceMatcher(None, w, p).ratio(), p) for p in PREDICATES),
                    reverse=True)
    best_score, best = scored[0]
    if best_score < 0.8:
        return None
    # a near tie between predicates of different signs is a guess, not a typo
    rivals = [p for score, p in scored[1:] if best_score - score < 0.1
              and PREDICATES[p].sign != PREDICATES[best].sign]
    return None if rivals else best



def compose_signs(signs: list[Sign]) -> str:
    """Net sign of a chain: a product of signs; '0' if any link is '0', '?' if any is unsigned."""
    if any(s is None for s in signs):
        return "?"
    if "0" in signs:
        return "0"
    return "-" if sum(1 for s in signs if s == "-") % 2 else "+"

