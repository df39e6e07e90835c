"""What each notebook run reads, so that a run is re-executed only when something it reads
changed: its notebook (cell sources, not the outputs JupyterLab saves), its parameters, the
package modules it imports (found statically, through the package's own imports), and the
data tables it read (recorded while it ran). Templates and CSS are not among them: a change
to them only re-renders the pages."""
from __future__ import annotations

import ast
import hashlib
import json
import sys
from functools import lru_cache
from pathlib import Path

PACKAGE = "logistics_pacts"
PACKAGE_DIR = Path(__file__).resolve().parent
ALL_TABLES = "*"


def notebook_digest(path: Path) -> str:
    """The notebook as the build reads it: cell types, sources and tags. Outputs, execution
    counts and other metadata that JupyterLab writes on save do not count."""
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    essence = [(c.get("cell_type"), "".join(c.get("source", "")), sorted(c.get("metadata", {}).get("tags", [])))
               for c in cells]
    return hashlib.sha256(json.dumps(essence, ensure_ascii=False).encode()).hexdigest()


def _imported(tree: ast.AST, current: str | None) -> set[str]:
    """Package modules an AST imports, anywhere in it (function-level imports included)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative to the package
                base = f"{PACKAGE}.{base}" if base else PACKAGE
            if base.split(".")[0] != PACKAGE:
                continue
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}  # 'from pkg import module'
    modules = {name for name in found if _module_file(name) is not None}
    return modules | ({PACKAGE} if modules else set())


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    path = PACKAGE_DIR.joinpath(*parts[1:])
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


@lru_cache(maxsize=None)
def _module_imports(name: str) -> frozenset[str]:
    path = _module_file(name)
    return frozenset(_imported(ast.parse(path.read_text(encoding="utf-8")), name)) if path else frozenset()


def module_closure(modules: set[str]) -> set[str]:
    """The modules and everything they import from the package, transitively."""
    seen: set[str] = set()
    stack = list(modules)
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(_module_imports(name) - seen)
    return seen


def notebook_modules(path: Path) -> set[str]:
    """Package modules a notebook's code cells import, with their own imports."""
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    found: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        try:
            found |= _imported(ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))), None)
        except SyntaxError:
            return {name for name in _all_modules()}  # cannot tell: depend on every module
    return module_closure(found)


def _all_modules() -> set[str]:
    return {PACKAGE + ("" if p.stem == "__init__" else "." + ".".join(p.relative_to(PACKAGE_DIR).with_suffix("").parts))
            for p in PACKAGE_DIR.rglob("*.py")}


def code_digest(modules: set[str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(modules):
        digest.update(name.encode())
        digest.update(_module_file(name).read_bytes())
    return digest.hexdigest()


def environment_digest(root: Path) -> str:
    """The pinned requirements and the interpreter: a change to either may change any output."""
    digest = hashlib.sha256(sys.version.encode())
    requirements = Path(root) / "requirements.txt"
    if requirements.is_file():
        digest.update(requirements.read_bytes())
    return digest.hexdigest()


def table_digests(data_dir: Path) -> dict[str, str]:
    """A digest for each table of the data package (by name) and for the descriptor itself."""
    data_dir = Path(data_dir)
    descriptor = data_dir / "datapackage.json"
    digests = {"datapackage.json": hashlib.sha256(descriptor.read_bytes()).hexdigest() if descriptor.is_file() else ""}
    try:
        resources = json.loads(descriptor.read_text(encoding="utf-8")).get("resources", [])
    except (OSError, ValueError):
        resources = []
    for resource in resources:
        path = data_dir / resource.get("path", "")
        digests[resource.get("name", "")] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return digests


def reads_digest(reads: list[str], tables: dict[str, str]) -> str:
    """The digest of the tables a run read ('*': all of them), as they are now."""
    names = sorted(tables) if ALL_TABLES in reads else sorted(set(reads) | {"datapackage.json"})
    return hashlib.sha256(json.dumps({name: tables.get(name, "") for name in names}, sort_keys=True).encode()).hexdigest()
