"""Content hashes of the inputs, shared by the build cache and the validation stamp."""
from __future__ import annotations

import hashlib
from pathlib import Path


def data_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in Path(data_dir).iterdir() if p.suffix in (".csv", ".json") and p.is_file())


def hash_files(files: list[Path], digest=None, root: Path | None = None):
    """Feed each file's name (relative to root, else its name) and bytes into a SHA-256."""
    digest = digest or hashlib.sha256()
    for path in sorted(files):
        name = path.relative_to(root) if root else path.name
        digest.update(str(name).encode())
        digest.update(path.read_bytes())
    return digest


def data_digest(data_dir: Path) -> str:
    return hash_files(data_files(data_dir)).hexdigest()
