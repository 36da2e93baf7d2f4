"""Type rules: a predicate may only link entities of the roles it fits (KG501); a study
that found no effect supports a claim of no effect (KG502).

The allowed roles of each predicate are in kg/corpus/vocabulary.py and docs/format.md.
"""

from __future__ import annotations

from collections.abc import Container, Iterator

from kg.corpus.model import Corpus
from kg.corpus.vocabulary import PREDICATES
from kg.diagnostics import Diagnostic, Severity


def check(corpus: Corpus) -> Iterator[Diagnostic]:
    for _, diag in owned(corpus):
        yield diag


def owned(corpus: Corpus, only: Container[str] | None = None
          ) -> Iterator[tuple[str | None, Diagnostic]]:
    """Each diagnostic with the id of its claim; with ``only``, those claims only."""
    for claim in corpus.claims.values():
        if only is not None and claim.id not in only:
            continue
        pred = PREDICATES[claim.predicate]
        if pred.sign == "0":
            for ev in claim.evidence:
                if ev.stance == "no-effect":
                    yield claim.id, Diagnostic(
                        ev.span.file, ev.span.line, ev.span.column, "KG502",
                        Severity.WARNING,
                        f"a study that found no effect supports claim '{claim.id}', which "
                        f"states no effect ({claim.predicate})",
                        "write 'stance: supports'")
        for position, eid, allowed in (
            ("subject", claim.subject, pred.subject_roles),
            ("object", claim.object, pred.object_roles),
        ):
            entity = corpus.entities.get(eid)
            if entity is None or entity.role in allowed:
                continue
            span = claim.field_spans.get("predicate", claim.span)
            article = "an" if entity.role[0] in "aeiou" else "a"
            yield claim.id, Diagnostic(
                span.file, span.line, span.column, "KG501", Severity.ERROR,
                f"'{pred.name}' cannot have {article} {entity.role} as {position} "
                f"('{eid}' in claim '{claim.id}')",
                f"'{pred.name}' takes {' or '.join(allowed)} as {position}",
            )
