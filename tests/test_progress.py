"""Progress of long work: the library reports it, the CLI draws it only on a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cli as cli_module
import kg.corpus.load as corpus_module
from cli import ProgressBar, cli
from kg.checks.validator import CHECKS, validate


@pytest.mark.parametrize("parallel", [False, True])
def test_validate_reports_files_and_checks(valid_corpus: Path, parallel: bool,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if parallel:
        monkeypatch.setattr(corpus_module, "PARALLEL_MIN_BYTES", 1)
    seen: list[tuple[str, int, int]] = []
    validate(valid_corpus, progress=lambda *report: seen.append(report))
    files = [r for r in seen if r[0] == "parsing files"]
    checks = [r for r in seen if r[0] == "checking"]
    assert [done for _, done, _ in files] == list(range(1, 7))
    assert {total for _, _, total in files} == {6}
    assert checks[-1] == ("checking", len(CHECKS), len(CHECKS))


def test_bar_waits_a_second_then_draws_and_clears(capsys: pytest.CaptureFixture[str]) -> None:
    bar = ProgressBar()
    now = [100.0]
    bar.clock = lambda: now[0]
    bar("parsing files", 1, 4)
    assert capsys.readouterr().err == ""  # under a second: nothing
    now[0] += 1.5
    bar("parsing files", 2, 4)
    assert capsys.readouterr().err == "\rparsing files [" + "#" * 15 + "." * 15 + "] 2/4"
    bar("parsing files", 4, 4)
    assert capsys.readouterr().err == "\r\033[K"


def test_no_bar_when_stderr_is_not_a_terminal(runner: CliRunner, valid_corpus: Path) -> None:
    assert cli_module._progress().__name__ == "silent"
    result = runner.invoke(cli, ["validate", "--root", str(valid_corpus)])
    assert "\r" not in result.stderr
