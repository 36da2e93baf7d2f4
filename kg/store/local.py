"""The local store: the compiled graph in an on-disk Oxigraph store under ``build/``.

``kg build`` writes it (a bulk load of the graph it has just compiled), and the question
commands and ``kg sparql`` read it; a question asked before any build, or after a change,
builds it first. It lives in ``<root>/build/cache/graph-<key>.oxigraph/``, where ``key``
digests the corpus's content key (every input's bytes, the settings and the kg code) and
the base IRI, so an unchanged corpus is loaded once.

What it holds:

- the default graph: the compiled graph, exactly as ``build/graph.ttl``;
- (in a second store, ``graph-<key>-nanopubs.oxigraph``, made the first time ``kg sparql``
  is asked a query that names graphs) one named graph per nanopublication graph (head,
  assertion, provenance, publication info; ``kg export --format trig``), so ``kg sparql``
  can ask which nanopublication says what with ``GRAPH ?g { ... }``; the questions never
  need them, and they double the store;
- the named graph :data:`PLACES` (never exported): where each claim, entity and study is
  written (``kgv:definedAt "claims/x.yaml:12:5"``; a reference's BibTeX entry:
  ``kgv:entryDefinedAt``) and its position in file order (``kgv:fileOrder``), which is
  how the questions list things in the order the corpus gives them.

**Trust.** The store is built in a temporary folder that is renamed into place once
closed, under an exclusive lock (concurrent first questions wait for one builder). A
manifest next to it (``<store>.sum``, a checksummed kg.cache entry) records the size and
modification time of every store file; a store whose files differ from it, or that is a
symlink or holds one, is rebuilt, never opened. RocksDB checks the checksum of every block
it reads, so damage the manifest cannot see surfaces as an error when read
(:class:`StoreDamaged`), and the store is then removed and rebuilt. Nothing in it is
code: it holds RDF terms only. pyoxigraph is imported only inside the functions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.store import query as Q
from kg.store.terms import Row, from_oxigraph

if TYPE_CHECKING:
    from kg.corpus.model import Corpus

STORE_PREFIX = "graph-"
#: The named graph of places (file positions and file order): in the store, never exported.
PLACES = Q.PLACES
#: Bump when what the store holds changes in a way the kg code snapshot would not catch.
FORMAT = 1


class StoreDamaged(KgError):
    """The store could not be read; it has been removed and is rebuilt on the next run."""


def store_key(corpus_key: str, base: str) -> str:
    from kg.cache import digest

    return digest("store", str(FORMAT), corpus_key, base)[:40]


def store_path(root: Path, key: str) -> Path:
    """Where the store of the corpus content ``key`` (:func:`store_key`) lives."""
    from kg.cache import CACHE_DIR

    return root / CACHE_DIR / f"{STORE_PREFIX}{key}.oxigraph"


# -- what is loaded ----------------------------------------------------------------------------


def places_nquads(corpus: Corpus, base: str) -> bytes:
    """The :data:`PLACES` graph of ``corpus`` as N-Quads: each claim's, entity's and study's
    ``kgv:definedAt`` (file:line:column) and ``kgv:fileOrder`` (0, 1, ... per kind), each
    outline paragraph's ``kgv:fileOrder``, and each reference's ``kgv:entryDefinedAt``
    (its BibTeX entry)."""
    from kg.graph.compiler import seg
    from kg.graph.namespaces import vocab_ns

    kgv = vocab_ns(base)
    at = f"<{kgv}definedAt>"
    order = f"<{kgv}fileOrder>"
    graph = f"<{PLACES}> .\n"
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    lines: list[str] = []
    groups: tuple[tuple[str, Any], ...] = (
        ("claim", corpus.claims.values()), ("entity", corpus.entities.values()),
        ("study", corpus.studies.values()))
    for folder, records in groups:
        for i, rec in enumerate(records):
            ident = rec.key if folder == "study" else rec.id
            s = f"<{base}{folder}/{seg(ident)}>"
            span = _escape(str(rec.span))
            lines.append(f'{s} {at} {span} {graph}')
            lines.append(f'{s} {order} "{i}"{integer} {graph}')
    if corpus.article is not None:  # the outline's order of paragraphs
        for i, para in enumerate(corpus.article.paragraphs):
            s = f"<{base}paragraph/{seg(f'{para.section}-{para.n}')}>"
            lines.append(f'{s} {order} "{i}"{integer} {graph}')
    entry = f"<{kgv}entryDefinedAt>"
    for key, ref in corpus.references.items():
        s = f"<{base}study/{seg(key)}>"
        lines.append(f'{s} {entry} {_escape(str(ref.span))} {graph}')
    return "".join(lines).encode("utf-8")


def _escape(text: str) -> str:
    """``text`` as a quoted N-Quads string literal."""
    from kg.graph.turtle import escape_string

    return escape_string(text)


# -- building ----------------------------------------------------------------------------------


#: The suffix of the store that also holds the nanopublications' named graphs.
NANOPUBS = "-nanopubs"


def write_store(root: Path, key: str, corpus: Corpus, turtle: bytes, base: str,
                nanopubs: bool = False) -> Path | None:
    """Build the store of ``key`` from the compiled graph ``turtle`` and the corpus's places
    (``nanopubs``: and its nanopublications' named graphs, in a store of its own), unless
    it is already there: its path, or None when the cache folder cannot be written. Stores
    of other keys are removed."""
    from kg.cache import cache_dir

    folder = cache_dir(root)
    if folder is None:
        return None
    path = store_path(root, key + (NANOPUBS if nanopubs else ""))
    with _Lock(folder):
        if _verified(path):
            return path
        if not _build(path, corpus, turtle, base, nanopubs):
            return None
        _prune(folder, f"{STORE_PREFIX}{key}")
    return path


def load_into(store: Any, corpus: Corpus, turtle: bytes, base: str,
              nanopubs: bool = False) -> None:
    """Bulk-load the graph and the places (and the nanopublications) into ``store``.

    The parser runs lenient (it skips re-validating IRIs and language tags: a quarter of
    the load at 10k claims): every byte loaded was written by kg's own writers, whose
    output the tests parse strictly (rdflib and Oxigraph) and ``kg validate`` checks."""
    import pyoxigraph as ox

    store.bulk_load(turtle, format=ox.RdfFormat.TURTLE, lenient=True)
    if nanopubs:
        from kg.graph.compiler import nanopubs_text

        store.bulk_load(nanopubs_text(corpus, base), format=ox.RdfFormat.TRIG, lenient=True)
    store.bulk_load(places_nquads(corpus, base), format=ox.RdfFormat.N_QUADS, lenient=True)


def _build(path: Path, corpus: Corpus, turtle: bytes, base: str, nanopubs: bool) -> bool:
    """Build the store at ``path`` (under the lock) and record its manifest."""
    import shutil
    import tempfile

    import pyoxigraph as ox

    from kg.cache import code_fingerprint, write_entry

    folder = path.parent
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{STORE_PREFIX}", suffix=".tmp", dir=folder))
    except OSError:
        return False
    try:
        store = ox.Store(str(tmp))
        load_into(store, corpus, turtle, base, nanopubs)
        store.flush()
        store.optimize()
        del store  # closes the database before the folder gets its final name
        _remove(_sum_path(path))
        _remove(path)  # a damaged store of the same key
        os.rename(tmp, path)
    except (OSError, RuntimeError, ValueError, SyntaxError):
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    files = _store_files(path)
    return files is not None and write_entry(_sum_path(path), code_fingerprint(), files)


def _prune(folder: Path, keep: str) -> None:
    """Remove stores of other corpus versions (those not named ``keep``...), their
    manifests and stale leftovers."""
    import time

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for old in entries:
        name = old.name
        if name.startswith(keep):
            continue
        stale = False
        if name.startswith(f".{STORE_PREFIX}"):
            try:
                stale = time.time() - os.lstat(old.path).st_mtime > 3600.0
            except OSError:
                stale = False
        if name.startswith(STORE_PREFIX) or stale:
            _remove(Path(old.path))


# -- opening -----------------------------------------------------------------------------------


def _sum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sum")


def _store_files(path: Path) -> dict[str, list[int]] | None:
    """(size, mtime_ns) of every file of the store folder; None when the folder is a symlink
    or holds anything but regular files."""
    import stat

    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return None
        out: dict[str, list[int]] = {}
        with os.scandir(path) as it:
            for e in it:
                st = e.stat(follow_symlinks=False)
                if not stat.S_ISREG(st.st_mode):
                    return None
                out[e.name] = [st.st_size, st.st_mtime_ns]
    except OSError:
        return None
    return dict(sorted(out.items()))


def _verified(path: Path) -> bool:
    from kg.cache import code_fingerprint, read_entry

    recorded = read_entry(_sum_path(path), code_fingerprint())
    return bool(recorded) and recorded == _store_files(path)


def _remove(path: Path) -> None:
    """Remove a file, link or folder without following links."""
    import shutil

    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


class _Lock:
    """An exclusive advisory lock on ``<folder>/.graph.lock`` (none where flock is missing
    or the file cannot be made: then only speed or tidiness is at stake)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / ".graph.lock"
        self.fd: int | None = None

    def __enter__(self) -> _Lock:
        try:
            import fcntl

            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(
                os, "O_NONBLOCK", 0)
            self.fd = os.open(self.path, flags, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except (OSError, ImportError):
            if self.fd is not None:
                os.close(self.fd)
            self.fd = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the lock
            self.fd = None


class LocalStore:
    """A :class:`kg.store.terms.Backend` over a pyoxigraph store (on disk, read-only, or in
    memory when the cache folder cannot be written)."""

    def __init__(self, store: Any, where: str, path: Path | None = None) -> None:
        self.store = store
        self.where = where
        self.path = path

    @classmethod
    def open(cls, root: Path, key: str, nanopubs: bool = False) -> LocalStore | None:
        """The verified store of ``key``, or None when it is missing or damaged."""
        import pyoxigraph as ox

        path = store_path(root, key + (NANOPUBS if nanopubs else ""))
        if not _verified(path):
            return None
        try:
            store = ox.Store.read_only(str(path))
        except (OSError, ValueError, RuntimeError):
            return None
        return cls(store, _shown(root, path), path)

    @classmethod
    def in_memory(cls, corpus: Corpus, turtle: bytes, base: str) -> LocalStore:
        import pyoxigraph as ox

        store = ox.Store()
        load_into(store, corpus, turtle, base)
        return cls(store, "memory")

    def _run(self, query: str) -> Any:
        try:
            return self.store.query(query)
        except SyntaxError as exc:  # a shipped query that does not parse is a kg bug
            raise RuntimeError(f"query does not parse: {exc}") from exc
        except OSError as exc:
            self._damaged(exc)
            raise  # unreachable: _damaged raises

    def _damaged(self, exc: Exception) -> None:
        if self.path is not None:
            _remove(_sum_path(self.path))
            _remove(self.path)
        raise StoreDamaged(f"the graph store {self.where} could not be read "
                           f"({' '.join(str(exc).split())}); it was removed and is rebuilt "
                           "on the next run") from None

    def select(self, query: str) -> list[Row]:
        answer = self._run(query)
        names = [v.value for v in answer.variables]
        try:
            return [{n: from_oxigraph(t) for n, t in zip(names, sol, strict=True)
                     if t is not None}
                    for sol in answer]
        except OSError as exc:
            self._damaged(exc)
            raise

    def ask(self, query: str) -> bool:
        return bool(self._run(query))


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def compiled_turtle(root: Path, corpus: Corpus, base: str) -> bytes:
    """The compiled graph of ``corpus`` as Turtle, reusing the parts `kg build` caches."""
    from kg.graph.compiler import compile_text

    try:
        return compile_text(corpus, base, cache=root).turtle()
    except Exception as exc:  # an invalid corpus the compiler cannot take
        raise KgError(
            f"cannot compile the graph ({type(exc).__name__}: {exc}); "
            "run `kg validate` and fix the errors") from None



def dataset_store(root: Path, corpus_key: str, base: str) -> LocalStore:
    """The store that also holds the nanopublications' named graphs (for a ``kg sparql``
    query that names graphs): opened, or built now from the corpus (validated and compiled
    through the caches)."""
    key = store_key(corpus_key, base)
    opened = LocalStore.open(root, key, nanopubs=True)
    if opened is not None:
        return opened
    from kg.graph.compiler import build

    result = build(root, base, cache=True)
    turtle = compiled_turtle(root, result.corpus, base)
    if write_store(root, key, result.corpus, turtle, base, nanopubs=True) is not None:
        opened = LocalStore.open(root, key, nanopubs=True)
        if opened is not None:
            return opened
    import pyoxigraph as ox

    store = ox.Store()
    load_into(store, result.corpus, turtle, base, nanopubs=True)
    return LocalStore(store, "memory")
