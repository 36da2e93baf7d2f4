"""The closed choices of the command line's options are the vocabularies (the CLI spells
them out so that it starts without importing kg.corpus.vocabulary)."""

from __future__ import annotations

import click

from cli import cli
from kg.corpus import vocabulary as V
from kg.evidence import STATUSES

EXPECTED = {"designs": V.DESIGNS, "design": V.DESIGNS, "certainties": V.CERTAINTIES,
            "roles": V.ROLES, "role": V.ROLES, "statuses": STATUSES}


def test_choices_are_the_vocabularies() -> None:
    seen = 0

    def walk(command: click.Command) -> None:
        nonlocal seen
        for param in command.params:
            if isinstance(param.type, click.Choice) and param.name in EXPECTED:
                assert tuple(param.type.choices) == tuple(EXPECTED[param.name]), (
                    f"{command.name} --{param.name}")
                seen += 1
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                walk(sub)

    walk(cli)
    assert seen >= 6
