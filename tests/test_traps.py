"""The seven traps a curator falls into, each caught by `kg validate` with its documented
diagnostic and a hint that points the right way (issue "Evidence an expert would sign")."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.checks.validator import validate
from kg.diagnostics import Diagnostic

CLAIM = """claims:
  - id: hormone-x-trap
    statement: A trap.
    subject: {s}
    predicate: {p}
    object: {o}
    population: adults on drug D
    certainty: asserted
    source: {{section: basics, paragraph: 1}}
"""


def diagnose(root: Path, extra: str, name: str = "zz-trap.yaml") -> list[Diagnostic]:
    (root / "claims" / name).write_text(extra, encoding="utf-8")
    _, diags = validate(root)
    return diags


@pytest.mark.parametrize(("verb", "meant"), [
    ("raises", "increases"), ("promotes", "increases"), ("improves", "increases"),
    ("lowers", "decreases"), ("reduces", "decreases"), ("inhibits", "decreases"),
    ("suppresses", "decreases"),
])
def test_a_common_verb_gets_the_predicate_of_its_sign(valid_corpus: Path, verb: str,
                                                      meant: str) -> None:
    [d] = diagnose(valid_corpus, CLAIM.format(s="hormone-x", p=verb, o="protein-p"))
    assert (d.code, d.hint) == ("KG103", f"did you mean '{meant}'?")


def test_the_old_null_stance_names_the_new_word(valid_corpus: Path) -> None:
    text = CLAIM.format(s="hormone-x", p="affects", o="bone-loss") + (
        "    evidence:\n      - study: zeta2018cells\n        stance: null\n"
        "        finding: nothing\n")
    [d] = diagnose(valid_corpus, text)
    assert d.code == "KG108" and d.hint == "write 'stance: no-effect'"


def test_no_effect_stance_on_a_claim_of_no_effect(valid_corpus: Path) -> None:
    text = CLAIM.format(s="hormone-x", p="no-effect-on", o="fracture") + (
        "    evidence:\n      - study: zeta2018cells\n        stance: no-effect\n"
        "        finding: nothing changed\n")
    [d] = diagnose(valid_corpus, text)
    assert d.code == "KG502" and d.hint == "write 'stance: supports'"


def test_increases_and_no_effect_for_one_pair_and_population(valid_corpus: Path) -> None:
    # walking-raises-density: walking increases bone-density in adults on drug D
    [d] = diagnose(valid_corpus, CLAIM.format(s="walking", p="no-effect-on", o="bone-density"))
    assert d.code == "KG607" and "walking-raises-density" in d.message


def test_a_study_with_neither_doi_nor_pmid(valid_corpus: Path) -> None:
    bib = valid_corpus / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace(",\n  doi     = {10.9999/test.0003}", ""), encoding="utf-8")
    _, diags = validate(valid_corpus)
    assert [(d.code, d.file) for d in diags] == [("KG309", "references.bib")]


@pytest.mark.parametrize(("text", "words"), [
    ("claims:\n  - id: a\n\tstatement: x\n", "tab"),
    ("claims:\n  - id: a\n    statement: x\n   subject: y\n", "indentation"),
])
def test_tabs_and_indentation_get_plain_hints(valid_corpus: Path, text: str,
                                              words: str) -> None:
    [d] = diagnose(valid_corpus, text)
    assert d.code == "KG002" and words in (d.hint or "")


def test_a_corpus_without_an_article_is_valid(valid_corpus: Path) -> None:
    (valid_corpus / "claims" / "article.yaml").unlink()
    for f in (valid_corpus / "claims").glob("*.yaml"):
        if f.name not in ("entities.yaml", "studies.yaml"):
            f.unlink()
    (valid_corpus / "claims" / "links.yaml").write_text(
        "claims:\n  - id: walking-raises-density\n    origin: curator\n"
        "    justification: a link a review states\n    statement: Walking raises density.\n"
        "    subject: walking\n    predicate: increases\n    object: bone-density\n"
        "    certainty: asserted\n", encoding="utf-8")
    _, diags = validate(valid_corpus)
    assert [d.code for d in diags if d.severity.value == "error"] == []
