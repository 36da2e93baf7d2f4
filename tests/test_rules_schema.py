"""The schema rules of kg/corpus/schema.py on small inline files: each rule's boundary, and each
diagnostic's position, code, message and hint in full (issue 18: mutation score;
bench/mutation.py schema)."""

from __future__ import annotations

from typing import Any

import pytest
from plainmodel import plain

from kg.corpus import fastyaml
from kg.corpus import schema as S
from kg.corpus import vocabulary as V
from kg.corpus.load import load_fast, load_file
from kg.corpus.model import Claim, Pooled, SourceLocator, Study
from kg.diagnostics import Severity

Row = tuple[int, int, str, str, str | None]

CLAIM = """\
claims:
  - id: a-b
    statement: A raises B.
    subject: a
    predicate: increases
    object: b
    certainty: asserted
    source: {section: s, paragraph: 1}
"""


def load(part: str, text: str, *, fast_reads: bool = True) -> tuple[Any, list[Row]]:
    """Read ``text`` both ways: the fast path (which hands a file with any problem to the
    reference reader) and the reference reader alone. Both must give the same records and
    diagnostics, and the fast path must read a file without problems itself, each claim by
    its straight-line reader (unless ``fast_reads`` is False: it declines what it is unsure
    of, such as ``0123``)."""
    rel, raw = f"claims/{part}.yaml", text.encode()
    found = load_file(rel, part, raw)
    reference = load_file(rel, part, raw, fast=False)
    assert plain(found) == plain(reference)
    _, records, diags, _, _ = reference
    assert all(d.file == rel for d in diags)
    assert all(d.severity is Severity.ERROR for d in diags if d.code.startswith("KG1"))
    if not diags:
        assert (load_fast(rel, part, raw) is not None) == fast_reads
    if not diags and fast_reads and part == "claims":
        # and its straight-line reader of the common case reads each claim itself
        data, pos = fastyaml.load(raw), fastyaml.Positions(rel, raw)
        assert data is not None
        assert [plain(S._fast_claim(pos, c)) for c in data["claims"]] == [
            plain(c) for c in records]
    return records, [(d.line, d.column, d.code, d.message, d.hint) for d in diags]


def claim_with(extra: str, *, fast_reads: bool = True) -> tuple[list[Claim], list[Row]]:
    """CLAIM plus lines under it (indented 4, as fields of the claim)."""
    records, rows = load("claims", CLAIM + extra, fast_reads=fast_reads)
    return records, rows


EVIDENCE = ("      - {study: s1, stance: supports, finding: f,"
            " statistics: [{measure: HR, comparison: x, %s}]}\n")


def statistic(fields: str) -> list[Row]:
    return load("claims", CLAIM + "    evidence:\n" + EVIDENCE % fields)[1]


def at(fields: str, key: str) -> tuple[int, int]:
    """Line and column of the value of ``key`` in the statistic line built from fields."""
    text = EVIDENCE % fields
    return 10, text.index(key + ": ") + len(key) + 3


# -- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("ident", ["a", "a1", "a-b", "a-1-b2", "x9y"])
def test_kebab_case_ids_pass(ident: str) -> None:
    assert S.ID_RE.match(ident)


@pytest.mark.parametrize("ident", ["a-", "a--b", "-a", "1a", "A-b", "a_b", "a b", "a-B", ""])
def test_other_ids_are_refused(ident: str) -> None:
    assert not S.ID_RE.match(ident)


def test_a_bad_id_names_a_kebab_case_rename() -> None:
    _, rows = load("claims", CLAIM.replace("id: a-b", "id: A_B  C--"))
    assert rows == [(2, 9, "KG105", "id 'A_B  C--' is not kebab-case",
                     "rename it, for example to 'a-b-c'")]
    _, rows = load("claims", CLAIM.replace("id: a-b", "id: '--'"))
    assert rows == [(2, 9, "KG105", "id '--' is not kebab-case", None)]


# -- p-value bounds ----------------------------------------------------------------------------


@pytest.mark.parametrize("bound", ["<0.05", "< .05", "≤0.05", "≥ 0.5", ">0.1", "=0.049",
                                   "<1", "<1.0", "<1.0e-5", "< 2.2e-16", " <0.001 "])
def test_p_bounds_that_pass(bound: str) -> None:
    assert S._P_BOUND.match(bound)
    assert statistic(f"p: '{bound}'") == []


@pytest.mark.parametrize("bound", ["0.05", "<", "<5", "<1.5", "<<0.05", "<0.05x", "p<0.05",
                                   "<10.5e-3"])
def test_p_bounds_that_fail(bound: str) -> None:
    assert not S._P_BOUND.match(bound)


@pytest.mark.parametrize("p", ["0", "0.0", "1", "0.5", "1.0"])
def test_p_values_from_0_to_1_pass(p: str) -> None:
    assert statistic(f"p: {p}") == []


@pytest.mark.parametrize("p", ["-0.01", "1.01"])
def test_p_values_outside_0_to_1_fail(p: str) -> None:
    assert statistic(f"p: {p}") == [
        (*at(f"p: {p}", "p"), "KG106", f"p-value {p} is not between 0 and 1", None)]


@pytest.mark.parametrize("p", ["'high'", "true", "[0.1]"])
def test_a_p_of_another_type_fails(p: str) -> None:
    what = "statistic 1 of evidence 1 of claim 'a-b'"
    assert statistic(f"p: {p}") == [
        (*at(f"p: {p}", "p"), "KG102",
         f"'p' of {what} must be a number or a bound such as \"<0.05\"", None)]


# -- confidence intervals and levels -----------------------------------------------------------


def test_a_ci_must_be_two_numbers_in_order_around_the_value() -> None:
    what = "statistic 1 of evidence 1 of claim 'a-b'"
    bad_shape = (*at("ci: ", "ci"), "KG102",
                 f"'ci' of {what} must be a list of two numbers, [low, high]", None)
    assert statistic("ci: [1, 2, 3]") == [bad_shape]
    assert statistic("ci: [1]") == [bad_shape]
    assert statistic("ci: [1, true]") == [bad_shape]
    assert statistic("ci: 'x'") == [bad_shape]
    assert statistic("ci: [2, 1]") == [
        (*at("ci: ", "ci"), "KG106", "confidence interval [2, 1] is reversed", None)]
    assert statistic("value: 3, ci: [1, 2]") == [
        (*at("value: 3, ci: ", "ci"), "KG106",
         "estimate 3 lies outside its confidence interval [1, 2]", None)]
    assert statistic("value: 0.5, ci: [1, 2]")[0][3].startswith("estimate 0.5 lies outside")
    # the interval's ends are inside it, and an equal low and high is no interval problem
    for fields in ("value: 1, ci: [1, 2]", "value: 2, ci: [1, 2]", "ci: [1, 1]",
                   "value: 1.5, ci: [1, 2]", "ci: [-1, 2.5]"):
        assert statistic(fields) == [], fields


def test_a_statistic_keeps_its_numbers() -> None:
    text = CLAIM + ("    evidence:\n      - study: s1\n        stance: supports\n"
                    "        finding: f\n        statistics:\n"
                    "          - {measure: HR, comparison: x, value: 1.5, ci: [1, 2],"
                    " ci_level: 0.9, p: '<0.05', unit: mg, groups: {a: 1, b: 2.5}}\n"
                    "          - {measure: OR, comparison: y}\n")
    claims, rows = load("claims", text)
    assert rows == []
    s1, s2 = claims[0].evidence[0].statistics
    assert (s1.measure, s1.comparison, s1.value, s1.ci, s1.ci_level, s1.p, s1.unit,
            s1.groups) == ("HR", "x", 1.5, (1.0, 2.0), 0.9, "<0.05", "mg",
                           (("a", 1.0), ("b", 2.5)))
    assert (s2.value, s2.ci, s2.ci_level, s2.p, s2.groups) == (None, None, 0.95, None, ())


@pytest.mark.parametrize("level", ["0", "1", "1.5", "-0.5"])
def test_a_ci_level_must_lie_strictly_between_0_and_1(level: str) -> None:
    assert statistic(f"ci_level: {level}") == [
        (*at("ci_level: ", "ci_level"), "KG106",
         f"'ci_level' must lie between 0 and 1 (0.95 for a 95% interval), not {level}", None)]


@pytest.mark.parametrize("level", ["0.01", "0.95", "0.999"])
def test_ci_levels_that_pass(level: str) -> None:
    assert statistic(f"ci_level: {level}") == []


def test_groups_must_map_arms_to_numbers() -> None:
    what = "statistic 1 of evidence 1 of claim 'a-b'"
    assert statistic("groups: [1, 2]") == [
        (*at("groups: ", "groups"), "KG102",
         f"'groups' of {what} must be a mapping from arm to value", None)]
    assert statistic("groups: {a: x}") == [
        (*at("groups: {a: ", "a"), "KG102",
         f"'a' of groups of {what} must be a number, not a string", None)]
    assert statistic("groups: {a: .nan}") == [
        (*at("groups: {a: ", "a"), "KG106",
         f"'a' of groups of {what} is not a finite number", None)]
    assert statistic("value: .inf")[0][2:4] == ("KG106",
                                                f"'value' of {what} is not a finite number")
    assert statistic("value: -.inf")[0][2] == "KG106"
    assert statistic("value: true")[0][2:4] == (
        "KG102", f"'value' of {what} must be a number, not true or false")


# -- integers ----------------------------------------------------------------------------------


def test_a_source_paragraph_starts_at_1() -> None:
    claims, rows = load("claims", CLAIM.replace("paragraph: 1", "paragraph: 0"))
    assert rows == [(8, 37, "KG106",
                     "'paragraph' of the source of claim 'a-b' must be at least 1, not 0",
                     None)]
    assert claims == []
    claims, rows = load("claims", CLAIM.replace("paragraph: 1", "paragraph: true"))
    assert rows == [(8, 37, "KG102", "'paragraph' of the source of claim 'a-b' must be an "
                     "integer, not true or false", None)]
    claims, rows = load("claims", CLAIM)
    assert rows == [] and claims[0].source is not None and claims[0].source.paragraph == 1


STUDY = """\
studies:
  s1:
    design: {design}
    population: adults
    findings: it works
"""


def study(design: str = "rct", extra: str = "") -> tuple[list[Study], list[Row]]:
    records, rows = load("studies", STUDY.format(design=design) + extra)
    return records, rows


def test_a_study_size_may_be_0_but_not_negative() -> None:
    studies, rows = study(extra="    n: 0\n")
    assert rows == [] and studies[0].n == 0
    _, rows = study(extra="    n: -1\n")
    assert rows == [(6, 8, "KG106", "'n' of study 's1' must be at least 0, not -1", None)]


def test_pooled_studies_count_from_1() -> None:
    studies, rows = study("meta-analysis", "    pooled: {designs: [rct], studies: 1}\n")
    assert rows == []
    assert studies[0].pooled is not None and studies[0].pooled.studies == 1
    _, rows = study("meta-analysis", "    pooled: {designs: [rct], studies: 0}\n")
    assert rows == [(6, 39, "KG106", "'studies' of 'pooled' of study 's1' must be at least 1, "
                     "not 0", None)]


def test_pooled_rules() -> None:
    _, rows = study("rct", "    pooled: {designs: [rct]}\n")
    assert rows == [(6, 5, "KG110", "'pooled' of study 's1': only a meta-analysis or "
                     "systematic review pools studies, and this is 'rct'",
                     "remove 'pooled', or correct the design")]
    _, rows = study("systematic-review", "    pooled: {designs: [rtc, cohort]}\n")
    assert rows == [(6, 23, "KG103", "unknown pooled design 'rtc' in 'pooled' of study 's1'",
                     "did you mean 'rct'?")]
    _, rows = study("meta-analysis", "    pooled: {designs: [zzzzzz]}\n")
    assert rows[0][4] == "allowed: " + ", ".join(V.POOLED_DESIGNS)
    _, rows = study("meta-analysis", "    pooled: {designs: []}\n")
    assert rows == [(6, 23, "KG106", "'pooled' of study 's1' names no design", None)]
    studies, rows = study("meta-analysis", "    pooled: {designs: [rct, cohort]}\n")
    assert rows == []
    assert studies[0].pooled == Pooled(("rct", "cohort"), None)
    studies, rows = study("meta-analysis", "    pooled:\n")
    assert rows == [] and studies[0].pooled is None


def test_a_study_record_reads_every_field() -> None:
    extra = ("    n: 12\n    duration: 2 years\n    registration: NCT1\n    notes: a note\n"
             "    verified: 2024-01-01 against the full text\n"
             "    citation_issues:\n      - {field: year, cited: '2019', actual: '2020',"
             " note: typo}\n      - {field: year, cited: '2019'}\n"
             "    errata:\n      - {note: fixed, doi: 10.1/x}\n      - {doi: 10.1/y}\n")
    studies, rows = study("rct", extra)
    assert [r[2] for r in rows] == ["KG101", "KG101"]
    s = studies[0]
    assert (s.key, s.design, s.population, s.findings, s.n, s.duration, s.registration,
            s.notes, s.verified) == ("s1", "rct", "adults", "it works", 12, "2 years", "NCT1",
                                     "a note", "2024-01-01 against the full text")
    assert [(i.field, i.cited, i.actual, i.note) for i in s.citation_issues] == [
        ("year", "2019", "2020", "typo")]
    assert [(e.note, e.doi) for e in s.errata] == [("fixed", "10.1/x")]
    assert (s.span.line, s.span.column) == (2, 3)


# -- text ------------------------------------------------------------------------------------


def test_text_rules() -> None:
    _, rows = claim_with("    population: '   '\n")
    assert rows == [(9, 17, "KG106", "'population' of claim 'a-b' is empty", None)]
    _, rows = claim_with("    population: \"a\\x01b\"\n")
    assert rows == [(9, 17, "KG106", "'population' of claim 'a-b' holds a control character "
                     "(U+0001), which corpus text may not hold",
                     "remove it (RDF and XML outputs cannot carry it)")]
    # YAML refuses a lone surrogate escape itself; the reader's wording, for other sources
    assert S._bad_char("a\ud800") == "a lone surrogate (U+D800)"
    assert S._bad_char("a\udfff") == "a lone surrogate (U+DFFF)"
    assert S._bad_char("a\ud7ff\x1f") == "a control character (U+001F)"
    assert S._bad_char("\ufffe") == "a control character (U+FFFE)"
    _, rows = claim_with("    population: [x]\n")
    assert rows == [(9, 17, "KG102", "'population' of claim 'a-b' must be a string, not a list",
                     None)]
    # 0123 is text here (YAML 1.2), which the fast path leaves to the reference reader
    claims, rows = claim_with("    population: 0123\n    dose: 1.10\n    notes: '  x  '\n",
                              fast_reads=False)
    assert rows == []
    assert (claims[0].population, claims[0].dose, claims[0].notes) == ("0123", "1.10", "x")


def test_text_list_rules() -> None:
    claims, rows = claim_with("    article_cites: [k1, 2020, ' ', \"a\\x7f\", {a: 1}]\n")
    assert rows == [
        (9, 31, "KG106", "item 3 of 'article_cites' is empty", None),
        (9, 36, "KG106", "item 4 of 'article_cites' holds a control character (U+007F), "
         "which corpus text may not hold", None),
        (9, 45, "KG102", "item 5 of 'article_cites' in claim 'a-b' must be a string, not "
         "a mapping", None),
    ]
    assert claims[0].article_cites == ("k1", "2020")
    assert [(s.line, s.column) for s in claims[0].cite_spans] == [(9, 21), (9, 25)]
    _, rows = claim_with("    article_cites: k1\n")
    assert rows == [(9, 20, "KG102", "'article_cites' of claim 'a-b' must be a list, not a "
                     "string", None)]


def test_type_names() -> None:
    values: tuple[object, ...] = ("x", 1, 1.5, True, [], {}, None, b"")
    assert [S.type_name(v) for v in values] == [
        "a string", "an integer", "a number", "true or false", "a list", "a mapping", "empty",
        "bytes"]


# -- fields, choices and records ---------------------------------------------------------------


def test_unknown_and_missing_fields() -> None:
    claims, rows = load("claims", CLAIM.replace("    statement: A raises B.\n", "")
                        + "    statment: x\n    zzzzzzzz: y\n")
    assert rows == [
        (8, 5, "KG104", "unknown field 'statment' in claim 'a-b'", "did you mean 'statement'?"),
        (9, 5, "KG104", "unknown field 'zzzzzzzz' in claim 'a-b'",
         "allowed: " + ", ".join(S.CLAIM_FIELDS)),
        (2, 5, "KG101", "claim 'a-b' lacks required field 'statement'",
         "add it; docs/format.md lists the required fields"),
    ]
    assert claims == []


def test_a_required_field_written_empty_is_missing() -> None:
    _, rows = load("claims", CLAIM.replace("subject: a", "subject:"))
    assert rows == [(2, 5, "KG101", "claim 'a-b' lacks required field 'subject'",
                     "add it; docs/format.md lists the required fields")]


def test_choices() -> None:
    _, rows = load("claims", CLAIM.replace("certainty: asserted", "certainty: asserted-ish"))
    assert rows == [(7, 16, "KG103", "unknown certainty 'asserted-ish' in claim 'a-b'",
                     "did you mean 'asserted'?")]
    _, rows = load("claims", CLAIM.replace("certainty: asserted", "certainty: qqq"))
    assert rows[0][4] == "allowed: asserted, suggested, hypothesized"
    _, rows = load("claims", CLAIM.replace("predicate: increases", "predicate: raises"))
    assert rows == [(5, 16, "KG103", "unknown predicate 'raises' in claim 'a-b'",
                     "did you mean 'increases'?")]
    _, rows = load("claims", CLAIM.replace("predicate: increases", "predicate: qqq"))
    assert rows[0][4] == "allowed: " + ", ".join(V.PREDICATES)


def test_renamed_words() -> None:
    _, rows = load("claims", CLAIM.replace("certainty: asserted", "certainty: open-question"))
    assert rows == [(7, 16, "KG108", "certainty 'open-question' is no longer a word of the "
                     "format", "write 'kind: question' in place of 'certainty: open-question'")]
    text = CLAIM + "    evidence:\n      - {study: s1, stance: null, finding: f}\n"
    claims, rows = load("claims", text)
    assert rows == [(10, 29, "KG108", "stance 'null' is no longer a word of the format (YAML "
                     "reads a bare null as no value)", "write 'stance: no-effect'")]
    assert claims == [] or claims[0].evidence == ()


def test_a_record_that_is_not_a_mapping() -> None:
    _, rows = claim_with("    evidence: [x]\n")
    assert rows == [(9, 16, "KG102", "item 1 of 'evidence' in claim 'a-b' must be a mapping, "
                     "not a string", None)]
    _, rows = load("claims", "claims:\n  - x\n")
    assert rows == [(2, 5, "KG102", "claim 1 must be a mapping, not a string", None)]


def test_top_level_rules() -> None:
    hint = "start the file with 'claims:'"
    r = S.Reader("claims/x.yaml")
    assert S.top_level(r, None, "claims") is None
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in r.diags] == [
        (1, 1, "KG007", "expected a mapping with the top-level key 'claims', found empty", hint)]
    assert load("claims", "- a\n")[1] == [
        (1, 1, "KG007", "expected a mapping with the top-level key 'claims', found a list",
         hint)]
    assert load("claims", "claim: []\n")[1] == [
        (1, 1, "KG007", "unexpected top-level key 'claim' (this file holds 'claims')",
         "did you mean 'claims'?")]
    assert load("claims", "zzz: []\n")[1] == [
        (1, 1, "KG007", "unexpected top-level key 'zzz' (this file holds 'claims')", hint)]
    assert load("claims", "claims: []\nzzz: 1\n")[1] == [
        (2, 1, "KG007", "unexpected top-level key 'zzz' (this file holds 'claims')", hint)]
    assert load("claims", "claims: {}\n")[1] == [
        (1, 9, "KG102", "'claims' must be a list, not a mapping", None)]
    assert load("studies", "studies: []\n")[1] == [
        (1, 10, "KG102", "'studies' must be a mapping from reference key to record, not a list",
         None)]
    assert load("entities", "entities: {}\n")[1] == [
        (1, 11, "KG102", "'entities' must be a list, not a mapping", None)]


# -- claim kinds and origins -------------------------------------------------------------------


def test_a_curator_claim_needs_a_justification_not_a_source() -> None:
    text = CLAIM.replace("    source: {section: s, paragraph: 1}\n", "    origin: curator\n")
    claims, rows = load("claims", text)
    assert rows == [(2, 5, "KG101", "claim 'a-b' lacks required field 'justification' (why "
                     "the link holds, since the article does not state it)",
                     "add it; docs/format.md lists the fields of each kind of claim")]
    claims, rows = load("claims", text + "    justification: the chain needs it\n")
    assert rows == [] and claims[0].origin == "curator"
    assert claims[0].justification == "the chain needs it" and claims[0].source is None


def test_an_article_claim_needs_a_source_and_a_certainty() -> None:
    text = CLAIM.replace("    source: {section: s, paragraph: 1}\n", "").replace(
        "    certainty: asserted\n", "")
    _, rows = load("claims", text)
    assert [(r[2], r[3]) for r in rows] == [
        ("KG101", "claim 'a-b' lacks required field 'certainty' (how firmly the article "
         "states it)"),
        ("KG101", "claim 'a-b' lacks required field 'source' (where the article makes it "
         "(section and paragraph))")]


def test_a_question_states_nothing() -> None:
    text = CLAIM.replace("    certainty: asserted\n", "    kind: question\n")
    claims, rows = load("claims", text)
    assert rows == [] and claims[0].kind == "question" and claims[0].certainty == ""
    _, rows = load("claims", CLAIM + "    kind: question\n")
    assert rows == [(7, 5, "KG110", "'certainty' is only for a claim that states something; "
                     "a question states nothing; claim 'a-b' is of kind 'question' and origin "
                     "'article'", "remove 'certainty', or change the claim's kind or origin")]


def test_kind_fields_and_predicates() -> None:
    _, rows = claim_with("    outcome: b\n")
    assert rows[0][2:4] == ("KG110", "'outcome' is only for an effect modification (kind: "
                            "modification); claim 'a-b' is of kind 'effect' and origin "
                            "'article'")
    _, rows = claim_with("    justification: x\n")
    assert rows[0][2] == "KG110"
    _, rows = claim_with("    recommended_by: [k]\n")
    assert rows[0][2] == "KG110"
    text = CLAIM.replace("predicate: increases", "predicate: enhances-effect-of")
    _, rows = load("claims", text + "    kind: modification\n")
    assert rows == [(2, 5, "KG101", "claim 'a-b' lacks required field 'outcome' (the outcome "
                     "whose effect the subject changes)",
                     "add it; docs/format.md lists the fields of each kind of claim")]
    claims, rows = load("claims", text + "    kind: modification\n    outcome: c\n")
    assert rows == [] and claims[0].outcome == "c"
    _, rows = load("claims", text)
    assert rows == [(5, 16, "KG109", "predicate 'enhances-effect-of' is for claims of kind "
                     "'modification', and claim 'a-b' is of kind 'effect'",
                     "set 'kind: modification', or use one of: increases, decreases, "
                     "required-for, cofactor-for, affects, no-effect-on, binds, produced-by, "
                     "component-of, source-of, associated-with, inversely-associated-with, "
                     "not-associated-with")]
    claims, rows = load("claims", CLAIM.replace("increases", "recommended-for")
                        + "    kind: recommendation\n    recommended_by: [k1, k2]\n")
    assert rows == [] and claims[0].recommended_by == ("k1", "k2")


def test_a_full_claim_keeps_every_field() -> None:
    extra = ("    population: p\n    context: c\n    dose: d\n    duration: 1 y\n"
             "    superseded_by: x-y\n    notes: n\n    article_cites: [k1]\n"
             "    acknowledges:\n      - {claim: c-d, reason: r}\n      - {claim: e-f}\n"
             "    evidence:\n      - {study: k1, stance: supports, finding: f, locator: l,"
             " indirect: men}\n      - {study: k2, finding: g}\n")
    claims, rows = claim_with(extra)
    assert [(r[2], r[3]) for r in rows] == [
        ("KG101", "evidence 2 of claim 'a-b' lacks required field 'stance'"),
        ("KG101", "an acknowledgement in claim 'a-b' lacks required field 'reason'")]
    c = claims[0]
    assert (c.id, c.statement, c.subject, c.predicate, c.object, c.certainty) == (
        "a-b", "A raises B.", "a", "increases", "b", "asserted")
    assert (c.population, c.context, c.dose, c.duration, c.superseded_by, c.notes) == (
        "p", "c", "d", "1 y", "x-y", "n")
    assert c.source == SourceLocator("s", 1)
    assert [(a.claim, a.reason, a.span.line) for a in c.acknowledges] == [("c-d", "r", 17)]
    (ev,) = c.evidence
    assert (ev.study, ev.stance, ev.finding, ev.locator, ev.indirect) == (
        "k1", "supports", "f", "l", "men")
    assert ev.study_span is not None and (ev.span.line, ev.study_span.column) == (20, 17)
    assert (c.span.line, c.span.column) == (2, 5)
    assert {k: (s.line, s.column) for k, s in c.field_spans.items()} == {
        "subject": (4, 14), "predicate": (5, 16), "object": (6, 13), "source": (8, 13),
        "superseded_by": (13, 20)}


def test_a_broken_claim_is_remembered_as_invalid() -> None:
    r = S.Reader("claims/x.yaml")
    _, data_rows = load("claims", CLAIM)
    from kg.corpus.yamlfile import load_yaml
    data, _ = load_yaml(b"claims:\n  - id: a-b\n  - {statement: x}\n", "claims/x.yaml")
    assert S.read_claims(r, data) == []
    assert r.invalid == {"a-b", S.UNNAMED}
    r = S.Reader("claims/x.yaml")
    data, _ = load_yaml(b"entities:\n  - id: e\n  - {label: x}\n", "claims/x.yaml")
    assert S.read_entities(r, data) == []
    assert r.invalid == {"e", S.UNNAMED}
    r = S.Reader("claims/x.yaml")
    data, _ = load_yaml(b"studies:\n  s1: {design: rct}\n", "claims/x.yaml")
    assert S.read_studies(r, data) == [] and r.invalid == {"s1"}


# -- entities and the article ----------------------------------------------------------------


def test_an_entity_reads_every_field() -> None:
    text = ("entities:\n  - id: e\n    label: E\n    role: outcome\n    kind: disease\n"
            "    xrefs: [MONDO:1, 'X:2']\n    synonyms: [ee]\n    description: d\n"
            "  - {id: f, label: F, role: outcome, kind: diseas}\n")
    ents, rows = load("entities", text)
    assert rows == [(9, 44, "KG103", "unknown kind 'diseas' in entity 'f'",
                     "did you mean 'disease'?")]
    (e,) = ents
    assert (e.id, e.label, e.role, e.kind, e.xrefs, e.synonyms, e.description) == (
        "e", "E", "outcome", "disease", ("MONDO:1", "X:2"), ("ee",), "d")
    assert [(s.line, s.column) for s in e.xref_spans] == [(6, 13), (6, 22)]
    assert (e.span.line, e.span.column) == (2, 5)


ARTICLE = """\
article:
  title: T
  references: [k1]
  sections:
    - id: s
      title: S
      paragraphs:
        - {n: 1, kind: prose, incipit: One}
        - {n: 2, kind: list, incipit: Two}
"""


def test_the_article_outline() -> None:
    art, rows = load("article", ARTICLE)
    assert rows == []
    assert (art.title, art.references, art.section_titles) == ("T", ("k1",), {"s": "S"})
    assert [(p.section, p.n, p.kind, p.incipit, p.span.line) for p in art.paragraphs] == [
        ("s", 1, "prose", "One", 8), ("s", 2, "list", "Two", 9)]


def test_article_outline_rules() -> None:
    _, rows = load("article", ARTICLE.replace("n: 2", "n: 1"))
    assert rows == [(9, 15, "KG201", "duplicate paragraph 1 in section 's'", None)]
    _, rows = load("article", ARTICLE.replace("n: 2", "n: 0"))
    assert rows == [(9, 15, "KG106", "'n' of a paragraph of section 's' must be at least 1, "
                     "not 0", None)]
    _, rows = load("article", ARTICLE + "    - {id: s, title: again, paragraphs: []}\n")
    assert rows == [(10, 12, "KG201", "duplicate section id 's'", None)]
    art, rows = load("article", ARTICLE + "    - {id: t, paragraphs: []}\n")
    assert rows == [(10, 7, "KG101", "section 't' lacks required field 'title'",
                     "add it; docs/format.md lists the required fields")]
    art, rows = load("article", ARTICLE.replace("  title: T\n", ""))
    assert art is None and rows[0][3] == "the article lacks required field 'title'"


def test_entity_diagnostics_name_the_entity() -> None:
    text = ("entities:\n  - x\n  - {id: Bad_Id, label: '', role: outcom, kind: disease,"
            " xrefs: y, synonyms: z, description: [d]}\n  - {label: L, role: outcome,"
            " kind: disease}\n  - {id: e, label: E, role: outcome, kind: disease}\n")
    ents, rows = load("entities", text)
    assert rows == [
        (2, 5, "KG102", "entity 1 must be a mapping, not a string", None),
        (3, 10, "KG105", "id 'Bad_Id' is not kebab-case", "rename it, for example to 'bad-id'"),
        (3, 25, "KG106", "'label' of entity 'Bad_Id' is empty", None),
        (3, 35, "KG103", "unknown role 'outcom' in entity 'Bad_Id'", "did you mean 'outcome'?"),
        (3, 65, "KG102", "'xrefs' of entity 'Bad_Id' must be a list, not a string", None),
        (3, 78, "KG102", "'synonyms' of entity 'Bad_Id' must be a list, not a string", None),
        (3, 94, "KG102", "'description' of entity 'Bad_Id' must be a string, not a list", None),
        (4, 5, "KG101", "entity 3 lacks required field 'id'",
         "add it; docs/format.md lists the required fields"),
    ]
    assert [e.id for e in ents] == ["e"]
    assert (ents[0].span.line, ents[0].span.column) == (5, 6)


def test_article_diagnostics_name_their_place() -> None:
    _, rows = load("article", "article: [x]\n")
    assert rows == [(1, 10, "KG102", "'article' must be a mapping, not a list", None)]
    text = ("article:\n  title: [T]\n  references: k\n  sections:\n"
            "    - {id: S, title: [x], paragraphs: []}\n"
            "    - {id: s, title: S, paragraphs: [{n: 1, kind: prosey, incipit: ''}]}\n"
            "    - {id: t, title: T, paragraphs: [{n: 1}, {n: 1, kind: prose, incipit: a},"
            " {n: 2, kind: prose, incipit: b}]}\n")
    art, rows = load("article", text)
    assert rows == [
        (2, 10, "KG102", "'title' of the article must be a string, not a list", None),
        (3, 15, "KG102", "'references' of the article must be a list, not a string", None),
        (5, 12, "KG105", "id 'S' is not kebab-case", "rename it, for example to 's'"),
        (5, 22, "KG102", "'title' of section 'S' must be a string, not a list", None),
        (6, 51, "KG103", "unknown kind 'prosey' in a paragraph of section 's'",
         "did you mean 'prose'?"),
        (6, 68, "KG106", "'incipit' of a paragraph of section 's' is empty", None),
        (7, 38, "KG101", "a paragraph of section 't' lacks required field 'kind'",
         "add it; docs/format.md lists the required fields"),
        (7, 38, "KG101", "a paragraph of section 't' lacks required field 'incipit'",
         "add it; docs/format.md lists the required fields"),
    ]
    assert art is None
    # later sections and paragraphs are still read after a broken one
    art, rows = load("article", ARTICLE.replace("    - id: s\n", "    - id: S\n      x: 1\n")
                     + "    - id: u\n      title: U\n      paragraphs:\n"
                     "        - {n: 1, kind: prose, incipit: One}\n")
    assert [(p.section, p.n) for p in art.paragraphs] == [("u", 1)]
    assert art.section_titles == {"u": "U"}


# -- every field's diagnostic names its record -------------------------------------------------

CLAIM_TEXT = ("statement", "subject", "object", "population", "context", "dose", "duration",
              "superseded_by", "notes")


@pytest.mark.parametrize("field", CLAIM_TEXT)
def test_a_claim_text_field_of_the_wrong_type(field: str) -> None:
    text = CLAIM.replace(f"    {field}: ", f"    {field}_old: ") + f"    {field}: [x]\n"
    text = "\n".join(line for line in text.splitlines() if "_old:" not in line) + "\n"
    _, rows = load("claims", text)
    assert (rows[0][2], rows[0][3]) == (
        "KG102", f"'{field}' of claim 'a-b' must be a string, not a list")


@pytest.mark.parametrize(("field", "what"), [
    ("study", "evidence 1 of claim 'a-b'"), ("finding", "evidence 1 of claim 'a-b'"),
    ("locator", "evidence 1 of claim 'a-b'"), ("indirect", "evidence 1 of claim 'a-b'"),
])
def test_an_evidence_field_of_the_wrong_type(field: str, what: str) -> None:
    fields = {"study": "s1", "stance": "supports", "finding": "f", field: "[x]"}
    body = ", ".join(f"{k}: {v}" for k, v in fields.items())
    _, rows = load("claims", CLAIM + f"    evidence:\n      - {{{body}}}\n")
    assert (rows[0][2], rows[0][3]) == ("KG102", f"'{field}' of {what} must be a string, "
                                                 "not a list")


def test_an_unknown_stance_names_its_line() -> None:
    _, rows = load("claims", CLAIM + "    evidence:\n"
                   "      - {study: s1, stance: support, finding: f}\n")
    assert rows == [(10, 29, "KG103", "unknown stance 'support' in evidence 1 of claim 'a-b'",
                     "did you mean 'supports'?")]


@pytest.mark.parametrize("field", ["section", "row", "column", "item"])
def test_a_source_field_of_the_wrong_type(field: str) -> None:
    source = {"section": "s", "paragraph": "1", field: "[x]"}
    body = ", ".join(f"{k}: {v}" for k, v in source.items())
    _, rows = load("claims", CLAIM.replace("{section: s, paragraph: 1}", f"{{{body}}}"))
    assert (rows[0][2], rows[0][3]) == (
        "KG102", f"'{field}' of the source of claim 'a-b' must be a string, not a list")


def test_a_source_keeps_row_column_and_item() -> None:
    claims, rows = load("claims", CLAIM.replace(
        "{section: s, paragraph: 1}", "{section: s, paragraph: 2, row: r, column: c, item: i}"))
    assert rows == [] and claims[0].source == SourceLocator("s", 2, "r", "c", "i")


def test_a_source_that_is_not_a_mapping() -> None:
    _, rows = load("claims", CLAIM.replace("{section: s, paragraph: 1}", "s 1"))
    assert rows == [(8, 13, "KG102", "'source' of claim 'a-b' must be a mapping, not a string",
                     None)]


@pytest.mark.parametrize("field", ["comparison", "unit"])
def test_a_statistic_field_of_the_wrong_type(field: str) -> None:
    fields = "unit: [x]" if field == "unit" else ""
    text = (CLAIM + "    evidence:\n" + EVIDENCE % fields).replace(
        "comparison: x", "comparison: [x]" if field == "comparison" else "comparison: x")
    _, rows = load("claims", text)
    assert (rows[0][2], rows[0][3]) == (
        "KG102", f"'{field}' of statistic 1 of evidence 1 of claim 'a-b' must be a string, "
                 "not a list")


def test_a_statistic_without_a_measure_is_dropped() -> None:
    text = CLAIM + ("    evidence:\n      - {study: s1, stance: supports, finding: f,"
                    " statistics: [{comparison: x}, {measure: HR, comparison: y}]}\n")
    claims, rows = load("claims", text)
    assert [r[2] for r in rows] == ["KG101"]
    assert [s.comparison for s in claims[0].evidence[0].statistics] == ["y"]
    claims, rows = load("claims", text.replace("{comparison: x}", "{measure: HR}"))
    assert [s.comparison for s in claims[0].evidence[0].statistics] == ["y"]


@pytest.mark.parametrize(("extra", "message"), [
    ("    citation_issues:\n      - {field: year, cited: [x], actual: '2020'}\n",
     "'cited' of citation issue of study 's1' must be a string, not a list"),
    ("    citation_issues:\n      - {field: year, cited: '1', actual: '2', note: [x]}\n",
     "'note' of citation issue of study 's1' must be a string, not a list"),
    ("    citation_issues:\n      - {field: yaer, cited: '1', actual: '2'}\n",
     "unknown field 'yaer' in citation issue of study 's1'"),
    ("    errata:\n      - {note: [x]}\n",
     "'note' of erratum of study 's1' must be a string, not a list"),
    ("    errata:\n      - {note: n, doi: [x]}\n",
     "'doi' of erratum of study 's1' must be a string, not a list"),
    ("    pooled: [rct]\n", "'pooled' of study 's1' must be a mapping, not a list"),
    ("    population2: x\n", "unknown field 'population2' in study 's1'"),
    ("    errata:\n      - {note: n, page: 2}\n", "unknown field 'page' in erratum of study 's1'"),
    ("    verified: [x]\n", "'verified' of study 's1' must be a string, not a list"),
    ("    registration: [x]\n", "'registration' of study 's1' must be a string, not a list"),
    ("    notes: [x]\n", "'notes' of study 's1' must be a string, not a list"),
    ("    duration: [x]\n", "'duration' of study 's1' must be a string, not a list"),
])
def test_study_diagnostics_name_their_place(extra: str, message: str) -> None:
    design = "meta-analysis" if "pooled" in extra else "rct"
    _, rows = study(design, extra)
    assert rows[0][3] == message


def test_later_studies_are_read_after_a_broken_one() -> None:
    studies, rows = load("studies", "studies:\n  s0: x\n" + STUDY.format(design="rct")[9:])
    assert rows == [(2, 7, "KG102", "study 's0' must be a mapping, not a string", None)]
    assert [s.key for s in studies] == ["s1"]


def test_a_paragraph_with_an_unknown_kind_is_left_out() -> None:
    art, rows = load("article", ARTICLE.replace("kind: list", "kind: lst"))
    assert [r[2] for r in rows] == ["KG103"]
    assert [p.n for p in art.paragraphs] == [1]


def test_the_articles_references_keep_their_positions() -> None:
    art, _ = load("article", ARTICLE.replace("[k1]", "[k1, k2]"))
    assert art.references == ("k1", "k2")
    assert [(s.line, s.column) for s in art.reference_spans] == [(3, 16), (3, 20)]


def test_a_predicate_of_another_kind_drops_the_claim() -> None:
    claims, rows = load("claims", CLAIM.replace("predicate: increases", "predicate: is-a"))
    assert [r[2] for r in rows] == ["KG109"] and claims == []


def test_sections_must_be_a_list() -> None:
    _, rows = load("article", "article:\n  title: T\n  sections: x\n")
    assert rows == [(3, 13, "KG102", "'sections' of the article must be a list, not a string",
                     None)]


def test_a_claim_without_an_id_is_named_by_its_place() -> None:
    claims, rows = load("claims", CLAIM + "  - {statement: x}\n")
    assert rows[0][2:4] == ("KG101", "claim 2 lacks required field 'id'")
    assert [c.id for c in claims] == ["a-b"]


def test_a_mapping_without_the_top_level_key() -> None:
    assert load("claims", "{}\n")[1] == [
        (1, 1, "KG007", "missing the top-level key 'claims'", "start the file with 'claims:'")]


def test_a_stance_spelt_null_does_not_hide_a_missing_finding() -> None:
    _, rows = load("claims", CLAIM + "    evidence:\n      - {study: s1, stance: null}\n")
    assert [(r[2], r[3]) for r in rows] == [
        ("KG101", "evidence 1 of claim 'a-b' lacks required field 'finding'"),
        ("KG108", "stance 'null' is no longer a word of the format (YAML reads a bare null "
         "as no value)")]


# -- more places named, and records read after a broken one ---------------------------------------


def test_a_number_written_as_text_is_read_by_the_fast_path() -> None:
    claims, rows = claim_with("    dose: 10\n    duration: 1.5\n")
    assert rows == [] and (claims[0].dose, claims[0].duration) == ("10", "1.5")


@pytest.mark.parametrize(("part", "text", "row"), [
    ("entities", "entity: []\n", (1, 1, "KG007", "unexpected top-level key 'entity' (this "
                                  "file holds 'entities')", "did you mean 'entities'?")),
    ("studies", "- s1\n", (1, 1, "KG007", "expected a mapping with the top-level key "
                           "'studies', found a list", "start the file with 'studies:'")),
    ("article", "{}\n", (1, 1, "KG007", "missing the top-level key 'article'",
                         "start the file with 'article:'")),
])
def test_each_file_checks_its_top_level_key(part: str, text: str, row: Row) -> None:
    records, rows = load(part, text)
    assert rows == [row] and records in ([], None)


def test_statistic_diagnostics_name_their_place() -> None:
    what = "statistic 1 of evidence 1 of claim 'a-b'"
    assert statistic("ci_level: x") == [
        (*at("ci_level: x", "ci_level"), "KG102",
         f"'ci_level' of {what} must be a number, not a string", None)]
    assert statistic("size: 3") == [
        (10, 93, "KG104", f"unknown field 'size' in {what}",
         "allowed: measure, comparison, value, ci, ci_level, p, unit, groups")]
    rows = load("claims", CLAIM + "    evidence:\n" + EVIDENCE.replace("HR", "HRR") % "")[1]
    assert rows == [(10, 74, "KG103", f"unknown measure 'HRR' in {what}", "did you mean 'RR'?")]
    rows = load("claims", CLAIM + "    evidence:\n"
                "      - {study: s1, stance: supports, finding: f, statistics: x}\n")[1]
    assert rows == [(10, 63, "KG102", "'statistics' of evidence 1 of claim 'a-b' must be a "
                     "list, not a string", None)]


@pytest.mark.parametrize("fields", ["measure: HRR, comparison: x", "measure: HR, comparison: [x]"])
def test_a_statistic_with_a_bad_measure_or_comparison_is_dropped(fields: str) -> None:
    text = CLAIM + ("    evidence:\n      - {study: s1, stance: supports, finding: f,"
                    f" statistics: [{{{fields}}}]}}\n")
    claims, rows = load("claims", text)
    assert len(rows) == 1 and claims[0].evidence[0].statistics == ()


@pytest.mark.parametrize("fields", ["study: [s1], stance: supports, finding: f",
                                    "study: s1, stance: suports, finding: f",
                                    "study: s1, stance: supports, finding: [f]"])
def test_an_evidence_line_with_a_bad_field_is_dropped(fields: str) -> None:
    claims, rows = load("claims", CLAIM + f"    evidence:\n      - {{{fields}}}\n")
    assert len(rows) == 1 and claims[0].evidence == ()


def test_entity_and_pooled_diagnostics_name_their_place() -> None:
    _, rows = load("entities", "entities:\n  - {id: [e], label: E, role: outcome, "
                               "kind: disease}\n")
    assert rows == [(2, 10, "KG102", "'id' of entity 1 must be a string, not a list", None)]
    _, rows = study("meta-analysis", "    pooled: [rct]\n")
    assert rows == [(6, 13, "KG102", "'pooled' of study 's1' must be a mapping, not a list",
                     None)]
    _, rows = study("meta-analysis", "    pooled: {designs: [rct], trials: 2}\n")
    assert rows == [(6, 30, "KG104", "unknown field 'trials' in 'pooled' of study 's1'",
                     "allowed: designs, studies")]
    _, rows = study("meta-analysis", "    pooled: {designs: [[rct]]}\n")
    assert rows[0] == (6, 24, "KG102", "item 1 of 'designs' in 'pooled' of study 's1' must be "
                       "a string, not a list", None)


def test_citation_issues_and_errata_name_their_place() -> None:
    _, rows = study(extra="    citation_issues: x\n")
    assert rows == [(6, 22, "KG102", "'citation_issues' of study 's1' must be a list, not a "
                     "string", None)]
    _, rows = study(extra="    errata: x\n")
    assert rows == [(6, 13, "KG102", "'errata' of study 's1' must be a list, not a string",
                     None)]
    _, rows = study(extra="    citation_issues:\n      - {field: year, cited: '1', actual: '2',"
                          " nope: 1}\n")
    assert rows == [(7, 48, "KG104", "unknown field 'nope' in citation issue of study 's1'",
                     "did you mean 'note'?")]
    _, rows = study(extra="    citation_issues:\n      - {field: year, cited: '1', actual: [2]}\n")
    assert rows == [(7, 43, "KG102", "'actual' of citation issue of study 's1' must be a "
                     "string, not a list", None)]


@pytest.mark.parametrize("issue", ["{field: yaer, cited: '1', actual: '2'}",
                                   "{field: year, cited: [1], actual: '2'}",
                                   "{field: year, cited: '1', actual: [2]}"])
def test_a_citation_issue_with_a_bad_field_is_dropped(issue: str) -> None:
    studies, rows = study(extra=f"    citation_issues:\n      - {issue}\n")
    assert len(rows) == 1 and studies[0].citation_issues == ()


def test_later_issues_and_errata_are_read_after_a_broken_one() -> None:
    studies, rows = study(extra="    citation_issues:\n      - {field: year}\n"
                                "      - {field: year, cited: '1', actual: '2'}\n"
                                "    errata:\n      - {doi: 10.1/y}\n      - {note: fixed}\n")
    assert [r[2] for r in rows] == ["KG101", "KG101", "KG101"]
    assert [(i.cited, i.actual) for i in studies[0].citation_issues] == [("1", "2")]
    assert [e.note for e in studies[0].errata] == ["fixed"]


def test_section_diagnostics_name_their_place() -> None:
    _, rows = load("article", "article:\n  title: T\n  sections:\n"
                              "    - {id: '', title: S, paragraphs: []}\n"
                              "    - {id: s, title: S, paragraphs: x}\n")
    assert rows == [(4, 12, "KG106", "'id' of section '' is empty", None),
                    (5, 37, "KG102", "'paragraphs' of section 's' must be a list, not a string",
                     None)]


@pytest.mark.parametrize("broken", [
    "    - {id: r, title: R}\n",  # lacks its paragraphs
    "    - {id: s, title: again, paragraphs: []}\n",  # a duplicate id
])
def test_later_sections_are_read_after_a_broken_one(broken: str) -> None:
    art, rows = load("article", ARTICLE + broken + "    - id: u\n      title: U\n"
                     "      paragraphs:\n        - {n: 1, kind: prose, incipit: One}\n")
    assert len(rows) == 1
    assert [(p.section, p.n) for p in art.paragraphs] == [("s", 1), ("s", 2), ("u", 1)]
    assert art.section_titles == {"s": "S", "u": "U"}
    assert (art.span.line, art.span.column) == (2, 3)


@pytest.mark.parametrize("broken", ["{n: 1, kind: prose}", "{n: 1, kind: prosey, incipit: x}",
                                    "{n: 1, kind: prose, incipit: x}"])
def test_later_paragraphs_are_read_after_a_broken_one(broken: str) -> None:
    art, rows = load("article", ARTICLE.replace("        - {n: 2", f"        - {broken}\n"
                                                "        - {n: 3"))
    assert len(rows) == 1
    assert [p.n for p in art.paragraphs] == [1, 3]


def test_claim_diagnostics_name_their_place() -> None:
    ack = "an acknowledgement in claim 'a-b'"
    # (extra lines, the diagnostic, the claim's acknowledgements: None when it is dropped)
    for extra, row, acks in [
        ("    kind: effekt\n", (9, 11, "KG103", "unknown kind 'effekt' in claim 'a-b'",
                               "did you mean 'effect'?"), None),
        ("    origin: curatr\n", (9, 13, "KG103", "unknown origin 'curatr' in claim 'a-b'",
                                 "did you mean 'curator'?"), None),
        ("    acknowledges: x\n", (9, 19, "KG102", "'acknowledges' of claim 'a-b' must be a "
                                  "list, not a string", None), ()),
        ("    acknowledges: [{claim: [x], reason: r}]\n",
         (9, 28, "KG102", f"'claim' of {ack} must be a string, not a list", None), ()),
        ("    acknowledges: [{claim: x, reason: [r]}]\n",
         (9, 39, "KG102", f"'reason' of {ack} must be a string, not a list", None), ()),
        ("    source2: x\n", (9, 5, "KG104", "unknown field 'source2' in claim 'a-b'",
                             "did you mean 'source'?"), ()),
    ]:
        claims, rows = claim_with(extra)
        assert rows == [row], extra
        assert [c.acknowledges for c in claims] == ([] if acks is None else [acks]), extra
    _, rows = load("claims", CLAIM.replace("id: a-b", "id: [a]"))
    assert rows == [(2, 9, "KG102", "'id' of claim 1 must be a string, not a list", None)]
    _, rows = load("claims", CLAIM.replace("{section: s, paragraph: 1}",
                                           "{section: s, paragraph: 1, page: 2}"))
    assert rows == [(8, 40, "KG104", "unknown field 'page' in the source of claim 'a-b'",
                     "allowed: section, paragraph, row, column, item")]
    text = CLAIM.replace("increases", "recommended-for") + "    kind: recommendation\n"
    _, rows = load("claims", text + "    recommended_by: [[k1]]\n")
    assert rows == [(10, 22, "KG102", "item 1 of 'recommended_by' in claim 'a-b' must be a "
                     "string, not a list", None)]


def test_a_claim_missing_what_its_kind_needs_is_dropped() -> None:
    curator = CLAIM.replace("    source: {section: s, paragraph: 1}\n", "    origin: curator\n")
    claims, rows = load("claims", curator)
    assert [r[2] for r in rows] == ["KG101"] and claims == []
    text = CLAIM.replace("predicate: increases", "predicate: enhances-effect-of")
    claims, rows = load("claims", text + "    kind: modification\n")
    assert [r[2] for r in rows] == ["KG101"] and claims == []
    claims, rows = load("claims", CLAIM.replace("{section: s, paragraph: 1}",
                                                "{section: [s], paragraph: 1}"))
    assert [r[2] for r in rows] == ["KG102"] and claims == []


def test_a_claim_is_placed_at_its_id_and_every_claim_is_read() -> None:
    text = CLAIM + CLAIM[8:].replace("- id: a-b\n    statement: A raises B.\n",
                                     "- statement: A raises B.\n    id: a-c\n")
    claims, rows = load("claims", text)
    assert rows == []
    assert [(c.id, c.span.line, c.span.column) for c in claims] == [("a-b", 2, 5),
                                                                   ("a-c", 10, 5)]


def test_an_acknowledgement_is_placed_at_the_claim_it_names() -> None:
    claims, rows = claim_with("    acknowledges:\n      - reason: r\n        claim: c-d\n")
    assert rows == []
    assert [(a.claim, a.span.line, a.span.column) for a in claims[0].acknowledges] == [
        ("c-d", 11, 16)]


def test_later_items_of_a_text_list_are_read_after_a_broken_one() -> None:
    claims, rows = claim_with("    article_cites: [{a: 1}, k2]\n")
    assert [r[2] for r in rows] == ["KG102"] and claims[0].article_cites == ("k2",)


@pytest.mark.parametrize(("text", "row"), [
    (STUDY.format(design="[rct]"),
     (3, 13, "KG102", "'design' of study 's1' must be a string, not a list", None)),
    (STUDY.format(design="rct").replace("adults", "[adults]"),
     (4, 17, "KG102", "'population' of study 's1' must be a string, not a list", None)),
    (STUDY.format(design="rct").replace("it works", "[it works]"),
     (5, 15, "KG102", "'findings' of study 's1' must be a string, not a list", None)),
])
def test_a_study_field_of_the_wrong_type_drops_the_study(text: str, row: Row) -> None:
    studies, rows = load("studies", text)
    assert rows == [row] and studies == []


def test_a_study_with_an_unknown_design_is_dropped() -> None:
    studies, rows = study("rtc")
    assert [r[2] for r in rows] == ["KG103"] and studies == []


def test_each_study_is_placed_at_its_key() -> None:
    studies, rows = load("studies", STUDY.format(design="rct")
                         + "  s2: {design: rct, population: adults, findings: f}\n")
    assert rows == []
    assert [(s.key, s.span.line, s.span.column) for s in studies] == [("s1", 2, 3),
                                                                     ("s2", 6, 3)]


def test_pooled_without_designs_is_one_problem() -> None:
    studies, rows = study("meta-analysis", "    pooled: {studies: 2}\n")
    assert [r[2] for r in rows] == ["KG101"] and studies[0].pooled is None


def test_an_article_without_sections_is_dropped() -> None:
    art, rows = load("article", "article:\n  title: T\n")
    assert [r[2] for r in rows] == ["KG101"] and art is None


def test_a_choice_of_the_wrong_type_names_its_place() -> None:
    _, rows = load("claims", CLAIM.replace("predicate: increases", "predicate: [x]"))
    assert rows == [(5, 16, "KG102", "'predicate' of claim 'a-b' must be a string, not a list",
                     None)]


def test_a_required_certainty_left_empty_is_missing() -> None:
    claims, rows = load("claims", CLAIM.replace("certainty: asserted", "certainty:"))
    assert rows == [(2, 5, "KG101", "claim 'a-b' lacks required field 'certainty' (how firmly "
                     "the article states it)",
                     "add it; docs/format.md lists the fields of each kind of claim")]
    assert claims == []
    # a bare null is a word someone wrote, reported as such rather than as missing
    _, rows = load("claims", CLAIM.replace("certainty: asserted", "certainty: null"))
    assert [(r[2], r[3]) for r in rows] == [("KG103", "unknown certainty 'null' in claim 'a-b'")]


def test_later_claims_are_read_after_one_that_is_not_a_mapping() -> None:
    claims, rows = load("claims", "claims:\n  - x\n" + CLAIM[8:])
    assert [r[2] for r in rows] == ["KG102"] and [c.id for c in claims] == ["a-b"]


def test_the_fast_path_reads_a_full_claim() -> None:
    claims, rows = claim_with(
        "    population: p\n    context: c\n    dose: d\n    duration: 1 y\n"
        "    superseded_by: x-y\n    notes: n\n    article_cites: [k1, k2]\n"
        "    acknowledges:\n      - {claim: c-d, reason: r}\n"
        "    evidence:\n      - stance: supports\n        study: k1\n        finding: f\n"
        "        locator: l\n        indirect: men\n"
        "        statistics:\n          - measure: HR\n            comparison: x\n"
        "            ci: [1, 2]\n            groups:\n              a:\n"
        "              b: 2.5\n")
    assert rows == []
    c = claims[0]
    assert (c.population, c.context, c.dose, c.duration, c.superseded_by, c.notes,
            c.article_cites) == ("p", "c", "d", "1 y", "x-y", "n", ("k1", "k2"))
    (ev,) = c.evidence
    assert (ev.locator, ev.indirect, ev.statistics[0].groups) == ("l", "men", (("b", 2.5),))
    assert ev.study_span is not None and (ev.study_span.line, ev.study_span.column) == (20, 16)


@pytest.mark.parametrize(("extra", "code"), [
    ("    acknowledges: [{claim: c-d, reason: r, why: w}]\n", "KG104"),
    ("    acknowledges: [c-d]\n", "KG102"),
    ("    source2: x\n", "KG104"),
])
def test_the_fast_path_leaves_a_broken_acknowledgement_to_the_reader(extra: str,
                                                                    code: str) -> None:
    assert [r[2] for r in claim_with(extra)[1]] == [code]


def test_a_ci_or_paragraph_of_text_is_refused() -> None:
    assert [r[2] for r in statistic("ci: [a, b]")] == ["KG102"]
    _, rows = load("claims", CLAIM.replace("paragraph: 1", "paragraph: x"))
    assert rows == [(8, 37, "KG102", "'paragraph' of the source of claim 'a-b' must be an "
                     "integer, not a string", None)]
