"""A SPARQL 1.1 endpoint as a store: queries over the SPARQL 1.1 Protocol, graphs replaced
through the Graph Store HTTP Protocol, with the standard library's urllib only.

Queries are an HTTP POST of ``application/sparql-query`` asking for
``application/sparql-results+json`` (SELECT, ASK) or N-Triples/Turtle (CONSTRUCT,
DESCRIBE); updates a POST of ``application/sparql-update``; a graph is replaced by an HTTP
PUT to the Graph Store endpoint (``?graph=IRI``, or ``?default``). With ``graph`` set, every
query is asked with ``default-graph-uri=graph`` in the URL, so the named graph kg pushed is
the query's default graph and the answers are those of the local store.

Where things are (:func:`locations`): ``--endpoint`` is the query URL. A bare server URL
(``http://host:7878``) means Oxigraph's layout, ``/query``, ``/update`` and ``/store``; an
endpoint ending in ``/query`` has its update and Graph Store endpoints beside it
(``/update``, ``/store``), as in Oxigraph. Other stores name them explicitly.

Credentials come from the environment only, never from the command line or the URL:

- ``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD``: HTTP Basic authentication;
- ``KG_ENDPOINT_TOKEN``: ``Authorization: Bearer <token>``;
- ``KG_ENDPOINT_ALLOW_HTTP=1``: allow credentials over plain ``http://`` to a host other
  than the loopback (127.0.0.0/8, ::1, localhost); refused otherwise, since anyone on the
  path could read them.

A URL with a ``user:password@`` part is refused. Redirects are not followed (an
``Authorization`` header must never travel to another host); the message names the new
location. Every failure is a :class:`EndpointError` (a KgError) of one line: the URL, the
HTTP status and the first line of the server's message, with any credential masked.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.errors import KgError
from kg.store.terms import RDF_LANG_STRING, XSD_STRING, Row, Term

ENV_USER = "KG_ENDPOINT_USER"
ENV_PASSWORD = "KG_ENDPOINT_PASSWORD"
ENV_TOKEN = "KG_ENDPOINT_TOKEN"
ENV_ALLOW_HTTP = "KG_ENDPOINT_ALLOW_HTTP"

RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9"
#: the most a query answer may be, in bytes (a guard against an endless answer)
MAX_ANSWER = 1 << 30


class EndpointError(KgError):
    """A request to an endpoint that failed: ``status`` is the HTTP status, or None when
    there was no HTTP answer (connection refused, a timeout, a refused URL)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# -- credentials and URLs --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Credentials:
    """The ``Authorization`` header built from the environment (None: no credentials), and
    the secret strings never to show."""

    header: str | None = None
    secrets: tuple[str, ...] = ()

    def __repr__(self) -> str:  # never show a secret, even in a debugger
        return f"Credentials({'set' if self.header else 'none'})"

    def mask(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text


def credentials(env: Mapping[str, str] | None = None) -> Credentials:
    """The credentials in ``env`` (default: os.environ); an empty variable is unset.
    EndpointError when they are incomplete or both kinds are set."""
    env = os.environ if env is None else env
    user = env.get(ENV_USER, "")
    password = env.get(ENV_PASSWORD, "")
    token = env.get(ENV_TOKEN, "")
    if token and (user or password):
        raise EndpointError(f"both {ENV_TOKEN} and {ENV_USER}/{ENV_PASSWORD} are set; "
                            "unset one kind")
    if token:
        return Credentials(f"Bearer {token}", (token,))
    if user or password:
        if not (user and password):
            missing = ENV_PASSWORD if user else ENV_USER
            raise EndpointError(f"{missing} is not set (HTTP Basic needs {ENV_USER} and "
                                f"{ENV_PASSWORD})")
        if ":" in user:
            raise EndpointError(f"{ENV_USER} may not contain ':' (HTTP Basic)")
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return Credentials(f"Basic {pair}", (pair, password))
    return Credentials()


def loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, what: str = "endpoint") -> urllib.parse.SplitResult:
    """``url`` split; EndpointError unless it is an http(s) URL with a host and no
    ``user:password@`` part."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise EndpointError(f"the {what} URL {url!r} is not valid: {exc}") from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise EndpointError(
            f"the {what} URL has a user:password@ part; kg takes credentials from the "
            f"environment only: set {ENV_USER} and {ENV_PASSWORD} (HTTP Basic) or "
            f"{ENV_TOKEN} (Bearer), and give the URL without them")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"the {what} URL {url!r} is not an http:// or https:// URL "
                            "with a host")
    if parts.fragment:
        raise EndpointError(f"the {what} URL {url!r} has a #fragment; remove it")
    return parts


@dataclass(frozen=True, slots=True)
class Locations:
    """The three URLs of a store: queries, updates (None: unknown) and the Graph Store
    HTTP Protocol (None: unknown)."""

    query: str
    update: str | None
    store: str | None


def locations(endpoint: str, store: str | None = None, update: str | None = None) -> Locations:
    """Where to send queries, updates and graphs. ``endpoint`` is the query URL; a server
    URL with no path means Oxigraph's ``/query``, ``/update`` and ``/store``, and a URL
    ending in ``/query`` has ``/update`` and ``/store`` beside it. ``store`` and ``update``
    override the guesses."""
    parts = check_url(endpoint)
    path = parts.path
    query = endpoint
    guess_store = guess_update = None
    if path in ("", "/") and not parts.query:
        root = urllib.parse.urlunsplit(parts._replace(path=""))
        query, guess_update, guess_store = root + "/query", root + "/update", root + "/store"
    elif path.endswith("/query") and not parts.query:
        stem = urllib.parse.urlunsplit(parts._replace(path=path[: -len("/query")]))
        guess_update, guess_store = stem + "/update", stem + "/store"
    if store is not None:
        check_url(store, "--store")
    if update is not None:
        check_url(update, "--update")
    return Locations(query, update or guess_update, store or guess_store)


def with_params(url: str, params: list[tuple[str, str | None]]) -> str:
    """``url`` with ``params`` added to its query string (a None value: the bare name,
    as in the Graph Store Protocol's ``?default``)."""
    if not params:
        return url
    extra = "&".join(urllib.parse.quote(k) if v is None else urllib.parse.urlencode([(k, v)])
                     for k, v in params)
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + extra


# -- answers ---------------------------------------------------------------------------------


def json_term(obj: Any) -> Term:
    """One term of SPARQL 1.1 Query Results JSON (``typed-literal`` too, as older
    Virtuoso writes it); ValueError when it is none."""
    if not isinstance(obj, dict) or not isinstance(obj.get("value"), str | dict):
        raise ValueError(f"not an RDF term: {str(obj)[:80]}")
    kind, value = obj.get("type"), obj["value"]
    if kind == "triple" and isinstance(value, dict):
        import pyoxigraph as ox

        from kg.store.terms import to_oxigraph

        parts = [to_oxigraph(json_term(value.get(k))) for k in ("subject", "predicate",
                                                                    "object")]
        return Term("triple", str(ox.Triple(*parts)))
    if not isinstance(value, str):
        raise ValueError(f"not an RDF term: {str(obj)[:80]}")
    if kind == "uri":
        return Term("iri", value)
    if kind == "bnode":
        return Term("bnode", value)
    if kind in ("literal", "typed-literal"):
        lang = obj.get("xml:lang") or None
        datatype = obj.get("datatype")
        if lang or datatype in (None, XSD_STRING, RDF_LANG_STRING):
            return Term("literal", value, None, lang)
        return Term("literal", value, str(datatype))
    raise ValueError(f"unknown term type {kind!r}")


@dataclass(frozen=True, slots=True)
class Solutions:
    """A SELECT answer: the variables in the query's order, and the rows."""

    variables: list[str]
    rows: list[Row]


def parse_results(body: bytes) -> Solutions | bool:
    """A SPARQL 1.1 Query Results JSON document: the solutions of a SELECT, or the
    boolean of an ASK; ValueError when it is not one."""
    doc = json.loads(body)
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    if isinstance(doc.get("boolean"), bool):
        return bool(doc["boolean"])
    head, results = doc.get("head"), doc.get("results")
    if not isinstance(head, dict) or not isinstance(results, dict):
        raise ValueError("no head and results")
    variables = head.get("vars") or []
    bindings = results.get("bindings")
    if not isinstance(variables, list) or not isinstance(bindings, list):
        raise ValueError("no vars or bindings")
    rows: list[Row] = []
    for b in bindings:
        if not isinstance(b, dict):
            raise ValueError("a binding is not an object")
        rows.append({str(k): json_term(v) for k, v in b.items()})
    return Solutions([str(v) for v in variables], rows)


def _first_line(body: bytes, limit: int = 200) -> str:
    text = body[:4096].decode("utf-8", "replace").strip()
    line = text.splitlines()[0].strip() if text else ""
    line = "".join(ch if ch.isprintable() else " " for ch in line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects become HTTPErrors: a credential must never follow one to another host."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: status, media type (no parameters, lower case) and body."""

    status: int
    media_type: str
    body: bytes


# -- the endpoint ----------------------------------------------------------------------------


class Endpoint:
    """A SPARQL 1.1 endpoint (kg.store.terms.Backend): ``select`` and ``ask`` for
    questions, ``query`` for the raw answer of any query form, ``construct`` for graphs,
    ``update`` (SPARQL Update) and ``put_graph`` (Graph Store HTTP Protocol).

    ``graph``: the named graph that is every query's default graph (sent as
    ``default-graph-uri``); None asks the store's own default graph. ``timeout``: seconds
    a request may wait for the server (and a query answer may take to arrive).
    ``env``: where credentials are read (default os.environ). EndpointError at once for a
    bad URL or credentials that would go over plain http to another machine."""

    def __init__(self, url: str, *, graph: str | None = None, store: str | None = None,
                 update: str | None = None, timeout: float = 30.0,
                 env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.locations = locations(url, store, update)
        self.graph = graph
        self.timeout = timeout
        self._auth = credentials(env)
        self.where = self.locations.query
        if self._auth.header and env.get(ENV_ALLOW_HTTP, "") in ("", "0"):
            for u in (self.locations.query, self.locations.update, self.locations.store):
                parts = urllib.parse.urlsplit(u) if u else None
                if parts and parts.scheme == "http" and not loopback(parts.hostname or ""):
                    raise EndpointError(
                        f"refusing to send credentials over plain http to {parts.hostname}: "
                        f"use https, or set {ENV_ALLOW_HTTP}=1 if the network is trusted")
        self._opener = urllib.request.build_opener(_NoRedirect())

    def __repr__(self) -> str:
        return f"Endpoint({self.where!r}, graph={self.graph!r})"

    def asking(self, graph: str | None) -> Endpoint:
        """This endpoint with ``graph`` as every query's default graph instead."""
        import copy

        other = copy.copy(self)
        other.graph = graph
        return other

    # -- HTTP ---------------------------------------------------------------------------------

    def request(self, method: str, url: str, body: bytes | None, content_type: str | None,
                accept: str | None, max_bytes: int = MAX_ANSWER) -> Answer:
        """One HTTP request; the answer of a 2xx status, EndpointError for anything else."""
        headers = {"User-Agent": "kg"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        if self._auth.header:
            headers["Authorization"] = self._auth.header
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        shown = self._auth.mask(url)
        deadline = time.monotonic() + self.timeout
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                status = int(resp.status)
                media = resp.headers.get_content_type()
                data = self._read(resp, deadline, max_bytes, shown)
        except urllib.error.HTTPError as exc:
            status = exc.code
            try:
                detail = _first_line(exc.read())
            except (OSError, ValueError):
                detail = ""
            finally:
                exc.close()
            raise EndpointError(self._http_message(shown, exc, detail), status) from None
        except urllib.error.URLError as exc:
            raise EndpointError(self._auth.mask(
                f"cannot reach {shown}: {_reason(exc.reason)}")) from None
        except TimeoutError:
            raise EndpointError(f"no answer from {shown} within {self.timeout:g} s "
                                "(--timeout)") from None
        except (OSError, ValueError) as exc:  # a connection reset, a bad HTTP answer
            raise EndpointError(self._auth.mask(
                f"the connection to {shown} failed: {_reason(exc)}")) from None
        return Answer(status, media, data)

    def _read(self, resp: Any, deadline: float, max_bytes: int, shown: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = resp.read(1 << 16)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise EndpointError(f"the answer from {shown} is larger than "
                                    f"{max_bytes // (1 << 20)} MiB; narrow the query")
            if time.monotonic() > deadline:
                raise EndpointError(f"the answer from {shown} took longer than "
                                    f"{self.timeout:g} s (--timeout)")
            chunks.append(chunk)

    def _http_message(self, shown: str, exc: urllib.error.HTTPError, detail: str) -> str:
        status = f"HTTP {exc.code} {exc.reason}".rstrip()
        if 300 <= exc.code < 400:
            target = exc.headers.get("Location", "") if exc.headers else ""
            return self._auth.mask(
                f"{shown} redirects ({status}) to {target or 'another URL'}; give that URL "
                "instead (kg does not follow redirects, so credentials stay with the host "
                "you named)")
        text = f"{shown} answered {status}" + (f": {detail}" if detail else "")
        if exc.code in (401, 403):
            have = "the credentials in the environment were refused" if self._auth.header \
                else f"set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}"
            text += f" ({have})"
        return self._auth.mask(text)

    def _dataset(self) -> list[tuple[str, str | None]]:
        if not self.graph:
            return []
        return [("default-graph-uri", self.graph), ("named-graph-uri", self.places)]

    @property
    def places(self) -> str:
        """The graph of places ``kg push`` writes beside :attr:`graph` (the shipped queries'
        ``<urn:kg:places>`` names it here: kg.store.query.select)."""
        from kg.store.query import places_graph

        return places_graph(self.graph)

    # -- SPARQL Protocol ----------------------------------------------------------------------

    def query(self, text: str, accept: str = RESULTS_JSON) -> Answer:
        """The raw answer to a query (any form), asked for as ``accept``."""
        url = with_params(self.locations.query, self._dataset())
        return self.request("POST", url, text.encode("utf-8"),
                            "application/sparql-query", accept)

    def results(self, text: str) -> Solutions | bool:
        """The parsed answer to a SELECT or ASK query."""
        answer = self.query(text, RESULTS_JSON)
        try:
            return parse_results(answer.body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise EndpointError(
                f"the answer from {self.where} is not SPARQL results JSON "
                f"({answer.media_type or 'no media type'}: {_first_line(answer.body, 80)!r}; "
                f"{_reason(exc)})") from None

    def select(self, query: str) -> list[Row]:
        """The solutions of a SELECT query (kg.store.terms.Backend)."""
        answer = self.results(query)
        if isinstance(answer, bool):
            raise EndpointError(f"{self.where} answered a boolean to a SELECT query")
        return answer.rows

    def ask(self, query: str) -> bool:
        """The answer to an ASK query (kg.store.terms.Backend)."""
        answer = self.results(query)
        if not isinstance(answer, bool):
            raise EndpointError(f"{self.where} answered solutions to an ASK query")
        return answer

    def construct(self, text: str) -> list[tuple[Term, Term, Term]]:
        """The triples a CONSTRUCT or DESCRIBE query gives (N-Triples or Turtle)."""
        import pyoxigraph as ox

        from kg.store.terms import from_oxigraph

        answer = self.query(text, GRAPH_TYPES)
        fmt = ox.RdfFormat.from_media_type(answer.media_type) if answer.media_type else None
        if fmt is None or fmt not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE,
                                      ox.RdfFormat.RDF_XML):
            raise EndpointError(f"the answer from {self.where} is not an RDF graph "
                                f"({answer.media_type or 'no media type'}: "
                                f"{_first_line(answer.body, 80)!r})")
        try:
            quads = list(ox.parse(answer.body, format=fmt))
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"the graph from {self.where} does not parse as "
                                f"{fmt.name}: {_reason(exc)}") from None
        return [(from_oxigraph(q.subject), from_oxigraph(q.predicate),
                 from_oxigraph(q.object)) for q in quads]

    def update(self, text: str) -> None:
        """Run a SPARQL Update (one request: one transaction in stores that have them)."""
        if self.locations.update is None:
            raise EndpointError(f"no SPARQL Update endpoint is known for {self.where}; "
                                "give it with --update URL")
        self.request("POST", self.locations.update, text.encode("utf-8"),
                     "application/sparql-update", None, max_bytes=1 << 20)

    # -- Graph Store HTTP Protocol ------------------------------------------------------------

    def graph_url(self, graph: str | None) -> str:
        """The Graph Store URL of ``graph`` (None: the default graph)."""
        if self.locations.store is None:
            raise EndpointError(f"no Graph Store endpoint is known for {self.where}; give "
                                "it with --store URL")
        return with_params(self.locations.store,
                           [("graph", graph)] if graph else [("default", None)])

    def put_graph(self, graph: str | None, data: bytes,
                  content_type: str = "text/turtle") -> int:
        """Replace ``graph`` (None: the default graph) with ``data``; the HTTP status."""
        return self.request("PUT", self.graph_url(graph), data, content_type, None,
                            max_bytes=1 << 20).status


def _reason(exc: object) -> str:
    """A one-line reason for a network or parse failure."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and on that port?)"
    if isinstance(exc, TimeoutError):
        return "timed out"
    import socket
    import ssl

    if isinstance(exc, socket.gaierror):
        return "the host name does not resolve"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return " ".join(str(exc).split()) or type(exc).__name__
