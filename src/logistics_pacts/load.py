"""Load the validated tables as typed pandas frames for the notebooks.

Which columns are dates or lists comes from data/datapackage.json. Partial dates keep
their precision: for each date column `c` the frame holds the text as published (`c`),
the first and last day of the period it names (`c_start`, `c_end`, datetime64) and its
precision (`c_precision`: day, month or year). List cells (countries, source ids, ...)
also come as Python lists in `<column>_list`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .dates import parse_partial_date
from .rules import split_list
from .schema import DataPackage
from .validate import DataValidationError, validate_cached, validate_data


# The tables read since forget_reads(): the build asks a kernel after each run, so that the
# run is re-executed only when one of them changes ("*": every table).
_READS: set[str] = set()


def tables_read() -> list[str]:
    return sorted(_READS)


def forget_reads() -> None:
    _READS.clear()


class Tables(dict):
    """The tables by name; reading one records it, going through all records every table."""

    def __getitem__(self, name):
        _READS.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        _READS.add(name)
        return super().get(name, default)

    def items(self):
        _READS.add("*")
        return super().items()

    def values(self):
        _READS.add("*")
        return super().values()


@dataclass(frozen=True)
class Dataset:
    tables: Tables
    package: DataPackage
    data_dir: Path
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def cutoff(self) -> dt.date:
        """The data's own 'today' (datapackage.json 'x-cutoff')."""
        return self.package.cutoff

    @property
    def digest(self) -> str:
        """SHA-256 of every file of the data package: depends on all of it."""
        from .fingerprint import data_digest

        _READS.add("*")
        return data_digest(self.data_dir)


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
        frame[f"{column}_list"] = frame[column].map(split_list)
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
def _load(data_dir: str, digest: str, validate: bool) -> Dataset:
    path = Path(data_dir)
    if validate:
        problems = _validate(path)
        if problems:
            raise DataValidationError(problems)
    package = DataPackage.read(path)
    return Dataset(Tables({name: load_table(name, path, package) for name in package.table_names}), package, path)


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
    DataValidationError listing every problem)."""
    from .fingerprint import data_digest

    path = Path(data_dir).resolve()
    return _load(str(path), data_digest(path), validate)  # keyed by content: an edited CSV is read again
