"""The docs stay true: generated pages are fresh, every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg.checks.codes import CODES, render_markdown

REPO = Path(__file__).parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    """The indented command lines of the README's opening, in order."""
    return [line.strip() for line in README.splitlines()
            if line.startswith("    python3 -m venv")]


def test_diagnostics_page_is_fresh() -> None:
    page = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert page == render_markdown(), "run: python -m kg.checks.codes > docs/diagnostics.md"


def test_every_code_is_on_the_page() -> None:
    page = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"## {code}" in page


def test_readme_has_exactly_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert "kg validate" in commands[0] and "kg build" in commands[0]
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme_and_has_help(name: str, runner: CliRunner) -> None:
    assert re.search(rf"`kg {name}\b", README), f"kg {name} is missing from the README"
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) > 3


# -- the rule pages match the code ------------------------------------------------------------


def _page(name: str) -> str:
    return (REPO / "docs" / name).read_text(encoding="utf-8")


def _table(page: str, header: str) -> dict[str, str]:
    """First column -> second column of the markdown table whose header row starts so."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows: dict[str, str] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1]
    return rows


def test_evidence_page_start_table_is_the_code() -> None:
    from kg.evidence import START

    assert _table(_page("evidence.md"), "| design | starts |") == START


def test_evidence_page_lists_every_label() -> None:
    from kg.evidence import CITATION_STATES, RATINGS, SMALL_N, STATUSES
    from kg.questions.audit import CATEGORIES

    page = _page("evidence.md")
    assert set(_table(page, "| status | when |")) == set(STATUSES)
    assert set(_table(page, "| state | when |")) == set(CITATION_STATES)
    assert list(_table(page, "| category | when |")) == list(CATEGORIES)
    for rating in RATINGS:
        assert f"`{rating}`" in page
    assert f"fewer than {SMALL_N} participants" in page


def test_format_page_lists_every_vocabulary_value() -> None:
    from kg.corpus import vocabulary as V

    page = _page("format.md")
    predicates = {k: v for k, v in _table(page, "| predicate | sign |").items()}
    assert set(predicates) == set(V.PREDICATES)
    for name, p in V.PREDICATES.items():
        assert predicates[name] == (p.sign or "none"), name
    assert set(_table(page, "| kind | predicates |")) == set(V.CLAIM_KINDS)
    assert set(_table(page, "| origin | meaning |")) == set(V.ORIGINS)
    assert set(_table(page, "| value | the study... |")) == set(V.STANCES)
    assert set(_table(page, "| value | the article... |")) == set(V.CERTAINTIES)
    for kind, (modes) in V.KIND_MODES.items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `{kind}` |"))
        for p in V.PREDICATES.values():
            if p.mode in modes and kind in ("classification", "recommendation",
                                            "modification"):
                assert f"`{p.name}`" in row, (kind, p.name)


def test_format_page_example_is_a_valid_corpus(tmp_path: Path) -> None:
    from kg.checks.validator import validate

    blocks = re.findall(r"`(claims/[a-z-]+\.yaml)`:\n\n```yaml\n(.*?)```",
                        _page("format.md"), re.S)
    assert [name for name, _ in blocks] == ["claims/entities.yaml", "claims/studies.yaml",
                                            "claims/exercise.yaml"]
    for name, text in blocks:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "references.bib").write_text(
        "@article{kwan2021lifestyle,\n  author = {Kwan, Marilyn L.},\n  title = {T},\n"
        "  journal = {J Cancer Surviv},\n  year = {2021},\n"
        "  doi = {10.1007/s11764-021-00993-0}\n}\n", encoding="utf-8")
    corpus, diags = validate(tmp_path)
    assert [str(d) for d in diags] == []
    kinds = {c.id: (c.kind, c.origin) for c in corpus.claims.values()}
    assert kinds["do-aerobic-exercise"] == ("recommendation", "article")
    assert kinds["aromatase-inhibitors-lower-estrogen"] == ("effect", "curator")


@pytest.mark.parametrize(("command", "keys"), [
    (["studies", "walking-lowers-fracture"], {"claim"}),
    (["claims"], {"filters", "claims"}),
    (["show", "walking-lowers-fracture"], {"kind", "claim_kind", "reasons", "citation_state"}),
    (["stats"], {"claims_by_rating", "claims_by_citation_state", "claims_by_kind"}),
])
def test_json_keys_are_documented(command: list[str], keys: set[str],
                                  runner: CliRunner, valid_corpus: Path) -> None:
    import json

    page = _page("cli.md")
    valid = valid_corpus  # a copy: questions write their cache under the corpus
    result = runner.invoke(cli, [*command, "--root", str(valid), "--json"])
    doc = json.loads(result.stdout)
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if not (isinstance(k, str) and (k in V_VALUES or " " in k)):
                    found.add(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    assert keys <= found
    missing = sorted(k for k in found if f'"{k}"' not in page)
    assert missing == []


def _vocabulary_values() -> set[str]:
    from kg.corpus import vocabulary as V
    from kg.evidence import CITATION_STATES, RATINGS, STATUSES

    return {*V.ROLES, *V.KINDS, *V.CERTAINTIES, *V.STANCES, *V.DESIGNS, *V.PREDICATES,
            *V.CLAIM_KINDS, *V.ORIGINS, *RATINGS, *STATUSES, *CITATION_STATES, *V.MEASURES}


V_VALUES = _vocabulary_values()


def test_audit_json_keys_are_documented(runner: CliRunner, valid_corpus: Path) -> None:
    import json

    valid = valid_corpus
    doc = json.loads(runner.invoke(cli, ["audit", "--root", str(valid), "--format",
                                         "json"]).stdout)
    audit_part = _page("cli.md").split("## kg audit", 1)[1]
    keys = set(doc) | set(doc["summary"]) | set(doc["findings"][0])
    keys |= set(doc["citation_errors"][0])
    assert sorted(k for k in keys if f'"{k}"' not in audit_part) == []
