"""Validate the data package: structure, the Table Schema (through frictionless), then
the named rules that span columns and tables (rules.py). Every problem is collected and
reported together as `file:line: column 'x' value 'y': what is wrong and what is expected`,
where line is the line number in the CSV file (the header is line 1)."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

from .errors import ReportError
from .project import display_path
from .rules import Problem, Table, Tables, run_rules
from .schema import DataPackage, DescriptorError


class DataValidationError(ReportError):
    """Raised by the loader when the data does not validate; carries the problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))


def format_problems(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"{len(problems)} {noun} found in the data; fix them and run `make validate` again.")
    return "\n".join(lines)


def skip_uri_grammar() -> None:
    """jsonschema (through frictionless) builds a URI grammar at import, ~3 s, when the optional
    rfc3987-syntax package is installed (JupyterLab pulls it in). No schema here checks URI
    formats, so the package is marked absent in this process before the first import."""
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


# --------------------------------------------------------------------------- reading

def _read_table(name: str, path: Path, fields: list[str], problems: list[Problem]) -> Table:
    table = Table(name=name, path=path, label=display_path(path))
    if not path.is_file():
        problems.append(Problem(table.label, 0, "", "", f"file is missing; the data package lists it as resource '{name}'"))
        return table
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(_encoding_problem(table.label, raw, exc))
        return table
    if not text.strip():
        problems.append(Problem(table.label, 1, "", "", "file is empty; expected a header row: " + ",".join(fields)))
        return table
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = []
        start = 1
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(table.label, start, "", "", f"the CSV cannot be read ({exc}): a quoted field is not closed, or the file was cut off"))
        return table
    header = [h.strip() for h in records[0][1]]
    table.header = header
    missing = [f for f in fields if f not in header]
    unknown = [h for h in header if h not in fields]
    for column in missing:
        problems.append(Problem(table.label, 1, column, "", "column is missing from the header; expected columns: " + ",".join(fields)))
    for column in unknown:
        problems.append(Problem(table.label, 1, column, "", "unknown column; describe it in data/datapackage.json or remove it"))
    duplicates = {h for h in header if header.count(h) > 1}
    for column in sorted(duplicates):
        problems.append(Problem(table.label, 1, column, "", "column appears more than once in the header"))
    if missing or unknown or duplicates:
        return table
    for line, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(table.label, line, "", "", f"row has {len(record)} cells but the header has {len(header)}: the line is truncated or a comma is not quoted"))
            continue
        table.rows.append(dict(zip(header, record)))
        table.lines.append(line)
    table.usable = True
    return table


def _encoding_problem(label: str, raw: bytes, exc: UnicodeDecodeError) -> Problem:
    line_no = raw.count(b"\n", 0, exc.start) + 1
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    line_end = raw.find(b"\n", exc.start)
    line = raw[line_start: line_end if line_end >= 0 else len(raw)].decode("utf-8", errors="replace")
    header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
    column, value = "", raw[exc.start: exc.end + 8].decode("utf-8", errors="replace")
    try:
        cells = next(csv.reader([line]))
        for index, cell in enumerate(cells):
            if "\ufffd" in cell:
                column = header[index] if index < len(header) else f"#{index + 1}"
                value = cell
                break
    except (csv.Error, StopIteration):
        pass
    message = f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8"
    return Problem(label, line_no, column, value, message)


# --------------------------------------------------------------------------- schema

def _schema_problems(table: Table, schema: dict, date_columns: list[str]) -> list[Problem]:
    """Run frictionless on one table and translate its errors for people."""
    skip_uri_grammar()
    from frictionless import Resource, Schema

    descriptor = dict(_without_foreign_keys(schema), fieldsMatch="equal")  # same columns, any order
    resource = Resource(path=table.path.name, basepath=str(table.path.parent), schema=Schema.from_descriptor(descriptor),
                        encoding="utf-8-sig")
    report = resource.validate()
    line_of = dict(zip(range(2, len(table.lines) + 2), table.lines))
    problems = []
    date_fields = set(date_columns)
    enums = {f["name"]: f.get("constraints", {}).get("enum") for f in schema["fields"]}
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    for task in report.tasks:
        for error in task.errors:
            kind = error.type
            column = getattr(error, "field_name", "") or ""
            value = getattr(error, "cell", "") or ""
            row_number = getattr(error, "row_number", None)
            # Rows with the wrong number of cells are already reported by the reader.
            if kind in ("missing-cell", "extra-cell", "blank-row"):
                continue
            line = line_of.get(row_number, row_number or 1)
            note = getattr(error, "note", "") or ""
            if kind == "constraint-error" and column in date_fields and "pattern" in note:
                continue  # reported by the date rule with a clearer message
            if kind == "constraint-error" and "required" in note:
                message = "is empty; this column is required"
            elif kind == "constraint-error" and "enum" in note:
                message = "is not allowed; expected one of: " + ", ".join(enums.get(column) or [])
            elif kind == "constraint-error" and "pattern" in note:
                message = _pattern_hint(column)
            elif kind == "constraint-error" and "unique" in note:
                continue  # reported by the duplicate-id rule, which names the first line
            elif kind == "constraint-error":
                message = f"breaks a constraint ({note})"
            elif kind == "type-error":
                message = f"is not a valid {types.get(column, 'value')}"
            elif kind in ("primary-key", "unique-error"):
                continue  # reported by the duplicate-id rule, which names the first line
            else:
                message = error.message
            problems.append(Problem(table.label, int(line), column, str(value), message))
    return problems


def _without_foreign_keys(schema: dict) -> dict:
    # Foreign keys are checked across tables in code, with line numbers and list-valued cells.
    return {k: v for k, v in schema.items() if k != "foreignKeys"}


def _pattern_hint(column: str) -> str:
    if column in ("parties", "countries"):
        return "expected ISO 3166-1 alpha-3 codes in capitals joined by ';', e.g. IND;JPN"
    if column == "source_ids":
        return "expected source ids (lowercase letters, digits, '-') joined by ';'"
    if column == "url":
        return "expected an http(s) address with no spaces"
    if column == "accessed":
        return "expected a full date YYYY-MM-DD"
    return "expected lowercase letters, digits and '-' only"


# --------------------------------------------------------------------------- entry points

def _validator_digest() -> str:
    """The validator's own code: a change to a rule invalidates every stamp."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("validate.py", "rules.py", "schema.py", "dates.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def validate_cached(data_dir: Path, cache_dir: Path, seeds_dir: Path | None = None) -> tuple[list[Problem], bool]:
    """Validate unless this exact data, checked by this exact validator, already passed; returns (problems, ran)."""
    from .fingerprint import data_digest

    key = hashlib.sha256((data_digest(data_dir) + _validator_digest() + str(seeds_dir)).encode()).hexdigest()
    stamp = Path(cache_dir) / "validated" / key
    if stamp.is_file():
        return [], False
    problems = validate_data(data_dir, seeds_dir=seeds_dir)
    if not problems:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text("ok\n")
    return problems, True


def validate_data(data_dir: Path, cutoff: dt.date | None = None, seeds_dir: Path | None = None) -> list[Problem]:
    """Return every problem found in the data package at `data_dir` (empty when valid).
    `cutoff` overrides the package's own 'x-cutoff' (tests)."""
    data_dir = Path(data_dir)
    try:
        package = DataPackage.read(data_dir)
        cutoff = cutoff or package.cutoff
    except DescriptorError as exc:
        return [Problem(display_path(data_dir / "datapackage.json"), 0, "", "", str(exc).split(": ", 1)[-1])]
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for name, resource in package.resources.items():
        table = _read_table(name, data_dir / resource["path"], package.column_names(name), problems)
        if table.usable:
            problems.extend(_schema_problems(table, resource["schema"], package.date_columns(name)))
            tables[name] = table
    problems.extend(run_rules(Tables(tables, package, cutoff, seeds_dir)))
    return sorted(set(problems), key=lambda p: (p.file, p.row, p.column, p.message))
