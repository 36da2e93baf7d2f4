"""The question index: what ``kg studies``, ``claims``, ``show``, ``paths``, ``stats`` and
``sparql`` read, so that a question costs the same at 100 claims as at 100,000.

One SQLite file, ``<root>/build/cache/questions.sqlite``, made from the validated corpus the
first time a question is asked after a change. It holds, per purpose:

- ``claims``: one row per claim in file order (``ord``), with the columns the filters and
  summaries need (ids, ends, certainty, computed status and rating, the ends' roles, whether
  ``kg paths`` may follow it) and the :class:`kg.model.Claim` as data-only JSON
  (kg.cache.dumps);
- ``entities``, ``studies``, ``refs``, ``paragraphs``, ``sections``: model objects as JSON
  by id, and ``names``: every entity name normalized as kg.lookup matches it;
- ``bearings``: which claims each study bears on, with its stances (``kg show STUDY``,
  ``kg claims --study``);
- ``vocab``/``postings``/``ends``/``name_tokens``: kg.search's word index (document
  frequencies, and per token the claims holding it by field weight);
- ``meta``: the content key, the error count (for the one-line warning) and the
  *snapshot* below.

**Verification.** Next to the index, ``questions.sqlite.sum`` (a kg.cache entry, itself
checksummed) records the index's size and SHA-256 and the snapshot below. An index whose
bytes do not match, that is a symlink or not a regular file, is rebuilt, never trusted.

**Freshness.** The index is trusted when its content key (kg.cache.content_key: a SHA-256
over every input file, the root and the kg code) is the corpus's. Hashing 90 MB of YAML on
every question would cost more than the answer, so the index also records a snapshot:
(path, size, mtime_ns, ctime_ns, inode) of every input file and (path, size, mtime_ns) of
every kg module. When the snapshot taken now equals the recorded one, the key is not
recomputed. ctime cannot be set back by ``os.utime``, so a file rewritten with the same size
and mtime still shows. A file changed in the last RACY_NS before the snapshot was recorded is
recorded as never matching (git's "racily clean" rule), so a write landing in the same
timestamp tick as the snapshot is never missed. When the snapshot differs, the key is
recomputed; if it still matches, only the snapshot is rewritten.

**Atomicity.** A new index is written to a temporary file in the same folder, synced and
renamed over the old one; a crash leaves either the old index or the new, never half of one
(a left-over temporary file is never read, and removed later). An index that is unreadable,
of another format, or whose size disagrees with its own page count, is rebuilt. A corruption
found mid-question makes the index rebuild itself and answer from the new file (or, if the
corpus changed meanwhile, raise IndexDamaged, a KgError, after deleting the file). An
unwritable cache folder only costs speed: the index is then built in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.cache import CACHE_DIR
from kg.errors import KgError
from kg.root import SETTINGS_FILES
from kg.root import resolve_root as resolve_root

if TYPE_CHECKING:
    from kg.diagnostics import Diagnostic
    from kg.model import Claim, Corpus, Entity, Study

INDEX_FILE = "questions.sqlite"
#: Bump when the tables change in a way the kg code snapshot would not catch.
FORMAT = 1
#: Files changed this recently before a snapshot are not trusted by their stat alone.
RACY_NS = 2_000_000_000
#: Leftover temporary files older than this are removed when an index is written.
STALE_TMP_S = 3600.0
_KG = Path(__file__).resolve().parent


class IndexDamaged(KgError):
    """The index file is corrupt; it has been removed and will be rebuilt next time."""


# -- freshness --------------------------------------------------------------------------------


def _suffix(name: str) -> str:
    """``PurePath(name).suffix`` without building a path."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def input_files(root: Path) -> list[str]:
    """The relative paths of kg.root.corpus_files(root), sorted (references.bib first)."""
    from kg.root import walk_inputs

    return [p.relative_to(root).as_posix() for p in walk_inputs(root).files]


def _code_files() -> list[list[Any]]:
    """(path, size, mtime_ns) of the kg modules that kg.cache.code_fingerprint hashes."""
    out: list[list[Any]] = []

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            r = f"{rel}{e.name}"
            if e.is_dir():
                if e.name != "__pycache__":
                    walk(e.path, r + "/")
            elif _suffix(e.name) in (".py", ".json"):
                st = e.stat()
                out.append([r, st.st_size, st.st_mtime_ns])

    walk(str(_KG), "")
    return out


def take_snapshot(root: Path) -> dict[str, Any]:
    """The stat of every input file and kg module now, with the time it was taken."""
    taken = time.time_ns()
    files: list[list[Any]] = []
    for rel in input_files(root):
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            files.append([rel, -2, 0, 0, 0])
            continue
        files.append([rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    for rel in SETTINGS_FILES:  # kg.config: ignores and the base IRI change the answers
        try:
            st = os.stat(os.path.join(root, rel))
            files.append([rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
        except OSError:
            files.append([rel, 0, 0, 0, 0])  # absent: stable, so it matches next time
    return {"head": [FORMAT, sys.version, str(root)], "code": _code_files(), "files": files,
            "taken": taken}


def snapshot_text(snap: dict[str, Any], *, record: bool) -> str:
    """The snapshot as stored and compared. ``record`` marks the entries not to be trusted
    later (unreadable, or changed within RACY_NS of ``taken``) with size -1, which no stat
    ever matches."""
    files = snap["files"]
    if record:
        limit = snap["taken"] - RACY_NS
        files = [f if f[1] >= 0 and f[2] < limit and f[3] < limit else [f[0], -1, 0, 0, 0]
                 for f in files]
    return json.dumps([snap["head"], snap["code"], files], separators=(",", ":"))


# -- opening ----------------------------------------------------------------------------------


def index_path(root: Path) -> Path:
    return root / CACHE_DIR / INDEX_FILE


def open_index(root: Path) -> Index:
    """The question index of the corpus at ``root``, (re)built first when missing or stale.

    Never raises on a bad cache (it is rebuilt); bad corpus files are the validator's
    diagnostics, counted in :attr:`Index.errors`.
    """
    from kg.cache import cache_dir

    path = index_path(root)
    snap = take_snapshot(root)
    # a build/ or cache folder that is a symlink is never read from (nor written to)
    ix = Index.open(path) if cache_dir(root, create=False) is not None else None
    if ix is not None:
        if ix.snapshot == snapshot_text(snap, record=False):
            return ix
        from kg.cache import content_key

        key = content_key(root)
        if key == ix.key:
            ix.snapshot = _record_snapshot(path, key, snapshot_text(snap, record=True))
            return ix
        ix.close()
    return build_index(root, snap)


def _sum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sum")


def _sum_key() -> str:
    from kg.cache import code_fingerprint, digest

    return digest("index", str(FORMAT), code_fingerprint())


def _record_snapshot(path: Path, key: str, text: str) -> str:
    """Store a new snapshot next to the index at ``path`` if it still holds ``key``."""
    from kg.cache import read_entry, write_entry

    found = read_entry(_sum_path(path), _sum_key())
    if isinstance(found, dict) and found.get("key") == key:
        found["snapshot"] = text
        write_entry(_sum_path(path), _sum_key(), found)
    return text


def build_index(root: Path, snap: dict[str, Any]) -> Index:
    """Validate the corpus and write its index atomically; an in-memory one when the cache
    folder cannot be written. The key is that of the bytes the validation parsed; a file
    that changes meanwhile stops the run (kg.corpus.ChangedWhileReading)."""
    from kg.cache import cache_dir, key_of_digests
    from kg.corpus import check_unchanged, no_gc
    from kg.validator import validate

    text = snapshot_text(snap, record=True)
    path = index_path(root)
    with no_gc():
        corpus, diags = validate(root, use_cache=True)
        check_unchanged(corpus)
        key = key_of_digests(root, corpus.digests)
        written = cache_dir(root) is not None and _write_file(path, corpus, diags, key, text)
    if written:
        ix = Index.open(path)
        if ix is not None:
            return ix
    conn = sqlite3.connect(":memory:")
    write_tables(conn, corpus, diags, key, text)
    ix = Index.from_connection(conn, None)
    assert ix is not None
    return ix


def _write_file(path: Path, corpus: Corpus, diags: list[Diagnostic], key: str,
                snapshot: str) -> bool:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError:
        return False
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            write_tables(conn, corpus, diags, key, snapshot)
        finally:
            conn.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)  # the bytes are on disk before the name says they are the index
        finally:
            os.close(fd)
        data = Path(tmp).read_bytes()
        from kg.cache import write_entry

        summary = {"key": key, "snapshot": snapshot, "size": len(data),
                   "sha256": hashlib.sha256(data).hexdigest()}
        os.replace(tmp, path)
        return write_entry(_sum_path(path), _sum_key(), summary)
    except (OSError, sqlite3.Error):
        with suppress(OSError):
            os.unlink(tmp)
        return False


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files a crashed writer left behind (never read; this only frees space)."""
    now = time.time()
    for p in folder.glob(f".{INDEX_FILE}.*.tmp"):
        with suppress(OSError):
            if now - p.stat().st_mtime > STALE_TMP_S:
                p.unlink()


# -- writing ----------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE blobs (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE TABLE entities (ord INTEGER PRIMARY KEY, id TEXT NOT NULL, label TEXT NOT NULL,
                       role TEXT, kind TEXT, obj BLOB NOT NULL);
CREATE TABLE names (norm TEXT NOT NULL, rank INTEGER NOT NULL, ord INTEGER NOT NULL,
                    pos INTEGER NOT NULL);
CREATE TABLE claims (ord INTEGER PRIMARY KEY, id TEXT NOT NULL, statement TEXT,
                     subject TEXT, predicate TEXT, object TEXT, certainty TEXT,
                     status TEXT, rating TEXT, origin TEXT, subject_role TEXT, object_role TEXT,
                     trav INTEGER NOT NULL, size INTEGER NOT NULL, obj BLOB NOT NULL);
CREATE TABLE bearings (study TEXT NOT NULL, ord INTEGER NOT NULL, stances TEXT NOT NULL,
                       cited INTEGER NOT NULL);
CREATE TABLE studies (ord INTEGER PRIMARY KEY, key TEXT NOT NULL, fold TEXT NOT NULL,
                      listed INTEGER NOT NULL, obj BLOB NOT NULL);
CREATE TABLE refs (ord INTEGER PRIMARY KEY, key TEXT NOT NULL, obj BLOB NOT NULL);
CREATE TABLE paragraphs (ord INTEGER PRIMARY KEY, section TEXT, n INTEGER, obj BLOB NOT NULL);
CREATE TABLE sections (section TEXT PRIMARY KEY, title TEXT) WITHOUT ROWID;
CREATE TABLE vocab (token TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE postings (token TEXT NOT NULL, weight REAL NOT NULL, ords BLOB NOT NULL);
CREATE TABLE ends (eid TEXT PRIMARY KEY, as_subject BLOB NOT NULL, as_object BLOB NOT NULL)
    WITHOUT ROWID;
CREATE TABLE end_names (token TEXT NOT NULL, eid TEXT NOT NULL, tokens TEXT NOT NULL);
"""

INDEXES = """
CREATE UNIQUE INDEX entities_id ON entities (id);
CREATE INDEX names_norm ON names (norm);
CREATE UNIQUE INDEX claims_id ON claims (id);
CREATE INDEX claims_subject ON claims (subject, ord);
CREATE INDEX claims_object ON claims (object, ord);
CREATE INDEX bearings_study ON bearings (study, ord);
CREATE UNIQUE INDEX studies_key ON studies (key);
CREATE INDEX studies_fold ON studies (fold, ord);
CREATE UNIQUE INDEX refs_key ON refs (key);
CREATE INDEX paragraphs_at ON paragraphs (section, n);
CREATE INDEX postings_token ON postings (token);
CREATE INDEX end_names_token ON end_names (token);
"""

#: Traversal classes of a claim for kg paths (kg.paths.traversable).
NOT_FOLLOWED, WITH_ALL, ALWAYS = 0, 1, 2


def _blob(obj: object) -> bytes:
    """``obj`` as data-only JSON (kg.cache.dumps)."""
    from kg.cache import dumps

    return dumps(obj)


def _traversal(corpus: Corpus, claim: Claim) -> int:
    from kg.paths import traversable

    if claim.subject not in corpus.entities or claim.object not in corpus.entities:
        return NOT_FOLLOWED
    if traversable(claim, include_all=False):
        return ALWAYS
    return WITH_ALL if traversable(claim, include_all=True) else NOT_FOLLOWED


def write_tables(conn: sqlite3.Connection, corpus: Corpus, diags: list[Diagnostic], key: str,
                 snapshot: str) -> None:
    """Fill an empty database with the index of ``corpus`` (validated, with ``diags``)."""
    import dataclasses

    from kg import search
    from kg.evidence import assess
    from kg.lookup import RANKS, names_of, norm

    conn.executescript(SCHEMA)
    ents = corpus.entities
    conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)", (
        (i, e.id, e.label, e.role, e.kind, _blob(e)) for i, e in enumerate(ents.values())))

    def name_rows() -> Iterator[tuple[str, int, int, int]]:
        pos = 0
        for i, e in enumerate(ents.values()):
            names = names_of(e)
            for r, rank in enumerate(RANKS):
                for n in names[rank]:
                    yield norm(n), r, i, pos
                    pos += 1

    conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", name_rows())

    words = search.build_index(corpus)
    fields_by_weight = sorted(search.WEIGHTS, key=lambda f: -search.WEIGHTS[f])
    postings: dict[tuple[str, float], array[int]] = {}
    sizes: dict[str, int] = {}
    for cid, by_field in words.fields.items():
        o = words.order[cid]
        seen: set[str] = set()
        for f in fields_by_weight:
            w = search.WEIGHTS[f]
            for tok in by_field.get(f, ()):
                if tok not in seen:
                    seen.add(tok)
                    postings.setdefault((tok, w), array("i")).append(o)
        sizes[cid] = len(seen)

    def claim_rows() -> Iterator[tuple[Any, ...]]:
        for i, c in enumerate(corpus.claims.values()):
            a = assess(c, corpus.studies)
            s, o = ents.get(c.subject), ents.get(c.object)
            yield (i, c.id, c.statement, c.subject, c.predicate, c.object, c.certainty,
                   a.status, a.rating, c.origin, s.role if s else None, o.role if o else None,
                   _traversal(corpus, c), sizes[c.id], _blob(c))

    conn.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     claim_rows())

    def bearing_rows() -> Iterator[tuple[str, int, str, int]]:
        for i, c in enumerate(corpus.claims.values()):
            keys = dict.fromkeys([ev.study for ev in c.evidence] + list(c.article_cites))
            for k in keys:
                stances = [ev.stance for ev in c.evidence if ev.study == k]
                yield k, i, json.dumps(stances), int(k in c.article_cites)

    conn.executemany("INSERT INTO bearings VALUES (?, ?, ?, ?)", bearing_rows())
    listed = set(corpus.article.references) if corpus.article is not None else set()
    conn.executemany("INSERT INTO studies VALUES (?, ?, ?, ?, ?)", (
        (i, k, k.casefold(), int(k in listed), _blob(s))
        for i, (k, s) in enumerate(corpus.studies.items())))
    conn.executemany("INSERT INTO refs VALUES (?, ?, ?)", (
        (i, k, _blob(r)) for i, (k, r) in enumerate(corpus.references.items())))
    if corpus.article is not None:
        art = corpus.article
        conn.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?)", (
            (i, p.section, p.n, _blob(p)) for i, p in enumerate(art.paragraphs)))
        conn.executemany("INSERT INTO sections VALUES (?, ?)", art.section_titles.items())
        head = dataclasses.replace(art, references=(), paragraphs=(), section_titles={},
                                   reference_spans=())
        conn.execute("INSERT INTO blobs VALUES ('article_head', ?)", (_blob(head),))
        conn.execute("INSERT INTO blobs VALUES ('article', ?)", (_blob(art),))

    conn.executemany("INSERT INTO vocab VALUES (?, ?)", words.df.items())
    conn.executemany("INSERT INTO postings VALUES (?, ?, ?)", (
        (tok, w, ords.tobytes()) for (tok, w), ords in postings.items()))
    end_names: dict[str, tuple[frozenset[str], ...]] = {}
    end_claims: dict[str, tuple[array[int], array[int]]] = {}
    for i, (cid, c) in enumerate(corpus.claims.items()):
        subject_names, object_names = words.names[cid]
        end_names.setdefault(c.subject, subject_names)
        end_names.setdefault(c.object, object_names)
        end_claims.setdefault(c.subject, (array("i"), array("i")))[0].append(i)
        end_claims.setdefault(c.object, (array("i"), array("i")))[1].append(i)
    conn.executemany("INSERT INTO ends VALUES (?, ?, ?)", (
        (eid, s.tobytes(), o.tobytes()) for eid, (s, o) in end_claims.items()))
    # each name under its rarest token: a query holding the whole name holds that token
    conn.executemany("INSERT INTO end_names VALUES (?, ?, ?)", (
        (min(n, key=lambda t: (words.df.get(t, 0), t)), eid, json.dumps(sorted(n)))
        for eid, names in end_names.items() for n in names))
    conn.execute("INSERT INTO blobs VALUES ('vocabulary', ?)",
                 ("\n".join(words.df).encode("utf-8"),))

    errors = sum(1 for d in diags if d.severity == "error")
    meta = {
        "format": str(FORMAT), "key": key, "snapshot": snapshot, "root": corpus.root,
        "errors": errors, "claims": len(corpus.claims),
        "has_article": int(corpus.article is not None),
        "invalid": json.dumps(sorted(corpus.invalid)),
        "incomplete": json.dumps(sorted(corpus.incomplete)),
    }
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.executescript(INDEXES)
    conn.commit()


# -- reading ----------------------------------------------------------------------------------


def _json_list(values: Iterable[object]) -> str:
    return json.dumps(list(values))


class Index:
    """A read-only view of one corpus's question index. Every lookup reads only its rows."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None,
                 meta: dict[str, Any]) -> None:
        self._conn = conn
        self._path = path
        self._meta = meta
        self.key: str = meta["key"]
        self.snapshot: str = meta["snapshot"]
        self.errors: int = int(meta["errors"])
        self.root: str = meta["root"]
        self.claim_count: int = int(meta["claims"])
        self._vocabulary: list[str] | None = None

    @classmethod
    def open(cls, path: Path) -> Index | None:
        """The index at ``path``, or None when missing, unreadable, foreign, truncated,
        damaged (its bytes do not match its checksum), a symlink or a special file."""
        from kg.cache import read_entry, read_regular

        summary = read_entry(_sum_path(path), _sum_key())
        if not (isinstance(summary, dict) and isinstance(summary.get("sha256"), str)
                and isinstance(summary.get("snapshot"), str)):
            return None
        data = read_regular(path)
        if data is None or len(data) != summary.get("size") or \
                hashlib.sha256(data).hexdigest() != summary["sha256"]:
            return None
        size = len(data)
        del data
        try:
            conn = sqlite3.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True)
        except (OSError, sqlite3.Error):
            return None
        ix = cls.from_connection(conn, path)
        if ix is None or ix.key != summary.get("key"):
            conn.close()
            return None
        ix.snapshot = summary["snapshot"]
        try:
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
        except sqlite3.Error:
            conn.close()
            return None
        if page_size * pages != size:
            conn.close()
            return None
        return ix

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection, path: Path | None) -> Index | None:
        try:
            meta = dict(conn.execute(
                "SELECT k, v FROM meta WHERE k IN ('format', 'key', 'snapshot', 'errors', "
                "'root', 'claims', 'has_article')"))
        except sqlite3.Error:
            return None
        if meta.get("format") != str(FORMAT) or len(meta) != 7:
            return None
        return cls(conn, path, meta)

    def close(self) -> None:
        self._conn.close()

    # rows, with corruption turned into one clear error

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            if not self._rebuilt(exc):
                raise
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            self._damaged(exc)
            raise  # not reached

    def _rebuilt(self, exc: Exception) -> bool:
        """After a corruption found mid-question: remove the file, build a new index of the
        same corpus and read from it from now on (rows already read came from the same
        corpus version). False when that is not possible."""
        if self._path is None:
            return False
        self.close()
        with suppress(OSError):
            os.unlink(self._path)
        try:
            new = open_index(Path(self.root))
        except Exception:
            self._damaged(exc)
        if new.key != self.key:  # the corpus changed meanwhile: do not mix versions
            new.close()
            self._damaged(exc)
        self._conn, self._path, self._meta = new._conn, new._path, new._meta
        self.snapshot = new.snapshot
        return True

    def _one(self, sql: str, params: Sequence[object] = ()) -> Any:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _damaged(self, exc: Exception) -> None:
        with suppress(sqlite3.Error):
            self.close()
        if self._path is not None:
            with suppress(OSError):
                os.unlink(self._path)
        raise IndexDamaged(f"the question index {self._path} is damaged ({exc}); it has been "
                           "removed and is rebuilt on the next run") from None

    def _load(self, blob: bytes) -> Any:
        from kg.cache import DecodeError, loads

        try:
            return loads(bytes(blob))
        except DecodeError as exc:  # a damaged row
            self._damaged(exc)

    def meta(self, name: str) -> Any:
        row = self._one("SELECT v FROM meta WHERE k = ?", (name,))
        return row[0] if row else None

    # whole-corpus answers

    def load_corpus(self) -> Corpus:
        """The whole corpus, as kg.validator.validate loaded it (for compiling the graph)."""
        from kg.model import Corpus

        corpus = Corpus(self.root)
        corpus.entities = {r[0]: self._load(r[1]) for r in self._rows(
            "SELECT id, obj FROM entities ORDER BY ord")}
        corpus.claims = {r[0]: self._load(r[1]) for r in self._rows(
            "SELECT id, obj FROM claims ORDER BY ord")}
        corpus.studies = {r[0]: self._load(r[1]) for r in self._rows(
            "SELECT key, obj FROM studies ORDER BY ord")}
        corpus.references = {r[0]: self._load(r[1]) for r in self._rows(
            "SELECT key, obj FROM refs ORDER BY ord")}
        row = self._one("SELECT v FROM blobs WHERE k = 'article'")
        corpus.article = self._load(row[0]) if row else None
        corpus.invalid = set(json.loads(self.meta("invalid")))
        corpus.incomplete = set(json.loads(self.meta("incomplete")))
        return corpus

    # claims

    def claim_ids(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT id FROM claims ORDER BY ord")]

    def has_claim(self, claim_id: str) -> bool:
        return self._one("SELECT 1 FROM claims WHERE id = ?", (claim_id,)) is not None

    def claims(self, ids: Iterable[str]) -> dict[str, Claim]:
        """The claims with these ids that exist, in file order."""
        return {r[0]: self._load(r[1]) for r in self._rows(
            "SELECT id, obj FROM claims WHERE id IN (SELECT value FROM json_each(?)) "
            "ORDER BY ord", (_json_list(ids),))}

    def ids_of(self, ords: Iterable[int]) -> dict[int, tuple[str, int]]:
        """Claim ord -> (id, distinct token count)."""
        return {r[0]: (r[1], r[2]) for r in self._rows(
            "SELECT ord, id, size FROM claims WHERE ord IN (SELECT value FROM json_each(?))",
            (_json_list(ords),))}

    _SUMMARY = (
        "SELECT c.id, c.statement, c.subject, s.label, s.role, s.kind, c.predicate, "
        "c.object, o.label, o.role, o.kind, c.certainty, c.status, c.rating{extra} "
        "FROM {source} LEFT JOIN entities s ON s.id = c.subject "
        "LEFT JOIN entities o ON o.id = c.object ")

    def summaries(self, where: str = "", params: Sequence[object] = ()) -> list[dict[str, Any]]:
        """kg.views.claim_summary of the claims matching the SQL condition ``where`` (on
        table alias ``c``), in file order."""
        sql = self._SUMMARY.format(extra="", source="claims c")
        sql += (f"WHERE {where} " if where else "") + "ORDER BY c.ord"
        return [_summary(r) for r in self._rows(sql, params)]

    def bearings(self, study: str) -> list[dict[str, Any]]:
        """kg.views.study_bearing rows of the claims ``study`` bears on, in file order."""
        from kg.views import study_bearing

        sql = self._SUMMARY.format(extra=", b.stances, b.cited",
                                   source="bearings b JOIN claims c ON c.ord = b.ord")
        return [study_bearing(_summary(r), json.loads(r[14]), bool(r[15]))
                for r in self._rows(sql + "WHERE b.study = ? ORDER BY b.ord", (study,))]

    def study_listing(self) -> list[tuple[str, bool, int, int]]:
        """(key, listed in the article's references, claims it bears on, claims the
        article cites it for) of every study, in file order."""
        rows = self._rows(
            "SELECT s.key, s.listed, COUNT(b.ord), COALESCE(SUM(b.cited), 0) "
            "FROM studies s LEFT JOIN bearings b ON b.study = s.key "
            "GROUP BY s.ord ORDER BY s.ord")
        return [(str(r[0]), bool(r[1]), int(r[2]), int(r[3])) for r in rows]

    def links_from(self, subjects: Iterable[str], min_trav: int,
                   only_to: str | None = None) -> list[tuple[Any, ...]]:
        """(ord, id, subject, predicate, object, rating, status, origin) of the claims kg paths may
        follow out of ``subjects`` (only into ``only_to`` when given)."""
        sql = ("SELECT ord, id, subject, predicate, object, rating, status, origin FROM claims "
               "WHERE subject IN (SELECT value FROM json_each(?)) AND trav >= ?")
        params: list[object] = [_json_list(subjects), min_trav]
        if only_to is not None:
            sql += " AND object = ?"
            params.append(only_to)
        return self._rows(sql, params)

    # entities, studies

    def entity_name_hits(self, normalized: str) -> list[tuple[int, int]]:
        """(rank index, entity ord) of every name equal to ``normalized``."""
        return [(r[0], r[1]) for r in self._rows(
            "SELECT DISTINCT rank, ord FROM names WHERE norm = ? ORDER BY rank, ord",
            (normalized,))]

    def entities_at(self, ords: Iterable[int]) -> list[Entity]:
        return [self._load(r[0]) for r in self._rows(
            "SELECT obj FROM entities WHERE ord IN (SELECT value FROM json_each(?)) "
            "ORDER BY ord", (_json_list(ords),))]

    def entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        return {r[0]: self._load(r[1]) for r in self._rows(
            "SELECT id, obj FROM entities WHERE id IN (SELECT value FROM json_each(?)) "
            "ORDER BY ord", (_json_list(ids),))}

    def entity_names(self) -> dict[str, str]:
        """kg.lookup.entity_names: normalized name -> entity id (first entity wins)."""
        out: dict[str, str] = {}
        for name, eid in self._rows("SELECT n.norm, e.id FROM names n JOIN entities e "
                                    "ON e.ord = n.ord ORDER BY n.pos"):
            out.setdefault(name, eid)
        return out

    def study(self, key: str) -> Study | None:
        row = self._one("SELECT obj FROM studies WHERE key = ?", (key,))
        return self._load(row[0]) if row else None

    def study_by_fold(self, folded: str) -> Study | None:
        row = self._one("SELECT obj FROM studies WHERE fold = ? ORDER BY ord LIMIT 1",
                        (folded,))
        return self._load(row[0]) if row else None

    def study_keys(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT key FROM studies ORDER BY ord")]

    # words

    def vocabulary(self) -> list[str]:
        """Every token of every claim (kg.search.ClaimIndex.df's keys)."""
        if self._vocabulary is None:
            row = self._one("SELECT v FROM blobs WHERE k = 'vocabulary'")
            text = bytes(row[0]).decode("utf-8") if row else ""
            self._vocabulary = text.split("\n") if text else []
        return self._vocabulary

    def document_frequencies(self, tokens: Iterable[str]) -> dict[str, int]:
        return {r[0]: r[1] for r in self._rows(
            "SELECT token, df FROM vocab WHERE token IN (SELECT value FROM json_each(?))",
            (_json_list(tokens),))}

    def postings(self, token: str) -> list[tuple[float, array[int]]]:
        """(field weight, claim ords holding ``token`` at best in a field of that weight)."""
        out = []
        for weight, blob in self._rows(
                "SELECT weight, ords FROM postings WHERE token = ? ORDER BY weight DESC",
                (token,)):
            ords = array("i")
            ords.frombytes(blob)
            out.append((weight, ords))
        return out

    def named_ends(self, present: set[str]) -> dict[str, list[list[str]]]:
        """For each claim end (entity id) with a name whose tokens all are in ``present``:
        those names' tokens."""
        out: dict[str, list[list[str]]] = {}
        for eid, text in self._rows(
                "SELECT eid, tokens FROM end_names WHERE token IN "
                "(SELECT value FROM json_each(?))", (_json_list(present),)):
            tokens = json.loads(text)
            if present.issuperset(tokens):
                out.setdefault(eid, []).append(tokens)
        return out

    def end_claims(self, eids: Iterable[str]) -> dict[str, tuple[array[int], array[int]]]:
        """Entity id -> (ords of the claims it is the subject of, ... the object of)."""
        out = {}
        for eid, subj, obj in self._rows(
                "SELECT eid, as_subject, as_object FROM ends WHERE eid IN "
                "(SELECT value FROM json_each(?))", (_json_list(eids),)):
            a, b = array("i"), array("i")
            a.frombytes(subj)
            b.frombytes(obj)
            out[eid] = (a, b)
        return out

    # a small corpus holding just what some views need

    def corpus_for(self, claims: Iterable[str] = (), entities: Iterable[str] = (),
                   studies: Iterable[str] = ()) -> Corpus:
        """A Corpus holding only the given claims, entities and studies, and what kg.views
        reads about them: the claims' ends, studies and references of their evidence and
        citations, and the article's paragraphs and section titles they point to."""
        import dataclasses

        from kg.model import Corpus

        corpus = Corpus(self.root)
        corpus.claims = self.claims(claims)
        ent_ids = dict.fromkeys(entities)
        keys = dict.fromkeys(studies)
        for c in corpus.claims.values():
            ent_ids.update(dict.fromkeys((c.subject, c.object)))
            keys.update(dict.fromkeys(ev.study for ev in c.evidence))
            keys.update(dict.fromkeys(c.article_cites))
        corpus.entities = self.entities(ent_ids)
        listed: set[str] = set()
        for key, study_listed, obj in self._rows(
                "SELECT key, listed, obj FROM studies WHERE key IN "
                "(SELECT value FROM json_each(?)) ORDER BY ord", (_json_list(keys),)):
            corpus.studies[key] = self._load(obj)
            if study_listed:
                listed.add(key)
        corpus.references = {r[0]: self._load(r[1]) for r in self._rows(
            "SELECT key, obj FROM refs WHERE key IN (SELECT value FROM json_each(?)) "
            "ORDER BY ord", (_json_list(keys),))}
        if int(self._meta["has_article"]):
            row = self._one("SELECT v FROM blobs WHERE k = 'article_head'")
            head = self._load(row[0])
            places = {(c.source.section, c.source.paragraph) for c in corpus.claims.values()
                      if c.source is not None}
            sections = sorted({s for s, _ in places})
            paragraphs = tuple(
                self._load(r[0]) for r in self._rows(
                    "SELECT p.obj FROM paragraphs p JOIN json_each(?) j "
                    "ON p.section = json_extract(j.value, '$[0]') "
                    "AND p.n = json_extract(j.value, '$[1]') ORDER BY p.ord",
                    (json.dumps(sorted(places)),)))
            titles = dict(self._rows(
                "SELECT section, title FROM sections WHERE section IN "
                "(SELECT value FROM json_each(?))", (_json_list(sections),)))
            corpus.article = dataclasses.replace(
                head, references=tuple(k for k in keys if k in listed), paragraphs=paragraphs,
                section_titles=titles)
        return corpus


def _summary(r: Sequence[Any]) -> dict[str, Any]:
    from kg.views import ref_data, summary_data

    return summary_data(r[0], r[1], ref_data(r[2], r[3], r[4], r[5]), r[6],
                        ref_data(r[7], r[8], r[9], r[10]), r[11], r[12], r[13])


__all__ = ["Index", "IndexDamaged", "build_index", "input_files", "open_index", "take_snapshot"]
