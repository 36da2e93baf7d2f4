"""`kg validate` and `kg init` from the command line: formats, exit codes, discovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from snippets import UNKNOWN_ENTITY_CLAIM

from cli import cli
from kg.diagnostics import Diagnostic, Severity, render_github

UNUSED_REF = "\n@misc{unused2001,\n  title = {Never used},\n  year  = {2001}\n}\n"


@pytest.fixture
def bad_corpus(valid_corpus: Path) -> Path:
    (valid_corpus / "claims" / "extra.yaml").write_text(UNKNOWN_ENTITY_CLAIM, encoding="utf-8")
    return valid_corpus


def test_clean_corpus_exits_0(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["validate", "--root", str(valid_corpus)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "clean" in result.stderr


def test_text_format(runner: CliRunner, bad_corpus: Path) -> None:
    result = runner.invoke(cli, ["validate", "--root", str(bad_corpus), "--format", "text"])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "claims/extra.yaml:4:14: error KG202 unknown entity 'walkng' as subject of claim "
        "'walking-lowers-bone-loss'",
        "  = help: did you mean 'walking'?",
    ]
    assert "1 error in 1 file" in result.stderr


def test_json_format(runner: CliRunner, bad_corpus: Path) -> None:
    result = runner.invoke(cli, ["validate", "--root", str(bad_corpus), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["summary"] == {"error": 1, "warning": 0, "info": 0, "files": 1}
    assert doc["diagnostics"][0] == {
        "file": "claims/extra.yaml", "line": 4, "column": 14, "code": "KG202",
        "severity": "error",
        "message": "unknown entity 'walkng' as subject of claim 'walking-lowers-bone-loss'",
        "hint": "did you mean 'walking'?",
    }


def test_github_format(runner: CliRunner, bad_corpus: Path) -> None:
    result = runner.invoke(cli, ["validate", "--root", str(bad_corpus), "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "::error file=claims/extra.yaml,line=4,col=14,title=KG202::unknown entity 'walkng'"
    )


def test_auto_format_is_github_under_actions(runner: CliRunner, bad_corpus: Path) -> None:
    result = runner.invoke(cli, ["validate", "--root", str(bad_corpus)],
                           env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error ")


def test_github_escapes() -> None:
    d = Diagnostic("a,b:c.yaml", 1, 2, "KG101", Severity.INFO, "50% done\nnext", None)
    assert render_github([d]) == (
        "::notice file=a%2Cb%3Ac.yaml,line=1,col=2,title=KG101::50%25 done%0Anext\n"
    )


def test_sarif_format(runner: CliRunner, bad_corpus: Path) -> None:
    result = runner.invoke(cli, ["validate", "--root", str(bad_corpus), "--format", "sarif"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    res = run["results"][0]
    assert res["ruleId"] == "KG202" and res["level"] == "error"
    assert rules[res["ruleIndex"]]["id"] == "KG202"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 14}


def test_warning_exits_0_but_1_with_strict(runner: CliRunner, valid_corpus: Path) -> None:
    with (valid_corpus / "references.bib").open("a", encoding="utf-8") as f:
        f.write(UNUSED_REF)
    lenient = runner.invoke(cli, ["validate", "--root", str(valid_corpus)])
    assert lenient.exit_code == 0, lenient.output
    assert "KG307" in lenient.stdout
    strict = runner.invoke(cli, ["validate", "--root", str(valid_corpus), "--strict"])
    assert strict.exit_code == 1, strict.output


def test_finds_corpus_from_a_subfolder(runner: CliRunner, valid_corpus: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(valid_corpus / "claims")
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output


def test_no_corpus_is_a_usage_error(runner: CliRunner, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: error: no corpus found in ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("make", ["missing", "file", "not-corpus"])
def test_bad_root_is_a_usage_error(runner: CliRunner, tmp_path: Path, make: str) -> None:
    target = tmp_path / "x"
    if make == "file":
        target.write_text("")
    elif make == "not-corpus":
        target.mkdir()
    result = runner.invoke(cli, ["validate", "--root", str(target)])
    assert result.exit_code == 2, result.output
    want = {"missing": "kg: error: --root", "file": "is a file",
            "not-corpus": "not a corpus (it needs claims/ and references.bib)"}[make]
    assert want in result.stderr


def test_unknown_option_is_a_usage_error(runner: CliRunner, valid_corpus: Path) -> None:
    result = runner.invoke(cli, ["validate", "--root", str(valid_corpus), "--format", "xml"])
    assert result.exit_code == 2


def test_init_makes_a_valid_corpus(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = runner.invoke(cli, ["init", str(target), "--base", "https://w3id.org/test-corpus/"])
    assert result.exit_code == 0, result.output
    assert (target / "claims" / "entities.yaml").is_file()
    check = runner.invoke(cli, ["validate", "--root", str(target), "--strict"])
    assert check.exit_code == 0, check.output


def test_init_writes_the_base_it_is_given(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = runner.invoke(cli, ["init", str(target), "--base", "https://w3id.org/my-kg/"])
    assert result.exit_code == 0, result.output
    from kg.config import load_settings

    assert load_settings(target).base == "https://w3id.org/my-kg/"


@pytest.mark.parametrize("base", [None, "https://example.org/mine/", "https://www.example.com/x/",
                                  "https://example.org/kg-bone-ai/", "not-an-iri"])
def test_init_refuses_a_missing_or_placeholder_base(runner: CliRunner, tmp_path: Path,
                                                    base: str | None) -> None:
    target = tmp_path / "new"
    args = ["init", str(target)] + (["--base", base] if base else [])
    result = runner.invoke(cli, args)  # not interactive: no prompt, a usage error
    assert result.exit_code == 2, result.output
    assert "base" in result.stderr.lower()
    assert not (target / "kg.toml").exists()


def test_init_asks_for_the_base_when_interactive(runner: CliRunner, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import cli as cli_module

    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    target = tmp_path / "new"
    result = runner.invoke(cli, ["init", str(target)], input="https://w3id.org/asked/\n")
    assert result.exit_code == 0, result.output
    assert 'base = "https://w3id.org/asked/"' in (target / "kg.toml").read_text()


def test_init_refuses_to_overwrite(runner: CliRunner, valid_corpus: Path) -> None:
    before = (valid_corpus / "claims" / "entities.yaml").read_bytes()
    result = runner.invoke(cli, ["init", str(valid_corpus), "--base", "https://w3id.org/test-corpus/"])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (valid_corpus / "claims" / "entities.yaml").read_bytes() == before


def test_unreadable_file_is_a_diagnostic(runner: CliRunner, valid_corpus: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.cache

    target = valid_corpus / "claims" / "exercise.yaml"
    real = kg.cache.read_input

    def read_input(path: Path, limit: int | None = None) -> kg.cache.Read | OSError:
        if path == target:
            return PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(kg.cache, "read_input", read_input)
    result = runner.invoke(cli, ["validate", "--root", str(valid_corpus)])
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith(
        "claims/exercise.yaml:1:1: error KG001 cannot read file: Permission denied"
    )
