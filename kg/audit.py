"""The article audit: the article's claims against their evidence, for its author or editor.

``audit(corpus)`` builds an :class:`Audit`; ``render_text``, ``render_markdown`` and
``render_json`` turn it into a string. Nothing here prints or writes, except
``write_atomic``, which `kg audit -o FILE` uses.

Findings (one per claim and category; superseded claims are left out):

overstated
    the article states the claim as fact (certainty ``asserted``) but its evidence is
    ``mixed``, ``contested`` or ``unsupported`` (docs/evidence.md), or supports it only at a
    weak level (``review`` or ``mechanistic``).
uncited
    a factual claim (any certainty but ``open-question``) for which the article gives no
    reference; the finding says whether the graph has evidence for it anyway (its status).
misattributed
    the article cites a study for the claim, but no evidence line from that study
    ``supports`` it; the finding says what the study's line shows instead, if any.
citation errors
    each ``citation_issues`` entry of a study: the field, what the article prints and the
    true value.

The summary counts each category and gives the share of the article's claims that rest
on supporting evidence (at least one ``supports`` line).

JSON shape (``render_json``)::

    {"article": {"title": str | null},
     "summary": {"claims": int, "supported": int, "supported_share": float,
                 "overstated": int, "uncited": int, "misattributed": int,
                 "citation_errors": int, "statuses": {status: int}},
     "findings": [{"category": str, "claim": str, "statement": str, "certainty": str,
                   "section": str, "section_title": str, "paragraph": int,
                   "locator": str, "status": str, "level": str | null,
                   "reason": str, "studies": [str]}],
     "citation_errors": [{"study": str, "citation": str, "field": str, "cited": str,
                          "actual": str, "note": str | null, "cited_by": [str]}]}

Findings are in article order: by section (the outline's order, else first use), then
paragraph, then category (overstated, uncited, misattributed), then claim id.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.errors import KgError
from kg.evidence import WEAK_LEVELS, assess
from kg.model import Claim, Corpus, Study

CATEGORIES = ("overstated", "uncited", "misattributed")
WEAK_STATUSES = ("mixed", "contested", "unsupported")


@dataclass(frozen=True, slots=True)
class Finding:
    category: str
    claim: str
    statement: str
    certainty: str
    section: str
    section_title: str
    paragraph: int
    locator: str
    status: str
    level: str | None
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
    overstated: int
    uncited: int
    misattributed: int
    citation_errors: int
    statuses: dict[str, int]

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


def _stances(claim: Claim, key: str) -> list[str]:
    return [ev.stance for ev in claim.evidence if ev.study == key]


def _overstated(claim: Claim, status: str, level: str | None,
                studies: dict[str, Study]) -> str | None:
    if claim.certainty != "asserted":
        return None
    if status in WEAK_STATUSES:
        lead = {"mixed": "the evidence is mixed",
                "contested": "evidence contradicts it",
                "unsupported": "the studies found no effect"}[status]
        lines = "; ".join(f"{ev.study} ({ev.stance}): {' '.join(ev.finding.split())}"
                          for ev in claim.evidence if ev.stance != "supports")
        backing = [ev.study for ev in claim.evidence if ev.stance == "supports"]
        also = f" Supporting: {', '.join(backing)}." if backing else ""
        return f"stated as fact, but {lead}. {lines}{also}"
    if level in WEAK_LEVELS:
        designs = sorted({studies[ev.study].design for ev in claim.evidence
                          if ev.stance == "supports" and ev.study in studies})
        return (f"stated as fact, but supported only at the {level} level "
                f"({', '.join(designs)})")
    return None


def _uncited(claim: Claim, status: str, level: str | None) -> str | None:
    if claim.article_cites or claim.certainty == "open-question":
        return None
    if status == "uncited":
        return "the article gives no reference, and the graph has no evidence either"
    at = f" at the {level} level" if level else ""
    return f"the article gives no reference; the graph's evidence is {status}{at}"


def _misattributed(corpus: Corpus, claim: Claim) -> list[tuple[str, str]]:
    out = []
    for key in claim.article_cites:
        stances = _stances(claim, key)
        if "supports" in stances:
            continue
        who = _cite(corpus, key)
        if stances:
            findings = "; ".join(ev.finding.strip() for ev in claim.evidence if ev.study == key)
            out.append((key, f"the article cites {who}, whose evidence is "
                             f"{'/'.join(sorted(set(stances)))}: {findings}"))
        else:
            out.append((key, f"the article cites {who}, but no evidence line from it bears "
                             "on this claim"))
    return out


def _section_order(corpus: Corpus, claims: list[Claim]) -> dict[str, int]:
    order: dict[str, int] = {}
    if corpus.article:
        for p in corpus.article.paragraphs:
            order.setdefault(p.section, len(order))
    for c in claims:
        order.setdefault(c.source.section, len(order))
    return order


def audit(corpus: Corpus) -> Audit:
    """Audit the article's claims (every claim not superseded) against their evidence."""
    claims = [c for c in corpus.claims.values() if not c.superseded_by]
    titles = corpus.article.section_titles if corpus.article else {}
    findings: list[Finding] = []
    statuses: Counter[str] = Counter()
    supported = 0
    for claim in claims:
        a = assess(claim, corpus.studies)
        statuses[a.status] += 1
        supported += a.level is not None

        def add(category: str, reason: str, studies: tuple[str, ...] = (),
                claim: Claim = claim, status: str = a.status,
                level: str | None = a.level) -> None:
            findings.append(Finding(
                category, claim.id, claim.statement, claim.certainty, claim.source.section,
                titles.get(claim.source.section, claim.source.section),
                claim.source.paragraph, str(claim.source), status, level, reason, studies))

        reason = _overstated(claim, a.status, a.level, corpus.studies)
        if reason:
            add("overstated", reason, tuple(dict.fromkeys(ev.study for ev in claim.evidence)))
        reason = _uncited(claim, a.status, a.level)
        if reason:
            add("uncited", reason)
        for key, why in _misattributed(corpus, claim):
            add("misattributed", why, (key,))
    order = _section_order(corpus, claims)
    findings.sort(key=lambda f: (order.get(f.section, len(order)), f.section, f.paragraph,
                                 CATEGORIES.index(f.category), f.claim))
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
    summary = Summary(len(claims), supported, count["overstated"], count["uncited"],
                      count["misattributed"], len(errors), dict(sorted(statuses.items())))
    return Audit(corpus.article.title if corpus.article else None, tuple(findings), errors,
                 summary)


# -- renderers ---------------------------------------------------------------------------------


def _share(s: Summary) -> str:
    return f"{s.supported} of {s.claims} claims ({s.supported_share:.0%})"


def _summary_line(s: Summary) -> str:
    return (f"{s.overstated} overstated, {s.uncited} uncited, {s.misattributed} misattributed, "
            f"{s.citation_errors} citation errors; {_share(s)} rest on supporting evidence")


def _groups(a: Audit) -> list[tuple[str, str, list[tuple[int, list[Finding]]]]]:
    """Findings grouped by section, then paragraph, in article order."""
    out: list[tuple[str, str, list[tuple[int, list[Finding]]]]] = []
    for f in a.findings:
        if not out or out[-1][0] != f.section:
            out.append((f.section, f.section_title, []))
        paras = out[-1][2]
        if not paras or paras[-1][0] != f.paragraph:
            paras.append((f.paragraph, []))
        paras[-1][1].append(f)
    return out


def render_text(a: Audit) -> str:
    lines = [f"Audit: {a.title or '(untitled article)'}", _summary_line(a.summary), ""]
    for section, title, paras in _groups(a):
        lines.append(f"{title} [{section}]")
        for n, findings in paras:
            lines.append(f"  ¶{n}")
            for f in findings:
                lines.append(f"    {f.category:<13} {f.claim} ({f.status}"
                             f"{', ' + f.level if f.level else ''})")
                lines.append(f"                  {f.statement}")
                lines.append(f"                  {f.reason}")
        lines.append("")
    if a.citation_errors:
        lines.append("Citation errors")
        for e in a.citation_errors:
            lines.append(f"  {e.study} ({e.citation}): {e.field} cited as {e.cited!r}, "
                         f"actually {e.actual!r}")
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
        "a claim of the corpus (`kg show CLAIM` gives its evidence). Categories:",
        "**overstated** (stated as fact, evidence mixed, contested, null or only weak),",
        "**uncited** (no reference in the article), **misattributed** (a cited study does",
        "not support the claim). Rules: `kg/audit.py`, `docs/evidence.md`.",
        "",
        "## Summary",
        "",
        "| | count |",
        "|---|---:|",
        f"| claims audited | {s.claims} |",
        f"| overstated | {s.overstated} |",
        f"| uncited | {s.uncited} |",
        f"| misattributed | {s.misattributed} |",
        f"| citation errors | {s.citation_errors} |",
        "",
        f"{_share(s)} rest on supporting evidence. Evidence status of all claims: "
        + ", ".join(f"{k} {v}" for k, v in s.statuses.items()) + ".",
        "",
        "## Findings by section",
    ]
    for _section, title, paras in _groups(a):
        out += ["", f"### {_md(title)}", ""]
        for n, findings in paras:
            out.append(f"**¶{n}**")
            out.append("")
            for f in findings:
                level = f", {f.level}" if f.level else ""
                out.append(f"- **{f.category}** `{f.claim}` ({f.certainty}; evidence "
                           f"{f.status}{level}): {_md(f.statement)}  ")
                out.append(f"  {_md(f.reason)}")
            out.append("")
        if out[-1] == "":
            out.pop()
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
            "supported_share": round(s.supported_share, 4), "overstated": s.overstated,
            "uncited": s.uncited, "misattributed": s.misattributed,
            "citation_errors": s.citation_errors, "statuses": s.statuses,
        },
        "findings": [{**asdict(f), "studies": list(f.studies)} for f in a.findings],
        "citation_errors": [{**asdict(e), "cited_by": list(e.cited_by)}
                            for e in a.citation_errors],
    }


def render_json(a: Audit) -> str:
    return json.dumps(to_dict(a), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that the
    file is never half-written. Raises KgError when it cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None
