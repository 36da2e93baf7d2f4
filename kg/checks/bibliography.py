"""references.bib: required fields, identifier forms, duplicate DOIs, unused entries.

KG302 missing required field, KG303 malformed DOI, KG304 malformed PMID, KG305 malformed
PMCID, KG306 duplicate DOI, KG307 entry nothing uses (warning).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.corpus.model import Corpus, Reference, Span
from kg.diagnostics import Diagnostic, Severity

REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal",), ("year",)),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year",)),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year",)),
    "techreport": (("author",), ("title",), ("institution",), ("year",)),
    "misc": (("title",), ("year",)),
    "online": (("title",), ("year",)),
}
DEFAULT_REQUIRED: tuple[tuple[str, ...], ...] = (("title",), ("year",))

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
PMCID_RE = re.compile(r"^PMC\d+$")


def _at(ref: Reference, field: str) -> Span:
    return ref.field_spans.get(field, ref.span)


def _err(span: Span, code: str, message: str, hint: str | None = None,
         severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(span.file, span.line, span.column, code, severity, message, hint)


def used_keys(corpus: Corpus) -> set[str]:
    used = set(corpus.studies)
    for claim in corpus.claims.values():
        used.update(claim.article_cites)
        used.update(ev.study for ev in claim.evidence)
    if corpus.article:
        used.update(corpus.article.references)
    return used


def check(corpus: Corpus) -> Iterator[Diagnostic]:
    seen_doi: dict[str, Reference] = {}
    used = used_keys(corpus)
    for ref in corpus.references.values():
        for options in REQUIRED.get(ref.type, DEFAULT_REQUIRED):
            if not any(ref.fields.get(f) for f in options):
                yield _err(ref.span, "KG302", f"@{ref.type} '{ref.key}' lacks required field "
                                              f"'{' or '.join(options)}'",
                           "add it from the published record")
        doi = ref.fields.get("doi")
        if doi is not None:
            if not DOI_RE.match(doi):
                bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
                hint = (f"write the bare DOI '{bare}'" if bare != doi and DOI_RE.match(bare)
                        else "a DOI looks like 10.1234/suffix")
                yield _err(_at(ref, "doi"), "KG303", f"malformed DOI '{doi}'", hint)
            else:
                low = doi.lower()
                if low in seen_doi:
                    first = seen_doi[low]
                    yield _err(_at(ref, "doi"), "KG306",
                               f"DOI {doi} also in '{first.key}' (line {first.span.line})",
                               "merge the two entries into one key")
                else:
                    seen_doi[low] = ref
        pmid = ref.fields.get("pmid")
        if pmid is not None and not PMID_RE.match(pmid):
            digits = re.sub(r"\D", "", pmid)
            yield _err(_at(ref, "pmid"), "KG304", f"malformed PMID '{pmid}'",
                       f"write only the digits: '{digits}'" if digits else
                       "a PMID is a whole number")
        pmcid = ref.fields.get("pmcid")
        if pmcid is not None and not PMCID_RE.match(pmcid):
            digits = re.sub(r"\D", "", pmcid)
            yield _err(_at(ref, "pmcid"), "KG305", f"malformed PMCID '{pmcid}'",
                       f"write it as 'PMC{digits}'" if digits else "a PMCID is PMC + digits")
        if ref.key not in used:
            yield _err(ref.span, "KG307", f"reference '{ref.key}' is never used",
                       "use it as evidence, list it in the article outline, or delete it",
                       Severity.WARNING)
