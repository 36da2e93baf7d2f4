"""Compile a corpus into RDF: deterministic, no blank nodes, flat IRIs (docs/rdf.md).

The API (other modules and commands call these):

    compile_text(corpus, base, cache=None) -> CompiledGraph
        The whole graph as Turtle text: ``.chunks()`` (bytes, in pieces), ``.turtle()``,
        ``.triples`` (the count). Subjects sorted by IRI, each subject's triples in a fixed
        order; byte-identical to pyoxigraph's Turtle writer on compile_graph's triples.
        ``cache``: a folder of per-file compiled parts (kg.graph.build_cache), for rebuilds.
    compile_graph(corpus: Corpus, base: str) -> list[pyoxigraph.Triple]
        The same graph as pyoxigraph triples, in the same canonical order. Same corpus ->
        same list, whatever the file order or hash seed. ``corpus`` should validate clean
        (kg.checks.validator.validate).
    nanopubs_text(corpus, base) -> bytes / compile_nanopubs(corpus, base) -> list[Quad]
    nanopub_files(corpus, base) -> {"<claim-id>.trig": bytes}
        One nanopublication per claim (head, assertion, provenance, pubinfo graphs), as
        TriG text or as quads.
    build(root: Path, base: str | None = None, cache: bool = False) -> Build
        validate, then compile on demand: ``Build.corpus``, ``.diagnostics``, ``.base``,
        ``.ok``, ``.graph`` (CompiledGraph) and ``.triples``; graph and triples are None
        when the corpus has errors. ``base`` None means [tool.kg] base or the default;
        ``cache`` keeps compiled parts under <root>/build/cache/compiled/.
    to_store(triples) -> pyoxigraph.Store     an in-memory store, for SPARQL
    to_rdflib(triples) -> rdflib.Graph        for pySHACL and rdflib users (slow on big graphs)

How: the compiler writes Turtle text directly (kg.graph.turtle, about ten times cheaper than
building pyoxigraph terms and triples from Python), one *part* per input file: the
entities of one file, the claims of one file (with their evidence lines, statistics,
groups and acknowledgements), the references with their studies, and the article (its
citations and paragraphs, which depend on every claim). A part is a list of closed
subject blocks sorted by subject; a claim's plain triple (``entity:A kgv:increases
entity:B``) lands on the block of its subject entity, so claims' parts carry those apart
and :func:`_assemble` appends them to the entity blocks in claim-id order. Assembling
is a merge of sorted blocks, so a part can be cached and reused (kg.graph.build_cache).

pyoxigraph is imported only inside functions that need it (it is cheap, 15 ms).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from kg.corpus.model import Claim, Corpus, Entity, Evidence, Reference, Statistic, Study
from kg.diagnostics import Diagnostic, Severity
from kg.evidence import Assessment, assess, citation_state
from kg.graph import namespaces as ns
from kg.graph.parts import Assertion, Part, by_file
from kg.graph.turtle import Renderer, extend_block, open_block
from kg.progress import Progress, silent

if TYPE_CHECKING:
    import rdflib
    from pyoxigraph import Quad, Store, Triple

T = TypeVar("T")

ARTICLE = "article"
AGENT = "agent/kg"

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


def _double_text(x: float) -> str:
    text = repr(float(x))
    return {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(text, text)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "journal"


#: An id that is its own IRI segment and its own Turtle local name (the common case).
_FAST_ID = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")


class _Rendered(dict[Any, str]):
    """A dict that renders (and keeps) the text of a key on first use."""

    def __init__(self, render: Callable[[Any], str]) -> None:
        super().__init__()
        self.render = render

    def __missing__(self, key: Any) -> str:
        text: str = self.render(key)
        self[key] = text
        return text


class _Terms:
    """Turtle text of the terms of one base IRI, made once (see kg.graph.turtle)."""

    def __init__(self, base: str, r: Renderer) -> None:
        self.base = base
        self.r = r
        v = ns.vocab_ns(base)
        p = r.predicate
        o = r.iri
        self.type = p(ns.RDF + "type")
        self.rdf_subject = p(ns.RDF + "subject")
        self.rdf_predicate = p(ns.RDF + "predicate")
        self.rdf_object = p(ns.RDF + "object")
        self.Statement = o(ns.RDF + "Statement")
        self.Seq = o(ns.RDF + "Seq")
        self.label = p(ns.RDFS + "label")
        self.comment = p(ns.RDFS + "comment")
        self.schema_sameAs = p(ns.SCHEMA + "sameAs")
        self.schema_Claim = o(ns.SCHEMA + "Claim")
        self.Concept = o(ns.SKOS + "Concept")
        self.prefLabel = p(ns.SKOS + "prefLabel")
        self.altLabel = p(ns.SKOS + "altLabel")
        self.definition = p(ns.SKOS + "definition")
        self.closeMatch = p(ns.SKOS + "closeMatch")
        self.relatedMatch = p(ns.SKOS + "relatedMatch")
        self.hasDbXref = p(ns.OIO + "hasDbXref")
        self.identifier = p(ns.DCTERMS + "identifier")
        self.title = p(ns.DCTERMS + "title")
        self.creator = p(ns.DCTERMS + "creator")
        self.issued = p(ns.DCTERMS + "issued")
        self.isPartOf = p(ns.DCTERMS + "isPartOf")
        self.description = p(ns.DCTERMS + "description")
        self.source = p(ns.DCTERMS + "source")
        self.wasDerivedFrom = p(ns.PROV + "wasDerivedFrom")
        self.wasAttributedTo = p(ns.PROV + "wasAttributedTo")
        self.Agent = o(ns.PROV + "Agent")
        self.SoftwareAgent = o(ns.PROV + "SoftwareAgent")
        self.cites = p(ns.CITO + "cites")
        self.citesAsEvidence = p(ns.CITO + "citesAsEvidence")
        self.Citation = o(ns.CITO + "Citation")
        self.hasCitingEntity = p(ns.CITO + "hasCitingEntity")
        self.hasCitedEntity = p(ns.CITO + "hasCitedEntity")
        self.hasCitationCharacterization = p(ns.CITO + "hasCitationCharacterization")
        self.AcademicArticle = o(ns.BIBO + "AcademicArticle")
        self.bibo_Article = o(ns.BIBO + "Article")
        self.Document = o(ns.BIBO + "Document")
        self.Journal = o(ns.BIBO + "Journal")
        self.authorList = p(ns.BIBO + "authorList")
        self.volume = p(ns.BIBO + "volume")
        self.pages = p(ns.BIBO + "pages")
        self.pageStart = p(ns.BIBO + "pageStart")
        self.pageEnd = p(ns.BIBO + "pageEnd")
        self.doi = p(ns.BIBO + "doi")
        self.pmid = p(ns.BIBO + "pmid")
        self.JournalArticle = o(ns.FABIO + "JournalArticle")
        self.hasPublicationYear = p(ns.FABIO + "hasPublicationYear")
        self.hasPubMedCentralId = p(ns.FABIO + "hasPubMedCentralId")
        self.EvidenceLine = o(ns.OBO + "SEPIO_0000002")
        self.has_evidence_line = p(ns.OBO + "SEPIO_0000006")
        self.is_evidence_line_for = p(ns.OBO + "SEPIO_0000427")
        self.Paragraph = o(ns.DOCO + "Paragraph")
        self.Section = o(ns.DOCO + "Section")
        self.issueIdentifier = p(ns.PRISM + "issueIdentifier")
        self.Correction = o(ns.FABIO + "Correction")
        self.isCorrectedBy = p(ns.CITO + "isCorrectedBy")
        self.evidence_direction = p(ns.OBO + "SEPIO_0000183")
        self.Nanopublication = o(ns.NP + "Nanopublication")
        self.hasAssertion = p(ns.NP + "hasAssertion")
        self.hasProvenance = p(ns.NP + "hasProvenance")
        self.hasPublicationInfo = p(ns.NP + "hasPublicationInfo")
        self.np_Assertion = o(ns.NP + "Assertion")
        self.np_Provenance = o(ns.NP + "Provenance")
        self.np_PublicationInfo = o(ns.NP + "PublicationInfo")
        self.K = _Rendered(lambda local: r.predicate(v + local))
        self.D = _Rendered(lambda x: r.typed(_double_text(x), ns.XSD + "double"))
        self.lit = r.string
        self._folders: dict[str, str | None] = {}
        for folder in ns.FOLDERS:
            found = r.folder(f"{base}{folder}/")
            self._folders[folder] = found[0] + ":" if found else None

    def k(self, local: str) -> str:
        """A term of our vocabulary, ``<base>vocab#local`` (predicate or object)."""
        text: str = self.K[local]
        return text

    def ext(self, iri: str) -> str:
        return self.r.iri(iri)

    def node(self, folder: str, local: str) -> tuple[str, str]:
        """``(IRI, Turtle text)`` of ``<base><folder>/<local>`` (``local`` escaped by seg)."""
        if _FAST_ID.match(local):
            name = self._folders[folder]
            iri = f"{self.base}{folder}/{local}"
            return iri, (name + local if name is not None else self.r.iri(iri))
        iri = f"{self.base}{folder}/{seg(local)}"
        return iri, self.r.iri(iri)

    def node_raw(self, folder: str, segment: str) -> tuple[str, str]:
        """Like :meth:`node` for a segment that is already escaped."""
        iri = f"{self.base}{folder}/{segment}"
        name = self._folders[folder]
        if name is not None and _FAST_ID.match(segment):
            return iri, name + segment
        return iri, self.r.iri(iri)

    def double(self, x: float) -> str:
        text: str = self.D[x]
        return text

    def int(self, n: int) -> str:
        return self.r.typed(str(n), ns.XSD + "integer")


def role_class(role: str) -> str:
    return role.capitalize()


#: Claim kinds whose subject-predicate-object can be written as a plain triple: they state a
#: relation between the two entities. A recommendation, an effect modification (a relation
#: of three entities) and an open question are written only as the claim node.
ASSERTED_KINDS = ("effect", "classification")
QUALIFIERS = ("population", "context", "dose", "duration")


def asserted(claim: Claim, status: str) -> bool:
    """Whether the graph states the claim as a plain triple (docs/rdf.md, "What the graph
    asserts"): an effect or classification, not a hypothesis, with no qualifier the triple
    would lose, whose evidence supports it. Everything else is only its claim node."""
    return (claim.kind in ASSERTED_KINDS and claim.certainty != "hypothesized"
            and status == "supported" and not claim.superseded_by
            and not any(getattr(claim, q) for q in QUALIFIERS))


def mapping_relation(kind: str, curie: str) -> str:
    """``related`` for a gene record named by an entity that is not a gene (a protein is
    the gene's product, not the gene); ``close`` otherwise (skos:closeMatch is not
    transitive, so two xrefs of one entity are never made one thing)."""
    prefix = curie.split(":", 1)[0].upper()
    return "related" if prefix in ns.GENE_PREFIXES and kind != "gene" else "close"


def concept(scheme: str, value: str) -> str:
    """Local name of a value of one of our closed vocabularies: ``design-rct``."""
    return f"{scheme}-{value}"


class _Sink:
    """Triples grouped by subject: ``blocks[iri] = [subject text, p1, o1, p2, o2, ...]``
    in the order added (Turtle text; see kg.graph.turtle.block)."""

    __slots__ = ("blocks",)

    def __init__(self) -> None:
        self.blocks: dict[str, list[str]] = {}

    def at(self, iri: str, text: str) -> list[str]:
        b = self.blocks.get(iri)
        if b is None:
            b = self.blocks[iri] = [text]
        return b

    def sorted_blocks(self) -> tuple[list[str], list[list[str]]]:
        """Subjects with at least one triple, sorted, and their blocks."""
        keys = sorted(k for k, b in self.blocks.items() if len(b) > 1)
        return keys, [self.blocks[k] for k in keys]


def _text(b: list[str], p: str, value: str | None, lit: Callable[[str], str]) -> None:
    if value is not None and value != "":
        b += (p, lit(value))


def _part(sink: _Sink, tails_for: str | None = None,
          assertions: list[Assertion] | None = None) -> Part:
    keys, parts = sink.sorted_blocks()
    blocks: list[str] = []
    tails: dict[str, str] = {}
    n = 0
    for key, p in zip(keys, parts, strict=True):
        text, last = open_block(p)
        blocks.append(text + " .\n")
        n += len(p) // 2
        if tails_for is not None:
            tails[key] = last
    return Part(keys, blocks, n + len(assertions or ()), tails, assertions or [])


class _Compiler:
    def __init__(self, corpus: Corpus, base: str, r: Renderer) -> None:
        self.c = corpus
        self.t = _Terms(base, r)
        self.base = base
        self.article_iri = base + ARTICLE
        self.article = r.iri(self.article_iri)
        self._journals: dict[str, tuple[str, str]] | None = None

    # --- entities ----------------------------------------------------------------------

    def entity(self, g: _Sink, e: Entity) -> None:
        t = self.t
        lit = t.lit
        s_iri, s = t.node("entity", e.id)
        b = g.at(s_iri, s)
        label = lit(e.label)
        b += (t.type, t.k("Entity"), t.type, t.k(role_class(e.role)), t.type, t.Concept,
              t.identifier, lit(e.id), t.label, label, t.prefLabel, label)
        once: set[tuple[str, str]] = set()
        for syn in e.synonyms:
            o = lit(syn)
            if (t.altLabel, o) not in once:
                once.add((t.altLabel, o))
                b += (t.altLabel, o)
        b += (t.k("kind"), t.k(concept("kind", e.kind)))
        _text(b, t.definition, e.description, lit)
        for curie in e.xrefs:
            iri = xref_iri(curie)
            literal = lit(curie)
            if (t.hasDbXref, literal) not in once:
                once.add((t.hasDbXref, literal))
                b += (t.hasDbXref, literal)
            if iri:
                o = t.ext(iri)
                relation = (t.relatedMatch if mapping_relation(e.kind, curie) == "related"
                            else t.closeMatch)
                if (relation, o) not in once:
                    once.add((relation, o))
                    b += (relation, o)

    # --- claims ------------------------------------------------------------------------

    def claim(self, g: _Sink, claim: Claim, assertions: list[Assertion] | None,
              ratings: bool = True) -> Assessment:
        """The claim node and the plain triple (the assertion): into ``g``, or the plain
        triple into ``assertions`` when given. Returns the claim's assessment."""
        t = self.t
        lit = t.lit
        k = t.K.__getitem__
        s_iri, s = t.node("claim", claim.id)
        subj_iri, subj = t.node("entity", claim.subject)
        obj = t.node("entity", claim.object)[1]
        pred = k(claim.predicate)
        a = assess(claim, self.c.studies)
        if asserted(claim, a.status):
            if assertions is None:
                # two claims may state the same triple: write it once (as _assemble does)
                sb = g.at(subj_iri, subj)
                if not any(sb[i] == pred and sb[i + 1] == obj for i in range(1, len(sb), 2)):
                    sb += (pred, obj)
            else:
                assertions.append((subj_iri, claim.id, subj, pred, obj))
        b = g.at(s_iri, s)
        b += (t.type, k("Claim"), t.type, t.schema_Claim, t.type, t.Statement,
              t.identifier, lit(claim.id), t.label, lit(claim.statement),
              t.rdf_subject, subj, t.rdf_predicate, pred, t.rdf_object, obj)
        b += (k("claimKind"), k(concept("claim-kind", claim.kind)),
              k("origin"), k(concept("origin", claim.origin)))
        if claim.outcome:
            b += (k("outcome"), t.node("entity", claim.outcome)[1])
        for key in ("population", "context", "dose", "duration"):
            _text(b, k(key), getattr(claim, key), lit)
        if claim.certainty:
            b += (k("certainty"), k(concept("certainty", claim.certainty)))
        src = claim.source
        if src is not None:
            b += (k("sourceParagraph"), self.paragraph(src.section, src.paragraph)[1],
                  k("sourceLocator"), lit(str(src)))
            _text(b, k("sourceRow"), src.row, lit)
            _text(b, k("sourceColumn"), src.column, lit)
            _text(b, k("sourceItem"), src.item, lit)
        if claim.from_article:
            b += (t.wasDerivedFrom, self.article)
        _text(b, k("justification"), claim.justification, lit)
        for key in claim.recommended_by:
            b += (k("recommendedBy"), t.node("study", key)[1])
        seen: set[str] = set()
        for key in claim.article_cites:
            o = t.node("study", key)[1]
            if o not in seen:
                seen.add(o)
                b += (k("articleCites"), o)
        if ratings:
            b += (k("rating"), k(concept("rating", a.rating)),
                  k("status"), k(concept("status", a.status)))
            state = citation_state(claim)
            if state is not None:
                b += (k("citationState"), k(concept("citation-state", state)))
        if claim.superseded_by:
            b += (k("supersededBy"), t.node("claim", claim.superseded_by)[1])
        for i, ack in enumerate(claim.acknowledges, 1):
            a_iri, a_text = t.node("acknowledgement", f"{claim.id}-{i}")
            b += (k("acknowledges"), a_text)
            g.at(a_iri, a_text).extend((
                t.type, k("Acknowledgement"),
                k("conflictingClaim"), t.node("claim", ack.claim)[1],
                k("reason"), lit(ack.reason)))
        _text(b, t.comment, claim.notes, lit)
        return a

    def evidence(self, g: _Sink, claim: Claim) -> None:
        """Evidence lines of one claim, with their statistics and the claim's links to them."""
        t = self.t
        s_iri, s = t.node("claim", claim.id)
        b = g.at(s_iri, s)
        cited: set[str] = set()
        for i, ev in enumerate(claim.evidence, 1):
            e_iri, e = t.node("evidence", f"{claim.id}-{i}")
            study = t.node("study", ev.study)[1]
            direction, link = ns.STANCE_TERMS[ev.stance]
            b += (t.has_evidence_line, e, t.r.predicate(link), e)
            if ev.stance == "supports" and study not in cited:
                cited.add(study)
                b += (t.citesAsEvidence, study)
            self.evidence_line(g, e_iri, e, ev, study, s, claim.id, i)

    def evidence_line(self, g: _Sink, e_iri: str, e: str, ev: Evidence, study: str,
                      claim: str, claim_id: str, i: int) -> None:
        t = self.t
        k = t.K.__getitem__
        b = g.at(e_iri, e)
        b += (t.type, k("EvidenceLine"), t.type, t.EvidenceLine)
        rec = self.c.studies.get(ev.study)
        if rec is not None:
            b += (t.type, t.ext(study_evidence_class(rec)))
        b += (t.is_evidence_line_for, claim, t.source, study,
              k("stance"), k(concept("stance", ev.stance)),
              t.evidence_direction, t.ext(ns.STANCE_TERMS[ev.stance][0]),
              t.description, t.lit(ev.finding))
        _text(b, k("locator"), ev.locator, t.lit)
        _text(b, k("indirectness"), ev.indirect, t.lit)
        for j, st in enumerate(ev.statistics, 1):
            st_iri, st_text = t.node("statistic", f"{claim_id}-{i}-{j}")
            b += (k("statistic"), st_text)
            self.statistic(g, st_iri, st_text, st)

    def statistic(self, g: _Sink, s_iri: str, s: str, st: Statistic) -> None:
        t = self.t
        k = t.K.__getitem__
        d = t.D.__getitem__
        b = g.at(s_iri, s)
        b += (t.type, k("Statistic"))
        stato = ns.MEASURE_TERMS.get(st.measure)
        if stato:
            b += (t.type, t.ext(stato))
        b += (k("measure"), k(concept("measure", st.measure)),
              k("comparison"), t.lit(st.comparison))
        if st.value is not None:
            b += (k("value"), d(st.value))
        if st.ci is not None:
            b += (k("ciLower"), d(st.ci[0]), k("ciUpper"), d(st.ci[1]),
                  k("ciLevel"), d(st.ci_level))
        if isinstance(st.p, float | int) and not isinstance(st.p, bool):
            b += (k("pValue"), d(st.p))
        elif isinstance(st.p, str):
            b += (k("pValueBound"), t.lit(st.p.strip()))
        _text(b, k("unit"), st.unit, t.lit)
        local = s_iri.rsplit("/", 1)[1]
        for n, (name, value) in enumerate(st.groups, 1):
            gr_iri, gr = t.node_raw("group", f"{local}-{n}")
            b += (k("group"), gr)
            g.at(gr_iri, gr).extend((t.type, k("StatisticGroup"), t.label, t.lit(name),
                                     k("value"), d(value)))

    def paragraph(self, section: str, n: int) -> tuple[str, str]:
        return self.t.node("paragraph", f"{section}-{n}")

    # --- references and studies ------------------------------------------------------

    def journals(self) -> dict[str, tuple[str, str]]:
        if self._journals is None:
            names = sorted({r.fields["journal"].strip() for r in self.c.references.values()
                            if r.fields.get("journal", "").strip()})
            out: dict[str, tuple[str, str]] = {}
            used: set[str] = set()
            for name in names:
                slug = base_slug = _slug(name)
                n = 2
                while slug in used:
                    slug = f"{base_slug}-{n}"
                    n += 1
                used.add(slug)
                out[name] = self.t.node("journal", slug)
            self._journals = out
        return self._journals

    def reference(self, g: _Sink, ref: Reference, once: set[tuple[str, str, str]]) -> None:
        t = self.t
        k = t.K.__getitem__
        lit = t.lit
        s_iri, s = t.node("study", ref.key)
        f = ref.fields
        b = g.at(s_iri, s)
        b += (t.type, k("Reference"))
        if ref.type == "article":
            b += (t.type, t.AcademicArticle, t.type, t.JournalArticle)
        else:
            b += (t.type, t.Document)
        rec = self.c.studies.get(ref.key)
        if rec is not None:
            b += (t.type, k("Study"))
            fabio = ns.DESIGN_TERMS[rec.design][3]
            if fabio:
                b += (t.type, t.ext(fabio))
        b += (t.identifier, lit(ref.key), t.label, lit(ref.short_citation()))
        _text(b, t.title, f.get("title"), lit)
        authors = [a for a in ref.authors if a.lower() != "others"]
        if authors:
            lst_iri, lst = t.node("author-list", ref.key)
            b += (t.authorList, lst)
            lb = g.at(lst_iri, lst)
            lb += (t.type, t.Seq)
            for i, name in enumerate(authors, 1):
                p_iri, person = t.node("author", f"{ref.key}-{i}")
                b += (t.creator, person)
                lb += (t.r.predicate(f"{ns.RDF}_{i}"), person)
                g.at(p_iri, person).extend((t.type, t.Agent, t.label, lit(name),
                                            k("authorPosition"), t.int(i)))
        year = (f.get("year") or "").strip()
        if _YEAR.match(year):
            gyear = ns.XSD + "gYear"
            b += (t.hasPublicationYear, t.r.typed(year, gyear))
            month = (f.get("month") or "").strip()
            if month.isdigit() and 1 <= int(month) <= 12:
                b += (t.issued, t.r.typed(f"{year}-{int(month):02d}", ns.XSD + "gYearMonth"))
            else:
                b += (t.issued, t.r.typed(year, gyear))
        journal = f.get("journal", "").strip()
        if journal:
            j_iri, j = self.journals()[journal]
            b += (t.isPartOf, j)
            jb = g.at(j_iri, j)
            for p, o in ((t.type, t.Journal), (t.title, lit(journal))):
                if (j_iri, p, o) not in once:
                    once.add((j_iri, p, o))
                    jb += (p, o)
        _text(b, t.volume, f.get("volume"), lit)
        _text(b, t.issueIdentifier, f.get("number"), lit)
        pages = (f.get("pages") or "").strip()
        if pages:
            b += (t.pages, lit(re.sub(r"\s*-{2,}\s*", "-", pages)))
            m = _PAGES.match(pages)
            if m:
                b += (t.pageStart, lit(m.group(1)), t.pageEnd, lit(m.group(2)))
        doi = (f.get("doi") or "").strip()
        if doi:
            d = t.ext(doi_iri(doi))
            b += (t.doi, lit(doi), t.schema_sameAs, d)
        _text(b, t.pmid, (f.get("pmid") or "").strip() or None, lit)
        _text(b, t.hasPubMedCentralId, (f.get("pmcid") or "").strip() or None, lit)
        _text(b, t.r.predicate(ns.SKOS + "note"), (f.get("note") or "").strip() or None, lit)
        _text(b, t.r.predicate(ns.DCTERMS + "bibliographicCitation"),
              (f.get("howpublished") or "").strip() or None, lit)
        if rec is not None:
            self.study(g, b, rec)

    def study(self, g: _Sink, b: list[str], rec: Study) -> None:
        t = self.t
        k = t.K.__getitem__
        lit = t.lit
        # the design's OBI/STATO/MeSH terms are SKOS mappings of kgv:design-* (kg/graph/vocab.ttl)
        b += (k("design"), k(concept("design", rec.design)))
        b += (k("population"), lit(rec.population))
        if rec.n is not None:
            b += (k("sampleSize"), t.int(rec.n))
        _text(b, k("duration"), rec.duration, lit)
        b += (t.description, lit(rec.findings))
        _text(b, k("registration"), rec.registration, lit)
        if rec.pooled is not None:
            for design in rec.pooled.designs:
                b += (k("pooledDesign"), k(concept("design", design)))
            if rec.pooled.studies is not None:
                b += (k("pooledStudies"), t.int(rec.pooled.studies))
        _text(b, k("verification"), rec.verified, lit)
        _text(b, t.comment, rec.notes, lit)
        for i, issue in enumerate(rec.citation_issues, 1):
            ci_iri, ci = t.node("citation-issue", f"{rec.key}-{i}")
            b += (k("citationIssue"), ci)
            cb = g.at(ci_iri, ci)
            cb += (t.type, k("CitationIssue"), k("field"), lit(issue.field),
                   k("cited"), lit(issue.cited), k("actual"), lit(issue.actual))
            _text(cb, t.comment, issue.note, lit)
        for i, err in enumerate(rec.errata, 1):
            er_iri, er = t.node("erratum", f"{rec.key}-{i}")
            b += (t.isCorrectedBy, er)
            eb = g.at(er_iri, er)
            eb += (t.type, t.Correction, t.comment, lit(err.note))
            if err.doi:
                eb += (t.doi, lit(err.doi.strip()), t.schema_sameAs, t.ext(doi_iri(err.doi)))

    # --- the article ---------------------------------------------------------------------

    def article_node(self, g: _Sink, cited_for_claims: set[str]) -> None:
        t = self.t
        k = t.K.__getitem__
        s = self.article
        b = g.at(self.article_iri, s)
        b += (t.type, k("Article"), t.type, t.bibo_Article)
        art = self.c.article
        listed = set(art.references) if art else set()
        if art is not None:
            b += (t.title, t.lit(art.title))
            for p in art.paragraphs:
                p_iri, p_text = self.paragraph(p.section, p.n)
                pb = g.at(p_iri, p_text)
                pb += (k("paragraphKind"), t.lit(p.kind), k("incipit"), t.lit(p.incipit))
        for key in sorted(listed | cited_for_claims):
            study = t.node("study", key)[1]
            function = t.citesAsEvidence if key in cited_for_claims else t.cites
            b += (t.cites, study)
            if function != t.cites:
                b += (function, study)
            c_iri, c = t.node("citation", key)
            cb = g.at(c_iri, c)
            cb += (t.type, t.Citation, t.hasCitingEntity, s, t.hasCitedEntity, study,
                   t.hasCitationCharacterization, function)
            if key in listed:
                cb += (k("inReferenceList"), t.r.typed("true", ns.XSD + "boolean"))
            rec = self.c.studies.get(key)
            if rec is not None:
                for i, _issue in enumerate(rec.citation_issues, 1):
                    cb += (k("citationIssue"), t.node("citation-issue", f"{key}-{i}")[1])

    def paragraphs(self, g: _Sink, seen: set[tuple[str, int]]) -> None:
        """Every paragraph named by the outline or by a claim's source (``seen``)."""
        t = self.t
        k = t.K.__getitem__
        art = self.c.article
        for p in art.paragraphs if art else ():
            seen.add((p.section, p.n))
        titles = art.section_titles if art else {}
        for section, n in seen:
            p_iri, p_text = self.paragraph(section, n)
            s_iri, s_text = t.node("section", section)
            g.at(p_iri, p_text).extend((t.type, t.Paragraph, k("paragraphNumber"), t.int(n),
                                        t.isPartOf, s_text))
            sb = g.at(s_iri, s_text)
            if len(sb) == 1:
                sb += (t.type, t.Section, t.identifier, t.lit(section))
                _text(sb, t.title, titles.get(section), t.lit)
                sb += (t.isPartOf, self.article)

    def agent(self, g: _Sink) -> None:
        t = self.t
        g.at(self.base + AGENT, t.r.iri(self.base + AGENT)).extend((
            t.type, t.SoftwareAgent, t.label, t.lit("kg, the evidence-graph compiler")))

    # --- units -------------------------------------------------------------------------------

    def entities_part(self, entities: Iterable[Entity]) -> Part:
        g = _Sink()
        for e in sorted(entities, key=_id):
            self.entity(g, e)
        return _part(g, tails_for="entity")

    def claims_part(self, claims: Iterable[Claim]) -> Part:
        g = _Sink()
        assertions: list[Assertion] = []
        paragraphs: set[tuple[str, int]] = set()
        cites: set[str] = set()
        for claim in sorted(claims, key=_id):
            self.claim(g, claim, assertions)
            self.evidence(g, claim)
            if claim.source is not None:
                paragraphs.add((claim.source.section, claim.source.paragraph))
            cites.update(claim.article_cites)
        part = _part(g, assertions=assertions)
        part.paragraphs = sorted(paragraphs)
        part.cites = sorted(cites)
        return part

    def references_part(self) -> Part:
        g = _Sink()
        once: set[tuple[str, str, str]] = set()
        refs = self.c.references
        for key in sorted(refs):
            self.reference(g, refs[key], once)
        return _part(g)

    def article_part(self, claim_parts: Iterable[Part]) -> Part:
        """The article, its citations and paragraphs, from what the claims' parts say."""
        paragraphs: set[tuple[str, int]] = set()
        cites: set[str] = set()
        for part in claim_parts:
            paragraphs.update(part.paragraphs)
            cites.update(part.cites)
        g = _Sink()
        self.article_node(g, cites)
        self.paragraphs(g, paragraphs)
        self.agent(g)
        return _part(g)

    def whole(self) -> Part:
        """Every triple in one sink, in the order of the units (no caching): the slow,
        obviously right path, used when units would share a subject they should not."""
        g = _Sink()
        c = self.c
        for key in sorted(c.entities):
            self.entity(g, c.entities[key])
        cites: set[str] = set()
        paragraphs: set[tuple[str, int]] = set()
        for key in sorted(c.claims):
            claim = c.claims[key]
            self.claim(g, claim, None)
            self.evidence(g, claim)
            cites.update(claim.article_cites)
            if claim.source is not None:
                paragraphs.add((claim.source.section, claim.source.paragraph))
        once: set[tuple[str, str, str]] = set()
        for key in sorted(c.references):
            self.reference(g, c.references[key], once)
        self.article_node(g, cites)
        self.paragraphs(g, paragraphs)
        self.agent(g)
        return _part(g)

    # --- nanopublications ----------------------------------------------------------------

    def nanopub(self, claim: Claim, agent: str) -> str:
        """One claim's nanopublication as TriG text (four graphs)."""
        t = self.t
        r = t.r
        cid = claim.id
        np_iri, np_text = t.node("np", cid)
        head = r.iri(np_iri + "#head")
        assertion = r.iri(np_iri + "#assertion")
        provenance = r.iri(np_iri + "#provenance")
        pubinfo = r.iri(np_iri + "#pubinfo")
        out = [_graph(head, [
            [np_text, t.type, t.Nanopublication, t.hasAssertion, assertion,
             t.hasProvenance, provenance, t.hasPublicationInfo, pubinfo],
            [assertion, t.type, t.np_Assertion],
            [provenance, t.type, t.np_Provenance],
            [pubinfo, t.type, t.np_PublicationInfo],
        ])]
        a = _Sink()
        rated = self.claim(a, claim, None, ratings=False)  # computed ratings go in pubinfo
        out.append(_graph(assertion, a.sorted_blocks()[1]))
        p = _Sink()
        self.evidence(p, claim)
        pb = p.at(np_iri + "#assertion", assertion)
        if claim.from_article:
            pb += (t.wasDerivedFrom, self.article)
        seen: set[str] = set()
        for ev in claim.evidence:  # derived from the studies that support it, no others
            if ev.stance != "supports":
                continue
            study = t.node("study", ev.study)[1]
            if study not in seen:
                seen.add(study)
                pb += (t.wasDerivedFrom, study)
        pb += (t.wasAttributedTo, agent)
        out.append(_graph(provenance, p.sorted_blocks()[1]))
        k = t.K.__getitem__
        out.append(_graph(pubinfo, [[np_text, t.creator, agent,
                                     t.label, t.lit(f"nanopublication of claim {cid}"),
                                     t.source, t.node("claim", cid)[1]],
                                    [t.node("claim", cid)[1],
                                     k("rating"), k(concept("rating", rated.rating)),
                                     k("status"), k(concept("status", rated.status))]]))
        return "".join(out)


def study_evidence_class(rec: Study) -> str:
    """The ECO class of an evidence line from study ``rec`` (kg.graph.namespaces.evidence_class)."""
    return ns.evidence_class(rec.design, rec.pooled.designs if rec.pooled else ())


def _graph(name: str, blocks: list[list[str]]) -> str:
    """One named graph in TriG, as pyoxigraph writes it."""
    out = [name, " {\n"]
    for parts in blocks:
        out += ("\t", open_block(parts, "\t\t")[0], " .\n")
    out.append("}\n")
    return "".join(out)


def _id(record: Entity | Claim) -> str:
    return record.id


class CompiledGraph:
    """The graph as Turtle text: the prefix header and the subject blocks, sorted by
    subject IRI. ``chunks()`` yields the bytes in pieces (no single copy of the whole
    file is made); ``triples`` is the number of triples."""

    def __init__(self, header: str, keys: list[str], blocks: dict[str, str],
                 triples: int) -> None:
        self.header = header
        self.keys = keys
        self.blocks = blocks
        self.triples = triples

    def chunks(self, size: int = 4096) -> Iterator[bytes]:
        if not self.keys:
            return
        yield self.header.encode("utf-8")
        keys = self.keys
        get = self.blocks.__getitem__
        for i in range(0, len(keys), size):
            yield "".join(map(get, keys[i:i + size])).encode("utf-8")

    def turtle(self) -> bytes:
        return b"".join(self.chunks())


def _assemble(header: str, parts: Iterable[Part]) -> CompiledGraph | None:
    """Merge the parts' sorted blocks into one graph; None if two parts hold the same
    subject (other than entity blocks, which claims' plain triples extend)."""
    index: dict[str, str] = {}
    tails: dict[str, str] = {}
    assertions: list[Assertion] = []
    triples = 0
    for part in parts:
        before = len(index)
        index.update(zip(part.subjects, part.blocks, strict=True))
        if len(index) != before + len(part.subjects):
            return None
        tails.update(part.tails)
        assertions += part.assertions
        triples += part.triples
    assertions.sort()  # by entity, then claim id (claim ids are unique)
    i = 0
    while i < len(assertions):
        subj = assertions[i][0]
        j = i
        while j < len(assertions) and assertions[j][0] == subj:
            j += 1
        # two claims may state the same triple: write it once (in claim-id order)
        pairs = list(dict.fromkeys((a[3], a[4]) for a in assertions[i:j]))
        triples -= (j - i) - len(pairs)
        text = index.get(subj)
        last = tails.get(subj)
        if text is None or last is None:
            if text is not None:
                return None  # a block that is not an entity's: cannot extend it safely
            opened, last = open_block([assertions[i][2], *pairs[0]])
            pairs = pairs[1:]
            text = opened + " .\n"
        index[subj] = extend_block(text[:-3], last, pairs) + " .\n"
        i = j
    return CompiledGraph(header, sorted(index), index, triples)


def compile_text(corpus: Corpus, base: str, cache: Path | None = None) -> CompiledGraph:
    """The corpus as Turtle text (byte-identical to pyoxigraph's writer on
    :func:`compile_graph`'s triples). With ``cache`` (the corpus root), each input file's
    part is read from / written to ``<cache>/build/cache/compiled/`` (kg.graph.build_cache);
    without, all is compiled in memory."""
    from kg.corpus.load import no_gc

    with no_gc():
        r = Renderer(ns.prefixes(base))
        comp = _Compiler(corpus, base, r)
        if cache is not None:
            from kg.graph import build_cache

            parts: Iterable[Part] = build_cache.compiled_parts(comp, cache)
        else:
            parts = _parts(comp)
        graph = _assemble(r.header, parts)
        if graph is None:
            graph = _assemble(r.header, [comp.whole()])
            assert graph is not None
        return graph


def _parts(comp: _Compiler) -> list[Part]:
    c = comp.c
    parts = [comp.entities_part(ents) for ents in by_file(c.entities.values()).values()]
    claim_parts = [comp.claims_part(cls) for cls in by_file(c.claims.values()).values()]
    return parts + claim_parts + [comp.references_part(), comp.article_part(claim_parts)]


def compile_graph(corpus: Corpus, base: str) -> list[Triple]:
    """The corpus as RDF triples in canonical order (see the module docstring)."""
    return _parse_turtle(compile_text(corpus, base).turtle())


def nanopubs_text(corpus: Corpus, base: str) -> bytes:
    """One nanopublication per claim, claims in id order, as TriG (byte-identical to
    pyoxigraph's TriG writer on :func:`compile_nanopubs`' quads)."""
    from kg.corpus.load import no_gc

    with no_gc():
        r = Renderer(ns.prefixes(base))
        comp = _Compiler(corpus, base, r)
        agent = r.iri(base + AGENT)
        body = [comp.nanopub(corpus.claims[key], agent) for key in sorted(corpus.claims)]
        return (r.header + "".join(body)).encode("utf-8") if body else b""


def nanopub_files(corpus: Corpus, base: str) -> dict[str, bytes]:
    """``{"<claim-id>.trig": TriG}``: each claim's nanopublication alone in its own file
    (the nanopublication of :func:`nanopubs_text`, with the same prefix header), for tools
    that take one nanopublication per file. Claim ids are kebab-case, so each is a safe
    file name."""
    from kg.corpus.load import no_gc

    with no_gc():
        r = Renderer(ns.prefixes(base))
        comp = _Compiler(corpus, base, r)
        agent = r.iri(base + AGENT)
        return {f"{key}.trig": (r.header + comp.nanopub(corpus.claims[key], agent)).encode()
                for key in sorted(corpus.claims)}


def compile_nanopubs(corpus: Corpus, base: str) -> list[Quad]:
    """One nanopublication per claim, claims in id order."""
    import pyoxigraph as ox

    return list(ox.parse(nanopubs_text(corpus, base), format=ox.RdfFormat.TRIG))


class Build:
    """What :func:`build` gives: the corpus, its diagnostics, the base IRI, ``ok`` (no
    errors) and, when ok, the compiled graph: ``graph`` (Turtle text, compiled on first
    use) and ``triples`` (pyoxigraph triples parsed from it on first use). Exports that
    need only the corpus (graphml, kgx, trig) never compile the graph."""

    __slots__ = ("corpus", "diagnostics", "base", "ok", "root", "_cache", "_graph", "_triples")

    def __init__(self, corpus: Corpus, diagnostics: list[Diagnostic], base: str, ok: bool,
                 cache: Path | None = None, root: Path | None = None) -> None:
        self.corpus = corpus
        #: the corpus root it was built from (its settings describe the dataset), if any
        self.root = root
        self.diagnostics = diagnostics
        self.base = base
        self.ok = ok
        self._cache = cache
        self._graph: CompiledGraph | None = None
        self._triples: list[Triple] | None = None

    @property
    def graph(self) -> CompiledGraph | None:
        if self.ok and self._graph is None:
            self._graph = compile_text(self.corpus, self.base, self._cache)
        return self._graph

    @property
    def triples(self) -> list[Triple] | None:
        graph = self.graph
        if graph is None:
            return None
        if self._triples is None:
            self._triples = _parse_turtle(graph.turtle())
        return self._triples


def _parse_turtle(data: bytes) -> list[Triple]:
    import pyoxigraph as ox

    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]


def build(root: Path, base: str | None = None, cache: bool = False,
          progress: Progress = silent) -> Build:
    """Validate the corpus at ``root``; when it has no errors, its graph compiles on first
    use (``Build.graph``, ``Build.triples``). With ``cache``, compiled parts are kept
    under ``<root>/build/cache/compiled/`` and reused for input files that did not change
    (kg.graph.build_cache), and each file's parse under ``<root>/build/cache/files/``
    (kg.corpus.load.load_corpus)."""
    from kg.checks.validator import validate
    from kg.config import resolve_base

    base_iri = resolve_base(root, base)
    corpus, diags = validate(root, use_cache=cache, progress=progress)
    ok = not any(d.severity == Severity.ERROR for d in diags)
    return Build(corpus, diags, base_iri, ok, root if cache else None, root)


def to_store(triples: Iterable[Triple]) -> Store:
    """An in-memory pyoxigraph store holding ``triples`` (default graph)."""
    from pyoxigraph import Quad, Store

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

    from kg.config import PROJECT_BASE

    text = resources.files("kg.graph").joinpath(name).read_text(encoding="utf-8")
    return text if base == PROJECT_BASE else text.replace(PROJECT_BASE, base)


def shapes_text(base: str) -> str:
    """kg/graph/shapes.ttl, with its IRIs moved to ``base``."""
    return _package_text("shapes.ttl", base)


def vocab_text(base: str) -> str:
    """kg/graph/vocab.ttl, with its IRIs moved to ``base``."""
    return _package_text("vocab.ttl", base)


def check_shapes(graph: rdflib.Graph, base: str) -> tuple[bool, str]:
    """Validate ``graph`` against kg/graph/shapes.ttl with pySHACL: (conforms, report text)."""
    import pyshacl
    import rdflib

    shapes = rdflib.Graph().parse(data=shapes_text(base), format="turtle")
    conforms, _report, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return bool(conforms), str(text)
