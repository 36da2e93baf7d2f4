"""The graph store behind the questions (kg.store.questions): every answer from the store
equals the answer computed from the whole corpus; the store and its words index are trusted
only while fresh, rebuilt when stale, missing or damaged, and written atomically."""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kg.checks.validator import validate
from kg.corpus.model import Claim, Corpus
from kg.evidence import assess, citation_state
from kg.questions import views
from kg.questions.filters import filter_claims
from kg.questions.paths import adjacency, chains_in, find_chains
from kg.questions.stats import graph_stats
from kg.store import freshness as F
from kg.store import questions as S
from kg.store.questions import Questions, open_questions

CORPORA = Path(__file__).parent / "corpora"
REPO = Path(__file__).parent.parent


def _generate(out: Path, claims: int, seed: int) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate_ix", REPO / "bench" /
                                                  "generate.py")
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.main(["--claims", str(claims), "--out", str(out), "--seed", str(seed), "--quiet"])


@pytest.fixture(scope="module", params=["valid", "questions", "generated"])
def pair(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Corpus, Questions]]:
    """A corpus loaded whole, and the questions of the same folder."""
    base = tmp_path_factory.mktemp("store")
    if request.param == "generated":
        root = base / "gen"
        _generate(root, 400, 5)
    else:
        root = Path(shutil.copytree(CORPORA / request.param, base / request.param))
    corpus, _ = validate(root)
    q = open_questions(root)
    yield corpus, q
    q.close()


# -- the same answers -------------------------------------------------------------------------


def _filtered(corpus: Corpus, about: str | None = None, position: str = "both",
              study: str | None = None, statuses: tuple[str, ...] = (),
              certainties: tuple[str, ...] = (), roles: tuple[str, ...] = (),
              ratings: tuple[str, ...] = ()) -> list[str]:
    """The oracle: the claims passing the filters, read off the corpus itself."""
    out = []
    for c in corpus.claims.values():
        ends = {"subject": (c.subject,), "object": (c.object,)}.get(position,
                                                                     (c.subject, c.object))
        a = assess(c, corpus.studies)
        if about is not None and about not in ends:
            continue
        if roles and not any(corpus.entities[e].role in roles for e in ends
                             if e in corpus.entities):
            continue
        if study is not None and study not in c.article_cites and all(
                ev.study != study for ev in c.evidence):
            continue
        if (certainties and c.certainty not in certainties) or (
                statuses and a.status not in statuses) or (ratings and a.rating not in ratings):
            continue
        out.append(c.id)
    return out


def test_filters_agree(pair: tuple[Corpus, Questions]) -> None:
    corpus, q = pair
    ents = [None, *itertools.islice(corpus.entities, 12)]
    studies = [None, *itertools.islice(corpus.studies, 6)]
    combos: list[dict[str, Any]] = [
        {"about": e, "position": p} for e in ents for p in ("subject", "object", "both")
    ] + [{"study": s} for s in studies] + [
        {"statuses": ("mixed", "contested")}, {"statuses": ("supported",)},
        {"ratings": ("moderate", "none")},
        {"certainties": ("asserted",), "roles": ("intervention",), "position": "subject"},
        {"roles": ("exposure", "outcome")}, {"roles": ("outcome",), "position": "object"},
    ]
    for kw in combos:
        got = filter_claims(q, **kw)
        assert [s["id"] for s in got] == _filtered(corpus, **kw), kw
        assert got == [views.claim_summary(corpus, corpus.claims[s["id"]]) for s in got], kw


#: the evidence ratings, strongest first, and the statuses, best first (docs/evidence.md),
#: written out here so that the oracle below shares no ranking code with kg.questions.paths
RATINGS = ("high", "moderate", "low", "very-low", "none")
STATUSES = ("supported", "contested", "not-supported", "contradicted", "no-evidence")
SIGNED = {"increases": "+", "decreases": "-", "required-for": "+", "cofactor-for": "+"}


def _oracle_chains(corpus: Corpus, source: str, target: str, hops: int,
                   include_all: bool) -> list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...],
                                                    str]]:
    """kg paths' chains as docs/cli.md states them, computed with networkx and nothing of
    kg.questions.paths: (entities, the claims of each hop, the net sign), ranked by the
    weakest link (the worst hop, a hop being as strong as its best claim: rating, then
    status), then length, then how many hops lack support, then the entity ids."""
    import networkx as nx  # type: ignore[import-untyped]

    from kg.corpus.vocabulary import PREDICATES

    between: dict[tuple[str, str], list[Claim]] = {}
    for c in corpus.claims.values():
        p = PREDICATES.get(c.predicate)
        if c.superseded_by or c.kind != "effect" or p is None:
            continue
        if not include_all and c.predicate not in SIGNED:
            continue
        if c.subject in corpus.entities and c.object in corpus.entities:
            between.setdefault((c.subject, c.object), []).append(c)
    graph = nx.DiGraph(list(between))

    def weakness(c: Claim) -> tuple[int, int]:
        a = assess(c, corpus.studies)
        return RATINGS.index(a.rating), STATUSES.index(a.status)

    def hop_sign(claims: list[Claim]) -> str | None:
        signs = {PREDICATES[c.predicate].sign for c in claims}
        return signs.pop() if len(signs) == 1 else None

    found = []
    if source in graph and target in graph:
        for path in nx.all_simple_paths(graph, source, target, cutoff=hops):
            steps = [between[(a, b)] for a, b in zip(path, path[1:], strict=False)]
            worst = max(min(weakness(c) for c in step) for step in steps)
            unsupported = sum(1 for step in steps
                              if min(weakness(c) for c in step)[0] == RATINGS.index("none"))
            signs = [hop_sign(step) for step in steps]
            sign = ("?" if None in signs else "0" if "0" in signs
                    else "-" if signs.count("-") % 2 else "+")
            found.append(((worst, len(steps), unsupported, tuple(path)),
                          (tuple(path), tuple(tuple(c.id for c in step) for step in steps),
                           sign)))
    return [chain for _, chain in sorted(found)]


def test_chains_agree(pair: tuple[Corpus, Questions]) -> None:
    """The store's chains, and the chains over the whole corpus, equal an oracle that
    shares no code with kg.questions.paths (test-weakness 10)."""
    corpus, q = pair
    ents = list(corpus.entities)[:30]
    found = 0
    whole = {flag: adjacency(corpus, flag) for flag in (False, True)}
    for a, b in itertools.permutations(ents, 2):
        for hops, include_all in ((1, False), (2, False), (4, False), (3, True), (5, True)):
            got, truncated = find_chains(q, a, b, max_hops=hops, include_all=include_all)
            assert not truncated
            assert (got, truncated) == chains_in(whole[include_all], a, b, hops)
            assert [(ch.entities, tuple(tuple(ln.claim for ln in hop.links)
                                        for hop in ch.steps), ch.sign) for ch in got] == \
                _oracle_chains(corpus, a, b, hops, include_all), (a, b, hops, include_all)
            found += len(got)
    assert found > 0


def test_cards_from_the_store_equal_cards_from_the_corpus(
        pair: tuple[Corpus, Questions]) -> None:
    corpus, q = pair
    for c in itertools.islice(corpus.claims.values(), 60):
        part = q.corpus_for(claims=[c.id])
        c = dataclasses.replace(c, article_cites=tuple(sorted(c.article_cites)),  # sets
                                recommended_by=tuple(sorted(c.recommended_by)))
        assert views.show_claim_data(part, part.claims[c.id]) == views.show_claim_data(corpus, c)
    for e in itertools.islice(corpus.entities.values(), 30):
        got = views.entity_data(q.corpus_for(entities=[e.id]), q.entities([e.id])[e.id],
                                q.summaries(subjects=[e.id]), q.summaries(objects=[e.id]))
        e = dataclasses.replace(e, synonyms=tuple(sorted(e.synonyms)),
                                xrefs=tuple(sorted(e.xrefs)))
        assert got == views.entity_data(corpus, e)
    for s in itertools.islice(corpus.studies.values(), 30):
        ref = corpus.references[s.key]
        if "pages" in ref.fields:
            fields = {**ref.fields, "pages": ref.fields["pages"].replace("--", "-")}
            corpus.references[s.key] = dataclasses.replace(ref, fields=fields)
        got = views.study_data(q.corpus_for(studies=[s.key]), s, q.bearings(s.key))
        assert got == views.study_data(corpus, s)


def test_stats_agree(pair: tuple[Corpus, Questions]) -> None:
    corpus, q = pair
    stats = graph_stats(q.store, q.base)
    claims = list(corpus.claims.values())
    assert stats["totals"] == {
        "entities": len(corpus.entities), "claims": len(claims),
        "evidence_lines": sum(len(c.evidence) for c in claims),
        "studies": len(corpus.studies), "references": len(corpus.references)}
    statuses = [assess(c, corpus.studies).status for c in claims]
    assert stats["claims_by_status"] == {s: statuses.count(s) for s in stats["claims_by_status"]}
    states = [citation_state(c) for c in claims]
    assert stats["claims_by_citation_state"] == {
        s: states.count(s) for s in stats["claims_by_citation_state"]}
    assert list(q.words.claim_ids()) == list(corpus.claims)


# -- the corpus files and root, found without the loader ---------------------------------------


def test_input_files_are_the_loaders(corpus_copy: Callable[[str], Path]) -> None:
    from kg.root import corpus_files

    root = corpus_copy("questions")
    claims = root / "claims"
    (claims / "deep" / "er").mkdir(parents=True)
    (claims / "deep" / "er" / "x.yml").write_text("claims: []\n")
    (claims / ".hidden.yaml").write_text("claims: []\n")
    (claims / ".yaml").write_text("")
    (claims / "upper.YAML").write_text("")
    (claims / "dir.yaml").mkdir()
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "y.yaml").write_text("claims: []\n")
    (claims / "linked").symlink_to(root / "elsewhere", target_is_directory=True)
    (claims / "link.yaml").symlink_to(claims / "deep" / "er" / "x.yml")
    expected = sorted(p.relative_to(root).as_posix() for p in corpus_files(root))
    assert sorted(F.input_files(root)) == expected
    assert "claims/link.yaml" in expected and "claims/.hidden.yaml" in expected


@pytest.fixture
def root(corpus_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus whose files count as old: ctime cannot be set back, so the racy window is
    shrunk to nothing instead (test_recently_changed_files_... restores one)."""
    monkeypatch.setattr(F, "RACY_NS", 0)
    return corpus_copy("questions")


def counters(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often opening the questions validates the corpus and hashes its files."""
    import kg.cache
    import kg.checks.validator

    calls = {"validate": 0, "hash": 0}
    real_validate, real_hash = kg.checks.validator.validate, kg.cache.content_key

    def counting_validate(path: Path, **kw: object):  # type: ignore[no-untyped-def]
        calls["validate"] += 1
        return real_validate(path)

    def counting_hash(path: Path) -> str:
        calls["hash"] += 1
        return real_hash(path)

    monkeypatch.setattr(kg.checks.validator, "validate", counting_validate)
    monkeypatch.setattr(kg.cache, "content_key", counting_hash)
    return calls


def _cache_names(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "build" / "cache").iterdir()
                  if p.name not in ("files", "compiled", ".graph.lock"))


def _store_dir(root: Path) -> Path:
    [path] = [p for p in (root / "build" / "cache").iterdir()
              if p.name.startswith("graph-") and p.is_dir()]
    return path


def _words_file(root: Path) -> Path:
    [path] = [p for p in (root / "build" / "cache").iterdir()
              if p.name.startswith("words-") and p.name.endswith(".sqlite")]
    return path


def test_fresh_questions_open_without_hashing(root: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    open_questions(root).close()
    assert calls == {"validate": 1, "hash": 0}  # the key is that of the bytes parsed
    q = open_questions(root)
    assert calls == {"validate": 1, "hash": 0}  # the stat snapshot matched
    assert q.words.has_claim("exercise-raises-density")
    names = _cache_names(root)
    assert len(names) == 5 and S.MANIFEST in names  # store, its sum, words, its sum
    assert not [n for n in names if n.startswith(".")]  # no temporary file


def test_same_size_and_mtime_still_invalidates(root: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    open_questions(root).close()
    path = root / "claims" / "mechanism.yaml"
    st = path.stat()
    text = path.read_text()
    changed = text.replace("Drug D lowers hormone X.", "Drug D lowers hormone Z.")
    assert len(changed) == len(text) and changed != text
    path.write_text(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # ctime moves; it cannot be set
    q = open_questions(root)
    assert calls["validate"] == 2
    assert q.corpus_for(claims=["drug-d-lowers-hormone-x"]).claims[
        "drug-d-lowers-hormone-x"].statement == "Drug D lowers hormone Z."


def test_a_touched_file_costs_a_hash_not_a_rebuild(root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    open_questions(root).close()
    path = root / "claims" / "mechanism.yaml"
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    open_questions(root).close()
    assert calls == {"validate": 1, "hash": 1}
    open_questions(root).close()  # the new snapshot was recorded
    assert calls == {"validate": 1, "hash": 1}


def test_added_and_removed_files_invalidate(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    open_questions(root).close()
    (root / "claims" / "more.yaml").rename(root / "claims" / "more.yaml.off")
    assert not open_questions(root).words.has_claim("exercise-raises-density")
    (root / "claims" / "more.yaml.off").rename(root / "claims" / "more.yaml")
    assert open_questions(root).words.has_claim("exercise-raises-density")
    assert calls["validate"] == 3


def test_recently_changed_files_are_never_trusted_by_stat(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written in the same tick as the snapshot could change again unseen: it is
    recorded as never matching, so the next question hashes."""
    from kg.cache import read_entry

    monkeypatch.setattr(F, "RACY_NS", 3600 * 10**9)
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text())  # mtime: now
    calls = counters(monkeypatch)
    open_questions(root).close()
    open_questions(root).close()
    assert calls == {"validate": 1, "hash": 1}
    man = read_entry(root / "build" / "cache" / S.MANIFEST, S.manifest_key())
    assert isinstance(man, dict)
    assert '["claims/mechanism.yaml",-1,0,0,0]' in man["snapshot"]


def _snap(taken: int, *files: list[Any]) -> dict[str, Any]:
    return {"head": [F.FORMAT, "py", "/r"], "code": [["x.py", 1, 2]], "files": list(files),
            "taken": taken}


def test_the_shipped_racy_window_is_two_seconds() -> None:
    """The shipped RACY_NS (not monkeypatched, unlike the fixture ``root``): a file whose
    mtime or ctime is within 2 s before the snapshot is recorded as never matching (size
    -1); one changed earlier is recorded as it is; an unreadable one (size -2) never
    matches; an absent settings file (size 0) is stable."""
    t = 1_700_000_000 * 10**9
    before = 2 * 10**9
    rows = [["old", 5, t - before - 1, t - before - 1, 7],
            ["mtime-racy", 5, t - before, t - before - 1, 7],
            ["ctime-racy", 5, t - before - 1, t - before, 7],
            ["recent", 5, t - 10**9, t - 10**9, 7],
            ["unreadable", -2, 0, 0, 0],
            ["kg.toml", 0, 0, 0, 0]]
    snap = _snap(t, *rows)
    never = [-1, 0, 0, 0]
    import json

    assert json.loads(F.snapshot_text(snap, record=True)) == [
        snap["head"], snap["code"],
        [rows[0], ["mtime-racy", *never], ["ctime-racy", *never], ["recent", *never],
         ["unreadable", *never], rows[5]]]
    # compared, not recorded: the stat as it is
    assert json.loads(F.snapshot_text(snap, record=False)) == [snap["head"], snap["code"],
                                                                rows]


def test_a_snapshot_records_every_input_settings_file_and_module(root: Path) -> None:
    """take_snapshot: (path, size, mtime_ns, ctime_ns, inode) of each input file, then of
    each settings file (an absent one as zeros), then the kg modules and queries."""
    from kg.root import SETTINGS_FILES

    snap = F.take_snapshot(root)
    assert snap["head"] == [F.FORMAT, sys.version, str(root)]
    files = {f[0]: f for f in snap["files"]}
    assert [f[0] for f in snap["files"]] == [*F.input_files(root), *SETTINGS_FILES]
    st = (root / "claims" / "mechanism.yaml").stat()
    assert files["claims/mechanism.yaml"] == ["claims/mechanism.yaml", st.st_size,
                                              st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    absent = [s for s in SETTINGS_FILES if not (root / s).exists()]
    assert absent and all(files[s] == [s, 0, 0, 0, 0] for s in absent)
    present = [s for s in SETTINGS_FILES if (root / s).exists()]
    assert present  # the questions corpus's pyproject.toml: its own stat, under the root
    for s in present:
        sst = (root / s).stat()
        assert files[s] == [s, sst.st_size, sst.st_mtime_ns, sst.st_ctime_ns, sst.st_ino]
    code = {c[0]: c for c in snap["code"]}
    assert {"store/freshness.py", "store/queries/claims.rq", "graph/shapes.ttl",
            "data/prefixes.json"} <= set(code)
    assert not [c for c in code if "__pycache__" in c or c.endswith(".pyc")]
    mod = Path(F.__file__).stat()
    assert code["store/freshness.py"] == ["store/freshness.py", mod.st_size, mod.st_mtime_ns]
    assert [c[0] for c in snap["code"]] == sorted(code, key=lambda c: c.split("/"))
    assert abs(snap["taken"] - time.time_ns()) < 60 * 10**9


def test_a_file_that_cannot_be_read_is_recorded_as_never_matching(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = F.input_files(root)
    monkeypatch.setattr(F, "input_files", lambda r: ["claims/gone.yaml", *listed])
    snap = F.take_snapshot(root)
    assert snap["files"][0] == ["claims/gone.yaml", -2, 0, 0, 0]
    assert [f[0] for f in snap["files"][1:len(listed) + 1]] == listed
    st = (root / listed[-1]).stat()
    assert snap["files"][len(listed)] == [listed[-1], st.st_size, st.st_mtime_ns,
                                          st.st_ctime_ns, st.st_ino]


@pytest.mark.parametrize(("name", "suffix"), [("a.py", ".py"), ("a.b.rq", ".rq"),
                                              (".py", ""), ("a.", ""), ("ab", ""),
                                              ("a.b", ".b")])
def test_suffix_is_the_paths(name: str, suffix: str) -> None:
    assert F._suffix(name) == suffix == Path(name).suffix


def test_a_build_records_what_questions_open(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from cli import cli

    assert CliRunner().invoke(cli, ["build", "--root", str(root)]).exit_code == 0
    calls = counters(monkeypatch)
    q = open_questions(root)
    assert calls == {"validate": 0, "hash": 0}
    assert q.words.has_claim("exercise-raises-density")
    assert q.errors == 0  # kg build records a corpus without errors


def test_opening_questions_fills_the_parse_and_compile_caches(root: Path) -> None:
    """The first question validates and compiles through the caches kg validate and kg
    build use, so that they find each file's parse and compiled part ready."""
    open_questions(root).close()
    cache = root / "build" / "cache"
    assert any((cache / "files").iterdir())
    assert any((cache / "compiled").iterdir())


def test_a_verified_words_index_is_not_written_again(root: Path) -> None:
    """kg build after a question records the same store: the words index made for it is
    verified by its sum and kept, not written again."""
    from click.testing import CliRunner

    from cli import cli

    open_questions(root).close()
    before = os.stat(_words_file(root))
    assert CliRunner().invoke(cli, ["build", "--root", str(root)]).exit_code == 0
    after = os.stat(_words_file(root))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_the_words_index_sum_is_of_a_regular_file_only(tmp_path: Path) -> None:
    """The words index is trusted when its size and mtime match its sum; only a regular
    file has them (a symlink or a folder in its place never matches)."""
    path = tmp_path / "words.sqlite"
    path.write_bytes(b"x" * 7)
    st = os.lstat(path)
    assert S._words_stat(path) == [7, st.st_mtime_ns]
    (tmp_path / "link").symlink_to(path)
    (tmp_path / "dir").mkdir()
    assert S._words_stat(tmp_path / "link") is None
    assert S._words_stat(tmp_path / "dir") is None
    assert S._words_stat(tmp_path / "missing") is None


def test_the_manifest_key_changes_with_the_format_and_the_code(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A manifest written by another format or another version of kg's code is not read."""
    import kg.cache

    key = S.manifest_key()
    assert S.manifest_key() == key
    monkeypatch.setattr(S, "FORMAT", S.FORMAT + 1)
    assert S.manifest_key() != key
    monkeypatch.setattr(S, "FORMAT", S.FORMAT - 1)
    assert S.manifest_key() == key
    monkeypatch.setattr(kg.cache, "code_fingerprint", lambda: "another version of kg")
    assert S.manifest_key() != key


def test_a_new_base_is_a_new_store(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_questions(root).close()
    (root / "kg.toml").write_text('base = "https://kg.test/other/"\n')
    q = open_questions(root)
    assert q.base == "https://kg.test/other/"
    assert graph_stats(q.store, q.base)["totals"]["claims"] == 11


# -- corruption and atomicity -----------------------------------------------------------------


@pytest.mark.parametrize("junk", [b"", b"garbage" * 100, b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_corrupt_words_index_is_rebuilt(root: Path, junk: bytes,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    open_questions(root).close()
    path = _words_file(root)
    path.write_bytes(junk)
    calls = counters(monkeypatch)
    assert open_questions(root).words.has_claim("exercise-raises-density")
    assert calls["validate"] == 1
    assert _words_file(root).stat().st_size > 1000


def test_a_truncated_words_index_is_rebuilt_before_it_is_read(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The words manifest records the index's size: an index cut short (a copy stopped
    part-way) is rebuilt before a question opens it, not trusted until a read fails."""
    from kg.store import words as W

    open_questions(root).close()
    path = _words_file(root)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    opened: list[int] = []
    real_open = W.Words.open.__func__  # type: ignore[attr-defined]

    def recording_open(cls: type[W.Words], p: Path) -> W.Words | None:
        opened.append(p.stat().st_size)
        result: W.Words | None = real_open(cls, p)
        return result

    monkeypatch.setattr(W.Words, "open", classmethod(recording_open))
    calls = counters(monkeypatch)
    q = open_questions(root)
    assert calls["validate"] == 1  # rebuilt
    assert opened == [len(whole)]  # the half file was never opened
    assert _words_file(root).read_bytes() == whole
    assert q.words.claim_ids() == list(validate(root)[0].claims)


@pytest.mark.parametrize("damage", ["truncate", "remove", "symlink"])
def test_a_damaged_store_is_rebuilt(root: Path, damage: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    open_questions(root).close()
    store = _store_dir(root)
    files = sorted(p for p in store.iterdir() if p.stat().st_size > 0)
    victim = files[-1]
    if damage == "truncate":
        victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    elif damage == "remove":
        victim.unlink()
    else:
        victim.unlink()
        victim.symlink_to(files[0])
    calls = counters(monkeypatch)
    q = open_questions(root)
    assert calls["validate"] == 1
    assert graph_stats(q.store, q.base)["totals"]["claims"] == 11


def test_a_crash_while_writing_leaves_the_old_store(root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store.local as L

    open_questions(root).close()
    before = _cache_names(root)
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text().replace("Drug D lowers hormone X.", "Drug D lowers Y."))

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(L, "load_into", crash)
    with pytest.raises(OSError):
        open_questions(root)  # the in-memory fallback crashes too
    assert _cache_names(root) == before  # the old store, whole, and no temporary folder
    monkeypatch.undo()
    monkeypatch.setattr(F, "RACY_NS", 0)
    q = open_questions(root)
    assert q.corpus_for(claims=["drug-d-lowers-hormone-x"]).claims[
        "drug-d-lowers-hormone-x"].statement == "Drug D lowers Y."


def test_leftover_temporaries_are_never_read_and_old_ones_removed(root: Path) -> None:
    cache = root / "build" / "cache"
    cache.mkdir(parents=True)
    stale = cache / ".graph-crashed.tmp"
    stale.mkdir()
    (stale / "CURRENT").write_bytes(b"half a store")
    os.utime(stale, (1_600_000_000, 1_600_000_000))
    fresh = cache / ".graph-writing.tmp"
    fresh.mkdir()
    assert open_questions(root).words.has_claim("exercise-raises-density")
    assert not stale.exists() and fresh.exists()


def test_an_unwritable_cache_folder_only_costs_speed(root: Path) -> None:
    (root / "build").write_text("a file where the folder would go")
    q = open_questions(root)
    assert q.words.has_claim("exercise-raises-density")
    assert graph_stats(q.store, q.base)["totals"]["claims"] == 11
    assert q.store.where == "memory"


# -- the shipped queries ------------------------------------------------------------------------


@pytest.mark.parametrize("name", __import__("kg.store.query").store.query.names())
def test_every_shipped_query_runs_unchanged_in_kg_sparql(name: str, valid_corpus: Path) -> None:
    """A user can run each .rq file as it ships, and it answers for everything."""
    import json

    from click.testing import CliRunner

    from cli import cli

    path = REPO / "kg" / "store" / "queries" / f"{name}.rq"
    result = CliRunner().invoke(cli, ["sparql", f"@{path}", "--format", "json",
                                      "--root", str(valid_corpus)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"]


def test_every_shipped_query_is_documented() -> None:
    from kg.store.query import names

    text = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    assert names() and [n for n in names() if f"`{n}.rq`" not in text] == []


def test_kg_sparql_asks_the_nanopublications_by_graph(valid_corpus: Path) -> None:
    """A query that names graphs runs on the store with the nanopublications: one
    assertion graph per claim; the questions' store holds no nanopublication."""
    import json

    from click.testing import CliRunner

    from cli import cli

    q = ("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
         "FILTER(STRENDS(STR(?g), '#assertion')) }")
    result = CliRunner().invoke(cli, ["sparql", q, "--format", "json",
                                      "--root", str(valid_corpus)])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["results"]["bindings"]
    assert row["n"]["value"] == "6"
    plain = open_questions(valid_corpus)
    assert plain.store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                              "FILTER(STRENDS(STR(?g), '#assertion')) } LIMIT 1") == []


def test_kg_stats_is_asked_once_per_store(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """stats.rq aggregates the whole graph: it runs when the store is made, and later
    questions read its rows from the manifest, equal to asking again."""
    from kg.store import query as Q

    open_questions(root).close()
    asked: list[str] = []
    real = Q.select

    def counting(store: Any, name: str, base: str, **values: Any) -> Any:
        asked.append(name)
        return real(store, name, base, **values)

    monkeypatch.setattr(Q, "select", counting)
    q = open_questions(root)
    assert q.stats_rows is not None
    assert graph_stats(q.store, q.base, q.stats_rows) == graph_stats(q.store, q.base)
    assert asked == ["stats"]  # only the second, live call asked the store
