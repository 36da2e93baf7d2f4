"""kg paths answers the mechanism question (issue 13): parallel claims are one hop, each
chain of entities is listed once, chains are ranked by their weakest link then length,
--via narrows them, and the output says when more chains exist than are shown."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg.corpus.model import Corpus
from kg.questions.paths import (
    Chain,
    Hop,
    Link,
    chain_data,
    chains_in,
    find_chains,
    neighbourhood,
)
from kg.store.questions import Questions, open_questions

REPO = Path(__file__).parent.parent
CORPORA = Path(__file__).parent / "corpora"


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


def test_chain_data_names_each_hop_its_claims_and_the_weakest() -> None:
    curated = Link("b-c", "b", "affects", "c", None, "low", "supported", curator=True)
    chain = Chain((Hop("a", "b", (link("a-b", "a", "b", "-", "high", "supported"),
                                  link("a-b-up", "a", "b", "+", "moderate", "contested"))),
                   Hop("b", "c", (curated,))))
    assert chain_data(Corpus(root="r"), chain) == {
        "hops": 2, "sign": "?",
        "entities": [{"id": "a", "label": "a"}, {"id": "b", "label": "b"},
                     {"id": "c", "label": "c"}],  # no such entities: their ids
        "steps": [
            {"subject": "a", "object": "b", "sign": "?", "conflicting": True,
             "weakest": False,
             "claims": [
                 {"claim": "a-b", "predicate": "decreases", "sign": "-", "rating": "high",
                  "status": "supported", "origin": "article", "statement": None},
                 {"claim": "a-b-up", "predicate": "increases", "sign": "+",
                  "rating": "moderate", "status": "contested", "origin": "article",
                  "statement": None}]},
            {"subject": "b", "object": "c", "sign": "?", "conflicting": False,
             "weakest": True,
             "claims": [{"claim": "b-c", "predicate": "affects", "sign": None,
                         "rating": "low", "status": "supported", "origin": "curator",
                         "statement": None}]}],
        "weakest": {"claim": "b-c", "rating": "low", "status": "supported"},
        "unsupported_hops": 0}
    one = chain_data(Corpus(root="r"), Chain((Hop("a", "b", (link("x", "a", "b"),)),)))
    assert one["steps"][0]["weakest"] is False  # a one-hop chain marks no weakest hop
    assert (one["sign"], one["unsupported_hops"]) == ("+", 1)


def test_the_weakest_hop_is_the_first_of_the_worst_and_ties_go_to_the_worse_status() -> None:
    a = Hop("a", "b", (link("ab", "a", "b", rating="low", status="supported"),))
    b = Hop("b", "c", (link("bc", "b", "c", rating="low", status="contested"),))
    c = Hop("c", "d", (link("cd", "c", "d", rating="low", status="contested"),))
    assert Chain((a, b, c)).weakest_hop is b
    assert Chain((a, b, c)).weakest.claim == "bc"
    odd = Link("x", "a", "increases", "b", "+", "low", "made-up")  # an unknown status is the worst
    assert odd.weakness == (2, 5) and Hop("a", "b", (odd, a.links[0])).strongest.claim == "ab"


#: a link the curator added (origin curator), from bone density on to fracture
CURATED = """\
claims:
  - id: density-lowers-fracture
    statement: Denser bone breaks less.
    subject: bone-density
    predicate: decreases
    object: fracture
    certainty: asserted
    origin: curator
    justification: The article takes it for granted.
"""


@pytest.fixture(scope="module")
def questions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Questions]:
    """tests/corpora/questions with one curator's link."""
    root = Path(shutil.copytree(CORPORA / "questions",
                                tmp_path_factory.mktemp("paths") / "questions"))
    (root / "claims" / "curated.yaml").write_text(CURATED, encoding="utf-8")
    q = open_questions(root)
    assert q.errors == 0
    yield q
    q.close()


def test_which_claims_are_links(questions: Questions) -> None:
    """Only claims of kind effect, not superseded, with a known predicate and both ends
    known; by default only signed causal ones; a curator's link is marked."""
    from dataclasses import replace

    from kg.questions.paths import adjacency, links_of

    corpus = questions.corpus_for(claims=list(questions.words.claim_ids()),
                                  entities=list(questions.words.entity_names().values()))
    c = corpus.claims
    assert [ln.claim for ln in links_of(c.values(), corpus)] == [  # in file order
        "density-lowers-fracture", "walking-raises-density", "drug-d-lowers-hormone-x",
        "hormone-x-raises-protein-p", "protein-p-limits-bone-loss", "bone-loss-lowers-density",
        "exercise-lowers-protein-p", "exercise-raises-density"]
    assert [ln.claim for ln in links_of(c.values(), corpus, include_all=True)] == [
        "density-lowers-fracture", "walking-raises-density", "walking-lowers-fracture",
        "drug-d-lowers-hormone-x", "hormone-x-raises-protein-p", "protein-p-limits-bone-loss",
        "bone-loss-lowers-density", "exercise-lowers-protein-p", "exercise-raises-density",
        "protein-a-binds-protein-p", "walking-no-effect-hormone-x"]
    assert [ln.curator for ln in links_of([c["density-lowers-fracture"],
                                           c["exercise-raises-density"]], corpus)] == [
        True, False]
    base = c["exercise-raises-density"]
    odd = [replace(base, id="ghost-subject", subject="ghost"),
           replace(base, id="ghost-object", object="ghost"),
           replace(base, id="superseded", superseded_by="exercise-raises-density"),
           replace(base, id="classified", kind="classification"),
           replace(base, id="made-up", predicate="made-up"),
           base]
    assert [ln.claim for ln in links_of(odd, corpus, include_all=True)] == [
        "exercise-raises-density"]
    assert set(adjacency(corpus)["walking"]) == {"bone-density"}  # signed causal only
    assert set(adjacency(corpus, True)["walking"]) == {"bone-density", "fracture",
                                                      "hormone-x"}


def test_chain_data_of_the_store_names_entities_and_claims(questions: Questions) -> None:
    [chain] = find_chains(questions, "bone-loss", "fracture")[0]
    corpus = questions.corpus_for(claims=[ln.claim for ln in chain.links],
                                  entities=list(chain.entities))
    data = chain_data(corpus, chain)
    assert data["entities"] == [{"id": "bone-loss", "label": "bone loss"},
                                {"id": "bone-density", "label": "bone mineral density"},
                                {"id": "fracture", "label": "fracture"}]
    assert [[(c["claim"], c["statement"], c["origin"]) for c in step["claims"]]
            for step in data["steps"]] == [
        [("bone-loss-lowers-density", "Bone loss lowers bone mineral density.", "article")],
        [("density-lowers-fracture", "Denser bone breaks less.", "curator")]]


def _claims(adj: dict[str, dict[str, list[Link]]]) -> dict[str, dict[str, list[str]]]:
    return {a: {b: [ln.claim for ln in lns] for b, lns in bs.items()} for a, bs in adj.items()}


def test_the_neighbourhood_of_a_claim_is_what_leads_in_and_out(questions: Questions) -> None:
    """Signed causal links within two hops into the subject and out of the object, and
    the claims from subject to object; a no-effect link (walking -> hormone X) and a
    structural one (protein A binds protein P) are left out."""
    adj, back = neighbourhood(questions, "hormone-x", "protein-p")
    assert _claims(adj) == {
        "drug-d": {"hormone-x": ["drug-d-lowers-hormone-x"]},
        "hormone-x": {"protein-p": ["hormone-x-raises-protein-p"]},
        "protein-p": {"bone-loss": ["protein-p-limits-bone-loss"]},
        "bone-loss": {"bone-density": ["bone-loss-lowers-density"]}}
    assert _claims(back) == {
        "hormone-x": {"drug-d": ["drug-d-lowers-hormone-x"]},
        "protein-p": {"hormone-x": ["hormone-x-raises-protein-p"]},
        "bone-loss": {"protein-p": ["protein-p-limits-bone-loss"]},
        "bone-density": {"bone-loss": ["bone-loss-lowers-density"]}}
    ln = adj["hormone-x"]["protein-p"][0]
    assert ln == Link("hormone-x-raises-protein-p", "hormone-x", "increases", "protein-p",
                      "+", "very-low", "supported", False)
    near, _ = neighbourhood(questions, "hormone-x", "protein-p", depth=1)
    assert _claims(near) == {
        "drug-d": {"hormone-x": ["drug-d-lowers-hormone-x"]},
        "hormone-x": {"protein-p": ["hormone-x-raises-protein-p"]},
        "protein-p": {"bone-loss": ["protein-p-limits-bone-loss"]}}
    adj, _ = neighbourhood(questions, "exercise", "bone-density")
    assert _claims(adj) == {"exercise": {"bone-density": ["exercise-raises-density"]},
                            "bone-density": {"fracture": ["density-lowers-fracture"]}}
    assert adj["bone-density"]["fracture"][0].curator
    adj, _ = neighbourhood(questions, "protein-p", "bone-density")
    assert _claims(adj) == {  # into protein P: from exercise and from hormone X, and back
        "exercise": {"protein-p": ["exercise-lowers-protein-p"]},
        "drug-d": {"hormone-x": ["drug-d-lowers-hormone-x"]},
        "hormone-x": {"protein-p": ["hormone-x-raises-protein-p"]},
        "bone-density": {"fracture": ["density-lowers-fracture"]}}
    # two hops by default: bone density -> fracture is a third
    adj, _ = neighbourhood(questions, "drug-d", "hormone-x")
    assert _claims(adj) == {
        "drug-d": {"hormone-x": ["drug-d-lowers-hormone-x"]},  # the claim itself, signed -
        "hormone-x": {"protein-p": ["hormone-x-raises-protein-p"]},
        "protein-p": {"bone-loss": ["protein-p-limits-bone-loss"]}}
    # the claim itself is left out unless it is a signed causal link
    assert neighbourhood(questions, "walking", "fracture")[0] == {}
    adj, _ = neighbourhood(questions, "protein-a", "protein-p")
    assert "protein-a" not in adj


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


def test_the_store_reads_exactly_the_links_that_lie_on_a_chain(questions: Questions) -> None:
    """chain_adjacency keeps a link u -> v when a chain of at most max_hops claims runs
    through it; on this acyclic graph that is exactly the links of the chains found over
    the whole corpus, for every pair and depth (the default: signed causal links only)."""
    from itertools import permutations

    from kg.questions.paths import adjacency, chain_adjacency

    corpus = questions.corpus_for(claims=list(questions.words.claim_ids()),
                                  entities=list(questions.words.entity_names().values()))
    whole = adjacency(corpus)
    seen = 0
    for a, b in permutations(sorted(corpus.entities), 2):
        for hops in (1, 2, 3, 4):
            on_chains: dict[str, dict[str, list[Link]]] = {}
            for chain in chains_in(whole, a, b, hops)[0]:
                for hop in chain.steps:
                    on_chains.setdefault(hop.subject, {})[hop.object] = list(hop.links)
            got = chain_adjacency(questions, a, b, hops)
            assert {u: dict(vs) for u, vs in got.items()} == on_chains, (a, b, hops)
            seen += sum(len(vs) for vs in got.values())
    assert seen > 20


def test_enumeration_stops_at_max_chains(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.questions import paths as P

    adj = adjacency(link("a-b", "a", "b"), link("a-c", "a", "c"), link("a-d", "a", "d"),
                    link("b-z", "b", "z"), link("c-z", "c", "z"), link("d-z", "d", "z"))
    assert [len(chains_in(adj, "a", "z", 4)[0]), chains_in(adj, "a", "z", 4)[1]] == [3, False]
    monkeypatch.setattr(P, "MAX_CHAINS", 3)
    assert [len(chains_in(adj, "a", "z", 4)[0]), chains_in(adj, "a", "z", 4)[1]] == [3, True]
    monkeypatch.setattr(P, "MAX_CHAINS", 2)
    chains, truncated = chains_in(adj, "a", "z", 4)
    assert truncated is True and [c.entities for c in chains] == [("a", "b", "z"),
                                                                  ("a", "c", "z")]


def test_simple_paths_of_no_length_or_to_itself() -> None:
    from kg.questions.paths import simple_paths

    adj = adjacency(link("a-b", "a", "b"), link("b-a", "b", "a"))
    assert list(simple_paths(adj, "a", "b", 0)) == []
    assert list(simple_paths(adj, "a", "a", 3)) == []
    assert list(simple_paths(adj, "a", "b", 1)) == [["a", "b"]]


def test_links_follow_signed_causal_claims_by_default(questions: Questions) -> None:
    from kg.questions.paths import chain_adjacency, links

    corpus = questions.corpus_for(claims=list(questions.words.claim_ids()),
                                  entities=list(questions.words.entity_names().values()))
    assert "walking-no-effect-hormone-x" not in [ln.claim for ln in links(corpus)]
    assert "walking-no-effect-hormone-x" in [ln.claim for ln in links(corpus, True)]
    assert chain_adjacency(questions, "walking", "hormone-x", 2) == {}
    assert list(chain_adjacency(questions, "walking", "hormone-x", 2, True)) == ["walking"]


class _Rows:
    """A stand-in for the store's links.rq: rows (order, claim, subject, predicate,
    object, rating, status, origin) out of the given entities (into ``target`` only)."""

    def __init__(self, *edges: tuple[str, str]) -> None:
        self.rows = [(i, f"{a}-{b}", a, "increases", b, "none", "no-evidence", "article")
                     for i, (a, b) in enumerate(edges)]
        self.asked: list[tuple[list[str], str | None]] = []
        self.rated: list[str] = []

    def links_from(self, frontier: list[str], target: str | None = None, rated: bool = True
                   ) -> list[tuple[int, str, str, str, str, str, str, str]]:
        self.asked.append((sorted(frontier), target))
        found = [r for r in self.rows if r[2] in frontier and target in (None, r[4])]
        return found if rated else [r[:5] + ("", "", "") for r in found]

    def rate(self, rows: list[tuple[int, str, str, str, str, str, str, str]]
             ) -> list[tuple[int, str, str, str, str, str, str, str]]:
        self.rated.extend(r[1] for r in rows)
        return [r[:5] + ("none", "no-evidence", "article") for r in rows]


def test_links_off_every_chain_are_pruned() -> None:
    """s -> u -> v is a link u -> v three hops from t (v -> w -> t): with at most three
    hops, no chain runs through it, so it is left out; every other link is kept."""
    from typing import cast

    from kg.questions.paths import chain_adjacency

    store = _Rows(("s", "v"), ("s", "u"), ("u", "v"), ("v", "w"), ("w", "t"), ("w", "x"))
    adj = chain_adjacency(cast(Questions, store), "s", "t", 3)
    assert _claims(adj) == {"s": {"v": ["s-v"]}, "v": {"w": ["v-w"]}, "w": {"t": ["w-t"]}}
    # a breadth-first search, one query a depth, the last only into the target; only the
    # links kept are rated
    assert store.asked == [(["s"], None), (["u", "v"], None), (["w"], "t")]
    assert sorted(store.rated) == ["s-v", "v-w", "w-t"]
    assert _claims(chain_adjacency(cast(Questions, store), "s", "t", 4)) == {
        "s": {"v": ["s-v"], "u": ["s-u"]}, "u": {"v": ["u-v"]}, "v": {"w": ["v-w"]},
        "w": {"t": ["w-t"]}}
