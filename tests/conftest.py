"""Shared fixtures. Builds run the real command line in a subprocess, as `make report` does,
always in a private copy of the project in a temporary folder (`--root`): tests never
write into the working tree's report/, figures/, .cache/ or notebooks."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL_CONFIG = """title: "Test report"
report: {authors: ["Test authors"], publisher: "Test publisher", published: 2026-12-01}
notebooks:
  - {file: 01-key-findings.ipynb, tables: [agreements, claims, events, provisions, sources, uses]}
  - {file: 08-disputes.ipynb, tables: [claims, sources]}
profile:
  file: partner_profile.ipynb
  tables: [agreements, claims, events, provisions, sources, uses]
  parameters: {figure_formats: [svg]}
partners: [AUS]
parameters:
  start_year: 2000
  end_year: 2026
workers: 2
"""


def run_cli(command: str, *args, root: Path, timeout: int = 900, cwd: Path | None = None,
            package: Path | None = None) -> subprocess.CompletedProcess:
    """The command line in a subprocess; `package`: a folder holding a copy of the package to run instead."""
    env = dict(os.environ)
    env.pop("LOGISTICS_PACTS_DEBUG", None)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    return subprocess.run([sys.executable, "-m", "logistics_pacts", command, "--root", str(root), *args],
                          cwd=cwd or root, env=env, capture_output=True, text=True, timeout=timeout)


def make_project(tmp: Path, config: str | None = SMALL_CONFIG) -> Path:
    """A private copy of the project: data, notebooks, requirements and a build configuration
    (the small one by default; None copies the real report.yaml)."""
    root = tmp / "project"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")
    shutil.copy(ROOT / "CITATION.cff", root / "CITATION.cff")
    if config is None:
        shutil.copy(ROOT / "report.yaml", root / "report.yaml")
    else:
        (root / "report.yaml").write_text(config)
    return root


@pytest.fixture(scope="session")
def built_report(tmp_path_factory) -> Path:
    """The real report (full configuration), built in a private copy of the project."""
    root = make_project(tmp_path_factory.mktemp("full"), config=None)
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "report"


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path)


def require_tool(name: str, variable: str) -> str:
    """Path of a system tool; skip when missing unless CI demands it through `variable`."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (Debian: run scripts/system-deps.sh --test, which `make test` does as root)"
    if os.environ.get(variable) == "1":
        pytest.fail(f"{message}; {variable}=1 makes this a failure")
    pytest.skip(message)
