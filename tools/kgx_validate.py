"""Run `kgx validate` on a kg KGX export, offline, with the export's own prefix map.

    python tools/kgx_validate.py build/graph_nodes.tsv build/graph_edges.tsv

Run it with the Python of an environment that has kgx (e.g. `pip install kgx==2.7.0
biolink-model==4.4.6` in a venv of its own: kgx 2.7.0 pins click<8.2, which kg's tests
cannot use). It exits with kgx's own exit status: 0 when kgx finds no error.

Out of the box, kgx 2.7.0 needs the network and knows only Biolink's prefixes:

- importing kgx builds a bmt Toolkit (kgx/utils/kgx_utils.py), which reads the Biolink
  model from raw.githubusercontent.com and always fetches its predicate mapping with
  requests (bmt 1.4.8, bmt/toolkit.py);
- the validator takes its set of known CURIE prefixes from the "biolink" JSON-LD context
  (kgx/validator.py, get_all_prefixes), which kgx.config.get_jsonld_context downloads
  unless kgx.config.jsonld_context_map already holds it. `kgx validate` has no option for
  a local model or for more prefixes.

So this script, before it imports kgx: (1) makes bmt read the Biolink model of the
installed biolink-model package (biolink_model/schema/biolink_model.yaml; kgx's validator
does not use the predicate mapping, so it is left empty); (2) gives kgx the Biolink
prefix map of the same package (biolink_model/prefixmaps/biolink_model_prefix_map.json)
as its "biolink" context, plus the prefixes of the export's JSON-LD context
(``<prefix>_context.jsonld`` beside the nodes file, or ``--context FILE``) that Biolink
does not have: the corpus's own ``P.ENTITY``, ``P.CLAIM`` and ``P.VOCAB``. Then it runs
kgx's own `validate` command. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any


def local_biolink() -> tuple[str, dict[str, str]]:
    """The installed biolink-model package's schema path and prefix map."""
    pkg = resources.files("biolink_model")
    schema = str(pkg.joinpath("schema/biolink_model.yaml"))
    prefixes: dict[str, str] = json.loads(
        pkg.joinpath("prefixmaps/biolink_model_prefix_map.json").read_text(encoding="utf-8"))
    return schema, prefixes


def offline_toolkit(schema: str) -> None:
    """Make every bmt Toolkit read ``schema`` and fetch nothing."""
    import bmt.toolkit  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from linkml_runtime.utils.schemaview import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
        SchemaView,
    )

    def init(self: Any, schema_: Any = schema, predicate_map: Any = None) -> None:
        self.view = SchemaView(schema_)
        self.pmap = {"predicate mappings": []}

    bmt.toolkit.Toolkit.__init__ = init


def context_of(nodes: Path, given: str | None) -> dict[str, str]:
    """The export's prefix map: ``given``, else ``<prefix>_context.jsonld`` beside the
    nodes file ``<prefix>_nodes.tsv``."""
    path = Path(given) if given else nodes.with_name(
        nodes.name.removesuffix("_nodes.tsv") + "_context.jsonld")
    ctx: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["@context"]
    return ctx


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("nodes", type=Path, help="the export's <prefix>_nodes.tsv")
    parser.add_argument("edges", type=Path, help="the export's <prefix>_edges.tsv")
    parser.add_argument("--context", default=None,
                        help="the export's JSON-LD context (default: beside the nodes file)")
    args = parser.parse_args(argv)

    schema, biolink = local_biolink()
    offline_toolkit(schema)
    import kgx.config  # type: ignore[import-untyped, import-not-found, unused-ignore]

    ours = context_of(args.nodes, args.context)
    kgx.config.jsonld_context_map["biolink"] = {**ours, **biolink}  # Biolink's win

    from kgx.cli import cli  # type: ignore[import-untyped, import-not-found, unused-ignore]

    try:
        cli.main(["validate", "-i", "tsv", str(args.nodes), str(args.edges)],
                 prog_name="kgx", standalone_mode=True)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
