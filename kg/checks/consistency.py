"""Consistency: reasoning over the signs of linked claims, and orphans.

KG601 direct contradiction
    Two claims on the same subject and object whose predicates have opposite signs
    (``+`` against ``-``, whatever their mode), in overlapping context. Two claims overlap
    when, for each qualifier (``population``, ``context``, ``dose``, ``duration``), both
    give the same text (compared without case, spacing or a final full stop) or at least
    one leaves it out. Skipped when either claim is superseded (``superseded_by``) or
    either acknowledges the other (``acknowledges``). Reported once per pair, at the
    predicate of the later claim (file order), naming the earlier one.
KG602 chain contradiction
    A causal claim A -> C with sign ``+`` or ``-`` whose sign disagrees with the net sign
    of a chain of two to four causal claims A -> B -> ... -> C (a simple path: no entity
    twice). Only causal predicates with a ``+`` or ``-`` sign form links; associational
    and structural predicates do not compose, and ``no-effect-on`` (sign ``0``) breaks a
    chain. Superseded claims take no part; a chain holding a claim that acknowledges the
    stated claim, or is acknowledged by it, is skipped. The shortest such chain is
    reported, at the predicate of the stated claim. The search runs from the end with fewer
    links, pruned by the (entity, sign) states within two links of the other end, so it
    stays near linear in the number of claims on graphs of the shape a corpus has.
KG603 evidence against a link (info)
    A claim with no supporting line and a study that found no effect or the opposite
    (status ``not-supported`` or ``contradicted``) while another claim depends on it. A causal
    ``+``/``-`` claim X -> Y is *depended on* by another signed claim A -> C (causal or
    associational, not superseded) when a chain of two to four causal links
    A ->...-> X -> Y ->...-> C through it connects A to C: the chain is how A would act on
    C. (A mere neighbour, a claim into X or out of Y that explains no other claim, does not
    count: it would flag every weak claim in a connected graph.) Up to three dependent
    claims are named, each with its shortest chain. A dependent claim linked to the weak
    one by ``acknowledges`` is left out. This is a finding about the evidence, not a defect
    in the corpus, so its severity is info: `kg validate --strict` does not fail on it, and
    `kg audit` lists it.
KG604 contradictory cycle
    A cycle of causal ``+``/``-`` claims, up to four links long, with an odd number of
    negative links: following it, an entity would both raise and lower itself. Reported
    once per cycle, at the claim with the smallest id, the cycle listed from there.
    Skipped when two claims in the cycle are linked by ``acknowledges`` (say why the
    feedback loop stands). Parallel claims between the same two entities make separate
    cycles (at most 64 per loop of entities are examined).
KG607 effect and no effect
    A claim of no effect (``no-effect-on``, ``not-associated-with``: sign ``0``) and a
    claim of the same mode (causal, or associational) on the same subject and object
    whose sign is not ``0``, in overlapping context (as for KG601). Reported at the claim
    of no effect, naming the other; skipped when either acknowledges the other.
KG605 orphan entity (warning)
    An entity that no claim names as subject or object.
KG606 orphan study (warning)
    A study record that no evidence line uses and the article does not cite (in a claim's
    ``article_cites`` or the outline's ``references``). A study the article cites but no
    evidence line uses is *not* an orphan: its record carries the citation (and any
    ``citation_issues``) that `kg audit` reports, and the audit lists each claim citing it
    without a supporting line from it as misattributed.
Only claims of kind ``effect`` take part in KG601-KG604 and KG607. Claims with an unknown
entity (KG202) or roles their predicate does not fit (KG501) take no
part in KG601-KG604: fix those errors first. Orphans are not reported while any entity,
study or claim failed to load, since a claim that failed to load may be the one that uses
them; nor is a study with no BibTeX entry (KG205).
"""

from __future__ import annotations

import itertools
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass

from kg.corpus.model import Claim, Corpus, Span
from kg.corpus.vocabulary import PREDICATES
from kg.diagnostics import Diagnostic, Severity
from kg.evidence import assess

#: the longest chain (KG602) and cycle (KG604) searched, in links
MAX_HOPS = 4
#: at most this many claim combinations are examined per loop of entities (KG604)
MAX_CYCLE_COMBINATIONS = 64
#: at most this many dependent chains are named in a KG603 message
MAX_CHAINS_SHOWN = 3

QUALIFIERS = ("population", "context", "dose", "duration")
_FLIP = {"+": "-", "-": "+"}


@dataclass(frozen=True, slots=True)
class Link:
    """A signed causal claim as an edge of the chain graph."""

    claim: str
    source: str
    target: str
    sign: str  # "+" or "-"


def _mul(a: str, b: str) -> str:
    return "+" if a == b else "-"


def _diag(span: Span, code: str, severity: Severity, message: str,
          hint: str | None = None) -> Diagnostic:
    return Diagnostic(span.file, span.line, span.column, code, severity, message, hint)


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(text.casefold().split()).rstrip(".")


def _overlap(a: Claim, b: Claim) -> bool:
    for q in QUALIFIERS:
        va, vb = _norm(getattr(a, q)), _norm(getattr(b, q))
        if va is not None and vb is not None and va != vb:
            return False
    return True


def _sign(claim: Claim) -> str | None:
    pred = PREDICATES.get(claim.predicate)
    return pred.sign if pred is not None else None


def _acknowledged(corpus: Corpus) -> set[frozenset[str]]:
    return {
        frozenset((claim.id, ack.claim))
        for claim in corpus.claims.values()
        for ack in claim.acknowledges
    }


def _well_formed(corpus: Corpus, claim: Claim) -> bool:
    pred = PREDICATES.get(claim.predicate)
    subject, obj = corpus.entities.get(claim.subject), corpus.entities.get(claim.object)
    return (pred is not None and subject is not None and obj is not None
            and subject.role in pred.subject_roles and obj.role in pred.object_roles)


def _live(corpus: Corpus) -> list[Claim]:
    """Claims that take part in reasoning: not superseded, and free of the errors KG202 and
    KG501 report (an unknown entity, or roles the predicate does not fit)."""
    return [c for c in corpus.claims.values()
            if not c.superseded_by and c.kind == "effect" and _well_formed(corpus, c)]


def _links(claims: list[Claim]) -> list[Link]:
    out = []
    for c in claims:
        pred = PREDICATES.get(c.predicate)
        if pred is not None and pred.causal and pred.sign in ("+", "-"):
            out.append(Link(c.id, c.subject, c.object, pred.sign))
    return out


def _describe(claim: Claim) -> str:
    return f"{claim.subject} {claim.predicate} {claim.object}"


# -- KG601 -------------------------------------------------------------------------------------


Owned = Iterator[tuple[str | None, Diagnostic]]


def _direct(corpus: Corpus, claims: list[Claim], acks: set[frozenset[str]]) -> Owned:
    groups: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        if _sign(c) in ("+", "-"):
            groups.setdefault((c.subject, c.object), []).append(c)
    order = {cid: i for i, cid in enumerate(corpus.claims)}
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda c: order[c.id])
        for i, later in enumerate(group):
            for earlier in group[:i]:
                if _sign(earlier) == _sign(later) or not _overlap(earlier, later):
                    continue
                if frozenset((earlier.id, later.id)) in acks:
                    continue
                span = later.field_spans.get("predicate", later.span)
                yield later.id, _diag(
                    span, "KG601", Severity.ERROR,
                    f"claim '{later.id}' ({_describe(later)}, {_sign(later)}) contradicts "
                    f"claim '{earlier.id}' ({_describe(earlier)}, {_sign(earlier)}) at "
                    f"{earlier.span}",
                    "correct one of them, qualify them (population, context, dose, duration), "
                    f"set superseded_by on the older one, or add `acknowledges: [{{claim: "
                    f"{earlier.id}, reason: ...}}]` saying why both stand",
                )


# -- KG607 -------------------------------------------------------------------------------------


def _effect_and_none(corpus: Corpus, claims: list[Claim],
                     acks: set[frozenset[str]]) -> Owned:
    """A claim of no effect against a signed claim of the same mode on the same pair."""
    groups: dict[tuple[str, str, str], list[Claim]] = {}
    for c in claims:
        pred = PREDICATES[c.predicate]
        if pred.mode in ("causal", "associational"):
            groups.setdefault((c.subject, c.object, pred.mode), []).append(c)
    order = {cid: i for i, cid in enumerate(corpus.claims)}
    for group in groups.values():
        nones = [c for c in group if _sign(c) == "0"]
        effects = [c for c in group if _sign(c) != "0"]
        for none in sorted(nones, key=lambda c: order[c.id]):
            for effect in sorted(effects, key=lambda c: order[c.id]):
                if not _overlap(none, effect) or frozenset((none.id, effect.id)) in acks:
                    continue
                span = none.field_spans.get("predicate", none.span)
                yield none.id, _diag(
                    span, "KG607", Severity.ERROR,
                    f"claim '{none.id}' ({_describe(none)}) denies the effect claim "
                    f"'{effect.id}' states ({_describe(effect)}) at {effect.span}",
                    "give each claim its population or context, correct one of them, or add "
                    f"`acknowledges: [{{claim: {effect.id}, reason: ...}}]`",
                )


# -- KG602 -------------------------------------------------------------------------------------


class _Graph:
    """Signed causal links, indexed both ways, with cached bounded reachability."""

    def __init__(self, links: list[Link], acks: Iterable[frozenset[str]] = ()) -> None:
        #: claim id -> the claims it is linked to by `acknowledges` (either way)
        self.partners: dict[str, set[str]] = {}
        for pair in acks:
            for cid in pair:
                self.partners.setdefault(cid, set()).update(pair - {cid})
        self.out: dict[str, list[Link]] = {}
        self.into: dict[str, list[Link]] = {}
        for link in sorted(links, key=lambda lk: lk.claim):
            self.out.setdefault(link.source, []).append(link)
            self.into.setdefault(link.target, []).append(link)
        self._reach: dict[tuple[str, bool], dict[tuple[str, str], int]] = {}

    def near(self, node: str, *, backward: bool) -> dict[tuple[str, str], int]:
        """(entity, sign) -> fewest links (at most two) from ``node`` (forward) or to it
        (backward), with the sign of that walk. Cached."""
        key = (node, backward)
        if key not in self._reach:
            index = self.into if backward else self.out
            seen = {(node, "+"): 0}
            frontier = [(node, "+")]
            for depth in (1, 2):
                nxt = []
                for here, sign in frontier:
                    for link in index.get(here, ()):
                        state = (link.source if backward else link.target,
                                 _mul(sign, link.sign))
                        if state not in seen:
                            seen[state] = depth
                            nxt.append(state)
                frontier = nxt
            self._reach[key] = seen
        return self._reach[key]


def _find_chain(graph: _Graph, stated: Link) -> list[Link] | None:
    """The shortest simple chain (2 to MAX_HOPS links) from the stated claim's subject to
    its object, of the opposite sign, avoiding the stated claim and claims acknowledged
    with it; None if there is none.

    A depth-first search from whichever end has fewer links, pruned by the (entity, sign)
    states within two links of the other end, so that most searches stop at once.
    """
    want = _FLIP[stated.sign]
    backward = len(graph.into.get(stated.target, ())) < len(graph.out.get(stated.source, ()))
    start, goal = (stated.target, stated.source) if backward else (stated.source, stated.target)
    index = graph.into if backward else graph.out
    near_goal = graph.near(goal, backward=not backward)
    skip = {stated.claim, *graph.partners.get(stated.claim, ())}

    # A quick test first: is any entity one or two links from the start also within two
    # links of the goal, with the signs making up the opposite sign? Both ends' states are
    # kept (near), so the test walks the smaller of the two, not every link of the start's
    # neighbours (hubs made that walk grow with the corpus). It finds every chain, and some
    # walks that are not chains (through the stated claim or a claim acknowledged with it),
    # which the search below then rules out.
    near_start = graph.near(start, backward=backward)
    small, big = ((near_start, near_goal) if len(near_start) <= len(near_goal)
                  else (near_goal, near_start))
    if not any(node != start and node != goal and (node, _mul(sign, want)) in big
               for node, sign in small):
        return None

    def search(node: str, sign: str, path: list[Link], visited: set[str],
               length: int) -> list[Link] | None:
        d = len(path)
        left = length - d - 1  # links still to go after this one
        for link in index.get(node, ()):
            if link.claim in skip:
                continue
            s = _mul(sign, link.sign)
            w = link.source if backward else link.target
            if w == goal:
                if left == 0 and s == want:
                    return [*path, link]
                continue
            if w in visited or left == 0:
                continue
            if left <= 2 and near_goal.get((w, _mul(s, want)), 3) > left:
                continue
            visited.add(w)
            found = search(w, s, [*path, link], visited, length)
            visited.discard(w)
            if found:
                return found
        return None

    for length in range(2, MAX_HOPS + 1):
        found = search(start, "+", [], {start}, length)
        if found:
            return found[::-1] if backward else found
    return None


def _chains(corpus: Corpus, links: list[Link], acks: set[frozenset[str]],
            only: Container[str] | None = None) -> Owned:
    graph = _Graph(links, acks)
    for stated in links:
        if only is not None and stated.claim not in only:
            continue
        chain = _find_chain(graph, stated)
        if chain is None:
            continue
        claim = corpus.claims[stated.claim]
        span = claim.field_spans.get("predicate", claim.span)
        entities = " -> ".join([chain[0].source, *(lk.target for lk in chain)])
        via = ", ".join(f"'{lk.claim}' ({lk.sign})" for lk in chain)
        net = _FLIP[stated.sign]
        yield claim.id, _diag(
            span, "KG602", Severity.ERROR,
            f"claim '{claim.id}' says {_describe(claim)} (net {stated.sign}), but the causal "
            f"chain {entities} gives net {net}: {via}",
            "correct the stated claim or a link of the chain, set superseded_by on the one "
            "replaced, or add `acknowledges` naming a link and saying why both stand",
        )


# -- KG603 -------------------------------------------------------------------------------------


def _paths(graph: _Graph, node: str, depth: int, *, backward: bool,
           avoid: str) -> dict[str, list[Link]]:
    """Entity -> the fewest links (at most ``depth``) from ``node`` to it, or, backward,
    from it to ``node``, avoiding claim ``avoid``. ``node`` itself maps to []."""
    found: dict[str, list[Link]] = {node: []}
    frontier = [node]
    for _ in range(depth):
        nxt = []
        for here in frontier:
            for link in (graph.into if backward else graph.out).get(here, ()):
                w = link.source if backward else link.target
                if link.claim != avoid and w not in found:
                    found[w] = [link, *found[here]] if backward else [*found[here], link]
                    nxt.append(w)
        frontier = nxt
    return found


def _dependents(link: Link, stated: list[Link], before: dict[str, list[Link]],
                after: dict[str, list[Link]],
                partners: set[str]) -> list[tuple[Link, list[Link]]]:
    """The stated claims A -> C that a chain of 2 to MAX_HOPS causal links through ``link``
    connects (A ->...-> X -> Y ->...-> C), each with its shortest such chain; claims linked
    to ``link`` by `acknowledges` are left out."""
    out = []
    for claim in stated:
        if claim.claim == link.claim or claim.claim in partners:
            continue
        head, tail = before[claim.source], after[claim.target]
        chain = [*head, link, *tail]
        if 2 <= len(chain) <= MAX_HOPS and claim.claim not in {lk.claim for lk in chain}:
            nodes = [chain[0].source, *(lk.target for lk in chain)]
            if len(set(nodes)) == len(nodes):
                out.append((claim, chain))
    return out


def _weak_links(corpus: Corpus, claims: list[Claim], links: list[Link],
                acks: set[frozenset[str]], only: Container[str] | None = None) -> Owned:
    graph = _Graph(links, acks)
    # the claims a chain may explain: any signed claim, causal or associational
    stated = [Link(c.id, c.subject, c.object, _sign(c) or "") for c in claims
              if _sign(c) in ("+", "-")]
    by_pair: dict[tuple[str, str], list[Link]] = {}
    for lk in stated:
        by_pair.setdefault((lk.source, lk.target), []).append(lk)
    for link in links:
        if only is not None and link.claim not in only:
            continue
        claim = corpus.claims[link.claim]
        if not claim.evidence:
            continue
        status = assess(claim, corpus.studies).status
        if status not in ("not-supported", "contradicted"):
            continue
        before = _paths(graph, link.source, MAX_HOPS - 1, backward=True, avoid=link.claim)
        after = _paths(graph, link.target, MAX_HOPS - 1, backward=False, avoid=link.claim)
        candidates = [lk for a in before for c in after for lk in by_pair.get((a, c), ())]
        deps = _dependents(link, candidates, before, after,
                           graph.partners.get(link.claim, set()))
        if not deps:
            continue
        shown = "; ".join(
            f"'{dep.claim}' by {' -> '.join(lk.claim for lk in chain)}"
            for dep, chain in deps[:MAX_CHAINS_SHOWN]
        )
        extra = len(deps) - MAX_CHAINS_SHOWN
        more = f" (and {extra} more)" if extra > 0 else ""
        what = ("evidence of no effect and none in support" if status == "not-supported"
                else "contradicting evidence and none in support")
        yield claim.id, _diag(
            claim.span, "KG603", Severity.INFO,
            f"claim '{claim.id}' ({_describe(claim)}) has {what}, yet "
            f"{len(deps)} claim{' rests' if len(deps) == 1 else 's rest'} on chains through it: "
            f"{shown}{more}",
            "find supporting evidence, weaken the claim, or revisit the claims whose chains "
            "use it",
        )


# -- KG604 -------------------------------------------------------------------------------------


def _node_cycles(parallel: dict[tuple[str, str], list[Link]]) -> Iterator[list[str]]:
    """Each simple cycle of at most MAX_HOPS entities once, starting at its smallest entity.

    For each start s, a depth-first search over entities greater than s, pruned by the
    entities that can get back to s in the links left (one and two links back).
    """
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    for a, b in parallel:
        succ.setdefault(a, []).append(b)
        pred.setdefault(b, []).append(a)
    for lst in (*succ.values(), *pred.values()):
        lst.sort()
    for s in sorted(succ):
        if s not in pred:
            continue
        back1 = {u for u in pred[s] if u > s}
        back2 = back1 | {v for u in back1 for v in pred.get(u, ()) if v > s}
        if (s, s) in parallel:
            yield [s]
        if not back1:
            continue
        yield from _extend(succ, [s], back1, back2)


def _extend(succ: dict[str, list[str]], path: list[str], back1: set[str],
            back2: set[str]) -> Iterator[list[str]]:
    """Cycles that continue ``path`` (which starts at its smallest entity) back to its start."""
    s = path[0]
    left = MAX_HOPS - len(path)  # links still allowed after the one to the next entity
    for w in succ.get(path[-1], ()):
        if w <= s or w in path:
            continue
        if left >= 3 or (left == 2 and w in back2) or (left == 1 and w in back1):
            path.append(w)
            if w in back1:
                yield list(path)
            if left > 1:
                yield from _extend(succ, path, back1, back2)
            path.pop()


def _cycles(corpus: Corpus, links: list[Link], acks: set[frozenset[str]]) -> Owned:
    parallel: dict[tuple[str, str], list[Link]] = {}
    for link in sorted(links, key=lambda lk: lk.claim):
        parallel.setdefault((link.source, link.target), []).append(link)
    seen: set[tuple[str, ...]] = set()
    found: list[tuple[str, ...]] = []
    for nodes in _node_cycles(parallel):
        pairs = [(nodes[i], nodes[(i + 1) % len(nodes)]) for i in range(len(nodes))]
        options = [parallel[p] for p in pairs]
        for combo in itertools.islice(itertools.product(*options), MAX_CYCLE_COMBINATIONS):
            if sum(1 for lk in combo if lk.sign == "-") % 2 == 0:
                continue
            ids = [lk.claim for lk in combo]
            if any(frozenset(p) in acks for p in itertools.combinations(ids, 2)):
                continue
            start = ids.index(min(ids))
            canon = tuple(ids[start:] + ids[:start])
            if canon not in seen:
                seen.add(canon)
                found.append(canon)
    by_id = {lk.claim: lk for lk in links}
    for canon in sorted(found):
        first = corpus.claims[canon[0]]
        cycle = [by_id[cid] for cid in canon]
        entities = " -> ".join([cycle[0].source, *(lk.target for lk in cycle)])
        negatives = sum(1 for lk in cycle if lk.sign == "-")
        via = ", ".join(f"'{lk.claim}' ({lk.sign})" for lk in cycle)
        yield first.id, _diag(
            first.field_spans.get("predicate", first.span), "KG604", Severity.ERROR,
            f"causal cycle {entities} closes with {negatives} negative "
            f"link{'' if negatives == 1 else 's'} (net -): {via}",
            "correct a link; if it is a real feedback loop, add `acknowledges` between two "
            "of its claims saying so",
        )


# -- KG605, KG606 --------------------------------------------------------------------------------


def _orphans(corpus: Corpus) -> Iterator[Diagnostic]:
    if corpus.invalid or corpus.incomplete:
        return
    used = {e for c in corpus.claims.values() for e in (c.subject, c.object)}
    for entity in corpus.entities.values():
        if entity.id not in used:
            yield _diag(entity.span, "KG605", Severity.WARNING,
                        f"entity '{entity.id}' is not used by any claim",
                        "use it as the subject or object of a claim, or delete it")
    used_studies = {ev.study for c in corpus.claims.values() for ev in c.evidence}
    used_studies.update(key for c in corpus.claims.values() for key in c.article_cites)
    if corpus.article:
        used_studies.update(corpus.article.references)
    for study in corpus.studies.values():
        if study.key in used_studies or study.key not in corpus.references:
            continue  # a study without a BibTeX entry is already an error (KG205)
        yield _diag(study.span, "KG606", Severity.WARNING,
                    f"study '{study.key}' is used by no evidence line and cited nowhere in "
                    "the article", "add an evidence line that uses it, or delete the record")


def owned(corpus: Corpus, only: Container[str] | None = None) -> Owned:
    """Each diagnostic with the id of the claim it is reported at (None for an orphan).

    With ``only``, the chain searches (KG602, KG603), the costly part, run only for the
    claims in ``only``, and only diagnostics reported at those claims (or at none) are
    given: kg.checks.recheck re-checks the claims an edit can affect this way.
    """
    acks = _acknowledged(corpus)
    claims = _live(corpus)
    links = _links(claims)
    found = itertools.chain(
        _direct(corpus, claims, acks),
        _effect_and_none(corpus, claims, acks),
        _chains(corpus, links, acks, only),
        _weak_links(corpus, claims, links, acks, only),
        _cycles(corpus, links, acks),
    )
    for owner, diag in found:
        if only is None or owner in only:
            yield owner, diag
    for diag in _orphans(corpus):
        yield None, diag


def check(corpus: Corpus) -> Iterator[Diagnostic]:
    for _, diag in owned(corpus):
        yield diag
