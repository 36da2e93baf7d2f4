"""What the question commands show: JSON-ready dicts, and pure renderers that turn those
dicts into text for a terminal.

Every ``*_data`` function returns plain dicts, lists, strings, numbers and None, in the
stable shapes documented in docs/cli.md; ``--json`` prints them as they are. Every
``render_*`` function takes the same dict and a :class:`kg.terminal.Style` and returns
the text, so the human and JSON outputs can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kg.corpus import vocabulary as V
from kg.corpus.model import Article, Claim, Corpus, Entity, Evidence, Statistic, Study
from kg.evidence import STATUSES, Assessment, assess, citation_state, start
from kg.store.words import Hit
from kg.terminal import STANCE_STYLE, STATUS_STYLE, Style, table

JSON = dict[str, Any]

# -- small pieces -----------------------------------------------------------------------------


def num(value: float | int) -> str:
    """A number as people write it: 2.42, 0.001, 100, 1e-05."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, "g")


def p_text(p: float | str) -> str:
    if isinstance(p, str):
        s = p.replace(" ", "")
        return f"p {s[0]} {s[1:]}" if s and s[0] in "<>≤≥=" else f"p = {s}"
    return f"p = {num(p)}"


MEASURE_NAMES = {
    "beta": "β",
    "mean-difference": "mean difference",
    "percent-change": "change",
    "correlation": "r",
    "group-means": "group means",
}


def statistic_text(s: Statistic) -> str:
    """'HR 2.42 (95% CI 1.34–4.37), p = 0.01' or 'group means a 0.001, b -0.006 g/cm2, p = 0.37'."""
    unit = f" {s.unit}" if s.unit else ""
    parts: list[str] = []
    if s.measure == "group-means" or (s.groups and s.value is None):
        arms = ", ".join(f"{arm} {num(v)}" for arm, v in s.groups)
        parts.append(f"group means {arms}{unit}" if arms else "group means")
    else:
        name = MEASURE_NAMES.get(s.measure, s.measure)
        head = name
        if s.value is not None:
            if s.measure == "percent-change":
                head = f"{name} {num(s.value):s}%" if not unit else f"{name} {num(s.value)}{unit}"
            elif s.measure == "correlation":
                head = f"r = {num(s.value)}"
            else:
                head = f"{name} {num(s.value)}{unit}"
        if s.ci is not None:
            level = num(round(s.ci_level * 100, 6))
            head += f" ({level}% CI {num(s.ci[0])}–{num(s.ci[1])})"
        parts.append(head)
        if s.groups:
            parts.append(", ".join(f"{arm} {num(v)}" for arm, v in s.groups))
    if s.p is not None:
        parts.append(p_text(s.p))
    return ", ".join(parts)


def statistic_data(s: Statistic) -> JSON:
    return {
        "measure": s.measure,
        "value": s.value,
        "ci": list(s.ci) if s.ci else None,
        "ci_level": s.ci_level,
        "p": s.p,
        "unit": s.unit,
        "groups": dict(s.groups),
        "comparison": s.comparison,
        "text": statistic_text(s),
    }


def entity_ref(corpus: Corpus, entity_id: str) -> JSON:
    e = corpus.entities.get(entity_id)
    if e is None:
        return ref_data(entity_id, None, None, None)
    return ref_data(e.id, e.label, e.role, e.kind)


def ref_data(entity_id: str, label: str | None, role: str | None, kind: str | None) -> JSON:
    """An entity as claims show it; ``label`` None means the entity is unknown."""
    if label is None:
        return {"id": entity_id, "label": entity_id, "role": None, "kind": None}
    return {"id": entity_id, "label": label, "role": role, "kind": kind}


def citation(corpus: Corpus, key: str) -> str:
    ref = corpus.references.get(key)
    return ref.short_citation() if ref is not None else key


def start_of_study(study: Study | None) -> str | None:
    """Where the study's evidence starts on the rating scale (docs/evidence.md)."""
    return start(study)[0] if study is not None else None


def pooled_data(study: Study | None) -> JSON | None:
    if study is None or study.pooled is None:
        return None
    return {"designs": list(study.pooled.designs), "studies": study.pooled.studies}


def evidence_data(corpus: Corpus, ev: Evidence) -> JSON:
    study = corpus.studies.get(ev.study)
    return {
        "study": ev.study,
        "citation": citation(corpus, ev.study),
        "design": study.design if study else None,
        "pooled": pooled_data(study),
        "starts": start_of_study(study),
        "population": study.population if study else None,
        "n": study.n if study else None,
        "duration": study.duration if study else None,
        "stance": ev.stance,
        "finding": ev.finding,
        "statistics": [statistic_data(s) for s in ev.statistics],
        "locator": ev.locator,
        "indirect": ev.indirect,
        "errata": [e.note for e in study.errata] if study else [],
    }


def _design_rank(line: JSON) -> int:
    design = line["design"]
    return V.DESIGNS.index(design) if design in V.DESIGNS else len(V.DESIGNS)


def grouped_evidence(corpus: Corpus, claim: Claim) -> JSON:
    """Evidence lines by stance (all four keys), strongest design first within a stance."""
    out: JSON = {stance: [] for stance in V.STANCES}
    for ev in claim.evidence:
        out.setdefault(ev.stance, []).append(evidence_data(corpus, ev))
    for lines in out.values():
        lines.sort(key=_design_rank)  # stable: file order among equals
    return out




def claim_summary(corpus: Corpus, claim: Claim, a: Assessment | None = None) -> JSON:
    """One line about a claim; ``a`` is its assessment when the caller has it already."""
    a = a or assess(claim, corpus.studies)
    return summary_data(claim.id, claim.statement, entity_ref(corpus, claim.subject),
                        claim.predicate, entity_ref(corpus, claim.object), claim.certainty,
                        a.status, a.rating)


def summary_data(claim_id: str, statement: str, subject: JSON, predicate: str, object_: JSON,
                 certainty: str, status: str, rating: str) -> JSON:
    """One line about a claim (``subject`` and ``object_`` as :func:`ref_data` makes them)."""
    return {
        "id": claim_id,
        "statement": statement,
        "subject": subject,
        "predicate": predicate,
        "object": object_,
        "certainty": certainty,
        "status": status,
        "rating": rating,
    }


_INCIPITS: dict[int, tuple[Article, dict[tuple[str, int], str]]] = {}


def _incipits(article: Article) -> dict[tuple[str, int], str]:
    """(section, paragraph) -> incipit, remembered for the last article (kg site asks for
    every claim of a large corpus: a scan per claim would be quadratic)."""
    hit = _INCIPITS.get(id(article))
    if hit is not None and hit[0] is article:
        return hit[1]
    _INCIPITS.clear()
    table: dict[tuple[str, int], str] = {}
    for p in article.paragraphs:
        table[(p.section, p.n)] = p.incipit  # the last wins, as the scan it replaces
    _INCIPITS[id(article)] = (article, table)
    return table


def source_data(corpus: Corpus, claim: Claim) -> JSON | None:
    s = claim.source
    if s is None:
        return None
    incipit = None
    section_title = None
    if corpus.article is not None:
        section_title = corpus.article.section_titles.get(s.section)
        incipit = _incipits(corpus.article).get((s.section, s.paragraph))
    return {
        "section": s.section, "section_title": section_title, "paragraph": s.paragraph,
        "row": s.row, "column": s.column, "item": s.item, "incipit": incipit, "text": str(s),
    }


def citations_data(corpus: Corpus, claim: Claim) -> JSON:
    """What the article cites for the claim, against the studies in its evidence."""
    cited = list(claim.article_cites)
    in_evidence = list(dict.fromkeys(ev.study for ev in claim.evidence))
    issues = []
    for key in dict.fromkeys(cited + in_evidence):
        study = corpus.studies.get(key)
        for ci in study.citation_issues if study else ():
            issues.append({
                "study": key, "citation": citation(corpus, key), "cited_for_claim": key in cited,
                "field": ci.field, "cited": ci.cited, "actual": ci.actual, "note": ci.note,
            })
    return {
        "article_cites": cited,
        "cited_in_evidence": [k for k in cited if k in in_evidence],
        "cited_not_in_evidence": [k for k in cited if k not in in_evidence],
        "evidence_not_cited": [k for k in in_evidence if k not in cited],
        "citation_issues": issues,
    }


def claim_data(corpus: Corpus, claim: Claim) -> JSON:
    """Everything about one claim."""
    predicate = V.PREDICATES.get(claim.predicate)
    a = assess(claim, corpus.studies)
    return {
        **claim_summary(corpus, claim, a),
        "claim_kind": claim.kind,
        "origin": claim.origin,
        "justification": claim.justification,
        "outcome": entity_ref(corpus, claim.outcome) if claim.outcome else None,
        "recommended_by": [{"study": k, "citation": citation(corpus, k)}
                           for k in claim.recommended_by],
        "reasons": list(a.reasons),
        "association_only": a.association_only,
        "citation_state": citation_state(claim),
        "predicate_sign": predicate.sign if predicate else None,
        "predicate_mode": predicate.mode if predicate else None,
        "population": claim.population,
        "context": claim.context,
        "dose": claim.dose,
        "duration": claim.duration,
        "source": source_data(corpus, claim),
        "evidence": grouped_evidence(corpus, claim),
        "citations": citations_data(corpus, claim),
        "superseded_by": claim.superseded_by,
        "acknowledges": [{"claim": a.claim, "reason": a.reason} for a in claim.acknowledges],
        "notes": claim.notes,
        "defined_at": str(claim.span),
    }


# -- kg studies -------------------------------------------------------------------------------


def studies_data(corpus: Corpus, query: str, claim: Claim, hits: list[Hit]) -> JSON:
    """The answer to ``kg studies``: how the claim was found, its evidence, its standing."""
    return {
        "query": query,
        "matched_by": "words" if hits else "id",
        "matches": [
            {"id": h.claim, "score": h.score, "matched": list(h.matched),
             "statement": corpus.claims[h.claim].statement}
            for h in hits
        ],
        "claim": claim_data(corpus, claim),
    }


def _stance_title(stance: str, n: int, style: Style) -> str:
    title = {"supports": "Supports", "mixed": "Mixed", "no-effect": "No effect found",
             "contradicts": "Contradicts"}.get(stance, stance)
    return style.paint(f"{title} ({n})", "bold", *STANCE_STYLE.get(stance, ()))


def _evidence_lines(line: JSON, style: Style, indent: int = 2) -> list[str]:
    pad = " " * indent
    bits = [line["citation"]]
    design = line["design"] or "no study record"
    if line["pooled"]:
        pooled = line["pooled"]
        n = f"{pooled['studies']} " if pooled["studies"] else ""
        design += f" of {n}{'/'.join(pooled['designs'])} studies"
    bits.append(design)
    if line["starts"]:
        bits.append(f"starts {line['starts']}")
    if line["n"] is not None:
        bits.append(f"n={line['n']}")
    if line["duration"]:
        bits.append(line["duration"])
    out = [f"{pad}{style.bold(line['study'])}  " + " · ".join(bits)]
    inner = indent + 4
    label = " " * inner
    if line["population"]:
        out += style.wrap(line["population"], inner, first=f"{label}population: ")
    out += style.wrap(line["finding"], inner, first=f"{label}finding: ")
    for s in line["statistics"]:
        out += style.wrap(f"{s['comparison']}: {s['text']}", inner + 2, first=f"{label}• ")
    if line["locator"]:
        out.append(f"{label}where: {line['locator']}")
    if line["indirect"]:
        out += style.wrap(line["indirect"], inner, first=f"{label}indirect: ")
    for note in line["errata"]:
        out += style.wrap(note, inner, first=f"{label}{style.paint('erratum:', 'yellow')} ")
    return out


def _status_text(status: str, style: Style) -> str:
    return style.paint(status, *STATUS_STYLE.get(status, ()))


def _triple_text(d: JSON) -> str:
    return f"{d['subject']['label']} —{d['predicate']}→ {d['object']['label']}"


def _evidence_section(claim: JSON, style: Style) -> list[str]:
    groups = claim["evidence"]
    counts = " · ".join(f"{len(groups[s])} {s}" for s in V.STANCES)
    out = [style.bold("Evidence") + f": {counts}"]
    if not any(groups.values()):
        out.append("  no evidence lines: no study in the graph bears on this claim")
    for stance in V.STANCES:
        if groups[stance]:
            out.append("")
            out.append(_stance_title(stance, len(groups[stance]), style))
            for line in groups[stance]:
                out += _evidence_lines(line, style)
    return out


def _keys(keys: list[str]) -> str:
    return ", ".join(keys)


def _citation_section(claim: JSON, style: Style) -> list[str]:
    c = claim["citations"]
    out = []
    if not c["article_cites"]:
        if c["evidence_not_cited"]:
            text = ("The article cites no study for this claim; the evidence above was found "
                    "for the graph.")
        else:
            text = "The article cites no study for this claim."
    else:
        text = f"The article cites {_keys(c['article_cites'])}."
        if c["cited_in_evidence"] and not c["cited_not_in_evidence"]:
            text += (" It is in the evidence above." if len(c["article_cites"]) == 1
                     else " All of them are in the evidence above.")
        elif c["cited_in_evidence"]:
            text += (f" In the evidence above: {_keys(c['cited_in_evidence'])}; not in it: "
                     f"{_keys(c['cited_not_in_evidence'])}.")
        else:
            text += (" It is not in the evidence above." if len(c["article_cites"]) == 1
                     else " None of them is in the evidence above.")
        if c["evidence_not_cited"]:
            text += f" Evidence the article does not cite: {_keys(c['evidence_not_cited'])}."
    out += style.wrap(text, 2, first=style.bold("Citations") + ": ")
    for issue in c["citation_issues"]:
        where = "cited for this claim" if issue["cited_for_claim"] else "not cited for this claim"
        msg = (f"{issue['study']} ({issue['citation']}, {where}): the article gives the "
               f"{issue['field']} as \"{issue['cited']}\"; it is \"{issue['actual']}\".")
        if issue["note"]:
            msg += f" {issue['note']}"
        out += style.wrap(msg, 4, first="  " + style.paint("citation issue:", "yellow") + " ")
    return out


def _assessment_lines(claim: JSON, style: Style) -> list[str]:
    out = [f"{style.bold('Rating')}: {claim['rating']}   "
           f"{style.bold('Status')}: {_status_text(claim['status'], style)}"
           + (f"   {style.bold('Citation')}: {claim['citation_state']}"
              if claim["citation_state"] else "")]
    for reason in claim["reasons"]:
        out += style.wrap(reason, 4, first="  - ")
    return out


def _notes_lines(claim: JSON, style: Style) -> list[str]:
    out = []
    if claim["justification"]:
        out += style.wrap(claim["justification"], 2,
                          first=style.bold("Curator's justification") + ": ")
    if claim["notes"]:
        out += style.wrap(claim["notes"], 2, first=style.bold("Notes") + ": ")
    return out


def _claim_head(claim: JSON, style: Style) -> list[str]:
    out = [style.bold(claim["id"])]
    out += style.wrap(claim["statement"], 2)
    quals = [f"{k}: {claim[k]}" for k in ("population", "context", "dose", "duration")
             if claim.get(k)]
    triple = _triple_text(claim)
    if claim.get("outcome"):
        triple += f" on {claim['outcome']['label']}"
    line = " · ".join([triple, *quals])
    out += style.wrap(line, 4, first="  ")
    kind = claim.get("claim_kind", "effect")
    if kind == "recommendation":
        who = ", ".join(r["citation"] for r in claim["recommended_by"]) or "the article"
        out += style.wrap(f"recommendation, advised by {who}", 4, first="  ")
    elif kind != "effect":
        out.append(f"  {'open question' if kind == 'question' else kind}")
    if claim["source"] is None:
        out.append("  added by the curator (the article does not state it)")
    else:
        stated = f"{claim['certainty']}, " if claim["certainty"] else ""
        out += style.wrap(f"the article: {stated}{claim['source']['text']}", 4, first="  ")
    return out


def render_studies(data: JSON, style: Style) -> str:
    out: list[str] = []
    if data["matches"]:
        out.append(f"Claims matching \"{data['query']}\":")
        rows = []
        for i, m in enumerate(data["matches"]):
            rows.append(["→" if i == 0 else " ", m["id"], f"{m['score']:.2f}", m["statement"]])
        out += table(rows, style, indent=2)
        chosen = data["matches"][0]["id"]
        hint = f"chosen: {chosen}"
        if len(data["matches"]) > 1:
            tied = [m["id"] for m in data["matches"][1:]
                    if m["score"] == data["matches"][0]["score"]]
            if tied:
                hint += f" (tied with {_keys(tied)})"
            hint += "; pick another with `kg studies ID`"
        out.append(style.dim(hint))
        out.append("")
    claim = data["claim"]
    out += _claim_head(claim, style)
    out.append("")
    out += _evidence_section(claim, style)
    out.append("")
    out += _assessment_lines(claim, style)
    out += _citation_section(claim, style)
    out += _notes_lines(claim, style)
    return "\n".join(out) + "\n"


def study_list_data(corpus: Corpus, rows: list[tuple[str, bool, int, int]],
                    filters: JSON) -> JSON:
    """``kg studies`` without a claim: the studies of ``rows`` (Index.study_listing)."""
    out = []
    for key, listed, claims, cited_for in rows:
        study = corpus.studies[key]
        ref = corpus.references.get(key)
        out.append({
            "key": key, "citation": citation(corpus, key),
            "title": ref.fields.get("title") if ref is not None else None,
            "design": study.design, "starts": start_of_study(study), "n": study.n,
            "population": study.population, "in_article_references": listed,
            "cited": listed or cited_for > 0, "claims": claims,
        })
    return {"filters": filters, "studies": out}


def render_study_list(data: JSON, style: Style) -> str:
    rows = [[s["key"], s["design"], s["starts"] or "-",
             "-" if s["n"] is None else str(s["n"]), "yes" if s["cited"] else "no",
             str(s["claims"]), s["citation"] + (f": {s['title']}" if s["title"] else "")]
            for s in data["studies"]]
    if not rows:
        return ""
    lines = table(rows, style, header=["STUDY", "DESIGN", "STARTS", "N", "CITED", "CLAIMS",
                                       "REFERENCE"])
    return "\n".join(lines) + "\n"


# -- kg claims --------------------------------------------------------------------------------


def claims_data(corpus: Corpus, claims: Iterable[Claim], filters: JSON) -> JSON:
    return claims_payload([claim_summary(corpus, c) for c in claims], filters)


def claims_payload(summaries: list[JSON], filters: JSON) -> JSON:
    """The answer to ``kg claims`` from claim summaries already made (:func:`summary_data`)."""
    return {"filters": filters, "claims": summaries}


def render_claims(data: JSON, style: Style) -> str:
    rows = [[c["id"], c["status"], c["rating"], c["certainty"] or "-", c["statement"]]
            for c in data["claims"]]
    if not rows:
        return ""
    lines = table(rows, style, header=["CLAIM", "STATUS", "RATING", "CERTAINTY", "STATEMENT"],
                  painters=[None, lambda s: STATUS_STYLE.get(s, ()), None, None, None])
    return "\n".join(lines) + "\n"


# -- kg show ----------------------------------------------------------------------------------




def entity_data(corpus: Corpus, entity: Entity, claims_out: list[JSON] | None = None,
                claims_in: list[JSON] | None = None) -> JSON:
    """An entity's card. ``claims_out`` and ``claims_in`` (claim summaries, file order) are
    computed from ``corpus`` unless given (the question index gives them)."""
    if claims_out is None:
        claims_out = [claim_summary(corpus, c) for c in corpus.claims.values()
                      if c.subject == entity.id]
    if claims_in is None:
        claims_in = [claim_summary(corpus, c) for c in corpus.claims.values()
                     if c.object == entity.id]
    return {
        "kind": "entity",
        "id": entity.id,
        "label": entity.label,
        "role": entity.role,
        "entity_kind": entity.kind,
        "description": entity.description,
        "xrefs": list(entity.xrefs),
        "synonyms": list(entity.synonyms),
        "defined_at": str(entity.span),
        "claims_out": claims_out,
        "claims_in": claims_in,
    }


def render_entity(data: JSON, style: Style) -> str:
    out = [f"{style.bold(data['id'])}  {data['label']}"]
    out.append(f"  role: {data['role']} · kind: {data['entity_kind']}")
    if data["description"]:
        out += style.wrap(data["description"], 4, first="  description: ")
    out += style.wrap(_keys(data["xrefs"]) or "none", 4, first="  xrefs: ")
    out += style.wrap(_keys(data["synonyms"]) or "none", 4, first="  synonyms: ")
    out.append(style.dim(f"  defined at {data['defined_at']}"))
    painters = [None, None, None, lambda s: STATUS_STYLE.get(s, ()), None]
    for key, title, end in (("claims_out", "Claims from", "object"),
                            ("claims_in", "Claims into", "subject")):
        claims = data[key]
        out.append("")
        out.append(style.bold(f"{title} {data['label']} ({len(claims)})"))
        if not claims:
            out.append("  none")
            continue
        rows = []
        for c in claims:
            other = c[end]["label"]
            link = f"{c['predicate']} {other}" if end == "object" else f"{other} {c['predicate']}"
            rows.append([c["id"], link, c["certainty"] or "-", c["status"], c["rating"]])
        out += table(rows, style, indent=2, painters=painters)
    return "\n".join(out) + "\n"


def render_claim(data: JSON, style: Style) -> str:
    out = _claim_head(data, style)
    src = data["source"]
    if src and src["incipit"]:
        title = src["section_title"] or src["section"]
        out += style.wrap(f"\"{src['incipit']}…\" ({title})", 4, first="  paragraph: ")
    sign = data["predicate_sign"] or "none"
    out.append(f"  predicate: {data['predicate']} (sign {sign}, {data['predicate_mode']})")
    if data["superseded_by"]:
        out.append(f"  superseded by: {data['superseded_by']}")
    for ack in data["acknowledges"]:
        out += style.wrap(f"{ack['claim']}: {ack['reason']}", 4,
                          first="  acknowledged conflict with ")
    out.append(style.dim(f"  defined at {data['defined_at']}"))
    out.append("")
    out += _evidence_section(data, style)
    out.append("")
    out += _assessment_lines(data, style)
    out += _citation_section(data, style)
    out += _notes_lines(data, style)
    return "\n".join(out) + "\n"


BIB_FIELDS = ("author", "title", "journal", "booktitle", "publisher", "year", "volume",
              "number", "pages", "doi", "pmid", "pmcid", "url")


def study_bearing(summary: JSON, stances: list[str], cited: bool) -> JSON:
    """A claim a study bears on: its summary, the study's stances on it, whether cited."""
    return {**summary, "stances": stances, "article_cites": cited}


def study_data(corpus: Corpus, study: Study, bears: list[JSON] | None = None) -> JSON:
    """A study's card. ``bears`` (:func:`study_bearing` rows, file order) is computed from
    ``corpus`` unless given (the question index gives it)."""
    ref = corpus.references.get(study.key)
    if bears is None:
        bears = []
        for c in corpus.claims.values():
            stances = [ev.stance for ev in c.evidence if ev.study == study.key]
            cited = study.key in c.article_cites
            if stances or cited:
                bears.append(study_bearing(claim_summary(corpus, c), stances, cited))
    listed = corpus.article is not None and study.key in corpus.article.references
    return {
        "kind": "study",
        "key": study.key,
        "citation": citation(corpus, study.key),
        "reference": (
            {"type": ref.type, "fields": {k: ref.fields[k] for k in sorted(ref.fields)},
             "authors": list(ref.authors), "defined_at": str(ref.span)}
            if ref is not None else None
        ),
        "design": study.design,
        "starts": start_of_study(study),
        "pooled": pooled_data(study),
        "verified": study.verified,
        "population": study.population,
        "n": study.n,
        "duration": study.duration,
        "findings": study.findings,
        "registration": study.registration,
        "notes": study.notes,
        "citation_issues": [
            {"field": ci.field, "cited": ci.cited, "actual": ci.actual, "note": ci.note}
            for ci in study.citation_issues
        ],
        "errata": [{"note": e.note, "doi": e.doi} for e in study.errata],
        "in_article_references": listed,
        "claims": bears,
        "defined_at": str(study.span),
    }


def render_study(data: JSON, style: Style) -> str:
    out = [f"{style.bold(data['key'])}  {data['citation']}"]
    ref = data["reference"]
    if ref is None:
        out.append("  no entry in references.bib")
    else:
        fields = ref["fields"]
        for name in BIB_FIELDS:
            if name in fields:
                value = "; ".join(ref["authors"]) if name == "author" else fields[name]
                out += style.wrap(value, 4, first=f"  {name}: ")
    out.append("")
    design = data["design"]
    if data["pooled"]:
        pooled = data["pooled"]
        n = f"{pooled['studies']} " if pooled["studies"] else ""
        design += f" of {n}{'/'.join(pooled['designs'])} studies"
    out.append(f"  design: {design} (evidence from it starts {data['starts']})")
    for key in ("population", "n", "duration", "registration", "verified"):
        if data[key] is not None:
            out += style.wrap(str(data[key]), 4, first=f"  {key}: ")
    out += style.wrap(data["findings"], 4, first="  findings: ")
    if data["notes"]:
        out += style.wrap(data["notes"], 4, first="  notes: ")
    listed = "yes" if data["in_article_references"] else "no"
    out.append(f"  in the article's reference list: {listed}")
    out.append(style.dim(f"  defined at {data['defined_at']}"))
    if data["citation_issues"]:
        out.append("")
        out.append(style.paint(f"Citation issues ({len(data['citation_issues'])})", "bold",
                               "yellow"))
        for ci in data["citation_issues"]:
            msg = f"the article gives the {ci['field']} as \"{ci['cited']}\"; it is " \
                  f"\"{ci['actual']}\"."
            if ci["note"]:
                msg += f" {ci['note']}"
            out += style.wrap(msg, 4, first="  - ")
    if data["errata"]:
        out.append("")
        out.append(style.bold(f"Errata ({len(data['errata'])})"))
        for e in data["errata"]:
            msg = e["note"] + (f" (doi {e['doi']})" if e["doi"] else "")
            out += style.wrap(msg, 4, first="  - ")
    out.append("")
    out.append(style.bold(f"Claims it bears on ({len(data['claims'])})"))
    if not data["claims"]:
        out.append("  none")
    rows = []
    for c in data["claims"]:
        stance = ", ".join(c["stances"]) or "-"
        cited = "cited" if c["article_cites"] else ""
        rows.append([c["id"], stance, cited, c["statement"]])
    out += table(rows, style, indent=2,
                 painters=[None, lambda s: STANCE_STYLE.get(s, ()), None, None])
    return "\n".join(out) + "\n"


def render_show(data: JSON, style: Style) -> str:
    if data["kind"] == "entity":
        return render_entity(data, style)
    if data["kind"] == "study":
        return render_study(data, style)
    return render_claim(data, style)


def show_claim_data(corpus: Corpus, claim: Claim) -> JSON:
    return {"kind": "claim", **claim_data(corpus, claim)}


# -- kg paths ---------------------------------------------------------------------------------


def paths_data(corpus: Corpus, source: Entity, target: Entity, chains: list[JSON], *,
               max_hops: int, include_all: bool, limit: int, total: int,
               truncated: bool, via: Entity | None = None) -> JSON:
    return {
        "from": entity_ref(corpus, source.id),
        "to": entity_ref(corpus, target.id),
        "via": entity_ref(corpus, via.id) if via else None,
        "max_hops": max_hops,
        "predicates": "all" if include_all else "causal",
        "limit": limit,
        "total": total,
        "truncated": truncated,
        "paths": chains,
    }


def _hop_lines(step: JSON, style: Style) -> list[str]:
    """One line for a hop of one claim; a head line and a line per claim for parallel ones."""
    claims = step["claims"]
    preds = sorted({c["predicate"] for c in claims})
    mark = " claims disagree on the sign" if step["conflicting"] else ""
    mark += " ← weakest" if step["weakest"] else ""

    def claim_text(c: JSON) -> str:
        curator = " (curator's link)" if c["origin"] == "curator" else ""
        return f"{c['claim']}{curator}  [{c['status']}, rated {c['rating']}]"

    head = f"     ↓ {' / '.join(preds)} ({step['sign']})"
    if len(claims) == 1:
        return [style.dim(f"{head}  {claim_text(claims[0])}{mark}")]
    return [style.dim(f"{head}, {len(claims)} claims{mark}"),
            *(style.dim(f"         {claim_text(c)}") for c in claims)]


def render_paths(data: JSON, style: Style) -> str:
    kinds = "all claims" if data["predicates"] == "all" else "causal claims"
    shown = len(data["paths"])
    total = f"{data['total']}{'+' if data['truncated'] else ''}"
    via = f" through {data['via']['label']}" if data.get("via") else ""
    head = (f"Chains from {data['from']['label']} to {data['to']['label']}{via} "
            f"({kinds}, up to {data['max_hops']} hops): ")
    if not data["total"]:
        head += "none found"
    elif shown < data["total"]:
        head += f"{total} found, showing the {shown} strongest"
    else:
        head += f"{total} found"
    out = style.wrap(head)
    for i, p in enumerate(data["paths"], 1):
        w = p["weakest"]
        weak = f"{w['claim']} (rated {w['rating']}, {_status_text(w['status'], style)})"
        out.append("")
        out.append(style.bold(f"{i}. net sign {p['sign']}") +
                   f" · {p['hops']} hop{'s' if p['hops'] != 1 else ''} · weakest link: {weak}")
        out.append(f"   {p['entities'][0]['label']}")
        for step, ent in zip(p["steps"], p["entities"][1:], strict=False):
            out += _hop_lines(step, style)
            out.append(f"   {ent['label']}")
    if shown < data["total"]:
        out.append("")
        more = data["total"] - shown
        out += style.wrap(f"{more}{'+' if data['truncated'] else ''} more chain"
                          f"{'s' if more != 1 else ''} not shown: --limit {data['total']} "
                          "lists them, --via ENTITY narrows them, --format svg draws them")
    if not data["total"] and data["predicates"] == "causal":
        out.append(style.dim("try --all to follow associational and structural claims too, "
                             "or a larger --max-hops"))
    return "\n".join(out) + "\n"


# -- kg stats ---------------------------------------------------------------------------------


def render_stats(data: JSON, style: Style) -> str:
    t = data["totals"]
    totals = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in t.items())
    out = [style.bold("Totals") + ": " + totals]
    for key, title in (("entities_by_role", "Entities by role"),
                       ("claims_by_kind", "Claims by kind"),
                       ("claims_by_origin", "Claims by origin"),
                       ("claims_by_status", "Claims by evidence status"),
                       ("claims_by_rating", "Claims by evidence rating"),
                       ("claims_by_citation_state", "Article claims by citation state"),
                       ("claims_by_certainty", "Claims by stated certainty"),
                       ("claims_by_predicate", "Claims by predicate"),
                       ("evidence_by_stance", "Evidence lines by stance"),
                       ("evidence_by_design", "Evidence lines by study design"),
                       ("studies_by_design", "Studies by design")):
        out.append("")
        out.append(style.bold(title))
        counts = data[key]
        width = max((len(k) for k in counts), default=0)
        out += [f"  {k.ljust(width)}  {v:>5}" for k, v in counts.items()] or ["  none"]
    return "\n".join(out) + "\n"


__all__ = [
    "STATUSES", "claim_data", "claim_summary", "claims_data", "entity_data", "render_claims",
    "render_show", "render_stats", "render_studies", "show_claim_data", "statistic_text",
    "studies_data", "study_data",
]
