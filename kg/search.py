"""Find claims by a few words: token overlap with light stemming and IDF weighting.

Each claim is a small document with weighted fields: its statement, the labels and
synonyms of its subject and object, its id, and its qualifiers. A query token scores
``idf(token) * weight`` for the best field it appears in; a claim's score is the sum over
the query's distinct tokens, plus NAMED_WEIGHT times the IDF of the tokens of the claim's
subject or object when the query contains one of its names (label or synonym) in full.
Tokens that match nothing are tried once more against the
vocabulary for a close spelling (difflib), at half weight, so "sclerotin" still finds
"sclerostin". No dependencies beyond the standard library.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.model import Claim, Corpus, Reference, Study

if TYPE_CHECKING:
    from kg.index import Index

#: Field weights: what a claim is about counts more than how it is qualified.
WEIGHTS: dict[str, float] = {
    "statement": 1.0,
    "entity": 1.0,
    "id": 0.8,
    "qualifier": 0.5,
}
FUZZY_WEIGHT = 0.5
#: Extra weight for the tokens of a subject or object name the query gives in full: a query
#: naming both ends of a claim ("exercise bone mineral density") prefers that claim over
#: one that merely shares qualifier words ("women on aromatase inhibitors").
NAMED_WEIGHT = 2.0

STOPWORDS = frozenset(
    """a an and are as at be been by can do does for from has have how in into is it its
    of on or that the their this to was were what which who why with does did not than
    then there these those your you our we they them people""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+")
# (suffix, replacement), tried longest first; the stem must keep at least 3 letters.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("izations", "iz"), ("ization", "iz"), ("isations", "iz"), ("isation", "iz"),
    ("ations", "at"), ("ation", "at"), ("ings", ""), ("ing", ""), ("ied", "y"),
    ("ies", "y"), ("edly", ""), ("ed", ""), ("es", ""), ("ly", ""), ("s", ""),
)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic stemmer: strips one common English suffix and a final 'e'.

    >>> [stem(w) for w in ["raises", "raising", "raised", "raise"]]
    ['rais', 'rais', 'rais', 'rais']
    >>> stem("densities"), stem("osteoporosis"), stem("mass"), stem("BMD")
    ('density', 'osteoporosis', 'mass', 'bmd')
    """
    w = word.lower()
    if len(w) <= 3 or w.isdigit():
        return w
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix):
            if suffix == "s" and w[-2] in "sui":
                continue  # mass, status, osteoporosis
            if suffix == "es" and w[-3] not in "sxz" and not w.endswith("ches"):
                # "bones" -> "bon" via the 'e' rule below; keep "es" only as a unit after s/x/z
                base = w[:-1]
            else:
                base = w[: -len(suffix)] + repl
            if len(base) >= 3:
                w = base
                break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """Lower-cased word stems of ``text``, stop words removed, in order (with repeats)."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


@dataclass(frozen=True, slots=True)
class Hit:
    claim: str
    score: float
    matched: tuple[str, ...]  # the query words that matched (original spelling)


@dataclass(slots=True)
class ClaimIndex:
    """Per-claim token sets by field, and document frequencies."""

    fields: dict[str, dict[str, set[str]]]  # claim id -> field -> tokens
    df: dict[str, int]
    order: dict[str, int]
    #: claim id -> for its subject and its object, the token sets of each of its names
    names: dict[str, tuple[tuple[frozenset[str], ...], ...]]

    @property
    def size(self) -> int:
        return len(self.fields)

    def idf(self, token: str) -> float:
        return math.log(1.0 + self.size / self.df[token]) if token in self.df else 0.0


def _entity_text(corpus: Corpus, entity_id: str) -> Iterable[str]:
    e = corpus.entities.get(entity_id)
    yield entity_id.replace("-", " ")
    if e is not None:
        yield e.label
        yield from e.synonyms


def claim_fields(corpus: Corpus, claim: Claim) -> dict[str, set[str]]:
    return {
        "statement": set(tokens(claim.statement)),
        "entity": {
            t for eid in (claim.subject, claim.object) for text in _entity_text(corpus, eid)
            for t in tokens(text)
        },
        "id": set(tokens(claim.id.replace("-", " "))),
        "qualifier": set(tokens(" ".join(
            q for q in (claim.population, claim.context, claim.dose, claim.duration) if q
        ))),
    }


def build_index(corpus: Corpus) -> ClaimIndex:
    fields = {cid: claim_fields(corpus, c) for cid, c in corpus.claims.items()}
    name_tokens: dict[str, tuple[frozenset[str], ...]] = {}
    for c in corpus.claims.values():
        for eid in (c.subject, c.object):
            if eid not in name_tokens:
                name_tokens[eid] = tuple(
                    t for t in (frozenset(tokens(n)) for n in _entity_text(corpus, eid)) if t)
    df: dict[str, int] = {}
    for by_field in fields.values():
        for t in set().union(*by_field.values()):
            df[t] = df.get(t, 0) + 1
    names: dict[str, tuple[tuple[frozenset[str], ...], ...]] = {
        cid: (name_tokens[c.subject], name_tokens[c.object]) for cid, c in corpus.claims.items()
    }
    return ClaimIndex(fields, df, {cid: i for i, cid in enumerate(corpus.claims)}, names)


def _close(token: str, vocabulary: Iterable[str]) -> str | None:
    if len(token) < 4:
        return None
    match = difflib.get_close_matches(token, list(vocabulary), n=1, cutoff=0.8)
    return match[0] if match else None


def _query_words(query: str) -> dict[str, str]:
    """stem -> the first original word with that stem, stop words left out."""
    words: dict[str, str] = {}
    for raw in _TOKEN.findall(query.lower()):
        if raw not in STOPWORDS:
            words.setdefault(stem(raw), raw)
    return words


def search_claims(corpus: Corpus, query: str, limit: int = 5,
                  index: ClaimIndex | None = None) -> list[Hit]:
    """The best-matching claims for ``query``, best first; claims scoring zero are left out.

    Ties are broken by fewer distinct tokens (the more specific claim), then file order.
    """
    idx = index or build_index(corpus)
    words = _query_words(query)
    plan: list[tuple[str, str, float]] = []  # (token to look for, original word, factor)
    for tok, raw in words.items():
        if tok in idx.df:
            plan.append((tok, raw, 1.0))
        else:
            near = _close(tok, idx.df)
            if near is not None and near not in words:
                plan.append((near, raw, FUZZY_WEIGHT))
    hits = []
    for cid, by_field in idx.fields.items():
        score = 0.0
        matched = []
        for tok, raw, factor in plan:
            best = max((WEIGHTS[f] for f, toks in by_field.items() if tok in toks), default=0.0)
            if best:
                score += idx.idf(tok) * best * factor
                matched.append(raw)
        if score > 0:
            present = {tok for tok, _, _ in plan}
            for end in idx.names[cid]:
                score += NAMED_WEIGHT * max(
                    (sum(idx.idf(t) for t in name) for name in end if name <= present),
                    default=0.0)
            hits.append((score, cid, tuple(matched)))
    size = {cid: len(set().union(*f.values())) for cid, f in idx.fields.items()}
    hits.sort(key=lambda h: (-round(h[0], 9), size[h[1]], idx.order[h[1]]))
    return [Hit(cid, round(score, 3), matched) for score, cid, matched in hits[:limit]]


def unmatched_words(corpus: Corpus, query: str, index: ClaimIndex | None = None) -> list[str]:
    """Query words (not stop words) that no claim mentions, even with a close spelling."""
    idx = index or build_index(corpus)
    out = []
    for raw in _TOKEN.findall(query.lower()):
        if raw in STOPWORDS:
            continue
        tok = stem(raw)
        if tok not in idx.df and _close(tok, idx.df) is None:
            out.append(raw)
    return out


def search_indexed(ix: Index, query: str, limit: int = 5) -> list[Hit]:
    """:func:`search_claims` from the question index (kg.index): the same hits, scores and
    order, reading only the postings of the query's tokens.

    Each claim's score is summed in the same order as :func:`search_claims` sums it (query
    tokens in order, then the subject's and the object's name bonus), so the floats agree
    exactly; only the claims that can rank in the first ``limit`` are sorted.
    """
    words = _query_words(query)
    df = ix.document_frequencies(words)
    plan: list[tuple[str, str, float]] = []
    for tok, raw in words.items():
        if tok in df:
            plan.append((tok, raw, 1.0))
        else:
            near = _close(tok, ix.vocabulary())
            if near is not None and near not in words:
                plan.append((near, raw, FUZZY_WEIGHT))
    df.update(ix.document_frequencies(tok for tok, _, _ in plan if tok not in df))
    n = ix.claim_count

    def idf(token: str) -> float:
        return math.log(1.0 + n / df[token]) if token in df else 0.0

    scores: dict[int, float] = {}
    postings: dict[str, list[tuple[float, Any]]] = {}
    for tok, _raw, factor in plan:
        if tok not in postings:
            postings[tok] = ix.postings(tok)
        i = idf(tok)
        for weight, ords in postings[tok]:
            add = i * weight * factor
            new = set(ords)
            old = new.intersection(scores)
            for o in old:
                scores[o] += add
            scores.update(dict.fromkeys(new.difference(old) if old else new, add))
    if not scores:
        return []
    present = {tok for tok, _, _ in plan}
    named = ix.named_ends(present)
    if named:
        df.update(ix.document_frequencies(
            t for names in named.values() for name in names for t in name if t not in df))
        bonus = {eid: max(sum(idf(t) for t in name) for name in names)
                 for eid, names in named.items()}
        at = ix.end_claims(bonus)
        # every claim gets its subject's bonus before its object's, as search_claims adds
        # them (adding 0.0 for an end without one changes no float)
        for end in (0, 1):
            for eid, b in bonus.items():
                add = NAMED_WEIGHT * b
                for o in at[eid][end] if eid in at else ():
                    if o in scores:
                        scores[o] += add
    kth = heapq.nlargest(limit, scores.values())[-1]
    floor = kth - 4e-9  # every score that rounds (to 9 places) like the kth or better
    pool = [(o, sc) for o, sc in scores.items() if sc >= floor]
    info = ix.ids_of(o for o, _ in pool)
    pool.sort(key=lambda h: (-round(h[1], 9), info[h[0]][1], h[0]))
    hits = []
    for o, sc in pool[:limit]:
        matched = tuple(raw for tok, raw, _ in plan
                        if any(_holds(ords, o) for _, ords in postings[tok]))
        hits.append(Hit(info[o][0], round(sc, 3), matched))
    return hits


def _holds(ords: Any, o: int) -> bool:
    """Whether the sorted array ``ords`` holds ``o``."""
    i = bisect.bisect_left(ords, o)
    return i < len(ords) and ords[i] == o


def unmatched_words_indexed(ix: Index, query: str) -> list[str]:
    """:func:`unmatched_words`, from the question index."""
    raws = [raw for raw in _TOKEN.findall(query.lower()) if raw not in STOPWORDS]
    df = ix.document_frequencies(stem(raw) for raw in raws)
    return [raw for raw in raws
            if stem(raw) not in df and _close(stem(raw), ix.vocabulary()) is None]


def filter_indexed(
    ix: Index,
    *,
    about: str | None = None,
    position: str = "both",
    study: str | None = None,
    statuses: tuple[str, ...] = (),
    certainties: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
    ratings: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The summaries (kg.views.claim_summary) of :func:`filter_claims`'s claims, in file
    order, from the question index."""
    import json

    ends = {"subject": ("subject",), "object": ("object",)}.get(position, ("subject", "object"))
    where: list[str] = []
    params: list[object] = []
    if about is not None:
        where.append("(" + " OR ".join(f"c.{e} = ?" for e in ends) + ")")
        params += [about] * len(ends)
    if roles:
        where.append("(" + " OR ".join(
            f"c.{e}_role IN (SELECT value FROM json_each(?))" for e in ends) + ")")
        params += [json.dumps(list(roles))] * len(ends)
    if study is not None:
        where.append("c.ord IN (SELECT ord FROM bearings WHERE study = ?)")
        params.append(study)
    if certainties:
        where.append("c.certainty IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(certainties)))
    if statuses:
        where.append("c.status IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(statuses)))
    if ratings:
        where.append("c.rating IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(ratings)))
    return ix.summaries(" AND ".join(where), params)


def filter_claims(
    corpus: Corpus,
    *,
    about: str | None = None,
    position: str = "both",
    study: str | None = None,
    statuses: tuple[str, ...] = (),
    certainties: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
    ratings: tuple[str, ...] = (),
) -> list[Claim]:
    """Claims passing every given filter, in file order.

    ``about`` is an entity id, matched as subject, object or either (``position``);
    ``roles`` are entity roles, matched at the same position(s); ``study`` is a reference
    key, matched in evidence lines and in ``article_cites``; ``statuses``, ``ratings`` and
    ``certainties`` are any-of lists.
    """
    from kg.evidence import assess

    def ends(c: Claim) -> tuple[str, ...]:
        if position == "subject":
            return (c.subject,)
        if position == "object":
            return (c.object,)
        return (c.subject, c.object)

    out = []
    for c in corpus.claims.values():
        if about is not None and about not in ends(c):
            continue
        if roles and not any(
            e in corpus.entities and corpus.entities[e].role in roles for e in ends(c)
        ):
            continue
        if study is not None and study not in c.article_cites and not any(
            ev.study == study for ev in c.evidence
        ):
            continue
        if certainties and c.certainty not in certainties:
            continue
        if statuses or ratings:
            a = assess(c, corpus.studies)
            if (statuses and a.status not in statuses) or (ratings and a.rating not in ratings):
                continue
        out.append(c)
    return out


def study_words(study: Study, reference: Reference | None) -> set[str]:
    """The stemmed words of a study's key, title, population and findings."""
    title = reference.fields.get("title", "") if reference is not None else ""
    return set(tokens(" ".join((study.key, title, study.population, study.findings))))


def filter_studies(corpus: Corpus, listing: list[tuple[str, bool, int, int]], *,
                   designs: Sequence[str] = (), cited: bool | None = None,
                   words: str | None = None) -> list[tuple[str, bool, int, int]]:
    """The rows of ``listing`` (Index.study_listing) whose study has one of ``designs``,
    is cited by the article or not (``cited``: listed in its references or in an
    ``article_cites``), and whose key, title, population and findings hold every word
    of ``words`` (stemmed; stop words dropped)."""
    wanted = set(tokens(words)) if words else set()
    out = []
    for row in listing:
        key, listed, _claims, cited_for = row
        study = corpus.studies.get(key)
        if study is None:
            continue
        if designs and study.design not in designs:
            continue
        if cited is not None and (listed or cited_for > 0) != cited:
            continue
        if wanted and not wanted <= study_words(study, corpus.references.get(key)):
            continue
        out.append(row)
    return out
