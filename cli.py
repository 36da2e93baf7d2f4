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

#: kg.corpus.vocabulary.DESIGNS, spelt out so that `kg` starts without importing the vocabulary
#: (tests/test_cli_choices.py keeps the two equal)
DESIGNS = ("meta-analysis", "systematic-review", "rct", "prospective-cohort",
           "retrospective-cohort", "case-control", "cross-sectional", "narrative-review",
           "consensus-statement", "guideline", "animal", "in-vitro")

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The corpus folder (holding claims/ and references.bib). "
    "Default: the nearest such folder at or above the current one.",
)


def wants_json(argv: list[str]) -> bool:
    """True when the command line asks for JSON (``--json``, ``--format json``)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--json" or arg == "--format=json":
            return True
        if arg == "--format" and argv[i + 1:i + 2] == ["json"]:
            return True
    return False


def _error_kind(exc: click.ClickException) -> str:
    if isinstance(exc, AmbiguousInput):
        return "ambiguous"
    if isinstance(exc, NothingFound):
        return "not_found"
    if isinstance(exc, FatalError):
        return "fatal"
    return "usage"


def error_json(kind: str, message: str, exit_code: int) -> str:
    """The JSON every --json command prints on a failure (docs/cli.md, "Errors")."""
    import json

    return json.dumps({"error": {"kind": kind, "message": message, "exit_code": exit_code}},
                      indent=2, ensure_ascii=False)


class KgGroup(click.Group):
    """The kg command group: with --json (or --format json) on the command line, every
    failure (no match, ambiguous input, a usage error, no corpus) also prints a JSON error
    object on stdout, so a script always gets JSON, with the documented exit status."""

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        argv = [str(a) for a in (sys.argv[1:] if args is None else args)]
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, False, **extra)
        as_json = wants_json(argv)
        try:
            rv = super().main(argv, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            if as_json:
                click.echo(error_json(_error_kind(exc), exc.format_message(), exc.exit_code))
            exc.show()
            sys.exit(exc.exit_code)
        except KgError as exc:  # raised past a command's own handling (a damaged cache, say)
            if as_json:
                click.echo(error_json("fatal", str(exc), 2))
            click.echo(f"kg: error: {exc}", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


class FatalError(click.ClickException):
    """A KgError reported as `kg: error: ...` with exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"kg: error: {self.format_message()}", err=True)


class ProgressBar:
    """Draws kg.progress reports as a one-line bar on stderr, only on a terminal and only
    once a step has run for a second; the line is cleared when the step ends."""

    DELAY = 1.0

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.started: dict[str, float] = {}
        self.drawn = False
        self.last = float("-inf")

    def __call__(self, step: str, done: int, total: int) -> None:
        now = self.clock()
        start = self.started.setdefault(step, now)
        if done >= total:
            self.started.pop(step, None)
            if self.drawn:
                click.echo("\r\033[K", nl=False, err=True, color=True)
                self.drawn = False
            return
        if now - start < self.DELAY or now - self.last < 0.1:  # at most ten redraws a second
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        click.echo(f"\r{step} [{bar}] {done}/{total}", nl=False, err=True)
        self.drawn = True


def _progress() -> Any:
    """A progress bar when stderr is a terminal, else None (kg's default: silence)."""
    from kg.progress import silent

    err = sys.stderr
    return ProgressBar() if err is not None and err.isatty() else silent


def _given_root(root: Path | None) -> Path | None:
    """``--root`` after the command name, else ``--root`` before it (``kg --root DIR ...``)."""
    if root is not None:
        return root
    ctx = click.get_current_context(silent=True)
    given = ctx.find_root().params.get("root") if ctx is not None else None
    return given if isinstance(given, Path) else None


def _shown(path: Path) -> str:
    """``path`` for a message: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _root(root: Path | None) -> Path:
    from kg.root import resolve_root

    try:
        return resolve_root(_given_root(root))
    except KgError as exc:
        raise FatalError(str(exc)) from None


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
@ROOT_OPTION
def cli(root: Path | None) -> None:
    """An evidence knowledge graph: claims, the studies behind them, and how strong each is.

    A corpus is a folder holding claims/ (YAML) and references.bib. Run any command from
    inside it, or point at it with --root DIR (before or after the command's name).
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
@click.option("--no-cache", is_flag=True,
              help="Parse every file afresh and write nothing under build/cache/.")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the report to FILE (atomically) instead of stdout; "
              "the summary still goes to stderr and the exit status is the same.")
def validate(root: Path | None, fmt: str, strict: bool, no_cache: bool,
             output: Path | None) -> None:
    """Check the whole corpus: YAML, schema, references, identifiers, type rules,
    and the consistency of linked claims.

    Prints one diagnostic per problem, with file, line, column and a stable code
    (`kg explain CODE`; docs/diagnostics.md). Codes the corpus accepts are listed, each
    with its reason, under `ignore` in its kg.toml (or [tool.kg] in pyproject.toml).
    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage errors. Each
    file's parse is cached under build/cache/ by its content, so only changed files are
    parsed again.
    """
    from kg import diagnostics as D
    from kg.checks.validator import run_validation

    path = _root(root)
    try:
        result = run_validation(path, use_cache=not no_cache, progress=_progress())
    except KgError as exc:
        raise FatalError(str(exc)) from None
    diags = result.diagnostics
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if fmt == "json":
        text = D.render_json(diags)
    elif fmt == "github":
        text = D.render_github(diags)
    elif fmt == "sarif":
        from kg.checks.codes import DOCS_URL, sarif_rules

        text = D.render_sarif(diags, sarif_rules(), _version(), DOCS_URL)
    else:
        text = D.render_text(diags)
    if output is None:
        click.echo(text, nl=False)
    else:
        from kg.questions.audit import write_atomic

        try:
            write_atomic(output, text, path)  # never over a corpus input (kg.output)
        except KgError as exc:
            raise FatalError(str(exc)) from None
    code = D.exit_code(diags, strict=strict)
    if fmt == "text" or output is not None:
        summary = D.summary_line(diags)
        if result.ignored:
            n = len(result.ignored)
            summary += f" ({n} ignored by {result.settings})"
        click.echo(("✖ " if code else "✔ ") + summary, err=True)
    sys.exit(code)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kg")
    except PackageNotFoundError:
        return "0.0.0"


@cli.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {code, slug, severity, "
              "summary, example, fix, url}.")
def explain(code: str, as_json: bool) -> None:
    """What a diagnostic code means, an example, and how to fix it.

    CODE is a code such as KG101 (any case). Exit status: 0 explained, 1 no such code.
    """
    from kg.checks.codes import CODES, explain_data
    from kg.checks.codes import explain as explain_code
    from kg.corpus.schema import did_you_mean

    key = code.strip().upper()
    if key not in CODES:
        hint = did_you_mean(key, CODES)
        raise NothingFound(f"no diagnostic code '{code}'" + (f"; {hint}" if hint else "")
                           + " (all codes: docs/diagnostics.md)")
    if as_json:
        import json

        click.echo(json.dumps(explain_data(key), indent=2, ensure_ascii=False))
    else:
        click.echo(explain_code(key), nl=False)


def _interactive() -> bool:
    """Whether a person can answer a prompt (standard input is a terminal)."""
    return sys.stdin.isatty()


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--base", metavar="IRI", default=None,
              help="The corpus's persistent base IRI (e.g. https://w3id.org/my-corpus/); "
              "asked for when interactive. example.org and the like are refused.")
@click.option("--kg-requirement", metavar="SPEC", default=None,
              help="How the CI workflow installs kg with pip (default: kg==<this version>).")
def init(directory: Path, base: str | None, kg_requirement: str | None) -> None:
    """Create a new, valid, empty corpus in DIRECTORY (created if missing), and wire it into
    a repository: .gitignore, kg.toml (settings), .pre-commit-config.yaml (kg validate
    before each commit) and .github/workflows/kg.yml (annotations on pull requests, a SARIF
    report for code scanning, the audit as the job summary). Existing repository files
    are kept; existing corpus files make it refuse.
    """
    from kg.repo.scaffold import init_corpus

    if base is None:
        if not _interactive():
            raise click.UsageError("give the corpus's base IRI with --base IRI (a persistent "
                                   "one, e.g. https://w3id.org/my-corpus/; docs/rdf.md)")
        base = click.prompt("Base IRI of the new corpus (persistent, e.g. "
                            "https://w3id.org/my-corpus/)", err=True).strip()
    try:
        written, kept = init_corpus(directory, base, kg_requirement or f"kg=={_version()}")
    except KgError as exc:
        raise FatalError(str(exc)) from None
    for path in written:
        click.echo(f"created {path}")
    for path in kept:
        click.echo(f"kept {path} (already there)")
    click.echo(f"next: cd {directory} && kg validate", err=True)


@cli.command()
@click.argument("kind", required=False,
                type=click.Choice(["entities", "studies", "article", "claims"]))
@click.option("-o", "--output", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write every schema into DIR as KIND.schema.json.")
def schema(kind: str | None, output: Path | None) -> None:
    """JSON Schemas of the corpus files, for editors and standard validators.

    KIND is entities, studies, article or claims (any other YAML file under claims/).
    Without KIND, prints {"entities": schema, ...}. The schemas are generated from the
    tables kg validate reads with; they check fields, types and vocabularies, and kg
    validate checks the rest (references, CURIE prefixes, consistency).
    """
    import json

    from kg.corpus import jsonschemas as J

    if output is not None:
        from kg.questions.audit import write_atomic

        try:
            output.mkdir(parents=True, exist_ok=True)
            for name, text in J.all_schemas().items():
                write_atomic(output / name, text)
        except (KgError, OSError) as exc:
            raise FatalError(str(exc)) from None
        click.echo(f"wrote {len(J.KINDS)} schemas to {_shown(output)}", err=True)
        return
    if kind is not None:
        click.echo(J.render(kind), nl=False)
        return
    data = {k: J.schema_for(k) for k in J.KINDS}
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command()
@ROOT_OPTION
@click.argument("revs", metavar="[REV [REV]]", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True,
              help="text for the terminal; markdown for a pull request comment; json.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences.")
def diff(root: Path | None, revs: tuple[str, ...], fmt: str, as_json: bool,
         exit_code: bool) -> None:
    """What changed in the corpus, claim by claim, between git revisions.

    No REV: HEAD against the working tree; one REV: REV against the working tree; two:
    the first against the second. Lists claims added, removed and changed (statement,
    subject, predicate, object, certainty, ... and the file, so moved claims show as
    moved), evidence lines added and removed, computed values that moved (status,
    level, ...), and the diagnostics introduced and fixed.
    """
    from kg.repo import diff as X

    if len(revs) > 2:
        raise click.UsageError("give at most two revisions")
    path = _root(root)
    old = revs[0] if revs else None
    new = revs[1] if len(revs) == 2 else None
    try:
        result = X.diff(path, old, new)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    fmt = "json" if as_json else fmt
    render = {"text": X.render_text, "markdown": X.render_markdown, "json": X.render_json}
    click.echo(render[fmt](result), nl=False)
    if exit_code and not result.empty:
        sys.exit(1)


@cli.group()
def add() -> None:
    """Add a study (looked up by DOI or PMID) or an entity to the corpus."""


@add.command("study")
@ROOT_OPTION
@click.option("--doi", metavar="DOI", help="Look the work up at Crossref.")
@click.option("--pmid", metavar="PMID", help="Look the work up at PubMed (E-utilities).")
@click.option("--design", type=click.Choice(DESIGNS), default=None,
              help="The study design, if known (else the stub says TODO).")
def add_study(root: Path | None, doi: str | None, pmid: str | None,
              design: str | None) -> None:
    """Look a work up by DOI or PMID and add it: a BibTeX entry in references.bib and a
    stub record in claims/studies.yaml whose design, population and findings say TODO
    until you fill them in (kg validate points at them). Needs the network; offline, it
    says so and changes nothing (exit 2).
    """
    from kg.repo import curation as C

    if bool(doi) == bool(pmid):
        raise click.UsageError("give exactly one of --doi and --pmid")
    path = _root(root)
    try:
        work = C.fetch_work(doi=doi, pmid=pmid)
        added = C.add_study(path, work, design)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    first = work.authors[0][0] if work.authors else "?"
    click.echo(f"added {added.key}: {first} {work.year or ''}, {work.title}")
    click.echo(f"  {_shown(path / 'references.bib')}:{added.bib_line}: the BibTeX entry "
               f"(from {work.source})")
    click.echo(f"  {_shown(path / 'claims' / 'studies.yaml')}:{added.study_line}: fill in "
               "the design, population and findings")


@add.command("entity")
@ROOT_OPTION
@click.argument("ident", metavar="ID")
@click.option("--label", required=True, help="The preferred human name.")
@click.option("--role", required=True,
              type=click.Choice(["intervention", "exposure", "mechanism", "outcome"]))
@click.option("--kind", "kind", required=True, metavar="KIND",
              help="behaviour, cell, chemical, disease, drug, enzyme, gene, hormone, "
              "measurement, nutrient, pathway, process, protein or tissue.")
@click.option("--xref", "xrefs", multiple=True, metavar="CURIE",
              help="The same concept in an ontology, e.g. CHEBI:50114 (repeatable).")
@click.option("--synonym", "synonyms", multiple=True, help="Another name (repeatable).")
@click.option("--description", default=None, help="One or two sentences, if ambiguous.")
def add_entity(root: Path | None, ident: str, label: str, role: str, kind: str,
               xrefs: tuple[str, ...], synonyms: tuple[str, ...],
               description: str | None) -> None:
    """Append an entity to claims/entities.yaml. Xrefs are checked against the offline
    Bioregistry snapshot: an unknown prefix gets suggestions (close spellings, or the
    prefixes usual for KIND); without --xref, the usual prefixes for KIND are listed.
    """
    from kg.repo import curation as C

    path = _root(root)
    try:
        line = C.add_entity(path, ident, label, role, kind, list(xrefs), list(synonyms),
                            description)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    click.echo(f"added {ident}: {_shown(path / 'claims' / 'entities.yaml')}:{line}")
    if not xrefs:
        tips = C.prefix_suggestions(kind)
        if tips:
            click.echo(f"  no xrefs: for a {kind}, try {', '.join(tips)} "
                       "(kg validate checks them offline)", err=True)


# -- questions: studies, claims, show, paths, sparql, stats (issue 5; docs/cli.md) -----------

JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON for scripts (shapes in docs/cli.md)."
)


class NothingFound(click.ClickException):
    """The question has no answer in this corpus: `kg: ...`, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"kg: {self.format_message()}", err=True)


def _nothing(message: str) -> None:
    """Exit 1 with ``kg: message`` on stderr, after the answer (JSON included) was printed."""
    click.echo(f"kg: {message}", err=True)
    click.get_current_context().exit(1)


class AmbiguousInput(NothingFound):
    """The text names several things; the user must say which: exit status 2."""

    exit_code = 2


def _questions_at(root: Path | None, endpoint: str | None = None,
                graph: str | None = None) -> tuple[Path, Any]:
    """The corpus root and its questions (kg.store.questions: the graph store and words
    index, built when stale; or, with ``endpoint``, the store ``kg push`` wrote to); a
    one-line warning on stderr when the corpus has errors."""
    from kg.root import resolve_root
    from kg.store.questions import open_questions, remote_questions

    if endpoint is not None:
        base = _endpoint_base(root)
        remote = _endpoint(endpoint, graph, base, 30.0)
        try:
            return Path.cwd(), remote_questions(remote, base, Path.cwd())
        except KgError as exc:
            raise FatalError(str(exc)) from None
    if graph is not None:
        raise click.UsageError("--graph needs --endpoint")
    try:
        path = resolve_root(_given_root(root))
        ix = open_questions(path)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    errors = ix.errors
    if errors:
        click.echo(
            f"kg: warning: the corpus has {errors} error{'s' if errors != 1 else ''}; "
            "answers may be incomplete (run `kg validate`)",
            err=True,
        )
    return path, ix


def _questions(root: Path | None, endpoint: str | None = None, graph: str | None = None) -> Any:
    return _questions_at(root, endpoint, graph)[1]


def _q_style() -> Any:
    from kg.terminal import Style, terminal_width, wants_colour

    return Style(colour=wants_colour(sys.stdout), width=terminal_width(sys.stdout))


def _q_lookup_error(exc: Exception) -> click.ClickException:
    from kg.questions.lookup import Ambiguous

    message = getattr(exc, "message", str(exc))
    return AmbiguousInput(message) if isinstance(exc, Ambiguous) else NothingFound(message)


def _q_emit(data: Any, as_json: bool, render: Any) -> None:
    if as_json:
        import json

        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(render(data, _q_style()), nl=False)


ENDPOINT_OPTION = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Ask a SPARQL 1.1 endpoint instead of the local graph: its query URL, or a bare "
    "Oxigraph server URL (http://host:7878). Credentials only from the environment: "
    "KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or KG_ENDPOINT_TOKEN (docs/scale.md).")
GRAPH_OPTION = click.option(
    "--graph", metavar="IRI", default=None,
    help="The named graph on the endpoint (what `kg push` replaced). Default: <base>graph, "
    "e.g. https://example.org/kg-bone-ai/graph; 'default' for the store's default graph.")


@cli.command()
@ROOT_OPTION
@click.argument("claim", nargs=-1)
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50),
              help="How many matching claims to list when CLAIM is words.")
@click.option("--design", "designs", multiple=True, metavar="DESIGN",
              type=click.Choice(DESIGNS),
              help="Without CLAIM: only studies of this design (repeatable).")
@click.option("--cited/--uncited", "cited", default=None,
              help="Without CLAIM: only studies the article cites (in its references or "
              "for a claim), or only those it does not.")
@click.option("--words", metavar="TEXT", default=None,
              help="Without CLAIM: only studies whose key, title, population and findings "
              "hold every word of TEXT.")
@JSON_OPTION
@ENDPOINT_OPTION
@GRAPH_OPTION
def studies(root: Path | None, claim: tuple[str, ...], limit: int, designs: tuple[str, ...],
            cited: bool | None, words: str | None, as_json: bool, endpoint: str | None,
            graph: str | None) -> None:
    """Which studies support a claim, and which do not; or, without CLAIM, the studies.

    CLAIM is a claim id or a few words ("magnesium hip bone density"). Words pick the
    best-matching claim and list the runners-up; pass an id to pick another. Shows the
    evidence grouped by stance, with each study's design, population, size, numbers and
    locator, then the claim's evidence status, its rating (high, moderate, low, very-low,
    none) with the reasons for it, the article's citation state, and the claim's notes
    (docs/evidence.md). Without CLAIM, lists the studies (filtered by --design,
    --cited/--uncited, --words). Exit status: 0 answered, 1 no claim (or no study) matches.
    """
    if not claim:
        _study_list(_questions(root, endpoint, graph), designs, cited, words, as_json)
        return
    if designs or cited is not None or words:
        raise click.UsageError("--design, --cited/--uncited and --words list studies; "
                               "give them without CLAIM")
    from kg.questions import views
    from kg.questions.lookup import find_claim_id, suggest

    ix = _questions(root, endpoint, graph)
    query = " ".join(claim).strip()
    found = find_claim_id(ix, query)
    hits = []
    if found is None:
        hits = ix.words.search(query, limit=limit)
        if not hits:
            msg = f"no claim matches '{query}'"
            missing = ix.words.unmatched(query)
            if missing:
                msg += f" (no claim mentions {', '.join(repr(w) for w in missing)})"
            ids = suggest(query, {c: c for c in ix.words.claim_ids()})
            if ids:
                msg += f"; did you mean {' or '.join(repr(i) for i in ids)}?"
            raise NothingFound(msg + "; list claims with `kg claims`")
        found = hits[0].claim
    corpus = ix.corpus_for(claims=[found, *(h.claim for h in hits)])
    _q_emit(views.studies_data(corpus, query, corpus.claims[found], hits), as_json,
            views.render_studies)


def _study_list(ix: Any, designs: tuple[str, ...], cited: bool | None,
                words: str | None, as_json: bool) -> None:
    from kg.questions import views
    from kg.questions.filters import filter_studies

    listing = ix.study_listing()
    corpus = ix.corpus_for(studies=[row[0] for row in listing])
    rows = filter_studies(corpus, listing, designs=designs, cited=cited, words=words)
    filters = {"design": list(designs), "cited": cited, "words": words}
    _q_emit(views.study_list_data(corpus, rows, filters), as_json, views.render_study_list)
    if not rows:
        _nothing("no studies match these filters")


@cli.command()
@ROOT_OPTION
@click.option("--about", "about", metavar="ENTITY",
              help="Only claims about ENTITY (id, label, synonym or CURIE).")
@click.option("--as", "position", type=click.Choice(["subject", "object", "both"]),
              default="both", show_default=True,
              help="Where --about ENTITY and --role must sit in the claim.")
@click.option("--study", metavar="KEY",
              help="Only claims the study KEY bears on (an evidence line or article_cites).")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["supported", "contested", "not-supported", "contradicted",
                                 "no-evidence"]),
              help="Only claims with this evidence status (repeatable; docs/evidence.md).")
@click.option("--rating", "ratings", multiple=True,
              type=click.Choice(["high", "moderate", "low", "very-low", "none"]),
              help="Only claims whose evidence is rated so (repeatable; docs/evidence.md).")
@click.option("--certainty", "certainties", multiple=True,
              type=click.Choice(["asserted", "suggested", "hypothesized"]),
              help="Only claims the article states this way (repeatable).")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["intervention", "exposure", "mechanism", "outcome"]),
              help="Only claims whose subject or object (see --as) has this role (repeatable).")
@JSON_OPTION
@ENDPOINT_OPTION
@GRAPH_OPTION
def claims(root: Path | None, about: str | None, position: str, study: str | None,
           statuses: tuple[str, ...], ratings: tuple[str, ...], certainties: tuple[str, ...],
           roles: tuple[str, ...], as_json: bool, endpoint: str | None,
           graph: str | None) -> None:
    """List claims, one a line, filtered by entity, study, status, rating, certainty or role.

    Filters combine with AND; repeated --status, --rating, --certainty or --role values
    with OR.
    Exit status: 0 with claims listed, 1 when none match (or ENTITY/KEY is unknown),
    2 when ENTITY is ambiguous.
    """
    from kg.questions import views
    from kg.questions.filters import filter_claims
    from kg.questions.lookup import LookupFailed, find_entity, find_study

    if about is not None and not about.strip():
        raise click.BadParameter("needs an entity (id, label, synonym or CURIE)",
                                 param_hint="--about")
    if study is not None and not study.strip():
        raise click.BadParameter("needs a study key", param_hint="--study")
    ix = _questions(root, endpoint, graph)
    try:
        entity = find_entity(ix, about).entity if about is not None else None
        study_key = find_study(ix, study).key if study is not None else None
    except LookupFailed as exc:
        raise _q_lookup_error(exc) from None
    found = filter_claims(ix, about=entity.id if entity else None, position=position,
                           study=study_key, statuses=statuses, certainties=certainties,
                           roles=roles, ratings=ratings)
    filters = {"about": entity.id if entity else None, "as": position, "study": study_key,
               "status": list(statuses), "rating": list(ratings),
               "certainty": list(certainties), "role": list(roles)}
    _q_emit(views.claims_payload(found, filters), as_json, views.render_claims)
    if not found:
        _nothing("no claims match these filters")


DIAGRAM_FORMATS = ("text", "json", "mermaid", "dot", "svg")


FORMAT_DIAGRAM_OPTION = click.option(
    "--format", "fmt", type=click.Choice(DIAGRAM_FORMATS), default=None,
    help="text (default), json, or a diagram: mermaid, dot, svg (drawn offline by "
    "graphviz-pure).")


OUTPUT_OPTION = click.option(
    "-o", "--output", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
    default=None, help="Write the answer to FILE instead of stdout.")


def _emit_diagram(diagram: Any, fmt: str, output: Path | None) -> None:
    from kg.questions.diagram import render

    try:
        text = render(diagram, fmt)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@cli.command()
@ROOT_OPTION
@click.argument("ident", metavar="ID", nargs=-1, required=True)
@FORMAT_DIAGRAM_OPTION
@OUTPUT_OPTION
@JSON_OPTION
@ENDPOINT_OPTION
@GRAPH_OPTION
def show(root: Path | None, ident: tuple[str, ...], fmt: str | None, output: Path | None,
         as_json: bool, endpoint: str | None, graph: str | None) -> None:
    """Everything about one entity, claim or study.

    ID is a claim id, a study's reference key, or an entity's id, label, synonym or CURIE.
    An entity card lists its xrefs, synonyms and every claim in and out; a claim card
    everything about the claim; a study card the bibliographic record, design, findings,
    citation issues, errata and every claim it bears on, with what stance.
    --format mermaid|dot|svg draws instead: an entity's claims in and out, a claim in the
    chains it sits in, the claims a study bears on.
    Exit status: 0 found, 1 nothing matches, 2 ambiguous.
    """
    from kg.questions import views
    from kg.questions.lookup import LookupFailed, find_any

    fmt = "json" if as_json else (fmt or "text")
    ix = _questions(root, endpoint, graph)
    try:
        found = find_any(ix, " ".join(ident))
    except LookupFailed as exc:
        raise _q_lookup_error(exc) from None
    if fmt in ("mermaid", "dot", "svg"):
        from kg.questions import diagram as D

        if found.entity is not None:
            eid = found.entity.id
            ids = [s["id"] for s in ix.summaries(subjects=[eid])]
            ids += [s["id"] for s in ix.summaries(objects=[eid])]
            order = ix.words.claim_order(ids)
            corpus = ix.corpus_for(claims=sorted(set(ids), key=order.__getitem__),
                                   entities=[eid])
            _emit_diagram(D.entity_diagram(corpus, eid), fmt, output)
        elif found.study is not None:
            key = found.study.key
            corpus = ix.corpus_for(claims=[b["id"] for b in ix.bearings(key)])
            _emit_diagram(D.study_diagram(corpus, key), fmt, output)
        else:
            assert found.claim is not None
            from kg.questions.paths import neighbourhood

            c = found.claim
            adj, back = neighbourhood(ix, c.subject, c.object)
            near = [ln.claim for t in adj.values() for lns in t.values() for ln in lns]
            corpus = ix.corpus_for(claims=[c.id, *near],
                                   entities=[*adj, *back, c.subject, c.object])
            diagram = D.claim_diagram(corpus, c.id, adj, back)
            if diagram is None:
                raise NothingFound(f"claim '{found.claim.id}' is not a link between two "
                                   "entities (superseded, or not an effect)")
            _emit_diagram(diagram, fmt, output)
        return
    if found.entity is not None:
        eid = found.entity.id
        data = views.entity_data(ix.corpus_for(entities=[eid]), found.entity,
                                 ix.summaries(subjects=[eid]), ix.summaries(objects=[eid]))
    elif found.study is not None:
        key = found.study.key
        data = views.study_data(ix.corpus_for(studies=[key]), found.study, ix.bearings(key))
    else:
        assert found.claim is not None
        corpus = ix.corpus_for(claims=[found.claim.id])
        data = views.show_claim_data(corpus, found.claim)
    _q_emit(data, fmt == "json", views.render_show)


@cli.command()
@ROOT_OPTION
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--max-hops", default=10, show_default=True, type=click.IntRange(1, 12),
              help="The longest chain to look for, in hops.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many chains to show (diagrams merge the chains shown).")
@click.option("--via", metavar="ENTITY", default=None,
              help="Only chains that pass through ENTITY.")
@click.option("--all", "include_all", is_flag=True,
              help="Follow every claim, not only signed causal ones (increases, decreases, "
              "required-for, cofactor-for): associational, structural and no-effect too.")
@FORMAT_DIAGRAM_OPTION
@OUTPUT_OPTION
@JSON_OPTION
@ENDPOINT_OPTION
@GRAPH_OPTION
def paths(root: Path | None, source: str, target: str, max_hops: int, limit: int,
          via: str | None, include_all: bool, fmt: str | None, output: Path | None,
          as_json: bool, endpoint: str | None, graph: str | None) -> None:
    """Chains of claims from one entity to another, strongest weakest link first.

    FROM and TO are entities (id, label, synonym or CURIE; quote labels with spaces).
    Parallel claims between the same two entities are one hop; each chain of entities is
    shown once, with its net sign (the product of its hops' signs) and its weakest link.
    Chains are ranked by the evidence of their weakest link, then by length. --format
    mermaid|dot|svg draws every chain shown as one merged diagram. Only effect claims
    are followed; links the curator added are marked.
    Exit status: 0 chains found, 1 none (or an unknown entity), 2 ambiguous entity.
    """
    from kg.questions import views
    from kg.questions.lookup import LookupFailed, find_entity
    from kg.questions.paths import chain_data, find_chains, origin_of

    fmt = "json" if as_json else (fmt or "text")
    ix = _questions(root, endpoint, graph)
    try:
        a = find_entity(ix, source).entity
        b = find_entity(ix, target).entity
        through = find_entity(ix, via).entity if via else None
    except LookupFailed as exc:
        raise _q_lookup_error(exc) from None
    chains, truncated = find_chains(ix, a.id, b.id, max_hops=max_hops,
                                            include_all=include_all,
                                            via=through.id if through else None)
    shown = chains[:limit]
    corpus = ix.corpus_for(
        claims=[ln.claim for ch in shown for ln in ch.links],
        entities=[a.id, b.id, *(e for ch in shown for e in ch.entities)])
    if not chains:
        if fmt in ("text", "json"):
            data = views.paths_data(corpus, a, b, [], max_hops=max_hops,
                                    include_all=include_all, limit=limit, total=0,
                                    truncated=False, via=through)
            _q_emit(data, fmt == "json", views.render_paths)
        _nothing(f"no chain of claims from '{a.id}' to '{b.id}'"
                 + (f" through '{through.id}'" if through else ""))
        return
    if fmt in ("mermaid", "dot", "svg"):
        from kg.questions.diagram import from_chains

        labels = {e.id: (e.label, e.role) for e in corpus.entities.values()}
        through_text = f" through {through.label}" if through else ""
        title = f"{a.label} to {b.label}{through_text}: {len(shown)} of {len(chains)} chains"
        diagram = from_chains(title, shown, labels,
                              lambda cid: origin_of(corpus.claims[cid]) == "curator",
                              focus=[a.id, b.id])
        _emit_diagram(diagram, fmt, output)
        return
    data = views.paths_data(
        corpus, a, b, [chain_data(corpus, ch) for ch in shown], max_hops=max_hops,
        include_all=include_all, limit=limit, total=len(chains), truncated=truncated,
        via=through)
    if output is not None:
        import json

        text = (json.dumps(data, indent=2, ensure_ascii=False) + "\n" if fmt == "json"
                else views.render_paths(data, _q_style()))
        output.write_text(text, encoding="utf-8")
    else:
        _q_emit(data, fmt == "json", views.render_paths)


@cli.command()
@ROOT_OPTION
@JSON_OPTION
@ENDPOINT_OPTION
@GRAPH_OPTION
def stats(root: Path | None, as_json: bool, endpoint: str | None, graph: str | None) -> None:
    """Counts: entities by role, claims by status and certainty, evidence by stance and
    design, studies."""
    from kg.questions import views
    from kg.questions.stats import graph_stats

    q = _questions(root, endpoint, graph)
    _q_emit(graph_stats(q.store, q.base, q.stats_rows), as_json, views.render_stats)


def _endpoint_base(root: Path | None, base: str | None = None) -> str:
    """The base IRI for a question to an endpoint: --base, else the corpus's (found, or
    named with --root): the endpoint holds that corpus's graph, whose IRIs the queries
    name."""
    from kg.config import resolve_base
    from kg.root import resolve_root

    if base is not None:
        return base
    try:
        return resolve_base(resolve_root(_given_root(root)), base)
    except KgError as exc:
        raise FatalError(f"{exc}; the endpoint's graph is named by its corpus's base IRI: "
                         "run in the corpus folder or give --root") from None


def _endpoint(url: str, graph: str | None, base: str, timeout: float, **where: Any) -> Any:
    """The kg.store.endpoint.Endpoint at ``url`` asking ``graph`` (see GRAPH_OPTION)."""
    from kg.store.endpoint import Endpoint
    from kg.store.push import graph_iri

    try:
        return Endpoint(url, graph=graph_iri(graph, base), timeout=timeout, **where)
    except KgError as exc:
        raise FatalError(str(exc)) from None


@cli.command()
@ROOT_OPTION
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "turtle"]),
              default="table", show_default=True,
              help="json, csv and tsv follow the SPARQL 1.1 results formats; turtle is for "
              "CONSTRUCT and DESCRIBE.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
              help="Stop the query after this many seconds.")
@click.option("--max-rows", type=click.IntRange(1), default=100_000, show_default=True,
              help="Refuse results with more rows (or triples) than this.")
@ENDPOINT_OPTION
@GRAPH_OPTION
def sparql(root: Path | None, query: str, fmt: str, as_json: bool, timeout: float,
           max_rows: int, endpoint: str | None, graph: str | None) -> None:
    """Run a read-only SPARQL query over the compiled graph.

    QUERY is the query text, or @FILE to read it from a file (see queries/). SELECT, ASK,
    CONSTRUCT and DESCRIBE run; updates are refused. The graph's prefixes (kgv:, claim:,
    entity:, study:, cito:, dcterms:, ...) need no PREFIX lines.
    Queries run with a time limit (--timeout), a memory limit and a result-size limit
    (--max-rows); SERVICE (federated queries) is refused.
    With --endpoint the query goes to that SPARQL endpoint instead (the same refusals,
    prefixes and output; --graph names the graph to ask, see `kg push`).
    Exit status: 0 with results (ASK true), 1 no results (ASK false), 2 a bad or refused
    query, one that ran past a limit, or an endpoint that cannot be reached or refuses.
    """
    from kg.graph.namespaces import prefixes
    from kg.store import sparql as Q

    try:
        text = Q.read_query(query)
        Q.check_query(text)  # refuse updates before loading anything
    except KgError as exc:
        raise FatalError(str(exc)) from None
    except Q.QueryError as exc:
        raise FatalError(exc.message) from None
    if endpoint is not None:
        from kg.store.query import rebase

        base = _endpoint_base(root)
        remote = _endpoint(endpoint, graph, base, timeout)
        pfx = prefixes(base)
        text = rebase(text, base)
        try:
            result = Q.run_remote(remote, text, base, pfx, Q.Limits(seconds=timeout,
                                                                    rows=max_rows))
            out = Q.render(result, "json" if as_json else fmt, _q_style(), pfx)
        except KgError as exc:
            raise FatalError(str(exc)) from None
        except Q.QueryError as exc:
            raise FatalError(exc.message) from None
        click.echo(out, nl=False)
        if result.empty:
            sys.exit(1)
        return
    if graph is not None:
        raise click.UsageError("--graph needs --endpoint")
    _path, ix = _questions_at(root)
    try:
        from kg.store.query import rebase

        base = ix.base
        store = ix.store.store
        if ix.key is not None and Q.names_graphs(text):
            from kg.store.local import dataset_store

            store = dataset_store(_path, ix.key, base).store  # with the nanopublications
        pfx = prefixes(base)
        text = rebase(text, base)
        out, empty = Q.run_limited(store, text, base, pfx, "json" if as_json else fmt,
                                   _q_style(), Q.Limits(seconds=timeout, rows=max_rows))
    except KgError as exc:
        raise FatalError(str(exc)) from None
    except Q.QueryError as exc:
        raise FatalError(exc.message) from None
    click.echo(out, nl=False)
    if empty:
        sys.exit(1)


FOLLOW_OPTION = click.option(
    "--follow-symlinks", is_flag=True,
    help="When -o names a symbolic link, write to the file it points to (by default a "
    "link is refused, as are devices, FIFOs, read-only files and corpus inputs).")


def _check_output(path: Path, root: Path, follow: bool) -> None:
    """Refuse an -o target before any work is done (kg.output.check_output)."""
    from kg.output import check_output

    try:
        check_output(path, root, follow_symlinks=follow)
    except KgError as exc:
        raise FatalError(str(exc)) from None


BASE_OPTION = click.option(
    "--base",
    metavar="IRI",
    default=None,
    help="Base IRI for minted IRIs. Default: base in the corpus's kg.toml (or [tool.kg] in "
    "its pyproject.toml), else https://base-not-set.invalid/ with a warning.",
)


def _built_graph(root: Path | None, base: str | None) -> Any:
    """Validate (the graph compiles on first use, with compiled parts cached under
    build/cache/compiled/); on corpus errors print them like `kg validate` and exit 1."""
    from kg import diagnostics as D
    from kg.graph.compiler import build as run_build

    path = _root(root)
    try:
        result = run_build(path, base, cache=True, progress=_progress())
    except KgError as exc:
        raise FatalError(str(exc)) from None
    if not result.ok:
        click.echo(D.render_text(result.diagnostics), nl=False)
        click.echo("✖ " + D.summary_line(result.diagnostics) + "; nothing written", err=True)
        sys.exit(1)
    # publishing (issue 11): a corpus without a base IRI builds under one nothing resolves
    from kg.config import base_warning

    note = base_warning(path, base)
    if note:
        click.echo(f"kg: warning: {note}", err=True)
    return path, result


def _still_unchanged(result: Any) -> None:
    """Stop (nothing written) when an input changed while it was being compiled."""
    from kg.corpus.load import check_unchanged

    try:
        check_unchanged(result.corpus)
    except KgError as exc:
        raise FatalError(str(exc)) from None


@cli.command()
@ROOT_OPTION
@BASE_OPTION
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Where to write the Turtle ('-' for stdout). Default: build/graph.ttl "
              "under the corpus root.")
@FOLLOW_OPTION
def build(root: Path | None, base: str | None, output: str | None,
          follow_symlinks: bool) -> None:
    """Compile the corpus into one RDF graph and write it as Turtle.

    Refuses (exit 1, nothing written) when `kg validate` finds errors. The graph
    uses standard vocabularies (docs/rdf.md) and is byte-identical from run to run.
    """
    from kg.graph import exporters as X
    from kg.store.freshness import take_snapshot

    if output not in (None, "-"):
        _check_output(Path(output), _root(root), follow_symlinks)
    snap = take_snapshot(_root(root))  # before any input is read (kg.store.freshness)
    path, result = _built_graph(root, base)
    graph = result.graph
    _still_unchanged(result)
    if output == "-":
        for chunk in graph.chunks():
            click.echo(chunk, nl=False)
        return
    target = X.output_paths("turtle", path, output)[".ttl"]
    try:
        size = X.write_atomic(target, graph.chunks(), path, follow_symlinks=follow_symlinks)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    click.echo(f"wrote {_shown(target)} ({graph.triples} triples, {size} bytes)", err=True)
    from kg.store.questions import record

    questions = record(path, result.corpus, graph.turtle(), result.base, snap)
    if questions is not None:
        click.echo("loaded the graph into the question store under build/cache/ "
                   "(kg sparql, kg studies, kg paths ... read it)", err=True)
        questions.close()


@cli.command()
@ROOT_OPTION
@BASE_OPTION
@click.option("--endpoint", metavar="URL", required=True,
              help="The store's SPARQL query URL, or a bare Oxigraph server URL "
              "(http://host:7878: queries at /query, updates at /update, graphs at /store).")
@click.option("--store", "store_url", metavar="URL", default=None,
              help="The store's Graph Store HTTP Protocol URL. Default: /store beside a "
              "/query endpoint, as in Oxigraph (Fuseki: .../DATASET/data).")
@click.option("--update", "update_url", metavar="URL", default=None,
              help="The store's SPARQL Update URL, for --move. Default: /update beside a "
              "/query endpoint, as in Oxigraph.")
@GRAPH_OPTION
@click.option("--move", is_flag=True,
              help="Load into a temporary graph, then MOVE it onto --graph in one SPARQL "
              "Update: for stores where one PUT is not one transaction.")
@click.option("--no-verify", is_flag=True,
              help="Do not count the graph's triples on the store afterwards (stores that "
              "add inferred triples count more).")
@click.option("--timeout", type=click.FloatRange(0.1, 86400), default=600.0,
              show_default=True, help="Seconds each request may wait for the store.")
def push(root: Path | None, base: str | None, endpoint: str, store_url: str | None,
         update_url: str | None, graph: str | None, move: bool, no_verify: bool,
         timeout: float) -> None:
    """Replace a named graph in a SPARQL 1.1 store with the compiled graph.

    Builds the graph as `kg build` does (build/graph.ttl, rewritten when stale; exit 1
    when the corpus has errors), then replaces --graph on the store with one HTTP PUT
    (Graph Store HTTP Protocol), which readers see all at once in Oxigraph; --move goes
    through a temporary graph for other stores. Then checks the store's triple count.
    Credentials come only from the environment (KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD,
    or KG_ENDPOINT_TOKEN); see docs/scale.md. Exit status 2 when the store cannot be
    reached or refuses.
    """
    from kg.graph import exporters as X
    from kg.store import push as P

    path = _root(root)
    try:
        target_base = _endpoint_base(path, base)
        remote = _endpoint(endpoint, None, target_base, timeout, store=store_url,
                           update=update_url)
        target = P.graph_iri(graph, target_base)
        remote.graph_url(target)  # no Graph Store endpoint known: say so before building
        if move and remote.locations.update is None:
            raise KgError("--move needs the store's SPARQL Update endpoint; give --update URL")
    except KgError as exc:
        raise FatalError(str(exc)) from None
    path, result = _built_graph(path, base)
    _still_unchanged(result)
    data = result.graph.turtle()
    out = X.output_paths("turtle", path, None)[".ttl"]
    try:
        if not (out.is_file() and out.read_bytes() == data):
            X.write_atomic(out, data, path)
        pushed = P.push(remote, data, result.graph.triples, target, move=move,
                        verify=not no_verify)
        from kg.store import query as Q
        from kg.store.local import places_nquads

        places = places_nquads(result.corpus, result.base).replace(
            b" <urn:kg:places> .\n", b" .\n")
        P.push(remote, places, places.count(b"\n"), Q.places_graph(target), move=move,
               verify=not no_verify, content_type="application/n-triples")
    except (KgError, OSError) as exc:
        raise FatalError(str(exc)) from None
    click.echo(f"pushed {_shown(out)} to {P.shown(target)} at {remote.locations.store}: "
               f"{pushed.triples} triples, {pushed.size} bytes, {pushed.seconds:.2f} s"
               + (" (via MOVE)" if move else ""), err=True)


@cli.command()
@ROOT_OPTION
@BASE_OPTION
@click.option("--format", "fmt", required=True,
              type=click.Choice(["turtle", "n-triples", "json-ld", "trig", "nanopubs",
                                 "graphml", "kgx", "dataset", "vocab", "shapes"]),
              help="turtle; n-triples (sorted lines); json-ld (compacted with "
              "kg/graph/context.jsonld); trig (one nanopublication per claim); nanopubs (a "
              "folder: one <claim-id>.trig file per nanopublication); graphml "
              "(entities as nodes, claims as edges); kgx (Biolink nodes/edges TSV); dataset "
              "(VoID description from the corpus settings); vocab and shapes (kg/graph/vocab.ttl "
              "and kg/graph/shapes.ttl on the base IRI).")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Output file, '-' for stdout. Default: build/graph.<ext> under the corpus "
              "root. For kgx, a prefix: -o out/kg writes out/kg_nodes.tsv, "
              "out/kg_edges.tsv and out/kg_context.jsonld (an existing folder means "
              "<folder>/graph_*). For nanopubs, a folder (default build/nanopubs/), "
              "replaced whole; only a new, empty or earlier nanopubs folder is written.")
@FOLLOW_OPTION
def export(root: Path | None, base: str | None, fmt: str, output: str | None,
           follow_symlinks: bool) -> None:
    """Export the compiled graph in another format. Writes are atomic."""
    from kg.graph import exporters as X

    if output == "-" and fmt == "kgx":
        raise FatalError("kgx writes three files (nodes, edges and their JSON-LD context); "
                         "give -o a prefix, not '-'")
    if fmt in X.FOLDER_FORMATS:  # a folder of files (nanopubs): its own -o rules
        _export_folder(root, base, fmt, output)
        return
    if output not in (None, "-"):
        here = _root(root)
        for target in X.output_paths(fmt, here, output).values():
            _check_output(target, here, follow_symlinks)
    path, result = _built_graph(root, base)
    try:
        parts = X.export(fmt, result)
        _still_unchanged(result)
        if output == "-":
            for data in parts.values():
                click.echo(data.decode("utf-8"), nl=False)
            return
        targets = X.output_paths(fmt, path, output)
        for suffix, data in parts.items():
            X.write_atomic(targets[suffix], data, path, follow_symlinks=follow_symlinks)
            click.echo(f"wrote {_shown(targets[suffix])} ({len(data)} bytes)", err=True)
    except KgError as exc:
        raise FatalError(str(exc)) from None


def _export_folder(root: Path | None, base: str | None, fmt: str, output: str | None) -> None:
    """kg export of a folder format: -o names the folder (never '-'), replaced whole."""
    from kg.graph import exporters as X

    if output == "-":
        raise FatalError(f"{fmt} writes a folder of files; give -o a folder, not '-'")
    here = _root(root)
    folder = X.output_folder(fmt, here, output)
    try:
        X.check_folder(folder, here)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    path, result = _built_graph(root, base)
    try:
        files = X.export(fmt, result)
        _still_unchanged(result)
        size = X.write_folder(folder, files, path)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    click.echo(f"wrote {_shown(folder)}/ ({len(files)} files, {size} bytes)", err=True)


@cli.command()
@ROOT_OPTION
@BASE_OPTION
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--max-diagrams", default=2_000, show_default=True, type=click.IntRange(0),
              help="Draw at most this many diagrams; past it, pages list the diagram's "
              "links instead.")
def site(root: Path | None, base: str | None, out: Path, max_diagrams: int) -> None:
    """Write a static evidence site into OUT (an earlier site there is replaced).

    The article's outline with each paragraph's claims and audit flags; a page per claim,
    entity and study, with diagrams; the audit; every export; offline search. Open
    OUT/index.html in a browser (file:// works) or serve OUT from any static host.
    Refuses (exit 1) when the corpus has errors, like kg build.
    """
    from kg.site import build_site

    path, result = _built_graph(root, base)
    if out.resolve() in (path.resolve(), *path.resolve().parents):
        raise FatalError(f"refusing to empty {out}: it holds the corpus")
    try:
        report = build_site(result, out, max_diagrams=max_diagrams, progress=_progress())
    except KgError as exc:
        raise FatalError(str(exc)) from None
    left = (f", {report.diagrams_left_out} left out (--max-diagrams)"
            if report.diagrams_left_out else "")
    click.echo(f"wrote {out}: {report.pages} pages, {report.diagrams} diagrams{left}, "
               f"{report.bytes:,} bytes; open {out / 'index.html'}", err=True)


@cli.command()
@ROOT_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True,
              help="text: for the terminal; markdown: a report to read in a pull request; "
              "json: for scripts (shape in docs/cli.md).")
@click.option("--only", "only", multiple=True,
              type=click.Choice(["contradicted", "miscited", "overreaching", "unverifiable",
                                 "uncited", "citation-errors"]),
              help="Only findings of this category (repeatable); the summary counts all.")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the report to FILE (atomically) instead of stdout.")
@FOLLOW_OPTION
@ENDPOINT_OPTION
@GRAPH_OPTION
def audit(root: Path | None, fmt: str, only: tuple[str, ...], output: Path | None,
          follow_symlinks: bool, endpoint: str | None, graph: str | None) -> None:
    """Audit the article's own claims against their evidence, most serious first.

    contradicted: stated as fact, but a study found no effect or the opposite.
    miscited: a reference the article gives has evidence that does not support the claim.
    overreaching: stated as fact on evidence rated only low, very-low or none.
    unverifiable: a reference the article gives could not be checked for the claim.
    uncited: the article gives no reference. Then each citation error recorded on a
    study. Claims the curator added are not audited (docs/evidence.md).
    """
    from kg.questions import audit as A

    path = _root(root)
    if output is not None:
        _check_output(output, path, follow_symlinks)
    _path, q = _questions_at(path, endpoint, graph)
    report = A.audit(q.audited(), only)
    if fmt == "text":
        from kg.terminal import UNLIMITED, terminal_width

        cols = terminal_width(sys.stdout) if output is None else UNLIMITED
        text = A.render_text(report, None if cols >= UNLIMITED else cols)
    else:
        text = {"markdown": A.render_markdown, "json": A.render_json}[fmt](report)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        A.write_atomic(output, text, path, follow_symlinks=follow_symlinks)
    except KgError as exc:
        raise FatalError(str(exc)) from None
    click.echo(f"wrote {output}", err=True)


def _say(message: str) -> None:
    """A last word on stderr, if there is a stderr to write to."""
    try:
        click.echo(message, err=True)
    except (OSError, ValueError, AttributeError):
        pass


def _bad_argument() -> str | None:
    """The first command-line argument that is not valid UTF-8 (Python keeps such bytes as
    lone surrogates), shown with the bytes escaped; None when all are valid."""
    for arg in sys.argv[1:]:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
    return None


def main() -> None:
    bad = _bad_argument()
    if bad is not None:
        _say(f"kg: error: argument {bad!r} is not valid UTF-8")
        sys.exit(2)
    try:
        cli(prog_name="kg")
    except KgError as exc:  # raised past a command's own handling (a damaged cache, say)
        _say(f"kg: error: {exc}")
        sys.exit(2)
    except OSError as exc:  # stdout or stderr: a full disk, a closed pipe
        _say(f"kg: error: cannot write the output: {exc.strerror or exc}")
        sys.exit(2)
    except Exception as exc:  # a bug: report it in one line, never a traceback
        message = f"{type(exc).__name__}: {exc}"
        if wants_json(sys.argv[1:]):
            try:
                click.echo(error_json("internal", message, 3))
            except (OSError, ValueError):
                pass
        _say(f"kg: internal error (please report): {message}")
        sys.exit(3)


if __name__ == "__main__":
    main()
