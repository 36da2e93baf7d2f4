"""``kg push``: replace a named graph in a SPARQL 1.1 store with the compiled graph.

One HTTP PUT of the Turtle that ``kg build`` writes to the store's Graph Store HTTP
Protocol endpoint (``?graph=IRI``) replaces the graph. In Oxigraph a PUT is one
transaction, so readers see the old graph or the new one, never a part. For stores where
that is not so, ``move=True`` loads into a fresh temporary graph (``urn:kg:push:<random>``)
and then replaces the target with one SPARQL Update, ``MOVE <tmp> TO <graph>``; the
temporary graph is dropped again if the MOVE fails. Afterwards the store is asked how many
triples the graph holds, which must be the number kg sent.

The graph defaults to :func:`default_graph` of the base IRI (``<base>graph``); ``default``
names the store's default graph.
"""

from __future__ import annotations

import time
import urllib.parse
import uuid
from dataclasses import dataclass

from kg.errors import KgError
from kg.store.endpoint import Endpoint, EndpointError

#: the --graph value that names the store's default graph instead of a named one
DEFAULT = "default"


def default_graph(base: str) -> str:
    """The named graph a corpus is pushed to unless told otherwise: ``<base>graph``."""
    return base + "graph" if base.endswith(("/", "#")) else base + "/graph"


def graph_iri(value: str | None, base: str) -> str | None:
    """The graph ``--graph`` names: None for ``default`` (the store's default graph),
    :func:`default_graph` when not given, else ``value``, which must be an absolute IRI."""
    if value is None:
        return default_graph(base)
    if value == DEFAULT:
        return None
    scheme = urllib.parse.urlsplit(value).scheme
    if not scheme or any(c in value for c in '<>"{}|^`\\ \t\n'):
        raise KgError(f"--graph {value!r} is not an absolute IRI (such as {default_graph(base)}"
                      f"), nor '{DEFAULT}' for the store's default graph")
    return value


def shown(graph: str | None) -> str:
    """A graph for messages: ``<iri>`` or ``the default graph``."""
    return f"<{graph}>" if graph else "the default graph"


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(endpoint: Endpoint, graph: str | None) -> int:
    """How many triples the store holds in ``graph`` (None: its default graph), asked with
    ``graph`` as the query's default graph."""
    rows = endpoint.asking(graph).select(COUNT)
    term = rows[0].get("n") if rows else None
    value = term.python() if term is not None else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise EndpointError(f"{endpoint.where} gave no triple count for {shown(graph)}")
    return value


@dataclass(frozen=True, slots=True)
class Pushed:
    """What a push did: the graph replaced, triples and bytes sent, seconds taken, the
    count the store reports afterwards (None: not asked), and whether it went through a
    temporary graph and MOVE."""

    graph: str | None
    triples: int
    size: int
    seconds: float
    stored: int | None
    moved: bool


def push(endpoint: Endpoint, data: bytes, triples: int, graph: str | None, *,
         move: bool = False, verify: bool = True,
         content_type: str = "text/turtle") -> Pushed:
    """Replace ``graph`` (None: the default graph) in the store behind ``endpoint`` with
    ``data`` (``triples`` triples of ``content_type``). EndpointError (a KgError) when a
    request fails or the store then holds another number of triples."""
    started = time.monotonic()
    if move:
        tmp = f"urn:kg:push:{uuid.uuid4().hex}"
        target = f"<{graph}>" if graph else "DEFAULT"
        try:
            endpoint.put_graph(tmp, data, content_type)
            endpoint.update(f"MOVE <{tmp}> TO {target}")
        except EndpointError as exc:
            _drop(endpoint, tmp)
            raise EndpointError(f"pushing to {shown(graph)} failed: {exc}",
                                exc.status) from None
    else:
        try:
            endpoint.put_graph(graph, data, content_type)
        except EndpointError as exc:
            raise EndpointError(f"pushing to {shown(graph)} failed: {exc}",
                                exc.status) from None
    stored = count(endpoint, graph) if verify else None
    seconds = time.monotonic() - started
    if stored is not None and stored != triples:
        raise EndpointError(
            f"after the push the store holds {stored} triples in {shown(graph)}, not the "
            f"{triples} kg sent (another writer, or a store that adds inferred triples: "
            "then use --no-verify)")
    return Pushed(graph, triples, len(data), seconds, stored, move)


def _drop(endpoint: Endpoint, tmp: str) -> None:
    """Remove the temporary graph, if the store lets us (best effort)."""
    try:
        endpoint.update(f"DROP SILENT GRAPH <{tmp}>")
    except KgError:
        pass
