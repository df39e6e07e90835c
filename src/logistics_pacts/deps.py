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


def _imported(tree: ast.AST) -> set[str]:
    """Names under the package an AST imports, anywhere in it (function-level imports included):
    modules, and names imported from them (which may be modules too)."""
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
    return found


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


# Package imports found in a piece of source, by the source's SHA-256: parsing is the slow part
# of computing run keys, so the build keeps what it found in its cache (imports.json) and a build
# with nothing changed parses nothing.
_IMPORTS: dict[str, list[str]] = {}
_LOADED: dict[str, list[str]] = {}


def load_import_index(path: Path) -> None:
    try:
        _IMPORTS.update(json.loads(Path(path).read_text()))
    except (OSError, ValueError):
        pass
    _LOADED.clear()
    _LOADED.update(_IMPORTS)


def save_import_index(path: Path) -> None:
    """Write the index when something new was parsed."""
    if _IMPORTS == _LOADED:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(path).with_name(Path(path).name + ".tmp")
    tmp.write_text(json.dumps(_IMPORTS, sort_keys=True))
    tmp.replace(path)


def _imports_in(source: str) -> set[str]:
    """The package modules the source imports (that exist now), and the package itself."""
    key = hashlib.sha256(source.encode()).hexdigest()
    if key not in _IMPORTS:
        _IMPORTS[key] = sorted(_imported(ast.parse(source)))
    modules = {name for name in _IMPORTS[key] if _module_file(name) is not None}
    return modules | ({PACKAGE} if modules else set())


@lru_cache(maxsize=None)
def _module_imports(name: str) -> frozenset[str]:
    path = _module_file(name)
    return frozenset(_imports_in(path.read_text(encoding="utf-8"))) if path else frozenset()


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


@lru_cache(maxsize=None)
def _notebook_modules(path: Path, digest: str) -> frozenset[str]:
    return frozenset(_notebook_modules_uncached(path))


def notebook_modules(path: Path, digest: str | None = None) -> set[str]:
    """Package modules a notebook's code cells import, with their own imports (`digest`: the
    notebook's, when the caller has it)."""
    return set(_notebook_modules(Path(path), digest or notebook_digest(path)))


def _notebook_modules_uncached(path: Path) -> set[str]:
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    found: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        try:
            found |= _imports_in("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
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
