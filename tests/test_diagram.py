"""Diagrams of chains and neighbourhoods (issue 13): Mermaid, DOT, and SVG drawn offline by
graphviz-pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from kg.questions import diagram as D
from kg.questions.paths import Link, chains_in

REPO = Path(__file__).parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def link(claim: str, a: str, b: str, sign: str = "+", rating: str = "none",
         status: str = "no-evidence") -> Link:
    pred = {"+": "increases", "-": "decreases"}[sign]
    return Link(claim, a, pred, b, sign, rating, status)  # type: ignore[arg-type]


def diagram(curated: tuple[str, ...] = ()) -> D.Diagram:
    lns = [link("a-b", "a", "b", "-", "high", "supported"),
           link("a-b-2", "a", "b", "-"),
           link("b-c", "b", "c", "+"),
           link("a-c", "a", "c", "+", "low", "supported")]
    adj: dict[str, dict[str, list[Link]]] = {}
    for ln in lns:
        adj.setdefault(ln.subject, {}).setdefault(ln.object, []).append(ln)
    chains, _ = chains_in(adj, "a", "c", 4)
    labels: dict[str, tuple[str, str | None]] = {
        "a": ("drug A", None), "b": ("hormone B", None), "c": ("outcome C", None)}
    return D.from_chains("A to C", chains, labels, lambda cid: cid in curated, ["a", "c"])


def test_one_edge_per_hop_with_sign_predicate_and_marks() -> None:
    d = diagram(curated=("b-c",))
    assert [(e.subject, e.object) for e in d.edges] == [("a", "c"), ("a", "b"), ("b", "c")]
    labels = {(e.subject, e.object): e.label for e in d.edges}
    assert labels[("a", "c")] == "+ increases"  # a one-hop chain marks no weakest link
    assert labels[("a", "b")] == "- decreases x2"
    assert labels[("b", "c")] == "+ increases [weakest, curator]"
    dot = D.to_dot(d)
    assert dot.count(" -> ") == 3
    assert "arrowhead=empty" in dot  # the curator's link looks different, not only in colour
    assert "penwidth=3.2" in dot  # the hop rated high is drawn heaviest
    mermaid = D.to_mermaid(d)
    assert mermaid.count("-->") + mermaid.count("-.->") == 3
    assert '-.->|"+ increases [weakest, curator]"|' in mermaid
    assert "linkStyle 2 " in mermaid


def test_svg_is_drawn_offline_and_has_a_size() -> None:
    svg = D.to_svg(diagram())
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert float(root.attrib["width"].removesuffix("pt")) > 100
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "hormone B" in texts and "- decreases x2" in texts
    assert root.find(f"{SVG}g/{SVG}title") is not None  # a title for assistive technology


def test_many_diagrams_in_one_run() -> None:
    svgs = D.dot_to_svg([D.to_dot(diagram()), D.to_dot(diagram(("a-c",)))])
    assert len(svgs) == 2 and all(s.startswith("<?xml") for s in svgs)


def test_paths_svg_of_the_real_corpus(tmp_path: Path) -> None:
    out = tmp_path / "mechanism.svg"
    result = CliRunner().invoke(cli, ["paths", "aromatase inhibitor", "fracture", "--format",
                                      "svg", "-o", str(out), "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    texts = {t.text for t in ET.parse(out).getroot().iter(f"{SVG}text")}
    assert {"aromatase inhibitor", "estrogen", "fracture"} <= texts


def test_show_draws_an_entity_a_claim_and_a_study() -> None:
    runner = CliRunner()
    for ident, expect in (("estrogen", "Claims into and out of estrogen"),
                          ("ai-lowers-estrogen", "ai-lowers-estrogen in its chains"),
                          ("kwan2021lifestyle", "Claims kwan2021lifestyle bears on")):
        result = runner.invoke(cli, ["show", ident, "--format", "mermaid", "--root", str(REPO)])
        assert result.exit_code == 0, result.output
        assert f"title: {expect}" in result.stdout
        assert "flowchart LR" in result.stdout


def test_a_hub_shows_its_best_supported_neighbours() -> None:
    lns = [link(f"hub-{i}", "hub", f"e{i:02}", "+", "high" if i % 10 == 0 else "none")
           for i in range(50)]
    kept, total = D.strongest_hops(lns, 8)
    assert total == 50
    assert {ln.claim for ln in kept} == {"hub-0", "hub-10", "hub-20", "hub-30", "hub-40",
                                         "hub-1", "hub-2", "hub-3"}  # rated high first, then by id
    assert D.strongest_hops(lns[:3], 8) == (lns[:3], 3)


def test_a_diagram_of_chains_through_an_entity_says_so() -> None:
    result = CliRunner().invoke(cli, ["paths", "aromatase inhibitor", "fracture", "--via",
                                      "RANKL", "--format", "mermaid", "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "title: aromatase inhibitor to fracture through RANKL: " in result.stdout
    assert '["osteoclast"]' in result.stdout
