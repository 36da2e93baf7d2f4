"""Find entities, claims and studies by what a user types.

An entity is found by its id, label, any synonym or any xref CURIE, case-insensitively,
with spaces, hyphens and underscores treated alike. Earlier kinds of match win: an exact
id beats a label, a label beats a synonym, a synonym beats a CURIE. When two entities
match at the same rank the text is ambiguous; when nothing matches the error carries a
did-you-mean. Errors are :class:`NotFound` and :class:`Ambiguous` (not KgError: they are
answers, and the CLI gives them their own exit codes, 1 and 2).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.model import Claim, Corpus, Entity, Study

if TYPE_CHECKING:
    from kg.index import Index


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


_SEP = re.compile(r"[\s_\-]+")
RANKS = ("id", "label", "synonym", "xref")


def norm(text: str) -> str:
    """Case-folded, with runs of spaces, hyphens and underscores made one space."""
    return _SEP.sub(" ", text.strip().casefold()).strip()


@dataclass(frozen=True, slots=True)
class EntityMatch:
    entity: Entity
    by: str  # one of RANKS: what the text matched


def names_of(e: Entity) -> dict[str, list[str]]:
    """An entity's names by rank (RANKS order)."""
    return {"id": [e.id], "label": [e.label], "synonym": list(e.synonyms), "xref": list(e.xrefs)}


_names = names_of


def entity_matches(corpus: Corpus, text: str) -> list[EntityMatch]:
    """Every entity matching ``text`` at the best rank that matches any (file order)."""
    key = norm(text)
    if not key:
        return []
    for rank in RANKS:
        found = [
            EntityMatch(e, rank) for e in corpus.entities.values()
            if any(norm(n) == key for n in _names(e)[rank])
        ]
        if found:
            return found
    return []


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


def entity_names(corpus: Corpus) -> dict[str, str]:
    """Normalized id, label, synonym and CURIE -> entity id (first entity wins)."""
    out: dict[str, str] = {}
    for e in corpus.entities.values():
        for names in _names(e).values():
            for n in names:
                out.setdefault(norm(n), e.id)
    return out


def did_you_mean(ids: tuple[str, ...]) -> str:
    if not ids:
        return ""
    return " (did you mean " + " or ".join(f"'{i}'" for i in ids) + "?)"


def find_entity(corpus: Corpus, text: str) -> EntityMatch:
    """The one entity ``text`` names; raises NotFound or Ambiguous."""
    return _one_entity(text, entity_matches(corpus, text), lambda: entity_names(corpus))


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


def find_study(corpus: Corpus, key: str) -> Study:
    """The study record with reference key ``key`` (case-insensitive); raises NotFound."""
    if key in corpus.studies:
        return corpus.studies[key]
    for k, s in corpus.studies.items():
        if k.casefold() == key.strip().casefold():
            return s
    ids = suggest(key, {norm(k): k for k in corpus.studies})
    raise NotFound(f"no study '{key}'{did_you_mean(ids)}", ids)


def find_claim_id(corpus: Corpus, text: str) -> Claim | None:
    """The claim whose id is ``text`` (case-insensitive), else None."""
    if text in corpus.claims:
        return corpus.claims[text]
    key = text.strip().casefold()
    for cid, c in corpus.claims.items():
        if cid == key:
            return c
    return None


@dataclass(frozen=True, slots=True)
class Found:
    """What ``kg show ID`` resolved to: exactly one of the three is set."""

    entity: Entity | None = None
    claim: Claim | None = None
    study: Study | None = None

    @property
    def kind(self) -> str:
        return "entity" if self.entity else "claim" if self.claim else "study"


def find_any(corpus: Corpus, text: str) -> Found:
    """A claim id, a study key, or an entity (by id, label, synonym or CURIE)."""
    claim = find_claim_id(corpus, text)
    if claim is not None:
        return Found(claim=claim)
    try:
        return Found(study=find_study(corpus, text))
    except NotFound:
        pass
    try:
        return Found(entity=find_entity(corpus, text).entity)
    except NotFound:
        options = entity_names(corpus)
        options.update({norm(c): c for c in corpus.claims})
        options.update({norm(s): s for s in corpus.studies})
        ids = suggest(text, options)
        raise NotFound(
            f"no entity, claim or study '{text}'{did_you_mean(ids)}", ids) from None


# -- the same lookups, answered from the question index (kg.index) ---------------------------


def find_claim_id_indexed(ix: Index, text: str) -> str | None:
    """:func:`find_claim_id`'s claim id, from the index."""
    if ix.has_claim(text):
        return text
    key = text.strip().casefold()
    return key if ix.has_claim(key) else None


def entity_matches_indexed(ix: Index, text: str) -> list[EntityMatch]:
    """:func:`entity_matches`, from the index."""
    key = norm(text)
    if not key:
        return []
    hits = ix.entity_name_hits(key)
    if not hits:
        return []
    best = hits[0][0]
    ords = [o for rank, o in hits if rank == best]
    return [EntityMatch(e, RANKS[best]) for e in ix.entities_at(ords)]


def find_entity_indexed(ix: Index, text: str) -> EntityMatch:
    """:func:`find_entity`, from the index."""
    return _one_entity(text, entity_matches_indexed(ix, text), ix.entity_names)


def find_study_indexed(ix: Index, key: str) -> Study:
    """:func:`find_study`, from the index."""
    study = ix.study(key) or ix.study_by_fold(key.strip().casefold())
    if study is not None:
        return study
    ids = suggest(key, {norm(k): k for k in ix.study_keys()})
    raise NotFound(f"no study '{key}'{did_you_mean(ids)}", ids)


def find_any_indexed(ix: Index, text: str) -> Found:
    """:func:`find_any`, from the index."""
    cid = find_claim_id_indexed(ix, text)
    if cid is not None:
        return Found(claim=ix.claims([cid])[cid])
    try:
        return Found(study=find_study_indexed(ix, text))
    except NotFound:
        pass
    try:
        return Found(entity=find_entity_indexed(ix, text).entity)
    except NotFound:
        options = ix.entity_names()
        options.update({norm(c): c for c in ix.claim_ids()})
        options.update({norm(s): s for s in ix.study_keys()})
        ids = suggest(text, options)
        raise NotFound(
            f"no entity, claim or study '{text}'{did_you_mean(ids)}", ids) from None
