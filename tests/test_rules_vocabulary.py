"""The closed vocabularies and sign composition of kg/corpus/vocabulary.py, pinned exactly
(issue 18: mutation score; bench/mutation.py vocabulary)."""

from __future__ import annotations

import pytest

from kg.corpus import vocabulary as V
from kg.corpus.vocabulary import Sign, compose_signs, suggest_predicate

# -- sign composition --------------------------------------------------------------------------


@pytest.mark.parametrize(("signs", "net"), [
    ([], "+"),
    (["+"], "+"), (["-"], "-"), (["0"], "0"), ([None], "?"),
    (["+", "+"], "+"), (["+", "-"], "-"), (["-", "+"], "-"), (["-", "-"], "+"),
    (["-", "-", "-"], "-"), (["-", "+", "-", "+"], "+"),
    (["+", "0"], "0"), (["0", "-"], "0"),
    # an unsigned link makes the chain unknown, even beside a "0"
    (["0", None], "?"), ([None, "0"], "?"), (["+", None, "-"], "?"),
])
def test_compose_signs(signs: list[Sign], net: str) -> None:
    assert compose_signs(signs) == net


# -- the predicates ----------------------------------------------------------------------------


def test_every_predicate_has_its_sign_and_mode() -> None:
    assert {p.name: (p.sign, p.mode) for p in V.PREDICATES.values()} == {
        "increases": ("+", "causal"), "decreases": ("-", "causal"),
        "required-for": ("+", "causal"), "cofactor-for": ("+", "causal"),
        "affects": (None, "causal"), "no-effect-on": ("0", "causal"),
        "binds": (None, "structural"), "produced-by": (None, "structural"),
        "component-of": (None, "structural"), "source-of": (None, "structural"),
        "associated-with": ("+", "associational"),
        "inversely-associated-with": ("-", "associational"),
        "not-associated-with": ("0", "associational"),
        "is-a": (None, "classification"), "part-of": (None, "classification"),
        "recommended-for": (None, "recommendation"),
        "enhances-effect-of": ("+", "modification"),
        "reduces-effect-of": ("-", "modification"),
    }


def test_only_causal_predicates_are_causal() -> None:
    causal = {name for name, p in V.PREDICATES.items() if p.causal}
    assert causal == {"increases", "decreases", "required-for", "cofactor-for", "affects",
                      "no-effect-on"}


def test_the_role_rules_of_some_predicates() -> None:
    p = V.PREDICATES
    assert (p["cofactor-for"].subject_roles, p["cofactor-for"].object_roles) == (
        ("intervention", "mechanism"), ("mechanism",))
    assert p["increases"].subject_roles == V.ROLES
    assert p["increases"].object_roles == ("mechanism", "outcome")
    assert p["source-of"].object_roles == ("intervention", "mechanism")
    assert p["is-a"].object_roles == V.ROLES


def test_kinds_allow_their_modes() -> None:
    assert V.KIND_MODES == {
        "effect": ("causal", "associational", "structural"),
        "classification": ("classification",),
        "recommendation": ("recommendation",),
        "modification": ("modification",),
        "question": ("causal", "associational", "structural"),
    }
    assert set(V.KIND_MODES) == set(V.CLAIM_KINDS)


def test_pooled_designs_are_the_primary_designs_and_two_words() -> None:
    assert V.POOLED_DESIGNS == (*V.DESIGNS[2:], "cohort", "non-randomised-trial")
    assert V.DESIGNS[:2] == ("meta-analysis", "systematic-review")


def test_every_verb_maps_to_a_predicate_of_its_own_sign() -> None:
    assert all(v in V.PREDICATES for v in V.VERBS.values())
    assert V.VERBS["raises"] == "increases" and V.VERBS["lowers"] == "decreases"
    assert V.VERBS["inhibits"] == "decreases" and V.VERBS["prevents"] == "decreases"


# -- did you mean ------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "meant"), [
    ("increases", "increases"),
    ("  Increases ", "increases"),  # trimmed and lower-cased
    ("required_for", "required-for"), ("required for", "required-for"),
    # too far from no-effect-on to be a typo: only the normalised spelling finds the verb
    ("no_effect", "no-effect-on"), ("No Effect", "no-effect-on"),
    ("Required For", "required-for"),
    ("raises", "increases"), ("RAISES", "increases"), ("Lowers", "decreases"),
    ("type of", "is-a"),
    ("increses", "increases"), ("decrease_s", "decreases"),
    ("binss", "binds"),  # a likeness of exactly 0.8 is still a typo
    ("is-an", "is-a"),
    ("diecreases", "decreases"),  # the rival of the other sign is 0.105 behind
])
def test_suggest_predicate(word: str, meant: str) -> None:
    assert suggest_predicate(word) == meant


@pytest.mark.parametrize("word", [
    "xyz", "bnas", "isa-",  # likeness under 0.8
    "creases", "encreases", "dicreases",  # as like increases as decreases
    "ennces-effect-of",  # reduces-effect-of is under 0.1 behind enhances-effect-of
])
def test_suggest_predicate_refuses_to_guess(word: str) -> None:
    assert suggest_predicate(word) is None
