"""kg paths answers the mechanism question (issue 13): parallel claims are one hop, each
chain of entities is listed once, chains are ranked by their weakest link then length,
--via narrows them, and the output says when more chains exist than are shown."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from kg.questions.paths import Chain, Hop, Link, chains_in

REPO = Path(__file__).parent.parent


def link(claim: str, a: str, b: str, sign: str = "+", rating: str = "none",
         status: str = "no-evidence") -> Link:
    pred = {"+": "increases", "-": "decreases"}[sign]
    return Link(claim, a, pred, b, sign, rating, status)  # type: ignore[arg-type]


def adjacency(*links: Link) -> dict[str, dict[str, list[Link]]]:
    adj: dict[str, dict[str, list[Link]]] = {}
    for ln in links:
        adj.setdefault(ln.subject, {}).setdefault(ln.object, []).append(ln)
    return adj


def test_parallel_claims_are_one_hop_and_chains_are_distinct() -> None:
    adj = adjacency(link("a-b-1", "a", "b"), link("a-b-2", "a", "b", rating="high",
                                                  status="supported"),
                    link("b-c", "b", "c", "-"), link("b-c-again", "b", "c", "-"))
    chains, truncated = chains_in(adj, "a", "c", 4)
    assert not truncated
    [chain] = chains  # not four chains (2 x 2 claim combinations)
    assert [len(h.links) for h in chain.steps] == [2, 2]
    assert chain.sign == "-"
    # a hop is as strong as its best claim: a -> b is rated high, so b -> c is weakest
    assert chain.steps[0].strongest.claim == "a-b-2"
    assert chain.weakest_hop.subject == "b"


def test_a_hop_whose_claims_disagree_has_no_sign() -> None:
    hop = Hop("a", "b", (link("up", "a", "b", "+"), link("down", "a", "b", "-")))
    assert hop.sign is None and hop.conflicting
    assert Chain((hop,)).sign == "?"


def test_ranked_by_weakest_link_then_length() -> None:
    adj = adjacency(
        link("a-c", "a", "c"),                                      # 1 hop, unsupported
        link("a-x", "a", "x", rating="high", status="supported"),
        link("x-y", "x", "y", rating="low", status="supported"),
        link("y-c", "y", "c", rating="high", status="supported"),   # 3 hops, weakest low
        link("a-z", "a", "z", rating="low", status="supported"),
        link("z-c", "z", "c", rating="low", status="supported"),  # 2 hops, weakest low
    )
    chains, _ = chains_in(adj, "a", "c", 4)
    assert [ch.entities for ch in chains] == [("a", "z", "c"), ("a", "x", "y", "c"),
                                              ("a", "c")]


def test_via_keeps_chains_through_the_entity() -> None:
    adj = adjacency(link("a-c", "a", "c"), link("a-b", "a", "b"), link("b-c", "b", "c"))
    chains, _ = chains_in(adj, "a", "c", 4, via="b")
    assert [ch.entities for ch in chains] == [("a", "b", "c")]
    assert chains_in(adj, "a", "c", 4, via="a")[0] == []  # an end is not "via"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--root", str(REPO)])
    return result.exit_code, result.stdout


def test_the_real_corpus_shows_the_estrogen_mechanism_by_default() -> None:
    code, out = run("paths", "aromatase inhibitor", "fracture", "--json")
    assert code == 0, out
    data = json.loads(out)
    chains = [tuple(e["id"] for e in p["entities"]) for p in data["paths"]]
    assert len(chains) == len(set(chains)), "a chain of entities is listed twice"
    assert any("estrogen" in ch and "bone-resorption" in ch for ch in chains), chains
    assert data["total"] > len(data["paths"])
    code, text = run("paths", "aromatase inhibitor", "fracture")
    assert f"{data['total'] - len(data['paths'])} more chains not shown" in text
    # the two claims that aromatase inhibitors lower estrogen are one hop, listed under it
    assert "↓ decreases (-), 2 claims\n         ai-lowers-estrogen  [" in text


def test_via_on_the_real_corpus_finds_the_rankl_chain() -> None:
    code, out = run("paths", "aromatase inhibitor", "fracture", "--via", "RANKL", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["via"]["id"] == "rankl"
    assert data["paths"] and all("rankl" in [e["id"] for e in p["entities"]]
                                 for p in data["paths"])
    assert any("osteoclast" in [e["id"] for e in p["entities"]] for p in data["paths"])
