"""kg push and --endpoint against a real `oxigraph serve` on 127.0.0.1 (issue 15, part 4):
the real corpus and a 10k-claim generated corpus are pushed, and every question gives the
same output from the endpoint as from the local graph. A failed or cut-off push leaves the
old graph, and readers never see half a graph."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import free_port, recorder
from snippets import UNKNOWN_ENTITY_CLAIM

from cli import cli
from kg.config import PROJECT_BASE
from kg.store.endpoint import Endpoint, EndpointError
from kg.store.push import count, default_graph, push

REPO = Path(__file__).parent.parent
QUERIES = REPO / "queries"
GRAPH = default_graph(PROJECT_BASE)

#: Questions asked of the local graph and of the endpoint: (arguments, whether the output's
#: line order is the query's). Each must give the same stdout and exit status both ways.
#: A question command that takes --endpoint is one more line here.
QUESTIONS: list[tuple[list[str], bool]] = [
    (["sparql", f"@{QUERIES}/overstated-claims.rq"], True),
    (["sparql", f"@{QUERIES}/studies-by-design.rq", "--format", "json"], True),
    (["sparql", f"@{QUERIES}/citation-issues.rq", "--format", "csv"], False),
    (["sparql", "SELECT ?claim ?rating WHERE { ?claim kgv:rating ?r "
      "BIND(STRAFTER(STR(?r), '#rating-') AS ?rating) } ORDER BY ?claim", "--format", "tsv"],
     True),
    (["sparql", "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) "
      "WHERE { ?s ?p ?o }", "--format", "json"], True),
    (["sparql", "ASK { ?c a kgv:Claim }"], True),
    (["sparql", "ASK { ?c kgv:status kgv:status-no-such-status }"], True),
    (["sparql", "CONSTRUCT { ?c kgv:status ?s } WHERE { ?c a kgv:Claim ; kgv:status ?s }",
      "--format", "tsv"], False),
    (["sparql", "SELECT ?claim WHERE { ?claim kgv:status kgv:status-no-such-status }",
      "--format", "json"], True),
]


def _corpus_copy(dest: Path) -> Path:
    """The repository's own corpus (claims/, references.bib, pyproject.toml), copied."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "claims", dest / "claims")
    for name in ("references.bib", "pyproject.toml"):
        shutil.copy2(REPO / name, dest / name)
    return dest


def _generated(dest: Path, claims: int) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    module.main(["--claims", str(claims), "--out", str(dest), "--quiet"])
    return dest


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus_copy(tmp_path_factory.mktemp("real") / "corpus")


@pytest.fixture(scope="module")
def corpus_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generated(tmp_path_factory.mktemp("gen") / "c10000", 10_000)


def _push(runner: CliRunner, root: Path, *args: str) -> str:
    result = runner.invoke(cli, ["--root", str(root), "push", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return result.stderr


#: The question commands, asked of any corpus: the same .rq queries run on the endpoint.
COMMANDS: list[tuple[list[str], bool]] = [
    (["stats", "--json"], True),
    (["claims", "--status", "supported", "--json"], True),
    (["studies", "--json"], True),
]


def _corpus_questions(root: Path) -> list[tuple[list[str], bool]]:
    """Questions about the corpus's own claims, entities and studies."""
    if (root / "bench.json").is_file():  # a generated corpus names its own
        import json

        bench = json.loads((root / "bench.json").read_text())
        return [(["studies", bench["studies_query"], "--json"], True),
                (["show", bench["claim"], "--json"], True),
                (["paths", *bench["paths"], "--json"], True)]
    return [(["studies", "magnesium hip bone density"], True),
            (["show", "magnesium-intake-hip-bmd", "--json"], True),
            (["show", "groenendijk2022magnesium"], True),
            (["show", "estrogen", "--json"], True),
            (["claims", "--about", "estrogen", "--as", "object"], True),
            (["paths", "aromatase-inhibitor", "fracture", "--json"], True),
            (["audit", "--format", "json"], True)]


def _same_answers(runner: CliRunner, root: Path, remote: list[str]) -> None:
    for args, ordered in [*QUESTIONS, *COMMANDS, *_corpus_questions(root)]:
        local = runner.invoke(cli, ["--root", str(root), *args])
        there = runner.invoke(cli, ["--root", str(root), *args, *remote])
        assert local.exit_code in (0, 1), local.output
        assert there.exit_code == local.exit_code, (args, there.output)
        if ordered:
            assert there.stdout == local.stdout, args
        else:
            assert sorted(there.stdout.splitlines()) == sorted(local.stdout.splitlines()), args
        assert local.stdout.strip(), args


def test_the_real_corpus_answers_the_same_from_the_endpoint(
        runner: CliRunner, real_corpus: Path, oxigraph_server: str) -> None:
    line = _push(runner, real_corpus, "--endpoint", oxigraph_server)
    graph = (real_corpus / "build" / "graph.ttl").read_bytes()
    assert line.startswith(f"pushed build/graph.ttl to <{GRAPH}> at {oxigraph_server}/store: "
                           ) or f"to <{GRAPH}> at {oxigraph_server}/store: " in line
    assert f", {len(graph)} bytes, " in line and line.endswith(" s\n")
    _same_answers(runner, real_corpus, ["--endpoint", oxigraph_server])


def test_the_10k_corpus_answers_the_same_from_the_endpoint(
        runner: CliRunner, corpus_10k: Path, oxigraph_server: str) -> None:
    graph = "https://example.org/kg-bone-ai/graph-10k"
    _push(runner, corpus_10k, "--endpoint", oxigraph_server + "/query", "--graph", graph)
    _same_answers(runner, corpus_10k, ["--endpoint", oxigraph_server, "--graph", graph])
    assert count(Endpoint(oxigraph_server, env={}), graph) > 500_000


# -- what a push leaves behind -------------------------------------------------------------------


def _graphs(url: str) -> set[str]:
    rows = Endpoint(url, env={}).select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {row["g"].value for row in rows}


def test_a_push_rebuilds_a_missing_or_stale_graph_file(
        runner: CliRunner, valid_corpus: Path, oxigraph_server: str) -> None:
    graph = "https://example.org/test/stale"
    _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph)
    built = valid_corpus / "build" / "graph.ttl"
    expected = built.read_bytes()
    assert expected == runner.invoke(cli, ["--root", str(valid_corpus), "build", "-o", "-"]
                                     ).stdout_bytes
    built.write_bytes(b"stale")
    _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph)
    assert built.read_bytes() == expected
    shutil.rmtree(valid_corpus / "build")
    _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph)
    assert built.read_bytes() == expected


def test_move_replaces_the_graph_and_leaves_no_temporary_graph(
        runner: CliRunner, valid_corpus: Path, oxigraph_server: str) -> None:
    graph = "https://example.org/test/moved"
    line = _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph,
                 "--move")
    assert line.rstrip().endswith("(via MOVE)")
    ep = Endpoint(oxigraph_server, env={})
    first = count(ep, graph)
    _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph, "--move")
    assert count(ep, graph) == first > 0
    assert not any(g.startswith("urn:kg:push:") for g in _graphs(oxigraph_server))


def test_the_default_graph_can_be_the_target(runner: CliRunner, valid_corpus: Path,
                                             tmp_path: Path) -> None:
    from servers import oxigraph

    with oxigraph(location=tmp_path / "oxigraph-data") as url:  # on disk, as docs/scale.md
        _push(runner, valid_corpus, "--endpoint", url, "--graph", "default")
        assert _graphs(url) == {"urn:kg:places"}  # the places graph the questions read
        plain = runner.invoke(cli, ["--root", str(valid_corpus), "sparql",
                                    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"])
        there = runner.invoke(cli, ["--root", str(valid_corpus), "sparql",
                                    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--endpoint", url,
                                    "--graph", "default"])
        assert there.stdout == plain.stdout


@pytest.mark.parametrize("move", [False, True])
def test_a_failed_push_leaves_the_old_graph(valid_corpus: Path, oxigraph_server: str,
                                            runner: CliRunner, move: bool) -> None:
    graph = f"https://example.org/test/failed-{move}"
    _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph)
    ep = Endpoint(oxigraph_server, env={})
    before = count(ep, graph)
    good = (valid_corpus / "build" / "graph.ttl").read_bytes()
    broken = good + b"\n<https://example.org/x> <https://example.org/y> this is not turtle .\n"
    with pytest.raises(EndpointError, match=r"pushing to <.*> failed: .* answered HTTP 400"):
        push(ep, broken, before + 1, graph, move=move)
    assert count(ep, graph) == before
    assert not any(g.startswith("urn:kg:push:") for g in _graphs(oxigraph_server))


def test_a_push_cut_off_midway_leaves_the_old_graph(valid_corpus: Path, oxigraph_server: str,
                                                    runner: CliRunner) -> None:
    graph = "https://example.org/test/cut"
    _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph)
    ep = Endpoint(oxigraph_server, env={})
    before = count(ep, graph)
    data = (valid_corpus / "build" / "graph.ttl").read_bytes()
    host, port = urllib.parse.urlsplit(oxigraph_server).netloc.split(":")
    path = "/store?" + urllib.parse.urlencode({"graph": graph})
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(f"PUT {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/turtle\r\n"
                     f"Content-Length: {len(data)}\r\n\r\n".encode() + data[: len(data) // 2])
    assert count(ep, graph) == before


def test_readers_see_the_old_graph_or_the_new_one_never_a_part(
        corpus_10k: Path, valid_corpus: Path, oxigraph_server: str, runner: CliRunner) -> None:
    graph = "https://example.org/test/atomic"
    _push(runner, valid_corpus, "--endpoint", oxigraph_server, "--graph", graph)
    ep = Endpoint(oxigraph_server, env={})
    old = count(ep, graph)
    big = corpus_10k / "build" / "graph.ttl"
    if not big.exists():
        _push(runner, corpus_10k, "--endpoint", oxigraph_server, "--graph", graph + "-prep")
    data = big.read_bytes()
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(count(ep, graph))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        pushed = push(ep, data, 0, graph, verify=False)
    finally:
        done.set()
        reader.join()
    new = count(ep, graph)
    assert new > old and pushed.size == len(data)
    assert set(seen) <= {old, new}, sorted(set(seen))


# -- refusals and failures of kg push ----------------------------------------------------------


def test_push_to_nothing_is_one_line_exit_2(runner: CliRunner, valid_corpus: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(cli, ["--root", str(valid_corpus), "push", "--endpoint", url])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kg: error: pushing to <{GRAPH}> failed: cannot reach")
    assert len(result.stderr.splitlines()) == 1


def test_push_without_a_known_graph_store_says_so_before_building(
        runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["--root", str(valid_corpus), "push", "--endpoint",
                                 "https://sparql.example.org/ds/sparql"])
    assert result.exit_code == 2
    assert "give it with --store URL" in result.stderr
    assert not (valid_corpus / "build").exists()


def test_push_refuses_a_graph_that_is_no_iri(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["--root", str(valid_corpus), "push", "--endpoint",
                                 "http://127.0.0.1:1", "--graph", "my graph"])
    assert result.exit_code == 2
    assert "not an absolute IRI" in result.stderr


def test_push_of_a_corpus_with_errors_sends_nothing(runner: CliRunner,
                                                     valid_corpus: Path) -> None:
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    with recorder() as rec:
        result = runner.invoke(cli, ["--root", str(valid_corpus), "push", "--endpoint",
                                     rec.url])
        assert result.exit_code == 1, result.output
        assert "nothing written" in result.stderr
        assert rec.seen == []


def test_credentials_go_to_the_store_from_the_environment_only(
        runner: CliRunner, valid_corpus: Path) -> None:
    from servers import Reply, Seen

    with recorder() as rec:
        def answer(seen: Seen) -> Reply:
            if seen.method == "PUT":
                return Reply(201, b"", {})
            n = places if "graph-places&" in seen.path else triples  # each graph's count
            return Reply(200, b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": '
                         b'{"type": "literal", "value": "%d", "datatype": '
                         b'"http://www.w3.org/2001/XMLSchema#integer"}}]}}' % n)

        triples = int(runner.invoke(cli, ["--root", str(valid_corpus), "sparql",
                                          "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
                                          "--format", "csv"]).stdout.split()[1])
        from kg.checks.validator import validate
        from kg.store.local import places_nquads

        places = places_nquads(validate(valid_corpus)[0], PROJECT_BASE).count(b"\n")
        rec.reply = answer
        secret = "pw-never-shown"
        result = runner.invoke(cli, ["--root", str(valid_corpus), "push", "--endpoint",
                                     rec.url], env={"KG_ENDPOINT_USER": "ana",
                                                    "KG_ENDPOINT_PASSWORD": secret})
        assert result.exit_code == 0, result.output
        assert [s.method for s in rec.seen] == ["PUT", "POST", "PUT", "POST"]  # graph, places
        assert all(s.headers["Authorization"].startswith("Basic ") for s in rec.seen)
        assert secret not in result.output
        assert all(secret not in s.path for s in rec.seen)
