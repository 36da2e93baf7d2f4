"""Counts over the graph, for ``kg stats`` (kg/store/queries/stats.rq): every vocabulary
value appears, zeros included, in vocabulary order, so the shape never depends on the
content."""

from __future__ import annotations

from typing import Any

from kg.corpus import vocabulary as V
from kg.evidence import CITATION_STATES, RATINGS, STATUSES
from kg.store.questions import stats_rows
from kg.store.terms import Backend

TOTALS = ("entities", "claims", "evidence_lines", "studies", "references")
#: facet -> (the vocabulary's values in order, the concept-scheme prefix of their IRIs)
FACETS: dict[str, tuple[tuple[str, ...], str]] = {
    "entities_by_role": (V.ROLES, ""),
    "claims_by_kind": (V.CLAIM_KINDS, "claim-kind-"),
    "claims_by_origin": (V.ORIGINS, "origin-"),
    "claims_by_status": (STATUSES, "status-"),
    "claims_by_rating": (RATINGS, "rating-"),
    "claims_by_citation_state": (CITATION_STATES, "citation-state-"),
    "claims_by_certainty": (V.CERTAINTIES, "certainty-"),
    "claims_by_predicate": (tuple(V.PREDICATES), ""),
    "evidence_by_stance": (V.STANCES, "stance-"),
    "evidence_by_design": (V.DESIGNS, "design-"),
    "studies_by_design": (V.DESIGNS, "design-"),
}


def graph_stats(store: Backend, base: str,
                rows: list[tuple[str, str, int]] | None = None) -> dict[str, Any]:
    """The ``kg stats`` answer, from the graph in ``store``: ``stats.rq``'s rows, run now
    or as ``kg build`` ran it (``rows``, kg.store.questions.Questions.stats_rows)."""
    from kg.graph.namespaces import vocab_ns

    kgv = vocab_ns(base)
    counts: dict[str, dict[str, int]] = {}
    for facet, value, n in rows if rows is not None else stats_rows(store, base):
        local = value[len(kgv):] if value.startswith(kgv) else value
        if facet == "entities_by_role":
            local = local.lower()
        else:
            local = local.removeprefix(FACETS.get(facet, ((), ""))[1])
        counts.setdefault(facet, {})[local] = n
    out: dict[str, Any] = {"totals": {k: counts.get(k, {}).get("", 0) for k in TOTALS}}
    for facet, (order, _prefix) in FACETS.items():
        found = counts.get(facet, {})
        ordered = {k: found.get(k, 0) for k in order}
        for k in sorted(found):  # values outside the vocabulary (an invalid corpus) go last
            ordered.setdefault(k, found[k])
        out[facet] = ordered
    return out
