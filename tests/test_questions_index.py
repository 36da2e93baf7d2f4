"""The question index (kg.index): every index-backed answer equals the answer computed from
the whole corpus; the index is trusted only while fresh, rebuilt when stale, missing,
corrupt or truncated, and written atomically."""

from __future__ import annotations

import functools
import importlib.util
import itertools
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from kg import index as I
from kg import views
from kg.lookup import (
    LookupFailed,
    find_any,
    find_any_indexed,
    find_entity,
    find_entity_indexed,
    find_study,
    find_study_indexed,
)
from kg.model import Corpus
from kg.paths import find_chains, find_chains_indexed
from kg.search import (
    filter_claims,
    filter_indexed,
    search_claims,
    search_indexed,
    unmatched_words,
    unmatched_words_indexed,
)
from kg.stats import corpus_stats
from kg.validator import validate

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
         tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, I.Index]:
    """A corpus loaded whole, and the question index of the same folder."""
    base = tmp_path_factory.mktemp("ix")
    if request.param == "generated":
        root = base / "gen"
        _generate(root, 400, 5)
    else:
        root = Path(shutil.copytree(CORPORA / request.param, base / request.param))
    corpus, _ = validate(root)
    return corpus, I.open_index(root)


def _queries(corpus: Corpus) -> Iterator[str]:
    words = sorted({w for c in corpus.claims.values() for w in c.statement.split()})[:60]
    yield from words
    yield from (" ".join(p) for p in itertools.islice(itertools.combinations(words, 2), 80))
    for e in itertools.islice(corpus.entities.values(), 25):
        yield e.label
        yield f"{e.label} {e.label[::-1]}"  # a word nothing holds
        yield e.label[:-1] + "x" if len(e.label) > 5 else e.label  # a typo
    yield from ("", "the of and", "zebra quartz", "protien", "bone density hip")


# -- the same answers -------------------------------------------------------------------------


def test_search_and_unmatched_words_agree(pair: tuple[Corpus, I.Index]) -> None:
    corpus, ix = pair
    for q in _queries(corpus):
        for limit in (1, 5, 50):
            assert search_indexed(ix, q, limit) == search_claims(corpus, q, limit), q
        assert unmatched_words_indexed(ix, q) == unmatched_words(corpus, q), q


def test_filters_agree(pair: tuple[Corpus, I.Index]) -> None:
    corpus, ix = pair
    ents = [None, *itertools.islice(corpus.entities, 12)]
    studies = [None, *itertools.islice(corpus.studies, 6)]
    combos = [
        {"about": e, "position": p} for e in ents for p in ("subject", "object", "both")
    ] + [{"study": s} for s in studies] + [
        {"statuses": ("mixed", "contested")}, {"statuses": ("uncited",)},
        {"certainties": ("asserted",), "roles": ("intervention",), "position": "subject"},
        {"roles": ("exposure", "outcome")}, {"roles": ("outcome",), "position": "object"},
    ]
    for kw in combos:
        assert isinstance(kw, dict)
        expected = [views.claim_summary(corpus, c) for c in filter_claims(corpus, **kw)]
        assert filter_indexed(ix, **kw) == expected, kw


def _same_lookup(a: Callable[[], object], b: Callable[[], object]) -> None:
    try:
        expected = a()
    except LookupFailed as exc:
        with pytest.raises(type(exc)) as got:
            b()
        assert (got.value.message, got.value.suggestions) == (exc.message, exc.suggestions)
        return
    assert b() == expected


def test_lookups_agree(pair: tuple[Corpus, I.Index]) -> None:
    corpus, ix = pair
    texts = ["pa", "PA", "zebra", "hormone y", "bmd", "", "  "]
    for e in itertools.islice(corpus.entities.values(), 40):
        texts += [e.id, e.label.upper(), *e.synonyms, *e.xrefs, e.label + "s"]
    texts += [k.upper() for k in itertools.islice(corpus.studies, 10)]
    texts += [c.upper() for c in itertools.islice(corpus.claims, 10)]
    pairs = ((find_entity, find_entity_indexed), (find_study, find_study_indexed),
             (find_any, find_any_indexed))
    for t in texts:
        for whole, indexed in pairs:
            _same_lookup(functools.partial(whole, corpus, t), functools.partial(indexed, ix, t))


def test_chains_agree(pair: tuple[Corpus, I.Index]) -> None:
    corpus, ix = pair
    ents = list(corpus.entities)[:30]
    found = 0
    for a, b in itertools.permutations(ents, 2):
        for hops, include_all in ((2, False), (4, False), (3, True)):
            expected = find_chains(corpus, a, b, max_hops=hops, include_all=include_all)
            got = find_chains_indexed(ix, a, b, max_hops=hops, include_all=include_all)
            assert got == expected, (a, b, hops, include_all)
            found += len(got[0])
    assert found > 0


def test_cards_from_the_index_equal_cards_from_the_corpus(pair: tuple[Corpus, I.Index]) -> None:
    corpus, ix = pair
    for c in itertools.islice(corpus.claims.values(), 60):
        part = ix.corpus_for(claims=[c.id])
        assert views.show_claim_data(part, part.claims[c.id]) == views.show_claim_data(corpus, c)
        hits = search_claims(corpus, c.statement)
        part = ix.corpus_for(claims=[c.id, *(h.claim for h in hits)])
        assert (views.studies_data(part, "q", part.claims[c.id], hits)
                == views.studies_data(corpus, "q", c, hits))
    for e in itertools.islice(corpus.entities.values(), 30):
        got = views.entity_data(ix.corpus_for(entities=[e.id]), e,
                                ix.summaries("c.subject = ?", [e.id]),
                                ix.summaries("c.object = ?", [e.id]))
        assert got == views.entity_data(corpus, e)
    for s in itertools.islice(corpus.studies.values(), 30):
        got = views.study_data(ix.corpus_for(studies=[s.key]), s, ix.bearings(s.key))
        assert got == views.study_data(corpus, s)


def test_whole_corpus_and_stats(pair: tuple[Corpus, I.Index]) -> None:
    corpus, ix = pair
    assert ix.stats() == corpus_stats(corpus)
    whole = ix.load_corpus()
    assert whole == corpus
    assert list(whole.claims) == list(corpus.claims)
    assert whole.article == corpus.article


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
    assert sorted(I.input_files(root)) == expected
    assert "claims/link.yaml" in expected and "claims/.hidden.yaml" in expected


@pytest.fixture
def root(corpus_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus whose files count as old: ctime cannot be set back, so the racy window is
    shrunk to nothing instead (test_recently_changed_files_... restores one)."""
    monkeypatch.setattr(I, "RACY_NS", 0)
    return corpus_copy("questions")


def counters(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the index validates the corpus and hashes its files."""
    import kg.cache
    import kg.validator

    calls = {"validate": 0, "hash": 0}
    real_validate, real_hash = kg.validator.validate, kg.cache.content_key

    def counting_validate(path: Path, **kw: object):  # type: ignore[no-untyped-def]
        calls["validate"] += 1
        return real_validate(path)

    def counting_hash(path: Path) -> str:
        calls["hash"] += 1
        return real_hash(path)

    monkeypatch.setattr(kg.validator, "validate", counting_validate)
    monkeypatch.setattr(kg.cache, "content_key", counting_hash)
    return calls


def test_a_fresh_index_is_used_without_hashing(root: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    I.open_index(root).close()
    assert calls == {"validate": 1, "hash": 0}  # the key is that of the bytes parsed
    ix = I.open_index(root)
    assert calls == {"validate": 1, "hash": 0}  # the stat snapshot matched
    assert ix.key == __import__("kg.cache").cache.content_key(root)
    leftovers = [p.name for p in (root / "build" / "cache").iterdir() if p.name != "files"]
    assert sorted(leftovers) == [I.INDEX_FILE, I.INDEX_FILE + ".sum"]  # no temporary file


def test_same_size_and_mtime_still_invalidates(root: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    I.open_index(root).close()
    path = root / "claims" / "mechanism.yaml"
    st = path.stat()
    text = path.read_text()
    changed = text.replace("Drug D lowers hormone X.", "Drug D lowers hormone Z.")
    assert len(changed) == len(text) and changed != text
    path.write_text(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # ctime moves; it cannot be set
    ix = I.open_index(root)
    assert calls["validate"] == 2
    assert ix.corpus_for(claims=["drug-d-lowers-hormone-x"]).claims[
        "drug-d-lowers-hormone-x"].statement == "Drug D lowers hormone Z."


def test_a_touched_file_costs_a_hash_not_a_rebuild(root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    I.open_index(root).close()
    path = root / "claims" / "mechanism.yaml"
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    I.open_index(root).close()
    assert calls == {"validate": 1, "hash": 1}
    I.open_index(root).close()  # the new snapshot was recorded
    assert calls == {"validate": 1, "hash": 1}


def test_added_and_removed_files_invalidate(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counters(monkeypatch)
    I.open_index(root).close()
    (root / "claims" / "more.yaml").rename(root / "claims" / "more.yaml.off")
    assert not I.open_index(root).has_claim("exercise-raises-density")
    (root / "claims" / "more.yaml.off").rename(root / "claims" / "more.yaml")
    assert I.open_index(root).has_claim("exercise-raises-density")
    assert calls["validate"] == 3


def test_recently_changed_files_are_never_trusted_by_stat(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written in the same tick as the snapshot could change again unseen: it is
    recorded as never matching, so the next question hashes."""
    monkeypatch.setattr(I, "RACY_NS", 3600 * 10**9)
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text())  # mtime: now
    calls = counters(monkeypatch)
    I.open_index(root).close()
    I.open_index(root).close()
    assert calls == {"validate": 1, "hash": 1}
    snapshot = I.open_index(root).snapshot
    assert '["claims/mechanism.yaml",-1,0,0,0]' in snapshot


def test_a_moved_corpus_does_not_reuse_its_index(root: Path, tmp_path: Path) -> None:
    I.open_index(root).close()
    moved = tmp_path / "moved"
    root.rename(moved)
    assert I.open_index(moved).root == str(moved)


# -- corruption and atomicity -----------------------------------------------------------------


@pytest.mark.parametrize("junk", [b"", b"garbage" * 100, b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_corrupt_index_is_rebuilt(root: Path, junk: bytes,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = I.index_path(root)
    path.parent.mkdir(parents=True)
    path.write_bytes(junk)
    calls = counters(monkeypatch)
    assert I.open_index(root).has_claim("exercise-raises-density")
    assert calls["validate"] == 1
    assert path.read_bytes().startswith(b"SQLite format 3\x00") and len(path.read_bytes()) > 1000


def test_a_truncated_index_is_rebuilt(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    I.open_index(root).close()
    path = I.index_path(root)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    calls = counters(monkeypatch)
    assert I.open_index(root).stats()["totals"]["claims"] == 11
    assert calls["validate"] == 1


def test_damage_found_mid_question_rebuilds_the_index(root: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    I.open_index(root).close()
    calls = counters(monkeypatch)
    ix = I.open_index(root)  # fresh: only the meta rows are read
    assert calls["validate"] == 0
    path = I.index_path(root)
    with path.open("r+b") as f:  # damage every page after the first two, under its feet
        size = f.seek(0, 2)
        for start in range(4096 * 2, size, 4096):
            f.seek(start)
            f.write(b"\xff" * 4096)
    corpus = ix.load_corpus()  # sees the damage, rebuilds, and reads the new index
    assert calls["validate"] == 1
    assert corpus == validate(root)[0]
    assert I.open_index(root).load_corpus() == corpus
    assert calls["validate"] == 1


def test_a_crash_while_writing_leaves_the_old_index(root: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    I.open_index(root).close()
    before = I.index_path(root).read_bytes()
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text().replace("Drug D lowers hormone X.", "Drug D lowers Y."))

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(I, "write_tables", crash)
    with pytest.raises(OSError):
        I.open_index(root)  # the in-memory fallback crashes too
    assert I.index_path(root).read_bytes() == before  # the old index, whole
    leftovers = [p.name for p in (root / "build" / "cache").iterdir() if p.name != "files"]
    assert sorted(leftovers) == [I.INDEX_FILE, I.INDEX_FILE + ".sum"]  # no temporary file
    monkeypatch.undo()
    ix = I.open_index(root)
    assert ix.corpus_for(claims=["drug-d-lowers-hormone-x"]).claims[
        "drug-d-lowers-hormone-x"].statement == "Drug D lowers Y."


def test_leftover_temporaries_are_never_read_and_old_ones_removed(root: Path) -> None:
    cache = root / "build" / "cache"
    cache.mkdir(parents=True)
    stale = cache / f".{I.INDEX_FILE}.crashed.tmp"
    stale.write_bytes(b"half an index")
    os.utime(stale, (1_600_000_000, 1_600_000_000))
    fresh = cache / f".{I.INDEX_FILE}.writing.tmp"
    fresh.write_bytes(b"another writer, now")
    assert I.open_index(root).has_claim("exercise-raises-density")
    assert not stale.exists() and fresh.exists()


def test_an_unwritable_cache_folder_only_costs_speed(root: Path) -> None:
    (root / "build").write_text("a file where the folder would go")
    ix = I.open_index(root)
    assert ix.has_claim("exercise-raises-density")
    assert ix.stats()["totals"]["claims"] == 11
