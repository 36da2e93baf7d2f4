"""The BibTeX reader: fields, positions, macros, and recovery after a broken entry."""

from __future__ import annotations

from kg.corpus.bibtex import parse_bibtex

TEXT = """% a comment
@string{jcs = "Journal of Cancer Survivorship"}
@article{kwan2021,
  author = {Kwan, Marilyn L. and Lo, Joan C. and Yao, Song},
  title  = "A {Prospective} Study",
  journal = jcs,
  year   = 2021,
  month  = feb,
  pages  = {139--149},
}
@comment{ignored {nested} text}
@misc(other, title = {T}, year = {2020})
"""


def test_fields_authors_and_positions() -> None:
    refs, diags, broken = parse_bibtex(TEXT, "references.bib")
    assert diags == [] and broken == set()
    kwan = refs["kwan2021"]
    assert kwan.type == "article"
    assert kwan.fields["title"] == "A Prospective Study"
    assert kwan.fields["journal"] == "Journal of Cancer Survivorship"
    assert kwan.fields["month"] == "2"
    assert kwan.authors == ("Kwan, Marilyn L.", "Lo, Joan C.", "Yao, Song")
    assert kwan.short_citation() == "Kwan et al. 2021"
    assert (kwan.span.line, kwan.span.column) == (3, 1)
    assert (kwan.field_spans["pages"].line, kwan.field_spans["pages"].column) == (9, 12)
    assert refs["other"].fields == {"title": "T", "year": "2020"}


def test_unclosed_entry_does_not_swallow_the_next() -> None:
    text = "@article{a, title = {x {y}, year = 2020}\n@misc{b, title = {ok}, year = 2020}\n"
    refs, diags, broken = parse_bibtex(text, "r.bib")
    assert list(refs) == ["b"]
    assert broken == {"a"}
    assert [(d.line, d.column, d.code) for d in diags] == [(1, 1, "KG301")]


def test_undefined_macro_and_missing_comma() -> None:
    text = "@misc{a, journal = nope}\n@misc{b title = {x}}\n"
    refs, diags, _ = parse_bibtex(text, "r.bib")
    assert refs == {}
    assert [(d.line, d.column, d.code) for d in diags] == [(1, 20, "KG301"), (2, 9, "KG301")]
    assert "undefined string macro 'nope'" in diags[0].message


def test_duplicate_key() -> None:
    text = "@misc{a, title={x}, year=1}\n@misc{a, title={y}, year=2}\n"
    refs, diags, _ = parse_bibtex(text, "r.bib")
    assert refs["a"].fields["title"] == "x"
    assert [(d.line, d.code) for d in diags] == [(2, "KG308")]
