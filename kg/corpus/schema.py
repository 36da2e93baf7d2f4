"""Turn loaded YAML (PosDict / PosList) into model objects, reporting schema problems.

Codes: KG007 structure, KG101 missing field, KG102 wrong type, KG103 value outside a
vocabulary, KG104 unknown field, KG105 bad id, KG106 impossible value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg.corpus import vocabulary as V
from kg.corpus.model import (
    Acknowledgement,
    Article,
    CitationIssue,
    Claim,
    Entity,
    Erratum,
    Evidence,
    Paragraph,
    Pooled,
    SourceLocator,
    Span,
    Statistic,
    Study,
)
from kg.corpus.yamlfile import Mark, NeedPositions, PosDict, PosList
from kg.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from kg.corpus.fastyaml import Positions

#: Stands in ``Reader.invalid`` for a dropped record that has no usable id.
UNNAMED = "<unnamed>"
ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_P_BOUND = re.compile(r"^\s*[<>≤≥=]\s*(0?\.\d+|1(\.0+)?|\d\.\d+e-?\d+)\s*$")

_TYPE_NAMES = {
    str: "a string", int: "an integer", float: "a number", bool: "true or false",
    list: "a list", dict: "a mapping", type(None): "empty",
}


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


def type_name(value: Any) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t or (t is dict and isinstance(value, dict)) or (
            t is list and isinstance(value, list)
        ):
            return name
    return type(value).__name__


#: Characters no corpus text may hold: control characters other than tab and line ends,
#: non-characters U+FFFE/U+FFFF, and lone surrogates (from escapes such as "\ud800").
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _bad_char(text: str) -> str:
    m = _BAD_TEXT.search(text)
    assert m is not None
    c = ord(m.group(0))
    kind = "a lone surrogate" if 0xD800 <= c <= 0xDFFF else "a control character"
    return f"{kind} (U+{c:04X})"


class Reader:
    """Collects diagnostics for one file while fields are read from it.

    Over data from the fast path (kg.corpus.fastyaml), ``positions`` is that file's
    :class:`~kg.corpus.fastyaml.Positions`: spans are then lazy, and the first problem raises
    :class:`NeedPositions` instead of being reported.
    """

    def __init__(self, file: str, positions: Positions | None = None) -> None:
        self.file = file
        self.positions = positions
        #: fast-path text holds no character _BAD_TEXT finds (kg.corpus.fastyaml.declines)
        self.clean = positions is not None
        self.diags: list[Diagnostic] = []
        #: ids and keys of records that exist but were too broken to load; later checks
        #: treat them as known, so one mistake is not reported again as a missing name
        self.invalid: set[str] = set()

    def span(self, mark: Mark) -> Span:
        if self.positions is not None:
            return self.positions.span(mark)
        return Span(self.file, mark[0], mark[1])

    def error(self, mark: Mark, code: str, message: str, hint: str | None = None) -> None:
        if self.positions is not None:
            raise NeedPositions(code)
        self.diags.append(
            Diagnostic(self.file, mark[0], mark[1], code, Severity.ERROR, message, hint)
        )

    # -- shape -------------------------------------------------------------------------------
    def mapping(self, value: Any, mark: Mark, what: str) -> PosDict | None:
        if isinstance(value, PosDict):
            return value
        self.error(mark, "KG102", f"{what} must be a mapping, not {type_name(value)}")
        return None

    def fields(self, d: PosDict, spec: dict[str, bool], what: str,
               null_word_ok: tuple[str, ...] = ()) -> bool:
        """Report unknown keys and missing required ones; True when all required are there.

        Keys in ``null_word_ok`` count as present when their value is the word null.
        """
        for key in d:
            if key not in spec:
                self.error(d.key_mark(key), "KG104", f"unknown field '{key}' in {what}",
                           did_you_mean(key, spec) or f"allowed: {', '.join(spec)}")
        ok = True
        for key, required in spec.items():
            if key in null_word_ok and key in d.spelled_null:
                continue
            if required and (key not in d or d[key] is None):
                self.error(d.start, "KG101", f"{what} lacks required field '{key}'",
                           "add it; docs/format.md lists the required fields")
                ok = False
        return ok

    # -- scalars ------------------------------------------------------------------------------
    def text(self, d: PosDict, key: str, what: str) -> str | None:
        if key not in d or d[key] is None:
            return None
        value = d[key]
        if not isinstance(value, str):
            value = d.raw.get(key, value)  # 0123, 1:30, 1.10, yes: text as written
        if not isinstance(value, str):
            self.error(d.value_mark(key), "KG102",
                       f"'{key}' of {what} must be a string, not {type_name(value)}")
            return None
        text = value.strip()
        if not text:
            self.error(d.value_mark(key), "KG106", f"'{key}' of {what} is empty")
            return None
        if not self.clean and _BAD_TEXT.search(text):
            self.error(d.value_mark(key), "KG106", f"'{key}' of {what} holds "
                       f"{_bad_char(text)}, which corpus text may not hold",
                       "remove it (RDF and XML outputs cannot carry it)")
            return None
        return text

    def ident(self, d: PosDict, key: str, what: str) -> str | None:
        value = self.text(d, key, what)
        if value is None:
            return None
        if not ID_RE.match(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            self.error(d.value_mark(key), "KG105", f"id '{value}' is not kebab-case",
                       f"rename it, for example to '{suggestion}'" if suggestion else None)
            return None
        return value

    def choice(self, d: PosDict, key: str, options: Iterable[str], what: str) -> str | None:
        # a bare `null` reads as no value in YAML, but here it is a word someone meant
        value = "null" if key in d.spelled_null else self.text(d, key, what)
        if value is None:
            return None
        options = tuple(options)
        if value not in options:
            renamed = V.RENAMED.get((key, value))
            if renamed is not None:
                new_key, new_value = renamed
                why = " (YAML reads a bare null as no value)" if value == "null" else ""
                self.error(d.value_mark(key), "KG108",
                           f"{key} '{value}' is no longer a word of the format{why}",
                           f"write '{new_key}: {new_value}'"
                           + ("" if new_key == key else f" in place of '{key}: {value}'"))
                return None
            if key == "predicate":
                guess = V.suggest_predicate(value)
                hint = (f"did you mean '{guess}'?" if guess
                        else f"allowed: {', '.join(options)}")
            else:
                hint = did_you_mean(value, options) or f"allowed: {', '.join(options)}"
            self.error(d.value_mark(key), "KG103", f"unknown {key} '{value}' in {what}", hint)
            return None
        return value

    def integer(self, d: PosDict, key: str, what: str, minimum: int = 0) -> int | None:
        if key not in d or d[key] is None:
            return None
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(d.value_mark(key), "KG102",
                       f"'{key}' of {what} must be an integer, not {type_name(value)}")
            return None
        if value < minimum:
            self.error(d.value_mark(key), "KG106", f"'{key}' of {what} must be at least "
                                                   f"{minimum}, not {value}")
            return None
        return int(value)  # a plain int (the fast path's numbers remember their text)

    def number(self, d: PosDict, key: str, what: str) -> float | None:
        if key not in d or d[key] is None:
            return None
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(d.value_mark(key), "KG102",
                       f"'{key}' of {what} must be a number, not {type_name(value)}")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.error(d.value_mark(key), "KG106", f"'{key}' of {what} is not a finite number")
            return None
        return float(value)

    def seq(self, d: PosDict, key: str, what: str) -> PosList | None:
        if key not in d or d[key] is None:
            return None
        value = d[key]
        if not isinstance(value, PosList):
            self.error(d.value_mark(key), "KG102",
                       f"'{key}' of {what} must be a list, not {type_name(value)}")
            return None
        return value

    def text_list(self, d: PosDict, key: str, what: str) -> tuple[list[str], list[Span]]:
        items = self.seq(d, key, what)
        out: list[str] = []
        spans: list[Span] = []
        if items is None:
            return out, spans
        for i, item in enumerate(items):
            if not isinstance(item, str):
                item = items.raw.get(i, item)  # text as written, as in text()
            if not isinstance(item, str):
                self.error(items.item_mark(i), "KG102",
                           f"item {i + 1} of '{key}' in {what} must be a string, "
                           f"not {type_name(item)}")
                continue
            text = item.strip()
            if not text:
                self.error(items.item_mark(i), "KG106", f"item {i + 1} of '{key}' is empty")
                continue
            if not self.clean and _BAD_TEXT.search(text):
                self.error(items.item_mark(i), "KG106", f"item {i + 1} of '{key}' holds "
                           f"{_bad_char(text)}, which corpus text may not hold")
                continue
            out.append(text)
            spans.append(self.span(items.item_mark(i)))
        return out, spans

    def records(self, d: PosDict, key: str, what: str) -> list[tuple[PosDict, Mark]]:
        items = self.seq(d, key, what)
        if items is None:
            return []
        out = []
        for i, item in enumerate(items):
            m = self.mapping(item, items.item_mark(i), f"item {i + 1} of '{key}' in {what}")
            if m is not None:
                out.append((m, items.item_mark(i)))
        return out


# -- top level --------------------------------------------------------------------------------

TOP_KEYS = {"entities.yaml": "entities", "studies.yaml": "studies", "article.yaml": "article"}


def top_level(r: Reader, data: Any, expected: str) -> Any:
    """The value under the file's one top-level key, or None after a KG007."""
    hint = f"start the file with '{expected}:'"
    if not isinstance(data, PosDict):
        what = "empty" if data is None else type_name(data)
        r.error((1, 1), "KG007", f"expected a mapping with the top-level key '{expected}', "
                                 f"found {what}", hint)
        return None
    extra = [k for k in data if k != expected]
    for k in extra:
        r.error(data.key_mark(k), "KG007", f"unexpected top-level key '{k}' "
                                           f"(this file holds '{expected}')",
                did_you_mean(k, [expected]) or hint)
    if expected not in data:
        if not extra:
            r.error(data.start, "KG007", f"missing the top-level key '{expected}'", hint)
        return None
    return data[expected]


# -- entities ---------------------------------------------------------------------------------

ENTITY_FIELDS = {"id": True, "label": True, "role": True, "kind": True, "xrefs": False,
                 "synonyms": False, "description": False}


def read_entities(r: Reader, data: Any) -> list[Entity]:
    body = top_level(r, data, "entities")
    if body is None:
        return []
    if not isinstance(body, PosList):
        r.error(data.value_mark("entities"), "KG102",
                f"'entities' must be a list, not {type_name(body)}")
        return []
    out = []
    for i, raw in enumerate(body):
        d = r.mapping(raw, body.item_mark(i), f"entity {i + 1}")
        if d is None:
            continue
        what = f"entity '{d.get('id')}'" if isinstance(d.get("id"), str) else f"entity {i + 1}"
        complete = r.fields(d, ENTITY_FIELDS, what)
        eid = r.ident(d, "id", what)
        label = r.text(d, "label", what)
        role = r.choice(d, "role", V.ROLES, what)
        kind = r.choice(d, "kind", V.KINDS, what)
        xrefs, xref_spans = r.text_list(d, "xrefs", what)
        synonyms, _ = r.text_list(d, "synonyms", what)
        description = r.text(d, "description", what)
        if complete and eid and label and role and kind:
            out.append(Entity(eid, label, role, kind, r.span(d.key_mark("id")), tuple(xrefs),
                              tuple(synonyms), description, tuple(xref_spans)))
        else:
            r.invalid.add(d["id"] if isinstance(d.get("id"), str) else UNNAMED)
    return out


# -- studies ----------------------------------------------------------------------------------

STUDY_FIELDS = {"design": True, "population": True, "n": False, "duration": False,
                "findings": True, "pooled": False, "citation_issues": False, "errata": False,
                "registration": False, "verified": False, "notes": False}
POOLED_FIELDS = {"designs": True, "studies": False}
#: designs that pool other studies, and so record what they pooled
POOLING_DESIGNS = ("meta-analysis", "systematic-review")
ISSUE_FIELDS = {"field": True, "cited": True, "actual": True, "note": False}
ERRATUM_FIELDS = {"doi": False, "note": True}


def read_studies(r: Reader, data: Any) -> list[Study]:
    body = top_level(r, data, "studies")
    if body is None:
        return []
    if not isinstance(body, PosDict):
        r.error(data.value_mark("studies"), "KG102",
                f"'studies' must be a mapping from reference key to record, "
                f"not {type_name(body)}")
        return []
    out = []
    for key in body:
        what = f"study '{key}'"
        d = r.mapping(body[key], body.value_mark(key), what)
        if d is None:
            continue
        complete = r.fields(d, STUDY_FIELDS, what)
        design = r.choice(d, "design", V.DESIGNS, what)
        population = r.text(d, "population", what)
        findings = r.text(d, "findings", what)
        n = r.integer(d, "n", what)
        duration = r.text(d, "duration", what)
        registration = r.text(d, "registration", what)
        notes = r.text(d, "notes", what)
        verified = r.text(d, "verified", what)
        pooled = _pooled(r, d, what, design)
        issues = []
        for item, _ in r.records(d, "citation_issues", what):
            iw = f"citation issue of {what}"
            if not r.fields(item, ISSUE_FIELDS, iw):
                continue
            field = r.choice(item, "field", V.CITATION_FIELDS, iw)
            cited, actual = r.text(item, "cited", iw), r.text(item, "actual", iw)
            if field and cited and actual:
                issues.append(CitationIssue(field, cited, actual, r.text(item, "note", iw)))
        errata = []
        for item, _ in r.records(d, "errata", what):
            ew = f"erratum of {what}"
            if not r.fields(item, ERRATUM_FIELDS, ew):
                continue
            note = r.text(item, "note", ew)
            if note:
                errata.append(Erratum(note, r.text(item, "doi", ew)))
        if complete and design and population and findings:
            out.append(Study(str(key), design, population, findings, r.span(body.key_mark(key)),
                             n, duration, tuple(issues), tuple(errata), registration, notes,
                             pooled, verified))
        else:
            r.invalid.add(str(key))
    return out


def _pooled(r: Reader, d: PosDict, what: str, design: str | None) -> Pooled | None:
    if "pooled" not in d or d["pooled"] is None:
        return None
    pw = f"'pooled' of {what}"
    if design is not None and design not in POOLING_DESIGNS:
        r.error(d.key_mark("pooled"), "KG110", f"{pw}: only a meta-analysis or systematic "
                                               f"review pools studies, and this is '{design}'",
                "remove 'pooled', or correct the design")
        return None
    p = r.mapping(d["pooled"], d.value_mark("pooled"), pw)
    if p is None or not r.fields(p, POOLED_FIELDS, pw):
        return None
    designs, _ = r.text_list(p, "designs", pw)
    unknown = [x for x in designs if x not in V.POOLED_DESIGNS]
    if unknown:
        r.error(p.value_mark("designs"), "KG103",
                f"unknown pooled design '{unknown[0]}' in {pw}",
                did_you_mean(unknown[0], V.POOLED_DESIGNS)
                or f"allowed: {', '.join(V.POOLED_DESIGNS)}")
        return None
    if not designs:
        r.error(p.value_mark("designs"), "KG106", f"{pw} names no design")
        return None
    # a set of designs: kept in the vocabulary's order, as the graph gives them back
    ordered = sorted(dict.fromkeys(designs), key=V.POOLED_DESIGNS.index)
    return Pooled(tuple(ordered), r.integer(p, "studies", pw, minimum=1))


# -- article outline ---------------------------------------------------------------------------

ARTICLE_FIELDS = {"title": True, "references": False, "sections": True}
SECTION_FIELDS = {"id": True, "title": True, "paragraphs": True}
PARAGRAPH_FIELDS = {"n": True, "kind": True, "incipit": True}


def read_article(r: Reader, data: Any) -> Article | None:
    body = top_level(r, data, "article")
    if body is None:
        return None
    d = r.mapping(body, data.value_mark("article"), "'article'")
    if d is None:
        return None
    complete = r.fields(d, ARTICLE_FIELDS, "the article")
    title = r.text(d, "title", "the article")
    refs, ref_spans = r.text_list(d, "references", "the article")
    paragraphs: list[Paragraph] = []
    titles: dict[str, str] = {}
    for sec, _ in r.records(d, "sections", "the article"):
        sw = f"section '{sec.get('id')}'"
        if not r.fields(sec, SECTION_FIELDS, sw):
            continue
        sid = r.ident(sec, "id", sw)
        stitle = r.text(sec, "title", sw)
        if sid is None:
            continue
        if sid in titles:
            r.error(sec.value_mark("id"), "KG201", f"duplicate section id '{sid}'")
            continue
        titles[sid] = stitle or sid
        seen: set[int] = set()
        for p, pmark in r.records(sec, "paragraphs", sw):
            pw = f"a paragraph of section '{sid}'"
            if not r.fields(p, PARAGRAPH_FIELDS, pw):
                continue
            n = r.integer(p, "n", pw, minimum=1)
            kind = r.choice(p, "kind", V.PARAGRAPH_KINDS, pw)
            incipit = r.text(p, "incipit", pw)
            if n is None or kind is None or incipit is None:
                continue
            if n in seen:
                r.error(p.value_mark("n"), "KG201", f"duplicate paragraph {n} in section "
                                                    f"'{sid}'")
                continue
            seen.add(n)
            paragraphs.append(Paragraph(sid, n, kind, incipit, r.span(pmark)))
    if not complete or title is None:
        return None
    return Article(title, tuple(refs), tuple(paragraphs), r.span(d.start), titles,
                   tuple(ref_spans))


# -- claims -----------------------------------------------------------------------------------

CLAIM_FIELDS = {"id": True, "kind": False, "origin": False, "statement": True,
                "subject": True, "predicate": True, "object": True, "outcome": False,
                "population": False, "context": False, "dose": False, "duration": False,
                "certainty": False, "source": False, "justification": False,
                "recommended_by": False, "article_cites": False, "evidence": False,
                "superseded_by": False, "acknowledges": False, "notes": False}
#: fields only some claims may have: field -> (the condition, in words; the test)
KIND_FIELDS: dict[str, tuple[str, Any]] = {
    "outcome": ("an effect modification (kind: modification)",
                lambda kind, origin: kind == "modification"),
    "recommended_by": ("a recommendation (kind: recommendation)",
                       lambda kind, origin: kind == "recommendation"),
    "certainty": ("a claim that states something; a question states nothing",
                  lambda kind, origin: kind != "question"),
    "justification": ("a curator's claim (origin: curator)",
                      lambda kind, origin: origin == "curator"),
}
SOURCE_FIELDS = {"section": True, "paragraph": True, "row": False, "column": False,
                 "item": False}
EVIDENCE_FIELDS = {"study": True, "stance": True, "finding": True, "locator": False,
                   "indirect": False, "statistics": False}
STAT_FIELDS = {"measure": True, "comparison": True, "value": False, "ci": False,
               "ci_level": False, "p": False, "unit": False, "groups": False}
ACK_FIELDS = {"claim": True, "reason": True}
#: claim fields whose position later checks need
_SPANNED = ("subject", "predicate", "object", "outcome", "source", "superseded_by", "kind")


def _statistic(r: Reader, d: PosDict, what: str) -> Statistic | None:
    complete = r.fields(d, STAT_FIELDS, what)
    measure = r.choice(d, "measure", V.MEASURES, what)
    comparison = r.text(d, "comparison", what)
    value = r.number(d, "value", what)
    unit = r.text(d, "unit", what)
    ci: tuple[float, float] | None = None
    raw_ci = d.get("ci")
    if raw_ci is not None:
        if (not isinstance(raw_ci, list) or len(raw_ci) != 2
                or not all(isinstance(x, int | float) and not isinstance(x, bool)
                           for x in raw_ci)):
            r.error(d.value_mark("ci"), "KG102", f"'ci' of {what} must be a list of two "
                                                 "numbers, [low, high]")
        else:
            low, high = float(raw_ci[0]), float(raw_ci[1])
            if low > high:
                r.error(d.value_mark("ci"), "KG106",
                        f"confidence interval [{raw_ci[0]}, {raw_ci[1]}] is reversed")
            elif value is not None and not low <= value <= high:
                r.error(d.value_mark("ci"), "KG106",
                        f"estimate {d['value']} lies outside its confidence interval "
                        f"[{raw_ci[0]}, {raw_ci[1]}]")
            else:
                ci = (low, high)
    ci_level = r.number(d, "ci_level", what)
    if ci_level is not None and not 0 < ci_level < 1:
        r.error(d.value_mark("ci_level"), "KG106",
                f"'ci_level' must lie between 0 and 1 (0.95 for a 95% interval), not "
                f"{d['ci_level']}")
        ci_level = None
    p: float | str | None = None
    raw_p = d.get("p")
    if raw_p is not None:
        if isinstance(raw_p, int | float) and not isinstance(raw_p, bool):
            if not 0 <= raw_p <= 1:
                r.error(d.value_mark("p"), "KG106", f"p-value {raw_p} is not between 0 and 1")
            else:
                p = float(raw_p)
        elif isinstance(raw_p, str) and _P_BOUND.match(raw_p):
            p = raw_p.strip()
        else:
            r.error(d.value_mark("p"), "KG102",
                    f"'p' of {what} must be a number or a bound such as \"<0.05\"")
    groups: list[tuple[str, float]] = []
    raw_groups = d.get("groups")
    if raw_groups is not None:
        if not isinstance(raw_groups, PosDict):
            r.error(d.value_mark("groups"), "KG102", f"'groups' of {what} must be a mapping "
                                                     "from arm to value")
        else:
            for arm in raw_groups:
                v = r.number(raw_groups, arm, f"groups of {what}")
                if v is not None:
                    groups.append((str(arm), v))
    if not complete or measure is None or comparison is None:
        return None
    return Statistic(measure, comparison, value, ci, ci_level or 0.95, p, unit, tuple(groups))


def _evidence(r: Reader, d: PosDict, what: str) -> Evidence | None:
    complete = r.fields(d, EVIDENCE_FIELDS, what, null_word_ok=("stance",))
    study = r.text(d, "study", what)
    stance = r.choice(d, "stance", V.STANCES, what)
    finding = r.text(d, "finding", what)
    locator = r.text(d, "locator", what)
    indirect = r.text(d, "indirect", what)
    stats = []
    for i, (sd, _) in enumerate(r.records(d, "statistics", what)):
        s = _statistic(r, sd, f"statistic {i + 1} of {what}")
        if s is not None:
            stats.append(s)
    if not complete or study is None or stance is None or finding is None:
        return None
    return Evidence(study, stance, finding, r.span(d.start), locator, tuple(stats),
                    r.span(d.value_mark("study")), indirect)


def _source(r: Reader, d: PosDict, what: str) -> SourceLocator | None:
    raw = d.get("source")
    if raw is None:
        return None
    s = r.mapping(raw, d.value_mark("source"), f"'source' of {what}")
    if s is None:
        return None
    sw = f"the source of {what}"
    complete = r.fields(s, SOURCE_FIELDS, sw)
    section = r.text(s, "section", sw)
    paragraph = r.integer(s, "paragraph", sw, minimum=1)
    row, column, item = r.text(s, "row", sw), r.text(s, "column", sw), r.text(s, "item", sw)
    if not complete or section is None or paragraph is None:
        return None
    return SourceLocator(section, paragraph, row, column, item)


def read_claims(r: Reader, data: Any) -> list[Claim]:
    body = top_level(r, data, "claims")
    if body is None:
        return []
    if not isinstance(body, PosList):
        r.error(data.value_mark("claims"), "KG102",
                f"'claims' must be a list, not {type_name(body)}")
        return []
    out = []
    pos = r.positions
    for i, raw in enumerate(body):
        if pos is not None and isinstance(raw, PosDict):
            found = _fast_claim(pos, raw)
            if found is not None:
                out.append(found)
                continue
        d = r.mapping(raw, body.item_mark(i), f"claim {i + 1}")
        if d is None:
            continue
        what = f"claim '{d.get('id')}'" if isinstance(d.get("id"), str) else f"claim {i + 1}"
        claim = _claim(r, d, what)
        if claim is None:
            r.invalid.add(d["id"] if isinstance(d.get("id"), str) else UNNAMED)
        else:
            out.append(claim)
    return out


def _claim(r: Reader, d: PosDict, what: str) -> Claim | None:
    complete = r.fields(d, CLAIM_FIELDS, what)
    cid = r.ident(d, "id", what)
    kind = r.choice(d, "kind", V.CLAIM_KINDS, what) if "kind" in d else "effect"
    origin = r.choice(d, "origin", V.ORIGINS, what) if "origin" in d else "article"
    statement = r.text(d, "statement", what)
    subject = r.text(d, "subject", what)
    predicate = r.choice(d, "predicate", V.PREDICATES, what)
    obj = r.text(d, "object", what)
    certainty = r.choice(d, "certainty", V.CERTAINTIES, what)
    source = _source(r, d, what)
    if kind is not None and origin is not None:
        complete &= _kind_rules(r, d, what, kind, origin, predicate)
    cites, cite_spans = r.text_list(d, "article_cites", what)
    recommended_by, _ = r.text_list(d, "recommended_by", what)
    evidence = []
    for j, (ed, _) in enumerate(r.records(d, "evidence", what)):
        ev = _evidence(r, ed, f"evidence {j + 1} of {what}")
        if ev is not None:
            evidence.append(ev)
    acks = []
    for ad, _ in r.records(d, "acknowledges", what):
        aw = f"an acknowledgement in {what}"
        if r.fields(ad, ACK_FIELDS, aw):
            other, reason = r.text(ad, "claim", aw), r.text(ad, "reason", aw)
            if other and reason:
                acks.append(Acknowledgement(other, reason, r.span(ad.value_mark("claim"))))
    optional = {k: r.text(d, k, what) for k in
                ("population", "context", "dose", "duration", "superseded_by", "notes",
                 "justification", "outcome")}
    if not (complete and cid and kind and origin and statement and subject and predicate
            and obj and (certainty or kind == "question")
            and (source or origin == "curator")):
        return None
    spans = {k: r.span(d.value_mark(k)) for k in _SPANNED if k in d}
    return Claim(
        cid, statement, subject, predicate, obj, certainty or "", source,
        r.span(d.key_mark("id")), optional["population"], optional["context"],
        optional["dose"], optional["duration"], tuple(cites), tuple(evidence),
        optional["superseded_by"], tuple(acks), optional["notes"], spans,
        tuple(cite_spans), kind, origin, optional["justification"], tuple(recommended_by),
        optional["outcome"],
    )


def _kind_rules(r: Reader, d: PosDict, what: str, kind: str, origin: str,
                predicate: str | None) -> bool:
    """The fields and predicates a claim's kind and origin call for; False if one is missing."""
    ok = True
    for key, (who, allowed) in KIND_FIELDS.items():
        if key in d and not allowed(kind, origin):
            r.error(d.key_mark(key), "KG110", f"'{key}' is only for {who}; {what} is of "
                                              f"kind '{kind}' and origin '{origin}'",
                    f"remove '{key}', or change the claim's kind or origin")
    required = []
    if kind != "question":
        required.append(("certainty", "how firmly the article states it"))
    if origin == "article":
        required.append(("source", "where the article makes it (section and paragraph)"))
    else:
        required.append(("justification", "why the link holds, since the article does not "
                                          "state it"))
    if kind == "modification":
        required.append(("outcome", "the outcome whose effect the subject changes"))
    for key, why in required:
        if key not in d or (d[key] is None and key not in d.spelled_null):
            r.error(d.start, "KG101", f"{what} lacks required field '{key}' ({why})",
                    "add it; docs/format.md lists the fields of each kind of claim")
            ok = False
    pred = V.PREDICATES.get(predicate or "")
    if pred is not None and pred.mode not in V.KIND_MODES[kind]:
        fitting = [p.name for p in V.PREDICATES.values() if p.mode in V.KIND_MODES[kind]]
        owner = next(k for k, modes in V.KIND_MODES.items() if pred.mode in modes)
        r.error(d.value_mark("predicate"), "KG109",
                f"predicate '{predicate}' is for claims of kind '{owner}', and {what} is of "
                f"kind '{kind}'",
                f"set 'kind: {owner}', or use one of: {', '.join(fitting)}")
        ok = False
    return ok


# -- the fast path's common case ----------------------------------------------------------------
#
# Over data from the fast path (kg.corpus.fastyaml) the Reader reports nothing: its first
# problem sends the whole file to the reference loader. So a claim can be read there by
# straight-line code that only knows the common case: each function below gives exactly
# what the Reader's functions above give for a record in which they find no problem, and
# None (the Reader then reads the record, and reports) whenever it is not sure of that.
# tests/test_fast_yaml.py compares the two on every claim of the test corpora.

_CLAIM_KEYS = frozenset(CLAIM_FIELDS)
_CLAIM_REQUIRED = tuple(k for k, required in CLAIM_FIELDS.items() if required)
_SOURCE_KEYS = frozenset(SOURCE_FIELDS)
_EVIDENCE_KEYS = frozenset(EVIDENCE_FIELDS)
_STAT_KEYS = frozenset(STAT_FIELDS)
_ACK_KEYS = frozenset(ACK_FIELDS)
_CLAIM_KINDS = frozenset(V.CLAIM_KINDS)
_ORIGINS = frozenset(V.ORIGINS)
_CERTAINTIES = frozenset(V.CERTAINTIES)
_STANCES = frozenset(V.STANCES)
_MEASURES = frozenset(V.MEASURES)
#: (kind, origin) -> the fields such a claim may not have (KIND_FIELDS), and those it must
_KIND_FORBIDS = {(k, o): frozenset(f for f, (_, ok) in KIND_FIELDS.items() if not ok(k, o))
                 for k in V.CLAIM_KINDS for o in V.ORIGINS}
_KIND_NEEDS = {(k, o): (("certainty",) if k != "question" else ())
               + (("source",) if o == "article" else ("justification",))
               + (("outcome",) if k == "modification" else ())
               for k in V.CLAIM_KINDS for o in V.ORIGINS}
_OPTIONAL_TEXT = ("population", "context", "dose", "duration", "superseded_by", "notes",
                  "justification", "outcome")


def _fast_text(value: Any) -> str | None:
    """``Reader.text`` of a value that is not None, or None where it would report."""
    if value.__class__ is not str:
        value = getattr(value, "text", None)  # a number as written (fastyaml.LitInt)
        if value.__class__ is not str:
            return None
    value = value.strip()
    return value or None


def _fast_number(value: Any) -> float | None:
    """``Reader.number`` of a value that is not None, or None where it would report."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return float(value)


def _fast_texts(items: Any) -> list[str] | None:
    """``Reader.text_list``'s texts of a value that is not None, or None where it would
    report."""
    if not isinstance(items, PosList):
        return None
    out = []
    for item in items:
        text = _fast_text(item)
        if text is None:
            return None
        out.append(text)
    return out


def _fast_statistic(d: PosDict) -> Statistic | None:
    if not d.keys() <= _STAT_KEYS:
        return None
    measure, comparison = d.get("measure"), d.get("comparison")
    if measure is None or comparison is None:
        return None
    measure, comparison = _fast_text(measure), _fast_text(comparison)
    if measure not in _MEASURES or comparison is None:
        return None
    value: float | None = None
    unit: str | None = None
    ci: tuple[float, float] | None = None
    ci_level: float | None = None
    p: float | str | None = None
    groups: list[tuple[str, float]] = []
    raw = d.get("value")
    if raw is not None:
        value = _fast_number(raw)
        if value is None:
            return None
    raw = d.get("unit")
    if raw is not None:
        unit = _fast_text(raw)
        if unit is None:
            return None
    raw = d.get("ci")
    if raw is not None:
        if (not isinstance(raw, list) or len(raw) != 2
                or not all(isinstance(x, int | float) and not isinstance(x, bool)
                           for x in raw)):
            return None
        low, high = float(raw[0]), float(raw[1])
        if low > high or (value is not None and not low <= value <= high):
            return None
        ci = (low, high)
    raw = d.get("ci_level")
    if raw is not None:
        ci_level = _fast_number(raw)
        if ci_level is None or not 0 < ci_level < 1:
            return None
    raw = d.get("p")
    if raw is not None:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if not 0 <= raw <= 1:
                return None
            p = float(raw)
        elif isinstance(raw, str) and _P_BOUND.match(raw):
            p = raw.strip()
        else:
            return None
    raw = d.get("groups")
    if raw is not None:
        if not isinstance(raw, PosDict):
            return None
        for arm, v in raw.items():
            if v is None:
                continue
            number = _fast_number(v)
            if number is None:
                return None
            groups.append((str(arm), number))
    return Statistic(measure, comparison, value, ci, ci_level or 0.95, p, unit, tuple(groups))


def _fast_evidence(pos: Positions, d: Any) -> Evidence | None:
    if not d.keys() <= _EVIDENCE_KEYS:
        return None
    study, stance, finding = d.get("study"), d.get("stance"), d.get("finding")
    if study is None or stance is None or finding is None:
        return None
    study, stance, finding = _fast_text(study), _fast_text(stance), _fast_text(finding)
    if study is None or stance not in _STANCES or finding is None:
        return None
    locator = indirect = None
    raw = d.get("locator")
    if raw is not None:
        locator = _fast_text(raw)
        if locator is None:
            return None
    raw = d.get("indirect")
    if raw is not None:
        indirect = _fast_text(raw)
        if indirect is None:
            return None
    stats = []
    raw = d.get("statistics")
    if raw is not None:
        if not isinstance(raw, PosList):
            return None
        for item in raw:
            if not isinstance(item, PosDict):
                return None
            s = _fast_statistic(item)
            if s is None:
                return None
            stats.append(s)
    n = d.ordinal  # a FastDict (kg.corpus.fastyaml): its marks, as Reader.span finds them
    return Evidence(study, stance, finding, pos.at(n, 0), locator, tuple(stats),
                    pos.at(n, 2 + 2 * list(d).index("study")), indirect)


def _fast_source(raw: Any) -> SourceLocator | None:
    if not isinstance(raw, PosDict) or not raw.keys() <= _SOURCE_KEYS:
        return None
    section, paragraph = raw.get("section"), raw.get("paragraph")
    if section is None or paragraph is None:
        return None
    section = _fast_text(section)
    if (section is None or isinstance(paragraph, bool) or not isinstance(paragraph, int)
            or paragraph < 1):
        return None
    texts: list[str | None] = []
    for key in ("row", "column", "item"):
        value = raw.get(key)
        if value is not None:
            value = _fast_text(value)
            if value is None:
                return None
        texts.append(value)
    return SourceLocator(section, int(paragraph), texts[0], texts[1], texts[2])


def _fast_claim(pos: Positions, d: Any) -> Claim | None:
    """What :func:`_claim` gives for the FastDict ``d`` (kg.corpus.fastyaml) when it finds no
    problem there; None when unsure (then :func:`_claim` reads it)."""
    if not d.keys() <= _CLAIM_KEYS:
        return None
    for key in _CLAIM_REQUIRED:
        if d.get(key) is None:
            return None
    cid = _fast_text(d["id"])
    if cid is None or not ID_RE.match(cid):
        return None
    kind: str | None = "effect"
    origin: str | None = "article"
    if "kind" in d:
        kind = _fast_text(d["kind"]) if d["kind"] is not None else None
        if kind not in _CLAIM_KINDS:
            return None
    if "origin" in d:
        origin = _fast_text(d["origin"]) if d["origin"] is not None else None
        if origin not in _ORIGINS:
            return None
    assert kind is not None and origin is not None
    statement, subject = _fast_text(d["statement"]), _fast_text(d["subject"])
    predicate, obj = _fast_text(d["predicate"]), _fast_text(d["object"])
    if statement is None or subject is None or obj is None:
        return None
    pred = V.PREDICATES.get(predicate or "")
    if pred is None or pred.mode not in V.KIND_MODES[kind]:
        return None
    assert predicate is not None
    if not d.keys().isdisjoint(_KIND_FORBIDS[(kind, origin)]):
        return None
    for key in _KIND_NEEDS[(kind, origin)]:
        if d.get(key) is None:
            return None
    certainty = None
    if d.get("certainty") is not None:
        certainty = _fast_text(d["certainty"])
        if certainty not in _CERTAINTIES:
            return None
    source = None
    if d.get("source") is not None:
        source = _fast_source(d["source"])
        if source is None:
            return None
    cites: list[str] = []
    cite_spans: list[Span] = []
    raw = d.get("article_cites")
    if raw is not None:
        found = _fast_texts(raw)
        if found is None:
            return None
        cites = found
        cite_spans = [pos.span(raw.item_mark(i)) for i in range(len(found))]
    recommended_by: list[str] = []
    raw = d.get("recommended_by")
    if raw is not None:
        found = _fast_texts(raw)
        if found is None:
            return None
        recommended_by = found
    evidence = []
    raw = d.get("evidence")
    if raw is not None:
        if not isinstance(raw, PosList):
            return None
        for item in raw:
            if not isinstance(item, PosDict):
                return None
            ev = _fast_evidence(pos, item)
            if ev is None:
                return None
            evidence.append(ev)
    acks = []
    raw = d.get("acknowledges")
    if raw is not None:
        if not isinstance(raw, PosList):
            return None
        for ad in raw:
            if not isinstance(ad, PosDict) or not ad.keys() <= _ACK_KEYS:
                return None
            other, reason = ad.get("claim"), ad.get("reason")
            if other is None or reason is None:
                return None
            other, reason = _fast_text(other), _fast_text(reason)
            if other is None or reason is None:
                return None
            acks.append(Acknowledgement(other, reason, pos.span(ad.value_mark("claim"))))
    optional: dict[str, str | None] = {}
    for key in _OPTIONAL_TEXT:
        value = d.get(key)
        if value is not None:
            value = _fast_text(value)
            if value is None:
                return None
        optional[key] = value
    n = d.ordinal
    at = {k: i for i, k in enumerate(d)}
    spans = {k: pos.at(n, 2 + 2 * at[k]) for k in _SPANNED if k in at}
    return Claim(
        cid, statement, subject, predicate, obj, certainty or "", source,
        pos.at(n, 1 + 2 * at["id"]), optional["population"], optional["context"],
        optional["dose"], optional["duration"], tuple(cites), tuple(evidence),
        optional["superseded_by"], tuple(acks), optional["notes"], spans,
        tuple(cite_spans), kind, origin, optional["justification"], tuple(recommended_by),
        optional["outcome"],
    )



# -- field types ------------------------------------------------------------------------------
#
# What each field of each record holds: the one table the JSON Schemas (kg.corpus.jsonschemas,
# `kg schema`) are generated from, beside the field tables above that give the names and
# whether each is required. The readers above enforce the same types; a test plants a
# wrong value for every typed field and checks that the validator and the schema both
# refuse it. A field missing here is a test failure that names it.

#: A type: ("text",), ("id",), ("key",), ("curie",), ("integer", minimum), ("number",),
#: ("fraction",) for a number in (0, 1), ("p",), ("ci",), ("groups",), ("choice", values),
#: ("list", type), ("record", name), ("records", name), ("keyed", name) for a mapping from a
#: reference key to a record.
FieldType = tuple[Any, ...]

TEXT: FieldType = ("text",)

RECORDS: dict[str, dict[str, bool]] = {
    "entity": ENTITY_FIELDS,
    "study": STUDY_FIELDS,
    "pooled": POOLED_FIELDS,
    "citation_issue": ISSUE_FIELDS,
    "erratum": ERRATUM_FIELDS,
    "article": ARTICLE_FIELDS,
    "section": SECTION_FIELDS,
    "paragraph": PARAGRAPH_FIELDS,
    "claim": CLAIM_FIELDS,
    "source": SOURCE_FIELDS,
    "evidence": EVIDENCE_FIELDS,
    "statistic": STAT_FIELDS,
    "acknowledgement": ACK_FIELDS,
}

FIELD_TYPES: dict[str, dict[str, FieldType]] = {
    "entity": {
        "id": ("id",), "label": TEXT, "role": ("choice", V.ROLES),
        "kind": ("choice", V.KINDS), "xrefs": ("list", ("curie",)),
        "synonyms": ("list", TEXT), "description": TEXT,
    },
    "study": {
        "design": ("choice", V.DESIGNS), "population": TEXT, "n": ("integer", 0),
        "duration": TEXT, "findings": TEXT, "pooled": ("record", "pooled"),
        "citation_issues": ("records", "citation_issue"), "errata": ("records", "erratum"),
        "registration": TEXT, "verified": TEXT, "notes": TEXT,
    },
    "pooled": {"designs": ("list", ("choice", V.POOLED_DESIGNS)), "studies": ("integer", 1)},
    "citation_issue": {
        "field": ("choice", V.CITATION_FIELDS), "cited": TEXT, "actual": TEXT, "note": TEXT,
    },
    "erratum": {"doi": TEXT, "note": TEXT},
    "article": {
        "title": TEXT, "references": ("list", ("key",)), "sections": ("records", "section"),
    },
    "section": {"id": ("id",), "title": TEXT, "paragraphs": ("records", "paragraph")},
    "paragraph": {
        "n": ("integer", 1), "kind": ("choice", V.PARAGRAPH_KINDS), "incipit": TEXT,
    },
    "claim": {
        "id": ("id",), "kind": ("choice", V.CLAIM_KINDS), "origin": ("choice", V.ORIGINS),
        "statement": TEXT, "subject": TEXT, "predicate": ("choice", tuple(V.PREDICATES)),
        "object": TEXT, "outcome": TEXT, "population": TEXT,
        "context": TEXT, "dose": TEXT, "duration": TEXT,
        "certainty": ("choice", V.CERTAINTIES), "source": ("record", "source"),
        "justification": TEXT, "recommended_by": ("list", ("key",)),
        "article_cites": ("list", ("key",)), "evidence": ("records", "evidence"),
        "superseded_by": TEXT, "acknowledges": ("records", "acknowledgement"),
        "notes": TEXT,
    },
    "source": {
        "section": TEXT, "paragraph": ("integer", 1), "row": TEXT, "column": TEXT,
        "item": TEXT,
    },
    "evidence": {
        "study": ("key",), "stance": ("choice", V.STANCES), "finding": TEXT,
        "locator": TEXT, "indirect": TEXT, "statistics": ("records", "statistic"),
    },
    "statistic": {
        "measure": ("choice", V.MEASURES), "comparison": TEXT, "value": ("number",),
        "ci": ("ci",), "ci_level": ("fraction",), "p": ("p",), "unit": TEXT,
        "groups": ("groups",),
    },
    "acknowledgement": {"claim": TEXT, "reason": TEXT},
}

#: Each corpus file kind: its top-level key and what that key holds.
FILE_KINDS: dict[str, tuple[str, FieldType]] = {
    "entities": ("entities", ("records", "entity")),
    "studies": ("studies", ("keyed", "study")),
    "article": ("article", ("record", "article")),
    "claims": ("claims", ("records", "claim")),
}

P_BOUND_PATTERN = _P_BOUND.pattern
