"""Compile a corpus into RDF triples: deterministic, no blank nodes, flat IRIs (docs/rdf.md).

The API (other modules and commands call these):

    compile_graph(corpus: Corpus, base: str) -> list[pyoxigraph.Triple]
        The whole graph, in canonical order: subjects sorted by IRI, each subject's
        triples in a fixed order. Same corpus -> same list, whatever the file order or
        hash seed. ``corpus`` should validate clean (kg.validator.validate).
    compile_nanopubs(corpus: Corpus, base: str) -> list[pyoxigraph.Quad]
        One nanopublication per claim (head, assertion, provenance, pubinfo graphs).
    build(root: Path, base: str | None = None) -> Build
        validate + compile: ``Build(corpus, diagnostics, base, triples)``; ``triples`` is
        None when the corpus has errors. ``base`` None means [tool.kg] base or the default.
    to_store(triples) -> pyoxigraph.Store     an in-memory store, for SPARQL
    to_rdflib(triples) -> rdflib.Graph        for pySHACL and rdflib users (slow on big graphs)

pyoxigraph is imported here at module level: the CLI imports this module lazily, inside
the commands that need a graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad, Store, Triple

from kg import namespaces as ns
from kg.diagnostics import Diagnostic, Severity
from kg.evidence import assess
from kg.model import Claim, Corpus, Entity, Evidence, Reference, Statistic, Study

if TYPE_CHECKING:
    import rdflib

Term = NamedNode | Literal

ARTICLE = "article"
AGENT = "agent/kg"

_XSD_STRING = NamedNode(ns.XSD + "string")
_XSD_INTEGER = NamedNode(ns.XSD + "integer")
_XSD_DOUBLE = NamedNode(ns.XSD + "double")
_XSD_GYEAR = NamedNode(ns.XSD + "gYear")
_XSD_GYEARMONTH = NamedNode(ns.XSD + "gYearMonth")

_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_YEAR = re.compile(r"^\d{4}$")
_PAGES = re.compile(r"^\s*(\w+)\s*[-\u2013\u2014]+\s*(\w+)\s*$")


_SAFE_SEG = re.compile(r"^[A-Za-z0-9\-._~]+$")


def seg(text: str) -> str:
    """One path segment of a minted IRI: ids stay as they are, anything else is escaped."""
    if _SAFE_SEG.match(text):
        return text
    return quote(text, safe="-._~!$&'()*+,;=:@")


def iri_escape(text: str) -> str:
    """``text`` with the characters an IRI may not hold percent-encoded (for DOIs)."""
    return _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), text)


def doi_iri(doi: str) -> str:
    return ns.DOI + iri_escape(doi.strip())


def xref_iri(curie: str) -> str | None:
    """The standard IRI of an xref CURIE (Biolink's linked-data IRI where the Bioregistry's
    default is a web page, else the Bioregistry's), or None if the prefix is unknown."""
    from kg.checks.identifiers import expand, normalize_prefix

    prefix, _, local = curie.partition(":")
    norm = normalize_prefix(prefix)
    if norm in ns.XREF_IRI_PREFIXES:
        return ns.XREF_IRI_PREFIXES[norm] + iri_escape(local)
    found = expand(curie)
    return iri_escape(found) if found else None


def _double(x: float) -> Literal:
    text = repr(float(x))
    text = {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(text, text)
    return Literal(text, datatype=_XSD_DOUBLE)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=_XSD_INTEGER)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "journal"


class _Terms:
    """NamedNodes of one base IRI, made once."""

    def __init__(self, base: str) -> None:
        self.base = base
        v = ns.vocab_ns(base)
        self.v = v
        n = NamedNode
        self.type = n(ns.RDF + "type")
        self.rdf_subject = n(ns.RDF + "subject")
        self.rdf_predicate = n(ns.RDF + "predicate")
        self.rdf_object = n(ns.RDF + "object")
        self.Statement = n(ns.RDF + "Statement")
        self.Seq = n(ns.RDF + "Seq")
        self.label = n(ns.RDFS + "label")
        self.comment = n(ns.RDFS + "comment")
        self.sameAs = n(ns.OWL + "sameAs")
        self.schema_sameAs = n(ns.SCHEMA + "sameAs")
        self.schema_Claim = n(ns.SCHEMA + "Claim")
        self.Concept = n(ns.SKOS + "Concept")
        self.prefLabel = n(ns.SKOS + "prefLabel")
        self.altLabel = n(ns.SKOS + "altLabel")
        self.definition = n(ns.SKOS + "definition")
        self.exactMatch = n(ns.SKOS + "exactMatch")
        self.identifier = n(ns.DCTERMS + "identifier")
        self.title = n(ns.DCTERMS + "title")
        self.creator = n(ns.DCTERMS + "creator")
        self.issued = n(ns.DCTERMS + "issued")
        self.isPartOf = n(ns.DCTERMS + "isPartOf")
        self.description = n(ns.DCTERMS + "description")
        self.source = n(ns.DCTERMS + "source")
        self.dcterms_type = n(ns.DCTERMS + "type")
        self.wasDerivedFrom = n(ns.PROV + "wasDerivedFrom")
        self.wasAttributedTo = n(ns.PROV + "wasAttributedTo")
        self.Agent = n(ns.PROV + "Agent")
        self.SoftwareAgent = n(ns.PROV + "SoftwareAgent")
        self.cites = n(ns.CITO + "cites")
        self.citesAsEvidence = n(ns.CITO + "citesAsEvidence")
        self.Citation = n(ns.CITO + "Citation")
        self.hasCitingEntity = n(ns.CITO + "hasCitingEntity")
        self.hasCitedEntity = n(ns.CITO + "hasCitedEntity")
        self.hasCitationCharacterization = n(ns.CITO + "hasCitationCharacterization")
        self.AcademicArticle = n(ns.BIBO + "AcademicArticle")
        self.bibo_Article = n(ns.BIBO + "Article")
        self.Document = n(ns.BIBO + "Document")
        self.Journal = n(ns.BIBO + "Journal")
        self.authorList = n(ns.BIBO + "authorList")
        self.volume = n(ns.BIBO + "volume")
        self.pages = n(ns.BIBO + "pages")
        self.pageStart = n(ns.BIBO + "pageStart")
        self.pageEnd = n(ns.BIBO + "pageEnd")
        self.doi = n(ns.BIBO + "doi")
        self.pmid = n(ns.BIBO + "pmid")
        self.JournalArticle = n(ns.FABIO + "JournalArticle")
        self.hasPublicationYear = n(ns.FABIO + "hasPublicationYear")
        self.hasPubMedCentralId = n(ns.FABIO + "hasPubMedCentralId")
        self.EvidenceLine = n(ns.OBO + "SEPIO_0000002")
        self.has_evidence_line = n(ns.OBO + "SEPIO_0000006")
        self.evidence_direction = n(ns.OBO + "SEPIO_0000183")
        self.Nanopublication = n(ns.NP + "Nanopublication")
        self.hasAssertion = n(ns.NP + "hasAssertion")
        self.hasProvenance = n(ns.NP + "hasProvenance")
        self.hasPublicationInfo = n(ns.NP + "hasPublicationInfo")
        self.np_Assertion = n(ns.NP + "Assertion")
        self.np_Provenance = n(ns.NP + "Provenance")
        self.np_PublicationInfo = n(ns.NP + "PublicationInfo")
        self._v: dict[str, NamedNode] = {}
        self._ext: dict[str, NamedNode] = {}

    def k(self, local: str) -> NamedNode:
        """A term of our vocabulary, ``<base>vocab#local``."""
        node = self._v.get(local)
        if node is None:
            node = self._v[local] = NamedNode(self.v + local)
        return node

    def ext(self, iri: str) -> NamedNode:
        node = self._ext.get(iri)
        if node is None:
            node = self._ext[iri] = NamedNode(iri)
        return node

    def node(self, folder: str, local: str) -> str:
        return f"{self.base}{folder}/{seg(local)}"


def role_class(role: str) -> str:
    return role.capitalize()


def concept(scheme: str, value: str) -> str:
    """Local name of a value of one of our closed vocabularies: ``design-rct``."""
    return f"{scheme}-{value}"


class _Blocks:
    """Triples grouped by subject IRI; emitted with subjects sorted."""

    def __init__(self) -> None:
        self.by_subject: dict[str, list[tuple[NamedNode, Term]]] = {}
        self._once: set[tuple[str, NamedNode, Term]] = set()

    def add(self, s: str, p: NamedNode, o: Term) -> None:
        pairs = self.by_subject.get(s)
        if pairs is None:
            self.by_subject[s] = [(p, o)]
        else:
            pairs.append((p, o))

    def text(self, s: str, p: NamedNode, value: str | None) -> None:
        if value is not None and value != "":
            self.add(s, p, Literal(value))

    def add_once(self, s: str, p: NamedNode, o: Term) -> None:
        """``add``, skipping a triple added before with add_once (for the few places where
        the corpus can repeat one: shared journals, repeated synonyms or xrefs...)."""
        key = (s, p, o)
        if key not in self._once:
            self._once.add(key)
            self.add(s, p, o)

    def triples(self) -> list[Triple]:
        out: list[Triple] = []
        append = out.append
        for s in sorted(self.by_subject):
            sn = NamedNode(s)
            for p, o in self.by_subject[s]:
                append(Triple(sn, p, o))
        return out


class _Compiler:
    def __init__(self, corpus: Corpus, base: str) -> None:
        self.c = corpus
        self.t = _Terms(base)
        self.base = base
        self.article = base + ARTICLE
        self._journals = self._journal_iris()

    # --- entities ----------------------------------------------------------------------

    def entity(self, g: _Blocks, e: Entity) -> None:
        t = self.t
        s = t.node("entity", e.id)
        g.add(s, t.type, t.k("Entity"))
        g.add(s, t.type, t.k(role_class(e.role)))
        g.add(s, t.type, t.Concept)
        g.add(s, t.identifier, Literal(e.id))
        g.add(s, t.label, Literal(e.label))
        g.add(s, t.prefLabel, Literal(e.label))
        for syn in e.synonyms:
            g.add_once(s, t.altLabel, Literal(syn))
        g.add(s, t.k("kind"), t.k(concept("kind", e.kind)))
        g.text(s, t.definition, e.description)
        for curie in e.xrefs:
            iri = xref_iri(curie)
            if iri:
                g.add_once(s, t.exactMatch, t.ext(iri))

    # --- claims ------------------------------------------------------------------------

    def claim(self, g: _Blocks, claim: Claim) -> None:
        """The claim node and the plain triple (the assertion)."""
        t = self.t
        s = t.node("claim", claim.id)
        subj = t.node("entity", claim.subject)
        obj = t.node("entity", claim.object)
        pred = t.k(claim.predicate)
        g.add(subj, pred, NamedNode(obj))
        g.add(s, t.type, t.k("Claim"))
        g.add(s, t.type, t.schema_Claim)
        g.add(s, t.type, t.Statement)
        g.add(s, t.identifier, Literal(claim.id))
        g.add(s, t.label, Literal(claim.statement))
        g.add(s, t.rdf_subject, NamedNode(subj))
        g.add(s, t.rdf_predicate, pred)
        g.add(s, t.rdf_object, NamedNode(obj))
        for key in ("population", "context", "dose", "duration"):
            g.text(s, t.k(key), getattr(claim, key))
        g.add(s, t.k("certainty"), t.k(concept("certainty", claim.certainty)))
        src = claim.source
        g.add(s, t.k("sourceParagraph"), NamedNode(self.paragraph_iri(src.section, src.paragraph)))
        g.add(s, t.k("sourceLocator"), Literal(str(src)))
        g.text(s, t.k("sourceRow"), src.row)
        g.text(s, t.k("sourceColumn"), src.column)
        g.text(s, t.k("sourceItem"), src.item)
        g.add(s, t.wasDerivedFrom, NamedNode(self.article))
        for key in claim.article_cites:
            g.add_once(s, t.k("articleCites"), NamedNode(t.node("study", key)))
        a = assess(claim, self.c.studies)
        if a.level is not None:
            g.add(s, t.k("evidenceLevel"), t.k(concept("level", a.level)))
        g.add(s, t.k("status"), t.k(concept("status", a.status)))
        if claim.superseded_by:
            g.add(s, t.k("supersededBy"), NamedNode(t.node("claim", claim.superseded_by)))
        for i, ack in enumerate(claim.acknowledges, 1):
            a_iri = t.node("acknowledgement", f"{claim.id}-{i}")
            g.add(s, t.k("acknowledges"), NamedNode(a_iri))
            g.add(a_iri, t.type, t.k("Acknowledgement"))
            g.add(a_iri, t.k("conflictingClaim"), NamedNode(t.node("claim", ack.claim)))
            g.add(a_iri, t.k("reason"), Literal(ack.reason))
        g.text(s, t.comment, claim.notes)

    def evidence(self, g: _Blocks, claim: Claim) -> None:
        """Evidence lines of one claim, with their statistics and the claim's links to them."""
        t = self.t
        s = t.node("claim", claim.id)
        for i, ev in enumerate(claim.evidence, 1):
            e_iri = t.node("evidence", f"{claim.id}-{i}")
            study = t.node("study", ev.study)
            direction, link = ns.STANCE_TERMS[ev.stance]
            g.add(s, t.has_evidence_line, NamedNode(e_iri))
            g.add(s, t.ext(link), NamedNode(e_iri))
            if ev.stance == "supports":
                g.add_once(s, t.citesAsEvidence, NamedNode(study))
            self.evidence_line(g, e_iri, ev, study, claim.id, i)

    def evidence_line(self, g: _Blocks, e_iri: str, ev: Evidence, study: str,
                      claim_id: str, i: int) -> None:
        t = self.t
        g.add(e_iri, t.type, t.k("EvidenceLine"))
        g.add(e_iri, t.type, t.EvidenceLine)
        rec = self.c.studies.get(ev.study)
        if rec is not None:
            g.add(e_iri, t.type, t.ext(ns.DESIGN_TERMS[rec.design][2]))
        g.add(e_iri, t.k("claim"), NamedNode(t.node("claim", claim_id)))
        g.add(e_iri, t.source, NamedNode(study))
        g.add(e_iri, t.k("stance"), t.k(concept("stance", ev.stance)))
        g.add(e_iri, t.evidence_direction, t.ext(ns.STANCE_TERMS[ev.stance][0]))
        g.add(e_iri, t.description, Literal(ev.finding))
        g.text(e_iri, t.k("locator"), ev.locator)
        for j, st in enumerate(ev.statistics, 1):
            st_iri = t.node("statistic", f"{claim_id}-{i}-{j}")
            g.add(e_iri, t.k("statistic"), NamedNode(st_iri))
            self.statistic(g, st_iri, st)

    def statistic(self, g: _Blocks, s: str, st: Statistic) -> None:
        t = self.t
        g.add(s, t.type, t.k("Statistic"))
        stato = ns.MEASURE_TERMS.get(st.measure)
        if stato:
            g.add(s, t.type, t.ext(stato))
        g.add(s, t.k("measure"), t.k(concept("measure", st.measure)))
        g.add(s, t.k("comparison"), Literal(st.comparison))
        if st.value is not None:
            g.add(s, t.k("value"), _double(st.value))
        if st.ci is not None:
            g.add(s, t.k("ciLower"), _double(st.ci[0]))
            g.add(s, t.k("ciUpper"), _double(st.ci[1]))
            g.add(s, t.k("ciLevel"), _double(st.ci_level))
        if isinstance(st.p, float | int) and not isinstance(st.p, bool):
            g.add(s, t.k("pValue"), _double(st.p))
        elif isinstance(st.p, str):
            g.add(s, t.k("pValueBound"), Literal(st.p.strip()))
        g.text(s, t.k("unit"), st.unit)
        for k, (name, value) in enumerate(st.groups, 1):
            gr = f"{self.base}group/{s.rsplit('/', 1)[1]}-{k}"
            g.add(s, t.k("group"), NamedNode(gr))
            g.add(gr, t.type, t.k("StatisticGroup"))
            g.add(gr, t.label, Literal(name))
            g.add(gr, t.k("value"), _double(value))

    def paragraph_iri(self, section: str, n: int) -> str:
        return self.t.node("paragraph", f"{section}-{n}")

    # --- references and studies ------------------------------------------------------

    def _journal_iris(self) -> dict[str, str]:
        names = sorted({r.fields["journal"].strip() for r in self.c.references.values()
                        if r.fields.get("journal", "").strip()})
        out: dict[str, str] = {}
        used: set[str] = set()
        for name in names:
            slug = base_slug = _slug(name)
            k = 2
            while slug in used:
                slug = f"{base_slug}-{k}"
                k += 1
            used.add(slug)
            out[name] = self.t.node("journal", slug)
        return out

    def reference(self, g: _Blocks, ref: Reference) -> None:
        t = self.t
        s = t.node("study", ref.key)
        f = ref.fields
        g.add(s, t.type, t.k("Reference"))
        if ref.type == "article":
            g.add(s, t.type, t.AcademicArticle)
            g.add(s, t.type, t.JournalArticle)
        else:
            g.add(s, t.type, t.Document)
        rec = self.c.studies.get(ref.key)
        if rec is not None:
            g.add(s, t.type, t.k("Study"))
            fabio = ns.DESIGN_TERMS[rec.design][3]
            if fabio:
                g.add(s, t.type, t.ext(fabio))
        g.add(s, t.identifier, Literal(ref.key))
        g.add(s, t.label, Literal(ref.short_citation()))
        g.text(s, t.title, f.get("title"))
        authors = [a for a in ref.authors if a.lower() != "others"]
        if authors:
            lst = t.node("author-list", ref.key)
            g.add(s, t.authorList, NamedNode(lst))
            g.add(lst, t.type, t.Seq)
            for i, name in enumerate(authors, 1):
                person = t.node("author", f"{ref.key}-{i}")
                g.add(s, t.creator, NamedNode(person))
                g.add(lst, t.ext(f"{ns.RDF}_{i}"), NamedNode(person))
                g.add(person, t.type, t.Agent)
                g.add(person, t.label, Literal(name))
                g.add(person, t.k("authorPosition"), _int(i))
        year = (f.get("year") or "").strip()
        if _YEAR.match(year):
            g.add(s, t.hasPublicationYear, Literal(year, datatype=_XSD_GYEAR))
            month = (f.get("month") or "").strip()
            if month.isdigit() and 1 <= int(month) <= 12:
                g.add(s, t.issued, Literal(f"{year}-{int(month):02d}", datatype=_XSD_GYEARMONTH))
            else:
                g.add(s, t.issued, Literal(year, datatype=_XSD_GYEAR))
        journal = f.get("journal", "").strip()
        if journal:
            j = self._journals[journal]
            g.add(s, t.isPartOf, NamedNode(j))
            g.add_once(j, t.type, t.Journal)
            g.add_once(j, t.title, Literal(journal))
        g.text(s, t.volume, f.get("volume"))
        g.text(s, t.k("issueNumber"), f.get("number"))
        pages = (f.get("pages") or "").strip()
        if pages:
            g.add(s, t.pages, Literal(re.sub(r"\s*-{2,}\s*", "-", pages)))
            m = _PAGES.match(pages)
            if m:
                g.add(s, t.pageStart, Literal(m.group(1)))
                g.add(s, t.pageEnd, Literal(m.group(2)))
        doi = (f.get("doi") or "").strip()
        if doi:
            g.add(s, t.doi, Literal(doi))
            g.add(s, t.sameAs, t.ext(doi_iri(doi)))
            g.add(s, t.schema_sameAs, t.ext(doi_iri(doi)))
        g.text(s, t.pmid, (f.get("pmid") or "").strip() or None)
        g.text(s, t.hasPubMedCentralId, (f.get("pmcid") or "").strip() or None)
        if rec is not None:
            self.study(g, s, rec)

    def study(self, g: _Blocks, s: str, rec: Study) -> None:
        t = self.t
        design, mesh_types, _eco, _fabio = ns.DESIGN_TERMS[rec.design]
        g.add(s, t.k("design"), t.k(concept("design", rec.design)))
        if design:
            g.add(s, t.k("studyDesign"), t.ext(design))
        for mesh in mesh_types:
            g.add(s, t.dcterms_type, t.ext(mesh))
        g.add(s, t.k("population"), Literal(rec.population))
        if rec.n is not None:
            g.add(s, t.k("sampleSize"), _int(rec.n))
        g.text(s, t.k("duration"), rec.duration)
        g.add(s, t.description, Literal(rec.findings))
        g.text(s, t.k("registration"), rec.registration)
        g.text(s, t.comment, rec.notes)
        for i, issue in enumerate(rec.citation_issues, 1):
            ci = t.node("citation-issue", f"{rec.key}-{i}")
            g.add(s, t.k("citationIssue"), NamedNode(ci))
            g.add(ci, t.type, t.k("CitationIssue"))
            g.add(ci, t.k("field"), Literal(issue.field))
            g.add(ci, t.k("cited"), Literal(issue.cited))
            g.add(ci, t.k("actual"), Literal(issue.actual))
            g.text(ci, t.comment, issue.note)
        for i, err in enumerate(rec.errata, 1):
            er = t.node("erratum", f"{rec.key}-{i}")
            g.add(s, t.k("erratum"), NamedNode(er))
            g.add(er, t.type, t.k("Erratum"))
            g.add(er, t.comment, Literal(err.note))
            if err.doi:
                g.add(er, t.doi, Literal(err.doi.strip()))
                g.add(er, t.sameAs, t.ext(doi_iri(err.doi)))

    # --- the article ---------------------------------------------------------------------

    def article_node(self, g: _Blocks) -> None:
        t = self.t
        s = self.article
        g.add(s, t.type, t.k("Article"))
        g.add(s, t.type, t.bibo_Article)
        art = self.c.article
        cited_for_claims: set[str] = set()
        for claim in self.c.claims.values():
            cited_for_claims.update(claim.article_cites)
        listed = set(art.references) if art else set()
        if art is not None:
            g.add(s, t.title, Literal(art.title))
            for p in art.paragraphs:
                p_iri = self.paragraph_iri(p.section, p.n)
                g.add(p_iri, t.k("paragraphKind"), Literal(p.kind))
                g.add(p_iri, t.k("incipit"), Literal(p.incipit))
                title = art.section_titles.get(p.section)
                g.text(p_iri, t.k("sectionTitle"), title)
        for key in sorted(listed | cited_for_claims):
            study = NamedNode(t.node("study", key))
            function = t.citesAsEvidence if key in cited_for_claims else t.cites
            g.add(s, t.cites, study)
            if function is not t.cites:
                g.add(s, function, study)
            c_iri = t.node("citation", key)
            g.add(c_iri, t.type, t.Citation)
            g.add(c_iri, t.hasCitingEntity, NamedNode(s))
            g.add(c_iri, t.hasCitedEntity, study)
            g.add(c_iri, t.hasCitationCharacterization, function)
            rec = self.c.studies.get(key)
            if rec is not None:
                for i, _issue in enumerate(rec.citation_issues, 1):
                    g.add(c_iri, t.k("citationIssue"),
                          NamedNode(t.node("citation-issue", f"{key}-{i}")))

    def paragraphs(self, g: _Blocks) -> None:
        """Every paragraph named by the outline or by a claim's source."""
        t = self.t
        seen: set[tuple[str, int]] = set()
        art = self.c.article
        for p in art.paragraphs if art else ():
            seen.add((p.section, p.n))
        for claim in self.c.claims.values():
            seen.add((claim.source.section, claim.source.paragraph))
        for section, n in seen:
            p_iri = self.paragraph_iri(section, n)
            g.add(p_iri, t.type, t.k("Paragraph"))
            g.add(p_iri, t.k("section"), Literal(section))
            g.add(p_iri, t.k("paragraphNumber"), _int(n))
            g.add(p_iri, t.isPartOf, NamedNode(self.article))

    # --- whole graph -----------------------------------------------------------------------

    def graph(self) -> list[Triple]:
        g = _Blocks()
        c = self.c
        for e in c.entities.values():
            self.entity(g, e)
        for claim in c.claims.values():
            self.claim(g, claim)
            self.evidence(g, claim)
        for ref in c.references.values():
            self.reference(g, ref)
        self.article_node(g)
        self.paragraphs(g)
        self.agent(g)
        return g.triples()

    def agent(self, g: _Blocks) -> None:
        t = self.t
        s = self.base + AGENT
        g.add(s, t.type, t.SoftwareAgent)
        g.add(s, t.label, Literal("kg, the evidence-graph compiler"))

    def nanopubs(self) -> list[Quad]:
        t = self.t
        out: list[Quad] = []
        agent = NamedNode(self.base + AGENT)
        for cid in sorted(self.c.claims):
            claim = self.c.claims[cid]
            np_iri = t.node("np", cid)
            np_node = NamedNode(np_iri)
            head = NamedNode(np_iri + "#head")
            assertion = NamedNode(np_iri + "#assertion")
            provenance = NamedNode(np_iri + "#provenance")
            pubinfo = NamedNode(np_iri + "#pubinfo")
            for pred, obj in ((t.type, t.Nanopublication), (t.hasAssertion, assertion),
                              (t.hasProvenance, provenance), (t.hasPublicationInfo, pubinfo)):
                out.append(Quad(np_node, pred, obj, head))
            for graph_node, cls in ((assertion, t.np_Assertion), (provenance, t.np_Provenance),
                                    (pubinfo, t.np_PublicationInfo)):
                out.append(Quad(graph_node, t.type, cls, head))
            a = _Blocks()
            self.claim(a, claim)
            out.extend(Quad(x.subject, x.predicate, x.object, assertion) for x in a.triples())
            p = _Blocks()
            self.evidence(p, claim)
            a_iri = np_iri + "#assertion"
            p.add(a_iri, t.wasDerivedFrom, NamedNode(self.article))
            for ev in claim.evidence:
                p.add_once(a_iri, t.wasDerivedFrom, NamedNode(t.node("study", ev.study)))
            p.add(a_iri, t.wasAttributedTo, agent)
            out.extend(Quad(x.subject, x.predicate, x.object, provenance) for x in p.triples())
            i = _Blocks()
            i.add(np_iri, t.creator, agent)
            i.add(np_iri, t.label, Literal(f"nanopublication of claim {cid}"))
            i.add(np_iri, t.source, NamedNode(t.node("claim", cid)))
            out.extend(Quad(x.subject, x.predicate, x.object, pubinfo) for x in i.triples())
        return out


def _ordered(corpus: Corpus) -> Corpus:
    """The same corpus with every table in sorted order, so file order cannot leak out."""
    return Corpus(
        root=corpus.root,
        entities={k: corpus.entities[k] for k in sorted(corpus.entities)},
        claims={k: corpus.claims[k] for k in sorted(corpus.claims)},
        studies={k: corpus.studies[k] for k in sorted(corpus.studies)},
        references={k: corpus.references[k] for k in sorted(corpus.references)},
        article=corpus.article,
    )


def compile_graph(corpus: Corpus, base: str) -> list[Triple]:
    """The corpus as RDF triples in canonical order (see the module docstring)."""
    from kg.corpus import no_gc

    with no_gc():
        return _Compiler(_ordered(corpus), base).graph()


def compile_nanopubs(corpus: Corpus, base: str) -> list[Quad]:
    """One nanopublication per claim, claims in id order."""
    from kg.corpus import no_gc

    with no_gc():
        return _Compiler(_ordered(corpus), base).nanopubs()


@dataclass(frozen=True, slots=True)
class Build:
    corpus: Corpus
    diagnostics: list[Diagnostic]
    base: str
    triples: list[Triple] | None

    @property
    def ok(self) -> bool:
        return self.triples is not None


def build(root: Path, base: str | None = None) -> Build:
    """Validate the corpus at ``root`` and, when it has no errors, compile it."""
    from kg.config import resolve_base
    from kg.validator import validate

    base_iri = resolve_base(root, base)
    corpus, diags = validate(root)
    if any(d.severity == Severity.ERROR for d in diags):
        return Build(corpus, diags, base_iri, None)
    return Build(corpus, diags, base_iri, compile_graph(corpus, base_iri))


def to_store(triples: Iterable[Triple]) -> Store:
    """An in-memory pyoxigraph store holding ``triples`` (default graph)."""
    store = Store()
    store.bulk_extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def to_rdflib(triples: Iterable[Triple]) -> rdflib.Graph:
    """An rdflib Graph holding ``triples`` (parsed from N-Triples written by pyoxigraph)."""
    import pyoxigraph
    import rdflib

    data = pyoxigraph.serialize(list(triples), format=pyoxigraph.RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=data, format="nt")
    return g


def _package_text(name: str, base: str) -> str:
    from importlib import resources

    from kg.config import DEFAULT_BASE

    text = resources.files("kg").joinpath(name).read_text(encoding="utf-8")
    return text if base == DEFAULT_BASE else text.replace(DEFAULT_BASE, base)


def shapes_text(base: str) -> str:
    """kg/shapes.ttl, with its IRIs moved to ``base``."""
    return _package_text("shapes.ttl", base)


def vocab_text(base: str) -> str:
    """kg/vocab.ttl, with its IRIs moved to ``base``."""
    return _package_text("vocab.ttl", base)


def check_shapes(graph: rdflib.Graph, base: str) -> tuple[bool, str]:
    """Validate ``graph`` against kg/shapes.ttl with pySHACL: (conforms, report text)."""
    import pyshacl
    import rdflib

    shapes = rdflib.Graph().parse(data=shapes_text(base), format="turtle")
    conforms, _report, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return bool(conforms), str(text)
