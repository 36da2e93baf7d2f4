"""The positional YAML loader: marks, duplicates, unsafe input."""

from __future__ import annotations

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
