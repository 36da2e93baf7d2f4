"""`kgx validate` exits 0 on our KGX export, offline, with no hand edits (issue 11).

kgx 2.7.0 pins click<8.2, and this test suite needs click 8.2 or later (CliRunner's
separate stderr), so kgx lives in a virtual environment of its own, `.venv-kgx`, which
.ci/run creates (`pip install kgx==2.7.0`); set KG_KGX_PYTHON to use another one. The
run goes through tools/kgx_validate.py, which gives kgx the installed Biolink model and the
export's own prefix map (docs/rdf.md, "KGX"), with every HTTP(S) request sent to a closed
port, so that nothing can be downloaded.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kg.graph.compiler import build
from kg.graph.exporters import export

REPO = Path(__file__).resolve().parents[1]
KGX_PYTHON = Path(os.environ.get("KG_KGX_PYTHON", REPO / ".venv-kgx" / "bin" / "python"))
RUNNER = REPO / "tools" / "kgx_validate.py"


@pytest.fixture(scope="module")
def kgx_python() -> Path:
    if not KGX_PYTHON.exists():
        hint = ("kgx runs in its own environment: python3 -m venv .venv-kgx && "
                ".venv-kgx/bin/pip install kgx==2.7.0 (as .ci/run does)")
        if os.environ.get("CI"):
            pytest.fail(hint)
        pytest.skip(hint)
    return KGX_PYTHON


def offline() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[var] = "http://127.0.0.1:9"  # the discard port: nothing listens
    env["NO_PROXY"] = env["no_proxy"] = ""
    return env


def kgx_validate(python: Path, prefix: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), str(RUNNER), f"{prefix}_nodes.tsv", f"{prefix}_edges.tsv", *args],
        capture_output=True, text=True, env=offline(), timeout=600, check=False)


def write_export(root: Path, out: Path) -> Path:
    result = build(root)
    assert result.ok
    for suffix, data in export("kgx", result).items():
        (out / f"graph{suffix}").write_bytes(data)
    return out / "graph"


def test_kgx_is_the_version_we_document(kgx_python: Path) -> None:
    out = subprocess.run([str(kgx_python), "-c", "import importlib.metadata as m; "
                          "print(m.version('kgx'), m.version('biolink-model'))"],
                         capture_output=True, text=True, check=True)
    kgx, biolink = out.stdout.split()
    assert kgx == "2.7.0" and biolink.startswith("4."), out.stdout


def test_kgx_validate_exits_0_offline_on_the_real_export(kgx_python: Path,
                                                          tmp_path: Path) -> None:
    prefix = write_export(REPO, tmp_path)
    run = kgx_validate(kgx_python, prefix)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = (run.stdout + run.stderr).strip()  # kgx writes its report to stderr here
    assert report.endswith("{}"), report[-3000:]  # no error of any level


def test_kgx_validate_needs_our_prefix_map(kgx_python: Path, tmp_path: Path) -> None:
    """Without the export's context, kgx knows none of the corpus's prefixes: the check
    above is a real one."""
    prefix = write_export(REPO / "tests" / "corpora" / "valid", tmp_path)
    empty = tmp_path / "empty.jsonld"
    empty.write_text('{"@context": {}}')
    run = kgx_validate(kgx_python, prefix, "--context", str(empty))
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    report = run.stdout + run.stderr
    assert "'KG_BONE_AI.ENTITY'" in report
    assert "not represented in Biolink Model JSON-LD context" in report
