"""The article audit: the article's claims against their evidence, for its author or editor.

``audit(corpus)`` builds an :class:`Audit`; ``render_text``, ``render_markdown`` and
``render_json`` turn it into a string. Nothing here prints or writes, except
``write_atomic``, which `kg audit -o FILE` uses.

Findings (one per claim and category, for claims the article states; superseded claims
and the curator's own claims are left out), most serious first:

contradicted
    the article states the claim as fact (certainty ``asserted``) and at least one study in
    the graph found no effect (``no-effect``) or the opposite (``contradicts``).
miscited
    a reference the article gives for the claim has an evidence line that does not
    support it (docs/evidence.md, citation state).
overreaching
    stated as fact, not contradicted, with evidence whose rating is only ``low``,
    ``very-low`` or ``none`` (docs/evidence.md).
unverifiable
    a reference the article gives for the claim has no evidence line on it: the relevant
    result could not be checked.
uncited
    the article gives no reference for a claim that states something (not a question); the
    finding gives the graph's own status and rating.
citation errors
    each ``citation_issues`` entry of a study: the field, what the article prints and the
    true value.

The summary counts each category and gives the share of the article's claims that rest
on supporting evidence (at least one ``supports`` line).

The JSON shape (``render_json``) is documented in docs/cli.md ("kg audit") and checked
by tests/test_json_shapes.py.

Findings are grouped by category, most serious first (the order above), and within one in
article order: by section (the outline's order, else first use), then paragraph, then claim
id. ``audit(corpus, only)`` keeps only the named categories (``citation-errors`` names the
citation errors); the summary still counts them all.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.corpus.model import Claim, Corpus, SourceLocator
from kg.evidence import RATINGS, STATUSES, Assessment, assess, cite_state

CATEGORIES = ("contradicted", "miscited", "overreaching", "unverifiable", "uncited")
#: what ``kg audit --only`` accepts
ONLY_CHOICES = (*CATEGORIES, "citation-errors")
#: one sentence on each category, for the renderers
MEANINGS = {
    "contradicted": "stated as fact, but a study in the graph found no effect or the opposite",
    "miscited": "a reference the article gives has evidence that does not support the claim",
    "overreaching": "stated as fact on evidence rated only low, very low or none",
    "unverifiable": "a reference the article gives could not be checked for this claim",
    "uncited": "the article gives no reference",
}
#: ratings too low, alone, to carry a claim stated as fact
LOW_RATINGS = ("low", "very-low", "none")


@dataclass(frozen=True, slots=True)
class Finding:
    category: str
    claim: str
    statement: str
    certainty: str
    kind: str
    section: str
    section_title: str
    paragraph: int
    locator: str
    status: str
    rating: str
    reason: str
    studies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CitationError:
    study: str
    citation: str
    field: str
    cited: str
    actual: str
    note: str | None
    cited_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    claims: int
    supported: int
    counts: dict[str, int]
    citation_errors: int
    statuses: dict[str, int]
    ratings: dict[str, int]

    @property
    def supported_share(self) -> float:
        return self.supported / self.claims if self.claims else 0.0


@dataclass(frozen=True, slots=True)
class Audit:
    title: str | None
    findings: tuple[Finding, ...]
    citation_errors: tuple[CitationError, ...]
    summary: Summary


def _cite(corpus: Corpus, key: str) -> str:
    ref = corpus.references.get(key)
    return ref.short_citation() if ref else key


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _contradicted(claim: Claim) -> str | None:
    if claim.certainty != "asserted":
        return None
    against = [ev for ev in claim.evidence if ev.stance in ("no-effect", "contradicts")]
    if not against:
        return None
    lines = "; ".join(f"{ev.study} ({ev.stance}): {_one_line(ev.finding)}" for ev in against)
    backing = [ev.study for ev in claim.evidence if ev.stance == "supports"]
    also = f" Supporting: {', '.join(backing)}." if backing else ""
    return f"stated as fact, but studies found no effect or the opposite. {lines}{also}"


def _overreaching(claim: Claim, a: Assessment) -> str | None:
    if claim.certainty != "asserted" or not claim.evidence or a.rating not in LOW_RATINGS:
        return None
    return f"stated as fact on evidence rated {a.rating}: {'; '.join(a.reasons)}"


def _uncited(claim: Claim, a: Assessment) -> str | None:
    if claim.article_cites or claim.kind == "question":
        return None
    if a.status == "no-evidence":
        return "the article gives no reference, and the graph has no evidence either"
    return (f"the article gives no reference; the graph's evidence is {a.status}, rated "
            f"{a.rating}")


def _citation_findings(corpus: Corpus, claim: Claim) -> list[tuple[str, str, str]]:
    """(category, study key, reason) for each reference the article gives that fails."""
    out = []
    for key in claim.article_cites:
        state = cite_state(claim, key)
        who = _cite(corpus, key)
        if state == "miscited":
            lines = [ev for ev in claim.evidence if ev.study == key]
            stances = "/".join(sorted({ev.stance for ev in lines}))
            findings = "; ".join(_one_line(ev.finding) for ev in lines)
            out.append(("miscited", key, f"the article cites {who}, whose evidence is "
                                         f"{stances}: {findings}"))
        elif state == "unverifiable":
            out.append(("unverifiable", key, f"the article cites {who}, but the relevant "
                                             "result could not be checked: no evidence line "
                                             "from it bears on this claim"))
    return out


def _section_order(corpus: Corpus, claims: list[Claim]) -> dict[str, int]:
    order: dict[str, int] = {}
    if corpus.article:
        for p in corpus.article.paragraphs:
            order.setdefault(p.section, len(order))
    for c in claims:
        if c.source is not None:
            order.setdefault(c.source.section, len(order))
    return order


def audited(corpus: Corpus) -> list[Claim]:
    """The claims the audit covers: the article's own, not superseded."""
    return [c for c in corpus.claims.values()
            if not c.superseded_by and c.from_article and c.source is not None]


def audit(corpus: Corpus, only: tuple[str, ...] = ()) -> Audit:
    """Audit the article's claims against their evidence; ``only``: keep these categories."""
    claims = audited(corpus)
    titles = corpus.article.section_titles if corpus.article else {}
    findings: list[Finding] = []
    statuses: Counter[str] = Counter()
    ratings: Counter[str] = Counter()
    supported = 0
    for claim in claims:
        a = assess(claim, corpus.studies)
        statuses[a.status] += 1
        ratings[a.rating] += 1
        supported += a.rating != "none"
        src = claim.source
        assert src is not None  # audited() keeps only claims with a source

        def add(category: str, reason: str, studies: tuple[str, ...] = (),
                claim: Claim = claim, a: Assessment = a, src: SourceLocator = src) -> None:
            findings.append(Finding(
                category, claim.id, claim.statement, claim.certainty, claim.kind,
                src.section, titles.get(src.section, src.section), src.paragraph, str(src),
                a.status, a.rating, reason, studies))

        reason = _contradicted(claim)
        if reason:
            add("contradicted", reason,
                tuple(dict.fromkeys(ev.study for ev in claim.evidence)))
        else:
            reason = _overreaching(claim, a)
            if reason:
                add("overreaching", reason,
                    tuple(dict.fromkeys(ev.study for ev in claim.evidence)))
        for category, key, why in _citation_findings(corpus, claim):
            add(category, why, (key,))
        reason = _uncited(claim, a)
        if reason:
            add("uncited", reason)
    order = _section_order(corpus, claims)
    findings.sort(key=lambda f: (CATEGORIES.index(f.category),
                                 order.get(f.section, len(order)), f.section, f.paragraph,
                                 f.claim))
    cited_by: dict[str, list[str]] = {}
    for claim in claims:
        for key in claim.article_cites:
            cited_by.setdefault(key, []).append(claim.id)
    errors = tuple(
        CitationError(study.key, _cite(corpus, study.key), issue.field, issue.cited,
                      issue.actual, issue.note, tuple(cited_by.get(study.key, ())))
        for study in sorted(corpus.studies.values(), key=lambda s: s.key)
        for issue in study.citation_issues
    )
    count = Counter(f.category for f in findings)
    summary = Summary(len(claims), supported, {c: count[c] for c in CATEGORIES}, len(errors),
                      {s: statuses[s] for s in STATUSES if statuses[s]},
                      {r: ratings[r] for r in RATINGS if ratings[r]})
    if only:
        findings = [f for f in findings if f.category in only]
        if "citation-errors" not in only:
            errors = ()
    return Audit(corpus.article.title if corpus.article else None, tuple(findings), errors,
                 summary)


# -- renderers ---------------------------------------------------------------------------------


def _share(s: Summary) -> str:
    return f"{s.supported} of {s.claims} claims ({s.supported_share:.0%})"


def _summary_line(s: Summary) -> str:
    counts = ", ".join(f"{s.counts[c]} {c}" for c in CATEGORIES)
    return (f"{counts}; {s.citation_errors} citation errors; {_share(s)} rest on supporting "
            "evidence")


def _by_category(a: Audit) -> list[tuple[str, list[Finding]]]:
    out: list[tuple[str, list[Finding]]] = []
    for f in a.findings:
        if not out or out[-1][0] != f.category:
            out.append((f.category, []))
        out[-1][1].append(f)
    return out


def render_text(a: Audit, width: int | None = None) -> str:
    """The audit for a terminal; long lines are wrapped to ``width`` columns when given
    (the CLI passes COLUMNS, or the terminal's width; piped output is not wrapped)."""

    def wrap(text: str, indent: int, first: str | None = None) -> list[str]:
        lead = " " * indent if first is None else first
        if width is None:
            return [lead + " ".join(text.split())]
        return textwrap.wrap(" ".join(text.split()), width=max(width, indent + 20),
                             initial_indent=lead, subsequent_indent=" " * indent,
                             break_on_hyphens=False, break_long_words=False) or [lead]

    lines = [f"Audit: {a.title or '(untitled article)'}", *wrap(_summary_line(a.summary), 0),
             ""]
    for category, findings in _by_category(a):
        lines += wrap(f"{category.upper()} ({len(findings)}): {MEANINGS[category]}", 2,
                      first="")
        for f in findings:
            lines += wrap(f"{f.claim} ({f.locator}; {f.status}, rated {f.rating})", 6,
                          first="  ")
            lines += wrap(f.statement, 6)
            lines += wrap(f.reason, 6)
        lines.append("")
    if a.citation_errors:
        lines.append(f"CITATION ERRORS ({len(a.citation_errors)})")
        for e in a.citation_errors:
            lines += wrap(f"{e.study} ({e.citation}): {e.field} cited as {e.cited!r}, "
                          f"actually {e.actual!r}", 4, first="  ")
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(a: Audit) -> str:
    s = a.summary
    out = [
        f"# Article audit: {a.title or '(untitled article)'}",
        "",
        "Generated by `kg audit --format markdown`; do not edit by hand. Each finding names",
        "a claim of the corpus (`kg show CLAIM` gives its evidence and the reasons for its",
        "rating). Rules: `kg/questions/audit.py`, `docs/evidence.md`.",
        "",
        "## Summary",
        "",
        "| category | meaning | count |",
        "|---|---|---:|",
        f"| claims audited | the article's own claims | {s.claims} |",
        *(f"| {c} | {MEANINGS[c]} | {s.counts[c]} |" for c in CATEGORIES),
        f"| citation errors | a reference printed wrongly | {s.citation_errors} |",
        "",
        f"{_share(s)} rest on supporting evidence. Evidence status: "
        + ", ".join(f"{k} {v}" for k, v in s.statuses.items()) + ". Rating: "
        + ", ".join(f"{k} {v}" for k, v in s.ratings.items()) + ".",
    ]
    for category, findings in _by_category(a):
        out += ["", f"## {category.capitalize()} ({len(findings)})", "",
                f"{MEANINGS[category].capitalize()}.", ""]
        for f in findings:
            out.append(f"- `{f.claim}` ({f.locator}; {f.certainty or f.kind}; evidence "
                       f"{f.status}, rated {f.rating}): {_md(f.statement)}  ")
            out.append(f"  {_md(f.reason)}")
    out += ["", "## Citation errors", ""]
    if a.citation_errors:
        out += ["| study | field | the article has | correct | note |", "|---|---|---|---|---|"]
        for e in a.citation_errors:
            out.append(f"| {_md(e.citation)} (`{e.study}`) | {e.field} | {_md(e.cited)} | "
                       f"{_md(e.actual)} | {_md(e.note or '')} |")
    else:
        out.append("None recorded.")
    return "\n".join(out) + "\n"


def to_dict(a: Audit) -> dict[str, object]:
    s = a.summary
    return {
        "article": {"title": a.title},
        "summary": {
            "claims": s.claims, "supported": s.supported,
            "supported_share": round(s.supported_share, 4), **s.counts,
            "citation_errors": s.citation_errors, "statuses": s.statuses,
            "ratings": s.ratings,
        },
        "findings": [{**asdict(f), "studies": list(f.studies)} for f in a.findings],
        "citation_errors": [{**asdict(e), "cited_by": list(e.cited_by)}
                            for e in a.citation_errors],
    }


def render_json(a: Audit) -> str:
    return json.dumps(to_dict(a), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str, root: Path | None = None, *,
                 follow_symlinks: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that the
    file is never half-written (kg.output: special files, symlinks unless followed, and
    corpus inputs are refused). Raises KgError when it cannot be written."""
    from kg.output import write_atomic as write

    write(path, text.encode("utf-8"), root, follow_symlinks=follow_symlinks,
          make_parents=False)
