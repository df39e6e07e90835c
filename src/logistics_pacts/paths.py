"""Where things live. Every path is derived from the project root, which is the
folder holding `data/datapackage.json`; set LOGISTICS_PACTS_ROOT to override."""
from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    override = os.environ.get("LOGISTICS_PACTS_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for candidate in [Path.cwd(), *Path.cwd().parents, *here.parents]:
        if (candidate / "data" / "datapackage.json").is_file() and (candidate / "notebooks").is_dir():
            return candidate
    return here.parents[2]


ROOT = _find_root()
DATA_DIR = ROOT / "data"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORT_DIR = ROOT / "report"
FIGURES_DIR = ROOT / "figures"
CACHE_DIR = ROOT / ".cache"
FAILED_DIR = ROOT / "build-failed"
CONFIG_FILE = ROOT / "report.yaml"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
PACKAGE_DIR = Path(__file__).resolve().parent


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
