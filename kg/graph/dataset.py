"""The dataset description of a compiled corpus: one VoID / DCAT node, ``<base>dataset``,
with the corpus's title, licence, version, creator and source from its settings (kg.toml
or ``[tool.kg]``; kg.config), the size of the graph and the vocabulary it uses
(docs/rdf.md, "Publishing"). Terms: VoID and DCAT as rdflib's namespace files list them,
Dublin Core terms and OWL (docs/rdf.md, Vocabularies). No timestamps: the same corpus
gives the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import KgError
from kg.graph import namespaces as ns

if TYPE_CHECKING:
    from pyoxigraph import Triple

    from kg.graph.compiler import Build

DATASET = "dataset"
#: the settings a publishable description needs
REQUIRED = ("license", "version", "creator", "source")
#: the licence of kg/graph/vocab.ttl (its owl:versionInfo is in the file)
VOCAB_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _is_iri(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def dataset_triples(build: Build, settings: dict[str, str], strict: bool = True) -> list[Triple]:
    """The description's triples. ``strict``: KgError unless license, version, creator
    and source are all set (a description without them cannot be published)."""
    import pyoxigraph as ox

    missing = [k for k in REQUIRED if k not in settings]
    if strict and missing:
        raise KgError("the dataset description needs " + ", ".join(missing) +
                      " in kg.toml (or [tool.kg] in pyproject.toml), e.g. license = "
                      f"\"{VOCAB_LICENSE}\" (docs/rdf.md, Publishing)")
    graph = build.graph
    assert graph is not None, "dataset_triples() needs a corpus without errors"
    base = build.base
    s = ox.NamedNode(base + DATASET)

    def N(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def value(key: str) -> ox.NamedNode | ox.Literal:
        text = settings[key]
        return N(text) if key in ("license", "creator", "source") and _is_iri(text) \
            else ox.Literal(text)

    out = [ox.Triple(s, N(ns.RDF + "type"), N(ns.VOID + "Dataset")),
           ox.Triple(s, N(ns.RDF + "type"), N(ns.DCAT + "Dataset"))]
    for key, pred in (("title", ns.DCTERMS + "title"),
                      ("description", ns.DCTERMS + "description"),
                      ("license", ns.DCTERMS + "license"),
                      ("version", ns.OWL + "versionInfo"),
                      ("creator", ns.DCTERMS + "creator"),
                      ("source", ns.DCTERMS + "source")):
        if key in settings:
            out.append(ox.Triple(s, N(pred), value(key)))
    integer = N(ns.XSD + "integer")
    out += [
        ox.Triple(s, N(ns.VOID + "triples"), ox.Literal(str(graph.triples), datatype=integer)),
        ox.Triple(s, N(ns.VOID + "entities"),
                  ox.Literal(str(len(build.corpus.entities)), datatype=integer)),
        ox.Triple(s, N(ns.VOID + "uriSpace"), ox.Literal(base)),
        ox.Triple(s, N(ns.VOID + "vocabulary"), N(base + "vocab")),
        ox.Triple(s, N(ns.DCTERMS + "conformsTo"), N(base + "shapes")),
    ]
    return out


def dataset_text(build: Build, strict: bool = False) -> bytes:
    """The description as Turtle (see :func:`dataset_triples`); settings from the
    corpus root the build was made from."""
    import pyoxigraph as ox

    prefixes = {"void": ns.VOID, "dcat": ns.DCAT, "dcterms": ns.DCTERMS, "owl": ns.OWL,
                "xsd": ns.XSD, "kg": build.base}
    data = ox.serialize(dataset_triples(build, build_settings(build), strict),
                        format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return data


def build_settings(build: Build) -> dict[str, str]:
    from kg.config import load_settings

    root = build.root
    return dict(load_settings(root).dataset) if root is not None else {}
