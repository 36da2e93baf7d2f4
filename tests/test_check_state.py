"""Issue 16: `kg validate` keeps its check results (kg.checks.state) and, after an edit,
re-checks only what the edit can affect; what it prints equals a validation from cold."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_recheck import Edit, _apply, _load_generator

from cli import cli
from kg.checks import state
from kg.checks.recheck import check_all
from kg.checks.validator import run_validation
from kg.corpus.load import load_corpus


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "c"
        gen = _load_generator()
        gen.write_corpus(gen.generate(200, seed=5), out, 5)
        yield out


def _validate(root: Path, *flags: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", "--root", str(root), "--format", "json",
                                      *flags])
    return result.exit_code, result.stdout


def _state_file(root: Path) -> Path:
    return root / "build" / "cache" / "checks" / state.STATE_FILE


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 10**6), st.integers(0, 10**6),
                          st.integers(0, 10**6)), min_size=1, max_size=4))
def test_a_warm_validate_after_edits_equals_a_cold_one(template: Path,
                                                       edits: list[Edit]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "c"
        shutil.copytree(template, root)
        _validate(root)  # keeps the check results
        assert _state_file(root).is_file()
        for edit in edits:
            _apply(root, edit)
            warm = _validate(root)
            cold = _validate(root, "--no-cache")
            assert warm == cold


def test_the_kept_results_are_used_after_an_edit(template: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    shutil.copytree(template, root)
    run_validation(root, use_cache=True)
    _apply(root, (4, 0, 0, 1))  # one evidence line's stance

    def no_full_check(*args: object, **kwargs: object) -> None:
        raise AssertionError("every check ran again")

    monkeypatch.setattr(state, "check_all", no_full_check)
    warm = run_validation(root, use_cache=True)
    monkeypatch.undo()
    assert warm.diagnostics == run_validation(root).diagnostics


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "other-shape", "folder"])
def test_a_damaged_state_is_ignored_and_rebuilt(valid_corpus: Path, damage: str) -> None:
    expected = _validate(valid_corpus, "--no-cache")
    assert _validate(valid_corpus) == expected
    path = _state_file(valid_corpus)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x00 not json")
    elif damage == "other-shape":  # a valid envelope around a payload of another shape
        from kg.cache import entry_bytes

        key = state._key(valid_corpus)
        path.write_bytes(entry_bytes(key, b'{"format": 1, "claims": [1, 2]}'))
    else:
        path.unlink()
        path.mkdir()
    assert _validate(valid_corpus) == expected
    if damage != "folder":  # rebuilt
        corpus, _ = load_corpus(valid_corpus)
        payload = path.read_bytes().split(b"\n", 3)[3]
        kept = state.loads(payload)
        assert kept is not None
        assert kept[1].diagnostics() == check_all(corpus).diagnostics()


def test_the_state_reads_back_as_written(template: Path) -> None:
    corpus, _ = load_corpus(template)
    checked = check_all(corpus)
    kept = state.loads(state.dumps(corpus.digests, checked))
    assert kept is not None
    digests, back = kept
    assert digests == corpus.digests
    assert back.outline == checked.outline
    assert back.by_claim == checked.by_claim and back.rest == checked.rest
