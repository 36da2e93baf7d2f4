"""Shared fixtures: a CliRunner, copies of the small corpora under tests/corpora/, and
golden files: ``golden(name, text)`` compares text with tests/golden/NAME. Regenerate the
golden files with ``pytest --update-golden`` (or ``KG_UPDATE_GOLDEN=1 pytest``) and review
the diff."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

CORPORA = Path(__file__).parent / "corpora"
REPO = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"


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


@pytest.fixture(scope="module")
def oxigraph_server() -> Iterator[str]:
    """A real `oxigraph serve` (in memory) on 127.0.0.1 for the test module: its URL."""
    from servers import oxigraph

    with oxigraph() as url:
        yield url


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ files from the current output.")


def updating(config: pytest.Config) -> bool:
    flag = bool(config.getoption("--update-golden"))
    return flag or os.environ.get("KG_UPDATE_GOLDEN", "") not in ("", "0")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Assert that ``text`` equals tests/golden/``name`` (or write it when updating)."""
    update = updating(request.config)

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
            return
        if not path.exists():
            pytest.fail(f"no golden file {path.relative_to(GOLDEN.parent)}; "
                        "create it with `KG_UPDATE_GOLDEN=1 pytest` and review it")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"output differs from {path.relative_to(GOLDEN.parent)}; if the change is "
            "intended, regenerate with `KG_UPDATE_GOLDEN=1 pytest` and review the diff")

    return check


#: Lines a test wants shown in the run's summary (the evidence coverage figure).
REPORT = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[REPORT] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in terminalreporter.config.stash.get(REPORT, []):
        terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def _corpora_stay_clean() -> Iterator[None]:
    """No test may write into tests/corpora/ (tests work on copies: corpus_copy); a build/
    folder left there would change what later tests see."""
    corpora = Path(__file__).parent / "corpora"
    before = {p for p in corpora.rglob("build")}
    yield
    left = sorted(str(p) for p in corpora.rglob("build") if p not in before)
    assert left == [], f"a test wrote into tests/corpora: {left}"
