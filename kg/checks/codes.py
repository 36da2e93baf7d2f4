"""Every diagnostic code: its slug, default severity, meaning, an example and the fix.

docs/diagnostics.md is generated from this table (``python -m kg.checks.codes``); a test keeps
the two in step and checks that every code has a test corpus that triggers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.diagnostics import Severity


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    slug: str
    severity: Severity
    summary: str
    example: str
    fix: str


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    c.code: c
    for c in (
        # -- files and YAML ------------------------------------------------------------------
        Code("KG001", "unreadable-file", E,
             "A corpus file cannot be read as UTF-8 text, or a file or folder under `claims/` "
             "cannot be read at all (permissions, not a regular file); kg never skips it "
             "silently.",
             "claims/x.yaml:3:7: error KG001 file is not valid UTF-8 (byte 0xff)",
             "Save the file as UTF-8."),
        Code("KG002", "yaml-syntax", E,
             "The YAML parser rejected the file; the position is the one it reports.",
             "claims/x.yaml:4:9: error KG002 YAML syntax: mapping values are not allowed here",
             "Fix the indentation or quote the value that contains a colon."),
        Code("KG003", "yaml-unsafe-tag", E,
             "The file uses a YAML tag (such as `!!python/object`) that safe loading refuses.",
             "claims/x.yaml:2:5: error KG003 YAML tag '!!python/object:os.system' is not allowed",
             "Remove the tag; corpus files hold plain mappings, lists, strings and numbers."),
        Code("KG004", "yaml-alias-bomb", E,
             "The file re-uses anchors (`&a` / `*a`) more often than any corpus needs, or "
             "anchors expand its values past 64 Mi characters: the shape of an alias bomb.",
             "claims/x.yaml:9:3: error KG004 too many alias references (over 100)",
             "Write values out instead of referring to anchors."),
        Code("KG005", "file-too-large", E,
             "A corpus file (YAML or references.bib) is larger than 16 MiB; the size is "
             "checked before the file is read.",
             "claims/x.yaml:1:1: error KG005 file is 20.0 MiB; the limit is 16 MiB",
             "Split the claims over several topic files."),
        Code("KG006", "duplicate-key", E,
             "A mapping repeats a key; YAML parsers would silently keep the last one.",
             "claims/x.yaml:12:5: error KG006 duplicate key 'object' (first at line 10)",
             "Delete one of the two keys."),
        Code("KG007", "bad-structure", E,
             "The file is not a mapping with the one top-level key its name calls for "
             "(`entities`, `studies`, `article` or `claims`).",
             "claims/x.yaml:1:1: error KG007 expected a mapping with the top-level key 'claims'",
             "Start the file with `claims:` (or `entities:`, `studies:`, `article:`)."),
        Code("KG008", "outside-corpus", E,
             "A file or folder under `claims/` (or `references.bib`) is a symbolic link whose "
             "target lies outside the corpus folder; kg does not read it.",
             "claims/x.yaml:1:1: error KG008 symbolic link leads outside the corpus; not read",
             "Copy the file into the corpus instead of linking to it."),
        Code("KG009", "empty-file", W,
             "A YAML file of the corpus holds no data: it is empty, or only comments. It "
             "adds nothing, and is most often a file left half-written or emptied by "
             "mistake.",
             "claims/x.yaml:1:1: warning KG009 file holds no data (it is empty or only "
             "comments)",
             "Write its records under the top-level key (`claims:`, `entities:`, "
             "`studies:` or `article:`), or delete the file."),
        # -- schema ----------------------------------------------------------------------------
        Code("KG101", "missing-field", E,
             "A required field is missing.",
             "claims/x.yaml:5:5: error KG101 claim 'a-b' lacks required field 'certainty'",
             "Add the field; docs/format.md lists the required ones."),
        Code("KG102", "wrong-type", E,
             "A field holds the wrong type of value (a list where text belongs, a string "
             "where a number belongs).",
             "claims/x.yaml:8:8: error KG102 'n' must be an integer, not a string",
             "Write the value in the type docs/format.md gives."),
        Code("KG103", "unknown-value", E,
             "A value is outside its closed vocabulary (role, kind, predicate, certainty, "
             "stance, design, measure).",
             "claims/x.yaml:9:16: error KG103 unknown predicate 'increase'",
             "Use a value from the vocabulary; the hint names the nearest one."),
        Code("KG104", "unknown-field", E,
             "A mapping has a key the format does not define (often a typo).",
             "claims/x.yaml:11:5: error KG104 unknown field 'evidense' in claim",
             "Rename the key; the hint names the nearest field."),
        Code("KG105", "bad-id", E,
             "An id is not kebab-case (lower-case letters, digits, single hyphens).",
             "claims/x.yaml:3:9: error KG105 id 'Vitamin_D' is not kebab-case",
             "Rename the id, for example to 'vitamin-d'."),
        Code("KG106", "bad-value", E,
             "A value has the right type but cannot be right: empty text, text holding a "
             "control character or a lone surrogate (from an escape such as `\\ud800`), a "
             "negative count, a confidence interval that does not contain its estimate.",
             "claims/x.yaml:20:13: error KG106 confidence interval [4.37, 1.34] is reversed",
             "Correct the number."),
        Code("KG108", "renamed-value", E,
             "A value is a word the format no longer uses: the stance `null` (which every "
             "YAML tool but kg reads as no value) is now `no-effect`; the certainty "
             "`open-question` is now the claim kind `question`.",
             "claims/x.yaml:14:17: error KG108 stance 'null' is no longer a word of the format "
             "(YAML reads a bare null as no value)",
             "Write the word the hint names: `stance: no-effect`, or `kind: question` in place "
             "of `certainty: open-question`."),
        Code("KG109", "predicate-not-for-kind", E,
             "A claim's predicate belongs to another kind of claim: effects and questions use "
             "causal, associational and structural predicates; classifications `is-a` and "
             "`part-of`; recommendations `recommended-for`; effect modifications "
             "`enhances-effect-of` and `reduces-effect-of` (docs/format.md).",
             "claims/x.yaml:6:16: error KG109 predicate 'is-a' is for claims of kind "
             "'classification', and claim 'a-b' is of kind 'effect'",
             "Set the claim's `kind`, or choose a predicate of its kind."),
        Code("KG110", "field-not-for-kind", E,
             "A field belongs to another kind or origin of claim (`outcome`: modification; "
             "`recommended_by`: recommendation; `justification`: a curator's claim; "
             "`certainty`: not a question), or `pooled` is on a study that pools nothing.",
             "claims/x.yaml:9:5: error KG110 'outcome' is only for an effect modification "
             "(kind: modification); claim 'a-b' is of kind 'effect' and origin 'article'",
             "Remove the field, or change the claim's kind or origin."),
        # -- integrity ---------------------------------------------------------------------------
        Code("KG201", "duplicate-id", E,
             "Two entities or claims share an id (across all files).",
             "claims/b.yaml:3:9: error KG201 duplicate id 'rankl' (first at claims/a.yaml:7)",
             "Rename one of them, or merge them."),
        Code("KG202", "unknown-entity", E,
             "A claim's subject or object names no entity.",
             "claims/x.yaml:6:14: error KG202 unknown entity 'sclerotin'",
             "Fix the id or add the entity to claims/entities.yaml."),
        Code("KG203", "unknown-reference", E,
             "An evidence line, `article_cites` or the article outline names a key missing "
             "from references.bib.",
             "claims/x.yaml:14:16: error KG203 unknown reference key 'kwan2020'",
             "Fix the key or add the BibTeX entry."),
        Code("KG204", "missing-study-record", E,
             "An evidence line names a reference with no record in claims/studies.yaml, so "
             "its design and population are unknown.",
             "claims/x.yaml:14:16: error KG204 'kwan2021lifestyle' has no record in "
             "claims/studies.yaml",
             "Add a study record with design, population and findings."),
        Code("KG205", "study-without-reference", E,
             "A study record has no entry in references.bib.",
             "claims/studies.yaml:2:3: error KG205 study 'smith2020' has no entry in "
             "references.bib",
             "Add the BibTeX entry, or fix the key."),
        Code("KG206", "unknown-claim", E,
             "`superseded_by` or `acknowledges` names a claim that does not exist.",
             "claims/x.yaml:30:20: error KG206 unknown claim 'ai-raises-rankl'",
             "Fix the claim id."),
        Code("KG207", "unknown-paragraph", E,
             "A claim's `source` names a section or paragraph missing from claims/article.yaml.",
             "claims/x.yaml:9:13: error KG207 source paragraph intermediate 42 is not in the "
             "article outline",
             "Fix the locator, or add the paragraph to claims/article.yaml."),
        Code("KG208", "missing-file", E,
             "A corpus file the format requires is missing (claims/entities.yaml or "
             "claims/studies.yaml).",
             "claims/entities.yaml:1:1: error KG208 missing file claims/entities.yaml",
             "Create it; `kg init` writes a valid empty one."),
        # -- bibliography --------------------------------------------------------------------------
        Code("KG301", "bibtex-syntax", E,
             "references.bib has an entry that cannot be parsed, text left after an entry's "
             "end (an extra `}` closes it early), or a value that `@string` macros expand "
             "past 1 Mi characters.",
             "references.bib:12:1: error KG301 unbalanced braces in entry 'kwan2021lifestyle'",
             "Balance the braces, quote the value, or add the missing comma."),
        Code("KG302", "bibtex-missing-field", E,
             "An entry lacks a field its type requires (article: author, title, journal, year).",
             "references.bib:3:1: error KG302 @article 'x2020' lacks required field 'journal'",
             "Add the field from the published record."),
        Code("KG303", "malformed-doi", E,
             "A `doi` field is not of the form 10.NNNN/suffix.",
             "references.bib:9:3: error KG303 malformed DOI 'https://doi.org/10.1/x'",
             "Write the bare DOI, without a resolver prefix."),
        Code("KG304", "malformed-pmid", E,
             "A `pmid` field is not a positive whole number.",
             "references.bib:10:3: error KG304 malformed PMID 'PMID:33565036'",
             "Write only the digits."),
        Code("KG305", "malformed-pmcid", E,
             "A `pmcid` field is not `PMC` followed by digits.",
             "references.bib:11:3: error KG305 malformed PMCID '8349930'",
             "Write it as PMC8349930."),
        Code("KG306", "duplicate-doi", E,
             "Two entries share one DOI.",
             "references.bib:30:3: error KG306 DOI 10.3390/nu16142356 also in 'rusu2024' "
             "(line 12)",
             "Merge the two entries into one key."),
        Code("KG307", "uncited-reference", W,
             "An entry that no study record, evidence line, `article_cites` or article "
             "outline uses.",
             "references.bib:40:1: warning KG307 reference 'old2001' is never used",
             "Use it as evidence or delete it."),
        Code("KG308", "duplicate-bib-key", E,
             "Two entries share a key.",
             "references.bib:20:1: error KG308 duplicate key 'kwan2021lifestyle' (first at "
             "line 1)",
             "Rename or delete one of them."),
        Code("KG309", "study-without-identifier", E,
             "A study's reference has neither a DOI nor a PMID, so no reader can find the "
             "record it was checked against.",
             "references.bib:40:1: error KG309 study 'smith2020' has neither a DOI nor a PMID",
             "Add the `doi` or `pmid` field, read from the publisher's page or PubMed."),
        Code("KG310", "unverified-study", W,
             "A study record does not say where its identifiers and authors were checked "
             "(`verified`).",
             "claims/studies.yaml:12:3: warning KG310 study 'smith2020' does not record where "
             "it was verified",
             "Add `verified:` naming the kind of source read (PubMed record, PMC, publisher's "
             "page) and what was read."),
        Code("KG311", "pooled-not-recorded", W,
             "A meta-analysis or systematic review does not record what it pooled, so its "
             "evidence rating starts low whatever it pooled.",
             "claims/studies.yaml:30:3: warning KG311 meta-analysis 'smith2020' does not "
             "record what it pooled",
             "Add `pooled: {designs: [rct], studies: 12}` from its methods or abstract."),
        # -- identifiers ---------------------------------------------------------------------------
        Code("KG401", "unknown-curie-prefix", E,
             "A CURIE's prefix is not in the Bioregistry.",
             "claims/entities.yaml:7:13: error KG401 unknown CURIE prefix 'HGCN' in 'HGCN:11926'",
             "Fix the prefix; the hint names the nearest registered one."),
        Code("KG402", "bad-curie-local-id", E,
             "A CURIE's local id does not match the pattern the Bioregistry gives for its prefix.",
             "claims/entities.yaml:7:13: error KG402 'GO:123' does not match the pattern of "
             "GO (^\\d{7}$)",
             "Copy the identifier again from the ontology."),
        Code("KG403", "malformed-curie", E,
             "An xref is not of the form PREFIX:local-id.",
             "claims/entities.yaml:7:13: error KG403 'rankl' is not a CURIE",
             "Write it as PREFIX:ID, for example HGNC:11926."),
        # -- type rules --------------------------------------------------------------------------
        Code("KG501", "predicate-role-mismatch", E,
             "A predicate links entities whose roles it does not fit (docs/format.md, "
             "Predicates).",
             "claims/x.yaml:7:16: error KG501 'increases' cannot have an intervention as object "
             "('exercise')",
             "Choose another predicate, or check the entity's role."),
        Code("KG502", "no-effect-stance-on-no-effect-claim", W,
             "An evidence line on a claim that itself states no effect (`no-effect-on`, "
             "`not-associated-with`) has the stance `no-effect`. A study that found no effect "
             "supports such a claim; the stance says how the study bears on the claim.",
             "claims/x.yaml:12:17: warning KG502 a study that found no effect supports claim "
             "'x-no-effect-on-y', which states no effect",
             "Write `stance: supports`."),
        # -- consistency (issue 6) -----------------------------------------------------------------
        Code("KG601", "direct-contradiction", E,
             "Two claims on the same subject and object have predicates of opposite sign "
             "(+ against -) in overlapping context: each qualifier (population, context, dose, "
             "duration) is the same or missing from one of them. Reported at the later claim.",
             "claims/b.yaml:9:16: error KG601 claim 'ai-raises-opg' (aromatase-inhibitor "
             "increases opg, +) contradicts claim 'ai-lowers-opg' (aromatase-inhibitor decreases "
             "opg, -) at claims/a.yaml:3:5",
             "Correct one claim, qualify both (population, context, dose, duration), set "
             "`superseded_by` on the older one, or add `acknowledges: [{claim, reason}]`."),
        Code("KG602", "chain-contradiction", E,
             "A causal claim A -> C disagrees in sign with a chain of two to four causal "
             "claims A -> B -> ... -> C. Associational and structural predicates and "
             "`no-effect-on` links do not form chains; superseded claims take no part.",
             "claims/a.yaml:14:16: error KG602 claim 'ai-lowers-rankl' says aromatase-inhibitor "
             "decreases rankl (net -), but the causal chain aromatase-inhibitor -> estrogen -> "
             "rankl gives net +: 'ai-lowers-estrogen' (-), 'estrogen-lowers-rankl' (-)",
             "Correct the stated claim or a link, set `superseded_by` on the one replaced, or "
             "add `acknowledges` between the stated claim and a link, with the reason."),
        Code("KG603", "unsupported-link", Severity.INFO,
             "A causal claim whose evidence is all null or contradicting (status unsupported, "
             "or contested with no supporting line) is a link in a 2-4 step causal chain that "
             "connects the two ends of another signed claim. A finding about the evidence, "
             "not a corpus defect: info, so --strict does not fail on it.",
             "claims/a.yaml:20:5: info KG603 claim 'walking-raises-bmd' (walking increases "
             "bmd) has only null evidence, yet 1 claim rests on chains through it: "
             "'walking-lowers-fracture' by walking-raises-bmd -> bmd-lowers-fracture",
             "Find supporting evidence, weaken the claim, or revisit the chains that use it."),
        Code("KG604", "contradictory-cycle", E,
             "A cycle of up to four causal claims closes with an odd number of negative links, "
             "so an entity would both raise and lower itself. Reported once, at the claim with "
             "the smallest id.",
             "claims/a.yaml:3:16: error KG604 causal cycle x -> y -> x closes with 1 negative "
             "link (net -): 'x-raises-y' (+), 'y-lowers-x' (-)",
             "Correct a link; for a real feedback loop, add `acknowledges` between two of its "
             "claims saying so."),
        Code("KG605", "orphan-entity", W,
             "An entity that no claim uses as subject or object. (Orphan checks wait until "
             "every record loads.)",
             "claims/entities.yaml:40:7: warning KG605 entity 'calcitonin' is not used by any "
             "claim",
             "Use it in a claim, or delete it."),
        Code("KG606", "orphan-study", W,
             "A study record that no evidence line uses and the article does not cite "
             "(`article_cites`, or the outline's `references`). A study the article cites "
             "without an evidence line is not an orphan; `kg audit` reports it as "
             "unverifiable.",
             "claims/studies.yaml:30:3: warning KG606 study 'smith2020' is used by no evidence "
             "line and cited nowhere in the article",
             "Add an evidence line from it, or delete the record."),
        Code("KG607", "effect-and-no-effect", E,
             "Two claims on the same subject and object, in overlapping context (as for "
             "KG601), say both that the subject has an effect (or association) and that it "
             "has none (`no-effect-on`, `not-associated-with`). Often a subgroup result "
             "that lost its `population`.",
             "claims/b.yaml:9:16: error KG607 claim 'training-no-effect-bmd' (training "
             "no-effect-on bmd) denies the effect claim 'training-raises-bmd' states "
             "(training increases bmd) at claims/a.yaml:3:5",
             "Give each claim its population or context, correct one of them, or add "
             "`acknowledges` saying why both stand."),
    )
}


#: Where the diagnostics page is published; each code is an anchor on it (``#kg101``).
DOCS_URL = "https://example.org/kg-bone-ai/docs/diagnostics"


def help_url(code: str) -> str:
    return f"{DOCS_URL}#{code.lower()}"


def _example_and_fix(c: Code) -> list[str]:
    return ["Example:", "", "    " + c.example, "", f"Fix: {c.fix}"]


def explain(code: str) -> str:
    """The documentation of one code, as on docs/diagnostics.md (``kg explain``)."""
    c = CODES[code]
    return "\n".join([f"{c.code} {c.slug} ({c.severity})", "", c.summary, "",
                      *_example_and_fix(c), "", f"More: {help_url(c.code)}"]) + "\n"


def explain_data(code: str) -> dict[str, str]:
    """``kg explain --json``: {"code", "slug", "severity", "summary", "example", "fix",
    "url"}."""
    c = CODES[code]
    return {"code": c.code, "slug": c.slug, "severity": str(c.severity), "summary": c.summary,
            "example": c.example, "fix": c.fix, "url": help_url(c.code)}


def sarif_rules() -> dict[str, dict[str, object]]:
    """Every code as a SARIF reportingDescriptor: name, descriptions, help (text, markdown
    and link) and its default level."""
    from kg.diagnostics import SARIF_LEVEL

    return {
        c.code: {
            "id": c.code,
            "name": c.slug,
            "shortDescription": {"text": c.summary},
            "fullDescription": {"text": f"{c.summary} Example: {c.example}"},
            "help": {"text": f"{c.fix} ({help_url(c.code)})",
                     "markdown": f"{c.fix}\n\nExample:\n\n    {c.example}\n\n"
                                 f"[{c.code} in the docs]({help_url(c.code)})"},
            "helpUri": help_url(c.code),
            "defaultConfiguration": {"level": SARIF_LEVEL[c.severity]},
            "properties": {"tags": [c.slug]},
        }
        for c in CODES.values()
    }


def render_markdown() -> str:
    """docs/diagnostics.md."""
    out = [
        "# Diagnostics",
        "",
        "Every problem `kg validate` finds is a diagnostic with a stable code. Output:",
        "`file:line:col: severity CODE message`, then `  = help: ...` when a fix is known.",
        "`--format json`, `--format github` (workflow annotations) and `--format sarif`",
        "give the same list for machines. Exit status: 0 clean, 1 errors (or warnings with",
        "`--strict`), 2 usage errors (no corpus found, bad option).",
        "",
        "This page is generated from `kg/checks/codes.py` by "
        "`python -m kg.checks.codes > docs/diagnostics.md`.",
        "",
        "| code | name | severity | meaning |",
        "|---|---|---|---|",
    ]
    for c in CODES.values():
        out.append(f"| [{c.code}](#{c.code.lower()}) | {c.slug} | {c.severity} | {c.summary} |")
    for c in CODES.values():
        out += [
            "",
            f"## {c.code}",
            "",
            f"**{c.slug}** ({c.severity}). {c.summary}",
            "",
            *_example_and_fix(c),
        ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_markdown())
