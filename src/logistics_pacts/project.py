"""The project context: where the data, notebooks, cache and outputs of one project live.

Nothing here runs at import. A context is made explicitly, either from a root folder
(`Project.at(root)`) or by looking upwards from a folder for the one holding
`data/datapackage.json` and `notebooks/` (`Project.discover()`), and then passed down to
validation, the build and, as parameters, to the notebooks.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ReportError


class ProjectNotFound(ReportError):
    pass


@dataclass(frozen=True)
class Project:
    root: Path
    data: Path
    notebooks: Path
    cache: Path
    report: Path
    figures: Path
    failed: Path
    config_file: Path
    seeds: Path
    scratch: Path

    @classmethod
    def at(cls, root: Path | str, data: Path | str | None = None) -> "Project":
        root = Path(root).resolve()
        return cls(root=root, data=Path(data).resolve() if data else root / "data", notebooks=root / "notebooks",
                   cache=root / ".cache", report=root / "report", figures=root / "figures",
                   failed=root / "build-failed", config_file=root / "report.yaml",
                   seeds=root.parent / "shared" / "seeds", scratch=root / ".scratch")

    @classmethod
    def discover(cls, start: Path | str | None = None, data: Path | str | None = None) -> "Project":
        """The nearest folder at or above `start` (default: the working folder) that holds a project."""
        here = Path(start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "data" / "datapackage.json").is_file() and (candidate / "notebooks").is_dir():
                return cls.at(candidate, data)
        raise ProjectNotFound(f"{here} is not inside a project: no folder above it holds data/datapackage.json "
                              "and notebooks/. Run the command from the project folder or pass --root.")

    def with_data(self, data: Path | str | None) -> "Project":
        return self if data is None else replace(self, data=Path(data).resolve())

    def display(self, path: Path) -> str:
        """A path as a person would type it: relative to the project root when inside it."""
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def display_path(path: Path, base: Path | None = None) -> str:
    """`path` relative to `base` (default: the working folder) when inside it, else as given."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(path)
