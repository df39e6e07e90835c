"""The build configuration (report.yaml) and the executions it implies."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .paths import CONFIG_FILE, NOTEBOOKS_DIR

DEFAULT_EVENT_KINDS = ["agreement_milestone", "declaration", "summit", "two_plus_two", "ministerial",
                       "dialogue", "exercise", "context"]


class ConfigError(Exception):
    pass


@dataclass(frozen=True, eq=False)
class Execution:
    """One notebook run with one set of parameters."""
    notebook: str              # file name in notebooks/
    parameters: dict
    output: str                # "main" or "partner"
    label: str                 # e.g. "03-india-network" or "partner: Australia"
    partner: str | None = None

    def parameter_json(self) -> str:
        return json.dumps(self.parameters, sort_keys=True, ensure_ascii=False)

    def key(self, inputs_digest: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> str:
        digest = hashlib.sha256()
        digest.update((notebooks_dir / self.notebook).read_bytes())
        digest.update(self.parameter_json().encode())
        digest.update(inputs_digest.encode())
        return digest.hexdigest()[:20]


@dataclass
class BuildConfig:
    title: str
    notebooks: list[str]
    profile_notebook: str
    partners: list[str]
    parameters: dict = field(default_factory=dict)
    workers: int = 2

    def executions(self) -> list[Execution]:
        from .countries import country_name, slug

        runs = [Execution(nb, dict(self.parameters), "main", Path(nb).stem) for nb in self.notebooks]
        for partner in self.partners:
            params = dict(self.parameters, partner=partner)
            runs.append(Execution(self.profile_notebook, params, "partner",
                                  f"partner: {country_name(partner)}", partner=slug(country_name(partner))))
        return runs


def load_config(path: Path = CONFIG_FILE, overrides: dict | None = None) -> BuildConfig:
    import yaml

    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: the build configuration is missing") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: is not valid YAML ({exc})") from None
    for key in ("title", "notebooks", "profile_notebook", "partners", "parameters"):
        if key not in raw:
            raise ConfigError(f"{path}: key '{key}' is missing")
    config = BuildConfig(title=raw["title"], notebooks=list(raw["notebooks"]), profile_notebook=raw["profile_notebook"],
                         partners=list(raw["partners"]), parameters=dict(raw["parameters"]),
                         workers=int(raw.get("workers", 2)))
    apply_overrides(config, overrides or {})
    for nb in [*config.notebooks, config.profile_notebook]:
        if not (NOTEBOOKS_DIR / nb).is_file():
            raise ConfigError(f"{path}: notebook '{nb}' is not in {NOTEBOOKS_DIR.name}/")
    return config


def apply_overrides(config: BuildConfig, overrides: dict) -> None:
    """Command-line overrides: partner, start_year, end_year, event_kinds, workers."""
    from .countries import resolve_partner

    if overrides.get("partner"):
        try:
            config.partners = [resolve_partner(p) for p in str(overrides["partner"]).split(",") if p.strip()]
        except LookupError:
            raise ConfigError(f"PARTNER='{overrides['partner']}' is not a country name or ISO alpha-3 code") from None
    for key in ("start_year", "end_year"):
        if overrides.get(key) not in (None, ""):
            try:
                config.parameters[key] = int(overrides[key])
            except ValueError:
                raise ConfigError(f"{key.upper()}='{overrides[key]}' is not a year") from None
    if overrides.get("event_kinds"):
        kinds = [k.strip() for k in str(overrides["event_kinds"]).split(",") if k.strip()]
        unknown = [k for k in kinds if k not in DEFAULT_EVENT_KINDS]
        if unknown:
            raise ConfigError(f"KINDS: unknown event kind(s) {', '.join(unknown)}; expected some of {', '.join(DEFAULT_EVENT_KINDS)}")
        config.parameters["event_kinds"] = kinds
    if overrides.get("workers"):
        config.workers = max(1, int(overrides["workers"]))
    if config.parameters.get("start_year", 0) > config.parameters.get("end_year", 9999):
        raise ConfigError(f"START_YEAR {config.parameters['start_year']} is after END_YEAR {config.parameters['end_year']}")
