"""The data package descriptor (data/datapackage.json) is the single source of truth for
what the tables hold: their columns, allowed values and human labels, and the role each
column plays. Code and notebooks read these here instead of typing them again.

Column roles are custom field properties, which Frictionless ignores:
  "x-role": "partial-date"   an ISO 8601 date at year, month or day precision
  "x-role": "countries"      ISO 3166-1 alpha-3 codes joined by the list separator
  "x-list": true             a cell holding several values joined by the list separator
  "x-references": "<table>"  each value is an id in that table (lists included)
  "x-date-source-of": "<c>"  names the source that states the date in column <c>
  "x-labels": {value: label} human labels for an enum's values
The package itself carries "x-cutoff", the data's own 'today': no output depends on the
wall clock, and no recorded date may fall after it.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

LIST_SEPARATOR = ";"


class DescriptorError(Exception):
    pass


class UndeclaredTableError(LookupError):
    """A notebook read a table it does not declare in report.yaml."""

    def __init__(self, table: str, notebook: str):
        self.table, self.notebook = table, notebook
        super().__init__(f"notebooks/{notebook} reads the table '{table}', which it does not declare: add '{table}' "
                         f"to its tables in report.yaml (the build gives a run only the tables it declares)")

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class DataPackage:
    descriptor: dict
    path: Path

    @classmethod
    def read(cls, data_dir: Path | str) -> "DataPackage":
        path = Path(data_dir) / "datapackage.json"
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DescriptorError(f"{path}: file is missing; it describes the tables and their columns") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DescriptorError(f"{path}:{getattr(exc, 'lineno', 0)}: is not valid JSON ({exc})") from None
        return cls(descriptor, path)

    # ------------------------------------------------------------------ tables and fields

    @cached_property
    def resources(self) -> dict[str, dict]:
        return {resource["name"]: resource for resource in self.descriptor.get("resources", [])}

    @property
    def table_names(self) -> list[str]:
        return list(self.resources)

    @property
    def run(self) -> dict:
        """What a build says of the run this package was given to ('x-run'): the notebook, the tables
        it declares and those it does not, and that the tables were validated. Empty outside a build."""
        return self.descriptor.get("x-run") or {}

    def resource(self, table: str) -> dict:
        try:
            return self.resources[table]
        except KeyError:
            if table in self.run.get("undeclared", ()):
                raise UndeclaredTableError(table, self.run.get("notebook", "")) from None
            raise

    def fields(self, table: str) -> list[dict]:
        return self.resource(table)["schema"]["fields"]

    def field(self, table: str, column: str) -> dict:
        for field in self.fields(table):
            if field["name"] == column:
                return field
        raise KeyError(f"{table}.{column} is not described in {self.path.name}")

    def column_names(self, table: str) -> list[str]:
        return [f["name"] for f in self.fields(table)]

    def id_column(self, table: str) -> str:
        key = self.resource(table)["schema"].get("primaryKey")
        return key[0] if isinstance(key, list) else key

    def _with(self, table: str, predicate) -> list[str]:
        return [f["name"] for f in self.fields(table) if predicate(f)] if table in self.resources else []

    # ------------------------------------------------------------------ roles

    def date_columns(self, table: str) -> list[str]:
        return self._with(table, lambda f: f.get("x-role") == "partial-date")

    def country_columns(self, table: str) -> list[str]:
        return self._with(table, lambda f: f.get("x-role") == "countries")

    def list_columns(self, table: str) -> list[str]:
        return self._with(table, lambda f: f.get("x-list") or f.get("x-role") == "countries")

    def references(self, table: str) -> list[tuple[str, str, bool]]:
        """(column, referenced table, is a list) for every column holding ids of another table."""
        return [(f["name"], f["x-references"], bool(f.get("x-list"))) for f in self.fields(table) if f.get("x-references")]

    def date_sources(self, table: str) -> dict[str, str]:
        """{column naming a source: the date column whose value that source states}."""
        return {f["name"]: f["x-date-source-of"] for f in self.fields(table) if f.get("x-date-source-of")} \
            if table in self.resources else {}

    def enum(self, table: str, column: str) -> list[str]:
        return list(self.field(table, column).get("constraints", {}).get("enum", []))

    def labels(self, table: str, column: str) -> dict[str, str]:
        """Human label of every allowed value, in the enum's order (the value itself when none is given)."""
        given = self.field(table, column).get("x-labels", {})
        return {value: given.get(value, value.replace("_", " ")) for value in self.enum(table, column)}

    @property
    def cutoff(self) -> dt.date:
        value = self.descriptor.get("x-cutoff")
        if not value:
            raise DescriptorError(f"{self.path}: 'x-cutoff' (the data's cut-off date, YYYY-MM-DD) is missing")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise DescriptorError(f"{self.path}: 'x-cutoff' value '{value}' is not a date YYYY-MM-DD") from None


def event_kinds(data_dir: Path | str) -> list[str]:
    """Every event kind the data allows, in the order the descriptor lists them."""
    return DataPackage.read(data_dir).enum("events", "kind")
