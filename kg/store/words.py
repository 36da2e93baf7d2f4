"""The words index beside the store: SQLite's FTS5 full-text index of the claims, and the
names entities, claims and studies are found by.

It is made from the graph in the store (``claim-words.rq``, ``names.rq``,
``study-keys.rq``) when the store is, and lives next to it as
``build/cache/words-<key>.sqlite``. Tables:

- ``claims``: an FTS5 table with one row per claim (rowid: its file order) and four
  columns, ranked by BM25 with weights :data:`WEIGHTS`: what a claim is about (its
  statement and the names of its subject and object) counts more than its id, and its
  id more than its qualifiers (population, context, dose, duration). The tokenizer is
  ``porter unicode61``: case-folded words, Porter-stemmed, so "fractures" finds
  "fracture". ``claim_terms`` (fts5vocab) lists the index's terms, for close spellings;
- ``claim_ids`` (file order -> claim id), ``names`` (an entity's normalized id, label,
  synonyms and CURIEs, with the rank of each: kg.questions.lookup.RANKS) and ``studies`` (reference
  keys, case-folded too).

Words become an FTS5 query of quoted terms joined by OR, so a claim that holds any of
them matches; BM25 ranks those holding more, rarer ones first, and the score is BM25
times the share of the query's words the claim holds (:meth:`Words.search`). A word no claim holds
is tried once more as the closest term of the index (difflib, cutoff 0.8), so
"sclerotin" still finds "sclerostin".

The file is written to a temporary name and renamed into place; a manifest (the file's
size and modification time, checksummed) is checked before it is opened, and SQLite's
own checks catch a damaged page when read: a damaged index is rebuilt, never trusted. It
holds text and numbers only.
"""

from __future__ import annotations

import difflib
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kg.store import query as Q
from kg.store.terms import Backend

#: BM25 column weights: statement, ends (subject and object names), id, qualifiers.
WEIGHTS = (1.0, 1.0, 0.8, 0.5)
#: How many candidates per answer wanted BM25 picks before the share of words reorders them.
POOL = 10
STOPWORDS = frozenset(
    """a an and are as at be been by can do does for from has have how in into is it its
    of on or that the their this to was were what which who why with does did not than
    then there these those your you our we they them people""".split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SEP = re.compile(r"[\s_\-]+")

SCHEMA = """
CREATE VIRTUAL TABLE claims USING fts5(
    statement, ends, id, qualifiers, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE claim_terms USING fts5vocab(claims, row);
CREATE TABLE claim_ids (ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE TABLE names (norm TEXT NOT NULL, rank INTEGER NOT NULL, id TEXT NOT NULL,
                    ord INTEGER NOT NULL);
CREATE TABLE studies (key TEXT PRIMARY KEY, fold TEXT NOT NULL, ord INTEGER NOT NULL);
"""
INDEXES = """
CREATE INDEX names_norm ON names (norm, rank, ord);
CREATE INDEX studies_fold ON studies (fold, ord);
"""


def norm(text: str) -> str:
    """Case-folded, with runs of spaces, hyphens and underscores made one space."""
    return _SEP.sub(" ", text.strip().casefold()).strip()


@dataclass(frozen=True, slots=True)
class Hit:
    claim: str
    score: float
    matched: tuple[str, ...]


def words_path(folder: Path, key: str) -> Path:
    return folder / f"words-{key}.sqlite"


def write_words(path: Path, store: Backend, base: str) -> bool:
    """Make the words index of the graph in ``store`` at ``path`` (atomically)."""
    import tempfile

    tmp = None
    try:
        fd, name = tempfile.mkstemp(prefix=".words-", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        conn = sqlite3.connect(name)
        try:
            fill(conn, store, base)
        finally:
            conn.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error):
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False
    return True


def fill(conn: sqlite3.Connection, store: Backend, base: str) -> None:
    """Create and fill the tables in an empty database."""
    conn.executescript(SCHEMA)
    rows = Q.select(store, "claim-words", base)
    conn.executemany("INSERT INTO claims (rowid, statement, ends, id, qualifiers) "
                     "VALUES (?, ?, ?, ?, ?)",
                     ((int(r["ord"].value), r["statement"].value,
                       r["ends"].value if "ends" in r else "",
                       r["id"].value.replace("-", " "),
                       r["qualifiers"].value if "qualifiers" in r else "") for r in rows))
    conn.executemany("INSERT INTO claim_ids VALUES (?, ?)",
                     ((int(r["ord"].value), r["id"].value) for r in rows))
    conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", (
        (norm(r["name"].value), int(r["rank"].value), r["id"].value, int(r["ord"].value))
        for r in Q.select(store, "names", base)))
    conn.executemany("INSERT OR IGNORE INTO studies VALUES (?, ?, ?)", (
        (r["key"].value, r["key"].value.casefold(), int(r["ord"].value))
        for r in Q.select(store, "study-keys", base)))
    conn.executescript(INDEXES)
    conn.commit()


class Words:
    """An open words index (read-only)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._terms: list[str] | None = None

    @classmethod
    def open(cls, path: Path) -> Words | None:
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
            conn.execute("SELECT count(*) FROM claim_ids").fetchone()
        except (sqlite3.Error, ValueError):
            return None
        return cls(conn)

    @classmethod
    def in_memory(cls, store: Backend, base: str) -> Words:
        conn = sqlite3.connect(":memory:")
        fill(conn, store, base)
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    # claims and studies

    def claim_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM claim_ids ORDER BY ord")]

    def has_claim(self, claim_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM claim_ids WHERE id = ?",
                                 (claim_id,)).fetchone() is not None

    def claim_order(self, ids: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            out.update(self.conn.execute(
                f"SELECT id, ord FROM claim_ids WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        return out

    def study_keys(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT key FROM studies ORDER BY ord")]

    def study_key(self, text: str) -> str | None:
        """The study key ``text`` is, exactly or case-folded (the first in file order)."""
        row = self.conn.execute("SELECT key FROM studies WHERE key = ?", (text,)).fetchone()
        if row is None:
            row = self.conn.execute("SELECT key FROM studies WHERE fold = ? ORDER BY ord "
                                    "LIMIT 1", (text.strip().casefold(),)).fetchone()
        return str(row[0]) if row else None

    # entity names

    def name_hits(self, normalized: str) -> list[tuple[int, str]]:
        """(rank, entity id) of every name equal to ``normalized``, best rank first, then
        file order."""
        return [(int(r[0]), str(r[1])) for r in self.conn.execute(
            "SELECT DISTINCT rank, id, ord FROM names WHERE norm = ? ORDER BY rank, ord",
            (normalized,))]

    def entity_names(self) -> dict[str, str]:
        """Normalized name -> entity id (the first entity in file order wins)."""
        out: dict[str, str] = {}
        for name, eid in self.conn.execute("SELECT norm, id FROM names ORDER BY ord, rank"):
            out.setdefault(name, eid)
        return out

    # words

    def terms(self) -> list[str]:
        if self._terms is None:
            self._terms = [r[0] for r in self.conn.execute("SELECT term FROM claim_terms")]
        return self._terms

    def _holds(self, word: str) -> bool:
        return self.conn.execute("SELECT 1 FROM claims WHERE claims MATCH ? LIMIT 1",
                                 (_phrase(word),)).fetchone() is not None

    def _close(self, word: str) -> str | None:
        if len(word) < 4:
            return None
        match = difflib.get_close_matches(word, self.terms(), n=1, cutoff=0.8)
        return match[0] if match else None

    def plan(self, query: str) -> list[tuple[str, str]]:
        """(term to look for, the word typed) for each word of ``query`` that is not a stop
        word: the word itself when a claim holds it, else its closest term."""
        out: list[tuple[str, str]] = []
        for word in dict.fromkeys(w.casefold() for w in _WORD.findall(query)):
            if word in STOPWORDS:
                continue
            if self._holds(word):
                out.append((word, word))
            else:
                near = self._close(word)
                if near is not None:
                    out.append((near, word))
        return out

    def unmatched(self, query: str) -> list[str]:
        """The words of ``query`` (not stop words) no claim holds, even spelled close."""
        found = {typed for _, typed in self.plan(query)}
        return [w for w in dict.fromkeys(w.casefold() for w in _WORD.findall(query))
                if w not in STOPWORDS and w not in found]

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The claims best matching ``query``, best first; ties in file order.

        The score is BM25 (FTS5's, with the column weights :data:`WEIGHTS`) times the share
        of the query's words the claim holds, so a claim holding every word outranks one
        holding a single rare one. BM25 ranks a pool of :data:`POOL` times ``limit``
        candidates, which the share then reorders."""
        plan = self.plan(query)
        if not plan:
            return []
        match = " OR ".join(_phrase(term) for term, _ in plan)
        pool = self.conn.execute(
            "SELECT c.rowid, i.id, -bm25(claims, ?, ?, ?, ?) FROM claims c "
            "JOIN claim_ids i ON i.ord = c.rowid WHERE claims MATCH ? "
            "ORDER BY bm25(claims, ?, ?, ?, ?), c.rowid LIMIT ?",
            (*WEIGHTS, match, *WEIGHTS, max(limit, 10) * POOL)).fetchall()
        if not pool:
            return []
        rowids = [r[0] for r in pool]
        marks = ",".join("?" * len(rowids))
        holds = {term: {r[0] for r in self.conn.execute(
            f"SELECT rowid FROM claims WHERE claims MATCH ? AND rowid IN ({marks})",
            (_phrase(term), *rowids))} for term, _ in plan}
        scored = []
        for ord_, cid, bm25 in pool:
            matched = tuple(typed for term, typed in plan if ord_ in holds[term])
            scored.append((round(float(bm25) * len(matched) / len(plan), 2), ord_, cid,
                           matched))
        scored.sort(key=lambda h: (-h[0], h[1]))
        return [Hit(cid, score, matched) for score, _, cid, matched in scored[:limit]]


def _phrase(word: str) -> str:
    """``word`` as an FTS5 string (a phrase of one token, quotes doubled)."""
    return '"' + word.replace('"', '""') + '"'
