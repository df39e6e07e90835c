"""The build configuration (report.yaml) and the notebook runs it implies.

Every notebook declares the tables it reads (`tables:`); a run is given only those, and its
cache key covers only those. The profile notebook runs once per partner.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportError
from ..project import Project


class ConfigError(ReportError):
    pass


@dataclass(frozen=True)
class NotebookSpec:
    file: str                        # file name in notebooks/
    tables: tuple[str, ...]          # the tables it reads
    parameters: dict = field(default_factory=dict, hash=False, compare=False)  # its own parameter values
    all_schemas: bool = False        # `schemas: all`: it reads every table's description (not their rows)
    page: str = "portrait"           # `page: landscape`: the section prints on landscape pages
    printed: bool = True             # `print: false`: the section is in the HTML report only, not in the PDF


@dataclass(frozen=True, eq=False)
class Execution:
    """One notebook run with one set of parameters."""
    notebook: str              # file name in notebooks/
    parameters: dict
    output: str                # "main" or "partner"
    label: str                 # e.g. "03-india-network" or "partner: Australia"
    tables: tuple[str, ...] = ()
    partner: str | None = None  # slug of the partner's name, for partner runs
    all_schemas: bool = False
    page: str = "portrait"
    printed: bool = True

    @property
    def stem(self) -> str:
        return Path(self.notebook).stem + (f"-{self.partner}" if self.partner else "")


@dataclass
class BuildConfig:
    title: str
    notebooks: list[NotebookSpec]
    profile: NotebookSpec
    partners: list[str]
    parameters: dict = field(default_factory=dict)
    workers: int = 2
    report: dict = field(default_factory=dict)   # publication details: url, publisher, licence, ...

    def executions(self, project: Project) -> list[Execution]:
        """Every run, each given only the parameters its notebook declares."""
        from ..countries import country_name, slug

        runs = [Execution(spec.file, declared(project.notebooks / spec.file, dict(self.parameters, **spec.parameters)),
                          "main", Path(spec.file).stem, spec.tables, all_schemas=spec.all_schemas, page=spec.page,
                          printed=spec.printed)
                for spec in self.notebooks]
        profile = project.notebooks / self.profile.file
        for partner in self.partners:
            parameters = declared(profile, dict(self.parameters, **self.profile.parameters, partner=partner))
            runs.append(Execution(self.profile.file, parameters, "partner", f"partner: {country_name(partner)}",
                                  self.profile.tables, partner=slug(country_name(partner)), all_schemas=self.profile.all_schemas))
        return runs


def parameter_names(notebook: Path) -> list[str]:
    """Names assigned in the notebook's cell tagged `parameters`."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            tree = ast.parse(source)
            return [target.id for node in tree.body if isinstance(node, ast.Assign)
                    for target in node.targets if isinstance(target, ast.Name)]
    return []


def declared(notebook: Path, parameters: dict) -> dict:
    names = set(parameter_names(notebook))
    return {key: value for key, value in parameters.items() if key in names}


def _spec(path: Path, where: str, raw, tables_known: list[str]) -> NotebookSpec:
    if not isinstance(raw, dict) or "file" not in raw:
        raise ConfigError(f"{path}: {where} must give 'file' (the notebook) and 'tables' (the tables it reads), "
                          f"e.g. {{file: 01-key-findings.ipynb, tables: [agreements, events, sources]}}")
    tables = raw.get("tables")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: {where} ({raw['file']}) does not declare the tables it reads; add "
                          f"tables: [...] with some of: {', '.join(tables_known)}")
    unknown = [t for t in tables if t not in tables_known]
    if unknown and tables_known:
        raise ConfigError(f"{path}: {where} ({raw['file']}) declares unknown table(s) {', '.join(map(str, unknown))}; "
                          f"the data package has: {', '.join(tables_known)}")
    schemas = raw.get("schemas", "declared")
    if schemas not in ("declared", "all"):
        raise ConfigError(f"{path}: {where} ({raw['file']}): schemas must be 'declared' (the default) or 'all'")
    page = raw.get("page", "portrait")
    if page not in ("portrait", "landscape"):
        raise ConfigError(f"{path}: {where} ({raw['file']}): page must be 'portrait' (the default) or 'landscape', not {page!r}")
    printed = raw.get("print", True)
    if not isinstance(printed, bool):
        raise ConfigError(f"{path}: {where} ({raw['file']}): print must be true (the default) or false, not {printed!r}")
    return NotebookSpec(str(raw["file"]), tuple(str(t) for t in tables), dict(raw.get("parameters") or {}), schemas == "all",
                        page, printed)


def load_config(project: Project, overrides: dict | None = None) -> BuildConfig:
    import yaml

    path = project.config_file
    shown = path.name
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{shown}: the build configuration is missing") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{shown}: is not valid YAML ({exc})") from None
    for key in ("title", "notebooks", "profile", "partners"):
        if key not in raw:
            raise ConfigError(f"{shown}: key '{key}' is missing")
    known = _table_names(project)
    config = BuildConfig(title=str(raw["title"]),
                         notebooks=[_spec(Path(shown), f"notebooks[{i}]", item, known) for i, item in enumerate(raw["notebooks"])],
                         profile=_spec(Path(shown), "profile", raw["profile"], known),
                         partners=list(raw["partners"]), parameters=dict(raw.get("parameters") or {}),
                         workers=int(raw.get("workers", 2)), report=dict(raw.get("report") or {}))
    apply_overrides(config, overrides or {}, project)
    check_publication(config, project, shown)
    for spec in [*config.notebooks, config.profile]:
        if not (project.notebooks / spec.file).is_file():
            raise ConfigError(f"{shown}: notebook '{spec.file}' is not in {project.notebooks.name}/")
    return config


def check_publication(config: BuildConfig, project: Project, shown: str) -> None:
    """The `report:` block (title page, citation) checked before anything runs."""
    import datetime as dt

    from logistics_pacts import __version__

    from .citation import PublicationError, publication

    package = _descriptor(project)
    try:
        publication(config.report, config.title, __version__, package.cutoff if package else dt.date.today(), shown)
    except PublicationError as exc:
        raise ConfigError(str(exc)) from None


def _descriptor(project: Project):
    from ..schema import DataPackage, DescriptorError

    try:
        return DataPackage.read(project.data)
    except DescriptorError:
        return None  # validation reports the broken descriptor


def _table_names(project: Project) -> list[str]:
    package = _descriptor(project)
    return package.table_names if package else []


def apply_overrides(config: BuildConfig, overrides: dict, project: Project) -> None:
    """Command-line overrides (partner, start_year, end_year, event_kinds, workers), checked by the
    same rules the notebooks apply to their parameters."""
    from ..countries import PartnerNameError, resolve_partner
    from ..parameters import ParameterError, check_kinds, check_years

    package = _descriptor(project)
    try:
        if overrides.get("partner"):
            try:
                config.partners = [resolve_partner(p) for p in str(overrides["partner"]).split(",") if p.strip()]
            except PartnerNameError as exc:
                raise ParameterError(f"partner: {exc}") from None
        for key in ("start_year", "end_year"):
            if overrides.get(key) not in (None, ""):
                config.parameters[key] = overrides[key]
        latest = package.cutoff.year if package else 9999
        if "start_year" in config.parameters or "end_year" in config.parameters:
            config.parameters["start_year"], config.parameters["end_year"] = check_years(
                config.parameters.get("start_year"), config.parameters.get("end_year"), latest)
        if overrides.get("event_kinds"):
            allowed = package.enum("events", "kind") if package else []
            config.parameters["event_kinds"] = check_kinds(str(overrides["event_kinds"]), allowed)
    except ParameterError as exc:
        raise ConfigError(str(exc).replace("start_year", "START_YEAR").replace("end_year", "END_YEAR")
                          .replace("event_kinds", "KINDS").replace("partner:", "PARTNER:")) from None
    if overrides.get("workers"):
        config.workers = max(1, int(overrides["workers"]))
