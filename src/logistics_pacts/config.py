"""The build configuration (report.yaml) and the notebook runs it implies."""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from .project import Project


class ConfigError(Exception):
    pass


@dataclass(frozen=True, eq=False)
class Execution:
    """One notebook run with one set of parameters."""
    notebook: str              # file name in notebooks/
    parameters: dict
    output: str                # "main" or "partner"
    label: str                 # e.g. "03-india-network" or "partner: Australia"
    partner: str | None = None  # slug of the partner's name, for partner runs

    def parameter_json(self) -> str:
        return json.dumps(self.parameters, sort_keys=True, ensure_ascii=False)


@dataclass
class BuildConfig:
    title: str
    notebooks: list[str]
    profile_notebook: str
    partners: list[str]
    parameters: dict = field(default_factory=dict)
    workers: int = 2

    def executions(self, project: Project) -> list[Execution]:
        """Every run, each given only the parameters its notebook declares."""
        from .countries import country_name, slug

        runs = [Execution(nb, declared(project.notebooks / nb, self.parameters), "main", Path(nb).stem)
                for nb in self.notebooks]
        profile = project.notebooks / self.profile_notebook
        for partner in self.partners:
            runs.append(Execution(self.profile_notebook, declared(profile, dict(self.parameters, partner=partner)), "partner",
                                  f"partner: {country_name(partner)}", partner=slug(country_name(partner))))
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


def load_config(project: Project, overrides: dict | None = None) -> BuildConfig:
    import yaml

    path = project.config_file
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: the build configuration is missing") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: is not valid YAML ({exc})") from None
    for key in ("title", "notebooks", "profile_notebook", "partners"):
        if key not in raw:
            raise ConfigError(f"{path}: key '{key}' is missing")
    config = BuildConfig(title=raw["title"], notebooks=list(raw["notebooks"]), profile_notebook=raw["profile_notebook"],
                         partners=list(raw["partners"]), parameters=dict(raw.get("parameters") or {}),
                         workers=int(raw.get("workers", 2)))
    apply_overrides(config, overrides or {}, allowed_kinds=_event_kinds(project))
    for nb in [*config.notebooks, config.profile_notebook]:
        if not (project.notebooks / nb).is_file():
            raise ConfigError(f"{path}: notebook '{nb}' is not in {project.notebooks.name}/")
    return config


def _event_kinds(project: Project) -> list[str]:
    from .schema import DataPackage, DescriptorError

    try:
        return DataPackage.read(project.data).enum("events", "kind")
    except (DescriptorError, KeyError):
        return []  # validation reports the broken descriptor


def apply_overrides(config: BuildConfig, overrides: dict, allowed_kinds: list[str]) -> None:
    """Command-line overrides: partner, start_year, end_year, event_kinds, workers."""
    from .countries import PartnerNameError, resolve_partner

    if overrides.get("partner"):
        try:
            config.partners = [resolve_partner(p) for p in str(overrides["partner"]).split(",") if p.strip()]
        except PartnerNameError as exc:
            raise ConfigError(f"PARTNER: {exc}") from None
    for key in ("start_year", "end_year"):
        if overrides.get(key) not in (None, ""):
            try:
                config.parameters[key] = int(overrides[key])
            except ValueError:
                raise ConfigError(f"{key.upper()}='{overrides[key]}' is not a year") from None
    if overrides.get("event_kinds"):
        kinds = [k.strip() for k in str(overrides["event_kinds"]).split(",") if k.strip()]
        unknown = [k for k in kinds if k not in allowed_kinds]
        if unknown:
            raise ConfigError(f"KINDS: unknown event kind(s) {', '.join(unknown)}; expected some of "
                              f"{', '.join(allowed_kinds)} (data/datapackage.json)")
        config.parameters["event_kinds"] = kinds
    if overrides.get("workers"):
        config.workers = max(1, int(overrides["workers"]))
    if config.parameters.get("start_year", 0) > config.parameters.get("end_year", 9999):
        raise ConfigError(f"START_YEAR {config.parameters['start_year']} is after END_YEAR {config.parameters['end_year']}")
