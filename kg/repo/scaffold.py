"""`kg init`: write a new, valid, empty corpus, and the files that wire it into a git
repository and editors: a .gitignore, a pre-commit configuration, a GitHub Actions
workflow, the corpus's settings file (kg.toml), the JSON Schemas of its files (schemas/),
modelines that attach them, and VS Code settings that do the same for new files."""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.root import BIB_FILE, CLAIMS_DIR

#: Where kg init puts the JSON Schemas (`kg schema -o schemas` refreshes them).
SCHEMAS_DIR = "schemas"
_MODELINE = "# yaml-language-server: $schema=../" + SCHEMAS_DIR + "/{kind}.schema.json\n"

#: The corpus itself: kg init refuses when any of these exists. Each YAML file starts
#: with the modeline that attaches its JSON Schema in editors.
FILES = {
    f"{CLAIMS_DIR}/entities.yaml": _MODELINE.format(kind="entities") + (
        "# Every entity the claims name: id, label, role, kind, xrefs, synonyms.\n"
        "# See docs/format.md of the kg project.\n"
        "entities: []\n"
    ),
    f"{CLAIMS_DIR}/studies.yaml": _MODELINE.format(kind="studies") + (
        "# One record per cited work, keyed by its references.bib key.\n"
        "studies: {}\n"
    ),
    f"{CLAIMS_DIR}/claims.yaml": _MODELINE.format(kind="claims") + (
        "# Claims, one subject-predicate-object each, with their evidence.\n"
        "claims: []\n"
    ),
    BIB_FILE: "% Bibliographic records, keyed as claims/studies.yaml is keyed.\n",
}

GITIGNORE = """\
# what kg derives from the corpus (caches, the compiled graph); always safe to delete
build/
# the SARIF report the workflow writes
kg.sarif
"""

SETTINGS = """\
# Settings of this kg corpus (docs/format.md, "Settings").

# The base IRI under which `kg build` mints the graph's own IRIs: a persistent one you
# control (a w3id.org or purl.org redirect; docs/rdf.md, "Publishing").
base = "{base}"

# The name of this corpus's CURIE prefixes in the KGX export ({prefix}.ENTITY, {prefix}.CLAIM,
# {prefix}.VOCAB; docs/rdf.md, KGX). Unset, it is derived from the base IRI, as here.
# curie_prefix = "{prefix}"

# The dataset description (`kg export --format dataset`, VoID): fill these in to publish.
# title = "..."
# license = "https://creativecommons.org/licenses/by/4.0/"
# version = "1.0.0"
# creator = "https://orcid.org/0000-0000-0000-0000"
# source = "https://doi.org/10.xxxx/the-article"

# A diagnostic this corpus accepts, with the reason; `files` (glob patterns) is optional.
# [[ignore]]
# code = "KG603"
# reason = "the article states this chain; we record it although its evidence is null"
# files = ["claims/exercise.yaml"]
"""

PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): run `pre-commit install` once; then every commit
# that touches the corpus runs `kg validate --strict` first. It runs the kg installed
# where you commit (pip install kg); the kg project's .pre-commit-hooks.yaml offers the
# same hook as a remote repository, which pre-commit installs by itself.
repos:
  - repo: local
    hooks:
      - id: kg-validate
        name: kg validate
        entry: kg validate --strict
        language: system
        pass_filenames: false
        files: ^(claims/.*\\.ya?ml|references\\.bib|kg\\.toml|pyproject\\.toml)$
"""

WORKFLOW = """\
# Validate the kg corpus on every push and pull request: problems become annotations on
# the pull request's files, a SARIF report goes to code scanning, and the article audit
# is the job's summary.
name: kg

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read
  security-events: write

jobs:
  validate:
    runs-on: ubuntu-latest
    env:
      # how pip installs kg: a version, or a git URL such as git+https://host/owner/kg
      KG_REQUIREMENT: "{requirement}"
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install kg
        run: python -m pip install "$KG_REQUIREMENT"
      - name: SARIF report for code scanning
        run: kg validate --format sarif --output kg.sarif || true
      - name: Upload the SARIF report
        if: always() && hashFiles('kg.sarif') != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: kg.sarif
          category: kg
      - name: The article audit as the job summary
        if: always()
        run: kg audit --format markdown >> "$GITHUB_STEP_SUMMARY"
      - name: Validate (annotations on the pull request)
        run: kg validate --format github --strict
"""

def vscode_settings() -> str:
    """VS Code (YAML extension): every corpus file to its schema, new topic files too."""
    import json

    fixed = {"entities": "claims/entities.yaml", "studies": "claims/studies.yaml",
             "article": "claims/article.yaml"}
    schemas: dict[str, object] = {f"./{SCHEMAS_DIR}/{k}.schema.json": v
                                  for k, v in fixed.items()}
    schemas[f"./{SCHEMAS_DIR}/claims.schema.json"] = [
        "claims/**/*.yaml", *(f"!{v}" for v in fixed.values())]
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"


#: hosts whose IRIs are placeholders, never a corpus's base (RFC 2606 reserves them and
#: the top-level domains below for examples and tests)
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")
RESERVED_TLDS = ("invalid", "test", "example", "localhost")


def check_new_base(base: str) -> str:
    """``base`` if it can be a new corpus's base IRI: absolute, ending in '/' or '#', not
    on a placeholder host, not the kg project's own corpus's; else KgError."""
    from urllib.parse import urlsplit

    from kg.config import PROJECT_BASE, check_base

    check_base(base, "--base")
    host = (urlsplit(base).hostname or "").lower()
    if host in PLACEHOLDER_HOSTS or host.endswith(tuple("." + h for h in PLACEHOLDER_HOSTS)) \
            or host.rsplit(".", 1)[-1] in RESERVED_TLDS:
        raise KgError(f"--base {base!r} is a placeholder ({host}): give a persistent IRI you "
                      "control, e.g. https://w3id.org/<your-project>/ (docs/rdf.md, Publishing)")
    if base == PROJECT_BASE:
        raise KgError(f"--base {base!r} is the kg project's own corpus's base; give yours")
    return base


def repository_files(requirement: str, base: str) -> dict[str, str]:
    """Wiring into a repository and editors: written when absent, kept when present."""
    from kg.config import derived_prefix
    from kg.corpus.jsonschemas import all_schemas

    return {
        ".gitignore": GITIGNORE,
        "kg.toml": SETTINGS.replace("{base}", base).replace("{prefix}", derived_prefix(base)),
        ".pre-commit-config.yaml": PRE_COMMIT,
        ".github/workflows/kg.yml": WORKFLOW.replace("{requirement}", requirement),
        ".vscode/settings.json": vscode_settings(),
        **{f"{SCHEMAS_DIR}/{name}": text for name, text in all_schemas().items()},
    }


def init_corpus(target: Path, base: str, requirement: str = "kg"
                ) -> tuple[list[Path], list[Path]]:
    """Create the corpus files under ``target`` (refusing to overwrite any), then the
    repository files that are absent, kg.toml with ``base`` (checked by
    :func:`check_new_base`). Returns (written, kept: present already)."""
    check_new_base(base)
    clashes = [target / rel for rel in FILES if (target / rel).exists()]
    if clashes:
        raise KgError(f"{clashes[0]} already exists; kg init only creates new corpora")
    if target.exists() and not target.is_dir():
        raise KgError(f"{target} exists and is not a folder")
    written: list[Path] = []
    kept: list[Path] = []
    todo = dict(FILES)
    for rel, text in repository_files(requirement, base).items():
        if (target / rel).exists():
            kept.append(target / rel)
        else:
            todo[rel] = text
    try:
        for rel, text in todo.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise KgError(f"cannot create the corpus in {target}: {exc.strerror or exc}") from None
    return written, kept
