"""The SHACL shapes (kg/graph/shapes.ttl): the compiled graph conforms; broken graphs do not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyshacl  # noqa: F401  (in the test group: a missing validator fails, never skips)
import pytest
import rdflib
from rdflib import RDF, RDFS, XSD, Literal, URIRef

from kg.config import PROJECT_BASE as B
from kg.diagnostics import Severity
from kg.graph.compiler import build, check_shapes, to_rdflib

REPO = Path(__file__).parent.parent
V = B + "vocab#"
PROJECT_BASE_VOCAB = V


def graph(root: Path) -> rdflib.Graph:
    result = build(root)
    assert result.triples is not None, result.diagnostics
    return to_rdflib(result.triples)


@pytest.fixture(scope="module")
def valid_graph() -> rdflib.Graph:
    return graph(Path(__file__).parent / "corpora" / "valid")


def test_valid_corpus_conforms(valid_graph: rdflib.Graph) -> None:
    conforms, report = check_shapes(valid_graph, B)
    assert conforms, report


def test_real_corpus_conforms() -> None:
    result = build(REPO)
    errors = [str(d) for d in result.diagnostics if d.severity == Severity.ERROR]
    assert result.triples is not None and errors == []
    conforms, report = check_shapes(to_rdflib(result.triples), result.base)
    assert conforms, report


def test_shapes_follow_the_base_iri(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "c"
    shutil.copytree(Path(__file__).parent / "corpora" / "valid", root)
    result = build(root, "https://kg.test/other/")
    assert result.triples is not None
    g = to_rdflib(result.triples)
    conforms, _ = check_shapes(g, "https://kg.test/other/")
    assert conforms
    g.remove((URIRef("https://kg.test/other/claim/walking-lowers-fracture"), RDFS.label, None))
    assert not check_shapes(g, "https://kg.test/other/")[0]


CLAIM = URIRef(B + "claim/walking-lowers-fracture")
EVIDENCE = URIRef(B + "evidence/walking-lowers-fracture-1")
STUDY = URIRef(B + "study/delta2019cohort")
STAT = URIRef(B + "statistic/walking-lowers-fracture-1-1")


Change = tuple[str, tuple[Any, Any, Any]]


def _drop(p: str, s: URIRef = CLAIM) -> list[Change]:
    return [("remove", (s, URIRef(p), None))]


BREAKS: dict[str, tuple[list[Change], str]] = {
    "claim without statement": (_drop(str(RDFS.label)), "MinCount"),
    "claim without its kind": (_drop(V + "claimKind"), "MinCount"),
    "claim without a rating": (_drop(V + "rating"), "MinCount"),
    "claim without its plain triple": (
        [("remove", (URIRef(B + "entity/hormone-x"), URIRef(V + "increases"),
                     URIRef(B + "entity/protein-p")))], "SPARQL"),
    "claim with two statements": (
        [("add", (CLAIM, RDFS.label, Literal("A second statement.")))], "MaxCount"),
    "claim with an unknown status": (
        _drop(V + "status") + [("add", (CLAIM, URIRef(V + "status"), URIRef(V + "status-great")))],
        "In"),
    "claim whose subject is not an entity": (
        _drop(str(RDF.subject)) + [("add", (CLAIM, RDF.subject, STUDY))], "Class"),
    "evidence line without study": (_drop(str(rdflib.DCTERMS.source), EVIDENCE), "MinCount"),
    "evidence line with an unknown stance": (
        _drop(V + "stance", EVIDENCE) +
        [("add", (EVIDENCE, URIRef(V + "stance"), Literal("supports")))], "In"),
    "sample size as a string (wrong datatype)": (
        _drop(V + "sampleSize", STUDY) +
        [("add", (STUDY, URIRef(V + "sampleSize"), Literal("2000")))], "Datatype"),
    "statistic value as a string (wrong datatype)": (
        _drop(V + "value", STAT) + [("add", (STAT, URIRef(V + "value"), Literal("2.42")))],
        "Datatype"),
    "confidence interval upside down": (
        _drop(V + "ciUpper", STAT) +
        [("add", (STAT, URIRef(V + "ciUpper"), Literal("1.0", datatype=XSD.double)))],
        "LessThanOrEquals"),
    "DOI IRI that is not a doi.org IRI": (
        [("add", (STUDY, URIRef("https://schema.org/sameAs"),
                  URIRef("https://example.com/paper")))], "Pattern"),
    "a study owl:sameAs its DOI (a work is not its identifier)": (
        [("add", (STUDY, rdflib.OWL.sameAs, URIRef("https://doi.org/10.9999/x")))], "MaxCount"),
    "a MeSH publication type as dcterms:type (a record is no class)": (
        [("add", (STUDY, rdflib.DCTERMS.type, URIRef("http://id.nlm.nih.gov/mesh/D016449")))],
        "MaxCount"),
    "entity with two role classes": (
        [("add", (URIRef(B + "entity/walking"), RDF.type, URIRef(V + "Outcome")))],
        "QualifiedMaxCount"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_shapes_reject_a_broken_graph(name: str, valid_graph: rdflib.Graph) -> None:
    changes, component = BREAKS[name]
    g = rdflib.Graph()
    for t in valid_graph:
        g.add(t)
    for op, triple in changes:
        if op == "remove":
            g.remove(triple)
        else:
            g.add(triple)
    conforms, report = check_shapes(g, B)
    assert not conforms, name
    assert f"{component}ConstraintComponent" in report, report


def test_the_documented_pyshacl_command_checks_a_rebased_build(
        runner: Any, valid_corpus: Path, tmp_path: Path) -> None:
    """docs/rdf.md: `kg export --format shapes` then `pyshacl -s shapes -a graph` passes a
    build on another base IRI and fails the same build damaged."""
    import subprocess
    import sys

    from cli import cli

    base = "https://w3id.org/kg-shacl-test/"
    graph_file, shapes_file = tmp_path / "graph.ttl", tmp_path / "shapes.ttl"
    for args in (["build", "-o", str(graph_file)],
                 ["export", "--format", "shapes", "-o", str(shapes_file)]):
        done = runner.invoke(cli, [*args, "--root", str(valid_corpus), "--base", base])
        assert done.exit_code == 0, done.output
    text = graph_file.read_text(encoding="utf-8")
    assert base + "vocab#" in text and PROJECT_BASE_VOCAB not in text
    assert base + "vocab#" in shapes_file.read_text(encoding="utf-8")
    pyshacl_bin = Path(sys.executable).parent / "pyshacl"

    def check(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pyshacl_bin), "-s", str(shapes_file), "-a", str(path)],
                              capture_output=True, text=True, timeout=300)

    good = check(graph_file)
    assert good.returncode == 0, good.stdout + good.stderr
    # damage: every evidence line loses its study (dcterms:source is required)
    damaged = tmp_path / "damaged.ttl"
    lines = [ln for ln in text.splitlines(keepends=True)
             if not ln.lstrip().startswith("dcterms:source study:")]
    assert len(lines) < len(text.splitlines())
    damaged.write_text("".join(lines), encoding="utf-8")
    bad = check(damaged)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "MinCountConstraintComponent" in bad.stdout
