"""Chains of claims from one entity to another, for ``kg paths``.

The graph has one node per entity and one edge per claim, from subject to object, in the
direction the claim states. By default only **causal** claims with a sign of + or -
(`increases`, `decreases`, `required-for`, `cofactor-for`) are edges: a chain of them has a
meaning ("A lowers B, which raises C, so A lowers C"), and its net sign is the product of
its links' signs. `no-effect-on` links (sign 0) are left out, since they say there is *no*
route. With ``include_all`` every predicate is an edge: associational, structural and
zero-sign links too; a chain through an unsigned link has net sign '?', and through a
zero link '0'. Claims superseded by another are never edges.

Only claims of kind ``effect`` are edges: a recommendation, classification, effect
modification or open question states no effect to follow. Links the curator added (origin
``curator``) are followed and marked as such.

Parallel claims between the same two entities form one :class:`Hop`; a chain is a simple
path of entities (no entity twice), listed once however many claims run along it. A hop
is as strong as its best-supported claim; a chain's **weakest link** is its weakest hop
(lowest evidence rating, docs/evidence.md; a hop with no supporting study has the rating
``none``, weaker than any other; ties go to the worse status, then to the earlier hop).
Chains are ranked by their weakest link, then by length, then by how many hops lack
support (docs/cli.md).
The enumeration is a small depth-first search equivalent to networkx's
``all_simple_paths`` (the tests use networkx as the oracle); importing networkx alone
would cost about 100 ms of the 200 ms a question may take.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.corpus import vocabulary as V
from kg.corpus.model import Claim, Corpus
from kg.evidence import RATING_RANK, assess

if TYPE_CHECKING:
    from kg.store.questions import Questions

#: How bad each status is, for breaking ties between links with the same rating.
STATUS_BADNESS = {"supported": 0, "contested": 1, "not-supported": 2, "contradicted": 3,
                  "no-evidence": 4}
#: Stop enumerating after this many chains, however many the graph holds.
MAX_CHAINS = 10_000
#: The default search depth of kg paths: deep enough for the article's central mechanism
#: (aromatase inhibitor -> estrogen -> RANKL -> osteoclasts -> resorption -> bone loss ->
#: BMD -> osteopenia -> osteoporosis -> fracture is nine claims).
DEFAULT_MAX_HOPS = 10
#: The deepest search allowed.
MAX_HOPS = 12
#: A weakness rank at or past this means no supporting line (kg.evidence).
UNSUPPORTED = RATING_RANK["none"]


@dataclass(frozen=True, slots=True)
class Link:
    claim: str
    subject: str
    predicate: str
    object: str
    sign: V.Sign
    rating: str
    status: str
    curator: bool = False

    @property
    def weakness(self) -> tuple[int, int]:
        return (RATING_RANK[self.rating], STATUS_BADNESS.get(self.status, len(STATUS_BADNESS)))


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a chain: every followed claim from one entity to the next. Parallel
    claims (two papers' wording of "estrogen restrains resorption") are one hop, not two
    chains."""

    subject: str
    object: str
    links: tuple[Link, ...]

    @property
    def sign(self) -> V.Sign:
        """The claims' common sign; None (shown '?') when they disagree or one is unsigned."""
        signs = {link.sign for link in self.links}
        return signs.pop() if len(signs) == 1 else None

    @property
    def conflicting(self) -> bool:
        return len({link.sign for link in self.links}) > 1

    @property
    def strongest(self) -> Link:
        """The best-supported claim of the hop (the first of the best): a hop is as strong
        as the best evidence that the step happens."""
        return min(self.links, key=lambda link: link.weakness)

    @property
    def weakness(self) -> tuple[int, int]:
        return self.strongest.weakness


@dataclass(frozen=True, slots=True)
class Chain:
    steps: tuple[Hop, ...]

    @property
    def hops(self) -> int:
        return len(self.steps)

    @property
    def links(self) -> tuple[Link, ...]:
        return tuple(link for hop in self.steps for link in hop.links)

    @property
    def sign(self) -> str:
        return V.compose_signs([hop.sign for hop in self.steps])

    @property
    def weakest_hop(self) -> Hop:
        return max(self.steps, key=lambda hop: hop.weakness)  # first of the worst

    @property
    def weakest(self) -> Link:
        """The weakest link: the strongest claim of the weakest hop."""
        return self.weakest_hop.strongest

    @property
    def unsupported(self) -> int:
        """How many hops have no supporting evidence at all."""
        return sum(1 for hop in self.steps if hop.weakness[0] >= UNSUPPORTED)

    @property
    def entities(self) -> tuple[str, ...]:
        return (self.steps[0].subject, *(hop.object for hop in self.steps))

    def rank(self) -> tuple[Any, ...]:
        """Strongest weakest link first; then shorter; then fewer unsupported hops; then
        by entity ids, so the order never depends on file order."""
        return (self.weakest.weakness, self.hops, self.unsupported, self.entities)


def traversable(claim: Claim, include_all: bool) -> bool:
    if claim.superseded_by or claim.kind != "effect":
        return False
    predicate = V.PREDICATES.get(claim.predicate)
    if predicate is None:
        return False
    if include_all:
        return True
    return predicate.causal and predicate.sign in ("+", "-")


def links(corpus: Corpus, include_all: bool = False) -> list[Link]:
    return links_of(corpus.claims.values(), corpus, include_all)


def links_of(claims: Iterable[Claim], corpus: Corpus, include_all: bool = False) -> list[Link]:
    """The links of those ``claims`` that kg paths follows (``include_all``: with --all)."""
    out = []
    for c in claims:
        if not traversable(c, include_all):
            continue
        if c.subject not in corpus.entities or c.object not in corpus.entities:
            continue
        a = assess(c, corpus.studies)
        out.append(Link(c.id, c.subject, c.predicate, c.object,
                        V.PREDICATES[c.predicate].sign, a.rating, a.status,
                        c.origin == "curator"))
    return out


def simple_paths(adjacency: dict[str, dict[str, list[Link]]], source: str, target: str,
                 cutoff: int) -> Iterator[list[str]]:
    """Every simple path of at most ``cutoff`` edges from ``source`` to ``target``: the
    same paths as networkx's ``all_simple_paths`` (tests check this), without paying
    ~100 ms to import networkx in a command that must answer in well under 200 ms."""
    if source == target or cutoff < 1:
        return
    path = [source]
    on_path = {source}
    stack = [iter(adjacency.get(source, {}))]
    while stack:
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            on_path.discard(path.pop())
            continue
        if nxt in on_path:
            continue
        if nxt == target:
            yield [*path, nxt]
            continue
        if len(path) < cutoff:
            path.append(nxt)
            on_path.add(nxt)
            stack.append(iter(adjacency.get(nxt, {})))


def adjacency(corpus: Corpus, include_all: bool = False) -> dict[str, dict[str, list[Link]]]:
    """subject -> object -> the claims (links) between them, in file order."""
    adj: dict[str, dict[str, list[Link]]] = {}
    for link in links(corpus, include_all):
        adj.setdefault(link.subject, {}).setdefault(link.object, []).append(link)
    return adj


def chains_in(adj: dict[str, dict[str, list[Link]]], source: str, target: str,
              max_hops: int, via: str | None = None) -> tuple[list[Chain], bool]:
    """The chains over a given adjacency (:func:`adjacency` of a whole corpus, or the part
    of the store's graph that can lie on a chain, :func:`chain_adjacency`: pruning
    subgraphs that reach no chain changes nothing). With ``via``, only chains through that
    entity."""
    chains: list[Chain] = []
    truncated = False
    for nodes in simple_paths(adj, source, target, max_hops):
        if via is not None and via not in nodes[1:-1]:
            continue
        chains.append(Chain(tuple(Hop(a, b, tuple(adj[a][b]))
                                  for a, b in zip(nodes, nodes[1:], strict=False))))
        if len(chains) >= MAX_CHAINS:
            truncated = True
            break
    chains.sort(key=Chain.rank)
    return chains, truncated


def link_data(corpus: Corpus, ln: Link) -> dict[str, Any]:
    claim = corpus.claims.get(ln.claim)
    return {"claim": ln.claim, "predicate": ln.predicate, "sign": ln.sign,
            "rating": ln.rating, "status": ln.status,
            "origin": "curator" if ln.curator else "article",
            "statement": claim.statement if claim else None}


def origin_of(claim: Claim) -> str:
    """'article', or 'curator' for a link the curator added to join the article's claims."""
    return claim.origin


def chain_data(corpus: Corpus, chain: Chain) -> dict[str, Any]:
    def label(eid: str) -> str:
        e = corpus.entities.get(eid)
        return e.label if e else eid

    weakest = chain.weakest_hop
    return {
        "hops": chain.hops,
        "sign": chain.sign,
        "entities": [{"id": e, "label": label(e)} for e in chain.entities],
        "steps": [
            {"subject": hop.subject, "object": hop.object, "sign": hop.sign or "?",
             "conflicting": hop.conflicting, "weakest": hop is weakest and chain.hops > 1,
             "claims": [link_data(corpus, ln) for ln in hop.links]}
            for hop in chain.steps
        ],
        "weakest": {"claim": chain.weakest.claim, "rating": chain.weakest.rating,
                    "status": chain.weakest.status},
        "unsupported_hops": chain.unsupported,
    }


# -- from the graph store (kg.store.questions) -------------------------------------------------


def chain_adjacency(q: Questions, source: str, target: str, max_hops: int,
                            include_all: bool = False) -> dict[str, dict[str, list[Link]]]:
    """The part of :func:`adjacency` that can lie on a chain of at most ``max_hops`` claims
    from ``source`` to ``target``, read from the store one hop at a time
    (kg/store/queries/links.rq).

    A breadth-first search from ``source`` fetches the links out of each entity reached in
    fewer than ``max_hops`` hops (on the last hop only links into ``target``); a link
    u -> v is kept when dist(source, u) + 1 + dist(v, target) <= max_hops. Every link of
    every chain is kept, and links keep their file order, so :func:`simple_paths` yields
    the same chains in the same order as over the whole graph. Only the links kept are
    asked for their rating, status and origin (link-ratings.rq).
    """

    def follows(predicate: str) -> bool:
        p = V.PREDICATES.get(predicate)
        return p is not None and (include_all or (p.causal and p.sign in ("+", "-")))

    dist = {source: 0}
    frontier = [source]
    rows: list[tuple[int, str, str, str, str, str, str, str]] = []
    for depth in range(1, max_hops + 1):
        found = [r for r in q.links_from(frontier, target if depth == max_hops else None)
                 if follows(r[3])]
        rows += found
        frontier = []
        for r in found:
            obj = r[4]
            if obj not in dist:
                dist[obj] = depth
                if obj != target:
                    frontier.append(obj)
        if not frontier:
            break
    back: dict[str, list[str]] = {}
    for r in rows:
        back.setdefault(r[4], []).append(r[2])
    to_target = {target: 0}
    level = [target]
    while level:
        nxt = []
        for v in level:
            for u in back.get(v, ()):
                if u not in to_target:
                    to_target[u] = to_target[v] + 1
                    nxt.append(u)
        level = nxt
    kept = [r for r in set(rows)
            if r[4] in to_target and dist[r[2]] + 1 + to_target[r[4]] <= max_hops]
    adj: dict[str, dict[str, list[Link]]] = {}
    for _ord, cid, subj, pred, obj, rating, status, origin in sorted(q.rate(kept)):
        adj.setdefault(subj, {}).setdefault(obj, []).append(
            Link(cid, subj, pred, obj, V.PREDICATES[pred].sign, rating, status,
                 origin == "curator"))
    return adj


def find_chains(q: Questions, source: str, target: str, *,
                        max_hops: int = DEFAULT_MAX_HOPS, include_all: bool = False,
                        via: str | None = None) -> tuple[list[Chain], bool]:
    """Every distinct chain of entities from ``source`` to ``target`` (both exist), ranked
    (:meth:`Chain.rank`), from the graph store; and whether enumeration stopped at
    MAX_CHAINS."""
    adj = chain_adjacency(q, source, target, max_hops, include_all)
    return chains_in(adj, source, target, max_hops, via)


def neighbourhood(q: Questions, subject: str, object_: str, depth: int = 2
                          ) -> tuple[dict[str, dict[str, list[Link]]],
                                     dict[str, dict[str, list[Link]]]]:
    """The links kg paths follows by default within ``depth`` hops into ``subject`` and
    out of ``object_`` (and between the two): forward and backward adjacency, in file
    order, as kg.questions.diagram.claim_diagram reads them."""
    rows: set[tuple[int, str, str, str, str, str, str, str]] = set()
    for start, forward in ((object_, True), (subject, False)):
        frontier, seen = [start], {subject, object_}
        for _ in range(depth):
            found = q.links_from(frontier) if forward else q.links_into(frontier)
            found = [r for r in found if V.PREDICATES.get(r[3]) is not None
                     and V.PREDICATES[r[3]].causal and V.PREDICATES[r[3]].sign in ("+", "-")]
            rows.update(found)
            frontier = []
            for r in found:
                other = r[4] if forward else r[2]
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
    rows.update(r for r in q.links_from([subject], object_)
                if V.PREDICATES.get(r[3]) is not None and V.PREDICATES[r[3]].causal
                and V.PREDICATES[r[3]].sign in ("+", "-"))
    adj: dict[str, dict[str, list[Link]]] = {}
    for _ord, cid, subj, pred, obj, rating, status, origin in sorted(q.rate(rows)):
        adj.setdefault(subj, {}).setdefault(obj, []).append(
            Link(cid, subj, pred, obj, V.PREDICATES[pred].sign, rating, status,
                 origin == "curator"))
    back: dict[str, dict[str, list[Link]]] = {}
    for a, targets in adj.items():
        for b, lns in targets.items():
            back.setdefault(b, {})[a] = lns
    return adj, back
