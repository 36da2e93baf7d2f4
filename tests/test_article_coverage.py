"""The real corpus covers the article: every paragraph that states a fact has a claim.

claims/article.yaml lists the article's paragraphs by section and number, each with a
kind; the purely rhetorical ones are named as such there (kind ``rhetorical``), and pull
quotes that restate a neighbouring paragraph are ``heading-quote``. Every ``prose``,
``list`` and ``table`` paragraph must have at least one claim sourced to it, and every
paragraph must really be in the article, in order.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPORT

from kg.corpus.load import load_corpus
from kg.corpus.model import Corpus

REPO = Path(__file__).parent.parent
ARTICLE = REPO.parent / "shared" / "source" / "article.txt"
FACTUAL = ("prose", "list", "table")
SECTION_HEADINGS = {"fundamentals": "Fundamentals", "intermediate": "Intermediate",
                    "academic": "Academic", "reflection": "Reflection"}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    loaded, _ = load_corpus(REPO)
    assert loaded.article is not None, "the real corpus has no claims/article.yaml"
    return loaded


def claims_by_paragraph(corpus: Corpus) -> dict[tuple[str, int], list[str]]:
    """Each paragraph of the outline, mapped to the ids of the claims sourced to it."""
    assert corpus.article is not None
    mapping: dict[tuple[str, int], list[str]] = {
        (p.section, p.n): [] for p in corpus.article.paragraphs
    }
    for claim in corpus.claims.values():
        if not claim.from_article or claim.source is None:  # a curator's claim
            continue
        mapping.setdefault((claim.source.section, claim.source.paragraph), []).append(claim.id)
    return mapping


def test_every_factual_paragraph_has_a_claim(corpus: Corpus) -> None:
    assert corpus.article is not None
    mapping = claims_by_paragraph(corpus)
    bare = [f"{p.section} ¶{p.n} ({p.kind}: {p.incipit})" for p in corpus.article.paragraphs
            if p.kind in FACTUAL and not mapping[(p.section, p.n)]]
    assert bare == [], "paragraphs stating facts without a claim"


def test_the_outline_covers_all_three_sections(corpus: Corpus) -> None:
    assert corpus.article is not None
    sections = {p.section for p in corpus.article.paragraphs if p.kind in FACTUAL}
    assert {"fundamentals", "intermediate", "academic"} <= sections
    rhetorical = [(p.section, p.n) for p in corpus.article.paragraphs
                  if p.kind == "rhetorical"]
    assert rhetorical, "the rhetorical paragraphs are named in the outline"


def test_every_paragraph_is_in_the_article_in_order(corpus: Corpus) -> None:
    if not ARTICLE.is_file():
        if os.environ.get("CI"):  # CI lays shared/ beside the clone: its absence is a fault
            pytest.fail(f"the article is not at {ARTICLE}")
        pytest.skip(f"the article is not at {ARTICLE} (a clone without shared/ beside it)")
    assert corpus.article is not None
    text = ARTICLE.read_text(encoding="utf-8")
    lines = [line.strip().lstrip("•").strip() for line in text.splitlines()]
    starts = {name: lines.index(heading) for name, heading in SECTION_HEADINGS.items()
              if heading in lines}
    position: dict[str, int] = {}
    for p in corpus.article.paragraphs:
        begin = position.get(p.section, starts[p.section])
        found = next((i for i in range(begin + 1, len(lines))
                      if lines[i].startswith(p.incipit)), None)
        assert found is not None, f"{p.section} ¶{p.n}: '{p.incipit}' not found after line "\
                                  f"{begin + 1}"
        later = [s for s in starts.values() if s > starts[p.section]]
        assert not later or found < min(later), f"{p.section} ¶{p.n} is in another section"
        position[p.section] = found


#: The share of the article's claims that must carry an evidence line from a verified study
#: (issue "Evidence depth"); the run's summary prints the figure.
EVIDENCE_FLOOR = 0.75


def test_most_article_claims_carry_evidence_from_a_verified_study(
        corpus: Corpus, request: pytest.FixtureRequest) -> None:
    stating = [c for c in corpus.claims.values()
               if c.from_article and c.kind != "question" and not c.superseded_by]
    verified = {k for k, s in corpus.studies.items() if s.verified}
    covered = [c for c in stating if any(ev.study in verified for ev in c.evidence)]
    share = len(covered) / len(stating)
    request.config.stash[REPORT].append(
        f"evidence coverage: {len(covered)} of {len(stating)} article claims ({share:.1%}) "
        "carry an evidence line from a verified study")
    assert share >= EVIDENCE_FLOOR, f"{share:.1%} is under {EVIDENCE_FLOOR:.0%}"


def test_every_study_is_verified_and_identified(corpus: Corpus) -> None:
    unverified = sorted(k for k, s in corpus.studies.items() if not s.verified)
    assert unverified == []
    unidentified = sorted(k for k in corpus.studies if k in corpus.references
                          and not (corpus.references[k].doi or corpus.references[k].pmid))
    assert unidentified == []
