"""Rules of the YAML loader kg/corpus/yamlfile.py that tests/test_yamlfile.py leaves loose: merge
keys, the alias limit, duplicate-key lines, sizes (issue 18: mutation score;
bench/mutation.py yamlfile). Tests only: the module itself belongs to the loader's
owners."""

from __future__ import annotations

from typing import Any

import pytest

from kg.corpus import yamlfile as Y
from kg.corpus.yamlfile import load_yaml
from kg.diagnostics import Diagnostic, Severity


def rows(text: str) -> tuple[object, list[tuple[int, int, str, str, str | None]]]:
    data, diags = load_yaml(text.encode(), "claims/x.yaml")
    assert all(d.severity is Severity.ERROR and d.file == "claims/x.yaml" for d in diags)
    return data, [(d.line, d.column, d.code, d.message, d.hint) for d in diags]


def test_a_merge_fills_in_only_the_keys_the_mapping_does_not_set() -> None:
    data, found = rows("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n  c: 4\n"
                       "y:\n  b: 5\n  <<: *b\n")
    assert found == []
    assert isinstance(data, dict)
    assert dict(data["x"]) == {"a": 1, "b": 3, "c": 4}
    assert dict(data["y"]) == {"a": 1, "b": 5}


def test_a_merge_of_several_mappings_takes_the_first_of_each_key() -> None:
    data, found = rows("p: &p {a: 1}\nq: &q {a: 2, b: 2}\nx:\n  <<: [*p, *q]\n")
    assert found == []
    assert isinstance(data, dict) and dict(data["x"]) == {"a": 1, "b": 2}


def test_a_merge_of_a_scalar_is_refused() -> None:
    _, found = rows("x:\n  <<: 3\n")
    assert [(f[2], f[3]) for f in found] == [("KG002", "YAML syntax: '<<' must merge a mapping")]


def test_a_duplicate_key_names_both_lines() -> None:
    _, found = rows("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n")
    assert found == [(5, 3, "KG006", "duplicate key 'c' (first at line 3)",
                      "delete one of the two keys")]
    # the first key's line, not its column
    _, found = rows("a:\n  c: 1\n  c: 2\n")
    assert found == [(3, 3, "KG006", "duplicate key 'c' (first at line 2)",
                      "delete one of the two keys")]


def test_refused_input_and_its_position() -> None:
    assert rows("a: 1\nb: x\x07y\n")[1] == [
        (2, 5, "KG002", "YAML syntax: control characters are not allowed", None)]
    assert rows("a: !!int x\n")[1] == [
        (1, 4, "KG002", "YAML syntax: 'x' cannot be read as !!int",
         "remove the tag, or write a value of that type")]
    assert rows("a: !!int " + "9" * 5 + "x" * 50 + "\n")[1][0][3] == (
        "YAML syntax: '99999" + "x" * 35 + "...' cannot be read as !!int")
    assert rows("a: 2001-13-45\n")[1][0][3] == (
        "YAML syntax: '2001-13-45' cannot be read as !!timestamp")
    assert rows("a: &a [*a]\n")[1] == [
        (1, 4, "KG004", "an anchor refers to itself",
         "write values out instead of referring to anchors")]
    assert rows("a: " + "[" * 3000 + "]" * 3000 + "\n")[1][0][2:4] == (
        "KG002", "YAML syntax: exceeded maximum nesting depth")


def test_an_aliased_string_counts_each_time_it_is_used() -> None:
    big = "s: &s '" + "x" * (1024 * 1024) + "'\nl: [" + ", ".join(["*s"] * 65) + "]\n"
    assert rows(big)[1] == [
        (1, 4, "KG004", "anchors expand the text past the size limit",
         "write values out instead of referring to anchors")]
    ok = "s: &s '" + "x" * (1024 * 1024) + "'\nl: [" + ", ".join(["*s"] * 62) + "]\n"
    assert rows(ok)[1] == []


def test_the_alias_limit_is_ten_thousand_hits() -> None:
    # each use of an anchored collection is a hit (an aliased string counts by its size)
    ok = "a: &a [x]\nb: [" + ", ".join(["*a"] * 10_000) + "]\n"
    data, found = rows(ok)
    assert found == [] and isinstance(data, dict) and len(data["b"]) == 10_000
    _, found = rows("a: &a [x]\nb: [" + ", ".join(["*a"] * 10_001) + "]\n")
    assert found == [(1, 1, "KG004", "anchors are re-used 10001 times and expand past the "
                      "size limit", "write values out instead of referring to anchors")]


def test_the_size_limits() -> None:
    assert Y.MAX_BYTES == 16 * 1024 * 1024
    assert Y.MAX_EXPANDED_NODES == 1_000_000
    assert Y.MAX_EXPANDED_CHARS == 4 * Y.MAX_BYTES
    _, diags = load_yaml(b"#" * (Y.MAX_BYTES + 1), "claims/x.yaml")
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diags] == [
        (1, 1, "KG005", "file is 16.0 MiB; the limit is 16 MiB",
         "split the claims over several topic files")]
    data, diags = load_yaml(b"#" * Y.MAX_BYTES, "claims/x.yaml")
    assert (data, diags) == (None, [])


def test_typed_scalars_keep_their_text_as_written() -> None:
    data, found = rows("a: 0123\nb: ~\nc: 1.10\nd: text\ne: null\n")
    assert found == [] and isinstance(data, Y.PosDict)
    assert data.raw == {"a": "0123", "c": "1.10"}
    assert data.spelled_null == {"e"}


def test_bytes_that_are_not_utf8() -> None:
    data, diags = load_yaml(b"a: 1\nb: caf\xe9\n", "claims/x.yaml")
    assert data is None
    assert [(d.line, d.column, d.code, d.severity, d.message, d.hint) for d in diags] == [
        (2, 7, "KG001", Severity.ERROR, "file is not valid UTF-8 (byte 0xe9)",
         "save the file as UTF-8")]


# -- the parser's complaints, in plain words ---------------------------------------------------

TAB = ("this line is indented with a tab; YAML allows only spaces: replace each tab with "
       "spaces (two per level, as in the rest of the file)")
COLON = ("a value holds ': ' (colon and space), or this line is indented deeper than the key "
         "above it: quote the value (\"...\") or line the key up with its neighbours")
INDENT = ("the indentation changes here: keys of one mapping must start in the same column, "
          "and a list's items (- ...) must line up with each other")


@pytest.mark.parametrize(("text", "line", "problem", "hint"), [
    ("a:\n\tb: 1\n", 2, "x", TAB),  # a tab in this line's indent
    ("a:\n\tb: 1\nc: 2\n", 3, "x", TAB),  # ... or in the line before
    ("a:\n\tb: 1\nc: 2\nd: 3\n", 4, "x", None),  # not two lines before
    ("a: x\ty\n", 1, "x", None),  # a tab inside the text is no indent
    ("a: 1\n", 1, "found a tab character that violates indentation", TAB),
    ("a: 1\n", 1, "mapping values are not allowed here", COLON),
    ("a: 1\n", 1, "expected <block end>, but found '-'", INDENT),
    ("a: 1\n", 1, "did not find expected key", INDENT),
    ("a: 1\n", 1, "could not find expected ':'", INDENT),
    ("a: 1\n", 1, "expected '-' indicator", INDENT),
    ("a: 1\n", 1, "found unexpected end of stream", None),
    # lines past the text: the last line is the one before the end
    ("a:\n\tb", 3, "x", TAB), ("a:\n\tb", 4, "x", None), ("\tb", 0, "x", None),
    ("a\u2028\tb: 1\n", 1, "x", None),  # U+2028 is text, not a line break
    ("\ta: 1\n", 1, "x", TAB),  # the first line
    ("a:\n\tb", 2, "x", TAB),  # the last line
    ("\ta\nb: 1\n", 2, "x", TAB),  # the line before is the first
    ("a: 1\n\tb: 2", 1, "x", None),  # the first line has no line before it
    ("a: x\ty\nb: 1\n", 2, "x", None),  # a tab in the text of the line before
])
def test_plain_hint(text: str, line: int, problem: str, hint: str | None) -> None:
    assert Y.plain_hint(text, line, problem) == hint


# -- what the loader reports for each kind of failure ------------------------------------------


def _raising(exc: BaseException) -> Any:
    def convert(self: object, node: object) -> object:
        raise exc
    return convert


def _mark(line: int, column: int) -> Any:
    import yaml

    return yaml.Mark("f", 0, line, column, None, 0)


@pytest.mark.parametrize(("exc", "found"), [
    ("problem at 3:7", (3, 7, "YAML syntax: bad int")),
    ("context only", (2, 4, "YAML syntax: bad int")),
    ("no mark", (1, 1, "YAML syntax: bad int")),
    ("no problem", (1, 1, "YAML syntax: while reading")),
])
def test_a_constructor_error(exc: str, found: tuple[int, int, str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    error = {
        "problem at 3:7": yaml.constructor.ConstructorError(
            "while reading", _mark(1, 3), "bad int", _mark(2, 6)),
        "context only": yaml.constructor.ConstructorError(
            "while reading", _mark(1, 3), "bad int", None),
        "no mark": yaml.constructor.ConstructorError(None, None, "bad int", None),
        "no problem": yaml.constructor.ConstructorError("while reading", None, None, None),
    }[exc]
    monkeypatch.setattr(Y._Converter, "convert", _raising(error))
    data, diags = load_yaml(b"a: 1\n", "claims/x.yaml")
    assert data is None
    got = [(d.file, d.line, d.column, d.code, d.severity, d.message, d.hint) for d in diags]
    if exc == "no problem":
        assert got[0][:5] == ("claims/x.yaml", 1, 1, "KG002", Severity.ERROR)
        assert got[0][5].startswith("YAML syntax: while reading") and got[0][6] is None
    else:
        assert got == [("claims/x.yaml", *found[:2], "KG002", Severity.ERROR, found[2], None)]


@pytest.mark.parametrize(("exc", "message"), [
    (RecursionError("deep"), "YAML syntax: nesting is too deep"),
    (ValueError("day is out of range for month"),
     "YAML syntax: a value cannot be read: day is out of range for month"),
    (OverflowError("too big"), "YAML syntax: a value cannot be read: too big"),
])
def test_a_value_that_cannot_be_read(exc: BaseException, message: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Y._Converter, "convert", _raising(exc))
    data, diags = load_yaml(b"a: 1\n", "claims/x.yaml")
    assert data is None
    assert [(d.file, d.line, d.column, d.code, d.severity, d.message, d.hint)
            for d in diags] == [("claims/x.yaml", 1, 1, "KG002", Severity.ERROR, message, None)]


def test_a_control_character_names_its_line_and_column() -> None:
    _, diags = load_yaml(b"a: 1\nb: 2\nc: x\x07y\n", "claims/x.yaml")
    assert [(d.file, d.line, d.column, d.code, d.severity, d.message, d.hint)
            for d in diags] == [("claims/x.yaml", 3, 5, "KG002", Severity.ERROR,
                                 "YAML syntax: control characters are not allowed", None)]


def test_a_reader_error_without_a_position_or_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    monkeypatch.setattr(Y._Converter, "convert", _raising(yaml.YAMLError("first\nsecond")))
    _, diags = load_yaml(b"a: 1\n", "claims/x.yaml")
    assert [(d.line, d.column, d.message) for d in diags] == [(1, 1, "YAML syntax: first")]


def test_a_large_file_gives_its_size_in_mib() -> None:
    _, diags = load_yaml(b" " * 17_783_848, "claims/big.yaml")  # 16.96 MiB
    assert [(d.file, d.line, d.column, d.code, d.severity, d.message) for d in diags] == [
        ("claims/big.yaml", 1, 1, "KG005", Severity.ERROR,
         "file is 17.0 MiB; the limit is 16 MiB")]


def test_bad_utf8_names_the_file() -> None:
    _, diags = load_yaml(b"a: \xff\n", "claims/q.yaml")
    assert [(d.file, d.line, d.column, d.code) for d in diags] == [
        ("claims/q.yaml", 1, 4, "KG001")]


# -- refusals and marks, whole -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "found"), [
    ("a: !custom x\n", (1, 4, "KG003", "YAML tag '!custom' is not allowed",
                        "remove the tag; corpus files hold plain values")),
    ("a:\n  - !!python/object:os.system [x]\n",
     (2, 5, "KG003", "YAML tag '!!python/object:os.system' is not allowed",
      "remove the tag; corpus files hold plain values")),
    ("? [a]\n: 1\n", (1, 3, "KG002", "YAML syntax: a mapping key must be a plain value, "
                                     "not a list or mapping", None)),
    ("a: !!int " + "9" * 39 + "x\n", (1, 4, "KG002", "YAML syntax: '" + "9" * 39 + "x' cannot "
                                     "be read as !!int", "remove the tag, or write a value of "
                                     "that type")),  # 40 characters: shown whole
    ("a: !!bool 1.5\n", (1, 4, "KG002", "YAML syntax: '1.5' cannot be read as !!bool",
                         "remove the tag, or write a value of that type")),
    ("a: !!int " + "9" * 40 + "x\n", (1, 4, "KG002", "YAML syntax: '" + "9" * 40 + "...' "
                                     "cannot be read as !!int", "remove the tag, or write a "
                                     "value of that type")),  # 41 characters: cut at 40
    ("a: !foo {b: 1}\n", (1, 4, "KG003", "YAML tag '!foo' is not allowed",
                          "remove the tag; corpus files hold plain values")),
    ("a: !!map [1]\n", (1, 4, "KG003", "YAML tag '!!map' is not allowed",
                        "remove the tag; corpus files hold plain values")),
])
def test_refusals_in_full(text: str, found: tuple[object, ...]) -> None:
    assert rows(text)[1] == [found]


def test_a_list_keeps_the_text_of_its_typed_scalars() -> None:
    data, _ = rows("a: [1.0, 0x1F, x, ~, '2']\nb: []\n")
    assert isinstance(data, dict)
    assert data["a"] == [1.0, 31, "x", None, "2"]
    assert data["a"].raw == {0: "1.0", 1: "0x1F"}  # not the string, the null or the quoted
    assert data["b"].raw == {} and data["b"].items_at == []


def test_marks_of_what_is_not_there() -> None:
    """A missing key, value or item is reported where its mapping or list starts."""
    data, _ = rows("x: 1\nm:\n  a: 1\n  b:\nl:\n  - 1\n  - 2\n")
    assert isinstance(data, dict)
    m, lst = data["m"], data["l"]
    assert m.start == (3, 3) and lst.start == (6, 3)
    assert m.key_mark("zz") == (3, 3) and m.value_mark("zz") == (3, 3)
    assert m.key_mark("b") == (4, 3) and m.value_mark("b") == (4, 5)
    assert m.value_mark("a") == (3, 6)
    assert [lst.item_mark(i) for i in range(4)] == [(6, 5), (7, 5), (6, 3), (6, 3)]
    empty_d, empty_l = Y.PosDict(), Y.PosList()
    assert (empty_d.start, empty_l.start, empty_l.raw) == ((1, 1), (1, 1), {})
    assert empty_d.value_mark("k") == (1, 1) and empty_l.item_mark(0) == (1, 1)


def test_a_merged_key_keeps_the_marks_of_where_it_is_written() -> None:
    data, _ = rows("base: &b\n  a: 1\nx:\n  <<: *b\n  c: 2\n")
    assert isinstance(data, dict)
    x = data["x"]
    assert (x.key_mark("a"), x.value_mark("a")) == ((2, 3), (2, 6))
    assert (x.key_mark("c"), x.value_mark("c")) == ((5, 3), (5, 6))


def test_anchors_may_expand_the_text_to_the_limit_and_no_further() -> None:
    """Every string counts each time it is used, keys too: 64 uses of a 1 MiB - 1 string,
    two keys of one letter and a third key with its value make the limit exactly."""
    big = "x" * (1024 * 1024 - 1)
    aliases = ", ".join(["*s"] * 63)
    rest = Y.MAX_EXPANDED_CHARS - 64 * len(big) - 2 - 1
    at_limit = f"a: &s {big}\nb: [{aliases}]\nc: {'y' * rest}\n"
    data, diags = load_yaml(at_limit.encode(), "claims/x.yaml")
    assert diags == [] and isinstance(data, dict) and len(data["b"]) == 63
    _, diags = load_yaml(at_limit.replace("c: ", "c: y").encode(), "claims/x.yaml")
    assert [(d.line, d.column, d.code, d.message) for d in diags] == [
        (3, 4, "KG004", "anchors expand the text past the size limit")]


# -- the expanded size, counted after the pass -------------------------------------------------


def test_expanded_size_counts_shared_parts_each_time() -> None:
    assert Y._expanded_size({"ab": ["x", "yz"], "c": 1}, {}) == (7, 6)
    assert Y._expanded_size({1: "ab", None: 2}, {}) == (5, 2)  # keys not text: no characters
    shared = ["q"]
    assert Y._expanded_size({"a": shared, "b": shared}, {}) == (7, 4)
    loop: list[Any] = []
    loop.append(loop)
    assert Y._expanded_size(loop, {}) == (2, 0)  # a cycle counts once, and ends
    wide = [["a"] * 1000] * 1000  # each part capped just past its limit
    assert Y._expanded_size(wide, {}) == (Y.MAX_EXPANDED_NODES + 1, 1_000_000)
    long = ["x" * 1000] * 70_000
    assert Y._expanded_size(long, {}) == (70_001, Y.MAX_EXPANDED_CHARS + 1)


def _nodes_text(extra: int) -> str:
    """1,000,000 nodes, plus ``extra``: 998 uses of a list of 999 numbers, and a list."""
    ones = ", ".join(["1"] * 999)
    uses = ", ".join(["*a"] * 998)
    last = ", ".join(["1"] * (994 + extra))
    return f"a: &a [{ones}]\nb: [{uses}]\nc: [{last}]\n"


def test_anchors_may_expand_to_a_million_nodes_and_no_more() -> None:
    data, diags = load_yaml(_nodes_text(0).encode(), "claims/x.yaml")
    assert diags == [] and Y._expanded_size(data, {})[0] == Y.MAX_EXPANDED_NODES
    data, diags = load_yaml(_nodes_text(1).encode(), "claims/x.yaml")
    assert data is None
    assert [(d.file, d.line, d.column, d.code, d.severity, d.message, d.hint)
            for d in diags] == [
        ("claims/x.yaml", 1, 1, "KG004", Severity.ERROR,
         "anchors are re-used 998 times and expand past the size limit",
         "write values out instead of referring to anchors")]


def test_aliased_lists_may_expand_the_text_to_the_limit() -> None:
    big = "x" * (1024 * 1024 - 1)
    rest = Y.MAX_EXPANDED_CHARS - 64 * len(big) - 2 - 1
    text = f"a: &s [{big}]\nb: [{', '.join(['*s'] * 63)}]\nc: {'y' * rest}\n"
    data, diags = load_yaml(text.encode(), "claims/x.yaml")
    assert diags == [] and isinstance(data, dict)
    assert Y._expanded_size(data, {})[1] == Y.MAX_EXPANDED_CHARS


def test_a_structure_too_deep_to_measure_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def deep(obj: object, memo: object) -> tuple[int, int]:
        raise RecursionError

    monkeypatch.setattr(Y, "_expanded_size", deep)
    data, diags = load_yaml(b"a: &a [1]\nb: *a\n", "claims/x.yaml")
    assert data is None and [(d.code, d.message) for d in diags] == [
        ("KG004", "anchors are re-used 1 times and expand past the size limit")]


def test_a_syntax_error_without_marks_or_words(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    monkeypatch.setattr(Y._Converter, "convert", _raising(yaml.MarkedYAMLError()))
    _, diags = load_yaml(b"a: 1\n", "claims/x.yaml")
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diags] == [
        (1, 1, "KG002", "YAML syntax: cannot parse", None)]
    monkeypatch.setattr(Y._Converter, "convert",
                        _raising(yaml.MarkedYAMLError("while scanning", None, None, None)))
    _, diags = load_yaml(b"a: 1\n", "claims/x.yaml")
    assert [(d.line, d.column, d.message) for d in diags] == [
        (1, 1, "YAML syntax: while scanning")]


def test_bad_utf8_on_a_later_line() -> None:
    assert Y.decode(b"a\nbb\ncc\xff", "claims/x.yaml")[1] == Diagnostic(
        "claims/x.yaml", 3, 3, "KG001", Severity.ERROR, "file is not valid UTF-8 (byte 0xff)",
        "save the file as UTF-8")


def test_a_key_without_a_value_mark_gives_its_own() -> None:
    d = Y.PosDict()
    d.start, d.keys_at["k"] = (1, 1), (2, 3)
    assert d.value_mark("k") == (2, 3) and d.value_mark("other") == (1, 1)


def test_the_implicit_resolvers_of_a_first_character() -> None:
    """What the fast path (kg.corpus.fastyaml) asks: the resolvers a plain scalar starting
    with that character is tried against, those for any character included."""
    tags = {c: {tag.rsplit(":", 1)[-1] for tag, _ in Y.implicit_resolvers(c)}
            for c in ("1", "~", "t", "x")}
    assert {"int", "float"} <= tags["1"] and "null" in tags["~"] and "bool" in tags["t"]
    assert "int" not in tags["x"] and "null" not in tags["1"]
    assert Y.implicit_resolvers("1") == Y._Composer._resolvers_for("1")


def test_the_resolver_table_is_made_once_per_character(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh table (the class keeps one, filled as characters are first seen): a
    character's own resolvers, then those for any character; the second ask is the same
    list object, from the table."""
    table = Y._Composer.yaml_implicit_resolvers
    monkeypatch.setattr(Y._Composer, "_table", {})
    for c in ("1", "\u2603"):
        want = list(table.get(c, [])) + list(table.get(None, []))
        first = Y.implicit_resolvers(c)
        assert first == want and Y.implicit_resolvers(c) is first
    assert set(Y._Composer._table) == {"1", "\u2603"}
