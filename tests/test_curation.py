"""Curation helpers (issue 14, part F): `kg studies` without a claim lists studies with
filters and word search; `kg add study --doi/--pmid` against recorded Crossref and PubMed
responses (tests/recorded/; no network), and clearly offline; `kg add entity` with CURIE
prefix suggestions from kg/data/prefixes.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonshape import check, named_shapes

from cli import cli
from kg.errors import KgError
from kg.repo import curation

CORPORA = Path(__file__).parent / "corpora"
RECORDED = Path(__file__).parent / "recorded"
PAGE = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
DOI = "10.1007/s11764-021-00993-0"
PMID = "33565036"


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# -- kg studies without a claim ----------------------------------------------------------------


@pytest.fixture(scope="module")
def questions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(CORPORA / "questions",
                                tmp_path_factory.mktemp("c") / "questions"))


def listed(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(["studies", *args, "--json", "--root", str(root)])
    return code, json.loads(out)


def test_lists_every_study_in_the_documented_shape(questions: Path) -> None:
    code, data = listed(questions)
    assert code == 0
    assert check(named_shapes(PAGE)["StudyList"], data, named_shapes(PAGE)) == []
    assert len(data["studies"]) == 5


def test_filters(questions: Path) -> None:
    _, every = listed(questions)
    by_key = {s["key"]: s for s in every["studies"]}
    _, rct = listed(questions, "--design", "rct")
    assert rct["studies"] and all(s["design"] == "rct" for s in rct["studies"])
    assert len(rct["studies"]) == sum(s["design"] == "rct" for s in by_key.values())
    _, cited = listed(questions, "--cited")
    _, uncited = listed(questions, "--uncited")
    assert {s["key"] for s in cited["studies"]} | {s["key"] for s in uncited["studies"]} \
        == set(by_key)
    assert all(s["cited"] for s in cited["studies"])
    assert not any(s["cited"] for s in uncited["studies"])
    assert cited["filters"] == {"design": [], "cited": True, "words": None}


def test_word_search_covers_titles_populations_and_findings(questions: Path) -> None:
    from kg.checks.validator import validate

    corpus, _ = validate(questions)
    key, study = next(iter(corpus.studies.items()))
    title = corpus.references[key].fields["title"]
    for text in (title, study.population, study.findings):
        word = max((w for w in text.split() if w.isalpha()), key=len)
        code, data = listed(questions, "--words", word)
        assert code == 0 and key in [s["key"] for s in data["studies"]], word


def test_no_study_matches(questions: Path) -> None:
    code, data = listed(questions, "--words", "zebra quartz")
    assert code == 1 and data["studies"] == []
    code, out, err = run(["studies", "walking", "--design", "rct", "--root", str(questions)])
    assert code == 2 and "without CLAIM" in err


# -- kg add study --------------------------------------------------------------------------------


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Serve tests/recorded/ instead of the network; the URLs asked for."""
    asked: list[str] = []

    def get(url: str) -> bytes:
        asked.append(url)
        if url.startswith(curation.CROSSREF):
            name = "crossref-" + url[len(curation.CROSSREF):].replace("/", "_") + ".json"
        else:
            name = f"pubmed-esummary-{url.rsplit('=', 1)[1]}.json"
        path = RECORDED / name
        if not path.exists():
            raise KgError(f"{url}: has no record of it (HTTP 404)")
        return path.read_bytes()

    monkeypatch.setattr(curation, "http_get", get)
    return asked


def test_add_study_by_doi(valid_corpus: Path, recorded: list[str]) -> None:
    code, out, err = run(["add", "study", "--doi", f"https://doi.org/{DOI}",
                          "--root", str(valid_corpus)])
    assert code == 0, err
    assert recorded == [curation.CROSSREF + DOI]
    assert out.startswith("added kwan2023prospective: Kwan 2023, A prospective study")
    bib = (valid_corpus / "references.bib").read_text(encoding="utf-8")
    assert "@article{kwan2023prospective,\n  author  = {Kwan, Marilyn L. and Lo, Joan C." in bib
    for line in ("  journal = {Journal of Cancer Survivorship},", "  volume  = {17},",
                 "  number  = {1},", "  pages   = {139--149},", f"  doi     = {{{DOI}}}\n}}"):
        assert line in bib
    studies = (valid_corpus / "claims" / "studies.yaml").read_text(encoding="utf-8")
    assert "  kwan2023prospective:\n" in studies and "    design: TODO\n" in studies
    # kg validate points at the fields to fill in, and nothing else is wrong
    code, out, _ = run(["validate", "--root", str(valid_corpus)])
    assert code == 1
    design_line = studies.splitlines().index("    design: TODO") + 1
    assert f"claims/studies.yaml:{design_line}:13: error KG103" in out
    filled = studies.replace("design: TODO", "design: prospective-cohort")
    (valid_corpus / "claims" / "studies.yaml").write_text(filled, encoding="utf-8")
    code, out, _ = run(["validate", "--root", str(valid_corpus), "--format", "json"])
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["KG606"]


def test_add_study_by_pmid(valid_corpus: Path, recorded: list[str]) -> None:
    code, out, err = run(["add", "study", "--pmid", PMID, "--design", "prospective-cohort",
                          "--root", str(valid_corpus)])
    assert code == 0, err
    assert recorded == [curation.EUTILS + PMID]
    bib = (valid_corpus / "references.bib").read_text(encoding="utf-8")
    assert "  author  = {Kwan, M. L. and Lo, J. C." in bib
    assert "Quesenberry, C. P. and Yao, S.}" in bib
    assert f"  pmid    = {{{PMID}}}" in bib and f"  doi     = {{{DOI}}}," in bib
    assert "journal = {Journal of cancer survivorship : research and practice}" in bib
    studies = (valid_corpus / "claims" / "studies.yaml").read_text(encoding="utf-8")
    assert "    design: prospective-cohort\n    population: TODO\n" in studies


def test_a_work_already_there_is_refused(valid_corpus: Path, recorded: list[str]) -> None:
    assert run(["add", "study", "--doi", DOI, "--root", str(valid_corpus)])[0] == 0
    before = (valid_corpus / "references.bib").read_text(encoding="utf-8")
    code, _, err = run(["add", "study", "--pmid", PMID, "--root", str(valid_corpus)])
    assert code == 2 and "already has DOI" in err
    assert (valid_corpus / "references.bib").read_text(encoding="utf-8") == before


def test_offline_says_so_and_changes_nothing(valid_corpus: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # the real http_get, at an address where nothing listens (no network needed)
    monkeypatch.setattr(curation, "CROSSREF", "http://127.0.0.1:9/works/")
    monkeypatch.setattr(curation, "TIMEOUT", 5.0)
    before = {p: p.read_bytes() for p in valid_corpus.rglob("*") if p.is_file()}
    code, out, err = run(["add", "study", "--doi", DOI, "--root", str(valid_corpus)])
    assert code == 2 and out == ""
    assert err.startswith("kg: error: offline: cannot reach 127.0.0.1:9")
    assert {p: p.read_bytes() for p in valid_corpus.rglob("*") if p.is_file()} == before


def test_add_study_usage(valid_corpus: Path) -> None:
    assert run(["add", "study", "--root", str(valid_corpus)])[0] == 2
    code, _, err = run(["add", "study", "--doi", "nonsense", "--root", str(valid_corpus)])
    assert code == 2 and "is not a DOI" in err


def test_key_is_unique() -> None:
    work = curation.Work("The effect of walking", (("Ó Brien", "A"),), "2020")
    assert curation.bibtex_key(work, set()) == "obrien2020effect"
    assert curation.bibtex_key(work, {"obrien2020effect"}) == "obrien2020effecta"


# -- kg add entity ---------------------------------------------------------------------------


def test_add_entity(valid_corpus: Path) -> None:
    code, out, err = run(["add", "entity", "calcitriol", "--label", "calcitriol",
                          "--role", "mechanism", "--kind", "hormone", "--xref", "CHEBI:17823",
                          "--synonym", "1,25-dihydroxyvitamin D", "--root", str(valid_corpus)])
    assert code == 0, err
    text = (valid_corpus / "claims" / "entities.yaml").read_text(encoding="utf-8")
    assert "  - id: calcitriol\n" in text and '"1,25-dihydroxyvitamin D"' in text
    code, out, _ = run(["validate", "--root", str(valid_corpus), "--format", "json"])
    # only the new entity's own warning: no claim uses it yet
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["KG605"]


def test_add_entity_suggests_prefixes(valid_corpus: Path) -> None:
    before = (valid_corpus / "claims" / "entities.yaml").read_text(encoding="utf-8")
    code, _, err = run(["add", "entity", "x", "--label", "x", "--role", "mechanism",
                        "--kind", "protein", "--xref", "UNIPROTT:P05231",
                        "--root", str(valid_corpus)])
    assert code == 2 and "unknown CURIE prefix 'UNIPROTT'" in err
    assert "prefixes to try: uniprot" in err.lower()
    assert (valid_corpus / "claims" / "entities.yaml").read_text(encoding="utf-8") == before
    code, _, err = run(["add", "entity", "y", "--label", "y", "--role", "mechanism",
                        "--kind", "protein", "--root", str(valid_corpus)])
    assert code == 0 and "try hgnc, uniprot, pr" in err.lower()
    code, _, err = run(["add", "entity", "y", "--label", "y", "--role", "mechanism",
                        "--kind", "protein", "--root", str(valid_corpus)])
    assert code == 2 and "already has an entity 'y'" in err


def test_prefix_suggestions_come_from_the_snapshot() -> None:
    from kg.checks.identifiers import registry

    for kind in curation.KIND_PREFIXES:
        for prefix in curation.prefix_suggestions(kind):
            assert prefix.lower() in registry()["synonyms"], (kind, prefix)
    assert curation.prefix_suggestions(typed="chebii")[0].lower() == "chebi"
