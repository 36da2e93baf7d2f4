"""Find entities, claims and studies by what a user types, in the words index beside the
graph store (kg.store.words) and the graph itself (kg.store.questions).

An entity is found by its id, label, any synonym or any xref CURIE, case-insensitively,
with spaces, hyphens and underscores treated alike. Earlier kinds of match win: an exact
id beats a label, a label beats a synonym, a synonym beats a CURIE. When two entities
match at the same rank the text is ambiguous; when nothing matches the error carries a
did-you-mean. Errors are :class:`NotFound` and :class:`Ambiguous` (not KgError: they are
answers, and the CLI gives them their own exit codes, 1 and 2).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.corpus.model import Claim, Entity, Study
from kg.store.words import norm

if TYPE_CHECKING:
    from kg.store.questions import Questions


class LookupFailed(Exception):
    """Nothing, or more than one thing, answers to the text the user gave."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions


class NotFound(LookupFailed):
    """Nothing matches."""


class Ambiguous(LookupFailed):
    """Several things match equally well; ``suggestions`` are their ids."""


RANKS = ("id", "label", "synonym", "xref")


@dataclass(frozen=True, slots=True)
class EntityMatch:
    entity: Entity
    by: str  # one of RANKS: what the text matched


def suggest(text: str, options: dict[str, str], n: int = 3) -> tuple[str, ...]:
    """Up to ``n`` ids whose names (``options``: normalized name -> id) are close to ``text``."""
    key = norm(text)
    close = difflib.get_close_matches(key, list(options), n=n * 3, cutoff=0.6)
    # also names containing the text as a word, for short partial input ("k2")
    contains = [name for name in options if len(key) >= 2 and key in name.split()]
    out: list[str] = []
    for name in close + sorted(contains):
        if options[name] not in out:
            out.append(options[name])
    return tuple(out[:n])


def did_you_mean(ids: tuple[str, ...]) -> str:
    if not ids:
        return ""
    return " (did you mean " + " or ".join(f"'{i}'" for i in ids) + "?)"


def _one_entity(text: str, found: list[EntityMatch],
                names: Callable[[], dict[str, str]]) -> EntityMatch:
    if len(found) == 1:
        return found[0]
    if found:
        ids = tuple(m.entity.id for m in found)
        listing = ", ".join(f"{m.entity.id} ({m.entity.label})" for m in found)
        raise Ambiguous(
            f"'{text}' names {len(found)} entities by {found[0].by}: {listing}; "
            "give one of their ids", ids)
    ids = suggest(text, names())
    raise NotFound(f"no entity '{text}'{did_you_mean(ids)}", ids)


@dataclass(frozen=True, slots=True)
class Found:
    """What ``kg show ID`` resolved to: exactly one of the three is set."""

    entity: Entity | None = None
    claim: Claim | None = None
    study: Study | None = None

    @property
    def kind(self) -> str:
        return "entity" if self.entity else "claim" if self.claim else "study"


def find_claim_id(q: Questions, text: str) -> str | None:
    """The id of the claim ``text`` names (exactly, or case-folded), else None."""
    if q.words.has_claim(text):
        return text
    key = text.strip().casefold()
    return key if q.words.has_claim(key) else None


def entity_matches(q: Questions, text: str) -> list[EntityMatch]:
    """Every entity matching ``text`` at the best rank that matches any (file order)."""
    key = norm(text)
    if not key:
        return []
    hits = q.words.name_hits(key)
    if not hits:
        return []
    best = hits[0][0]
    ids = list(dict.fromkeys(eid for rank, eid in hits if rank == best))
    found = q.entities(ids)
    return [EntityMatch(found[i], RANKS[best]) for i in ids if i in found]


def find_entity(q: Questions, text: str) -> EntityMatch:
    """The one entity ``text`` names; raises NotFound or Ambiguous."""
    return _one_entity(text, entity_matches(q, text), q.words.entity_names)


def find_study(q: Questions, key: str) -> Study:
    """The study record with reference key ``key`` (case-insensitive); raises NotFound."""
    found = q.words.study_key(key)
    study = q.study(found) if found is not None else None
    if study is not None:
        return study
    ids = suggest(key, {norm(k): k for k in q.words.study_keys()})
    raise NotFound(f"no study '{key}'{did_you_mean(ids)}", ids)


def find_any(q: Questions, text: str) -> Found:
    """A claim id, a study key, or an entity (by id, label, synonym or CURIE)."""
    cid = find_claim_id(q, text)
    if cid is not None:
        return Found(claim=q.corpus_for(claims=[cid]).claims[cid])
    try:
        return Found(study=find_study(q, text))
    except NotFound:
        pass
    try:
        return Found(entity=find_entity(q, text).entity)
    except NotFound:
        options = q.words.entity_names()
        options.update({norm(c): c for c in q.words.claim_ids()})
        options.update({norm(s): s for s in q.words.study_keys()})
        ids = suggest(text, options)
        raise NotFound(
            f"no entity, claim or study '{text}'{did_you_mean(ids)}", ids) from None
