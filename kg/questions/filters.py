"""Filters for kg claims and kg studies, and the light stemmer kg studies --words uses.

Claims are filtered by the graph store (kg.store.questions.Questions.summaries runs
kg/store/queries/claims.rq with the entity, status and rating bound); certainty and role
are checked on the rows it returns. Studies are filtered on their records.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kg.corpus.model import Corpus, Reference, Study
from kg.store.words import STOPWORDS

if TYPE_CHECKING:
    from kg.store.questions import Questions

_TOKEN = re.compile(r"[a-z0-9]+")
# (suffix, replacement), tried longest first; the stem must keep at least 3 letters. A
# plural in "-es" needs no rule of its own: the "s" rule and the final-'e' rule of _stem
# together take "bones", "boxes" and "matches" to "bon", "box" and "match", and "agrees" to
# "agre" as "agree" (checked against the former "es" rule on every word of up to six letters
# over the letters the rules read, and on 82,000 words of the docs and the stdlib).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("izations", "iz"), ("ization", "iz"), ("isations", "iz"), ("isation", "iz"),
    ("ations", "at"), ("ation", "at"), ("ings", ""), ("ing", ""), ("ied", "y"),
    ("ies", "y"), ("edly", ""), ("ed", ""), ("ly", ""), ("s", ""),
)


def _stem(word: str) -> str:
    """A light, deterministic stemmer: strips one common English suffix and a final 'e'.

    >>> [stem(w) for w in ["raises", "raising", "raised", "raise"]]
    ['rais', 'rais', 'rais', 'rais']
    >>> stem("densities"), stem("osteoporosis"), stem("mass"), stem("BMD")
    ('density', 'osteoporosis', 'mass', 'bmd')
    """
    w = word.lower()
    if len(w) <= 3:
        return w
    for suffix, repl in _SUFFIXES:
        if not w.endswith(suffix) or (suffix == "s" and w[-2] in ("s", "u", "i")):
            continue  # mass, status, osteoporosis keep their "s"
        base = w[: -len(suffix)] + repl
        if len(base) >= 3:
            w = base
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


#: :func:`_stem`, remembered. Wrapped here rather than decorated, so that the mutation run
#: (bench/mutation.py; mutmut skips decorated functions) measures the stemmer's rules.
stem = functools.lru_cache(maxsize=65536)(_stem)


def tokens(text: str) -> list[str]:
    """Lower-cased word stems of ``text``, stop words removed, in order (with repeats)."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


def filter_claims(
    q: Questions,
    *,
    about: str | None = None,
    position: str = "both",
    study: str | None = None,
    statuses: tuple[str, ...] = (),
    certainties: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
    ratings: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The summaries (kg.questions.views.claim_summary) of the claims passing every given filter, in
    file order, from the graph store (kg/store/queries/claims.rq).

    ``about`` is an entity id, matched as subject, object or either (``position``);
    ``roles`` are entity roles, matched at the same position(s); ``study`` is a reference
    key, matched in evidence lines and in ``article_cites``; ``statuses``, ``ratings`` and
    ``certainties`` are any-of lists.
    """
    ends = {"subject": ("subject",), "object": ("object",)}.get(position, ("subject", "object"))
    claims = None
    if study is not None:
        claims = [b["id"] for b in q.bearings(study)]
    if about is not None:
        found: dict[str, dict[str, Any]] = {}
        for end in ends:
            key = "subjects" if end == "subject" else "objects"
            for s in q.summaries(claims=claims, statuses=statuses, ratings=ratings,
                                 **{key: [about]}):
                found[s["id"]] = s
        order = q.words.claim_order(list(found))
        rows = sorted(found.values(), key=lambda s: order.get(s["id"], 0))
    else:
        rows = q.summaries(claims=claims, statuses=statuses, ratings=ratings)
    if certainties:
        rows = [s for s in rows if s["certainty"] in certainties]
    if roles:
        rows = [s for s in rows if any(s[e]["role"] in roles for e in ends)]
    return rows


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
