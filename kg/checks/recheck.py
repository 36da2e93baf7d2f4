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

import hashlib
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field

from kg.checks import bibliography, consistency, identifiers, integrity, studies, types
from kg.corpus.model import Corpus
from kg.corpus.vocabulary import PREDICATES
from kg.diagnostics import Diagnostic, sort_diagnostics
from kg.progress import Progress, silent

Owned = Callable[[Corpus, Container[str] | None], Iterator[tuple[str | None, Diagnostic]]]

#: the checks whose diagnostics belong to claims, and the others (always run in full)
OWNED: tuple[Owned, ...] = (integrity.owned, types.owned, consistency.owned)
WHOLE = (bibliography.check, studies.check, identifiers.check)
#: causal links a chain may cross: at most four links make a chain (kg.checks.consistency)
REACH = consistency.MAX_HOPS - 1


#: What :func:`affected` needs of one claim: (file, subject, object, outcome, predicate,
#: the claims it acknowledges, the studies its evidence cites).
ClaimOutline = tuple[str, str, str, str | None, str, tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Outline:
    """What an edit's reach (:func:`affected`) needs to know of a corpus: data only, so
    that it can be kept on disk between runs (kg.checks.state)."""

    #: claim id -> its outline
    claims: dict[str, ClaimOutline]
    #: study key -> its file; entity id -> its file
    studies: dict[str, str]
    entities: dict[str, str]
    #: a digest of what integrity's result for one claim depends on besides the claim
    names: str


def outline(corpus: Corpus) -> Outline:
    """The outline of ``corpus``."""
    claims: dict[str, ClaimOutline] = {
        cid: (c.span.file, c.subject, c.object, c.outcome, c.predicate,
              tuple(a.claim for a in c.acknowledges), tuple(ev.study for ev in c.evidence))
        for cid, c in corpus.claims.items()}
    return Outline(claims, {k: s.span.file for k, s in corpus.studies.items()},
                   {e: ent.span.file for e, ent in corpus.entities.items()}, _names(corpus))


@dataclass(slots=True)
class Checked:
    """A corpus's check results with its outline, kept so that an edit re-checks only what
    it can affect."""

    outline: Outline
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


def _whole(corpus: Corpus, out: Checked, progress: Progress) -> Checked:
    """``out`` with the checks that look at the whole corpus run (never narrowed)."""
    steps = len(OWNED) + len(WHOLE)
    for j, whole in enumerate(WHOLE):
        out.rest.extend(whole(corpus))
        progress("checking", len(OWNED) + j + 1, steps)
    return out


def check_all(corpus: Corpus, progress: Progress = silent) -> Checked:
    """Every check over ``corpus``."""
    out = Checked(outline(corpus))
    steps = len(OWNED) + len(WHOLE)
    for i, check in enumerate(OWNED):
        table: dict[str, list[Diagnostic]] = {}
        _split(check(corpus, None), table, out.rest)
        out.by_claim.append(table)
        progress("checking", i + 1, steps)
    return _whole(corpus, out, progress)


def _names(corpus: Corpus) -> str:
    """A digest of what integrity's result for one claim depends on besides the claim itself:
    the names of entities, claims, studies and references, what failed to load, and the
    article's paragraphs."""
    h = hashlib.sha256()
    groups: list[Iterable[str]] = [
        corpus.entities, corpus.claims, corpus.studies, corpus.references, corpus.invalid,
        corpus.incomplete,
        ["none"] if corpus.article is None
        else (f"{p.section}\x00{p.n}" for p in corpus.article.paragraphs)]
    for names in groups:
        for name in sorted(set(names)):
            h.update(name.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        h.update(b"\x01")
    return h.hexdigest()


def _reach(seeds: set[str], index: dict[str, set[str]], depth: int) -> set[str]:
    found = set(seeds)
    frontier = set(seeds)
    for _ in range(depth):
        frontier = {w for here in frontier for w in index.get(here, ())} - found
        if not frontier:
            break
        found |= frontier
    return found


def affected(old: Corpus | Outline, new: Corpus | Outline, changed: Container[str]) -> set[str]:
    """The ids of the claims of ``new`` whose per-claim check results the edit of the files
    ``changed`` (relative paths) can change (see the module docstring)."""
    before_edit = old if isinstance(old, Outline) else outline(old)
    after_edit = new if isinstance(new, Outline) else outline(new)
    both = (before_edit, after_edit)
    touched = [(cid, c) for o in both for cid, c in o.claims.items() if c[0] in changed]
    studies_changed = {k for o in both for k, f in o.studies.items() if f in changed}
    seeds = {e for o in both for e, f in o.entities.items() if f in changed}
    ids = {cid for cid, _ in touched}
    for o in both:
        for cid, c in o.claims.items():
            if (any(study in studies_changed for study in c[6])
                    or any(other in ids for other in c[5])):
                touched.append((cid, c))
    for cid, c in touched:
        ids.add(cid)
        ids.update(c[5])
        seeds.update(e for e in (c[1], c[2], c[3]) if e)
    out_index: dict[str, set[str]] = {}
    in_index: dict[str, set[str]] = {}
    for o in both:
        for c in o.claims.values():
            pred = PREDICATES.get(c[4])
            if pred is not None and pred.causal and pred.sign in ("+", "-"):
                out_index.setdefault(c[1], set()).add(c[2])
                in_index.setdefault(c[2], set()).add(c[1])
    after = _reach(seeds, out_index, REACH)  # reached from a seed
    before = _reach(seeds, in_index, REACH)  # reaching a seed
    for cid, c in after_edit.claims.items():
        s, o_ = c[1], c[2]
        if (s in seeds or o_ in seeds or s in after or o_ in before
                or (s in before and o_ in after)):
            ids.add(cid)
    return ids & after_edit.claims.keys()


def recheck(old: Checked, corpus: Corpus, changed: Container[str],
            progress: Progress = silent) -> Checked:
    """The checks of ``corpus``, which differs from the corpus ``old`` was made from in the
    files ``changed``: equal to ``check_all(corpus)``, re-checking only the claims the edit
    can affect."""
    out = Checked(outline(corpus))
    only = affected(old.outline, out.outline, changed)
    names_same = old.outline.names == out.outline.names
    steps = len(OWNED) + len(WHOLE)
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
        progress("checking", i + 1, steps)
    return _whole(corpus, out, progress)
