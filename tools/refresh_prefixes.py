"""Regenerate kg/data/prefixes.json from the installed Bioregistry package.

    python tools/refresh_prefixes.py

kg checks CURIEs offline against this snapshot so that `kg validate` needs neither the
network nor bioregistry's 0.6 s import. tests/test_identifiers.py checks that the
snapshot agrees with the installed bioregistry.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import bioregistry

OUT = Path(__file__).resolve().parent.parent / "kg" / "data" / "prefixes.json"


def snapshot() -> dict[str, object]:
    prefixes: dict[str, list[str | None]] = {}
    synonyms: dict[str, str] = {}
    for prefix, resource in sorted(bioregistry.read_registry().items()):
        prefixes[prefix] = [
            resource.get_preferred_prefix() or prefix,
            resource.get_pattern(),
            resource.get_uri_prefix(),
            resource.get_banana(),
        ]
        for syn in sorted(resource.get_synonyms() | {prefix}):
            synonyms.setdefault(syn.lower(), prefix)
        preferred = resource.get_preferred_prefix()
        if preferred:
            synonyms.setdefault(preferred.lower(), prefix)
    return {"bioregistry": version("bioregistry"), "prefixes": prefixes, "synonyms": synonyms}


if __name__ == "__main__":
    OUT.write_text(json.dumps(snapshot(), sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")
