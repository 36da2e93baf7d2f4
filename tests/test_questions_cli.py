"""The question commands (issue 5): golden human and JSON output on tests/corpora/valid and
tests/corpora/questions (valid, extended), exit codes, and a thin CLI.

Regenerate the golden files with `KG_UPDATE_GOLDEN=1 pytest tests/test_questions_cli.py`
(or `pytest --update-golden`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

CORPORA = Path(__file__).parent / "corpora"

#: (golden name, corpus, arguments, expected exit status)
CASES: list[tuple[str, str, list[str], int]] = [
    ("studies-words", "valid", ["studies", "walking", "density"], 0),
    ("studies-id", "valid", ["studies", "walking-lowers-fracture"], 0),
    ("studies-uncited", "valid", ["studies", "drug-d-lowers-hormone-x"], 0),
    ("studies-no-match", "valid", ["studies", "zebra", "quartz"], 1),
    ("studies-typo", "valid", ["studies", "protien", "P"], 0),
    ("studies-mixed", "questions", ["studies", "exercise", "bone", "density"], 0),
    ("studies-contested", "questions", ["studies", "exercise-lowers-protein-p"], 0),
    ("claims-all", "valid", ["claims"], 0),
    ("claims-about-synonym", "valid", ["claims", "--about", "BMD"], 0),
    ("claims-about-object", "questions", ["claims", "--about", "protein P", "--as", "object"], 0),
    ("claims-study", "questions", ["claims", "--study", "beta2021meta"], 0),
    ("claims-status", "questions",
     ["claims", "--status", "not-supported", "--status", "contested"], 0),
    ("claims-certainty-role", "questions",
     ["claims", "--certainty", "asserted", "--role", "intervention", "--as", "subject"], 0),
    ("claims-none", "valid", ["claims", "--rating", "high"], 1),
    ("claims-unknown-entity", "valid", ["claims", "--about", "hormone Y"], 1),
    ("claims-unknown-study", "valid", ["claims", "--study", "alpha2020"], 1),
    ("claims-ambiguous", "questions", ["claims", "--about", "pa"], 2),
    ("show-entity", "valid", ["show", "protein-p"], 0),
    ("show-entity-by-curie", "valid", ["show", "chebi:50114"], 0),
    ("show-entity-by-label", "questions", ["show", "bone", "mineral", "density"], 0),
    ("show-claim", "questions", ["show", "exercise-raises-density"], 0),
    ("show-study", "valid", ["show", "alpha2020trial"], 0),
    ("show-study-errata", "questions", ["show", "beta2021meta"], 0),
    ("show-no-match", "valid", ["show", "protien-p"], 1),
    ("show-ambiguous", "questions", ["show", "PA"], 2),
    ("paths-chain", "valid", ["paths", "drug D", "bone mineral density"], 0),
    ("paths-two", "questions", ["paths", "exercise", "bmd"], 0),
    ("paths-none", "questions", ["paths", "protein-a", "bone-density"], 1),
    ("paths-all", "questions", ["paths", "protein-a", "bone-density", "--all"], 0),
    ("paths-max-hops", "valid", ["paths", "drug-d", "bone-density", "--max-hops", "3"], 1),
    ("paths-unknown", "valid", ["paths", "drug-d", "bone densty"], 1),
    ("stats", "questions", ["stats"], 0),
]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("corpora")
    return {name: Path(shutil.copytree(CORPORA / name, base / name))
            for name in ("valid", "questions")}


def run(root: Path, args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--root", str(root)], env={"COLUMNS": "100"})
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def snapshot(args: list[str], code: int, out: str, err: str) -> str:
    return (f"$ kg {' '.join(args)}\nexit: {code}\n--- stdout\n{out}--- stderr\n{err}")


@pytest.mark.parametrize("fmt", ["txt", "json"])
@pytest.mark.parametrize(("name", "corpus", "args", "status"), CASES, ids=[c[0] for c in CASES])
def test_golden(name: str, corpus: str, args: list[str], status: int, fmt: str,
                corpora: dict[str, Path], golden: Callable[[str, str], None]) -> None:
    argv = args + (["--json"] if fmt == "json" else [])
    code, out, err = run(corpora[corpus], argv)
    assert code == status, out + err
    if fmt == "json":
        json.loads(out)  # always valid JSON, on a miss or an error too
    golden(f"questions/{name}.{fmt}", snapshot(argv, code, out, err))


def test_every_command_has_json(corpora: dict[str, Path]) -> None:
    for args in (["studies", "walking"], ["claims"], ["show", "walking"],
                 ["paths", "drug-d", "bone-density"], ["stats"]):
        code, out, _ = run(corpora["valid"], [*args, "--json"])
        assert code == 0
        assert isinstance(json.loads(out), dict)


def test_json_is_the_library_data(corpora: dict[str, Path]) -> None:
    """The CLI is thin: its JSON is exactly what kg.questions.views builds from the graph store."""
    from kg.questions import views
    from kg.questions.stats import graph_stats
    from kg.store.questions import open_questions

    root = corpora["questions"]
    q = open_questions(root)
    _, out, _ = run(root, ["show", "beta2021meta", "--json"])
    corpus = q.corpus_for(studies=["beta2021meta"])
    assert json.loads(out) == views.study_data(corpus, corpus.studies["beta2021meta"],
                                               q.bearings("beta2021meta"))
    _, out, _ = run(root, ["stats", "--json"])
    assert json.loads(out) == graph_stats(q.store, q.base)
    _, out, _ = run(root, ["studies", "exercise-raises-density", "--json"])
    corpus = q.corpus_for(claims=["exercise-raises-density"])
    claim = corpus.claims["exercise-raises-density"]
    assert json.loads(out) == views.studies_data(corpus, claim.id, claim, [])
    q.close()


def test_the_graph_store_reads_back_what_the_corpus_says(corpora: dict[str, Path]) -> None:
    """Every claim card, study card and entity card built from the graph store equals the
    one built from the validated corpus, but for what the graph holds as a set (synonyms
    and xrefs come back sorted) and BibTeX page ranges (the graph writes 10-20)."""
    import dataclasses

    from kg.checks.validator import validate
    from kg.questions import views
    from kg.store.questions import open_questions

    for name in ("valid", "questions"):
        root = corpora[name]
        corpus, _ = validate(root)
        q = open_questions(root)
        for cid, c in corpus.claims.items():
            h = q.corpus_for(claims=[cid])
            assert views.claim_data(h, h.claims[cid]) == views.claim_data(corpus, c), cid
        for key, s in corpus.studies.items():
            h = q.corpus_for(studies=[key])
            ref = corpus.references[key]
            fields = {**ref.fields, "pages": ref.fields["pages"].replace("--", "-")}
            corpus.references[key] = dataclasses.replace(ref, fields=fields)
            assert views.study_data(h, h.studies[key], q.bearings(key)) == views.study_data(
                corpus, s), key
        for eid, e in corpus.entities.items():
            h = q.corpus_for(entities=[eid])
            e = dataclasses.replace(e, synonyms=tuple(sorted(e.synonyms)),
                                    xrefs=tuple(sorted(e.xrefs)))
            assert views.entity_data(h, h.entities[eid], [], []) == views.entity_data(
                corpus, e, [], []), eid
        q.close()


def test_null_result_is_shown(corpora: dict[str, Path]) -> None:
    """Asking whether walking raises density shows the null trial, with its numbers."""
    _, out, _ = run(corpora["valid"], ["studies", "does", "walking", "raise", "bone", "density"])
    assert "→  walking-raises-density" in out
    assert "No effect found (1)" in out
    assert "p = 0.37" in out
    assert "Rating: none   Status: not-supported   Citation: miscited" in out
    assert "no supporting line: the studies found no effect" in out


def test_no_colour_when_not_a_tty(corpora: dict[str, Path]) -> None:
    _, out, _ = run(corpora["questions"], ["studies", "exercise-lowers-protein-p"])
    assert "\x1b[" not in out


def test_invalid_corpus_still_answers_with_a_warning(corpus_copy: Callable[[str], Path]) -> None:
    root = corpus_copy("valid")
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text().replace("object: protein-p", "object: protein-q"))
    code, out, err = run(root, ["studies", "walking-raises-density"])
    assert code == 0
    assert "walking-raises-density" in out
    assert err == ("kg: warning: the corpus has 1 error; answers may be incomplete "
                   "(run `kg validate`)\n")


def test_no_corpus_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a corpus" in result.stderr


def test_docs_describe_every_question_command() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in ("studies", "claims", "show", "paths", "sparql", "stats"):
        assert f"## kg {name}" in docs, f"docs/cli.md has no section for kg {name}"
        assert cli.commands[name].help, f"kg {name} has no help text"
