"""Namespace IRIs and the fixed mappings of the graph (docs/rdf.md). Plain strings, no RDF library.

Every external term used here is listed as confirmed in the vocabulary section of
shared/facts/ontology-ids.md, or is a W3C core term (rdf, rdfs, owl, xsd, skos; checked in
rdflib's namespace files), or was read in a published copy of its vocabulary (BIBO
volume/pages/pageStart/pageEnd/authorList; Biolink 4.4.6 produced_by, ChemicalEntity,
Behavior, Pathway, from the biolink-model 4.4.6 wheel). Terms of our own live in
kg/graph/vocab.ttl under ``<base>vocab#``.
"""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
CITO = "http://purl.org/spar/cito/"
FABIO = "http://purl.org/spar/fabio/"
BIBO = "http://purl.org/ontology/bibo/"
SCHEMA = "https://schema.org/"
NP = "http://www.nanopub.org/nschema#"
BIOLINK = "https://w3id.org/biolink/vocab/"
OBO = "http://purl.obolibrary.org/obo/"
MESH = "http://id.nlm.nih.gov/mesh/"
DOI = "https://doi.org/"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
#: DoCO (Document Components Ontology), read in SPAROntologies/doco docs/current/doco.ttl
#: (owl:versionIRI http://purl.org/spar/doco/2015-07-03): doco:Paragraph, doco:Section.
DOCO = "http://purl.org/spar/doco/"
#: PRISM basic 2.0, as FaBiO imports it (SPAROntologies/fabio docs/current/fabio.ttl,
#: owl:versionIRI .../fabio/2026-05-18): prism:issueIdentifier.
PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
#: VoID and DCAT, read in rdflib's namespace files (RDFLib/rdflib rdflib/namespace/_VOID.py,
#: generated from http://rdfs.org/ns/void#; _DCAT.py, generated from the W3C dcat2.ttl).
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"

#: The vocabulary of our own terms, relative to the base IRI.
VOCAB_PATH = "vocab#"


def vocab_ns(base: str) -> str:
    return base + VOCAB_PATH


#: Prefixes written into Turtle / TriG output and the JSON-LD context. ``kgv``, ``kg`` and
#: the per-kind prefixes are added from the base IRI at run time (see :func:`prefixes`).
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "cito": CITO,
    "fabio": FABIO,
    "bibo": BIBO,
    "schema": SCHEMA,
    "np": NP,
    "biolink": BIOLINK,
    "obo": OBO,
    "mesh": MESH,
    "oio": OIO,
    "doco": DOCO,
    "prism": PRISM,
}

#: Xref prefixes whose records are genes. An entity of another kind (a protein, an enzyme,
#: a hormone) is the gene's product, not the gene: it gets skos:relatedMatch to such a
#: record, never a match that would make the two one thing.
GENE_PREFIXES: frozenset[str] = frozenset({"HGNC", "NCBIGENE", "ENSEMBL", "MGI", "RGD"})

#: Folders of minted IRIs: ``<base><folder>/<local>``; each gets a prefix in Turtle.
FOLDERS: tuple[str, ...] = (
    "entity", "claim", "evidence", "statistic", "group", "study", "author", "author-list",
    "journal", "erratum", "citation-issue", "citation", "section", "paragraph",
    "acknowledgement", "np", "agent",
)

#: Turtle prefixes of folders whose name is taken by a standard prefix.
FOLDER_PREFIXES: dict[str, str] = {"np": "nanopub"}


def prefixes(base: str) -> dict[str, str]:
    """Every prefix of the output, in a fixed order."""
    out = dict(STANDARD_PREFIXES)
    out["kgv"] = vocab_ns(base)
    out["kg"] = base
    for folder in FOLDERS:
        out[FOLDER_PREFIXES.get(folder, folder)] = f"{base}{folder}/"
    return out


# --- mappings of our closed vocabularies to standard terms -------------------------------

#: design -> (OBI/STATO design or investigation term, MeSH publication types, ECO evidence type,
#: extra FaBiO class or None). Terms from the OBI, STATO, MeSH, ECO and FaBiO tables of
#: ontology-ids.md. The OBI/STATO and MeSH terms are not written on the study node (OBI
#: mixes design specifications with investigations, STATO's is a data transformation, and
#: dcterms:type would make MeSH records classes): they are the SKOS mappings of the design
#: concept in kg/graph/vocab.ttl. ECO:0000180 "clinical study evidence" is "a controlled
#: investigation that uses human subjects" (eco.obo 2024-07-19): trials only. ECO has no
#: class for observational studies, so they get the root ECO:0000000 "evidence".
DESIGN_TERMS: dict[str, tuple[str | None, tuple[str, ...], str, str | None]] = {
    "meta-analysis": (OBO + "STATO_0000155", (MESH + "D017418",), OBO + "ECO_0000000",
                      FABIO + "SystematicReview"),
    "systematic-review": (OBO + "OBI_0001958", (MESH + "D000078182",), OBO + "ECO_0000000",
                          FABIO + "SystematicReview"),
    "rct": (OBO + "OBI_0004001", (MESH + "D016449",), OBO + "ECO_0000180",
            FABIO + "ClinicalTrialReport"),
    "prospective-cohort": (OBO + "OBI_0003694", (MESH + "D015331", MESH + "D011446"),
                           OBO + "ECO_0000000", None),
    "retrospective-cohort": (OBO + "OBI_0003694", (MESH + "D015331", MESH + "D012189"),
                             OBO + "ECO_0000000", None),
    "case-control": (OBO + "OBI_0003692", (MESH + "D016022",), OBO + "ECO_0000000", None),
    "cross-sectional": (OBO + "OBI_0003698", (MESH + "D003430",), OBO + "ECO_0000000", None),
    "narrative-review": (None, (MESH + "D016454",), OBO + "ECO_0000033",
                         FABIO + "ReviewArticle"),
    "consensus-statement": (None, (), OBO + "ECO_0000033", None),
    "guideline": (None, (MESH + "D017065",), OBO + "ECO_0000033", FABIO + "ClinicalGuideline"),
    "animal": (OBO + "OBI_0003696", (), OBO + "ECO_0000179", None),
    "in-vitro": (OBO + "OBI_0001285", (), OBO + "ECO_0000181", None),
}

#: Pooled designs that are controlled investigations of human subjects (ECO:0000180).
TRIAL_DESIGNS: frozenset[str] = frozenset({"rct", "non-randomised-trial"})

#: Every ECO class an evidence line can have (kg/graph/shapes.ttl lists the same).
ECO_CLASSES: tuple[str, ...] = tuple(sorted({t[2] for t in DESIGN_TERMS.values()}))


def evidence_class(design: str, pooled: tuple[str, ...] = ()) -> str:
    """The ECO class of evidence from a study of ``design``: its design's, except that a
    meta-analysis or systematic review that pooled only trials is clinical study evidence."""
    if design in ("meta-analysis", "systematic-review") and pooled and all(
            d in TRIAL_DESIGNS for d in pooled):
        return OBO + "ECO_0000180"
    return DESIGN_TERMS[design][2]


#: stance -> SEPIO evidence direction and the SEPIO link from the claim to the line.
#: no-effect ("looked, found no effect") counts against the claim, as contradicts does;
#: kgv:stance keeps the difference.
STANCE_TERMS: dict[str, tuple[str, str]] = {
    "supports": (OBO + "SEPIO_0000403", OBO + "SEPIO_0000007"),
    "contradicts": (OBO + "SEPIO_0000404", OBO + "SEPIO_0000008"),
    "no-effect": (OBO + "SEPIO_0000404", OBO + "SEPIO_0000008"),
    "mixed": (OBO + "SEPIO_0000405", OBO + "SEPIO_0000009"),
}

#: measure -> STATO class, where STATO has one in ontology-ids.md.
MEASURE_TERMS: dict[str, str] = {
    "OR": OBO + "STATO_0000182",
    "RR": OBO + "STATO_0000245",
    "mean-difference": OBO + "STATO_0000457",
}

#: predicate -> (Biolink 4 predicate, object_direction_qualifier, negated). Biolink 4 has no
#: positively/negatively_regulates: direction goes in the qualifier (ontology-ids.md).
BIOLINK_PREDICATES: dict[str, tuple[str, str | None, bool]] = {
    "increases": ("biolink:affects", "increased", False),
    "decreases": ("biolink:affects", "decreased", False),
    "required-for": ("biolink:contributes_to", None, False),
    "cofactor-for": ("biolink:contributes_to", None, False),
    "affects": ("biolink:affects", None, False),
    "no-effect-on": ("biolink:affects", None, True),
    "binds": ("biolink:directly_physically_interacts_with", None, False),
    "produced-by": ("biolink:produced_by", None, False),
    "component-of": ("biolink:part_of", None, False),
    "source-of": ("biolink:related_to", None, False),
    "associated-with": ("biolink:positively_correlated_with", None, False),
    "inversely-associated-with": ("biolink:negatively_correlated_with", None, False),
    "not-associated-with": ("biolink:correlated_with", None, True),
    "is-a": ("biolink:subclass_of", None, False),
    "part-of": ("biolink:part_of", None, False),
    "recommended-for": ("biolink:related_to", None, False),
    "enhances-effect-of": ("biolink:related_to", None, False),
    "reduces-effect-of": ("biolink:related_to", None, False),
}

#: entity kind -> Biolink category.
BIOLINK_CATEGORIES: dict[str, str] = {
    "behaviour": "biolink:Behavior",
    "cell": "biolink:Cell",
    "chemical": "biolink:ChemicalEntity",
    "disease": "biolink:Disease",
    "drug": "biolink:Drug",
    "enzyme": "biolink:Protein",
    "food": "biolink:Food",
    "gene": "biolink:Gene",
    "hormone": "biolink:ChemicalEntity",
    "measurement": "biolink:PhenotypicFeature",
    "nutrient": "biolink:ChemicalEntity",
    "pathway": "biolink:Pathway",
    "process": "biolink:BiologicalProcess",
    "protein": "biolink:Protein",
    "tissue": "biolink:AnatomicalEntity",
}

#: CURIE prefix -> IRI prefix for xrefs, where the Biolink 4.4.6 prefix map (ontology-ids.md)
#: gives a linked-data IRI and the Bioregistry's default is a web page. Every other prefix is
#: expanded by the Bioregistry snapshot (kg.checks.identifiers.expand).
XREF_IRI_PREFIXES: dict[str, str] = {
    "mesh": MESH,
    "hgnc": "http://identifiers.org/hgnc/",
    "ncbigene": "http://identifiers.org/ncbigene/",
}
