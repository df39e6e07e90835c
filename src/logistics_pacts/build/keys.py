"""What every cached thing is a function of: inputs that are declared, read once and hashed.

- A notebook run's key: its cells (not the outputs JupyterLab saves), its parameters, the tables
  it declares in report.yaml (their bytes, and the part of datapackage.json that describes them),
  the whole source of the notebook-side package, the code that executes and exports runs, the
  pinned requirements and the interpreter.
- The pages' key: the run keys in report order, the title and partner list, the build and render
  code with its templates and stylesheet, every file of the data folder (the pages publish them
  all, README included), and whether there is a PDF.

Nothing here depends on the cache's state: the same inputs give the same keys, and the key
printed on the pages is the pages' key. The data is read once into a snapshot; runs get copies
of the snapshot's bytes, so a run's key names exactly the bytes it was given.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]   # src/logistics_pacts
BUILD_DIR = Path(__file__).resolve().parent         # src/logistics_pacts/build
# The build-side code a run's output depends on: how a notebook is executed and exported.
RUN_CODE = ("execute.py", "zygote.py", "kernels.py", "sandbox.py")
PUBLISHED_SUFFIXES = (".csv", ".json", ".md")


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def digest_of(parts) -> str:
    return sha(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str))[:20]


def _tree_digest(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def notebook_side_digest() -> str:
    """Every source file of the package except the build side (logistics_pacts/build/)."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and BUILD_DIR not in p.parents
             and "__pycache__" not in p.parts and p.suffix in (".py", ".json", ".txt")]
    return _tree_digest(files, PACKAGE_DIR)


@lru_cache(maxsize=1)
def build_side_digest() -> str:
    """The build and render code, with its templates and stylesheet."""
    files = [p for p in BUILD_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return _tree_digest(files, BUILD_DIR)


@lru_cache(maxsize=1)
def run_code_digest() -> str:
    return _tree_digest([BUILD_DIR / name for name in RUN_CODE], BUILD_DIR)


def environment_digest(root: Path) -> str:
    """The pinned requirements and the interpreter: a change to either may change any output."""
    requirements = Path(root) / "requirements.txt"
    return sha(sys.version + "\0" + (requirements.read_text(encoding="utf-8") if requirements.is_file() else ""))


def cells_digest(notebook: Path | bytes) -> str:
    """The notebook (a path, or its bytes) as the build reads it: cell types, sources and tags.
    Outputs, execution counts and the metadata JupyterLab rewrites on save do not count."""
    text = notebook.decode("utf-8") if isinstance(notebook, bytes) else Path(notebook).read_text(encoding="utf-8")
    cells = json.loads(text).get("cells", [])
    essence = [(c.get("cell_type"), "".join(c.get("source", "")), sorted(c.get("metadata", {}).get("tags", [])))
               for c in cells]
    return sha(json.dumps(essence, ensure_ascii=False))


# --------------------------------------------------------------------------- the data, read once

@dataclass
class DataSnapshot:
    """Every file of the data folder that the report publishes (CSV, JSON, Markdown), read once."""
    folder: Path
    files: dict[str, bytes]
    descriptor: dict | None          # datapackage.json, or None when it cannot be read
    digests: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> "DataSnapshot":
        folder = Path(folder)
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
                 if p.is_file() and p.suffix in PUBLISHED_SUFFIXES and not p.name.startswith(".")} if folder.is_dir() else {}
        try:
            descriptor = json.loads(files["datapackage.json"].decode("utf-8"))
            if not isinstance(descriptor, dict):
                descriptor = None
        except (KeyError, ValueError, UnicodeDecodeError):
            descriptor = None
        return cls(folder, files, descriptor, {name: sha(data) for name, data in files.items()})

    @property
    def resources(self) -> dict[str, dict]:
        if not self.descriptor:
            return {}
        return {r.get("name"): r for r in self.descriptor.get("resources", []) if isinstance(r, dict)}

    def table_file(self, table: str) -> str:
        return str(self.resources[table].get("path", ""))

    def declared_descriptor(self, tables: list[str], notebook: str, all_schemas: bool = False) -> dict:
        """datapackage.json as a run sees it: the package's own keys, the declared tables only (or every
        table's description, for a notebook that declares `schemas: all`, such as the data dictionary),
        and a note of which tables exist but were not declared (their rows are not given to the run)."""
        descriptor = {k: v for k, v in (self.descriptor or {}).items() if k != "resources"}
        descriptor["resources"] = [r for name, r in self.resources.items() if all_schemas or name in tables]
        descriptor["x-run"] = {"notebook": notebook, "declared": sorted(tables),
                               "undeclared": sorted(set(self.resources) - set(tables))}
        return descriptor

    def tables_digest(self, tables: list[str], notebook: str, all_schemas: bool = False) -> str:
        parts = {"datapackage.json": self.declared_descriptor(tables, notebook, all_schemas)}
        for table in sorted(tables):
            parts[table] = self.digests.get(Path(self.table_file(table)).name, "")
        return digest_of(parts)

    def changed_on_disk(self) -> list[str]:
        """Files that differ from the snapshot now (edited while the build ran)."""
        now = DataSnapshot.read(self.folder)
        return sorted(name for name in set(now.digests) | set(self.digests) if now.digests.get(name) != self.digests.get(name))


# --------------------------------------------------------------------------- keys

def run_key(cells: str, parameters: dict, tables: str, environment: str) -> str:
    return digest_of({"cells": cells, "parameters": parameters, "tables": tables, "package": notebook_side_digest(),
                      "run code": run_code_digest(), "environment": environment})


def pages_key(title: str, pdf: bool, run_keys: list[tuple[str, str]], partners: list[str], data: DataSnapshot,
              environment: str, extra: dict | None = None) -> str:
    return digest_of({"title": title, "pdf": pdf, "runs": run_keys, "partners": partners, "build code": build_side_digest(),
                      "data": data.digests, "environment": environment, "extra": extra or {}})
