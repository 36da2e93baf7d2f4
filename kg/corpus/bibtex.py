"""A small BibTeX reader that keeps the line and column of every entry and field.

It understands what reference managers write: ``@type{key, field = {...} | "..." | 123 |
macro # ...}``, ``@string``, ``@comment``, ``@preamble`` and text between entries. Problems
become KG301 / KG308 diagnostics; parsing carries on with the next entry.
"""

from __future__ import annotations

import re

from kg.corpus.model import Reference, Span
from kg.diagnostics import Diagnostic, Severity

MONTHS = {
    m: str(i + 1)
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}

_NAME = re.compile(r"[A-Za-z0-9_:.+/'\-]+")
#: Longest field value, after @string macros are expanded.
MAX_VALUE_CHARS = 1024 * 1024
#: Most characters macro expansion may produce in one file: at least this, or four times
#: the file's length (a chain of doubling macros would otherwise need gigabytes).
MIN_EXPANSION_BUDGET = 16 * 1024 * 1024
_WS = re.compile(r"\s+")


class _Error(Exception):
    def __init__(self, pos: int, message: str) -> None:
        self.pos = pos
        self.message = message


class _Reader:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.strings: dict[str, str] = dict(MONTHS)
        self.budget = max(MIN_EXPANSION_BUDGET, 4 * len(text))

    def span(self, pos: int) -> Span:
        import bisect

        i = bisect.bisect_right(self.line_starts, pos) - 1
        return Span(self.file, i + 1, pos - self.line_starts[i] + 1)

    def skip_ws(self) -> None:
        n = len(self.text)
        while self.pos < n:
            c = self.text[self.pos]
            if c.isspace():
                self.pos += 1
            elif c == "%":  # comment to end of line
                nl = self.text.find("\n", self.pos)
                self.pos = n if nl < 0 else nl + 1
            else:
                return

    def expect(self, chars: str) -> str:
        self.skip_ws()
        if self.pos >= len(self.text) or self.text[self.pos] not in chars:
            found = self.text[self.pos] if self.pos < len(self.text) else "end of file"
            raise _Error(self.pos, f"expected {' or '.join(repr(c) for c in chars)}, "
                                   f"found {found!r}")
        self.pos += 1
        return self.text[self.pos - 1]

    def name(self, what: str) -> str:
        self.skip_ws()
        m = _NAME.match(self.text, self.pos)
        if not m:
            found = self.text[self.pos] if self.pos < len(self.text) else "end of file"
            raise _Error(self.pos, f"expected {what}, found {found!r}")
        self.pos = m.end()
        return m.group(0)

    def braced(self) -> str:
        """Text inside balanced braces; self.pos is just after the opening brace."""
        start = self.pos - 1
        depth = 1
        i = self.pos
        text = self.text
        n = len(text)
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    self.pos = i + 1
                    return text[start + 1 : i]
            elif c == "@" and depth == 1 and text[i - 1] == "\n":
                break  # a new entry starts: the value was never closed
            i += 1
        raise _Error(start, "unbalanced braces in a field value")

    def quoted(self) -> str:
        start = self.pos - 1
        depth = 0
        i = self.pos
        text = self.text
        while i < len(text):
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == '"' and depth == 0:
                self.pos = i + 1
                return text[start + 1 : i]
            i += 1
        raise _Error(start, "unterminated quoted field value")

    def value(self) -> str:
        parts: list[str] = []
        size = 0
        start = self.pos
        while True:
            if parts:
                size += len(parts[-1])
                if size > MAX_VALUE_CHARS or size > self.budget:
                    raise _Error(start, "field value is too long once @string macros are "
                                 f"expanded (limit {MAX_VALUE_CHARS} characters)")
            self.skip_ws()
            if self.pos >= len(self.text):
                raise _Error(self.pos, "expected a field value, found end of file")
            c = self.text[self.pos]
            if c == "{":
                self.pos += 1
                parts.append(self.braced())
            elif c == '"':
                self.pos += 1
                parts.append(self.quoted())
            elif c.isdigit():
                m = re.compile(r"\d+").match(self.text, self.pos)
                assert m
                self.pos = m.end()
                parts.append(m.group(0))
            else:
                at = self.pos
                macro = self.name("a field value").lower()
                if macro not in self.strings:
                    raise _Error(at, f"undefined string macro '{macro}'")
                parts.append(self.strings[macro])
            self.skip_ws()
            if self.pos < len(self.text) and self.text[self.pos] == "#":
                self.pos += 1
                continue
            size += len(parts[-1])
            if size > MAX_VALUE_CHARS or size > self.budget:
                raise _Error(start, "field value is too long once @string macros are "
                             f"expanded (limit {MAX_VALUE_CHARS} characters)")
            self.budget -= size
            return "".join(parts)


def clean(value: str) -> str:
    """Field text as a reader sees it: protective braces dropped, spaces collapsed."""
    return _WS.sub(" ", value.replace("{", "").replace("}", "")).strip()


def parse_bibtex(
    text: str, file: str
) -> tuple[dict[str, Reference], list[Diagnostic], set[str]]:
    """(entries by key, diagnostics, keys of entries too broken to read)."""
    r = _Reader(text, file)
    refs: dict[str, Reference] = {}
    diags: list[Diagnostic] = []
    broken: set[str] = set()
    n = len(text)
    while True:
        at = text.find("@", r.pos)
        if at < 0:
            break
        r.pos = at + 1
        key = "?"
        try:
            etype = r.name("an entry type").lower()
            opener = r.expect("{(")
            closer = "}" if opener == "{" else ")"
            if etype == "comment":
                if opener == "{":
                    r.braced()
                continue
            if etype == "preamble":
                r.value()
                r.expect(closer)
                continue
            if etype == "string":
                macro = r.name("a macro name").lower()
                r.expect("=")
                r.strings[macro] = r.value()
                r.expect(closer)
                continue
            key = r.name("a citation key")
            fields: dict[str, str] = {}
            spans: dict[str, Span] = {}
            while True:
                c = r.expect("," + closer)
                if c == closer:
                    break
                r.skip_ws()
                if r.pos < n and r.text[r.pos] == closer:
                    r.pos += 1
                    break
                fpos = r.pos
                fname = r.name("a field name").lower()
                r.expect("=")
                r.skip_ws()
                vpos = r.pos
                raw = r.value()
                if fname in fields:
                    diags.append(Diagnostic(file, *_lc(r.span(fpos)), "KG301", Severity.ERROR,
                                            f"field '{fname}' repeated in entry '{key}'",
                                            "keep one of the two"))
                fields[fname] = clean(raw)
                spans[fname] = r.span(vpos)
            entry_span = r.span(at)
            stray = _stray_text(text, r.pos)
            if stray is not None:
                broken.add(key)
                s = r.span(stray)
                diags.append(Diagnostic(file, s.line, s.column, "KG301", Severity.ERROR,
                                        f"text after the end of entry '{key}' (an extra "
                                        "'}' closes it early?)",
                                        "check braces, quotes and the commas between fields"))
            if key in refs:
                first = refs[key].span
                diags.append(Diagnostic(file, entry_span.line, entry_span.column, "KG308",
                                        Severity.ERROR,
                                        f"duplicate key '{key}' (first at line {first.line})",
                                        "rename or delete one of them"))
                continue
            refs[key] = Reference(key, etype, fields, entry_span, spans)
        except _Error as exc:
            if key != "?":
                broken.add(key)
            where = f" in entry '{key}'" if key != "?" else ""
            runs_on = exc.pos < n and text[exc.pos] == "@" and text[exc.pos - 1] == "\n"
            if runs_on:  # the next entry began before this one closed
                s = r.span(at)
                message = f"entry '{key}' is not closed before the next entry starts"
                r.pos = exc.pos
            else:
                s = r.span(exc.pos)
                message = f"{exc.message}{where}"
                nxt = text.find("\n@", max(exc.pos, at + 1))
                r.pos = n if nxt < 0 else nxt + 1
            diags.append(Diagnostic(file, s.line, s.column, "KG301", Severity.ERROR, message,
                                    "check braces, quotes and the commas between fields"))
    return refs, diags, broken - refs.keys()


_NEXT_ENTRY = re.compile(r"^[ \t]*@", re.MULTILINE)


def _stray_text(text: str, pos: int) -> int | None:
    """Where field-like text (``=``, a brace, a quote) stands between an entry's end and the
    next entry; None when there is only whitespace, comments or prose."""
    m = _NEXT_ENTRY.search(text, pos)
    end = m.start() if m else len(text)
    i = pos
    while i < end:
        c = text[i]
        if c == "%":  # a comment, to the end of its line
            nl = text.find("\n", i)
            if nl < 0 or nl >= end:
                return None
            i = nl + 1
            continue
        if c in "={}\"":
            return i
        i += 1
    return None


def _lc(span: Span) -> tuple[int, int]:
    return span.line, span.column
