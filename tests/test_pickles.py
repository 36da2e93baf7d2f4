"""Cache entries and the corpus content key (kg/pickles.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kg.pickles import content_key, read_entry, write_entry


def test_same_size_and_mtime_but_new_content_changes_the_key(valid_corpus: Path) -> None:
    path = valid_corpus / "claims" / "exercise.yaml"
    before = content_key(valid_corpus)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Walking", "Wolking", 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    assert content_key(valid_corpus) != before


def test_added_removed_and_moved_files_change_the_key(valid_corpus: Path,
                                                      tmp_path: Path) -> None:
    before = content_key(valid_corpus)
    extra = valid_corpus / "claims" / "more.yaml"
    extra.write_text("claims: []\n", encoding="utf-8")
    added = content_key(valid_corpus)
    extra.unlink()
    assert content_key(valid_corpus) == before != added
    moved = tmp_path / "elsewhere"
    shutil.copytree(valid_corpus, moved)
    assert content_key(moved) != before


def test_entries_round_trip_and_reject_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "c" / "x.pickle"
    key = "a" * 64
    assert write_entry(path, key, {"answer": 42})
    assert read_entry(path, key) == {"answer": 42}
    assert read_entry(path, "b" * 64) is None
    assert [p.name for p in path.parent.iterdir()] == ["x.pickle"]  # no temporary files


def test_corrupt_and_truncated_entries_read_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "x.pickle"
    key = "a" * 64
    write_entry(path, key, list(range(1000)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert read_entry(path, key) is None
    path.write_bytes(b"garbage")
    assert read_entry(path, key) is None
    assert read_entry(tmp_path / "missing.pickle", key) is None


def test_an_unwritable_folder_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert write_entry(blocker / "x.pickle", "a" * 64, 1) is False
