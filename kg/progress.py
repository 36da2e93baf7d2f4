"""Progress of long work, reported through a callback so the library never prints.

A ``Progress`` is called as ``progress(step, done, total)``: ``step`` names the work
("parsing files", "checking"), ``done`` counts the units finished so far out of
``total``. The command line draws it as a bar on a terminal (cli.py); elsewhere nobody
listens and nothing is drawn.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def silent(step: str, done: int, total: int) -> None:
    """The default: report nothing."""
