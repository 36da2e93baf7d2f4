"""The corpus model: frozen dataclasses that remember where they came from. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based position in a corpus file (path relative to the corpus root, POSIX)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    label: str
    role: str
    kind: str
    span: Span
    xrefs: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    description: str | None = None
    xref_spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Statistic:
    measure: str
    comparison: str
    value: float | None = None
    ci: tuple[float, float] | None = None
    ci_level: float = 0.95
    p: float | str | None = None
    unit: str | None = None
    groups: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    study: str
    stance: str
    finding: str
    span: Span
    locator: str | None = None
    statistics: tuple[Statistic, ...] = ()
    study_span: Span | None = None
    #: why the study's population, exposure or outcome is not the claim's (downgrades)
    indirect: str | None = None


@dataclass(frozen=True, slots=True)
class SourceLocator:
    section: str
    paragraph: int
    row: str | None = None
    column: str | None = None
    item: str | None = None

    def __str__(self) -> str:
        s = f"{self.section} ¶{self.paragraph}"
        if self.row:
            s += f", row {self.row}"
        if self.column:
            s += f", column {self.column}"
        if self.item:
            s += f", item {self.item}"
        return s


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    claim: str
    reason: str
    span: Span


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    statement: str
    subject: str
    predicate: str
    object: str
    certainty: str  # "" for a question, which states nothing
    source: SourceLocator | None  # None for a curator's claim
    span: Span
    population: str | None = None
    context: str | None = None
    dose: str | None = None
    duration: str | None = None
    article_cites: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    superseded_by: str | None = None
    acknowledges: tuple[Acknowledgement, ...] = ()
    notes: str | None = None
    #: where individual fields sit, for diagnostics: field name -> span of its value
    field_spans: dict[str, Span] = field(default_factory=dict, compare=False, hash=False)
    cite_spans: tuple[Span, ...] = ()
    kind: str = "effect"
    origin: str = "article"
    #: a curator's claim: why the link holds, since the article does not state it
    justification: str | None = None
    #: a recommendation: the reference keys of who advises it; empty: the article itself
    recommended_by: tuple[str, ...] = ()
    #: an effect modification: the outcome whose effect the subject changes
    outcome: str | None = None

    @property
    def from_article(self) -> bool:
        return self.origin == "article"


@dataclass(frozen=True, slots=True)
class Pooled:
    """What a meta-analysis or systematic review pooled."""

    designs: tuple[str, ...]
    studies: int | None = None


@dataclass(frozen=True, slots=True)
class CitationIssue:
    field: str
    cited: str
    actual: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Erratum:
    note: str
    doi: str | None = None


@dataclass(frozen=True, slots=True)
class Study:
    key: str
    design: str
    population: str
    findings: str
    span: Span
    n: int | None = None
    duration: str | None = None
    citation_issues: tuple[CitationIssue, ...] = ()
    errata: tuple[Erratum, ...] = ()
    registration: str | None = None
    notes: str | None = None
    pooled: Pooled | None = None
    #: where the record's identifiers and authors were read, so a reviewer can repeat it
    verified: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """A BibTeX entry. ``fields`` keys are lower-case; values have braces stripped."""

    key: str
    type: str
    fields: dict[str, str]
    span: Span
    field_spans: dict[str, Span] = field(default_factory=dict, compare=False, hash=False)

    @property
    def authors(self) -> tuple[str, ...]:
        raw = self.fields.get("author", "")
        return tuple(a.strip() for a in raw.replace("\n", " ").split(" and ") if a.strip())

    @property
    def year(self) -> str | None:
        return self.fields.get("year")

    @property
    def doi(self) -> str | None:
        return self.fields.get("doi")

    @property
    def pmid(self) -> str | None:
        return self.fields.get("pmid")

    def short_citation(self) -> str:
        """'Kwan et al. 2021', 'Rusu et al. 2024', 'Smith & Jones 2019'; BibTeX's closing
        'and others' (an author list cut short) gives 'Szulc et al. 1996'."""
        authors = self.authors
        more = bool(authors) and authors[-1].lower() == "others"
        if more:
            authors = authors[:-1]
        names = [a.split(",")[0].strip() if "," in a else a.split()[-1] for a in authors]
        year = self.year or "n.d."
        if not names:
            return f"{self.fields.get('title', self.key)[:40]} {year}"
        if more:
            return f"{names[0]} et al. {year}"
        if len(names) == 1:
            return f"{names[0]} {year}"
        if len(names) == 2:
            return f"{names[0]} & {names[1]} {year}"
        return f"{names[0]} et al. {year}"


@dataclass(frozen=True, slots=True)
class Paragraph:
    section: str
    n: int
    kind: str
    incipit: str
    span: Span


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    references: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    span: Span
    section_titles: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    reference_spans: tuple[Span, ...] = ()


@dataclass(slots=True)
class Corpus:
    """Everything loaded from one corpus folder, in file order."""

    root: str
    entities: dict[str, Entity] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    studies: dict[str, Study] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    article: Article | None = None
    #: ids and keys of entities, claims and studies that exist but failed schema checks
    invalid: set[str] = field(default_factory=set)
    #: parts ("entities", "studies", "references", "claims") with a file missing or unreadable
    incomplete: set[str] = field(default_factory=set)
    #: relative path -> SHA-256 of the bytes parsed (or "unreadable:<errno>"), in load order
    digests: dict[str, str] = field(default_factory=dict, compare=False)
    #: relative path -> the read of that file (kg.cache.Read), to detect a change mid-run
    reads: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
