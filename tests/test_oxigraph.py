"""The graph in a real SPARQL server: `oxigraph serve` answers as kg's local store and rdflib do."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.config import PROJECT_BASE as B
from kg.graph.compiler import build, to_rdflib, to_store
from kg.graph.exporters import turtle

VALID = Path(__file__).parent / "corpora" / "valid"

SUPPORTING = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sepio: <http://purl.obolibrary.org/obo/SEPIO_>
SELECT ?claim ?study ?title WHERE {
  ?claim sepio:0000007 ?line .
  ?line dcterms:source ?study .
  ?study dcterms:title ?title .
} ORDER BY ?claim ?study
"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(oxigraph_server: str) -> str:
    return oxigraph_server


def _server_select(url: str, query: str) -> list[dict[str, str]]:
    req = urllib.request.Request(
        f"{url}/query?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        data = json.load(resp)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def test_server_answers_as_the_local_store_and_rdflib(server: str) -> None:
    result = build(VALID)
    assert result.triples is not None
    data = turtle(result.triples, B)
    req = urllib.request.Request(f"{server}/store?default", data=data, method="POST",
                                 headers={"Content-Type": "text/turtle"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status in (200, 201, 204)

    remote = _server_select(server, SUPPORTING)
    solutions = to_store(result.triples).query(SUPPORTING)
    assert isinstance(solutions, ox.QuerySolutions)
    local = [{k: getattr(sol[k], "value", None) for k in ("claim", "study", "title")}
             for sol in solutions]
    rows: Any = to_rdflib(result.triples).query(SUPPORTING)
    theirs = [{k: str(row[k]) for k in ("claim", "study", "title")} for row in rows]
    assert remote == local == theirs
    assert {r["claim"] for r in remote} == {B + "claim/walking-lowers-fracture",
                                            B + "claim/hormone-x-raises-protein-p"}
    assert _server_select(server, COUNT) == [{"n": str(len(result.triples))}]
