"""The Turtle writer of kg/graph/turtle.py, stated exactly (issue 18: mutation score;
bench/mutation.py turtle). tests/test_build_cache.py compares it with pyoxigraph on
awkward terms; these tests pin the block layout and each escape."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.graph import turtle as T

PREFIXES = {"kg": "https://example.org/kg/", "kgc": "https://example.org/kg/claim/",
            "xsd": T.XSD}


def oxigraph(subject: str, predicate: str, obj: ox.NamedNode | ox.Literal) -> str:
    """pyoxigraph's own text of one triple's object, as the oracle."""
    data = ox.serialize([ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), obj)],
                        format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert data is not None
    line = bytes(data).decode("utf-8").rstrip("\n").rsplit("\n", 1)[-1]
    return line.split(" ", 2)[2][:-2]


def test_blocks() -> None:
    assert T.block(["s", "p", "o"]) == "s p o .\n"
    assert T.block(["s", "p", "o1", "p", "o2", "q", "o3", "p", "o4"]) == (
        "s p o1 , o2 ;\n\tq o3 ;\n\tp o4 .\n")
    text, last = T.open_block(["s", "p", "o", "q", "o2"], indent="\t\t")
    assert (text, last) == ("s p o ;\n\t\tq o2", "q")
    assert T.extend_block(text, last, [("q", "o3"), ("r", "o4"), ("r", "o5")]) == (
        "s p o ;\n\t\tq o2 , o3 ;\n\tr o4 , o5")
    assert T.extend_block("s p o", "p", []) == "s p o"


@pytest.mark.parametrize(("value", "text"), [
    ("plain", '"plain"'), ("", '""'),
    ('say "hi"', '"say \\"hi\\""'), ("a\\b", '"a\\\\b"'),
    ("a\nb\rc\td", '"a\\nb\\rc\\td"'), ("\b\f", '"\\b\\f"'),
    ("\x00\x1f\x7f", '"\\u0000\\u001F\\u007F"'),
    ("\x85\u2028\u2029", '"\\u0085\\u2028\\u2029"'),
    ("\ufffe\uffff", '"\\uFFFE\\uFFFF"'), ("é\u2027\u202a", '"é\u2027\u202a"'),
])
def test_escape_string(value: str, text: str) -> None:
    assert T.escape_string(value) == text
    assert T.Renderer(PREFIXES).string(value) == text


@pytest.mark.parametrize("c", ["\ud800", "\udfff", "\udabc"])
def test_a_lone_surrogate_is_refused(c: str) -> None:
    with pytest.raises(ValueError, match=f"U\\+{ord(c):04X}"):
        T.escape_string(f"a{c}")


@pytest.mark.parametrize(("local", "text"), [
    ("abc", "abc"), ("a-b.c", "a-b.c"), ("1", "1"), ("", ""), ("a:b", "a:b"),
    ("-a", "\\-a"), ("a.", "a\\."), (".a", "\\.a"), ("a~b", "a\\~b"), ("a/b", "a\\/b"),
    ("a b", None), ("a\"b", None), ("é", None), ("a..b", "a..b"), ("a-", "a-"),
    ("a.b~", "a.b\\~"), ("-.a~", "\\-.a\\~"), ("a~.b", "a\\~.b"),
])
def test_local_names(local: str, text: str | None) -> None:
    assert T._escape_local(local) == text


@pytest.mark.parametrize("iri", [
    "https://example.org/kg/claim/a-b", "https://example.org/kg/x", "https://example.org/kg/",
    "https://example.org/kg/claim/a.", "https://example.org/kg/claim/-a",
    "https://example.org/kg/a b".replace(" ", "%20"), "https://example.org/other/x",
    "https://example.org/kg/é", "https://example.org/kg/a/b", "urn:x:y",
    "https://example.org/kg/é\u2028x",  # a line separator, which str.split() splits at
])
def test_iris_are_written_as_pyoxigraph_writes_them(iri: str) -> None:
    r = T.Renderer(PREFIXES)
    assert r.iri(iri) == oxigraph("urn:s", "urn:p", ox.NamedNode(iri))
    assert r.iri(iri) == r.iri(iri)  # cached
    assert r.predicate(iri) == r.iri(iri)


def test_rdf_type_is_a_as_a_predicate_only() -> None:
    r = T.Renderer(PREFIXES)
    assert r.predicate(T.RDF_TYPE) == "a"
    assert r.iri(T.RDF_TYPE) == f"<{T.RDF_TYPE}>"


def test_an_invalid_iri_is_refused() -> None:
    with pytest.raises(ValueError):
        T.Renderer(PREFIXES).iri("not an iri")


@pytest.mark.parametrize(("value", "datatype"), [
    ("12", "integer"), ("-3", "integer"), ("+4", "integer"), ("1.5", "integer"),
    ("1.5e3", "double"), ("1E-2", "double"), (".5e1", "double"), ("2.", "double"),
    ("1.5", "double"), ("x", "string"), ("true", "boolean"), ("1.50", "decimal"),
    ("2020-01", "gYearMonth"), ("a\"b", "date"),
])
def test_typed_literals_are_written_as_pyoxigraph_writes_them(value: str, datatype: str) -> None:
    lit = ox.Literal(value, datatype=ox.NamedNode(T.XSD + datatype))
    assert T.Renderer(PREFIXES).typed(value, T.XSD + datatype) == oxigraph(
        "urn:s", "urn:p", lit)


def test_folder() -> None:
    r = T.Renderer(PREFIXES)  # pyoxigraph tries xsd:, kgc:, then kg:
    assert r.order == [(T.XSD, "xsd"), ("https://example.org/kg/claim/", "kgc"),
                       ("https://example.org/kg/", "kg")]
    assert r.folder("https://example.org/kg/claim/") == ("kgc", "https://example.org/kg/claim/")
    assert r.folder("https://example.org/kg/") is None  # kgc: is tried first, inside it
    assert r.folder("https://example.org/other/") is None
    r = T.Renderer({"kgc": "https://example.org/kg/claim/"})
    assert r.folder("https://example.org/kg/claim/") == ("kgc", "https://example.org/kg/claim/")
    assert r.folder("https://example.org/kg/") is None
    assert r.folder("https://example.org/kg/claim/x/") is None
