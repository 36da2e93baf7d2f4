"""kg: the command line. Parses options, calls the kg library, prints, sets the exit code.

Heavy modules are imported inside the commands that need them, so `kg --help` and
`kg validate` start fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kg.errors import KgError

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The corpus folder (holding claims/ and references.bib). "
    "Default: the nearest such folder at or above the current one.",
)


class FatalError(click.ClickException):
    """A KgError reported as `kg: error: ...` with exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"kg: error: {self.format_message()}", err=True)


def _root(root: Path | None) -> Path:
    from kg.corpus import resolve_root

    try:
        return resolve_root(root)
    except KgError as exc:
        raise FatalError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """An evidence knowledge graph: claims, the studies behind them, and how strong each is.

    A corpus is a folder holding claims/ (YAML) and references.bib. Run any command from
    inside it, or point at it with --root DIR.
    """


@cli.command()
@ROOT_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "text", "json", "github", "sarif"]),
    default="auto",
    show_default=True,
    help="text: file:line:col lines; json; github: workflow annotations; sarif: for "
    "code-scanning dashboards. auto is github under GitHub Actions, else text.",
)
@click.option("--strict", is_flag=True, help="Count warnings as errors (exit 1 on any).")
def validate(root: Path | None, fmt: str, strict: bool) -> None:
    """Check the whole corpus: YAML, schema, references, identifiers, type rules.

    Prints one diagnostic per problem, with file, line, column and a stable code
    (see docs/diagnostics.md). Exit status: 0 clean, 1 errors (or warnings with
    --strict), 2 usage errors.
    """
    from kg import diagnostics as D
    from kg.validator import validate as run

    path = _root(root)
    _corpus, diags = run(path)
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if fmt == "json":
        click.echo(D.render_json(diags), nl=False)
    elif fmt == "github":
        click.echo(D.render_github(diags), nl=False)
    elif fmt == "sarif":
        from kg.codes import rules_for_sarif

        click.echo(D.render_sarif(diags, rules_for_sarif()), nl=False)
    else:
        click.echo(D.render_text(diags), nl=False)
        click.echo(("✖ " if diags else "✔ ") + D.summary_line(diags), err=True)
    sys.exit(D.exit_code(diags, strict=strict))


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Create a new, valid, empty corpus in DIRECTORY (created if missing)."""
    from kg.scaffold import init_corpus

    try:
        written = init_corpus(directory)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"next: cd {directory} && kg validate", err=True)


def main() -> None:
    try:
        cli(prog_name="kg")
    except Exception as exc:  # a bug: report it in one line, never a traceback
        click.echo(f"kg: internal error (please report): {type(exc).__name__}: {exc}", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
