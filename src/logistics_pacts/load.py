"""Load the validated tables as typed pandas frames for the notebooks.

Partial dates keep their precision: for each date column `c` the frame holds
the text as published (`c`), the first day of the period it names (`c_start`,
datetime64) and its precision (`c_precision`: day, month or year).
List cells (`parties`, `countries`, `source_ids`) also come as Python lists in
`<column>_list`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .dates import parse_partial_date
from .paths import DATA_DIR
from .validate import DATE_COLUMNS, LIST_SEPARATOR, DataValidationError, validate_cached

LIST_COLUMNS = ("parties", "countries", "source_ids")


@dataclass(frozen=True)
class Dataset:
    sources: pd.DataFrame
    agreements: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame
    data_dir: Path

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"sources": self.sources, "agreements": self.agreements, "events": self.events, "claims": self.claims}


def _read_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame.apply(lambda column: column.str.strip())


def _add_date_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        parsed = [parse_partial_date(v) if v else None for v in frame[column]]
        frame[f"{column}_start"] = pd.to_datetime([p.start if p else None for p in parsed])
        frame[f"{column}_end"] = pd.to_datetime([p.end if p else None for p in parsed])
        frame[f"{column}_precision"] = pd.Categorical([p.precision if p else None for p in parsed],
                                                      categories=["day", "month", "year"])
    return frame


def _add_list_columns(frame: pd.DataFrame) -> pd.DataFrame:
    for column in LIST_COLUMNS:
        if column in frame:
            frame[f"{column}_list"] = frame[column].map(
                lambda v: [p.strip() for p in v.split(LIST_SEPARATOR) if p.strip()])
    return frame


def load_table(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    frame = _read_csv(Path(data_dir) / f"{name}.csv")
    frame = _add_date_columns(frame, DATE_COLUMNS.get(name, ()))
    frame = _add_list_columns(frame)
    if name == "agreements":
        frame["duration_years"] = pd.to_numeric(frame["duration_years"], errors="raise")
    return frame


@lru_cache(maxsize=4)
def _load(data_dir: str, validate: bool) -> Dataset:
    path = Path(data_dir)
    if validate:
        problems, _ = validate_cached(path)
        if problems:
            raise DataValidationError(problems)
    tables = {name: load_table(name, path) for name in ("sources", "agreements", "events", "claims")}
    for name, id_column in (("sources", "source_id"), ("agreements", "agreement_id"),
                            ("events", "event_id"), ("claims", "claim_id")):
        frame = tables[name].set_index(id_column, drop=False)
        if not frame.index.is_unique:
            raise ValueError(f"{name}.csv: duplicate {id_column} values")
        frame.index.name = None
        tables[name] = frame
    return Dataset(data_dir=path, **tables)


def load_dataset(data_dir: Path | str = DATA_DIR, validate: bool = True) -> Dataset:
    """All four tables, validated first (raises DataValidationError listing every problem)."""
    return _load(str(Path(data_dir).resolve()), validate)
