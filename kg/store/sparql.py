"""Read-only SPARQL over the compiled graph, for ``kg sparql``.

The query runs on the graph store (kg.store.local: the graph, its nanopublications' named
graphs and the places graph, in the on-disk Oxigraph store ``kg build`` loads).

Queries run in a child process with a time limit, a memory limit and a result-size limit
(:class:`Limits`); Ctrl-C stops them. ``SERVICE`` (federated queries, which would make
network requests) is refused, and so is nesting deeper than MAX_NESTING brackets, before
the engine sees the query. Queries may use every prefix of the graph
(``kgv:``, ``claim:``, ``entity:``, ``study:``, ``cito:``, ``dcterms:`` ...; see
kg.graph.namespaces.prefixes) without declaring it, and relative IRIs resolve against the base.

SELECT, ASK, CONSTRUCT and DESCRIBE are run; updates (INSERT, DELETE, LOAD, CLEAR, DROP,
CREATE, ADD, MOVE, COPY, WITH) are refused before anything is parsed or run.

Results are returned as :class:`Result` and formatted by :func:`render`: ``table`` (aligned
columns, IRIs shortened with the graph's prefixes), ``json`` (SPARQL 1.1 Query Results JSON
for SELECT and ASK; for graphs, a list of triples in the same term encoding), ``csv``/``tsv``
(SPARQL 1.1 CSV/TSV results; graphs as subject, predicate, object columns) and ``turtle``
(CONSTRUCT and DESCRIBE only). Results hold :class:`kg.store.terms.Term` values, so a
query answered by a SPARQL endpoint (:func:`run_remote`, kg.store.endpoint) renders exactly
as one answered by the local store. pyoxigraph is imported only inside the functions.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.store.terms import Term
from kg.terminal import Style, table

FORMATS = ("table", "json", "csv", "tsv", "turtle")
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                "WITH")


class QueryError(Exception):
    """A query that cannot run: a syntax error, an update, a format that does not fit.

    ``kind`` is 'syntax', 'update' or 'format'. The message is one line.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# -- the query text ---------------------------------------------------------------------------

_PROLOGUE = re.compile(
    r"""\A(?:\s+|\#[^\n]*(?:\n|\Z)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)""",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]+")
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def query_form(text: str) -> str | None:
    """The first keyword after the prologue (comments, PREFIX, BASE), upper-cased."""
    rest = text
    while True:
        m = _PROLOGUE.match(rest)
        if not m or not m.group(0):
            break
        rest = rest[m.end():]
    word = _WORD.match(rest)
    return word.group(0).upper() if word else None


def read_query(arg: str, cwd: Path | None = None) -> str:
    """The query text: ``arg`` itself, or the file it names after '@' (``@queries/x.rq``)."""
    if not arg.startswith("@"):
        return arg
    path = Path(arg[1:])
    if cwd is not None and not path.is_absolute():
        path = cwd / path
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise KgError(f"cannot read query file {arg[1:]}: {reason}") from None


#: Deepest bracket nesting a query may have (the engine's parser recurses per level).
MAX_NESTING = 64
_CODE = re.compile(
    r"""(?P<comment>\#[^\n]*)"""
    r"""|(?P<string>'{3}(?:[^'\\]|\\.|'(?!''))*'{3}|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}"""
    r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)""",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def query_code(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out: the keywords and brackets."""
    return _CODE.sub(lambda m: " " * len(m.group(0)), text)


def nesting(code: str) -> int:
    """The deepest bracket nesting of ``code`` (see :func:`query_code`)."""
    depth = deepest = 0
    for ch in code:
        if ch in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")}]":
            depth -= 1
    return deepest


_NAMED = re.compile(r"\b(GRAPH|FROM\s+NAMED)\b", re.IGNORECASE)


def names_graphs(text: str) -> bool:
    """Whether the query (outside comments and strings) names graphs (``GRAPH``, ``FROM
    NAMED``): then it runs on the store that also holds the nanopublications."""
    return bool(_NAMED.search(query_code(text)))


def check_query(text: str) -> str:
    """The query form; QueryError for an update, text that is no query at all, a SERVICE
    call (kg never makes network requests) or nesting deeper than MAX_NESTING."""
    code = query_code(text)
    if _SERVICE.search(code):
        raise QueryError("refused", "SERVICE (a federated query to another endpoint) is "
                         "refused: kg sparql answers from the local graph only")
    if nesting(code) > MAX_NESTING:
        raise QueryError("refused", f"the query nests brackets deeper than {MAX_NESTING} "
                         "levels; simplify it")
    form = query_form(text)
    if form in UPDATE_FORMS:
        raise QueryError(
            "update",
            f"{form} is a SPARQL update; kg sparql is read-only (SELECT, ASK, CONSTRUCT, "
            "DESCRIBE). Change the corpus files instead, then rebuild",
        )
    if form not in QUERY_FORMS:
        found = f"'{form}'" if form else "nothing"
        raise QueryError(
            "syntax", f"expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue, "
            f"found {found}")
    return form


# -- the graph --------------------------------------------------------------------------------


# -- running ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    """A query's answer: ``form`` says which of the other fields is set. Terms are
    :class:`kg.store.terms.Term` values (None: unbound), the same from any store."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        if self.form == "ASK":
            return not self.boolean
        return not (self.rows if self.form == "SELECT" else self.triples)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def run_query(store: Any, text: str, base: str, prefixes: dict[str, str]) -> Result:
    """Run a read-only query; QueryError for updates and syntax errors."""
    import pyoxigraph as ox

    from kg.store.terms import from_oxigraph

    form = check_query(text)
    try:
        answer = store.query(text, base_iri=base, prefixes=prefixes)
    except SyntaxError as exc:
        raise QueryError("syntax", f"SPARQL syntax error: {_one_line(exc)}") from None
    except (OSError, ValueError, TypeError) as exc:
        raise QueryError("syntax", f"the query failed: {_one_line(exc)}") from None
    if isinstance(answer, ox.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        try:
            rows = [[None if (t := sol[v]) is None else from_oxigraph(t) for v in variables]
                    for sol in answer]
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError("syntax", f"the query failed: {_one_line(exc)}") from None
        return Result("SELECT", variables=variables, rows=rows)
    try:
        triples = [(from_oxigraph(t.subject), from_oxigraph(t.predicate),
                    from_oxigraph(t.object)) for t in answer]
    except (OSError, ValueError, TypeError) as exc:
        raise QueryError("syntax", f"the query failed: {_one_line(exc)}") from None
    return Result(form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=triples)


def remote_text(text: str, base: str, prefixes: dict[str, str]) -> str:
    """``text`` as sent to an endpoint: preceded by ``BASE`` and a ``PREFIX`` line for each of
    the graph's prefixes, so it means there what it means to the local store (the query's own
    declarations come later, and win)."""
    head = f"BASE <{base}>\n" + "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    return head + text


def run_remote(endpoint: Any, text: str, base: str, prefixes: dict[str, str],
               limits: Limits | None = None) -> Result:
    """Run a read-only query on a SPARQL endpoint (kg.store.endpoint.Endpoint): refused
    exactly as locally (:func:`check_query`) before anything is sent; QueryError past the
    row limit. Failures to reach or understand the endpoint are EndpointError (KgError)."""
    limits = limits or Limits()
    form = check_query(text)
    sent = remote_text(text, base, prefixes)
    if form in ("CONSTRUCT", "DESCRIBE"):
        result = Result(form, triples=endpoint.construct(sent))
        size = len(result.triples)
    else:
        answer = endpoint.results(sent)
        if isinstance(answer, bool):
            if form != "ASK":
                raise QueryError("failed", f"{endpoint.where} answered a boolean to {form}")
            return Result("ASK", boolean=answer)
        if form == "ASK":
            raise QueryError("failed", f"{endpoint.where} answered solutions to ASK")
        rows = [[row.get(v) for v in answer.variables] for row in answer.rows]
        result = Result("SELECT", variables=answer.variables, rows=rows)
        size = len(rows)
    if size > limits.rows:
        raise QueryError("limit", f"the result has more than {limits.rows} rows; add a "
                         "LIMIT or narrow the query")
    return result


# -- rendering --------------------------------------------------------------------------------


def compact(iri: str, prefixes: dict[str, str]) -> str:
    """``iri`` as prefix:local with the longest matching namespace, else <iri>."""
    best = ""
    name = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(best):
            local = iri[len(ns):]
            if _LOCAL.fullmatch(local or "x") and not local.endswith("."):
                best, name = ns, f"{prefix}:{local}"
    return name or f"<{iri}>"


def term_text(term: Term | None, prefixes: dict[str, str]) -> str:
    """A term for a table cell: IRIs compacted, literals as their plain value."""
    if term is None:
        return ""
    if term.kind == "iri":
        return compact(term.value, prefixes)
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def term_json(term: Term | None) -> dict[str, str] | None:
    """A term in the SPARQL 1.1 Query Results JSON encoding."""
    if term is None:
        return None
    if term.kind == "iri":
        return {"type": "uri", "value": term.value}
    if term.kind == "literal":
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = term.datatype
        return out
    return {"type": term.kind, "value": term.value}


def term_csv(term: Term | None) -> str:
    """A term as SPARQL CSV writes it: IRIs and literals as bare values."""
    if term is None:
        return ""
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def term_tsv(term: Term | None) -> str:
    """A term as SPARQL TSV writes it: in Turtle/N-Triples syntax."""
    from kg.store.terms import to_oxigraph

    if term is None:
        return ""
    return term.value if term.kind == "triple" else str(to_oxigraph(term))


def _sv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    buf = io.StringIO()
    if delimiter == ",":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
    else:
        buf.write("\t".join(header) + "\n")
        for r in rows:
            buf.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in r) + "\n")
    return buf.getvalue()


def render(result: Result, fmt: str, style: Style, prefixes: dict[str, str]) -> str:
    """``result`` in format ``fmt`` (one of FORMATS); QueryError when they do not fit."""
    if fmt not in FORMATS:
        raise QueryError("format", f"unknown format '{fmt}' (use one of {', '.join(FORMATS)})")
    if result.form == "ASK":
        if fmt == "turtle":
            raise QueryError("format", "turtle is for CONSTRUCT and DESCRIBE results")
        value = "true" if result.boolean else "false"
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
        if fmt in ("csv", "tsv"):
            return _sv(["boolean"], [[value]], "," if fmt == "csv" else "\t")
        return value + "\n"
    if result.form == "SELECT":
        if fmt == "turtle":
            raise QueryError("format", "turtle is for CONSTRUCT and DESCRIBE results; "
                                       "use table, json, csv or tsv for SELECT")
        if fmt == "json":
            bindings = [
                {v: term_json(t) for v, t in zip(result.variables, row, strict=True)
                 if t is not None}
                for row in result.rows
            ]
            doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
            return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if fmt == "csv":
            return _sv(result.variables, [[term_csv(t) for t in r] for r in result.rows], ",")
        if fmt == "tsv":
            return _sv([f"?{v}" for v in result.variables],
                       [[term_tsv(t) for t in r] for r in result.rows], "\t")
        rows = [[term_text(t, prefixes) for t in r] for r in result.rows]
        lines = table(rows, style, header=[f"?{v}" for v in result.variables])
        n = len(rows)
        lines.append(style.dim(f"{n} row{'s' if n != 1 else ''}"))
        return "\n".join(lines) + "\n"
    # CONSTRUCT / DESCRIBE
    triples = result.triples
    if fmt == "turtle":
        import pyoxigraph as ox

        from kg.store.terms import to_oxigraph

        try:
            graph = [ox.Triple(*map(to_oxigraph, t)) for t in triples]
        except ValueError as exc:
            raise QueryError("format", f"cannot write Turtle: {exc}") from None
        used = {p: ns for p, ns in prefixes.items()
                if any(str(t).find(f"<{ns}") >= 0 for t in graph)}
        data = ox.serialize(graph, format=ox.RdfFormat.TURTLE, prefixes=used)
        assert data is not None
        return bytes(data).decode("utf-8")
    header = ["subject", "predicate", "object"]
    if fmt == "json":
        doc = {"head": {"vars": header}, "triples": [
            {"subject": term_json(s), "predicate": term_json(p), "object": term_json(o)}
            for s, p, o in triples]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        conv = term_csv if fmt == "csv" else term_tsv
        return _sv(header if fmt == "csv" else [f"?{h}" for h in header],
                   [[conv(s), conv(p), conv(o)] for s, p, o in triples],
                   "," if fmt == "csv" else "\t")
    rows = [[term_text(s, prefixes), term_text(p, prefixes), term_text(o, prefixes)]
            for s, p, o in triples]
    lines = table(rows, style, header=header)
    lines.append(style.dim(f"{len(rows)} triple{'s' if len(rows) != 1 else ''}"))
    return "\n".join(lines) + "\n"


# -- running with limits ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one query may take: wall-clock seconds, memory (bytes the query process
    may grow by) and result rows (or triples)."""

    seconds: float = 30.0
    memory: int = 2 * 1024 * 1024 * 1024
    rows: int = 100_000


def _grow_limit(extra: int) -> None:
    """Cap this process's address space at its current size plus ``extra`` bytes."""
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[0])
        import os

        now = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = now + extra
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _child(conn: Any, store: Any, text: str, base: str, prefixes: dict[str, str], fmt: str,
           colour: bool, width: int, limits: Limits) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    try:
        _grow_limit(limits.memory)
        result = run_query(store, text, base, prefixes)
        size = len(result.rows) if result.form == "SELECT" else len(result.triples)
        if size > limits.rows:
            raise QueryError("limit", f"the result has more than {limits.rows} rows; add a "
                             "LIMIT or narrow the query")
        out = render(result, fmt, Style(colour=colour, width=width), prefixes)
        conn.send(("ok", out, result.empty))
    except QueryError as exc:
        conn.send(("error", exc.kind, exc.message))
    except MemoryError:
        conn.send(("error", "limit", "the query needs more memory than the limit of "
                   f"{limits.memory // (1024 * 1024)} MiB; narrow it"))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("error", "failed", f"the query failed: {type(exc).__name__}: "
                   f"{_one_line(exc)}"))
    finally:
        conn.close()


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold SIGINT back (where the platform can) until the block ends; it is then raised."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def run_limited(store: Any, text: str, base: str, prefixes: dict[str, str], fmt: str,
                style: Style, limits: Limits | None = None) -> tuple[str, bool]:
    """Run and render a read-only query in a child process under ``limits``: (the output,
    whether the result is empty). QueryError when the query is refused, fails, runs past
    a limit or crashes the engine; Ctrl-C stops the child and is raised again here."""
    import multiprocessing
    import time

    limits = limits or Limits()
    check_query(text)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, store, text, base, prefixes, fmt,
                                            style.colour, style.width, limits), daemon=True)
    try:
        # Ctrl-C waits until the child is started and known, so that the `finally` below
        # always stops it (a Ctrl-C landing just after the fork left it running).
        with _sigint_held():
            proc.start()
        child.close()
        deadline = time.monotonic() + limits.seconds
        message = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryError("limit", f"the query ran past the time limit of "
                                 f"{limits.seconds:g} s; narrow it or add a LIMIT")
            if parent.poll(min(left, 0.2)):
                try:
                    message = parent.recv()
                except EOFError:
                    message = None
                break
            if not proc.is_alive() and not parent.poll(0):
                break
        proc.join(5)
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
        parent.close()
    if message is None:
        code = proc.exitcode
        raise QueryError("failed", "the query engine stopped without an answer "
                         f"(exit {code}); the query may be too large or too deeply nested")
    if message[0] == "ok":
        return str(message[1]), bool(message[2])
    raise QueryError(str(message[1]), str(message[2]))
