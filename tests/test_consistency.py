"""Consistency checks (kg/checks/consistency.py): what each one flags and what it must not.

The cases that trigger each code are tests/corpora/invalid/KG60*; here are the cases that
must stay quiet, and the details of the messages.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.checks import consistency
from kg.checks.consistency import Link, _find_chain, _Graph
from kg.checks.validator import validate
from kg.corpus.load import load_corpus
from kg.corpus.model import Claim, Corpus, Entity, SourceLocator, Span
from kg.diagnostics import Diagnostic

REPO = Path(__file__).parent.parent

CLAIM = """\
  - id: {id}
    statement: A test claim.
    subject: {s}
    predicate: {p}
    object: {o}
    certainty: asserted
    source: {{section: basics, paragraph: 1}}
"""


def claim_yaml(cid: str, s: str, p: str, o: str, **extra: str) -> str:
    text = CLAIM.format(id=cid, s=s, p=p, o=o)
    for key, value in extra.items():
        text += f"    {key}: {value}\n"
    return text


@pytest.fixture
def add_claims(valid_corpus: Path) -> Callable[..., Path]:
    """Add a claims file to a copy of the valid corpus (its claims come after the others)."""

    def add(*claims: str, name: str = "zz-extra.yaml") -> Path:
        (valid_corpus / "claims" / name).write_text("claims:\n" + "".join(claims),
                                                    encoding="utf-8")
        return valid_corpus

    return add


def codes(root: Path, prefix: str = "KG6") -> list[tuple[str, int, int, str]]:
    _, diags = validate(root)
    return [(d.file, d.line, d.column, d.code) for d in diags if d.code.startswith(prefix)]


def only(root: Path, code: str) -> list[Diagnostic]:
    _, diags = validate(root)
    return [d for d in diags if d.code == code]


# -- KG601 ---------------------------------------------------------------------------------------


def test_direct_contradiction_names_the_other_claim(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("drug-d-raises-hormone-x", "drug-d", "increases", "hormone-x"))
    [d] = only(root, "KG601")
    assert (d.file, d.line, d.column) == ("claims/zz-extra.yaml", 5, 16)
    assert "'drug-d-lowers-hormone-x'" in d.message
    assert "claims/mechanism.yaml:2:5" in d.message


def test_opposite_associational_and_causal_signs_contradict(
        add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("d-goes-with-x", "drug-d", "associated-with", "hormone-x"))
    assert [d.code for d in only(root, "KG601")] == ["KG601"]


@pytest.mark.parametrize(("first", "second"), [
    ({"population": "children"}, {"population": "adults"}),
    ({"dose": "10 mg"}, {"dose": "80 mg", "population": "adults"}),
    ({"context": "after menopause"}, {"context": "before menopause"}),
])
def test_different_qualifiers_do_not_overlap(add_claims: Callable[..., Path],
                                             first: dict[str, str],
                                             second: dict[str, str]) -> None:
    root = add_claims(claim_yaml("p-raises-fracture", "protein-p", "increases", "fracture",
                                 **first),
                      claim_yaml("p-lowers-fracture", "protein-p", "decreases", "fracture",
                                 **second))
    assert codes(root) == []


def test_one_unqualified_claim_overlaps(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("p-raises-fracture", "protein-p", "increases", "fracture",
                                 population="children"),
                      claim_yaml("p-lowers-fracture", "protein-p", "decreases", "fracture"))
    [d] = only(root, "KG601")
    assert "'p-lowers-fracture'" in d.message and "'p-raises-fracture'" in d.message


@pytest.mark.parametrize("extra", [
    # the conflict is acknowledged, with a reason
    {"acknowledges": "[{claim: drug-d-lowers-hormone-x, reason: short-term rebound}]"},
    # the new claim is superseded
    {"superseded_by": "drug-d-lowers-hormone-x"},
])
def test_direct_contradiction_not_reported(add_claims: Callable[..., Path],
                                           extra: dict[str, str]) -> None:
    root = add_claims(claim_yaml("drug-d-raises-hormone-x", "drug-d", "increases", "hormone-x",
                                 **extra))
    assert codes(root) == []


def test_same_sign_is_no_contradiction(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("drug-d-also-lowers-x", "drug-d", "decreases", "hormone-x"))
    assert codes(root) == []


# -- KG607 ---------------------------------------------------------------------------------------


def test_an_effect_and_no_effect_on_the_same_pair_is_kg607(
        add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("drug-d-no-effect-x", "drug-d", "no-effect-on", "hormone-x"))
    [d] = only(root, "KG607")
    assert (d.file, d.line) == ("claims/zz-extra.yaml", 5)
    assert "'drug-d-no-effect-x'" in d.message and "'drug-d-lowers-hormone-x'" in d.message
    assert [c[3] for c in codes(root)] == ["KG607"]


def test_no_effect_in_another_population_is_no_kg607(add_claims: Callable[..., Path]) -> None:
    # walking-raises-density is about adults on drug D
    root = add_claims(claim_yaml("walking-no-effect-density", "walking", "no-effect-on",
                                 "bone-density", population="children"))
    assert codes(root) == []
    root = add_claims(claim_yaml("walking-no-effect-density", "walking", "no-effect-on",
                                 "bone-density", population="adults on drug D"))
    assert [c[3] for c in codes(root)] == ["KG607"]


def test_no_association_does_not_deny_a_causal_effect(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("drug-d-not-with-x", "drug-d", "not-associated-with",
                                 "hormone-x"))
    assert codes(root) == []


def test_an_acknowledged_pair_is_no_kg607(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("drug-d-no-effect-x", "drug-d", "no-effect-on", "hormone-x")
                      + "    acknowledges: [{claim: drug-d-lowers-hormone-x, reason: dose}]\n")
    assert codes(root) == []


def test_same_population_written_differently_overlaps(valid_corpus: Path) -> None:
    (valid_corpus / "claims" / "zz-extra.yaml").write_text(
        "claims:\n"
        + claim_yaml("walking-lowers-density", "walking", "decreases", "bone-density",
                     population="Adults on  drug D."), encoding="utf-8")
    assert [d.code for d in only(valid_corpus, "KG601")] == ["KG601"]


# -- KG602 ---------------------------------------------------------------------------------------


def test_chain_contradiction_shows_the_chain(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("drug-d-raises-protein-p", "drug-d", "increases", "protein-p"))
    [d] = only(root, "KG602")
    assert (d.file, d.line) == ("claims/zz-extra.yaml", 5)
    assert "drug-d -> hormone-x -> protein-p" in d.message
    assert "'drug-d-lowers-hormone-x' (-), 'hormone-x-raises-protein-p' (+)" in d.message
    assert "(net +)" in d.message and "gives net -" in d.message


def test_chain_of_four_links_is_found(add_claims: Callable[..., Path]) -> None:
    # drug-d -(-)-> hormone-x -(+)-> protein-p -(-)-> bone-loss -(-)-> bone-density: net -
    root = add_claims(claim_yaml("drug-d-raises-density", "drug-d", "increases",
                                 "bone-density"))
    [d] = only(root, "KG602")
    assert "drug-d -> hormone-x -> protein-p -> bone-loss -> bone-density" in d.message


def test_chain_that_agrees_is_not_reported(add_claims: Callable[..., Path]) -> None:
    root = add_claims(
        claim_yaml("drug-d-lowers-protein-p", "drug-d", "decreases", "protein-p"),
        claim_yaml("drug-d-lowers-density", "drug-d", "decreases", "bone-density"),
    )
    assert codes(root) == []


def test_associational_links_do_not_compose(valid_corpus: Path) -> None:
    mech = valid_corpus / "claims" / "mechanism.yaml"
    text = mech.read_text(encoding="utf-8")
    mech.write_text(text.replace("predicate: decreases\n    object: hormone-x",
                                 "predicate: inversely-associated-with\n    object: hormone-x"),
                    encoding="utf-8")
    (valid_corpus / "claims" / "zz-extra.yaml").write_text(
        "claims:\n" + claim_yaml("drug-d-raises-protein-p", "drug-d", "increases", "protein-p"),
        encoding="utf-8")
    assert codes(valid_corpus) == []


def test_zero_link_breaks_the_chain(valid_corpus: Path) -> None:
    mech = valid_corpus / "claims" / "mechanism.yaml"
    text = mech.read_text(encoding="utf-8")
    mech.write_text(text.replace("predicate: decreases\n    object: hormone-x",
                                 "predicate: no-effect-on\n    object: hormone-x"),
                    encoding="utf-8")
    (valid_corpus / "claims" / "zz-extra.yaml").write_text(
        "claims:\n" + claim_yaml("drug-d-raises-protein-p", "drug-d", "increases", "protein-p"),
        encoding="utf-8")
    assert codes(valid_corpus) == []


def test_acknowledged_chain_is_skipped(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml(
        "drug-d-raises-protein-p", "drug-d", "increases", "protein-p",
        acknowledges="[{claim: hormone-x-raises-protein-p, reason: another route dominates}]"))
    assert codes(root) == []


def test_superseded_link_takes_no_part(valid_corpus: Path) -> None:
    (valid_corpus / "claims" / "zz-extra.yaml").write_text(
        "claims:\n"
        + claim_yaml("drug-d-raises-protein-p", "drug-d", "increases", "protein-p")
        + claim_yaml("drug-d-lowers-x-old", "drug-d", "decreases", "hormone-x",
                     superseded_by="drug-d-raises-protein-p"), encoding="utf-8")
    # the live chain via drug-d-lowers-hormone-x is still there: one report, naming it
    [d] = only(valid_corpus, "KG602")
    assert "drug-d-lowers-x-old" not in d.message


def test_chain_through_a_negative_cycle_is_not_a_chain_contradiction(
        add_claims: Callable[..., Path]) -> None:
    # drug-d -> hormone-x -> protein-p -> hormone-x is a walk, not a simple chain
    root = add_claims(claim_yaml("p-lowers-x", "protein-p", "decreases", "hormone-x"))
    assert [d.code for d in only(root, "KG602")] == []


def test_planted_contradiction_in_a_copy_of_the_real_corpus(tmp_path: Path) -> None:
    """A claim contradicting a causal chain of the real corpus is caught, chain shown."""
    src = REPO
    if not (src / "claims" / "entities.yaml").is_file():
        pytest.fail("the real corpus (claims/) is missing")
    corpus, _ = load_corpus(src)
    graph = consistency._Graph(consistency._links(consistency._live(corpus)))
    plant = None
    for a, outs in sorted(graph.out.items()):
        for first in outs:
            for second in graph.out.get(first.target, ()):
                if second.target not in (a, first.target):
                    plant = (first, second)
                    break
            if plant:
                break
        if plant:
            break
    if plant is None:
        pytest.fail("the real corpus has no two-link causal chain to plant against")
    first, second = plant
    net = "+" if first.sign == second.sign else "-"
    wrong = "decreases" if net == "+" else "increases"
    dest = tmp_path / "real"
    shutil.copytree(src / "claims", dest / "claims")
    shutil.copyfile(src / "references.bib", dest / "references.bib")
    para = next(c.source for c in corpus.claims.values() if c.source is not None)
    (dest / "claims" / "zz-planted.yaml").write_text(
        "claims:\n  - id: planted-contradiction\n    statement: Planted.\n"
        f"    subject: {first.source}\n    predicate: {wrong}\n    object: {second.target}\n"
        f"    certainty: asserted\n"
        f"    source: {{section: {para.section}, paragraph: {para.paragraph}}}\n",
        encoding="utf-8")
    found = [d for d in only(dest, "KG602") if d.file == "claims/zz-planted.yaml"]
    assert len(found) == 1, found
    assert f"'{first.claim}'" in found[0].message and f"'{second.claim}'" in found[0].message
    assert f" {first.source} -> " in found[0].message
    assert found[0].message.count(" -> ") >= 2


# -- KG603 ---------------------------------------------------------------------------------------


def test_unsupported_link_names_the_chains(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("density-lowers-fracture", "bone-density", "decreases",
                                 "fracture"))
    [d] = only(root, "KG603")
    assert d.severity == "info"
    assert (d.file, d.line, d.column) == ("claims/exercise.yaml", 2, 5)
    assert "walking-raises-density -> density-lowers-fracture" in d.message


def test_a_neighbour_that_explains_no_claim_is_no_dependent(
        add_claims: Callable[..., Path]) -> None:
    # a chain walking -> bone-density -> protein-p exists, but no claim links walking to
    # protein-p, so nothing depends on the weak link
    root = add_claims(claim_yaml("density-raises-p", "bone-density", "increases", "protein-p"))
    assert codes(root) == []


def test_acknowledged_dependent_is_quiet(valid_corpus: Path) -> None:
    ex = valid_corpus / "claims" / "exercise.yaml"
    ex.write_text(ex.read_text(encoding="utf-8").replace(
        "    notes: Made-up test claim.\n",
        "    notes: Made-up test claim.\n    acknowledges: [{claim: walking-raises-density, "
        "reason: the fracture link does not run through density}]\n"), encoding="utf-8")
    (valid_corpus / "claims" / "zz-extra.yaml").write_text(
        "claims:\n" + claim_yaml("density-lowers-fracture", "bone-density", "decreases",
                                 "fracture"), encoding="utf-8")
    assert codes(valid_corpus) == []


def test_unsupported_claim_nothing_rests_on_is_quiet(valid_corpus: Path) -> None:
    # walking-raises-density has only null evidence, but no chain runs through it
    assert codes(valid_corpus) == []


def test_supported_link_is_quiet(valid_corpus: Path) -> None:
    ex = valid_corpus / "claims" / "exercise.yaml"
    text = ex.read_text(encoding="utf-8")
    ex.write_text(text.replace("stance: no-effect", "stance: supports", 1), encoding="utf-8")
    (valid_corpus / "claims" / "zz-extra.yaml").write_text(
        "claims:\n" + claim_yaml("density-lowers-fracture", "bone-density", "decreases",
                                 "fracture"), encoding="utf-8")
    assert codes(valid_corpus) == []


# -- KG604 ---------------------------------------------------------------------------------------


def test_odd_cycle_reported_once_at_smallest_id(add_claims: Callable[..., Path]) -> None:
    root = add_claims(
        claim_yaml("p-lowers-x", "protein-p", "decreases", "hormone-x"),
    )
    [d] = only(root, "KG604")
    # hormone-x-raises-protein-p < p-lowers-x
    assert (d.file, d.line) == ("claims/mechanism.yaml", 12)
    assert "hormone-x -> protein-p -> hormone-x" in d.message


def test_even_cycle_is_quiet(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml("p-raises-x", "protein-p", "increases", "hormone-x"))
    assert codes(root) == []


def test_acknowledged_feedback_loop_is_quiet(add_claims: Callable[..., Path]) -> None:
    root = add_claims(claim_yaml(
        "p-lowers-x", "protein-p", "decreases", "hormone-x",
        acknowledges="[{claim: hormone-x-raises-protein-p, reason: negative feedback}]"))
    assert codes(root) == []


# -- KG605, KG606 ---------------------------------------------------------------------------------


def test_study_cited_by_the_article_is_no_orphan(valid_corpus: Path) -> None:
    studies = valid_corpus / "claims" / "studies.yaml"
    studies.write_text(studies.read_text(encoding="utf-8")
                       + "  eta2021review:\n    design: narrative-review\n"
                         "    population: reviews\n    findings: A review.\n", encoding="utf-8")
    bib = valid_corpus / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8")
                   + "\n@misc{eta2021review,\n  title = {A review},\n  year = {2021}\n}\n",
                   encoding="utf-8")
    mech = valid_corpus / "claims" / "mechanism.yaml"
    mech.write_text(mech.read_text(encoding="utf-8").replace(
        "    source: {section: basics, paragraph: 1}\n",
        "    source: {section: basics, paragraph: 1}\n    article_cites: [eta2021review]\n", 1),
        encoding="utf-8")
    assert only(valid_corpus, "KG606") == []
    mech.write_text(mech.read_text(encoding="utf-8").replace(
        "    article_cites: [eta2021review]\n", ""), encoding="utf-8")
    assert [d.code for d in only(valid_corpus, "KG606")] == ["KG606"]


def test_orphans_wait_for_broken_records(valid_corpus: Path) -> None:
    mech = valid_corpus / "claims" / "mechanism.yaml"
    # the only claim using drug-d fails to load: drug-d is not reported as an orphan
    mech.write_text(mech.read_text(encoding="utf-8").replace("certainty: asserted",
                                                             "certainty: sure", 1),
                    encoding="utf-8")
    assert codes(valid_corpus, "KG605") == []


# -- scale -----------------------------------------------------------------------------------------


def _synthetic(n_entities: int, n_claims: int) -> Corpus:
    """A sparse random-like graph built deterministically, with consistent signs."""
    corpus = Corpus(root=".")
    span = Span("claims/x.yaml", 1, 1)
    level = {}
    for i in range(n_entities):
        eid = f"e{i}"
        corpus.entities[eid] = Entity(eid, eid, "mechanism", "protein", span)
        level[eid] = (i * 7919) % 2  # a potential: + links keep it, - links flip it
    for j in range(n_claims):
        a, b = f"e{(j * 31) % n_entities}", f"e{(j * 17 + 5 + j // n_entities) % n_entities}"
        if a == b:
            continue
        pred = "increases" if level[a] == level[b] else "decreases"
        cid = f"c{j}"
        corpus.claims[cid] = Claim(cid, "s", a, pred, b, "asserted", SourceLocator("s", 1), span)
    return corpus


def test_consistent_signs_give_no_contradiction_at_scale() -> None:
    # Signs derived from a potential are consistent: no chain or cycle can disagree.
    corpus = _synthetic(2000, 6000)
    found = [d.code for d in consistency.check(corpus) if d.code in ("KG601", "KG602", "KG604")]
    assert found == []


def test_cycle_search_agrees_with_networkx() -> None:
    import random

    import networkx as nx  # type: ignore[import-untyped]

    rng = random.Random(7)
    links = [consistency.Link(f"c{i}", f"n{rng.randrange(25)}", f"n{rng.randrange(25)}", "+")
             for i in range(90)]
    parallel: dict[tuple[str, str], list[consistency.Link]] = {}
    for lk in links:
        parallel.setdefault((lk.source, lk.target), []).append(lk)

    def canon(cycle: list[str]) -> tuple[str, ...]:
        i = cycle.index(min(cycle))
        return tuple(cycle[i:] + cycle[:i])

    ours = [canon(c) for c in consistency._node_cycles(parallel)]
    graph = nx.DiGraph(list(parallel))
    theirs = {canon(c) for c in nx.simple_cycles(graph, length_bound=consistency.MAX_HOPS)}
    assert len(ours) == len(set(ours))
    assert set(ours) == theirs
    assert len(theirs) > 10


# -- KG602's chain search against an oracle that tries every walk --------------------------


def test_the_chain_search_walks_from_the_end_with_fewer_links() -> None:
    # two chains a-c-e-b and a-d-e-b make the opposite sign of a-b; which one is named
    # depends on the end the search starts from
    links = [Link("c0", "a", "b", "+"), Link("c1", "a", "c", "+"), Link("c2", "a", "d", "+"),
             Link("c3", "d", "e", "+"), Link("c4", "c", "e", "+"), Link("c5", "e", "b", "-")]
    chain = _find_chain(_Graph(links), links[0])  # 2 links into b, 3 out of a: from b
    assert chain is not None and [lk.claim for lk in chain] == ["c2", "c3", "c5"]
    links.append(Link("c6", "f", "b", "+"))  # as many into b as out of a: from a
    chain = _find_chain(_Graph(links), links[0])
    assert chain is not None and [lk.claim for lk in chain] == ["c1", "c4", "c5"]


def test_near_is_each_state_within_two_links_with_its_fewest_links() -> None:
    graph = _Graph([Link("c0", "a", "b", "+"), Link("c1", "b", "c", "-"),
                    Link("c2", "c", "d", "+")])
    assert graph.near("a", backward=False) == {("a", "+"): 0, ("b", "+"): 1, ("c", "-"): 2}
    assert graph.near("c", backward=True) == {("c", "+"): 0, ("b", "-"): 1, ("a", "-"): 2}


def _shortest_opposite_chain(links: list[consistency.Link], stated: consistency.Link,
                             skip: set[str]) -> int | None:
    """The fewest links (2 to MAX_HOPS) of a simple chain from the stated claim's subject to
    its object with the opposite net sign, by trying every walk: what KG602 must find."""
    want = "-" if stated.sign == "+" else "+"
    best: int | None = None

    def walk(node: str, sign: str, visited: set[str], n: int) -> None:
        nonlocal best
        for lk in links:
            if lk.source != node or lk.claim in skip:
                continue
            s = "+" if sign == lk.sign else "-"
            if lk.target == stated.target:
                if n + 1 >= 2 and s == want and (best is None or n + 1 < best):
                    best = n + 1
            elif lk.target not in visited and n + 1 < consistency.MAX_HOPS:
                walk(lk.target, s, visited | {lk.target}, n + 1)

    walk(stated.source, "+", {stated.source}, 0)
    return best


def _check_every_stated_link(links: list[consistency.Link],
                             acks: list[frozenset[str]]) -> set[tuple[int, bool]]:
    """Check _find_chain for every link of a graph against the oracle; the (length, from
    which end) of each chain found."""
    seen = set()
    graph = consistency._Graph(links, acks)
    for stated in links:
        skip = {stated.claim, *graph.partners.get(stated.claim, ())}
        chain = consistency._find_chain(graph, stated)
        expected = _shortest_opposite_chain(links, stated, skip)
        if chain is None:
            assert expected is None, stated
            continue
        assert len(chain) == expected, stated
        on = [chain[0].source, *(lk.target for lk in chain)]
        assert (on[0], on[-1]) == (stated.source, stated.target)
        assert all(a.target == b.source for a, b in itertools.pairwise(chain))
        assert len(set(on)) == len(on)
        assert not {lk.claim for lk in chain} & skip
        assert sum(lk.sign == "-" for lk in chain) % 2 == (stated.sign == "+")
        # the search runs from the end with fewer links
        backward = (len(graph.into.get(stated.target, ()))
                    < len(graph.out.get(stated.source, ())))
        seen.add((len(chain), backward))
    return seen


def test_chain_search_finds_the_shortest_chain_every_walk_finds() -> None:
    import random

    seen = set()
    for seed in range(8):
        rng = random.Random(seed)
        nodes = [f"n{i}" for i in range(9)]
        links = []
        for i in range(26):
            a, b = rng.sample(nodes, 2)
            links.append(consistency.Link(f"c{i:02d}", a, b, rng.choice("+-")))
        acks = [frozenset((f"c{i:02d}", f"c{j:02d}")) for i, j in ((0, 1), (2, 5), (3, 7))]
        seen |= _check_every_stated_link(links, acks)
    # chains of every length were found, searched from either end
    assert seen == {(n, b) for n in (2, 3, 4) for b in (False, True)}


@pytest.mark.parametrize("raw", [
    # five links a-c-d-e-f-b make the opposite sign of a-b, and the quick test lets the
    # search run (through the stated link and a cycle b-g-b): five links are one too many
    [("a", "b", "+"), ("a", "c", "+"), ("c", "d", "+"), ("d", "e", "+"), ("e", "f", "+"),
     ("f", "b", "-"), ("b", "g", "+"), ("g", "b", "-")],
    # the search enters e straight from a first and finds nothing there; e must be free
    # again for the four-link chain a-c-d-e-b
    [("a", "b", "+"), ("a", "e", "+"), ("a", "c", "+"), ("e", "b", "+"), ("c", "d", "+"),
     ("d", "e", "-"), ("f", "b", "+")],
], ids=["five-links", "revisit"])
def test_chain_search_on_graphs_random_ones_missed(raw: list[tuple[str, str, str]]) -> None:
    _check_every_stated_link([consistency.Link(f"c{i}", s, t, sign)
                              for i, (s, t, sign) in enumerate(raw)], [])
