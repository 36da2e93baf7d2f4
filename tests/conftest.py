"""Shared fixtures: a CliRunner, and copies of the small corpora under tests/corpora/."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

CORPORA = Path(__file__).parent / "corpora"
REPO = Path(__file__).parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy tests/corpora/NAME into a temporary folder and return its path."""

    def copy(name: str = "valid") -> Path:
        dest = tmp_path / name
        shutil.copytree(CORPORA / name, dest)
        return dest

    return copy


@pytest.fixture
def valid_corpus(corpus_copy: Callable[[str], Path]) -> Path:
    return corpus_copy("valid")
