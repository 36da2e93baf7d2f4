"""Write the compiled graph in other formats: one function per format, each returning bytes.

    turtle(triples, base)            Turtle with the prefixes of kg.graph.namespaces.prefixes
    ntriples(triples)                N-Triples, lines sorted
    jsonld(triples, base)            JSON-LD, compacted with kg/graph/context.jsonld (embedded)
    trig(quads, base)                TriG, one nanopublication per claim
    graphml(corpus, base)            entities as nodes, claims as edges (networkx)
    kgx(corpus, base, prefixes)      KGX nodes / edges TSV on the Biolink model, and the
                                     JSON-LD context of their CURIE prefixes
    nanopub_files(corpus, base)      one TriG file per nanopublication (kg.graph.compiler)

:func:`export` picks one by name and returns ``{file suffix: bytes}``;
:func:`write_atomic` writes a file through a temporary file in the same folder.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.config import PROJECT_BASE
from kg.corpus.model import Corpus
from kg.errors import KgError
from kg.graph import namespaces as ns

if TYPE_CHECKING:
    from pyoxigraph import Quad, Triple

    from kg.graph.compiler import Build

#: format name -> default file suffix (kgx writes two files: <prefix>_nodes.tsv, _edges.tsv)
FORMATS: dict[str, str] = {
    "turtle": ".ttl",
    "n-triples": ".nt",
    "json-ld": ".jsonld",
    "trig": ".trig",
    "nanopubs": "/",
    "graphml": ".graphml",
    "kgx": "",
    "dataset": ".ttl",
    "vocab": ".ttl",
    "shapes": ".ttl",
}
#: formats written as a folder of files (default build/<name>/), one file per claim
FOLDER_FORMATS = {"nanopubs": "nanopubs"}
#: formats written to build/<name>.ttl instead of build/graph<suffix>
NAMED_FILES = {"dataset": "dataset.ttl", "vocab": "vocab.ttl", "shapes": "shapes.ttl"}
#: kgx writes the nodes, the edges and the JSON-LD context of every CURIE prefix they use
KGX_SUFFIXES = ("_nodes.tsv", "_edges.tsv", "_context.jsonld")


def _eco(rec: Any) -> str:
    from kg.graph.compiler import study_evidence_class

    return study_evidence_class(rec)


def _rdf_format(name: str) -> Any:
    import pyoxigraph

    return getattr(pyoxigraph.RdfFormat, name)


def _bytes(data: bytes | None) -> bytes:
    assert data is not None  # serialize() without an output returns the bytes
    return data


def turtle(triples: list[Triple], base: str) -> bytes:
    import pyoxigraph

    return _bytes(pyoxigraph.serialize(triples, format=_rdf_format("TURTLE"),
                                       prefixes=ns.prefixes(base)))


def ntriples(triples: Iterable[Triple]) -> bytes:
    import pyoxigraph

    data = _bytes(pyoxigraph.serialize(triples, format=_rdf_format("N_TRIPLES")))
    lines = data.splitlines(keepends=True)
    lines.sort()
    return b"".join(lines)


def ntriples_from_turtle(data: bytes) -> bytes:
    """:func:`ntriples` of the graph in Turtle ``data``, without a list of triples."""
    import pyoxigraph

    return ntriples(q.triple for q in pyoxigraph.parse(data, format=_rdf_format("TURTLE")))


def trig(quads: list[Quad], base: str) -> bytes:
    import pyoxigraph

    return _bytes(pyoxigraph.serialize(quads, format=_rdf_format("TRIG"),
                                       prefixes=ns.prefixes(base)))


# --- JSON-LD ------------------------------------------------------------------------------


def _read_default_context() -> dict[str, Any]:
    text = resources.files("kg.graph").joinpath("context.jsonld").read_text(encoding="utf-8")
    ctx: dict[str, Any] = json.loads(text)["@context"]
    return ctx


#: kg/graph/context.jsonld's context, read once. Wrapped rather than decorated, so that the
#: mutation run (bench/mutation.py; mutmut skips decorated functions) reaches the reader.
_default_context = cache(_read_default_context)


def context(base: str) -> dict[str, Any]:
    """kg/graph/context.jsonld with its base-IRI prefixes moved to ``base``."""
    out: dict[str, Any] = {}
    for key, value in _default_context().items():
        if isinstance(value, str) and value.startswith(PROJECT_BASE):
            value = base + value[len(PROJECT_BASE):]
        out[key] = value
    return out


class _Compactor:
    def __init__(self, ctx: dict[str, Any]) -> None:
        self.prefixes = sorted(
            ((v, k) for k, v in ctx.items() if isinstance(v, str) and not v.startswith("@")),
            key=lambda kv: -len(kv[0]),
        )
        self.terms: dict[str, tuple[str, str | None]] = {}
        for name, value in ctx.items():
            if isinstance(value, dict):
                iri = self.expand(value["@id"])
                typ = value.get("@type")
                self.terms[iri] = (name, typ if typ in (None, "@id") else self.expand(typ))
        self._cache: dict[str, str] = {}

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        for iri, name in self.prefixes:
            if name == prefix:
                return iri + local
        return curie

    def compact(self, iri: str) -> str:
        found = self._cache.get(iri)
        if found is None:
            found = iri
            for ns_iri, name in self.prefixes:
                if iri.startswith(ns_iri) and len(iri) > len(ns_iri) and \
                        not iri[len(ns_iri):].startswith("//"):
                    found = f"{name}:{iri[len(ns_iri):]}"
                    break
            self._cache[iri] = found
        return found


def jsonld(triples: list[Triple], base: str) -> bytes:
    """Compact JSON-LD: one object per subject, short keys from kg/graph/context.jsonld."""
    from pyoxigraph import Literal, NamedNode

    ctx = context(base)
    c = _Compactor(ctx)
    rdf_type = ns.RDF + "type"
    xsd_string = ns.XSD + "string"
    nodes: dict[str, dict[str, Any]] = {}
    value: Any
    for t in triples:
        assert isinstance(t.subject, NamedNode)  # the graph has no blank nodes
        s = t.subject.value
        node = nodes.get(s)
        if node is None:
            node = nodes[s] = {"id": c.compact(s)}
        p = t.predicate.value
        o = t.object
        if p == rdf_type and isinstance(o, NamedNode):
            key, value = "type", c.compact(o.value)
        else:
            term = c.terms.get(p)
            key = term[0] if term else c.compact(p)
            coerce = term[1] if term else None
            if isinstance(o, NamedNode):
                value = c.compact(o.value) if coerce == "@id" else {"@id": c.compact(o.value)}
            else:
                assert isinstance(o, Literal)
                dt = o.datatype.value
                if dt == xsd_string and coerce is None or dt == coerce:
                    value = o.value
                elif o.language:
                    value = {"@value": o.value, "@language": o.language}
                else:
                    value = {"@value": o.value, "@type": c.compact(dt)}
        old = node.get(key)
        if old is None:
            node[key] = value
        elif isinstance(old, list):
            old.append(value)
        else:
            node[key] = [old, value]
    doc = {"@context": ctx, "@graph": list(nodes.values())}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# --- GraphML ------------------------------------------------------------------------------


def _claim_rows(corpus: Corpus) -> Iterable[tuple[str, dict[str, Any]]]:
    from kg.corpus.vocabulary import PREDICATES
    from kg.evidence import assess

    for cid in sorted(corpus.claims):
        c = corpus.claims[cid]
        a = assess(c, corpus.studies)
        p = PREDICATES[c.predicate]
        row: dict[str, Any] = {
            "claim": c.id, "predicate": c.predicate, "sign": p.sign or "", "mode": p.mode,
            "statement": c.statement, "kind": c.kind, "origin": c.origin,
            "certainty": c.certainty, "status": a.status, "rating": a.rating,
            "source": str(c.source) if c.source else "",
        }
        for key in ("population", "context", "dose", "duration"):
            value = getattr(c, key)
            if value:
                row[key] = value
        row["studies"] = "|".join(ev.study for ev in c.evidence)
        row["stances"] = "|".join(ev.stance for ev in c.evidence)
        for stance in ("supports", "mixed", "no-effect", "contradicts"):
            n = sum(1 for ev in c.evidence if ev.stance == stance)
            row[f"n_{stance.replace('-', '_')}"] = n
        yield cid, row


def graphml(corpus: Corpus, base: str) -> bytes:
    """Entities as nodes, claims as edges (a MultiDiGraph keyed by claim id)."""
    import networkx as nx  # type: ignore[import-untyped]

    g = nx.MultiDiGraph(name="kg evidence graph", base=base)
    for eid in sorted(corpus.entities):
        e = corpus.entities[eid]
        g.add_node(eid, label=e.label, role=e.role, kind=e.kind, iri=f"{base}entity/{eid}",
                   xrefs="|".join(e.xrefs), synonyms="|".join(e.synonyms))
    for cid, row in _claim_rows(corpus):
        c = corpus.claims[cid]
        g.add_edge(c.subject, c.object, key=cid, iri=f"{base}claim/{cid}", **row)
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


# --- KGX ----------------------------------------------------------------------------------


def _tsv(value: str) -> str:
    return " ".join(value.replace("|", "/").split())


def _tsv_rows(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    lines = ["\t".join(columns)]
    for row in rows:
        lines.append("\t".join(row.get(col, "") for col in columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _publication(corpus: Corpus, key: str) -> str | None:
    ref = corpus.references.get(key)
    if ref is None:
        return None
    if ref.pmid:
        return f"PMID:{ref.pmid.strip()}"
    if ref.doi:
        return f"doi:{ref.doi.strip()}"
    return None


NODE_COLUMNS = ["id", "category", "name", "description", "xref", "synonym", "iri",
                "kg_role", "kg_kind"]
EDGE_COLUMNS = [
    "id", "subject", "predicate", "object", "category", "negated",
    "object_direction_qualifier", "knowledge_level", "agent_type", "publications",
    "has_evidence", "original_predicate", "iri", "kg_statement", "kg_kind", "kg_origin",
    "kg_certainty", "kg_status", "kg_rating", "kg_population", "kg_context", "kg_dose",
    "kg_duration",
    "kg_source", "kg_evidence_studies", "kg_evidence_stances", "kg_evidence_findings",
    "kg_evidence_locators",
]


def knowledge_level(kind: str, certainty: str, has_evidence: bool) -> str:
    """Biolink's knowledge level of a claim's edge (KnowledgeLevelEnum, Biolink 4.4.6):
    ``knowledge_assertion`` ("a statement of purported fact ... based on assessment of
    direct evidence") only for a claim with evidence lines; ``prediction`` ("a possible
    fact ... more speculative conclusions") for a hypothesis; ``not_provided`` for an
    open question and for a claim without evidence."""
    if kind == "question" or not has_evidence and certainty != "hypothesized":
        return "not_provided"
    if certainty == "hypothesized":
        return "prediction"
    return "knowledge_assertion"


#: CURIE prefixes the KGX files use besides the corpus's own and its xrefs', with the
#: IRI prefixes of the Biolink 4.4.6 prefix map (biolink_model/prefixmaps/)
KGX_STANDARD_PREFIXES = {
    "biolink": ns.BIOLINK,
    "ECO": ns.OBO + "ECO_",
    "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/",
    "doi": ns.DOI,
}


def kgx_context(corpus: Corpus, prefixes: dict[str, str]) -> bytes:
    """A JSON-LD context that expands every CURIE prefix of the KGX files: the corpus's own
    (``prefixes``), Biolink's, ECO, PMID, doi and the prefix of each xref (as the graph
    expands it; a prefix nothing expands is left out)."""
    from kg.graph.compiler import xref_iri

    ctx: dict[str, str] = dict(KGX_STANDARD_PREFIXES)
    for e in corpus.entities.values():
        for curie in e.xrefs:
            prefix = curie.partition(":")[0]
            if prefix not in ctx:
                iri = xref_iri(prefix + ":X")
                if iri and iri.endswith("X"):
                    ctx[prefix] = iri[:-1]
    ctx.update(prefixes)
    doc = {"@context": dict(sorted(ctx.items()))}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def kgx(corpus: Corpus, base: str, prefixes: dict[str, str]) -> tuple[bytes, bytes]:
    """KGX TSV (nodes, edges) on Biolink 4. Each claim is one edge; its evidence lines ride
    on the edge as parallel ``|``-separated columns (study, stance, finding, locator).
    ``prefixes`` (kg.config.kgx_prefixes) names the CURIE prefix of each of the corpus's
    namespaces: entities, claims, the vocabulary."""
    from kg.evidence import assess

    by_ns = {iri: name for name, iri in prefixes.items()}
    entity, claim, vocab = (by_ns[base + path] for path in ("entity/", "claim/", "vocab#"))
    nodes: list[dict[str, str]] = []
    for eid in sorted(corpus.entities):
        e = corpus.entities[eid]
        nodes.append({
            "id": f"{entity}:{eid}",
            "category": ns.BIOLINK_CATEGORIES[e.kind],
            "name": _tsv(e.label),
            "description": _tsv(e.description or ""),
            "xref": "|".join(e.xrefs),
            "synonym": "|".join(_tsv(s) for s in e.synonyms),
            "iri": f"{base}entity/{eid}",
            "kg_role": e.role,
            "kg_kind": e.kind,
        })
    edges: list[dict[str, str]] = []
    for cid in sorted(corpus.claims):
        c = corpus.claims[cid]
        predicate, direction, negated = ns.BIOLINK_PREDICATES[c.predicate]
        a = assess(c, corpus.studies)
        # publications are the studies that support the claim, no others
        pubs = sorted({p for ev in c.evidence
                       if ev.stance == "supports" and (p := _publication(corpus, ev.study))})
        eco = sorted({
            "ECO:" + _eco(corpus.studies[ev.study]).rsplit("_", 1)[1]
            for ev in c.evidence if ev.study in corpus.studies
        })
        edges.append({
            "id": f"{claim}:{cid}",
            "subject": f"{entity}:{c.subject}",
            "predicate": predicate,
            "object": f"{entity}:{c.object}",
            "category": "biolink:Association",
            "negated": "True" if negated else "",
            "object_direction_qualifier": direction or "",
            "knowledge_level": knowledge_level(c.kind, c.certainty, bool(c.evidence)),
            "agent_type": "manual_agent",
            "publications": "|".join(pubs),
            "has_evidence": "|".join(eco),
            "original_predicate": f"{vocab}:{c.predicate}",
            "iri": f"{base}claim/{cid}",
            "kg_statement": _tsv(c.statement),
            "kg_kind": c.kind,
            "kg_origin": c.origin,
            "kg_certainty": c.certainty,
            "kg_status": a.status,
            "kg_rating": a.rating,
            "kg_population": _tsv(c.population or ""),
            "kg_context": _tsv(c.context or ""),
            "kg_dose": _tsv(c.dose or ""),
            "kg_duration": _tsv(c.duration or ""),
            "kg_source": _tsv(str(c.source) if c.source else ""),
            "kg_evidence_studies": "|".join(ev.study for ev in c.evidence),
            "kg_evidence_stances": "|".join(ev.stance for ev in c.evidence),
            "kg_evidence_findings": "|".join(_tsv(ev.finding) for ev in c.evidence),
            "kg_evidence_locators": "|".join(_tsv(ev.locator or "-") for ev in c.evidence),
        })
    return _tsv_rows(NODE_COLUMNS, nodes), _tsv_rows(EDGE_COLUMNS, edges)


# --- dispatch and writing -----------------------------------------------------------------


def export(fmt: str, build: Build) -> dict[str, bytes]:
    """``{suffix: data}`` for format ``fmt`` (one entry; three for kgx; for nanopubs
    ``{file name: data}``, one file per claim) of a corpus that built clean. graphml, kgx,
    trig and nanopubs read the corpus; they never compile the graph."""
    corpus, base = build.corpus, build.base
    if fmt in ("turtle", "n-triples", "json-ld"):
        graph = build.graph
        assert graph is not None, "export() needs a corpus without errors"
        if fmt == "turtle":
            return {FORMATS[fmt]: graph.turtle()}
        if fmt == "n-triples":
            return {FORMATS[fmt]: ntriples_from_turtle(graph.turtle())}
        triples = build.triples
        assert triples is not None
        return {FORMATS[fmt]: jsonld(triples, base)}
    if fmt == "trig":
        from kg.graph.compiler import nanopubs_text

        return {FORMATS[fmt]: nanopubs_text(corpus, base)}
    if fmt == "nanopubs":
        from kg.graph.compiler import nanopub_files

        return nanopub_files(corpus, base)
    if fmt == "graphml":
        return {FORMATS[fmt]: graphml(corpus, base)}
    if fmt == "dataset":
        from kg.graph.dataset import dataset_text

        return {FORMATS[fmt]: dataset_text(build, strict=True)}
    if fmt in ("vocab", "shapes"):
        from kg.graph.compiler import shapes_text, vocab_text

        text = vocab_text(base) if fmt == "vocab" else shapes_text(base)
        return {FORMATS[fmt]: text.encode("utf-8")}
    if fmt == "kgx":
        from kg.config import kgx_prefixes

        prefixes = kgx_prefixes(build.root, base)
        nodes, edges = kgx(corpus, base, prefixes)
        return dict(zip(KGX_SUFFIXES, (nodes, edges, kgx_context(corpus, prefixes)),
                        strict=True))
    raise KgError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")


def output_paths(fmt: str, root: Path, output: str | None) -> dict[str, Path]:
    """Where each part of ``fmt`` goes. Default ``<root>/build/graph<suffix>``. For kgx,
    ``output`` is a prefix: ``-o out/kg`` writes out/kg_nodes.tsv and out/kg_edges.tsv;
    an existing folder means ``<folder>/graph``."""
    if fmt == "kgx":
        prefix = Path(output) if output else root / "build" / "graph"
        if output and (prefix.is_dir() or output.endswith(("/", os.sep))):
            prefix = prefix / "graph"
        return {sfx: prefix.with_name(prefix.name + sfx) for sfx in KGX_SUFFIXES}
    name = NAMED_FILES.get(fmt, f"graph{FORMATS[fmt]}")
    path = Path(output) if output else root / "build" / name
    return {FORMATS[fmt]: path}


def output_folder(fmt: str, root: Path, output: str | None) -> Path:
    """Where a folder format goes: ``-o``, else ``<root>/build/<name>``."""
    return Path(output) if output else root / "build" / FOLDER_FORMATS[fmt]


def check_folder(folder: Path, root: Path | None = None) -> Path:
    """kg.output.check_folder: absent, or a folder of an earlier export only."""
    from kg.output import check_folder as check

    return check(folder, root)


def write_folder(folder: Path, files: dict[str, bytes], root: Path | None = None) -> int:
    """kg.output.write_folder: the files as the folder's whole content, renamed into place
    from a temporary folder. Returns the number of bytes written."""
    from kg.output import write_folder as write

    return write(folder, files, root)


def write_atomic(path: Path, data: bytes | Iterable[bytes], root: Path | None = None, *,
                 follow_symlinks: bool = False) -> int:
    """kg.output.write_atomic: refuses special files, symlinks (unless followed) and corpus
    inputs, then writes through a temporary file. Returns the number of bytes written."""
    from kg.output import write_atomic as write

    return write(path, data, root, follow_symlinks=follow_symlinks)
