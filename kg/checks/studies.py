"""Study records a reader can trust and rate: KG309 a study's reference has neither DOI nor
PMID; KG310 the record does not say where it was verified; KG311 a meta-analysis or
systematic review does not record what it pooled (its rating then starts low)."""

from __future__ import annotations

from collections.abc import Iterator

from kg.corpus.model import Corpus
from kg.corpus.schema import POOLING_DESIGNS
from kg.diagnostics import Diagnostic, Severity


def check(corpus: Corpus) -> Iterator[Diagnostic]:
    for study in corpus.studies.values():
        ref = corpus.references.get(study.key)
        if ref is not None and not (ref.doi or ref.pmid):
            yield Diagnostic(ref.span.file, ref.span.line, ref.span.column, "KG309",
                             Severity.ERROR,
                             f"study '{study.key}' has neither a DOI nor a PMID",
                             "add the doi or pmid field, read from the publisher's page or "
                             "PubMed")
        span = study.span
        if study.verified is None:
            yield Diagnostic(span.file, span.line, span.column, "KG310", Severity.WARNING,
                             f"study '{study.key}' does not record where it was verified",
                             "add 'verified:' naming the source read (PubMed record, PMC, "
                             "publisher's page) and what was read there")
        if study.design in POOLING_DESIGNS and study.pooled is None:
            yield Diagnostic(span.file, span.line, span.column, "KG311", Severity.WARNING,
                             f"{study.design} '{study.key}' does not record what it pooled",
                             "add 'pooled: {designs: [rct], studies: N}' from its methods "
                             "or abstract")
