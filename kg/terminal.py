"""Terminal helpers for human output: colour only on a TTY and never under NO_COLOR, widths,
wrapping and aligned tables. Pure functions; nothing here prints."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

DEFAULT_WIDTH = 100
MIN_WIDTH = 40
#: The width when stdout is neither a terminal nor sized by COLUMNS: nothing is cut or
#: wrapped, so that piped output keeps every character.
UNLIMITED = 1_000_000

_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


def wants_colour(stream: IO[str] | None, environ: dict[str, str] | None = None) -> bool:
    """True when ``stream`` is a terminal, NO_COLOR is unset or empty (no-color.org) and
    TERM is not 'dumb'."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def terminal_width(stream: IO[str] | None, environ: dict[str, str] | None = None) -> int:
    """COLUMNS if set, the terminal's width on a TTY, else UNLIMITED (piped output is full
    width: tables are not cut and text is not wrapped)."""
    env = os.environ if environ is None else environ
    cols = env.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return max(MIN_WIDTH, int(cols))
    try:
        tty = bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        tty = False
    if tty:
        return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return UNLIMITED


_NBSP = "\u00a0"
#: Spaces never to break at: "p = 0.37", "p < 0.05", "95% CI 1.34–4.37".
_GLUE = re.compile(r"(?<=\bp) (?=[<>=≤≥])|(?<=[<>=≤≥]) (?=[-\d.])|(?<=% CI) |(?<=\d%) (?=CI)")


@dataclass(frozen=True, slots=True)
class Style:
    """How to render: with or without ANSI colour, and how wide."""

    colour: bool = False
    width: int = DEFAULT_WIDTH

    def paint(self, text: str, *styles: str) -> str:
        if not self.colour or not styles or not text:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def bold(self, text: str) -> str:
        return self.paint(text, "bold")

    def dim(self, text: str) -> str:
        return self.paint(text, "dim")

    def wrap(self, text: str, indent: int = 0, first: str | None = None) -> list[str]:
        """``text`` wrapped to the width, every line indented by ``indent`` spaces
        (the first line starts with ``first`` instead, when given)."""
        pad = " " * indent
        lead = pad if first is None else first
        width = max(MIN_WIDTH // 2, self.width)
        glued = _GLUE.sub(_NBSP, " ".join(text.split()))
        lines = textwrap.wrap(
            glued, width=width, initial_indent=lead, subsequent_indent=pad,
            break_on_hyphens=False, break_long_words=False,
        )
        return [line.replace(_NBSP, " ") for line in lines] or [lead.rstrip()]


STANCE_STYLE = {"supports": ("green",), "mixed": ("yellow",), "no-effect": ("magenta",),
                "contradicts": ("red",)}
STATUS_STYLE = {
    "supported": ("green",), "contested": ("yellow",), "not-supported": ("magenta",),
    "contradicted": ("red",), "no-evidence": ("dim",),
}


def truncate(text: str, width: int) -> str:
    text = " ".join(text.split())
    if width <= 1:
        return text[:max(width, 0)]
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def table(rows: Sequence[Sequence[str]], style: Style, header: Sequence[str] | None = None,
          indent: int = 0,
          painters: Sequence[Callable[[str], tuple[str, ...]] | None] | None = None) -> list[str]:
    """Rows as aligned columns separated by two spaces; the last column is truncated to fit.

    ``painters`` gives, per column, a function from a cell's text to the styles to paint it with.
    """
    all_rows = [list(header)] if header else []
    all_rows += [list(r) for r in rows]
    if not all_rows:
        return []
    ncols = max(len(r) for r in all_rows)
    for r in all_rows:
        r += [""] * (ncols - len(r))
    widths = [max(len(r[i]) for r in all_rows) for i in range(ncols - 1)]
    used = indent + sum(w + 2 for w in widths)
    last_room = max(style.width - used, 20)
    out = []
    for n, r in enumerate(all_rows):
        cells = []
        for i, cell in enumerate(r):
            text = truncate(cell, last_room) if i == ncols - 1 else cell.ljust(widths[i])
            is_header = header is not None and n == 0
            if is_header:
                text = style.bold(text) if text.strip() else text
            elif painters and i < len(painters) and cell:
                painter = painters[i]
                if painter is not None:  # paint the text, keep its padding unpainted
                    body = text.rstrip(" ")
                    text = style.paint(body, *painter(cell)) + text[len(body):]
            cells.append(text)
        out.append((" " * indent + "  ".join(cells)).rstrip())
    return out
