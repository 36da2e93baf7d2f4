"""The corpus cache under <root>/build/cache/: used when inputs are unchanged, never when
they changed (even with the same size and mtime), rebuilt when corrupt, written atomically."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kg import cache
from kg.validator import validate


@pytest.fixture
def root(corpus_copy: Callable[[str], Path]) -> Path:
    return corpus_copy("questions")


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    import kg.validator

    real = kg.validator.validate

    def counting(path: Path):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(path)

    monkeypatch.setattr(kg.validator, "validate", counting)
    return calls


def test_second_load_comes_from_the_cache(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_builds(monkeypatch)
    first = cache.load_validated(root)
    second = cache.load_validated(root)
    assert len(calls) == 1
    assert (root / "build" / "cache" / "corpus.pickle").is_file()
    assert second[0].claims == first[0].claims
    assert second == validate(root)


def test_a_changed_file_with_same_size_and_mtime_invalidates(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_builds(monkeypatch)
    cache.load_validated(root)
    path = root / "claims" / "mechanism.yaml"
    st = path.stat()
    text = path.read_text()
    changed = text.replace("Drug D lowers hormone X.", "Drug D lowers hormone Z.")
    assert len(changed) == len(text) and changed != text
    path.write_text(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    corpus, _ = cache.load_validated(root)
    assert len(calls) == 2
    assert corpus.claims["drug-d-lowers-hormone-x"].statement == "Drug D lowers hormone Z."


def test_an_added_or_removed_file_invalidates(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_builds(monkeypatch)
    cache.load_validated(root)
    (root / "claims" / "more.yaml").rename(root / "claims" / "more.yaml.off")
    corpus, diags = cache.load_validated(root)
    assert "exercise-raises-density" not in corpus.claims
    assert len(calls) == 2
    (root / "claims" / "more.yaml.off").rename(root / "claims" / "more.yaml")
    corpus, _ = cache.load_validated(root)
    assert "exercise-raises-density" in corpus.claims
    assert len(calls) == 3


def test_diagnostics_are_cached_too(root: Path) -> None:
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text().replace("object: protein-p", "object: protein-q"))
    first = cache.load_validated(root)[1]
    assert [d.code for d in first] == [d.code for d in cache.load_validated(root)[1]]
    assert first


@pytest.mark.parametrize("junk", [b"", b"garbage", b"kg-cache\n" + b"0" * 64 + b"not a pickle"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(
        root: Path, junk: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = cache.entry_path(root, "corpus")
    entry.parent.mkdir(parents=True)
    entry.write_bytes(junk)
    calls = count_builds(monkeypatch)
    corpus, _ = cache.load_validated(root)
    assert len(calls) == 1 and "exercise-raises-density" in corpus.claims
    assert entry.read_bytes().startswith(b"kg-cache\n")
    cache.load_validated(root)
    assert len(calls) == 1


def test_a_truncated_entry_with_the_right_key_is_rebuilt(root: Path) -> None:
    cache.load_validated(root)
    entry = cache.entry_path(root, "corpus")
    entry.write_bytes(entry.read_bytes()[:200])
    corpus, _ = cache.load_validated(root)
    assert "exercise-raises-density" in corpus.claims


def test_an_unwritable_cache_folder_only_costs_speed(root: Path) -> None:
    (root / "build").write_text("a file where the folder would go")
    corpus, _ = cache.load_validated(root)
    assert "exercise-raises-density" in corpus.claims


def test_writes_leave_no_temporary_files(root: Path) -> None:
    cache.load_validated(root)
    assert [p.name for p in (root / "build" / "cache").iterdir()] == ["corpus.pickle"]


def test_a_moved_corpus_does_not_reuse_its_old_entry(
        corpus_copy: Callable[[str], Path], tmp_path: Path) -> None:
    """The corpus records its root; a moved folder (cache and all) must not report the old one."""
    a = corpus_copy("valid")
    assert cache.load_validated(a)[0].root == str(a)
    b = tmp_path / "elsewhere"
    a.rename(b)
    assert (b / "build" / "cache" / "corpus.pickle").is_file()
    assert cache.load_validated(b)[0].root == str(b)


def test_an_entry_of_the_wrong_shape_is_rebuilt(root: Path) -> None:
    key = cache.content_key(root)
    assert cache.write_entry(cache.entry_path(root, "corpus"), key, ("not", "a corpus"))
    corpus, diags = cache.load_validated(root)
    assert "exercise-raises-density" in corpus.claims and diags == []
