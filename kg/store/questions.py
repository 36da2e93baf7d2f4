"""The questions the commands ask, answered from the graph store.

:func:`open_questions` gives a :class:`Questions` for a corpus: its graph store (the
compiled graph in Oxigraph, kg.store.local) and the words index beside it
(kg.store.words), built first when missing or stale. Each answer is one of the shipped
queries (kg/store/queries/*.rq) run on the store, or a lookup in the words index, which
is itself made from the graph.

**Freshness.** ``build/cache/questions.json`` (a checksummed kg.cache entry) records the
corpus's content key, the base IRI, the error count (for the one-line warning), the rows of
``stats.rq`` (``kg stats``: an aggregate over the whole graph, asked once per store) and a
stat snapshot of the inputs (kg.store.freshness): when the snapshot still matches, or the
content key recomputed still does, the store of that key is opened; otherwise the corpus
is validated and compiled, and the store, the words index and the manifest are written
again. ``kg build`` writes all three, so a question after a build opens them at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.store import query as Q
from kg.store.local import LocalStore
from kg.store.terms import Backend, Row
from kg.store.words import Words, words_path

if TYPE_CHECKING:
    from kg.corpus.model import Corpus, Entity, Study

MANIFEST = "questions.json"
#: Bump when the manifest's meaning changes.
FORMAT = 1
#: A link kg paths may follow: (file order, claim id, subject, predicate, object, rating,
#: status, origin).
LinkRow = tuple[int, str, str, str, str, str, str, str]
ROLE_CLASSES = {"Intervention": "intervention", "Exposure": "exposure",
                "Mechanism": "mechanism", "Outcome": "outcome"}


class Questions:
    """The store, the words index and what the manifest says of a corpus."""

    def __init__(self, root: Path, base: str, store: Backend, words: Words,
                 errors: int = 0) -> None:
        self.root = root
        self.base = base
        self.store = store
        self.words = words
        #: how many errors `kg validate` finds in the corpus (answers may be incomplete)
        self.errors = errors
        #: the corpus's content key (kg.cache.content_key), when the store is local
        self.key: str | None = None
        #: stats.rq's rows as run when the store was made (kg stats), when the store is local
        self.stats_rows: list[tuple[str, str, int]] | None = None
        from kg.graph.namespaces import vocab_ns

        self.kgv = vocab_ns(base)

    def close(self) -> None:
        self.words.close()

    def iri(self, folder: str, ident: str) -> str:
        from kg.store.records import node_iri

        return Q.iri(node_iri(self.base, folder, ident))

    def _local(self, iri: str, scheme: str = "") -> str:
        local = iri[len(self.kgv):] if iri.startswith(self.kgv) else iri
        return local.removeprefix(f"{scheme}-") if scheme else local

    # claims

    def summaries(self, *, claims: Iterable[str] | None = None,
                  subjects: Iterable[str] | None = None,
                  objects: Iterable[str] | None = None, statuses: Sequence[str] = (),
                  ratings: Sequence[str] = ()) -> list[dict[str, Any]]:
        """kg.questions.views.claim_summary of the claims matching every given filter (ids, subject
        or object entity ids, statuses, ratings), in file order."""
        values: dict[str, list[str]] = {}
        if claims is not None:
            values["claim"] = [self.iri("claim", c) for c in claims]
        if subjects is not None:
            values["subject"] = [self.iri("entity", e) for e in subjects]
        if objects is not None:
            values["object"] = [self.iri("entity", e) for e in objects]
        if statuses:
            values["status"] = [Q.iri(f"{self.kgv}status-{s}") for s in statuses]
        if ratings:
            values["rating"] = [Q.iri(f"{self.kgv}rating-{r}") for r in ratings]
        if any(not v for v in values.values()):
            return []
        rows = Q.select(self.store, "claims", self.base, **values)
        return [self._summary(r) for r in rows]

    def _summary(self, r: Row) -> dict[str, Any]:
        from kg.questions.views import ref_data, summary_data
        from kg.store.records import local_id

        def end(prefix: str, iri_var: str) -> dict[str, Any]:
            role = r.get(f"{prefix}role")
            kind = r.get(f"{prefix}kind")
            ident = r.get(f"{prefix}id")
            label = r.get(f"{prefix}label")
            return ref_data(ident.value if ident else local_id(r[iri_var].value),
                            label.value if label else None,
                            ROLE_CLASSES.get(self._local(role.value)) if role else None,
                            self._local(kind.value, "kind") if kind else None)

        certainty = r.get("certainty")
        return summary_data(r["id"].value, r["statement"].value, end("s", "subject"),
                            self._local(r["predicate"].value), end("o", "object"),
                            self._local(certainty.value, "certainty") if certainty else "",
                            self._local(r["status"].value, "status"),
                            self._local(r["rating"].value, "rating"))

    def bearings(self, study: str) -> list[dict[str, Any]]:
        """kg.questions.views.study_bearing rows of the claims ``study`` bears on, in file order."""
        from kg.questions.views import study_bearing
        from kg.store.records import local_id, numbered

        lines: dict[str, list[tuple[tuple[str, int], str]]] = {}
        cited: set[str] = set()
        for r in Q.select(self.store, "bearings", self.base, study=[self.iri("study", study)]):
            cid = local_id(r["claim"].value)
            lines.setdefault(cid, [])
            if "stance" in r:
                lines[cid].append((numbered(r["line"].value),
                                   self._local(r["stance"].value, "stance")))
            if "cited" in r:
                cited.add(cid)
        return [study_bearing(s, [stance for _, stance in sorted(lines[s["id"]])],
                              s["id"] in cited)
                for s in self.summaries(claims=list(lines))]

    def study_listing(self) -> list[tuple[str, bool, int, int]]:
        """(key, listed in the article's references, claims it bears on, claims the
        article cites it for) of every study, in file order."""
        return [(r["key"].value, "listed" in r and r["listed"].value == "true",
                 int(r["claims"].value) if "claims" in r else 0,
                 int(r["cited_for"].value) if "cited_for" in r else 0)
                for r in Q.select(self.store, "study-list", self.base)]

    def links_from(self, subjects: Iterable[str], only_to: str | None = None) -> list[LinkRow]:
        """(file order, claim id, subject, predicate, object, rating, status, origin) of the
        effect claims out of ``subjects`` that no claim supersedes (into ``only_to`` only,
        when given). Rating, status and origin are left "": :meth:`rate` fills them in for
        the rows still wanted."""
        values = {"subject": [self.iri("entity", s) for s in subjects]}
        if only_to is not None:
            values["object"] = [self.iri("entity", only_to)]
        return self._links(values) if values["subject"] else []

    def links_into(self, objects: Iterable[str]) -> list[LinkRow]:
        """:meth:`links_from`'s rows of the claims into ``objects``."""
        targets = [self.iri("entity", o) for o in objects]
        return self._links({"object": targets}) if targets else []

    def _links(self, values: dict[str, list[str]]) -> list[LinkRow]:
        from kg.store.records import local_id

        local = self._local
        rows = Q.select(self.store, "links", self.base, **values)
        ids = [local_id(r["claim"].value) for r in rows]
        order = self.words.claim_order(ids)
        return [(order.get(cid, -1), cid, local_id(r["subject"].value),
                 local(r["predicate"].value), local_id(r["object"].value), "", "", "")
                for cid, r in zip(ids, rows, strict=True)]

    def rate(self, rows: Iterable[LinkRow]) -> list[LinkRow]:
        """``rows`` with each claim's rating, status and origin (link-ratings.rq)."""
        from kg.store.records import local_id

        rows = list(rows)
        claims = sorted({r[1] for r in rows})
        local = self._local
        found = {local_id(r["claim"].value): (local(r["rating"].value, "rating"),
                                              local(r["status"].value, "status"),
                                              local(r["origin"].value, "origin"))
                 for r in (Q.select(self.store, "link-ratings", self.base,
                                    claim=[self.iri("claim", c) for c in claims])
                           if claims else [])}
        return [r[:5] + found[r[1]] for r in rows if r[1] in found]

    # records

    def corpus_for(self, claims: Iterable[str] = (), entities: Iterable[str] = (),
                   studies: Iterable[str] = (), outline: bool = False) -> Corpus:
        """kg.store.records.corpus_for on this store."""
        from kg.store.records import corpus_for

        return corpus_for(self.store, self.base, str(self.root), claims, entities, studies,
                          outline)

    def audited(self) -> Corpus:
        """What kg audit reads (kg/store/queries/audited.rq): the claims the article states
        that no claim supersedes, in file order, the studies with a citation issue, and
        the article's outline."""
        claims, studies = [], []
        for r in Q.select(self.store, "audited", self.base):
            if "claim" in r:
                claims.append(r["claim"].value)
            if "study" in r:
                studies.append(r["study"].value)
        order = self.words.claim_order(claims)
        return self.corpus_for(claims=sorted(claims, key=order.__getitem__),
                               studies=sorted(studies), outline=True)

    def entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        return self.corpus_for(entities=ids).entities

    def study(self, key: str) -> Study | None:
        return self.corpus_for(studies=[key]).studies.get(key)


# -- opening ----------------------------------------------------------------------------------


def manifest_key() -> str:
    from kg.cache import code_fingerprint, digest

    return digest("questions", str(FORMAT), code_fingerprint())


def _manifest_path(root: Path) -> Path:
    from kg.cache import CACHE_DIR

    return root / CACHE_DIR / MANIFEST


def open_questions(root: Path) -> Questions:
    """The questions of the corpus at ``root``: its store and words index, (re)built first
    when missing, stale or damaged. Raises KgError for bad settings; bad corpus files are
    the validator's diagnostics, counted in :attr:`Questions.errors`."""
    from kg.cache import cache_dir, content_key, read_entry
    from kg.config import resolve_base
    from kg.store.freshness import snapshot_text, take_snapshot

    base = resolve_base(root)
    snap = take_snapshot(root)
    usable = cache_dir(root, create=False) is not None
    man = read_entry(_manifest_path(root), manifest_key()) if usable else None
    if isinstance(man, dict) and man.get("base") == base:
        key = None
        if man.get("snapshot") == snapshot_text(snap, record=False):
            key = man.get("key")
        elif content_key(root) == man.get("key"):
            key = man["key"]
            man["snapshot"] = snapshot_text(snap, record=True)
            _write_manifest(root, man)
        if isinstance(key, str):
            opened = _open(root, key, base, int(man.get("errors", 0)))
            if opened is not None:
                rows = man.get("stats")
                if isinstance(rows, list):
                    opened.stats_rows = [(str(f), str(v), int(n)) for f, v, n in rows]
                return opened
    return _build(root, base, snap)


def _open(root: Path, key: str, base: str, errors: int) -> Questions | None:
    from kg.cache import cache_dir
    from kg.store.local import store_key

    skey = store_key(key, base)
    store = LocalStore.open(root, skey)
    folder = cache_dir(root, create=False)
    if store is None or folder is None:
        return None
    words = Words.open(words_path(folder, skey)) if _words_verified(folder, skey) else None
    if words is None:
        return None
    q = Questions(root, base, store, words, errors)
    q.key = key
    return q


def _build(root: Path, base: str, snap: dict[str, Any]) -> Questions:
    from kg.cache import key_of_digests
    from kg.checks.validator import validate
    from kg.corpus.load import check_unchanged, no_gc
    from kg.store.local import compiled_turtle

    with no_gc():
        corpus, diags = validate(root, use_cache=True)
        check_unchanged(corpus)
    key = key_of_digests(root, corpus.digests)
    errors = sum(1 for d in diags if d.severity == "error")
    turtle = compiled_turtle(root, corpus, base)
    opened = record(root, corpus, turtle, base, snap, errors, key)
    if opened is not None:
        return opened
    store = LocalStore.in_memory(corpus, turtle, base)
    return Questions(root, base, store, Words.in_memory(store, base), errors)


def record(root: Path, corpus: Corpus, turtle: bytes, base: str, snap: dict[str, Any],
           errors: int = 0, key: str | None = None) -> Questions | None:
    """Write the store, the words index and the manifest of ``corpus`` (compiled to
    ``turtle``; ``snap`` taken before its files were read); the opened questions, or None
    when the cache folder cannot be written."""
    from kg.cache import cache_dir, key_of_digests
    from kg.store.freshness import snapshot_text
    from kg.store.local import store_key, write_store
    from kg.store.words import write_words

    key = key or key_of_digests(root, corpus.digests)
    skey = store_key(key, base)
    folder = cache_dir(root)
    if folder is None or write_store(root, skey, corpus, turtle, base) is None:
        return None
    store = LocalStore.open(root, skey)
    if store is None:
        return None
    wpath = words_path(folder, skey)
    if not _words_verified(folder, skey):
        if not write_words(wpath, store, base) or not _record_words(folder, skey):
            return None
    _prune_words(folder, wpath)
    stats = stats_rows(store, base)  # kg stats, asked once per store
    _write_manifest(root, {"key": key, "base": base, "errors": errors, "stats": stats,
                           "snapshot": snapshot_text(snap, record=True)})
    words = Words.open(wpath)
    if words is None:
        return None
    q = Questions(root, base, store, words, errors)
    q.key = key
    q.stats_rows = stats
    return q


def _write_manifest(root: Path, man: dict[str, Any]) -> None:
    from kg.cache import write_entry

    write_entry(_manifest_path(root), manifest_key(), man)


def _words_stat(path: Path) -> list[int] | None:
    import os
    import stat

    try:
        st = os.lstat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns] if stat.S_ISREG(st.st_mode) else None


def _words_verified(folder: Path, skey: str) -> bool:
    from kg.cache import code_fingerprint, read_entry

    path = words_path(folder, skey)
    found = _words_stat(path)
    return found is not None and read_entry(
        path.with_name(path.name + ".sum"), code_fingerprint()) == found


def _record_words(folder: Path, skey: str) -> bool:
    from kg.cache import code_fingerprint, write_entry

    path = words_path(folder, skey)
    found = _words_stat(path)
    return found is not None and write_entry(path.with_name(path.name + ".sum"),
                                             code_fingerprint(), found)


def _prune_words(folder: Path, keep: Path) -> None:
    from kg.cache import prune

    keep_names = {keep.name, keep.name + ".sum"}
    prune(folder, lambda name: not name.startswith(("words-", ".words-"))
          or name in keep_names)


def stats_rows(store: Backend, base: str) -> list[tuple[str, str, int]]:
    """(facet, value IRI or "", count) rows of ``stats.rq`` on ``store`` (every row binds
    ``?value``: the totals bind it to "")."""
    return [(r["facet"].value, r["value"].value, int(r["n"].value))
            for r in Q.select(store, "stats", base)]


def remote_questions(store: Backend, base: str, root: Path) -> Questions:
    """The questions of a corpus ``kg push`` wrote to an endpoint (``store``): the same
    queries, on the endpoint; the words index is made from the endpoint's graph, in
    memory, for each command."""
    return Questions(root, base, store, Words.in_memory(store, base))
