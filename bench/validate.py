"""Cold-process timing of `kg validate` on the real corpus (issue 2).

    .venv/bin/python bench/validate.py [--runs 21]

Prints a markdown table of medians. Compare with the floor: `python -c pass` and
`kg --help`.
"""

from __future__ import annotations

import argparse
import sys

from common import KG, REPO, machine, median_ms, time_command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("kg --help", [KG, "--help"]),
        ("kg validate (real corpus)", [KG, "validate", "--root", str(REPO)]),
        ("kg validate --strict --format json", [KG, "validate", "--root", str(REPO),
                                                "--strict", "--format", "json"]),
    ]
    print(f"machine: {machine()}; {args.runs} cold runs each\n")
    print("| command | median |")
    print("|---|---|")
    for label, argv in rows:
        print(f"| `{label}` | {median_ms(time_command(argv, args.runs))} |")


if __name__ == "__main__":
    main()
