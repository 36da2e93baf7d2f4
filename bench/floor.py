"""Parse floor (issue 16): every YAML file of a corpus parsed by one loader, nothing else.

    .venv/bin/python bench/floor.py ryml|csafe|kg-fast|kg-reference ROOT

- ``ryml``: rapidyaml parses, emits JSON, ``json.loads`` reads it (no typing, no positions):
  the fastest loader measured here, the floor ``kg validate`` is compared with;
- ``csafe``: PyYAML's ``load`` with libyaml's ``CSafeLoader`` (no positions);
- ``kg-fast``: kg.corpus.fastyaml.load (the floor plus the checks that keep it identical to the
  reference loader);
- ``kg-reference``: kg.corpus.yamlfile.load_yaml (libyaml, every position kept).

The garbage collector is off, as in kg. Exits 0; prints the number of files on stderr.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path


def main() -> None:
    loader, root = sys.argv[1], Path(sys.argv[2])
    gc.disable()
    files = sorted((root / "claims").glob("*.yaml"))
    if loader == "ryml":
        import ryml  # type: ignore[import-untyped]

        for path in files:
            tree = ryml.parse_in_arena(path.read_bytes())
            json.loads(ryml.emit_json_malloc(tree, tree.root_id()))
    elif loader == "csafe":
        import yaml

        for path in files:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    elif loader == "kg-fast":
        from kg.corpus.fastyaml import load

        for path in files:
            load(path.read_bytes())
    elif loader == "kg-reference":
        from kg.corpus.yamlfile import load_yaml

        for path in files:
            load_yaml(path.read_bytes(), path.name)
    else:
        raise SystemExit(f"unknown loader {loader!r}")
    print(f"{len(files)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
