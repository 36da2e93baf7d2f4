"""kg sparql: the four query forms, every output format, refused updates, one-line syntax
errors, and every shipped query in queries/."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg.store.sparql import query_form

CORPORA = Path(__file__).parent / "corpora"
QUERIES = sorted((Path(__file__).parent.parent / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(CORPORA / "questions", tmp_path_factory.mktemp("q") / "c"))


def run(root: Path, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["sparql", *args, "--root", str(root)], env={"COLUMNS": "100"})
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.stdout, r.stderr


STATUS_QUERY = "SELECT ?c ?s WHERE { ?c a kgv:Claim ; kgv:status ?s } ORDER BY ?c LIMIT 2"


def test_select_table(root: Path) -> None:
    code, out, _ = run(root, STATUS_QUERY)
    assert code == 0
    assert out == (
        "?c                              ?s\n"
        "claim:bone-loss-lowers-density  kgv:status-no-evidence\n"
        "claim:drug-d-lowers-hormone-x   kgv:status-no-evidence\n"
        "2 rows\n")


def test_select_json_is_sparql_results_json(root: Path) -> None:
    code, out, _ = run(root, STATUS_QUERY, "--json")
    doc = json.loads(out)
    assert doc["head"] == {"vars": ["c", "s"]}
    first = doc["results"]["bindings"][0]
    assert first["c"] == {"type": "uri",
                          "value": "https://example.org/kg-bone-ai/claim/bone-loss-lowers-density"}
    assert run(root, STATUS_QUERY, "--format", "json")[1] == out


def test_select_csv_and_tsv(root: Path) -> None:
    _, out, _ = run(root, STATUS_QUERY, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["c", "s"]
    assert rows[1][0] == "https://example.org/kg-bone-ai/claim/bone-loss-lowers-density"
    _, out, _ = run(root, STATUS_QUERY, "--format", "tsv")
    lines = out.splitlines()
    assert lines[0] == "?c\t?s"
    assert lines[1].startswith("<https://example.org/kg-bone-ai/claim/bone-loss-lowers-density>\t")


def test_literals_and_numbers(root: Path) -> None:
    q = ("SELECT ?n WHERE { study:alpha2020trial kgv:sampleSize ?n }")
    assert run(root, q)[1].splitlines()[:2] == ["?n", "100"]
    doc = json.loads(run(root, q, "--json")[1])
    assert doc["results"]["bindings"] == [{"n": {
        "type": "literal", "value": "100",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


def test_ask(root: Path) -> None:
    yes = "ASK { claim:walking-raises-density kgv:status kgv:status-not-supported }"
    no = "ASK { claim:walking-raises-density kgv:status kgv:status-supported }"
    assert run(root, yes) == (0, "true\n", "")
    assert run(root, no) == (1, "false\n", "")
    assert json.loads(run(root, yes, "--json")[1]) == {"head": {}, "boolean": True}


def test_construct_turtle_parses_to_the_same_triples(root: Path) -> None:
    import pyoxigraph as ox

    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = entity:protein-p) }"
    code, out, _ = run(root, q, "--format", "turtle")
    assert code == 0
    triples = set(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))
    assert ox.Triple(ox.NamedNode("https://example.org/kg-bone-ai/entity/protein-p"),
                     ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                     ox.Literal("PP")) in {ox.Triple(q.subject, q.predicate, q.object)
                                          for q in triples}
    code, out, _ = run(root, q)
    assert code == 0 and "entity:protein-p  skos:altLabel" in out
    doc = json.loads(run(root, q, "--json")[1])
    assert len(doc["triples"]) == len(triples)


def test_describe(root: Path) -> None:
    code, out, _ = run(root, "DESCRIBE study:beta2021meta", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["subject", "predicate", "object"]
    assert ["https://example.org/kg-bone-ai/study/beta2021meta",
            "https://example.org/kg-bone-ai/vocab#sampleSize", "12"] in rows


def test_empty_select_exits_1(root: Path) -> None:
    code, out, _ = run(root, "SELECT ?x WHERE { ?x a kgv:NoSuchClass }")
    assert code == 1
    assert out == "?x\n0 rows\n"


@pytest.mark.parametrize("update", [
    "INSERT DATA { <a> <b> <c> }",
    "PREFIX x: <http://x/> # comment\nDELETE WHERE { ?s ?p ?o }",
    "  load <http://example.org/data.ttl>",
    "CLEAR ALL", "DROP GRAPH <g>", "WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused(root: Path, update: str) -> None:
    code, out, err = run(root, update)
    assert code == 2 and out == ""
    assert "is a SPARQL update; kg sparql is read-only" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("bad", ["SELEC ?x", "SELECT ?x WHERE { ?x ?y }", "", "# only a comment"])
def test_syntax_errors_are_one_line(root: Path, bad: str) -> None:
    code, out, err = run(root, bad)
    assert code == 2 and out == ""
    assert err.startswith("kg: error: ")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_turtle_is_only_for_graphs(root: Path) -> None:
    code, _, err = run(root, STATUS_QUERY, "--format", "turtle")
    assert code == 2 and "turtle is for CONSTRUCT and DESCRIBE" in err


def test_query_from_a_missing_file(root: Path, tmp_path: Path) -> None:
    code, _, err = run(root, f"@{tmp_path / 'nope.rq'}")
    assert code == 2 and "cannot read query file" in err


def test_query_form_skips_the_prologue() -> None:
    text = "# c <x#y>\nPREFIX a: <http://a/#>\nBASE <http://b/>\n\n  select * {}"
    assert query_form(text) == "SELECT"


def test_the_graph_is_cached_and_follows_changes(tmp_path: Path) -> None:
    root = Path(shutil.copytree(CORPORA / "questions", tmp_path / "c"))
    q = "ASK { claim:drug-d-lowers-hormone-x rdfs:label 'Drug D lowers hormone X.' }"
    assert run(root, q)[0] == 0
    stores = sorted((root / "build" / "cache").glob("graph-*.oxigraph"))
    assert len(stores) == 1 and stores[0].with_name(stores[0].name + ".sum").is_file()
    assert run(root, q)[0] == 0  # from the store on disk
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text().replace("Drug D lowers hormone X.", "Drug D lowers X."))
    assert run(root, q)[0] == 1
    after = sorted((root / "build" / "cache").glob("graph-*.oxigraph"))
    assert len(after) == 1 and after != stores  # the old store is gone
    assert not list((root / "build" / "cache").glob(".graph-*"))  # no temporary folder left


def test_a_damaged_store_is_rebuilt(tmp_path: Path) -> None:
    import shutil as sh

    root = Path(shutil.copytree(CORPORA / "questions", tmp_path / "c"))
    q = "ASK { claim:drug-d-lowers-hormone-x a kgv:Claim }"
    assert run(root, q)[0] == 0
    (store,) = (root / "build" / "cache").glob("graph-*.oxigraph")
    for p in store.iterdir():
        if p.name != "kg-base":
            sh.rmtree(p) if p.is_dir() else p.unlink()
    assert run(root, q)[0] == 0


def test_another_base_iri_rebuilds_the_store(tmp_path: Path) -> None:
    root = Path(shutil.copytree(CORPORA / "questions", tmp_path / "c"))
    q = "SELECT ?c WHERE { ?c a kgv:Claim } LIMIT 1"
    assert "example.org" in run(root, q, "--format", "csv")[1]
    (root / "pyproject.toml").write_text('[tool.kg]\nbase = "https://kg.test/x/"\n')
    assert "https://kg.test/x/claim/" in run(root, q, "--format", "csv")[1]


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_shipped_queries_run(root: Path, query: Path) -> None:
    code, out, err = run(root, f"@{query}", "--json")
    assert code in (0, 1), err
    assert json.loads(out)
    assert query.read_text().startswith("#"), "start each query with a comment saying what it asks"


def test_shipped_query_answers(root: Path) -> None:
    def rows(name: str, edit: tuple[str, str] | None = None) -> list[list[str]]:
        text = (Path(__file__).parent.parent / "queries" / name).read_text()
        if edit:
            text = text.replace(*edit)
        _, out, _ = run(root, text, "--format", "csv")
        return list(csv.reader(io.StringIO(out)))[1:]

    # the query is the audit's "contradicted" and "overreaching", in SPARQL
    from kg.corpus.load import load_corpus
    from kg.questions.audit import audit

    corpus, _ = load_corpus(root)
    expected = {"https://example.org/kg-bone-ai/claim/" + f.claim for f in audit(corpus).findings
                if f.category in ("contradicted", "overreaching")}
    got = [r[0] for r in rows("overstated-claims.rq")]
    assert sorted(set(got)) == sorted(expected) and len(got) == len(expected)
    assert "https://example.org/kg-bone-ai/claim/walking-raises-density" in got
    assert rows("studies-by-design.rq")[0] == ["animal", "1", "1"]
    assert [r[2] for r in rows("citation-issues.rq")] == ["author", "year"]
    supports = rows("supports-for-claim.rq", ("aerobic-exercise-lowers-fracture-risk",
                                              "exercise-raises-density"))
    assert [(r[0], r[3]) for r in supports] == [("mixed", "meta-analysis"), ("supports", "rct")]
    about = rows("claims-about-entity.rq", ("entity:sclerostin", "entity:protein-p"))
    assert [(r[1], r[3]) for r in about] == [
        ("object", "exercise"), ("object", "hormone X"), ("object", "protein A"),
        ("subject", "bone loss")]
    assert len(rows("claim-graph.rq")) == 10
