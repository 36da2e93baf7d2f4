"""Counts over a corpus, for ``kg stats``: every vocabulary value appears, zeros included,
in vocabulary order, so the shape never depends on the content."""

from __future__ import annotations

from collections import Counter
from typing import Any

from kg import vocabulary as V
from kg.evidence import CITATION_STATES, RATINGS, STATUSES, assess, citation_state
from kg.model import Corpus


def _ordered(counter: Counter[str], order: tuple[str, ...]) -> dict[str, int]:
    out = {k: counter.get(k, 0) for k in order}
    for k in sorted(counter):  # values outside the vocabulary (an invalid corpus) go last
        if k not in out:
            out[k] = counter[k]
    return out


def corpus_stats(corpus: Corpus) -> dict[str, Any]:
    claims = list(corpus.claims.values())
    lines = [ev for c in claims for ev in c.evidence]
    designs = Counter(
        corpus.studies[ev.study].design if ev.study in corpus.studies else "no-study-record"
        for ev in lines
    )
    assessed = [assess(c, corpus.studies) for c in claims]
    cite_states = Counter(s for s in map(citation_state, claims) if s is not None)
    return {
        "totals": {
            "entities": len(corpus.entities),
            "claims": len(claims),
            "evidence_lines": len(lines),
            "studies": len(corpus.studies),
            "references": len(corpus.references),
        },
        "entities_by_role": _ordered(Counter(e.role for e in corpus.entities.values()), V.ROLES),
        "claims_by_kind": _ordered(Counter(c.kind for c in claims), V.CLAIM_KINDS),
        "claims_by_origin": _ordered(Counter(c.origin for c in claims), V.ORIGINS),
        "claims_by_status": _ordered(Counter(a.status for a in assessed), STATUSES),
        "claims_by_rating": _ordered(Counter(a.rating for a in assessed), RATINGS),
        "claims_by_citation_state": _ordered(cite_states, CITATION_STATES),
        "claims_by_certainty": _ordered(Counter(c.certainty for c in claims if c.certainty),
                                        V.CERTAINTIES),
        "claims_by_predicate": _ordered(Counter(c.predicate for c in claims),
                                        tuple(V.PREDICATES)),
        "evidence_by_stance": _ordered(Counter(ev.stance for ev in lines), V.STANCES),
        "evidence_by_design": _ordered(designs, V.DESIGNS),
        "studies_by_design": _ordered(
            Counter(s.design for s in corpus.studies.values()), V.DESIGNS),
    }
