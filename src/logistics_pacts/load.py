"""Load the validated tables as typed pandas frames for the notebooks.

Which columns are dates or lists comes from data/datapackage.json. Partial dates keep
their precision: for each date column `c` the frame holds the text as published (`c`),
the first and last day of the period it names (`c_start`, `c_end`, datetime64) and its
precision (`c_precision`: day, month or year). List cells (countries, source ids, ...)
also come as tuples in `<column>_list`.

Every call hands out frames of its own: parsed tables are kept (by the data's content) so a
second call is quick, but each caller gets a deep copy, and list cells are tuples, which cannot
be changed in place. What one notebook, or one cell in JupyterLab, does to its frames reaches
no other.

Inside a build, a run's data folder holds only the tables its notebook declares in report.yaml
(its datapackage.json says so under `x-run`); reading any other table raises
UndeclaredTableError, naming the notebook and the table.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .dates import parse_partial_date
from .rules import split_list
from .schema import DataPackage, UndeclaredTableError
from .validate import DataValidationError, validate_cached, validate_data


class Tables(dict):
    """The tables by name. A table the run did not declare raises UndeclaredTableError."""

    def __init__(self, frames: dict, undeclared: set[str] = frozenset(), notebook: str = ""):
        super().__init__(frames)
        self.undeclared, self.notebook = set(undeclared), notebook

    def __missing__(self, name):
        if name in self.undeclared:
            raise UndeclaredTableError(name, self.notebook)
        raise KeyError(name)


@dataclass(frozen=True)
class Dataset:
    tables: Tables
    package: DataPackage
    data_dir: Path

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in getattr(tables, "undeclared", ()):
            raise UndeclaredTableError(name, tables.notebook)
        raise AttributeError(name)

    @property
    def cutoff(self) -> dt.date:
        """The data's own 'today' (datapackage.json 'x-cutoff')."""
        return self.package.cutoff


def _read_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame.apply(lambda column: column.str.strip())


def add_date_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        parsed = [parse_partial_date(v) if v else None for v in frame[column]]
        frame[f"{column}_start"] = pd.to_datetime([p.start if p else None for p in parsed])
        frame[f"{column}_end"] = pd.to_datetime([p.end if p else None for p in parsed])
        frame[f"{column}_precision"] = pd.Categorical([p.precision if p else None for p in parsed],
                                                      categories=["day", "month", "year"])
    return frame


def add_list_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[f"{column}_list"] = frame[column].map(lambda value: tuple(split_list(value)))
    return frame


def load_table(name: str, data_dir: Path, package: DataPackage | None = None) -> pd.DataFrame:
    package = package or DataPackage.read(data_dir)
    frame = _read_csv(Path(data_dir) / package.resources[name]["path"])
    frame = add_date_columns(frame, package.date_columns(name))
    frame = add_list_columns(frame, package.list_columns(name))
    for column in (f["name"] for f in package.fields(name) if f.get("type") in ("number", "integer")):
        frame[column] = pd.to_numeric(frame[column], errors="raise")
    id_column = package.id_column(name)
    frame = frame.set_index(id_column, drop=False)
    if not frame.index.is_unique:
        raise ValueError(f"{name}.csv: duplicate {id_column} values")
    frame.index.name = None
    return frame


@lru_cache(maxsize=4)
def _parsed(data_dir: str, digest: str, validate: bool) -> tuple[dict[str, pd.DataFrame], DataPackage]:
    path = Path(data_dir)
    package = DataPackage.read(path)
    if validate and not package.run.get("validated"):
        problems = _validate(path)
        if problems:
            raise DataValidationError(problems)
    undeclared = set(package.run.get("undeclared", ()))
    return {name: load_table(name, path, package) for name in package.table_names if name not in undeclared}, package


def _validate(data_dir: Path) -> list:
    """Validate, reusing the stamp a build of the enclosing project left for this exact data."""
    from .project import Project, ProjectNotFound

    try:
        project = Project.discover(data_dir, data=data_dir)
    except ProjectNotFound:
        return validate_data(data_dir)
    problems, _ = validate_cached(data_dir, project.cache, project.seeds)
    return problems


def load_dataset(data_dir: Path | str, validate: bool = True) -> Dataset:
    """Every table of the data package at `data_dir`, validated first (raises
    DataValidationError listing every problem), as frames the caller owns."""
    from .fingerprint import data_digest

    path = Path(data_dir).resolve()
    frames, package = _parsed(str(path), data_digest(path), validate)  # keyed by content: an edited CSV is read again
    run = package.run
    tables = Tables({name: frame.copy(deep=True) for name, frame in frames.items()},
                    undeclared=set(run.get("undeclared", ())), notebook=run.get("notebook", ""))
    return Dataset(tables, DataPackage(copy.deepcopy(package.descriptor), package.path), path)
