"""What git says about the project, when it is a git checkout: which report notebooks hold
cells that differ from the committed ones (outputs and metadata do not count)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from .keys import cells_digest


def _committed(root: Path, paths: list[Path]) -> dict[Path, bytes | None]:
    """The committed (HEAD) bytes of each path, read with one `git cat-file --batch`."""
    names = [str(p.relative_to(root)) for p in paths]
    try:
        done = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input="".join(f"HEAD:{n}\n" for n in names).encode(),
                              capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    out, found, position = done.stdout, {}, 0
    for path in paths:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) == 3:
            size = int(header[2])
            found[path] = out[position:position + size]
            position += size + 1
        else:
            found[path] = None
    return found


def changed_notebooks(root: Path, paths: list[Path]) -> list[Path]:
    """Notebooks whose cells (types, sources, tags) differ from HEAD; [] outside a git checkout."""
    root = Path(root)
    if not (root / ".git").exists():
        return []
    committed = _committed(root, [p for p in paths if p.is_file()])
    changed = []
    for path, blob in committed.items():
        try:
            if blob is None or cells_digest(blob) != cells_digest(path):
                changed.append(path)  # changed, or not committed at all
        except ValueError:
            changed.append(path)
    return changed
