"""The exit codes of kg, stated exactly (issue 18: mutation score; bench/mutation.py
exit-codes): 0 clean, 1 errors (or warnings under --strict), 2 usage or fatal errors, 3 an
internal error; and the summary line and its mark, which follow the same rule."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import cli as cli_module
from cli import cli
from kg.diagnostics import Diagnostic, Severity, exit_code, summary_line
from kg.errors import KgError


def diag(severity: Severity, file: str = "claims/a.yaml") -> Diagnostic:
    return Diagnostic(file, 1, 1, "KG000", severity, "m")


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: notice (info)


@pytest.mark.parametrize(("severities", "plain", "strict"), [
    ((), 0, 0), ((N,), 0, 0), ((W,), 0, 1), ((N, W), 0, 1), ((E,), 1, 1), ((W, E, N), 1, 1),
])
def test_exit_code(severities: tuple[Severity, ...], plain: int, strict: int) -> None:
    diags = [diag(s) for s in severities]
    assert exit_code(diags) == plain
    assert exit_code(diags, strict=True) == strict


def test_summary_line() -> None:
    assert summary_line([]) == "clean: no problems found"
    assert summary_line([diag(E)]) == "1 error in 1 file"
    assert summary_line([diag(W), diag(W, "b.yaml")]) == "2 warnings in 2 files"
    assert summary_line([diag(N), diag(E), diag(E), diag(W)]) == (
        "2 errors, 1 warning, 1 info in 1 file")
    assert summary_line([diag(N), diag(N)]) == "2 infos in 1 file"


# -- kg validate -------------------------------------------------------------------------------


def warning_only(valid_corpus: Path) -> Path:
    """The valid corpus with one warning (KG307, an unused reference) and no error."""
    bib = valid_corpus / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{unused2001,\n  title = {U},\n"
                   "  year = {2001}\n}\n", encoding="utf-8")
    return valid_corpus


def test_a_warning_exits_0_with_a_tick_and_1_with_a_cross_under_strict(
        valid_corpus: Path) -> None:
    root = warning_only(valid_corpus)
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", "--root", str(root), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "✔ 1 warning in 1 file"
    result = runner.invoke(cli, ["validate", "--root", str(root), "--no-cache", "--strict"])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == "✖ 1 warning in 1 file"


def test_a_clean_corpus_exits_0(valid_corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--root", str(valid_corpus), "--no-cache",
                                      "--strict"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "✔ clean: no problems found"


def test_json_output_has_no_summary_and_the_same_exit_code(valid_corpus: Path) -> None:
    root = warning_only(valid_corpus)
    result = CliRunner().invoke(cli, ["validate", "--root", str(root), "--no-cache",
                                      "--strict", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["KG307"]


def test_no_corpus_is_a_fatal_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--root", str(tmp_path / "nothing")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("kg: error: ")


# -- kg's own main() ---------------------------------------------------------------------------


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             argv: list[str], raise_: Callable[..., None] | None = None
             ) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["kg", *argv])
    if raise_ is not None:
        monkeypatch.setattr(cli_module, "cli", raise_)
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    out, err = capsys.readouterr()
    assert isinstance(exit_.value.code, int)
    return exit_.value.code, out, err


def boom(**_: object) -> None:
    raise RuntimeError("boom")


def test_an_internal_error_exits_3_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(monkeypatch, capsys, ["validate"], boom) == (
        3, "", "kg: internal error (please report): RuntimeError: boom\n")


def test_an_internal_error_under_json_prints_the_json_error(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(monkeypatch, capsys, ["validate", "--format", "json"], boom)
    assert code == 3
    assert json.loads(out) == {"error": {"kind": "internal", "message": "RuntimeError: boom",
                                         "exit_code": 3}}
    assert err == "kg: internal error (please report): RuntimeError: boom\n"


def test_a_kg_error_past_the_commands_exits_2(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    def fatal(**_: object) -> None:
        raise KgError("the cache is damaged")

    assert run_main(monkeypatch, capsys, ["validate"], fatal) == (
        2, "", "kg: error: the cache is damaged\n")


def test_an_unwritable_output_exits_2(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    def full(**_: object) -> None:
        raise OSError(28, "No space left on device")

    assert run_main(monkeypatch, capsys, ["validate"], full) == (
        2, "", "kg: error: cannot write the output: No space left on device\n")


def test_an_argument_that_is_not_utf8_exits_2(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")
    assert run_main(monkeypatch, capsys, ["show", bad]) == (
        2, "", "kg: error: argument 'caf\\\\xe9' is not valid UTF-8\n")


def test_a_usage_error_exits_2_and_says_so_in_json(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(monkeypatch, capsys, ["validate", "--format", "json",
                                                    "--zzzz"])
    assert code == 2
    error = json.loads(out)["error"]
    assert (error["kind"], error["exit_code"]) == ("usage", 2)
    assert "--zzzz" in error["message"] and f"Error: {error['message']}" in err
    code, out, _ = run_main(monkeypatch, capsys, ["validate", "--zzzz"])
    assert (code, out) == (2, "")


def test_wants_json() -> None:
    assert cli_module.wants_json(["validate", "--json"])
    assert cli_module.wants_json(["validate", "--format=json"])
    assert cli_module.wants_json(["validate", "--format", "json"])
    assert not cli_module.wants_json(["validate", "--format", "text"])
    assert not cli_module.wants_json(["validate", "--format"])
    assert not cli_module.wants_json(["show", "--", "--json"])


# -- the question commands' documented statuses (docs/cli.md, "Errors") ------------------------

QUESTIONS = Path(__file__).parent / "corpora" / "questions"


def test_ambiguous_input_exits_2_and_nothing_found_exits_1(tmp_path: Path) -> None:
    root = tmp_path / "questions"
    shutil.copytree(QUESTIONS, root)
    runner = CliRunner()
    result = runner.invoke(cli, ["show", "PA", "--root", str(root), "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert (error["kind"], error["exit_code"]) == ("ambiguous", 2)
    result = runner.invoke(cli, ["show", "zzzzqqqq", "--root", str(root), "--json"])
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert (error["kind"], error["exit_code"]) == ("not_found", 1)


# -- the command group's own handling (KgGroup.main) -------------------------------------------


def test_a_kg_error_raised_before_a_command_handles_it_exits_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def no_corpus(root: object) -> Path:
        raise KgError("no corpus here")

    monkeypatch.setattr(cli_module, "_root", no_corpus)
    code, out, err = run_main(monkeypatch, capsys, ["validate", "--format", "json"])
    assert code == 2
    assert json.loads(out) == {"error": {"kind": "fatal", "message": "no corpus here",
                                         "exit_code": 2}}
    assert err == "kg: error: no corpus here\n"


def test_an_abort_exits_1(monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    def abort(root: object) -> Path:
        raise click.Abort()

    monkeypatch.setattr(cli_module, "_root", abort)
    assert run_main(monkeypatch, capsys, ["validate"]) == (1, "", "Aborted!\n")


def test_a_command_that_returns_a_number_exits_with_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    @click.command("zz-returns")
    def returns() -> int:
        return 5

    @click.command("zz-returns-none")
    def returns_none() -> None:
        return None

    monkeypatch.setitem(cli.commands, "zz-returns", returns)
    monkeypatch.setitem(cli.commands, "zz-returns-none", returns_none)
    assert run_main(monkeypatch, capsys, ["zz-returns"])[0] == 5
    assert run_main(monkeypatch, capsys, ["zz-returns-none"])[0] == 0


def test_the_program_name_reaches_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["validate", "--zzzz"], prog_name="kgx")
    assert exit_.value.code == 2
    assert "Usage: kgx validate" in capsys.readouterr().err
    assert cli.main(["validate", "--help"], prog_name="kgy", standalone_mode=False) == 0
    assert "Usage: kgy validate" in capsys.readouterr().out


def test_main_names_the_program_kg(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(monkeypatch, capsys, ["validate", "--zzzz"])
    assert code == 2 and "Usage: kg validate" in err


def test_an_internal_error_with_json_first_on_the_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(monkeypatch, capsys, ["--json"], boom)
    assert code == 3 and json.loads(out)["error"]["kind"] == "internal"
