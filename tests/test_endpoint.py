"""kg.store.endpoint against a recording HTTP server: what is sent (method, media types,
the dataset, credentials from the environment only), and one clear line for every way a
request can fail (issue 15, part 4)."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import Recorder, Reply, Seen, free_port, recorder

from cli import cli
from kg.errors import KgError
from kg.store.endpoint import (
    Endpoint,
    EndpointError,
    credentials,
    locations,
    parse_results,
)
from kg.store.terms import Backend, Term

SECRET = "s3cret-pa55"
TOKEN = "tok-abc123"
XSD = "http://www.w3.org/2001/XMLSchema#"

ROWS = {
    "head": {"vars": ["s", "n", "label", "missing"]},
    "results": {"bindings": [
        {"s": {"type": "uri", "value": "http://x/a"},
         "n": {"type": "literal", "value": "3", "datatype": XSD + "integer"},
         "label": {"type": "literal", "value": "hip", "xml:lang": "en"}},
        {"s": {"type": "bnode", "value": "b0"},
         "n": {"type": "typed-literal", "value": "2.5", "datatype": XSD + "double"},
         "label": {"type": "literal", "value": "plain", "datatype": XSD + "string"}},
    ]},
}


@pytest.fixture
def rec() -> Iterator[Recorder]:
    with recorder() as r:
        yield r


def _json(doc: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(doc).encode())


# -- what is sent ------------------------------------------------------------------------------


def test_select_posts_the_query_and_parses_every_term_kind(rec: Recorder) -> None:
    rec.reply = _json(ROWS)
    ep = Endpoint(rec.url + "/query", graph="http://x/graph", env={})
    rows = ep.select("SELECT * WHERE { ?s ?p ?o }")
    assert rows == [
        {"s": Term("iri", "http://x/a"), "n": Term("literal", "3", XSD + "integer"),
         "label": Term("literal", "hip", None, "en")},
        {"s": Term("bnode", "b0"), "n": Term("literal", "2.5", XSD + "double"),
         "label": Term("literal", "plain")},
    ]
    [seen] = rec.seen
    assert seen.method == "POST"
    assert seen.path == ("/query?default-graph-uri=http%3A%2F%2Fx%2Fgraph"
                         "&named-graph-uri=http%3A%2F%2Fx%2Fgraph-places")  # and its places
    assert seen.headers["Content-Type"] == "application/sparql-query"
    assert seen.headers["Accept"] == "application/sparql-results+json"
    assert seen.body == b"SELECT * WHERE { ?s ?p ?o }"
    assert "Authorization" not in seen.headers


def test_an_endpoint_is_a_backend(rec: Recorder) -> None:
    rec.reply = _json({"head": {}, "boolean": True})
    backend: Backend = Endpoint(rec.url, env={})
    assert backend.ask("ASK {}") is True
    assert backend.where == rec.url + "/query"
    assert "default-graph-uri" not in rec.seen[0].path


def test_a_bare_server_url_means_oxigraphs_layout() -> None:
    assert locations("http://h:7878") == locations("http://h:7878/") == locations(
        "http://h:7878/query")
    loc = locations("http://h:7878")
    assert (loc.query, loc.update, loc.store) == (
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store")
    fuseki = locations("https://h/ds/sparql", store="https://h/ds/data")
    assert (fuseki.query, fuseki.update, fuseki.store) == (
        "https://h/ds/sparql", None, "https://h/ds/data")


def test_put_graph_and_update(rec: Recorder) -> None:
    rec.reply = Reply(204, b"", {})
    ep = Endpoint(rec.url, env={})
    assert ep.put_graph("http://x/g", b"<a:b> <a:c> <a:d> .") == 204
    ep.put_graph(None, b"")
    ep.update("DROP SILENT GRAPH <http://x/t>")
    put, put_default, update = rec.seen
    assert (put.method, put.path) == ("PUT", "/store?graph=http%3A%2F%2Fx%2Fg")
    assert put.headers["Content-Type"] == "text/turtle"
    assert put_default.path == "/store?default"
    assert (update.method, update.path) == ("POST", "/update")
    assert update.headers["Content-Type"] == "application/sparql-update"


# -- credentials: from the environment only ----------------------------------------------------


def test_basic_auth_comes_from_the_environment(rec: Recorder) -> None:
    rec.reply = _json({"head": {}, "boolean": False})
    env = {"KG_ENDPOINT_USER": "ana", "KG_ENDPOINT_PASSWORD": SECRET}
    Endpoint(rec.url, env=env).ask("ASK {}")
    expected = base64.b64encode(f"ana:{SECRET}".encode()).decode()
    assert rec.seen[0].headers["Authorization"] == f"Basic {expected}"
    assert SECRET not in rec.seen[0].path


def test_a_token_is_sent_as_bearer(rec: Recorder) -> None:
    rec.reply = Reply(204, b"", {})
    Endpoint(rec.url, env={"KG_ENDPOINT_TOKEN": TOKEN}).put_graph("http://x/g", b"")
    assert rec.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(("env", "words"), [
    ({"KG_ENDPOINT_USER": "ana"}, "KG_ENDPOINT_PASSWORD is not set"),
    ({"KG_ENDPOINT_PASSWORD": SECRET}, "KG_ENDPOINT_USER is not set"),
    ({"KG_ENDPOINT_TOKEN": TOKEN, "KG_ENDPOINT_USER": "ana"}, "unset one kind"),
])
def test_incomplete_or_doubled_credentials_are_refused(env: dict[str, str],
                                                        words: str) -> None:
    with pytest.raises(EndpointError, match=words) as info:
        credentials(env)
    assert SECRET not in str(info.value) and TOKEN not in str(info.value)


def test_credentials_never_show_in_their_repr() -> None:
    creds = credentials({"KG_ENDPOINT_TOKEN": TOKEN})
    assert TOKEN not in repr(creds) and TOKEN not in repr(Endpoint("http://127.0.0.1:1",
                                                                   env={}))


@pytest.mark.parametrize("url", ["http://ana:pw@127.0.0.1:7878/query",
                                 "https://ana@example.org/sparql"])
def test_a_url_with_userinfo_is_refused(url: str) -> None:
    with pytest.raises(EndpointError, match="KG_ENDPOINT_USER") as info:
        Endpoint(url, env={})
    assert "pw" not in str(info.value)


@pytest.mark.parametrize("url", ["ftp://h/x", "file:///etc/passwd", "http:///query",
                                 "http://h:99999/", "http://h/query#x"])
def test_a_url_that_is_no_http_url_is_refused(url: str) -> None:
    with pytest.raises(EndpointError):
        Endpoint(url, env={})


def test_credentials_over_plain_http_to_another_host_are_refused() -> None:
    env = {"KG_ENDPOINT_TOKEN": TOKEN}
    with pytest.raises(EndpointError, match="KG_ENDPOINT_ALLOW_HTTP=1"):
        Endpoint("http://sparql.example.org/query", env=env)
    with pytest.raises(EndpointError, match="plain http"):  # the store URL counts too
        Endpoint("https://sparql.example.org/query", store="http://sparql.example.org/g",
                 env=env)
    Endpoint("https://sparql.example.org/query", env=env)
    Endpoint("http://localhost:7878", env=env)
    Endpoint("http://[::1]:7878", env=env)
    Endpoint("http://sparql.example.org/query", env={**env, "KG_ENDPOINT_ALLOW_HTTP": "1"})
    Endpoint("http://sparql.example.org/query", env={})  # no credentials, nothing to leak


def test_the_cli_takes_no_credentials_on_the_command_line(runner: CliRunner) -> None:
    for command in ("push", "sparql"):
        text = runner.invoke(cli, [command, "--help"]).stdout
        assert "--password" not in text and "--token" not in text and "--user" not in text
        assert "KG_ENDPOINT_TOKEN" in text
    result = runner.invoke(cli, ["sparql", "ASK {}", "--endpoint",
                                 f"http://ana:{SECRET}@127.0.0.1:1/query"])
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert "KG_ENDPOINT_USER" in result.stderr


# -- failures: one line each -------------------------------------------------------------------


def test_http_errors_show_the_status_and_the_servers_first_line(rec: Recorder) -> None:
    rec.reply = Reply(400, b"Parser error: unexpected '}' at line 1\nmore detail\n",
                      {"Content-Type": "text/plain"})
    with pytest.raises(EndpointError) as info:
        Endpoint(rec.url, env={}).select("SELECT")
    assert str(info.value) == (f"{rec.url}/query answered HTTP 400 Bad Request: Parser "
                               "error: unexpected '}' at line 1")
    assert info.value.status == 400


def test_an_authentication_failure_says_where_credentials_come_from(rec: Recorder) -> None:
    rec.reply = Reply(401, b"Unauthorized", {"Content-Type": "text/plain"})
    with pytest.raises(EndpointError, match="set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"):
        Endpoint(rec.url, env={}).ask("ASK {}")
    with pytest.raises(EndpointError, match="credentials in the environment were refused"):
        Endpoint(rec.url, env={"KG_ENDPOINT_TOKEN": TOKEN}).ask("ASK {}")


def test_a_server_echoing_the_credentials_is_masked(rec: Recorder) -> None:
    def echo(seen: Seen) -> Reply:
        return Reply(403, f"forbidden for {seen.headers['Authorization']}".encode(), {})

    rec.reply = echo
    env = {"KG_ENDPOINT_USER": "ana", "KG_ENDPOINT_PASSWORD": SECRET}
    with pytest.raises(EndpointError) as info:
        Endpoint(rec.url, env=env).ask("ASK {}")
    pair = base64.b64encode(f"ana:{SECRET}".encode()).decode()
    assert pair not in str(info.value) and "Basic ***" in str(info.value)


def test_an_answer_that_is_not_json_is_named(rec: Recorder) -> None:
    rec.reply = Reply(200, b"<html><body>Welcome to nginx</body></html>",
                      {"Content-Type": "text/html"})
    with pytest.raises(EndpointError, match=r"is not SPARQL results JSON \(text/html: "
                                            r"'<html><body>Welcome to nginx"):
        Endpoint(rec.url, env={}).select("SELECT * {}")


def test_redirects_are_not_followed(rec: Recorder) -> None:
    rec.reply = Reply(307, b"", {"Location": "http://elsewhere.example/query"})
    with pytest.raises(EndpointError, match="redirects .* to http://elsewhere.example/query"):
        Endpoint(rec.url, env={"KG_ENDPOINT_TOKEN": TOKEN}).select("SELECT * {}")
    assert len(rec.seen) == 1


def test_connection_refused_says_so() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EndpointError, match="cannot reach .*: connection refused"):
        Endpoint(url, env={}).ask("ASK {}")


def test_a_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        ep = Endpoint(f"http://127.0.0.1:{port}", timeout=0.5, env={})
        with pytest.raises(EndpointError, match=r"no answer from .* within 0.5 s"):
            ep.ask("ASK {}")


def test_a_dropped_connection_is_one_line() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def drop() -> None:
            conn, _ = listener.accept()
            conn.recv(65536)
            conn.close()

        thread = threading.Thread(target=drop)
        thread.start()
        with pytest.raises(EndpointError, match="127.0.0.1"):
            Endpoint(f"http://127.0.0.1:{port}", env={}).ask("ASK {}")
        thread.join()


@pytest.mark.parametrize("body", [b'{"head": {}}', b"[1]", b'{"head": {"vars": ["x"]}, '
                                  b'"results": {"bindings": [{"x": {"type": "weird", '
                                  b'"value": "v"}}]}}'])
def test_json_that_is_no_results_document_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_results(body)


def test_graph_answers_are_parsed(rec: Recorder) -> None:
    rec.reply = Reply(200, b'<http://x/a> <http://x/b> "c"@en .\n',
                      {"Content-Type": "application/n-triples"})
    triples = Endpoint(rec.url, env={}).construct("CONSTRUCT WHERE { ?s ?p ?o }")
    assert triples == [(Term("iri", "http://x/a"), Term("iri", "http://x/b"),
                        Term("literal", "c", None, "en"))]
    assert rec.seen[0].headers["Accept"].startswith("application/n-triples")
    rec.reply = Reply(200, b"<p>not rdf</p>", {"Content-Type": "text/html"})
    with pytest.raises(KgError, match="not an RDF graph"):
        Endpoint(rec.url, env={}).construct("CONSTRUCT WHERE { ?s ?p ?o }")


# -- kg sparql --endpoint: refusals before anything is sent -------------------------------------


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
])
def test_updates_and_service_are_refused_before_sending(query: str, rec: Recorder,
                                                        runner: CliRunner,
                                                        tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--root", str(tmp_path), "sparql", query,
                                 "--endpoint", rec.url])
    assert result.exit_code == 2, result.output
    assert rec.seen == []


def test_sparql_endpoint_errors_are_one_line_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(cli, ["sparql", "ASK {}", "--endpoint", url])
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: error: cannot reach")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


def test_the_query_goes_out_with_the_graphs_prefixes(rec: Recorder, runner: CliRunner,
                                                     tmp_path: Path) -> None:
    rec.reply = _json({"head": {}, "boolean": True})
    result = runner.invoke(cli, ["sparql", "ASK { ?c a kgv:Claim }", "--endpoint", rec.url])
    assert result.exit_code == 0, result.output
    assert result.stdout == "true\n"
    body = rec.seen[0].body.decode()
    assert body.startswith("BASE <https://example.org/kg-bone-ai/>\n")
    assert "PREFIX kgv: <https://example.org/kg-bone-ai/vocab#>" in body or "PREFIX kgv:" in body
    assert body.endswith("ASK { ?c a kgv:Claim }")
    assert "default-graph-uri=https%3A%2F%2Fexample.org%2Fkg-bone-ai%2Fgraph" in rec.seen[0].path
