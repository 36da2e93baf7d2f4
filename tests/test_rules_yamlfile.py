"""Rules of the YAML loader kg/corpus/yamlfile.py that tests/test_yamlfile.py leaves loose: merge
keys, the alias limit, duplicate-key lines, sizes (issue 18: mutation score;
bench/mutation.py yamlfile). Tests only: the module itself belongs to the loader's
owners."""

from __future__ import annotations

from kg.corpus import yamlfile as Y
from kg.corpus.yamlfile import load_yaml
from kg.diagnostics import Severity


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
