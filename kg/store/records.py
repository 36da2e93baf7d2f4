"""Records read back from the graph: the claims, entities, studies and article paragraphs a
card shows, as kg.corpus.model objects, built from what the store holds (``nodes.rq``: every
statement about the nodes asked for; ``places.rq``: where they are written).

The cards (kg.questions.views) then say exactly what the graph says: a claim's status and rating are
computed again from its evidence lines as the graph records them (design, pooled designs,
sample size, confidence intervals, indirectness), and :func:`corpus_for` is all a card
reads. Values the graph holds as sets come back in a stable order: synonyms, xrefs, the
article's citations of a claim and its recommenders sorted, a review's pooled designs in
the vocabulary's order (kg.corpus.vocabulary.POOLED_DESIGNS); evidence lines, statistics,
groups, authors, errata, citation issues and acknowledgements in the order the compiler
numbered them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from urllib.parse import unquote

from kg.corpus import vocabulary as V
from kg.corpus.model import (
    Acknowledgement,
    Article,
    CitationIssue,
    Claim,
    Corpus,
    Entity,
    Erratum,
    Evidence,
    Paragraph,
    Pooled,
    Reference,
    SourceLocator,
    Span,
    Statistic,
    Study,
)
from kg.graph import namespaces as ns
from kg.store import query as Q
from kg.store.terms import Backend, Term

#: How many IRIs one VALUES block carries (stores limit the size of a query).
CHUNK = 500
_TAIL_NUMBER = re.compile(r"-(\d+)$")
_MONTH = re.compile(r"^\d{4}-(\d{2})$")

Node = dict[str, list[Term]]


class Graph:
    """The statements of some nodes, fetched from a store and kept by node and predicate."""

    def __init__(self, store: Backend, base: str) -> None:
        self.store = store
        self.base = base
        self.kgv = ns.vocab_ns(base)
        self.nodes: dict[str, Node] = {}
        self.places: dict[str, dict[str, str]] = {}

    # fetching

    def fetch(self, iris: Iterable[str]) -> None:
        """Read every statement about the ``iris`` not read yet."""
        wanted = [i for i in dict.fromkeys(iris) if i not in self.nodes]
        for i in wanted:
            self.nodes[i] = {}
        for chunk in _chunks(wanted):
            for row in Q.select(self.store, "nodes", self.base, node=map(Q.iri, chunk)):
                self.nodes[row["node"].value].setdefault(row["p"].value, []).append(row["o"])

    def fetch_places(self, iris: Iterable[str]) -> None:
        wanted = [i for i in dict.fromkeys(iris) if i not in self.places]
        for i in wanted:
            self.places[i] = {}
        for chunk in _chunks(wanted):
            for row in Q.select(self.store, "places", self.base, node=map(Q.iri, chunk)):
                place = self.places[row["node"].value]
                for name in ("at", "entry", "ord"):
                    if name in row:
                        place[name] = row[name].value

    # reading

    def all(self, node: str, predicate: str) -> list[Term]:
        return self.nodes.get(node, {}).get(predicate, [])

    def one(self, node: str, predicate: str) -> str | None:
        found = self.all(node, predicate)
        return min(t.value for t in found) if found else None

    def iris(self, node: str, predicate: str) -> list[str]:
        """The IRI objects of ``node``'s ``predicate``, numbered ones in their number's order."""
        return sorted((t.value for t in self.all(node, predicate) if t.kind == "iri"),
                      key=numbered)

    def concept(self, node: str, predicate: str, scheme: str) -> str | None:
        """The local name of a kgv concept object (``kgv:<scheme>-<value>``) as ``value``."""
        iri = self.one(node, predicate)
        if iri is None:
            return None
        local = iri[len(self.kgv):] if iri.startswith(self.kgv) else iri
        return local.removeprefix(f"{scheme}-") if scheme else local

    def number(self, node: str, predicate: str) -> float | None:
        value = self.one(node, predicate)
        return float(value) if value is not None else None

    def span(self, node: str, key: str = "at") -> Span:
        return parse_span(self.places.get(node, {}).get(key))

    def kgv_(self, local: str) -> str:
        return self.kgv + local


def parse_span(text: str | None) -> Span:
    """``file:line:column`` as a Span (an unknown place as line 0)."""
    if not text:
        return Span("", 0, 0)
    file, line, column = text.rsplit(":", 2)
    return Span(file, int(line), int(column))


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def numbered(iri: str) -> tuple[str, int]:
    m = _TAIL_NUMBER.search(iri)
    return (iri[:m.start()], int(m.group(1))) if m else (iri, 0)


def local_id(iri: str) -> str:
    """The id in a minted IRI ``<base><folder>/<id>``."""
    return unquote(iri.rsplit("/", 1)[-1])


def node_iri(base: str, folder: str, ident: str) -> str:
    from kg.graph.compiler import seg

    return f"{base}{folder}/{seg(ident)}"


# -- records -----------------------------------------------------------------------------------

_RDF_TYPE = ns.RDF + "type"
_ROLES = {"Intervention": "intervention", "Exposure": "exposure", "Mechanism": "mechanism",
          "Outcome": "outcome"}


def entity(g: Graph, iri: str) -> Entity | None:
    if not g.all(iri, ns.DCTERMS + "identifier"):
        return None
    role = ""
    for t in g.all(iri, _RDF_TYPE):
        if t.value.startswith(g.kgv) and t.value[len(g.kgv):] in _ROLES:
            role = _ROLES[t.value[len(g.kgv):]]
    return Entity(
        id=g.one(iri, ns.DCTERMS + "identifier") or local_id(iri),
        label=g.one(iri, ns.RDFS + "label") or "",
        role=role,
        kind=g.concept(iri, g.kgv_("kind"), "kind") or "",
        span=g.span(iri),
        xrefs=tuple(sorted(t.value for t in g.all(iri, ns.OIO + "hasDbXref"))),
        synonyms=tuple(sorted(t.value for t in g.all(iri, ns.SKOS + "altLabel"))),
        description=g.one(iri, ns.SKOS + "definition"),
    )


def statistic(g: Graph, iri: str) -> Statistic:
    lower, upper = g.number(iri, g.kgv_("ciLower")), g.number(iri, g.kgv_("ciUpper"))
    p: float | str | None = g.number(iri, g.kgv_("pValue"))
    if p is None:
        p = g.one(iri, g.kgv_("pValueBound"))
    groups = tuple((g.one(gr, ns.RDFS + "label") or "", g.number(gr, g.kgv_("value")) or 0.0)
                   for gr in g.iris(iri, g.kgv_("group")))
    level = g.number(iri, g.kgv_("ciLevel"))
    return Statistic(
        measure=g.concept(iri, g.kgv_("measure"), "measure") or "",
        comparison=g.one(iri, g.kgv_("comparison")) or "",
        value=g.number(iri, g.kgv_("value")),
        ci=(lower, upper) if lower is not None and upper is not None else None,
        ci_level=level if level is not None else 0.95,
        p=p,
        unit=g.one(iri, g.kgv_("unit")),
        groups=groups,
    )


def evidence(g: Graph, iri: str) -> Evidence:
    study = g.one(iri, ns.DCTERMS + "source")
    return Evidence(
        study=local_id(study) if study else "",
        stance=g.concept(iri, g.kgv_("stance"), "stance") or "",
        finding=g.one(iri, ns.DCTERMS + "description") or "",
        span=Span("", 0, 0),
        locator=g.one(iri, g.kgv_("locator")),
        statistics=tuple(statistic(g, s) for s in g.iris(iri, g.kgv_("statistic"))),
        indirect=g.one(iri, g.kgv_("indirectness")),
    )


def source(g: Graph, iri: str) -> SourceLocator | None:
    paragraph = g.one(iri, g.kgv_("sourceParagraph"))
    if paragraph is None:
        return None
    section = g.one(paragraph, ns.DCTERMS + "isPartOf")
    number = g.one(paragraph, g.kgv_("paragraphNumber"))
    return SourceLocator(
        section=(g.one(section, ns.DCTERMS + "identifier") or local_id(section)) if section
        else "",
        paragraph=int(number) if number is not None else 0,
        row=g.one(iri, g.kgv_("sourceRow")),
        column=g.one(iri, g.kgv_("sourceColumn")),
        item=g.one(iri, g.kgv_("sourceItem")),
    )


def claim(g: Graph, iri: str) -> Claim | None:
    if not g.all(iri, ns.DCTERMS + "identifier"):
        return None
    kgv = g.kgv
    predicate = g.one(iri, ns.RDF + "predicate") or ""
    superseded = g.one(iri, g.kgv_("supersededBy"))
    outcome = g.one(iri, g.kgv_("outcome"))
    acks = tuple(Acknowledgement(local_id(g.one(a, g.kgv_("conflictingClaim")) or ""),
                                 g.one(a, g.kgv_("reason")) or "", Span("", 0, 0))
                 for a in g.iris(iri, g.kgv_("acknowledges")))
    return Claim(
        id=g.one(iri, ns.DCTERMS + "identifier") or local_id(iri),
        statement=g.one(iri, ns.RDFS + "label") or "",
        subject=local_id(g.one(iri, ns.RDF + "subject") or ""),
        predicate=predicate[len(kgv):] if predicate.startswith(kgv) else predicate,
        object=local_id(g.one(iri, ns.RDF + "object") or ""),
        certainty=g.concept(iri, g.kgv_("certainty"), "certainty") or "",
        source=source(g, iri),
        span=g.span(iri),
        population=g.one(iri, g.kgv_("population")),
        context=g.one(iri, g.kgv_("context")),
        dose=g.one(iri, g.kgv_("dose")),
        duration=g.one(iri, g.kgv_("duration")),
        article_cites=tuple(sorted(local_id(s) for s in g.iris(iri, g.kgv_("articleCites")))),
        evidence=tuple(evidence(g, e) for e in g.iris(iri, ns.OBO + "SEPIO_0000006")),
        superseded_by=local_id(superseded) if superseded else None,
        acknowledges=acks,
        notes=g.one(iri, ns.RDFS + "comment"),
        kind=g.concept(iri, g.kgv_("claimKind"), "claim-kind") or "effect",
        origin=g.concept(iri, g.kgv_("origin"), "origin") or "article",
        justification=g.one(iri, g.kgv_("justification")),
        recommended_by=tuple(sorted(local_id(s)
                                    for s in g.iris(iri, g.kgv_("recommendedBy")))),
        outcome=local_id(outcome) if outcome else None,
    )


def study(g: Graph, iri: str) -> Study | None:
    design = g.concept(iri, g.kgv_("design"), "design")
    if design is None:
        return None
    pooled_designs = sorted(
        (d.value[len(g.kgv):].removeprefix("design-") for d in g.all(iri, g.kgv_("pooledDesign"))),
        key=lambda d: (V.POOLED_DESIGNS.index(d) if d in V.POOLED_DESIGNS
                       else len(V.POOLED_DESIGNS), d))  # as kg.corpus.schema orders them
    pooled_n = g.one(iri, g.kgv_("pooledStudies"))
    pooled = None
    if pooled_designs or pooled_n is not None:
        pooled = Pooled(tuple(pooled_designs), int(pooled_n) if pooled_n is not None else None)
    n = g.one(iri, g.kgv_("sampleSize"))
    issues = tuple(CitationIssue(g.one(c, g.kgv_("field")) or "", g.one(c, g.kgv_("cited")) or "",
                                 g.one(c, g.kgv_("actual")) or "", g.one(c, ns.RDFS + "comment"))
                   for c in g.iris(iri, g.kgv_("citationIssue")))
    errata = tuple(Erratum(g.one(e, ns.RDFS + "comment") or "", g.one(e, ns.BIBO + "doi"))
                   for e in g.iris(iri, ns.CITO + "isCorrectedBy"))
    return Study(
        key=g.one(iri, ns.DCTERMS + "identifier") or local_id(iri),
        design=design,
        population=g.one(iri, g.kgv_("population")) or "",
        findings=g.one(iri, ns.DCTERMS + "description") or "",
        span=g.span(iri),
        n=int(n) if n is not None else None,
        duration=g.one(iri, g.kgv_("duration")),
        citation_issues=issues,
        errata=errata,
        registration=g.one(iri, g.kgv_("registration")),
        notes=g.one(iri, ns.RDFS + "comment"),
        pooled=pooled,
        verified=g.one(iri, g.kgv_("verification")),
    )


def reference(g: Graph, iri: str) -> Reference | None:
    if not any(t.value == g.kgv_("Reference") for t in g.all(iri, _RDF_TYPE)):
        return None
    fields: dict[str, str] = {}
    authors = sorted(g.all(iri, ns.DCTERMS + "creator"), key=lambda t: numbered(t.value))
    names = [g.one(a.value, ns.RDFS + "label") or "" for a in authors]
    if names and (g.one(iri, ns.RDFS + "label") or "").endswith(" et al. " + (
            g.one(iri, ns.FABIO + "hasPublicationYear") or "n.d.")) and len(names) < 3:
        names.append("others")  # the entry's author list ends "and others" (cut short)
    if names:
        fields["author"] = " and ".join(names)
    journal = g.one(iri, ns.DCTERMS + "isPartOf")
    for name, value in (
        ("title", g.one(iri, ns.DCTERMS + "title")),
        ("journal", g.one(journal, ns.DCTERMS + "title") if journal else None),
        ("year", g.one(iri, ns.FABIO + "hasPublicationYear")),
        ("volume", g.one(iri, ns.BIBO + "volume")),
        ("number", g.one(iri, ns.PRISM + "issueIdentifier")),
        ("pages", g.one(iri, ns.BIBO + "pages")),
        ("doi", g.one(iri, ns.BIBO + "doi")),
        ("pmid", g.one(iri, ns.BIBO + "pmid")),
        ("pmcid", g.one(iri, ns.FABIO + "hasPubMedCentralId")),
        ("note", g.one(iri, ns.SKOS + "note")),
        ("howpublished", g.one(iri, ns.DCTERMS + "bibliographicCitation")),
    ):
        if value is not None:
            fields[name] = value
    month = _MONTH.match(g.one(iri, ns.DCTERMS + "issued") or "")
    if month:
        fields["month"] = str(int(month.group(1)))
    article = any(t.value == ns.BIBO + "AcademicArticle" for t in g.all(iri, _RDF_TYPE))
    return Reference(key=g.one(iri, ns.DCTERMS + "identifier") or local_id(iri),
                     type="article" if article else "misc", fields=fields,
                     span=g.span(iri, "entry"))


# -- a corpus holding what some cards need ------------------------------------------------------


def corpus_for(store: Backend, base: str, root: str, claims: Iterable[str] = (),
               entities: Iterable[str] = (), studies: Iterable[str] = (),
               outline: bool = False) -> Corpus:
    """A Corpus holding the given claims, entities and studies as the graph records them,
    with what the cards read about them: the claims' ends, the studies and references of
    their evidence and citations, their acknowledgements, and the article's title,
    reference list and the paragraphs and section titles the claims point to (``outline``:
    the article's whole outline, in order, from ``outline.rq``)."""
    g = Graph(store, base)
    claim_iris = [node_iri(base, "claim", c) for c in claims]
    g.fetch(claim_iris)
    more: list[str] = []
    for ci in claim_iris:
        for p in ("acknowledges", "sourceParagraph"):
            more += g.iris(ci, g.kgv_(p))
        more += g.iris(ci, ns.OBO + "SEPIO_0000006")
    g.fetch(more)
    stats = [s for e in more for s in g.iris(e, g.kgv_("statistic"))]
    sections = [s for p in more for s in g.iris(p, ns.DCTERMS + "isPartOf")]
    g.fetch(stats + sections)
    g.fetch(gr for s in stats for gr in g.iris(s, g.kgv_("group")))
    g.fetch_places(claim_iris)
    found = {i: claim(g, i) for i in claim_iris}
    corpus = Corpus(root)
    corpus.claims = {c.id: c for c in found.values() if c is not None}
    ent_ids = dict.fromkeys(entities)
    keys = dict.fromkeys(studies)
    for c in corpus.claims.values():
        ent_ids.update(dict.fromkeys(e for e in (c.subject, c.object, c.outcome) if e))
        keys.update(dict.fromkeys(ev.study for ev in c.evidence))
        keys.update(dict.fromkeys(c.article_cites))
        keys.update(dict.fromkeys(c.recommended_by))
    ent_iris = [node_iri(base, "entity", e) for e in ent_ids]
    study_iris = [node_iri(base, "study", k) for k in keys]
    citations = [node_iri(base, "citation", local_id(s)) for s in study_iris]
    g.fetch([*ent_iris, *study_iris, *citations])  # not the article: it cites every study
    parts = [o for s in study_iris for p in (ns.DCTERMS + "creator", g.kgv_("citationIssue"),
                                             ns.CITO + "isCorrectedBy", ns.DCTERMS + "isPartOf")
             for o in g.iris(s, p)]
    g.fetch(parts)
    g.fetch_places([*ent_iris, *study_iris])
    for i in ent_iris:
        e = entity(g, i)
        if e is not None:
            corpus.entities[e.id] = e
    for i in study_iris:
        s = study(g, i)
        if s is not None:
            corpus.studies[s.key] = s
        r = reference(g, i)
        if r is not None:
            corpus.references[r.key] = r
    named = [r["title"].value for r in Q.select(store, "article", base)]
    corpus.article = _article(g, min(named) if named else None, corpus, citations)
    if outline and corpus.article is not None:
        paragraphs, titles = [], {}
        for row in Q.select(store, "outline", base):
            section = row["section"].value
            if "title" in row:
                titles[section] = row["title"].value
            paragraphs.append(Paragraph(section, int(row["n"].value), row["kind"].value,
                                        row["incipit"].value, Span("", 0, 0)))
        corpus.article = dataclasses.replace(
            corpus.article, paragraphs=tuple(paragraphs),
            section_titles={**corpus.article.section_titles, **titles})
    return corpus


def _article(g: Graph, title: str | None, corpus: Corpus,
             citations: list[str]) -> Article | None:
    if title is None:
        return None
    listed = tuple(local_id(c) for c in citations
                   if g.one(c, g.kgv_("inReferenceList")) == "true")
    paragraphs = []
    titles: dict[str, str] = {}
    for c in corpus.claims.values():
        if c.source is None:
            continue
        p_iri = g.one(node_iri(g.base, "claim", c.id), g.kgv_("sourceParagraph"))
        if p_iri is None:
            continue
        section = g.one(p_iri, ns.DCTERMS + "isPartOf")
        if section is not None:
            section_title = g.one(section, ns.DCTERMS + "title")
            if section_title is not None:
                titles[c.source.section] = section_title
        incipit = g.one(p_iri, g.kgv_("incipit"))
        if incipit is not None:
            paragraphs.append(Paragraph(c.source.section, c.source.paragraph,
                                        g.one(p_iri, g.kgv_("paragraphKind")) or "", incipit,
                                        Span("", 0, 0)))
    return Article(title=title, references=listed, paragraphs=tuple(dict.fromkeys(paragraphs)),
                   span=Span("", 0, 0), section_titles=titles)
