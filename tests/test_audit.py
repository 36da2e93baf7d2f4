"""`kg audit` (kg/questions/audit.py): the article's claims against their evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg.checks.validator import validate
from kg.corpus.load import load_corpus
from kg.diagnostics import Severity
from kg.questions.audit import audit, render_json, render_markdown, render_text, to_dict

REPO = Path(__file__).parent.parent
VALID = Path(__file__).parent / "corpora" / "valid"


def findings(root: Path) -> set[tuple[str, str]]:
    corpus, _ = load_corpus(root)
    return {(f.category, f.claim) for f in audit(corpus).findings}


def test_valid_corpus_findings() -> None:
    assert findings(VALID) == {
        # asserted, but its only study (an RCT) found no effect
        ("contradicted", "walking-raises-density"),
        # ...and the study the article cites for it does not support it
        ("miscited", "walking-raises-density"),
        # asserted, supported only by a cell study (very low)
        ("overreaching", "hormone-x-raises-protein-p"),
        # asserted, supported by one cohort (low)
        ("overreaching", "walking-lowers-fracture"),
        # no reference in the article
        ("uncited", "drug-d-lowers-hormone-x"),
        ("uncited", "hormone-x-raises-protein-p"),
        ("uncited", "protein-p-limits-bone-loss"),
        ("uncited", "bone-loss-lowers-density"),
    }


def test_valid_corpus_summary_and_citation_errors() -> None:
    corpus, _ = load_corpus(VALID)
    a = audit(corpus)
    s = a.summary
    assert (s.claims, s.supported, s.citation_errors) == (6, 2, 1)
    assert s.counts == {"contradicted": 1, "miscited": 1, "overreaching": 2,
                        "unverifiable": 0, "uncited": 4}
    assert s.statuses == {"supported": 2, "not-supported": 1, "no-evidence": 3}
    [e] = a.citation_errors
    assert (e.study, e.field, e.cited, e.actual) == ("alpha2020trial", "author", "Omega, O.",
                                                     "Alpha, Ann")
    assert e.cited_by == ("walking-raises-density",)


def _edited(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    import shutil

    root = tmp_path / "c"
    shutil.copytree(VALID, root)
    mech = root / "claims" / "mechanism.yaml"
    text = mech.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    mech.write_text(text, encoding="utf-8")
    return root


def test_a_question_is_not_uncited_and_hedged_is_not_overreaching(tmp_path: Path) -> None:
    root = _edited(
        tmp_path,
        ("statement: Drug D lowers hormone X.\n    subject: drug-d\n"
         "    predicate: decreases\n    object: hormone-x\n    certainty: asserted",
         "statement: Drug D lowers hormone X.\n    subject: drug-d\n"
         "    predicate: decreases\n    object: hormone-x\n    kind: question"),
        ("object: protein-p\n    certainty: asserted",
         "object: protein-p\n    certainty: suggested"))
    got = findings(root)
    assert ("uncited", "drug-d-lowers-hormone-x") not in got
    assert ("overreaching", "hormone-x-raises-protein-p") not in got
    assert ("uncited", "hormone-x-raises-protein-p") in got


def test_a_curators_claim_is_not_audited(tmp_path: Path) -> None:
    root = _edited(
        tmp_path,
        ("    predicate: decreases\n    object: hormone-x\n    certainty: asserted\n"
         "    source: {section: basics, paragraph: 1}\n",
         "    predicate: decreases\n    object: hormone-x\n    certainty: asserted\n"
         "    origin: curator\n    justification: the chain from drug D needs it\n"))
    corpus, diags = validate(root)
    assert diags == []
    assert "drug-d-lowers-hormone-x" not in {f.claim for f in audit(corpus).findings}
    assert audit(corpus).summary.claims == 5


def test_only_keeps_the_named_categories_and_the_summary_counts_all() -> None:
    corpus, _ = load_corpus(VALID)
    a = audit(corpus, ("contradicted", "miscited"))
    assert {f.category for f in a.findings} == {"contradicted", "miscited"}
    assert a.citation_errors == ()
    assert a.summary.counts["uncited"] == 4
    assert audit(corpus, ("citation-errors",)).citation_errors != ()


def test_findings_lead_with_the_most_serious() -> None:
    corpus, _ = load_corpus(VALID)
    cats = [f.category for f in audit(corpus).findings]
    assert cats == sorted(cats, key=["contradicted", "miscited", "overreaching",
                                     "unverifiable", "uncited"].index)
    assert cats[0] == "contradicted"


def test_renderers() -> None:
    corpus, _ = load_corpus(VALID)
    a = audit(corpus)
    text = render_text(a)
    assert text.splitlines()[1].startswith("1 contradicted, 1 miscited, 2 overreaching, "
                                           "0 unverifiable, 4 uncited; 1 citation errors")
    assert "CONTRADICTED (1): stated as fact, but a study" in text
    assert "alpha2020trial (Alpha et al. 2020): author cited as 'Omega, O.'" in text
    md = render_markdown(a)
    assert md.startswith("# Article audit: A test article about drug D and bone\n")
    assert "| Alpha et al. 2020 (`alpha2020trial`) | author | Omega, O. | Alpha, Ann |  |" in md
    assert "## Contradicted (1)" in md
    assert ("- `walking-raises-density` (basics ¶2; asserted; evidence not-supported, "
            "rated none)") in md
    doc = json.loads(render_json(a))
    assert doc == json.loads(json.dumps(to_dict(a)))
    assert doc["summary"]["supported_share"] == round(2 / 6, 4)
    assert doc["summary"]["contradicted"] == 1
    assert {f["category"] for f in doc["findings"]} == {"contradicted", "miscited",
                                                         "overreaching", "uncited"}
    assert set(doc["findings"][0]) == {"category", "claim", "statement", "certainty", "kind",
                                       "section", "section_title", "paragraph", "locator",
                                       "status", "rating", "reason", "studies"}


def test_cli_json_equals_library(runner: CliRunner, valid_corpus: Path) -> None:
    """The audit the CLI reads back from the graph store is the audit of the corpus."""
    result = runner.invoke(cli, ["audit", "--root", str(valid_corpus), "--format", "json"])
    assert result.exit_code == 0, result.output
    corpus, _ = load_corpus(VALID)
    assert json.loads(result.stdout) == to_dict(audit(corpus))


def test_cli_writes_file(runner: CliRunner, tmp_path: Path, valid_corpus: Path) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "audit.md"
    result = runner.invoke(cli, ["audit", "--root", str(valid_corpus), "--format", "markdown",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    corpus, _ = load_corpus(VALID)
    assert out.read_text(encoding="utf-8") == render_markdown(audit(corpus))
    assert result.stdout == ""
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["audit.md"]


def test_cli_unwritable_output_is_a_fatal_error(runner: CliRunner, tmp_path: Path,
                                                valid_corpus: Path) -> None:
    out = tmp_path / "missing-folder" / "audit.md"
    result = runner.invoke(cli, ["audit", "--root", str(valid_corpus), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "kg: error: cannot write" in result.stderr


# -- the real article -----------------------------------------------------------------------------


def _real_corpus() -> Path:
    if not (REPO / "claims" / "entities.yaml").is_file():
        pytest.fail("the real corpus (claims/) is missing")
    _, diags = validate(REPO)
    if any(d.severity == Severity.ERROR for d in diags):
        pytest.fail("the real corpus has errors (run 'kg validate'): fix them; do not "
                    "regenerate docs/audit.md over them")
    return REPO


def test_docs_audit_is_current() -> None:
    root = _real_corpus()
    corpus, _ = load_corpus(root)
    doc = REPO / "docs" / "audit.md"
    assert doc.is_file(), "run: kg audit --format markdown -o docs/audit.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(audit(corpus)), (
        "docs/audit.md is stale; run: kg audit --format markdown -o docs/audit.md")


def test_real_audit_names_the_known_problems() -> None:
    root = _real_corpus()
    corpus, _ = load_corpus(root)
    a = audit(corpus)
    serious = [f for f in a.findings if f.category in ("contradicted", "miscited")]

    def named(study: str, *words: str) -> bool:
        return any(study in f.studies and all(w.lower() in (f.reason + f.statement).lower()
                                              for w in words) for f in serious)

    # the HOPE trial found no BMD difference
    assert named("thomas2017exercise", "BMD", "no-effect")
    # Kwan: overall activity showed no association with fracture
    assert named("kwan2021lifestyle", "overall", "no-effect")
    # magnesium and femoral-neck BMD: only a trend, from the study the article cites
    assert any("magnesium" in f.claim and "femoral" in f.statement.lower()
               for f in a.findings if f.category in ("miscited", "overreaching"))
    errors = {(e.study, e.field) for e in a.citation_errors}
    assert {("kwan2021lifestyle", "volume"), ("kwan2021lifestyle", "issue"),
            ("kwan2021lifestyle", "pages")} <= errors
    assert ("thomas2017exercise", "author") in errors
    [rusu] = {k for k, _ in errors if k.startswith("rusu")}
    assert {(rusu, "issue"), (rusu, "article-number")} <= errors
