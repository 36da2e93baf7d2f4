"""Incremental checks (issue 16): after an edit, re-check only what the edit can affect.

:func:`check_all` runs every check of kg.checks.validator over a corpus and keeps each check's
diagnostics by the claim they are reported at. :func:`recheck` takes that result, the
corpus after an edit and the files the edit changed, and runs the per-claim checks
(integrity, types, consistency: kg.checks.*.owned) only for the claims the edit can
affect; the other checks (bibliography, studies, identifiers, orphans, the article), which
are cheap, run in full. The result equals :func:`check_all` on the new corpus
(tests/test_recheck.py compares them over random edit sequences).

Which claims an edit can affect (:func:`affected`):

- the claims of the changed files, before and after, the claims that acknowledge them or
  that they acknowledge, and the claims whose evidence cites a study of a changed file;
- the *seed* entities: the subjects and objects of those claims and the entities of the
  changed files;
- every claim whose subject or object is a seed (KG601 and KG607 compare claims on one
  pair), whose subject reaches a seed and whose object is reached from one within three
  causal links (a KG602 chain of at most four links through a changed link or entity),
  and whose subject is reached from a seed or whose object reaches one within three
  links (a KG603 dependent chain, or a KG604 cycle, through it); links of the old and the
  new corpus both count.

Integrity also depends on which names exist: when the set of entity, claim, study or
reference names (or the article's paragraphs, or what failed to load) changes, it runs
for every claim.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field

from kg.checks import bibliography, consistency, identifiers, integrity, studies, types
from kg.corpus.model import Claim, Corpus
from kg.corpus.vocabulary import PREDICATES
from kg.diagnostics import Diagnostic, sort_diagnostics

Owned = Callable[[Corpus, Container[str] | None], Iterator[tuple[str | None, Diagnostic]]]

#: the checks whose diagnostics belong to claims, and the others (always run in full)
OWNED: tuple[Owned, ...] = (integrity.owned, types.owned, consistency.owned)
WHOLE = (bibliography.check, studies.check, identifiers.check)
#: causal links a chain may cross: at most four links make a chain (kg.checks.consistency)
REACH = consistency.MAX_HOPS - 1


@dataclass(slots=True)
class Checked:
    """A corpus with its check results, kept so that an edit re-checks only what it can
    affect."""

    corpus: Corpus
    #: per OWNED check: claim id -> its diagnostics
    by_claim: list[dict[str, list[Diagnostic]]] = field(default_factory=list)
    #: diagnostics that belong to no claim (OWNED checks' others, then the WHOLE checks)
    rest: list[Diagnostic] = field(default_factory=list)

    def diagnostics(self) -> list[Diagnostic]:
        """Every check's diagnostics, sorted (as kg.checks.validator's checks give them)."""
        found = list(self.rest)
        for table in self.by_claim:
            for diags in table.values():
                found.extend(diags)
        return sort_diagnostics(found)


def _split(found: Iterable[tuple[str | None, Diagnostic]], table: dict[str, list[Diagnostic]],
           rest: list[Diagnostic]) -> None:
    for owner, diag in found:
        if owner is None:
            rest.append(diag)
        else:
            table.setdefault(owner, []).append(diag)


def check_all(corpus: Corpus) -> Checked:
    """Every check over ``corpus``."""
    out = Checked(corpus)
    for check in OWNED:
        table: dict[str, list[Diagnostic]] = {}
        _split(check(corpus, None), table, out.rest)
        out.by_claim.append(table)
    for whole in WHOLE:
        out.rest.extend(whole(corpus))
    return out


def _names(corpus: Corpus) -> tuple[object, ...]:
    """What integrity's result for one claim depends on besides the claim itself."""
    paragraphs = (frozenset((p.section, p.n) for p in corpus.article.paragraphs)
                  if corpus.article else None)
    return (frozenset(corpus.entities), frozenset(corpus.claims), frozenset(corpus.studies),
            frozenset(corpus.references), frozenset(corpus.invalid),
            frozenset(corpus.incomplete), paragraphs)


def _in_files(records: Iterable[Claim], files: Container[str]) -> list[Claim]:
    return [c for c in records if c.span.file in files]


def _reach(seeds: set[str], index: dict[str, set[str]], depth: int) -> set[str]:
    found = set(seeds)
    frontier = set(seeds)
    for _ in range(depth):
        frontier = {w for here in frontier for w in index.get(here, ())} - found
        if not frontier:
            break
        found |= frontier
    return found


def affected(old: Corpus, new: Corpus, changed: Container[str]) -> set[str]:
    """The ids of the claims of ``new`` whose per-claim check results the edit of the files
    ``changed`` (relative paths) can change (see the module docstring)."""
    touched = _in_files(old.claims.values(), changed) + _in_files(new.claims.values(), changed)
    studies_changed = ({k for k, s in old.studies.items() if s.span.file in changed}
                       | {k for k, s in new.studies.items() if s.span.file in changed})
    seeds = ({e for e, ent in old.entities.items() if ent.span.file in changed}
             | {e for e, ent in new.entities.items() if ent.span.file in changed})
    ids = {c.id for c in touched}
    for corpus in (old, new):
        for c in corpus.claims.values():
            if (any(ev.study in studies_changed for ev in c.evidence)
                    or any(a.claim in ids for a in c.acknowledges)):
                touched.append(c)
    for c in touched:
        ids.add(c.id)
        ids.update(a.claim for a in c.acknowledges)
        seeds.update(e for e in (c.subject, c.object, c.outcome) if e)
    out_index: dict[str, set[str]] = {}
    in_index: dict[str, set[str]] = {}
    for corpus in (old, new):
        for c in corpus.claims.values():
            pred = PREDICATES.get(c.predicate)
            if pred is not None and pred.causal and pred.sign in ("+", "-"):
                out_index.setdefault(c.subject, set()).add(c.object)
                in_index.setdefault(c.object, set()).add(c.subject)
    after = _reach(seeds, out_index, REACH)  # reached from a seed
    before = _reach(seeds, in_index, REACH)  # reaching a seed
    for c in new.claims.values():
        s, o = c.subject, c.object
        if (s in seeds or o in seeds or s in after or o in before
                or (s in before and o in after)):
            ids.add(c.id)
    return ids & new.claims.keys()


def recheck(old: Checked, corpus: Corpus, changed: Container[str]) -> Checked:
    """The checks of ``corpus``, which differs from ``old.corpus`` in the files ``changed``:
    equal to ``check_all(corpus)``, re-checking only the claims the edit can affect."""
    only = affected(old.corpus, corpus, changed)
    names_same = _names(old.corpus) == _names(corpus)
    out = Checked(corpus)
    for i, check in enumerate(OWNED):
        table: dict[str, list[Diagnostic]] = {}
        scope: set[str] | None = only
        if check is integrity.owned and not names_same:
            scope = None
        _split(check(corpus, scope), table, out.rest)
        if scope is not None:
            for cid, diags in old.by_claim[i].items():
                if cid not in scope and cid in corpus.claims:
                    table[cid] = diags
        out.by_claim.append(table)
    for whole in WHOLE:
        out.rest.extend(whole(corpus))
    return out
