"""The positional YAML loader: marks, duplicates, unsafe input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus.yamlfile import PosDict, PosList, load_yaml


def codes(raw: bytes) -> list[tuple[int, int, str]]:
    _, diags = load_yaml(raw, "f.yaml")
    return [(d.line, d.column, d.code) for d in diags]


def test_keys_values_and_items_keep_their_positions() -> None:
    data, diags = load_yaml(b"claims:\n  - id: a\n    tags: [x, y]\n", "f.yaml")
    assert diags == []
    assert isinstance(data, PosDict)
    claim = data["claims"][0]
    assert isinstance(claim, PosDict) and claim.start == (2, 5)
    assert claim.key_mark("tags") == (3, 5)
    assert claim.value_mark("tags") == (3, 11)
    tags = claim["tags"]
    assert isinstance(tags, PosList) and tags.items_at == [(3, 12), (3, 15)]


def test_duplicate_key_is_reported_where_it_repeats() -> None:
    assert codes(b"a: 1\nb: 2\na: 3\n") == [(3, 1, "KG006")]


def test_the_word_null_is_remembered() -> None:
    data, _ = load_yaml(b"a: null\nb:\nc: ~\n", "f.yaml")
    assert data.spelled_null == {"a"}


def test_python_tags_are_refused() -> None:
    assert codes(b"a: !!python/object/apply:os.system [ls]\n") == [(1, 4, "KG003")]


def test_syntax_error_position() -> None:
    assert codes(b"a: b: c\n") == [(1, 5, "KG002")]


def test_bad_utf8_position() -> None:
    assert codes(b"a: ok\nb: \xff\n") == [(2, 4, "KG001")]


def test_bom_is_accepted() -> None:
    assert codes(b"\xef\xbb\xbfa: 1\n") == []


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    assert codes("\n".join(lines).encode()) == [(1, 1, "KG004")]


def test_a_few_aliases_are_fine() -> None:
    assert codes(b"x: &p adults\ny: *p\nz: *p\n") == []


def test_unhashable_key() -> None:
    assert codes(b"? [a]\n: 1\n") == [(1, 3, "KG002")]


def test_second_document_is_an_error() -> None:
    assert codes(b"a: 1\n---\nb: 2\n") == [(2, 1, "KG002")]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("claims:\n  - id: a\n\tstatement: x\n", 3, "indented with a tab"),
    ("claims:\n  - id: a\n    statement: x\n      subject: y\n", 4, "quote the value"),
    ("claims:\n  - id: a\n    statement: x\n   subject: y\n", 4, "indentation changes here"),
])
def test_syntax_errors_get_a_plain_hint(text: str, line: int, words: str) -> None:
    _, diags = load_yaml(text.encode(), "f.yaml")
    assert [(d.code, d.line) for d in diags] == [("KG002", line)]
    assert words in (diags[0].hint or "")


# -- a file with nothing in it (kg.corpus.load) ---------------------------------------------


@pytest.mark.parametrize("text", ["", "# nothing yet\n\n# really\n", "---\n", "\n\n"])
def test_an_empty_file_is_a_warning_and_holds_no_records(
        text: str, valid_corpus: Path) -> None:
    """KG009 at 1:1; the file holds nothing, and the rest of the corpus is checked whole:
    an entity no claim uses is still KG605 (an empty file is not one that failed to load,
    which would leave the claims incomplete and silence that check)."""
    from kg.checks.validator import validate

    (valid_corpus / "claims" / "x.yaml").write_text(text, encoding="utf-8")
    with (valid_corpus / "claims" / "entities.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: lonely\n    label: lonely\n    role: outcome\n    kind: disease\n")
    corpus, diags = validate(valid_corpus)
    assert [(d.file, d.line, d.column, d.code, d.severity, d.message, d.hint)
            for d in diags] == [
        ("claims/entities.yaml", 36, 5, "KG605", "warning",
         "entity 'lonely' is not used by any claim",
         "use it as the subject or object of a claim, or delete it"),
        ("claims/x.yaml", 1, 1, "KG009", "warning",
         "file holds no data (it is empty or only comments)",
         "start it with 'claims:' and its records, or delete it")]
    assert corpus.incomplete == set() and len(corpus.claims) == 6


def test_an_empty_entities_file_leaves_every_entity_unknown(valid_corpus: Path) -> None:
    """An emptied entities.yaml holds no entities: every claim's ends are KG202 (it used
    to count as a file that failed to load, whose names are never reported unknown, so
    the corpus validated clean)."""
    from kg.checks.validator import validate

    (valid_corpus / "claims" / "entities.yaml").write_text("# moved\n", encoding="utf-8")
    corpus, diags = validate(valid_corpus)
    assert corpus.entities == {} and "entities" not in corpus.incomplete
    assert [(d.file, d.code, d.message.split(" as ")[0]) for d in diags][:1] == [
        ("claims/entities.yaml", "KG009", "file holds no data (it is empty or only comments)")]
    assert diags[0].hint == "start it with 'entities:' and its records, or delete it"
    unknown = {d.message.split("'")[1] for d in diags if d.code == "KG202"}
    assert unknown == {e for c in corpus.claims.values() for e in (c.subject, c.object)}


def test_an_empty_article_file_is_no_article(valid_corpus: Path) -> None:
    from kg.checks.validator import validate

    (valid_corpus / "claims" / "article.yaml").write_text("", encoding="utf-8")
    corpus, diags = validate(valid_corpus)
    assert corpus.article is None and corpus.incomplete == set()
    assert [(d.file, d.line, d.column, d.code, d.hint) for d in diags] == [
        ("claims/article.yaml", 1, 1, "KG009",
         "start it with 'article:' and its records, or delete it")]
