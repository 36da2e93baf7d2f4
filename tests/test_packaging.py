"""The set-up is quiet (issue 14, part B): building kg, as `pip install -e .` does, gives no
warning from the project's packaging, and the wheel carries the package data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).parent.parent
HOOKS = ("build_wheel", "build_editable")


def project_copy(dest: Path) -> Path:
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", "cli.py"):
        shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "kg", dest / "kg",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def build(project: Path, hook: str, out: Path) -> tuple[Path, str]:
    out.mkdir()
    code = (f"import setuptools.build_meta as b; print(b.{hook}({str(out)!r}))")
    done = subprocess.run([sys.executable, "-W", "always", "-c", code], cwd=project,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out / done.stdout.strip().splitlines()[-1], done.stdout + done.stderr


def test_building_kg_prints_no_packaging_warning(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    for hook in HOOKS:
        _, log = build(project, hook, tmp_path / hook)
        noisy = [line for line in log.splitlines()
                 if "Warning" in line or "InformationOnly" in line or "would be ignored" in line]
        assert noisy == [], f"{hook}:\n" + "\n".join(noisy)


def test_the_wheel_carries_the_package_data(tmp_path: Path) -> None:
    wheel, _ = build(project_copy(tmp_path / "project"), "build_wheel", tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("cli.py", "kg/py.typed", "kg/data/prefixes.json", "kg/graph/shapes.ttl",
                     "kg/graph/context.jsonld", "kg/checks/__init__.py"):
        assert required in names, f"{required} is not in the wheel"
