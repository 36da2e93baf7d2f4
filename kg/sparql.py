"""Read-only SPARQL over the compiled graph, for ``kg sparql`` (pyoxigraph, in memory).

The graph is kg.compiler's ``compile_graph`` of the (cached) corpus. Its N-Triples are
cached under ``<root>/build/cache/graph.pickle`` with the corpus's content key and the base
IRI, so an unchanged corpus is compiled once. Queries may use every prefix of the graph
(``kgv:``, ``claim:``, ``entity:``, ``study:``, ``cito:``, ``dcterms:`` ...; see
kg.namespaces.prefixes) without declaring it, and relative IRIs resolve against the base.

SELECT, ASK, CONSTRUCT and DESCRIBE are run; updates (INSERT, DELETE, LOAD, CLEAR, DROP,
CREATE, ADD, MOVE, COPY, WITH) are refused before anything is parsed or run.

Results are returned as :class:`Result` and formatted by :func:`render`: ``table`` (aligned
columns, IRIs shortened with the graph's prefixes), ``json`` (SPARQL 1.1 Query Results JSON
for SELECT and ASK; for graphs, a list of triples in the same term encoding), ``csv``/``tsv``
(SPARQL 1.1 CSV/TSV results; graphs as subject, predicate, object columns) and ``turtle``
(CONSTRUCT and DESCRIBE only). pyoxigraph is imported only inside the functions.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
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


def check_query(text: str) -> str:
    """The query form; QueryError for an update or text that is no query at all."""
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


STORE_PREFIX = "graph-"
STORE_BASE_FILE = "kg-base"


def store_path(root: Path, key: str) -> Path:
    """Where the on-disk store of the graph compiled from the corpus with ``key`` lives."""
    from kg.pickles import CACHE_DIR

    return root / CACHE_DIR / f"{STORE_PREFIX}{key[:40]}.oxigraph"


def graph_store(root: Path, ix: Any, base: str) -> Any:
    """A read-only pyoxigraph Store of the compiled graph of the indexed corpus (``ix``, a
    kg.index.Index), opened from ``<root>/build/cache/graph-<key>.oxigraph/``.

    The store is built the first time (compile_graph of the corpus, then bulk_load) in a
    temporary folder that is renamed into place once closed, so a store under its final
    name is always complete; it records its base IRI and is rebuilt for another. Stores of
    other keys are removed. An unwritable cache folder gives an in-memory store.
    """
    import pyoxigraph as ox

    path = store_path(root, ix.key)
    opened = _open_store(path, base)
    if opened is not None:
        return opened
    data = _compile(root, ix, base)
    if _write_store(path, data, base):
        opened = _open_store(path, base)
        if opened is not None:
            return opened
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.TURTLE)
    return store


def _open_store(path: Path, base: str) -> Any:
    import pyoxigraph as ox

    try:
        if (path / STORE_BASE_FILE).read_text(encoding="utf-8") != base:
            return None
        return ox.Store.read_only(str(path))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _compile(root: Path, ix: Any, base: str) -> bytes:
    """The compiled graph of the indexed corpus, as Turtle, reusing the compiled parts that
    `kg build` caches (kg.build_cache)."""
    from kg.compiler import compile_text

    corpus = ix.load_corpus()
    try:
        return compile_text(corpus, base, cache=root).turtle()
    except Exception as exc:  # an invalid corpus the compiler cannot take
        raise KgError(
            f"cannot compile the graph ({type(exc).__name__}: {exc}); "
            "run `kg validate` and fix the errors") from None


def _write_store(path: Path, data: bytes, base: str) -> bool:
    import os
    import shutil
    import tempfile

    import pyoxigraph as ox

    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{STORE_PREFIX}", suffix=".tmp", dir=folder))
    except OSError:
        return False
    try:
        store = ox.Store(str(tmp))
        store.bulk_load(data, format=ox.RdfFormat.TURTLE)
        store.flush()
        del store  # closes the database before the folder gets its final name
        (tmp / STORE_BASE_FILE).write_text(base, encoding="utf-8")
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)  # a store for another base IRI
        os.rename(tmp, path)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return path.is_dir()
    for old in folder.iterdir():  # stores of other corpus versions, and the old pickle
        if old != path and (old.name.startswith(STORE_PREFIX) or old.name == "graph.pickle"
                            or (old.name.startswith(f".{STORE_PREFIX}") and _stale(old))):
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    return True


def _stale(path: Path, age: float = 3600.0) -> bool:
    import time

    try:
        return time.time() - path.stat().st_mtime > age
    except OSError:
        return False


# -- running ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    """A query's answer: ``form`` says which of the other fields is set."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)  # pyoxigraph Triples

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
            rows = [[sol[v] for v in variables] for sol in answer]
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError("syntax", f"the query failed: {_one_line(exc)}") from None
        return Result("SELECT", variables=variables, rows=rows)
    try:
        triples = list(answer)
    except (OSError, ValueError, TypeError) as exc:
        raise QueryError("syntax", f"the query failed: {_one_line(exc)}") from None
    return Result(form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=triples)


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


def term_text(term: Any, prefixes: dict[str, str]) -> str:
    """A term for a table cell: IRIs compacted, literals as their plain value."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def term_json(term: Any) -> dict[str, str] | None:
    """A term in the SPARQL 1.1 Query Results JSON encoding."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def term_csv(term: Any) -> str:
    """A term as SPARQL CSV writes it: IRIs and literals as bare values."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def term_tsv(term: Any) -> str:
    """A term as SPARQL TSV writes it: in Turtle/N-Triples syntax."""
    return "" if term is None else str(term)


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

        used = {p: ns for p, ns in prefixes.items()
                if any(str(t).find(f"<{ns}") >= 0 for t in triples)}
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used)
        assert data is not None
        return bytes(data).decode("utf-8")
    header = ["subject", "predicate", "object"]
    if fmt == "json":
        doc = {"head": {"vars": header}, "triples": [
            {"subject": term_json(t.subject), "predicate": term_json(t.predicate),
             "object": term_json(t.object)} for t in triples]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        conv = term_csv if fmt == "csv" else term_tsv
        return _sv(header if fmt == "csv" else [f"?{h}" for h in header],
                   [[conv(t.subject), conv(t.predicate), conv(t.object)] for t in triples],
                   "," if fmt == "csv" else "\t")
    rows = [[term_text(t.subject, prefixes), term_text(t.predicate, prefixes),
             term_text(t.object, prefixes)] for t in triples]
    lines = table(rows, style, header=header)
    lines.append(style.dim(f"{len(rows)} triple{'s' if len(rows) != 1 else ''}"))
    return "\n".join(lines) + "\n"
