"""Shared fixtures. Builds run the real command line in a subprocess, as `make report` does;
tests that need a private project (broken data, a failing cell, hostile text) get a copy
of the project in a temporary folder, pointed to by LOGISTICS_PACTS_ROOT."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL_CONFIG = """title: "Test report"
notebooks:
  - 01-key-findings.ipynb
  - 06-sources-and-conflicts.ipynb
profile_notebook: partner_profile.ipynb
partners: [AUS]
parameters:
  start_year: 2000
  end_year: 2026
  event_kinds: [agreement_milestone, declaration, summit, two_plus_two, ministerial, dialogue, exercise, context]
workers: 2
"""


def run_cli(*args, root: Path = ROOT, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, LOGISTICS_PACTS_ROOT=str(root))
    env.pop("LOGISTICS_PACTS_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "logistics_pacts", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


def make_project(tmp: Path, config: str = SMALL_CONFIG) -> Path:
    """A private copy of the project: data, notebooks and a small build configuration."""
    root = tmp / "project"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")
    (root / "report.yaml").write_text(config)
    return root


@pytest.fixture(scope="session")
def built_report() -> Path:
    """The real report, built (or found up to date) in the project itself."""
    result = run_cli("build")
    assert result.returncode == 0, result.stdout + result.stderr
    return ROOT / "report"


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
