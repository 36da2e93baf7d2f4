"""Cross-file integrity: every name a claim or study uses must exist.

KG202 unknown entity, KG203 unknown reference key, KG204 evidence study without a study
record, KG205 study record without a BibTeX entry, KG206 unknown claim, KG207 source
paragraph missing from the article outline, KG208 a required file is missing.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from pathlib import Path

from kg.corpus.model import Corpus, Span
from kg.corpus.schema import did_you_mean
from kg.diagnostics import Diagnostic, Severity

REQUIRED_FILES = ("claims/entities.yaml", "claims/studies.yaml")


def _err(span: Span, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(span.file, span.line, span.column, code, Severity.ERROR, message, hint)


def check(corpus: Corpus) -> Iterator[Diagnostic]:
    for _, diag in owned(corpus):
        yield diag


def owned(corpus: Corpus, only: Container[str] | None = None
          ) -> Iterator[tuple[str | None, Diagnostic]]:
    """Each diagnostic with the id of the claim it is about (None: a study, the article or
    a missing file). With ``only``, the claims outside it are skipped (kg.checks.recheck)."""
    root = Path(corpus.root)
    incomplete = set(corpus.incomplete)
    for rel in REQUIRED_FILES:
        if not (root / rel).is_file():
            incomplete.add(Path(rel).stem)
            yield None, _err(Span(rel, 1, 1), "KG208", f"missing file {rel}",
                       "create it; 'kg init' writes a valid empty corpus")
    # Names from a part that failed to load are not reported again as unknown.
    known_entities = _Everything() if "entities" in incomplete else corpus.entities.keys()
    known_studies = _Everything() if "studies" in incomplete else corpus.studies.keys()
    known_refs = _Everything() if "references" in incomplete else corpus.references.keys()
    entities, refs, studies = corpus.entities, corpus.references, corpus.studies
    paragraphs = (
        {(p.section, p.n) for p in corpus.article.paragraphs} if corpus.article else None
    )
    sections = {p.section for p in corpus.article.paragraphs} if corpus.article else set()
    for claim in corpus.claims.values():
        if only is not None and claim.id not in only:
            continue
        cid = claim.id
        for role in ("subject", "object", "outcome"):
            eid = getattr(claim, role)
            if eid is None:
                continue
            if eid not in known_entities and eid not in corpus.invalid:
                yield cid, _err(claim.field_spans.get(role, claim.span), "KG202",
                           f"unknown entity '{eid}' as {role} of claim '{claim.id}'",
                           did_you_mean(eid, entities) or "add it to claims/entities.yaml")
        for key, span in zip(claim.article_cites, claim.cite_spans, strict=False):
            if key not in known_refs and key not in corpus.invalid:
                yield cid, _err(span, "KG203", f"unknown reference key '{key}' in article_cites",
                           did_you_mean(key, refs) or "add the entry to references.bib")
        for key in claim.recommended_by:
            if key not in known_refs and key not in corpus.invalid:
                yield cid, _err(claim.span, "KG203", f"unknown reference key '{key}' in "
                                                f"recommended_by of claim '{claim.id}'",
                           did_you_mean(key, refs) or "add the entry to references.bib")
        for ev in claim.evidence:
            span = ev.study_span or ev.span
            if ev.study not in known_refs and ev.study not in corpus.invalid:
                yield cid, _err(span, "KG203", f"unknown reference key '{ev.study}' in evidence "
                                          f"of claim '{claim.id}'",
                           did_you_mean(ev.study, refs) or "add the entry to references.bib")
            elif (ev.study in refs and ev.study not in known_studies
                  and ev.study not in corpus.invalid):
                yield cid, _err(span, "KG204", f"'{ev.study}' has no record in claims/studies.yaml",
                           "add a study record with design, population and findings")
        if (claim.superseded_by and claim.superseded_by not in corpus.claims
                and claim.superseded_by not in corpus.invalid):
            yield cid, _err(claim.field_spans.get("superseded_by", claim.span), "KG206",
                       f"unknown claim '{claim.superseded_by}' in superseded_by",
                       did_you_mean(claim.superseded_by, corpus.claims))
        for ack in claim.acknowledges:
            if ack.claim not in corpus.claims and ack.claim not in corpus.invalid:
                yield cid, _err(ack.span, "KG206", f"unknown claim '{ack.claim}' in acknowledges",
                           did_you_mean(ack.claim, corpus.claims))
        src = claim.source
        if paragraphs is not None and src is not None:
            if (src.section, src.paragraph) not in paragraphs:
                hint = (did_you_mean(src.section, sections) if src.section not in sections
                        else None)
                yield cid, _err(claim.field_spans.get("source", claim.span), "KG207",
                           f"source paragraph {src.section} {src.paragraph} is not in the "
                           "article outline", hint)
    for study in studies.values():
        if study.key not in known_refs and study.key not in corpus.invalid:
            yield None, _err(study.span, "KG205",
                             f"study '{study.key}' has no entry in references.bib",
                             did_you_mean(study.key, refs)
                             or "add the BibTeX entry, or fix the key")
    if corpus.article:
        for key, span in zip(corpus.article.references, corpus.article.reference_spans,
                             strict=False):
            if key not in known_refs and key not in corpus.invalid:
                yield None, _err(span, "KG203", f"unknown reference key '{key}' in the article's "
                                          "references",
                           did_you_mean(key, refs) or "add the entry to references.bib")


class _Everything:
    """A stand-in set that contains every name."""

    def __contains__(self, item: object) -> bool:
        return True
