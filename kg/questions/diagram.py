"""Mechanism diagrams: one merged picture of chains of claims, or of an entity's or a claim's
neighbourhood, as Mermaid, Graphviz DOT or SVG.

A diagram has one node per entity and one edge per *hop*: every followed claim from one
entity to the next, merged (kg.questions.paths.Hop). An edge is labelled with its sign and predicate
("- decreases", "+ increases"; "x2" when two claims state it) and styled by the evidence
rating of its best claim: thick for high, solid for moderate, dashed for low, finely dashed
for very low, dotted and grey for none. The weakest link of a chain is drawn in orange and
labelled "weakest"; a link a curator added (not the article) has an open arrowhead and says
"curator". Every mark is in the words of the label as well as in colour, so a diagram reads
in greyscale.

SVG is drawn by ``graphviz-pure`` (a PyPI wheel holding a self-contained port of Graphviz's
``dot``; README, Dependencies): no system Graphviz, no network, no browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.corpus.model import Corpus
from kg.errors import KgError
from kg.questions.paths import Chain, Hop, Link, adjacency, links, links_of, origin_of

#: Diagram formats, for the CLI's --format.
FORMATS: tuple[str, ...] = ("mermaid", "dot", "svg")
#: Evidence ratings, best first, as diagrams style them.
RATINGS: tuple[str, ...] = ("high", "moderate", "low", "very-low", "none")

def rating_of(link: Link) -> str:
    """The evidence rating a diagram styles a link by (kg.evidence)."""
    return link.rating


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    role: str | None = None
    #: an end of the question (FROM, TO) or the entity the diagram is about
    focus: bool = False


@dataclass(frozen=True, slots=True)
class EdgeClaim:
    id: str
    predicate: str
    sign: str | None
    rating: str
    status: str
    curator: bool


@dataclass(frozen=True, slots=True)
class Edge:
    subject: str
    object: str
    claims: tuple[EdgeClaim, ...]
    weakest: bool = False
    #: the edge is the claim a claim-page diagram is about
    focus: bool = False

    @property
    def rating(self) -> str:
        return min((c.rating for c in self.claims), key=RATINGS.index)

    @property
    def sign(self) -> str:
        signs = {c.sign for c in self.claims}
        return (signs.pop() or "?") if len(signs) == 1 else "?"

    @property
    def curator(self) -> bool:
        return all(c.curator for c in self.claims)

    @property
    def label(self) -> str:
        predicates = sorted({c.predicate for c in self.claims})
        text = f"{self.sign} {' / '.join(predicates)}"
        if len(self.claims) > 1:
            text += f" x{len(self.claims)}"
        marks = [m for m, on in (("weakest", self.weakest), ("curator", self.curator)) if on]
        if marks:
            text += f" [{', '.join(marks)}]"
        return text

    @property
    def title(self) -> str:
        """The tooltip: each claim with its rating and status."""
        return "; ".join(f"{c.id} ({c.rating}, {c.status}{', curator' if c.curator else ''})"
                         for c in self.claims)


@dataclass(frozen=True, slots=True)
class Diagram:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def edge_claim(link: Link, curator: Callable[[str], bool]) -> EdgeClaim:
    return EdgeClaim(link.claim, link.predicate, link.sign, rating_of(link), link.status,
                     link.curator or curator(link.claim))


def _nodes(ids: Iterable[str], labels: dict[str, tuple[str, str | None]],
           focus: set[str]) -> tuple[Node, ...]:
    seen: dict[str, Node] = {}
    for eid in ids:
        if eid not in seen:
            label, role = labels.get(eid, (eid, None))
            seen[eid] = Node(eid, label, role, eid in focus)
    return tuple(seen.values())


def from_chains(title: str, chains: Sequence[Chain], labels: dict[str, tuple[str, str | None]],
                curator: Callable[[str], bool], focus: Iterable[str] = ()) -> Diagram:
    """One merged diagram of every chain: each hop once, marked weakest when it is the
    weakest hop of any chain shown."""
    hops: dict[tuple[str, str], Hop] = {}
    weakest: set[tuple[str, str]] = set()
    order: list[str] = []
    for chain in chains:
        order += chain.entities
        for hop in chain.steps:
            hops.setdefault((hop.subject, hop.object), hop)
        if chain.hops > 1:  # a one-hop chain's only link is no "weakest link"
            w = chain.weakest_hop
            weakest.add((w.subject, w.object))
    edges = tuple(
        Edge(a, b, tuple(edge_claim(ln, curator) for ln in hop.links), (a, b) in weakest)
        for (a, b), hop in hops.items())
    return Diagram(title, _nodes(order, labels, set(focus)), edges)


def from_links(title: str, links: Iterable[Link], labels: dict[str, tuple[str, str | None]],
               curator: Callable[[str], bool], focus: Iterable[str] = (),
               focus_claim: str | None = None) -> Diagram:
    """A neighbourhood: the given links, parallel claims merged into one edge each."""
    grouped: dict[tuple[str, str], list[Link]] = {}
    for ln in links:
        grouped.setdefault((ln.subject, ln.object), []).append(ln)
    edges = tuple(
        Edge(a, b, tuple(edge_claim(ln, curator) for ln in lns),
             focus=focus_claim is not None and any(ln.claim == focus_claim for ln in lns))
        for (a, b), lns in grouped.items())
    focus_set = set(focus)
    order = [*focus_set & {e for ab in grouped for e in ab}]
    order += [e for ab in grouped for e in ab]
    return Diagram(title, _nodes(sorted(focus_set & set(order)) + order, labels, focus_set),
                   edges)


# -- rendering --------------------------------------------------------------------------------

#: DOT attributes by rating: (penwidth, style, colour).
_DOT_RATING = {
    "high": ("3.2", "solid", "#1a1a1a"),
    "moderate": ("2.2", "solid", "#1a1a1a"),
    "low": ("1.6", "dashed", "#333333"),
    "very-low": ("1.2", "dashed", "#555555"),
    "none": ("1.2", "dotted", "#777777"),
}
#: Mermaid: (stroke-width, dash pattern or "").
_MERMAID_RATING = {
    "high": ("4px", ""), "moderate": ("2.5px", ""), "low": ("2px", "6 3"),
    "very-low": ("1.5px", "3 3"), "none": ("1.5px", "1 3"),
}
WEAKEST_COLOUR = "#c2410c"
CURATOR_COLOUR = "#1d4ed8"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(d: Diagram, href: Callable[[str, str], str | None] | None = None,
           title: bool = True) -> str:
    """Graphviz DOT, deterministic. ``href(kind, id)`` ("entity" or "claim") gives each node
    and single-claim edge a link (the site); None for no links."""
    ids = {n.id: f"n{i}" for i, n in enumerate(d.nodes)}
    out = [
        "digraph kg {",
        "  graph [rankdir=LR, fontname=Arimo, fontsize=12, "
        + (f"label={_dot_quote(d.title)}, labelloc=t, " if title else "")
        + "nodesep=0.35, ranksep=0.45, tooltip=" + _dot_quote(d.title) + "];",
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f8fafc\", color=\"#334155\", "
        "fontname=Arimo, fontsize=12];",
        "  edge [fontname=Arimo, fontsize=10, arrowsize=0.8];",
    ]
    for n in d.nodes:
        attrs = [f"label={_dot_quote(n.label)}", f"tooltip={_dot_quote(n.id)}"]
        if n.focus:
            attrs += ["penwidth=2.5", 'fillcolor="#e0f2fe"']
        url = href("entity", n.id) if href else None
        if url:
            attrs.append(f"URL={_dot_quote(url)}")
        out.append(f"  {ids[n.id]} [{', '.join(attrs)}];")
    for e in d.edges:
        width, style, colour = _DOT_RATING[e.rating]
        if e.curator:
            colour = CURATOR_COLOUR
        if e.weakest:
            colour = WEAKEST_COLOUR
        attrs = [f"label={_dot_quote(e.label)}", f"penwidth={width}", f"style={style}",
                 f'color="{colour}"', f'fontcolor="{colour}"',
                 f"tooltip={_dot_quote(e.title)}", f"labeltooltip={_dot_quote(e.title)}"]
        if e.curator:
            attrs.append("arrowhead=empty")
        if e.focus:
            attrs.append(f"penwidth={float(width) + 1.5:g}")
        url = href("claim", e.claims[0].id) if href and len(e.claims) == 1 else None
        if url:
            attrs.append(f"URL={_dot_quote(url)}")
        out.append(f"  {ids[e.subject]} -> {ids[e.object]} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(d: Diagram) -> str:
    """A Mermaid flowchart (renders on GitHub and in Mermaid's live editor)."""
    ids = {n.id: f"n{i}" for i, n in enumerate(d.nodes)}
    out = ["---", f"title: {_mermaid_text(d.title)}", "---", "flowchart LR"]
    for n in d.nodes:
        shape = f'(["{_mermaid_text(n.label)}"])' if n.focus else f'["{_mermaid_text(n.label)}"]'
        out.append(f"  {ids[n.id]}{shape}")
    styles = []
    for i, e in enumerate(d.edges):
        arrow = "-.->" if e.curator else "-->"
        out.append(f'  {ids[e.subject]} {arrow}|"{_mermaid_text(e.label)}"| {ids[e.object]}')
        width, dash = _MERMAID_RATING[e.rating]
        colour = WEAKEST_COLOUR if e.weakest else CURATOR_COLOUR if e.curator else "#333333"
        style = f"stroke-width:{width},stroke:{colour}"
        if dash and not e.curator:
            style += f",stroke-dasharray:{dash}"
        styles.append(f"  linkStyle {i} {style}")
    return "\n".join(out + styles) + "\n"


def graphviz_program() -> str:
    """The path of the ``graphviz-pure`` program installed with kg."""
    name = "graphviz-pure" + (".exe" if os.name == "nt" else "")
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("graphviz-pure")
    if found is None:
        raise KgError("cannot draw SVG: the graphviz-pure program is not installed "
                      "(pip install graphviz-pure; see the README's set-up)")
    return found


def dot_to_svg(dots: Sequence[str]) -> list[str]:
    """Lay out and draw DOT graphs as SVG, all in one run of graphviz-pure."""
    if not dots:
        return []
    proc = subprocess.run([graphviz_program(), "-Tsvg"], input="".join(dots).encode(),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise KgError(f"graphviz-pure failed: {proc.stderr.decode(errors='replace').strip()}")
    text = proc.stdout.decode()
    parts = ["<?xml" + p for p in text.split("<?xml")[1:]]
    if len(parts) != len(dots):
        raise KgError(f"graphviz-pure drew {len(parts)} SVGs for {len(dots)} graphs")
    return parts


def to_svg(d: Diagram, href: Callable[[str, str], str | None] | None = None) -> str:
    return dot_to_svg([to_dot(d, href)])[0]


def render(d: Diagram, fmt: str) -> str:
    if fmt == "mermaid":
        return to_mermaid(d)
    if fmt == "dot":
        return to_dot(d)
    if fmt == "svg":
        return to_svg(d)
    raise ValueError(f"unknown diagram format {fmt!r}")


# -- neighbourhoods -------------------------------------------------------------------------

#: At most this many edges on each side of a claim in its diagram.
CONTEXT_EDGES = 12
#: At most this many neighbours in an entity's diagram (a hub of a 100k-claim corpus has
#: thousands): the best-supported hops first.
ENTITY_EDGES = 40


def strongest_hops(lns: list[Link], limit: int) -> tuple[list[Link], int]:
    """The links of the ``limit`` best-supported hops (a hop's best claim decides), and how
    many hops there were."""
    hops: dict[tuple[str, str], list[Link]] = {}
    for ln in lns:
        hops.setdefault((ln.subject, ln.object), []).append(ln)
    if len(hops) <= limit:
        return lns, len(hops)
    ranked = sorted(hops.items(), key=lambda kv: (min(ln.weakness for ln in kv[1]), kv[0]))
    keep = {k for k, _ in ranked[:limit]}
    return [ln for ln in lns if (ln.subject, ln.object) in keep], len(hops)


def entity_links(corpus: Corpus, entity_id: str) -> list[Link]:
    """Every claim kg paths --all would follow into or out of the entity."""
    return [ln for ln in links(corpus, include_all=True)
            if entity_id in (ln.subject, ln.object)]


def claim_links(adj: dict[str, dict[str, list[Link]]],
                back: dict[str, dict[str, list[Link]]], claim: Link,
                depth: int = 2) -> list[Link]:
    """The chains a claim sits in: the claim, the causal links up to ``depth`` hops into its
    subject and out of its object (at most CONTEXT_EDGES on each side, nearest first)."""
    out = [claim]
    for start, graph, forward in ((claim.subject, back, False), (claim.object, adj, True)):
        seen = {claim.subject, claim.object}
        frontier = [start]
        taken: list[Link] = []
        for _ in range(depth):
            nxt: list[str] = []
            for node in frontier:
                for other in sorted(graph.get(node, {})):
                    for ln in graph[node][other]:
                        if ln.claim != claim.claim and len(taken) < CONTEXT_EDGES:
                            taken.append(ln)
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
        out += taken if forward else taken[::-1]
    return out


def reverse(adj: dict[str, dict[str, list[Link]]]) -> dict[str, dict[str, list[Link]]]:
    back: dict[str, dict[str, list[Link]]] = {}
    for a, targets in adj.items():
        for b, lns in targets.items():
            back.setdefault(b, {})[a] = lns
    return back


_LABELS: dict[int, tuple[Corpus, dict[str, tuple[str, str | None]]]] = {}


def labels_of(corpus: Corpus) -> dict[str, tuple[str, str | None]]:
    """Each entity's (label, role); remembered for the last corpus asked about (kg site
    draws thousands of diagrams of one corpus)."""
    hit = _LABELS.get(id(corpus))
    if hit is not None and hit[0] is corpus:
        return hit[1]
    _LABELS.clear()
    labels = _labels(corpus)
    _LABELS[id(corpus)] = (corpus, labels)
    return labels


def _labels(corpus: Corpus) -> dict[str, tuple[str, str | None]]:
    return {e.id: (e.label, e.role) for e in corpus.entities.values()}


def curator_of(corpus: Corpus) -> Callable[[str], bool]:
    def curator(claim_id: str) -> bool:
        c = corpus.claims.get(claim_id)
        return c is not None and origin_of(c) == "curator"

    return curator


def entity_diagram(corpus: Corpus, entity_id: str, lns: list[Link] | None = None) -> Diagram:
    """Claims into and out of an entity: at most ENTITY_EDGES hops, the best-supported."""
    e = corpus.entities[entity_id]
    kept, total = strongest_hops(entity_links(corpus, entity_id) if lns is None else lns,
                                 ENTITY_EDGES)
    title = f"Claims into and out of {e.label}"
    if total > ENTITY_EDGES:
        title += f" (the {ENTITY_EDGES} best-supported of {total} links)"
    return from_links(title, kept, labels_of(corpus), curator_of(corpus), focus=[entity_id])


def claim_diagram(corpus: Corpus, claim_id: str,
                  adj: dict[str, dict[str, list[Link]]] | None = None,
                  back: dict[str, dict[str, list[Link]]] | None = None) -> Diagram | None:
    """The claim in the chains it sits in; None when kg paths never follows it."""
    if adj is None:
        adj = adjacency(corpus)
    if back is None:
        back = reverse(adj)
    claim = corpus.claims[claim_id]
    own = links_of([claim], corpus, include_all=True)
    if not own:
        return None
    lns = claim_links(adj, back, own[0])
    parallel = adj.get(claim.subject, {}).get(claim.object, [])
    if any(ln.claim == claim_id for ln in parallel):  # the claims stating the same hop
        lns = [*(ln for ln in parallel if ln.claim != claim_id), *lns]
    return from_links(f"{claim_id} in its chains", lns, labels_of(corpus), curator_of(corpus),
                      focus=[claim.subject, claim.object], focus_claim=claim_id)


def study_diagram(corpus: Corpus, key: str) -> Diagram:
    """The claims a study bears on (those kg paths --all follows)."""
    bearing = [c for c in corpus.claims.values()
               if any(ev.study == key for ev in c.evidence) or key in c.article_cites]
    return from_links(f"Claims {key} bears on", links_of(bearing, corpus, include_all=True),
                      labels_of(corpus), curator_of(corpus))
