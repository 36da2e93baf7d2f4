"""``kg site OUT``: a static, browsable evidence site from the same data the CLI answers from.

Every page is built from the dicts kg.questions.views makes for ``kg show --json`` and from
kg.questions.audit, so the site and the command line never disagree. The site is plain HTML with one
stylesheet and two small scripts (search), every link relative, so it works from
``file://`` and from any static host. Output is byte-deterministic: no timestamps, sorted
iteration, diagrams drawn by graphviz-pure (same bytes on every platform).

Layout::

    index.html                 the article's outline, paragraph by paragraph, with its claims
    claims/<id>.html           one page per claim; claims/index[-N].html lists them
    entities/<id>.html         one page per entity; entities/index[-N].html
    studies/<key>.html         one page per study; studies/index[-N].html
    audit.html                 the audit of the article (kg audit)
    downloads.html, downloads/ every export (turtle, n-triples, json-ld, trig, graphml, kgx)
    search.html, search.js, search-index.js   offline search (a script, not fetch(): file://)
    style.css
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kg.corpus.model import Corpus
from kg.errors import KgError
from kg.questions import audit as A
from kg.questions import diagram as D
from kg.questions import views

if TYPE_CHECKING:
    from kg.graph.compiler import Build

JSON = dict[str, Any]

#: Items on one page of an index (claims, entities, studies).
PAGE_SIZE = 500
#: An entity page lists at most this many claims from it, and as many into it (a hub of a
#: large corpus has thousands).
ENTITY_CLAIMS = 200
#: Diagrams drawn per run of graphviz-pure.
BATCH = 400
#: Draw at most this many diagrams (entities, most connected first, then claims); past it
#: pages keep the text list of the diagram's links and say the diagram was left out.
#: About 5 ms each: the real corpus draws all of its few hundred; a 100k-claim corpus
#: would take ten minutes and a gigabyte to draw all 120,000 (docs/performance.md).
MAX_DIAGRAMS = 2_000
#: Exports larger than this are offered gzipped (deterministic: no name, no time).
GZIP_OVER = 5_000_000
#: With more claims than this, the home page lists sections and each section has a page.
HOME_CLAIMS = 2_000

STANCE_TITLES = {"supports": "Supports", "mixed": "Mixed", "no-effect": "No effect",
                 "contradicts": "Contradicts"}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@functools.lru_cache(maxsize=65536)
def slug(ident: str) -> str:
    """A file name for an id: ids are kebab-case already; anything else is %-escaped."""
    return quote(ident, safe="-_.") or "_"


def href(kind: str, ident: str, rel: str = "../") -> str:
    return f"{rel}{kind}/{slug(ident)}.html"


@dataclass
class Report:
    pages: int = 0
    bytes: int = 0
    diagrams: int = 0
    diagrams_left_out: int = 0
    files: list[str] = field(default_factory=list)


class Writer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.report = Report()

    def write(self, rel: str, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        self.report.bytes += len(raw)
        self.report.files.append(rel)
        if rel.endswith(".html"):
            self.report.pages += 1


# -- page frame -------------------------------------------------------------------------------


def page(title: str, body: str, rel: str, *, description: str = "") -> str:
    nav = "".join(
        f'<li><a href="{rel}{target}">{name}</a></li>'
        for name, target in (("Article", "index.html"), ("Claims", "claims/index.html"),
                             ("Entities", "entities/index.html"),
                             ("Studies", "studies/index.html"), ("Audit", "audit.html"),
                             ("Downloads", "downloads.html")))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · kg evidence</title>
<meta name="description" content="{esc(description or title)}">
<link rel="stylesheet" href="{rel}style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="Site"><ul>{nav}</ul></nav>
<form class="search" role="search" action="{rel}search.html" method="get">
<label for="site-q">Search claims, entities, studies</label>
<input id="site-q" name="q" type="search" autocomplete="off">
<button type="submit">Search</button>
</form>
</header>
<main id="main">
{body}
</main>
<footer><p>Generated by <code>kg site</code> from the corpus; the same data
<code>kg show</code> answers from.</p></footer>
</body>
</html>
"""


def badge(kind: str, value: object) -> str:
    """A status or rating as words (never colour alone) with a class for colour."""
    if value is None:
        return f'<span class="badge {kind}-none">{kind}: none</span>'
    return f'<span class="badge {kind}-{esc(value)}">{kind}: {esc(value)}</span>'


def entity_link(ref: JSON, rel: str = "../") -> str:
    return f'<a href="{href("entities", ref["id"], rel)}">{esc(ref["label"] or ref["id"])}</a>'


def claim_link(ident: str, text: str, rel: str = "../") -> str:
    return f'<a href="{href("claims", ident, rel)}">{esc(text)}</a>'


def study_link(key: str, text: str, rel: str = "../") -> str:
    return f'<a href="{href("studies", key, rel)}">{esc(text)}</a>'


def claim_row(s: JSON, rel: str = "../") -> str:
    rating = s["rating"]
    return (f"<li>{claim_link(s['id'], s['statement'], rel)} "
            f"<span class=\"triple\">({entity_link(s['subject'], rel)} "
            f"<em>{esc(s['predicate'])}</em> {entity_link(s['object'], rel)})</span> "
            f"{badge('status', s['status'])} {badge('evidence', rating)}</li>")


def dl(rows: Iterable[tuple[str, str | None]]) -> str:
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows if v)
    return f"<dl>{items}</dl>" if items else ""


# -- diagrams ---------------------------------------------------------------------------------


def diagram_href(kind: str, ident: str) -> str:
    return href("entities" if kind == "entity" else "claims", ident)


def figure(d: D.Diagram, svg: str | None, rel: str = "../") -> str:
    """A diagram: the inline SVG (role img, labelled), and always its links as a list, so the
    diagram's content reads without sight and without the picture."""
    labels = {n.id: n.label for n in d.nodes}
    items = "".join(
        f"<li>{entity_link({'id': e.subject, 'label': labels[e.subject]}, rel)} "
        f"<em>{esc(e.label)}</em> {entity_link({'id': e.object, 'label': labels[e.object]}, rel)}"
        f": {', '.join(claim_link(c.id, c.id, rel) for c in e.claims)}</li>"
        for e in d.edges)
    picture = ""
    if svg is not None:
        body = compact_svg(svg)
        body = body.replace("<svg ", f'<svg role="img" aria-label="{esc(d.title)}" ', 1)
        picture = f'<div class="diagram" tabindex="0">{body}</div>'
    else:
        picture = ('<p class="note">The diagram was left out: the corpus has more diagrams '
                   "than <code>kg site --max-diagrams</code> allows. Its links:</p>")
    return (f'<figure><figcaption>{esc(d.title)}. Edges: sign and predicate; line weight '
            "and dashes show the evidence rating (thick: high, solid: moderate, dashed: low, "
            "fine dashes: very low, dotted: none); [weakest] marks each chain's weakest link; "
            "[curator] a link the curator added.</figcaption>"
            f'{picture}<details><summary>The diagram as a list</summary><ul>{items}</ul>'
            "</details></figure>")


_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_GRAPH_LABEL = re.compile(r'<g id="a_graph0">.*?</g>\n', re.S)


def compact_svg(svg: str) -> str:
    """graphviz-pure's SVG without the XML prolog, comments and the graph's own title
    (the figure's caption says it): about a third smaller."""
    body = svg[svg.index("<svg"):]
    body = _GRAPH_LABEL.sub("", _COMMENT.sub("", body), count=1)
    return body.replace("\n", "")


def draw_all(diagrams: list[tuple[str, D.Diagram]], limit: int,
             workers: int = 2) -> dict[str, str]:
    """SVG for the first ``limit`` diagrams, keyed like the input, drawn in batches."""
    todo = diagrams[:limit]
    batches = [todo[i:i + BATCH] for i in range(0, len(todo), BATCH)]

    def draw(batch: list[tuple[str, D.Diagram]]) -> list[str]:
        return D.dot_to_svg([D.to_dot(d, diagram_href, title=False) for _, d in batch])

    out: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch, svgs in zip(batches, pool.map(draw, batches), strict=True):
            for (key, _), svg in zip(batch, svgs, strict=True):
                out[key] = svg
    return out


# -- pages ------------------------------------------------------------------------------------


def evidence_table(lines: list[JSON]) -> str:
    rows = []
    for ln in lines:
        stats = "; ".join(s["text"] for s in ln["statistics"]) or "—"
        errata = "".join(f'<p class="note">Erratum: {esc(e)}</p>' for e in ln["errata"])
        rows.append(
            f"<tr><th scope=\"row\">{study_link(ln['study'], ln['citation'])}</th>"
            f"<td>{esc(ln['design'] or '—')}</td><td>{esc(ln['n'] or '—')}</td>"
            f"<td>{esc(ln['population'] or '—')}</td><td>{esc(stats)}</td>"
            f"<td>{esc(ln['locator'] or '—')}</td><td>{esc(ln['finding'])}{errata}</td></tr>")
    return ('<div class="table"><table><thead><tr><th scope="col">Study</th>'
            '<th scope="col">Design</th><th scope="col">n</th><th scope="col">Population</th>'
            '<th scope="col">Statistics</th><th scope="col">Where</th>'
            f'<th scope="col">Finding</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def claim_page(c: JSON, flags: list[A.Finding], fig: str, outline: str) -> str:
    src = c["source"]
    in_article = None
    if src is not None:
        where = f"{src.get('section_title') or src['section']}, paragraph {src['paragraph']}"
        if src.get("incipit"):
            where += f" (“{src['incipit']}…”)"
        in_article = (f'<a href="{outline}#p-{slug(src["section"])}-{src["paragraph"]}">'
                      f"{esc(where)}</a>")
    parts = [f"<h1>{esc(c['statement'])}</h1>",
             f'<p class="triple">{entity_link(c["subject"])} <em>{esc(c["predicate"])}</em> '
             f"{entity_link(c['object'])}</p>",
             "<p>" + " ".join([badge("status", c["status"]),
                               badge("evidence", c["rating"]),
                               badge("certainty", c["certainty"])]) + "</p>",
             dl([("Claim id", f"<code>{esc(c['id'])}</code>"),
                 ("Kind", esc(c["claim_kind"]) if c.get("claim_kind") else None),
                 ("Origin", esc(c["origin"]) if c.get("origin") else None),
                 ("Population", esc(c["population"]) if c["population"] else None),
                 ("Context", esc(c["context"]) if c["context"] else None),
                 ("Dose", esc(c["dose"]) if c["dose"] else None),
                 ("Duration", esc(c["duration"]) if c["duration"] else None),
                 ("In the article", in_article or "not stated by the article: a link the "
                  "curator added" + (f" ({esc(c['justification'])})"
                                     if c.get("justification") else "")),
                 ("Superseded by", claim_link(c["superseded_by"], c["superseded_by"])
                  if c["superseded_by"] else None),
                 ("Notes", esc(c["notes"]) if c["notes"] else None)])]
    parts.append("<h2>Evidence</h2>")
    any_lines = False
    for stance, lines in c["evidence"].items():
        if lines:
            any_lines = True
            parts.append(f"<h3>{esc(STANCE_TITLES.get(stance, stance))} ({len(lines)})</h3>")
            parts.append(evidence_table(lines))
    if not any_lines:
        parts.append("<p>No evidence line: no study in the graph bears on this claim.</p>")
    parts.append("<h2>Rating and status</h2>")
    reasons = c.get("reasons") or []
    parts.append("<p>" + " ".join([badge("status", c["status"]),
                                   badge("evidence", c["rating"])])
                 + "</p>")
    if reasons:
        parts.append("<ul>" + "".join(f"<li>{esc(r)}</li>" for r in reasons) + "</ul>")
    else:
        parts.append('<p>See <a href="../audit.html">the audit</a> for how status and '
                     "evidence are computed (docs/evidence.md).</p>")
    cites = c["citations"]
    parts.append("<h2>The article’s citations</h2>")
    parts.append(dl([
        ("Citation state", esc(c["citation_state"]) if c.get("citation_state") else None),
        ("The article cites", ", ".join(study_link(k, k) for k in cites["article_cites"])
         or "nothing"),
        ("Cited but not in the evidence",
         ", ".join(study_link(k, k) for k in cites["cited_not_in_evidence"]) or None),
        ("In the evidence but not cited",
         ", ".join(study_link(k, k) for k in cites["evidence_not_cited"]) or None)]))
    if cites["citation_issues"]:
        parts.append("<ul>" + "".join(
            f"<li>{study_link(i['study'], i['citation'])}: {esc(i['field'])} cited as "
            f"“{esc(i['cited'])}”, actually “{esc(i['actual'])}”"
            f"{(': ' + esc(i['note'])) if i['note'] else ''}</li>"
            for i in cites["citation_issues"]) + "</ul>")
    if flags:
        parts.append("<h2>Audit flags</h2><ul>" + "".join(
            f"<li><strong>{esc(f.category)}</strong>: {esc(f.reason)}</li>" for f in flags)
            + "</ul>")
    if c["acknowledges"]:
        parts.append("<h2>Acknowledged conflicts</h2><ul>" + "".join(
            f"<li>{claim_link(a['claim'], a['claim'])}: {esc(a['reason'])}</li>"
            for a in c["acknowledges"]) + "</ul>")
    parts.append("<h2>Chains it sits in</h2>")
    parts.append(fig or "<p>kg paths does not follow this claim (superseded, or not an "
                        "effect between two entities), so it sits in no chain.</p>")
    return page(c["statement"], "\n".join(parts), "../")


def xref_links(xrefs: Iterable[str]) -> str:
    from kg.checks.identifiers import expand

    out = []
    for x in xrefs:
        url = expand(x)
        out.append(f'<a href="{esc(url)}" rel="external">{esc(x)}</a>' if url
                   else f"<code>{esc(x)}</code>")
    return ", ".join(out)


def entity_page(e: JSON, fig: str) -> str:
    parts = [f"<h1>{esc(e['label'])}</h1>",
             dl([("Id", f"<code>{esc(e['id'])}</code>"), ("Role", esc(e["role"])),
                 ("Kind", esc(e["entity_kind"])),
                 ("Description", esc(e["description"]) if e["description"] else None),
                 ("Synonyms", esc(", ".join(e["synonyms"])) if e["synonyms"] else None),
                 ("Cross-references", xref_links(e["xrefs"]) if e["xrefs"] else None)])]
    for title, key in (("Claims from it", "claims_out"), ("Claims into it", "claims_in")):
        items = e[key]
        parts.append(f"<h2>{title} ({len(items)})</h2>")
        parts.append("<ul>" + "".join(claim_row(s) for s in items[:ENTITY_CLAIMS]) + "</ul>"
                     if items else "<p>None.</p>")
        if len(items) > ENTITY_CLAIMS:
            parts.append(f'<p class="note">The first {ENTITY_CLAIMS} in file order; all '
                         f"{len(items)}: <code>kg claims --about {esc(e['id'])}</code>.</p>")
    parts.append("<h2>Neighbourhood</h2>")
    parts.append(fig or "<p>No claim links it to another entity.</p>")
    return page(e["label"], "\n".join(parts), "../")


def study_page(s: JSON) -> str:
    ref = s["reference"] or {}
    fields = ref.get("fields", {})
    links = []
    if fields.get("doi"):
        links.append(f'<a href="https://doi.org/{esc(fields["doi"])}" rel="external">'
                     f"doi:{esc(fields['doi'])}</a>")
    if fields.get("pmid"):
        links.append(f'<a href="https://pubmed.ncbi.nlm.nih.gov/{esc(fields["pmid"])}/" '
                     f'rel="external">PMID {esc(fields["pmid"])}</a>')
    parts = [f"<h1>{esc(s['citation'])}: {esc(fields.get('title', s['key']))}</h1>",
             dl([("Key", f"<code>{esc(s['key'])}</code>"),
                 ("Authors", esc("; ".join(ref.get("authors", []))) or None),
                 ("Journal", esc(fields["journal"]) if fields.get("journal") else None),
                 ("Year", esc(fields["year"]) if fields.get("year") else None),
                 ("Links", " · ".join(links) or None),
                 ("Design", esc(s["design"])), ("Population", esc(s["population"])),
                 ("n", esc(s["n"]) if s["n"] is not None else None),
                 ("Duration", esc(s["duration"]) if s["duration"] else None),
                 ("Registration", esc(s["registration"]) if s["registration"] else None),
                 ("Findings", esc(s["findings"])),
                 ("Notes", esc(s["notes"]) if s["notes"] else None),
                 ("In the article’s references", "yes" if s["in_article_references"]
                  else "no")])]
    parts.append(f"<h2>Claims it bears on ({len(s['claims'])})</h2>")
    parts.append("<ul>" + "".join(
        f"<li>{claim_link(c['id'], c['statement'])}: "
        f"{esc(', '.join(STANCE_TITLES.get(x, x).lower() for x in c['stances']) or 'cited only')}"
        f"{'; the article cites it for this claim' if c['article_cites'] else ''}</li>"
        for c in s["claims"]) + "</ul>" if s["claims"] else "<p>None.</p>")
    parts.append("<h2>Citation issues</h2>")
    issues = s["citation_issues"]
    parts.append("<ul>" + "".join(
        f"<li>{esc(i['field'])} cited as “{esc(i['cited'])}”, actually “{esc(i['actual'])}”"
        f"{(': ' + esc(i['note'])) if i['note'] else ''}</li>" for i in issues) + "</ul>"
        if issues else "<p>None recorded.</p>")
    if s["errata"]:
        parts.append("<h2>Errata</h2><ul>" + "".join(
            f"<li>{esc(e['note'])}</li>" for e in s["errata"]) + "</ul>")
    return page(f"{s['citation']}", "\n".join(parts), "../")


def index_pages(kind: str, title: str, items: list[tuple[str, str]]) -> Iterator[
        tuple[str, str]]:
    """(path, html) of the paginated index of ``kind``: items are (id, text), in order."""
    pages = max(1, -(-len(items) // PAGE_SIZE))

    def name(n: int) -> str:
        return "index.html" if n == 1 else f"index-{n}.html"

    for n in range(1, pages + 1):
        chunk = items[(n - 1) * PAGE_SIZE:n * PAGE_SIZE]
        nav = ""
        if pages > 1:
            current = ' aria-current="page"'
            nav = ('<nav aria-label="Pages"><ul class="pages">' + "".join(
                f'<li><a href="{name(i)}"{current if i == n else ""}>{i}</a></li>'
                for i in range(1, pages + 1)) + "</ul></nav>")
        lis = "".join(f'<li><a href="{slug(i)}.html">{esc(t)}</a></li>' for i, t in chunk)
        head = f"{title} ({len(items)})" + (f", page {n} of {pages}" if pages > 1 else "")
        yield (f"{kind}/{name(n)}",
               page(head, f"<h1>{esc(head)}</h1>{nav}<ul>{lis}</ul>{nav}", "../"))


def section_href(corpus: Corpus, section: str, rel: str) -> str:
    """Where a section's paragraphs are listed: the home page, or its own page when the
    corpus is too large for one home page."""
    if len(corpus.claims) > HOME_CLAIMS:
        return f"{rel}article/{slug(section)}.html"
    return f"{rel}index.html"


def claims_by_place(corpus: Corpus) -> dict[tuple[str, int], list[str]]:
    by_place: dict[tuple[str, int], list[str]] = {}
    for c in corpus.claims.values():
        if c.source is not None:
            by_place.setdefault((c.source.section, c.source.paragraph), []).append(c.id)
    return by_place


def paragraphs_html(corpus: Corpus, section: str | None, summaries: dict[str, JSON],
                    flags: dict[str, list[A.Finding]], rel: str,
                    by_place: dict[tuple[str, int], list[str]]) -> list[str]:
    """The outline's paragraphs (of one section, or all), each with its claims and flags."""
    art = corpus.article
    if art is None:
        return []
    parts = []
    current = None
    for p in art.paragraphs:
        if section is not None and p.section != section:
            continue
        if p.section != current and section is None:
            current = p.section
            parts.append(f"<h2 id=\"s-{slug(current)}\">"
                         f"{esc(art.section_titles.get(current, current))}</h2>")
        ids = by_place.get((p.section, p.n), [])
        anchor = f"{slug(p.section)}-{p.n}"
        parts.append(f'<section class="para" id="p-{anchor}" aria-labelledby="h-{anchor}">'
                     f'<h3 id="h-{anchor}">¶{p.n} '
                     f"<span class=\"kind\">({esc(p.kind)})</span> “{esc(p.incipit)}…”</h3>")
        if ids:
            items = []
            for cid in ids:
                row = claim_row(summaries[cid], rel)
                marks = "".join(f' <span class="flag">⚑ {esc(f.category)}</span>'
                                for f in flags.get(cid, []))
                items.append(row.replace("</li>", marks + "</li>"))
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            parts.append('<p class="note">No claim from this paragraph.</p>')
        parts.append("</section>")
    return parts


def home_pages(corpus: Corpus, summaries: dict[str, JSON],
               flags: dict[str, list[A.Finding]]) -> Iterator[tuple[str, str]]:
    """(path, html): the home page, and a page per section when the corpus is large."""
    art = corpus.article
    title = art.title if art else "Evidence graph"
    intro = ("<p>The article’s outline, paragraph by paragraph, with the claims each "
             "paragraph makes, their evidence status and rating, and the audit’s flags. "
             "Follow a claim for its evidence; "
             '<a href="audit.html">the audit</a> lists every flag.</p>')
    parts = [f"<h1>{esc(title)}</h1>", intro]
    by_place = claims_by_place(corpus)
    if art is not None and len(corpus.claims) > HOME_CLAIMS:
        counts: dict[str, int] = {}
        for c in corpus.claims.values():
            if c.source is not None:
                counts[c.source.section] = counts.get(c.source.section, 0) + 1
        sections = list(dict.fromkeys(p.section for p in art.paragraphs))
        parts.append("<h2>Sections</h2><ul>" + "".join(
            f'<li><a href="{section_href(corpus, s, "")}">'
            f"{esc(art.section_titles.get(s, s))}</a> ({counts.get(s, 0)} claims)</li>"
            for s in sections) + "</ul>")
        for s in sections:
            name = art.section_titles.get(s, s)
            body = [f"<h1>{esc(name)}</h1>",
                    '<p><a href="../index.html">The whole outline</a></p>',
                    *paragraphs_html(corpus, s, summaries, flags, "../", by_place)]
            yield f"article/{slug(s)}.html", page(name, "\n".join(body), "../")
    else:
        parts += paragraphs_html(corpus, None, summaries, flags, "", by_place)
    placed = {(p.section, p.n) for p in art.paragraphs} if art else set()
    rest = [cid for cid, c in corpus.claims.items()
            if c.source is None or (c.source.section, c.source.paragraph) not in placed]
    if rest:
        parts.append("<h2>Links the curator added, and claims outside the outline</h2><ul>"
                     + "".join(claim_row(summaries[c], "") for c in rest[:PAGE_SIZE])
                     + "</ul>")
    yield "index.html", page(title, "\n".join(parts), "")


def audit_page(a: A.Audit) -> str:
    s = a.summary
    counts = ", ".join(f"{s.counts.get(cat, 0)} {cat}" for cat in A.CATEGORIES)
    parts = ["<h1>Audit of the article</h1>",
             f"<p>{s.claims} claims of the article; {s.supported} with supporting evidence; "
             f"{esc(counts)}; {s.citation_errors} citation errors.</p>"]
    for cat in A.CATEGORIES:
        found = [f for f in a.findings if f.category == cat]
        parts.append(f"<h2>{esc(cat.capitalize())} ({len(found)})</h2>")
        parts.append(f'<p class="note">{esc(A.MEANINGS[cat].capitalize())}.</p>')
        parts.append("<ul>" + "".join(
            f"<li>{claim_link(f.claim, f.statement, '')} <span class=\"where\">"
            f"({esc(f.locator)})</span>: {esc(f.reason)}</li>" for f in found) + "</ul>"
            if found else "<p>None.</p>")
    parts.append(f"<h2>Citation errors ({len(a.citation_errors)})</h2>")
    parts.append("<ul>" + "".join(
        f"<li>{study_link(e.study, e.citation, '')}: {esc(e.field)} cited as "
        f"“{esc(e.cited)}”, actually “{esc(e.actual)}”</li>" for e in a.citation_errors)
        + "</ul>" if a.citation_errors else "<p>None.</p>")
    return page("Audit", "\n".join(parts), "")


DOWNLOADS = (("turtle", "Turtle"), ("n-triples", "N-Triples"), ("json-ld", "JSON-LD"),
             ("trig", "TriG nanopublications"), ("graphml", "GraphML"), ("kgx", "KGX TSV"))


def write_downloads(build: Build, out: Path, a: A.Audit) -> None:
    """Every export, and the audit, under ``out/downloads`` (gzipped when large)."""
    import gzip

    from kg.graph import exporters as X

    parts: list[tuple[str, bytes]] = []
    for fmt, _ in DOWNLOADS:
        parts += [(f"graph{suffix}", raw) for suffix, raw in X.export(fmt, build).items()]
    parts += [("audit.json", A.render_json(a).encode("utf-8")),
              ("audit.md", A.render_markdown(a).encode("utf-8"))]
    folder = out / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    for name, raw in parts:
        if len(raw) > GZIP_OVER:
            (folder / f"{name}.gz").write_bytes(gzip.compress(raw, compresslevel=6, mtime=0))
        else:
            (folder / name).write_bytes(raw)


def downloads_page(out: Path) -> str:
    """The list of what :func:`write_downloads` wrote, with sizes."""
    what = {f"graph{X_SUFFIX}": text for X_SUFFIX, text in (
        (".ttl", "Turtle (the graph kg build writes)"), (".nt", "N-Triples, sorted lines"),
        (".jsonld", "JSON-LD, compacted"), (".trig", "TriG: one nanopublication per claim"),
        (".graphml", "GraphML: entities as nodes, claims as edges"),
        ("_nodes.tsv", "KGX: Biolink nodes TSV"), ("_edges.tsv", "KGX: Biolink edges TSV"),
        ("_context.jsonld", "KGX: the JSON-LD context of its CURIE prefixes"))}
    what.update({"audit.json": "the audit, JSON", "audit.md": "the audit, Markdown"})
    rows = []
    for path in sorted((out / "downloads").iterdir()):
        base = path.name.removesuffix(".gz")
        gz = " (gzipped)" if path.name.endswith(".gz") else ""
        rows.append(f'<li><a href="downloads/{esc(path.name)}" download>{esc(path.name)}</a>: '
                    f"{esc(what.get(base, base))}{gz}, {path.stat().st_size:,} bytes</li>")
    return page("Downloads", "<h1>Downloads</h1><p>Every export of the graph, made by "
                "<code>kg export</code> from the same corpus; files over "
                f"{GZIP_OVER // 1_000_000} MB are gzipped.</p><ul>" + "".join(rows)
                + "</ul>", "")


def start_downloads(build: Build, out: Path, a: A.Audit) -> Callable[[], None]:
    """Write the downloads in a forked process while the pages are written (they take as
    long as the pages on a large corpus); returns the function that waits for it. Where
    fork is not available, writes them now."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        write_downloads(build, out, a)
        return lambda: None
    proc = multiprocessing.get_context("fork").Process(target=write_downloads,
                                                       args=(build, out, a))
    proc.start()

    def wait() -> None:
        proc.join()
        if proc.exitcode != 0:
            raise KgError(f"writing the downloads failed (exit status {proc.exitcode})")

    return wait


# -- search -----------------------------------------------------------------------------------


def search_index(corpus: Corpus) -> str:
    """``search-index.js``: a script (loaded by a script tag, so it works from file://,
    where fetch() is refused) defining KG_SEARCH = [[kind, id, text, extra], ...]."""
    rows: list[list[str]] = []
    for c in corpus.claims.values():
        names = " ".join(corpus.entities[e].label for e in (c.subject, c.object)
                         if e in corpus.entities)
        rows.append(["claim", c.id, c.statement, names])
    for e in corpus.entities.values():
        rows.append(["entity", e.id, e.label, " ".join(e.synonyms)])
    for s in corpus.studies.values():
        rows.append(["study", s.key, views.citation(corpus, s.key), s.population])
    return ("window.KG_SEARCH = "
            + json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + ";\n")


def search_page() -> str:
    body = ("<h1>Search</h1>"
            '<form role="search" action="search.html" method="get" class="big">'
            '<label for="q">Words to find (all must match)</label> '
            '<input id="q" name="q" type="search" autocomplete="off"> '
            '<button type="submit">Search</button></form>'
            '<p id="count" role="status" aria-live="polite"></p>'
            '<ol id="results"></ol>'
            "<noscript><p>Search needs JavaScript; the indexes of "
            '<a href="claims/index.html">claims</a>, <a href="entities/index.html">entities'
            '</a> and <a href="studies/index.html">studies</a> do not.</p></noscript>'
            '<script src="search-index.js"></script><script src="search.js"></script>')
    return page("Search", body, "")


SEARCH_JS = """// Offline search over search-index.js: every word must occur in the text.
(function () {
  "use strict";
  var dirs = {claim: "claims", entity: "entities", study: "studies"};
  var weight = {entity: 0, claim: 1, study: 2};
  function fold(s) { return s.toLowerCase().normalize("NFKD").replace(/[\\u0300-\\u036f]/g, ""); }
  function search(q) {
    var words = fold(q).split(/[^a-z0-9]+/).filter(function (w) { return w.length > 0; });
    if (!words.length) return [];
    var hits = [];
    window.KG_SEARCH.forEach(function (row) {
      var main = fold(row[2] + " " + row[1]), all = main + " " + fold(row[3] || "");
      for (var i = 0; i < words.length; i++) if (all.indexOf(words[i]) < 0) return;
      var score = 0;
      words.forEach(function (w) { if (main.indexOf(w) >= 0) score += 2; });
      hits.push([-score, weight[row[0]], row[2].length, row]);
    });
    hits.sort(function (a, b) {
      for (var i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
      return a[3][1] < b[3][1] ? -1 : 1;
    });
    return hits.map(function (h) { return h[3]; });
  }
  function show(q) {
    var list = document.getElementById("results"), count = document.getElementById("count");
    list.textContent = "";
    var hits = search(q), shown = hits.slice(0, 100);
    count.textContent = !q ? "" :
      hits.length + " found" + (hits.length > 100 ? ", showing 100" : "");
    shown.forEach(function (row) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = dirs[row[0]] + "/" + encodeURIComponent(row[1]) + ".html";
      a.textContent = row[2];
      li.appendChild(a);
      li.appendChild(document.createTextNode(" (" + row[0] + ")"));
      list.appendChild(li);
    });
  }
  var input = document.getElementById("q");
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  show(q);
  input.addEventListener("input", function () { show(input.value); });
  document.querySelector("form.big").addEventListener("submit", function (e) {
    e.preventDefault();
    show(input.value);
    var first = document.querySelector("#results a");
    if (first) first.focus();
  });
})();
"""

STYLE_CSS = """:root { --fg: #1a1a1a; --muted: #555; --bg: #fff; --line: #d4d4d8; --link: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
  color: var(--fg); background: var(--bg); overflow-wrap: anywhere; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, .diagram:focus-visible,
summary:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5em; }
.skip:focus { left: .5em; }
header { border-bottom: 1px solid var(--line); padding: .5em 1em; display: flex;
  flex-wrap: wrap; gap: .5em 1.5em; align-items: center; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25em 1em; }
form.search label, form.big label { font-size: .9em; color: var(--muted); }
form.search { display: flex; flex-wrap: wrap; gap: .25em; align-items: center; }
input[type=search] { font: inherit; padding: .2em .4em; max-width: 100%; }
main { max-width: 62em; margin: 0 auto; padding: 1em; }
footer { color: var(--muted); font-size: .9em; padding: 1em; border-top: 1px solid var(--line); }
h1 { font-size: 1.6em; line-height: 1.25; }
h3 { font-size: 1.05em; }
dl { display: grid; grid-template-columns: minmax(7em, max-content) 1fr; gap: .2em 1em; }
dt { font-weight: 600; } dd { margin: 0; }
.badge { display: inline-block; border: 1px solid currentColor; border-radius: .3em;
  padding: 0 .35em; font-size: .85em; white-space: nowrap; }
.status-supported, .evidence-high, .evidence-moderate { color: #166534; }
.status-contested, .evidence-low, .evidence-very-low { color: #9a3412; }
.status-contradicted, .status-not-supported, .status-no-evidence, .evidence-none {
  color: #991b1b; }
.flag { color: #9a3412; font-weight: 600; white-space: nowrap; }
.note, .where, .kind, .triple { color: var(--muted); }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; min-width: 52em; font-size: .92em; }
td, th { overflow-wrap: normal; }
td:nth-child(4), td:nth-child(7) { min-width: 14em; }
th, td { border: 1px solid var(--line); padding: .3em .4em; text-align: left; vertical-align: top; }
figure { margin: 1em 0; }
figcaption { color: var(--muted); font-size: .9em; }
.diagram { overflow-x: auto; border: 1px solid var(--line); padding: .5em; }
.diagram svg { max-width: 100%; height: auto; }
.pages { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5em; }
section.para { border-left: 3px solid var(--line); padding-left: .8em; margin: .8em 0; }
"""


# -- the whole site ---------------------------------------------------------------------------


def build_site(build: Build, out: Path, *, max_diagrams: int = MAX_DIAGRAMS,
               progress: Callable[[str, int, int], None] | None = None) -> Report:
    """Write the site for ``build`` (a corpus that built clean) into ``out`` (emptied)."""
    from kg.questions.paths import adjacency, links

    corpus = build.corpus
    if out.exists():
        if not out.is_dir():
            raise KgError(f"{out} is a file, not a folder")
        if any(out.iterdir()) and not (out / "search-index.js").is_file():
            raise KgError(f"refusing to empty {out}: it is not empty and holds no kg site; "
                          "remove it or choose another folder")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    w = Writer(out)
    audit = A.audit(corpus)
    downloads_done = start_downloads(build, out, audit)
    flags: dict[str, list[A.Finding]] = {}
    for f in audit.findings:
        flags.setdefault(f.claim, []).append(f)
    summaries = {cid: views.claim_summary(corpus, c) for cid, c in corpus.claims.items()}

    # diagrams first: claims, then entities, drawn in batches
    adj = adjacency(corpus)
    back = D.reverse(adj)
    all_links = links(corpus, include_all=True)
    around: dict[str, list[Any]] = {}
    for ln in all_links:
        around.setdefault(ln.subject, []).append(ln)
        if ln.object != ln.subject:
            around.setdefault(ln.object, []).append(ln)
    diagrams: list[tuple[str, D.Diagram]] = []
    hubs = sorted(around, key=lambda eid: (-len(around[eid]), eid))
    for eid in hubs:
        if eid in corpus.entities:
            diagrams.append((f"entity:{eid}", D.entity_diagram(corpus, eid, around[eid])))
    for cid in corpus.claims:
        d = D.claim_diagram(corpus, cid, adj, back)
        if d is not None:
            diagrams.append((f"claim:{cid}", d))
    svgs = draw_all(diagrams, max_diagrams, workers=min(4, os.cpu_count() or 1))
    figures = {key: figure(d, svgs.get(key)) for key, d in diagrams}
    w.report.diagrams = len(svgs)
    w.report.diagrams_left_out = len(diagrams) - len(svgs)

    total = len(corpus.claims)
    for i, (cid, c) in enumerate(corpus.claims.items()):
        data = views.claim_data(corpus, c)
        w.write(f"claims/{slug(cid)}.html",
                claim_page(data, flags.get(cid, []), figures.get(f"claim:{cid}", ""),
                           section_href(corpus, c.source.section, "../")
                           if c.source is not None else ""))
        if progress and i % 1000 == 0:
            progress("writing claim pages", i, total)
    out_of: dict[str, list[JSON]] = {}
    into: dict[str, list[JSON]] = {}
    for cid, c in corpus.claims.items():
        out_of.setdefault(c.subject, []).append(summaries[cid])
        into.setdefault(c.object, []).append(summaries[cid])
    for eid, e in corpus.entities.items():
        data = views.entity_data(corpus, e, out_of.get(eid, []), into.get(eid, []))
        w.write(f"entities/{slug(eid)}.html", entity_page(data, figures.get(f"entity:{eid}", "")))
    bears: dict[str, list[JSON]] = {}
    for cid, c in corpus.claims.items():
        stances: dict[str, list[str]] = {}
        for ev in c.evidence:
            stances.setdefault(ev.study, []).append(ev.stance)
        for key in dict.fromkeys([*stances, *c.article_cites]):
            bears.setdefault(key, []).append(views.study_bearing(
                summaries[cid], list(dict.fromkeys(stances.get(key, []))),
                key in c.article_cites))
    for key, s in corpus.studies.items():
        data = views.study_data(corpus, s, bears.get(key, []))
        w.write(f"studies/{slug(key)}.html", study_page(data))
    for kind, title, items in (
            ("claims", "Claims", [(cid, c.statement) for cid, c in corpus.claims.items()]),
            ("entities", "Entities", sorted(((eid, e.label) for eid, e in
                                              corpus.entities.items()),
                                             key=lambda t: (t[1].lower(), t[0]))),
            ("studies", "Studies", sorted(((k, views.citation(corpus, k)) for k in
                                            corpus.studies), key=lambda t: (t[1], t[0])))):
        for path, text in index_pages(kind, title, items):
            w.write(path, text)
    for path, text in home_pages(corpus, summaries, flags):
        w.write(path, text)
    w.write("audit.html", audit_page(audit))
    w.write("search.html", search_page())
    w.write("search.js", SEARCH_JS)
    w.write("search-index.js", search_index(corpus))
    w.write("style.css", STYLE_CSS)
    downloads_done()
    w.write("downloads.html", downloads_page(out))
    w.report.bytes = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return w.report
