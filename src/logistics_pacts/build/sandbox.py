"""The folder a notebook run works in. It holds only what the run declares, so a read of
anything else fails instead of going unnoticed by the cache:

    <run>/data/        the declared tables (copies of the snapshot's bytes) and a datapackage.json
                       that describes only them
    <run>/notebooks/   the kernel's working folder (so `../data/x.csv` means the run's own data)
    <run>/out/         the run's figures and table CSVs (output_dir)

The tables were validated as a whole before any run starts; the run's datapackage.json says so
(`x-run`), and load_dataset then trusts the copies it finds instead of validating again.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .keys import DataSnapshot


@dataclass
class Sandbox:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def cwd(self) -> Path:
        return self.root / "notebooks"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @classmethod
    def create(cls, root: Path, snapshot: DataSnapshot, tables: list[str], notebook: str, all_schemas: bool = False) -> "Sandbox":
        sandbox = cls(Path(root))
        shutil.rmtree(sandbox.root, ignore_errors=True)
        for folder in (sandbox.data, sandbox.cwd, sandbox.out):
            folder.mkdir(parents=True)
        descriptor = snapshot.declared_descriptor(tables, notebook, all_schemas)
        descriptor["x-run"]["validated"] = True
        (sandbox.data / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                                       encoding="utf-8")
        for table in tables:
            name = Path(snapshot.table_file(table)).name
            (sandbox.data / name).write_bytes(snapshot.files.get(name, b""))
        return sandbox

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


MISSING_FILE = re.compile(r"No such file or directory: '([^']+)'")


def undeclared_read(message: str, sandbox: Sandbox, snapshot: DataSnapshot) -> str | None:
    """The table a failed run tried to read without declaring it, from its error message (a direct
    `pd.read_csv` of a table file the run was not given)."""
    match = MISSING_FILE.search(message or "")
    if not match:
        return None
    name = Path(match.group(1)).name
    for table, resource in snapshot.resources.items():
        if Path(str(resource.get("path", ""))).name == name:
            return table
    return None
