"""Validate the data package: structure, the Table Schema (through frictionless),
then rules that span columns and tables. Every problem is collected and reported
together as `file:row: column 'x' value 'y': what is wrong and what is expected`,
where row is the line number in the CSV file (the header is line 1)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .dates import PartialDateError, may_precede, parse_partial_date
from .paths import display_path

LIST_SEPARATOR = ";"
NETWORK_SUBJECT = "network-"  # claims about a country's whole network, e.g. which partners it has
DATE_COLUMNS = {
    "agreements": ("negotiations_started", "signed_date", "in_force_date"),
    "events": ("date", "end_date"),
    "sources": ("published_date",),
}
COUNTRY_COLUMNS = {"agreements": "parties", "events": "countries"}
ID_COLUMN = {"sources": "source_id", "agreements": "agreement_id", "events": "event_id", "claims": "claim_id"}


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:"
        if self.column:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            return f"{where} column '{self.column}' value '{shown}': {self.message}"
        return f"{where} {self.message}"


@dataclass
class Table:
    """A CSV file read as text: rows as dicts, each with the line it starts on."""
    name: str
    path: Path
    label: str
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    usable: bool = False


class DataValidationError(Exception):
    """Raised by the loader when the data does not validate; carries the problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))


def format_problems(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"{len(problems)} {noun} found in the data; fix them and run `make validate` again.")
    return "\n".join(lines)


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

def _schema_problems(table: Table, schema: dict) -> list[Problem]:
    """Run frictionless on one table and translate its errors for people."""
    from frictionless import Resource, Schema

    descriptor = dict(_without_foreign_keys(schema), fieldsMatch="equal")  # same columns, any order
    resource = Resource(path=table.path.name, basepath=str(table.path.parent), schema=Schema.from_descriptor(descriptor),
                        encoding="utf-8-sig")
    report = resource.validate()
    line_of = dict(zip(range(2, len(table.lines) + 2), table.lines))
    problems = []
    date_fields = set(DATE_COLUMNS.get(table.name, ()))
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


# --------------------------------------------------------------------------- rules across columns and tables

def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


def _rule_problems(tables: dict[str, Table], today: dt.date, seeds_dir: Path | None) -> list[Problem]:
    import pycountry

    problems: list[Problem] = []
    ids: dict[str, dict[str, int]] = {}
    for name, table in tables.items():
        id_column = ID_COLUMN[name]
        seen: dict[str, int] = {}
        for row, line in zip(table.rows, table.lines):
            key = row.get(id_column, "").strip()
            if key and key in seen:
                problems.append(Problem(table.label, line, id_column, key, f"duplicate id; it is already used on line {seen[key]}"))
            elif key:
                seen[key] = line
        ids[name] = seen

    parsed_dates: dict[tuple[str, int, str], object] = {}
    for name, columns in DATE_COLUMNS.items():
        table = tables.get(name)
        if not table:
            continue
        for row, line in zip(table.rows, table.lines):
            for column in columns:
                value = row.get(column, "").strip()
                if not value:
                    continue
                try:
                    parsed = parse_partial_date(value)
                except PartialDateError as exc:
                    problems.append(Problem(table.label, line, column, value, f"is {exc}"))
                    continue
                parsed_dates[(name, line, column)] = parsed
                if parsed.start > today:
                    problems.append(Problem(table.label, line, column, value, f"is in the future (today is {today.isoformat()}); record only what has happened"))

    def date_of(name, line, column):
        return parsed_dates.get((name, line, column))

    def check_order(name, line, first, second, message):
        a, b = date_of(name, line, first), date_of(name, line, second)
        if a and b and not may_precede(a, b):
            table = tables[name]
            row = table.rows[table.lines.index(line)]
            problems.append(Problem(table.label, line, second, row[second], message.format(first=first, value=row[first])))

    if "agreements" in tables:
        table = tables["agreements"]
        for row, line in zip(table.rows, table.lines):
            check_order("agreements", line, "signed_date", "in_force_date", "entry into force is before signature ({first} is '{value}'); expected a date on or after it")
            check_order("agreements", line, "negotiations_started", "signed_date", "signature is before negotiations started ({first} is '{value}'); expected a date on or after it")
            if row.get("in_force_date") and row.get("status") in ("signed", "under_negotiation"):
                problems.append(Problem(table.label, line, "status", row["status"], "the row has an in_force_date, so the status cannot be 'signed' or 'under_negotiation'; expected in_force, superseded or expired"))
            if row.get("status") not in ("under_negotiation", "unknown") and not row.get("signed_date"):
                problems.append(Problem(table.label, line, "signed_date", "", f"is empty but the status is '{row.get('status')}'; give the signing date at the precision known"))
    if "events" in tables:
        table = tables["events"]
        for row, line in zip(table.rows, table.lines):
            check_order("events", line, "date", "end_date", "the event ends before it starts ({first} is '{value}'); expected an end on or after the start")
            if row.get("kind") == "agreement_milestone" and not row.get("agreement_id"):
                problems.append(Problem(table.label, line, "agreement_id", "", "is empty but kind is 'agreement_milestone'; name the agreement the milestone belongs to"))
            if row.get("milestone") and not row.get("agreement_id"):
                problems.append(Problem(table.label, line, "agreement_id", "", f"is empty but milestone is '{row['milestone']}'; name the agreement"))

    # Milestone events must agree with the agreement's own dates (same value, same precision).
    if "agreements" in tables and "events" in tables:
        agreements = {row["agreement_id"]: row for row in tables["agreements"].rows}
        column_for = {"signed": "signed_date", "in_force": "in_force_date", "negotiations_started": "negotiations_started"}
        table = tables["events"]
        for row, line in zip(table.rows, table.lines):
            agreement = agreements.get(row.get("agreement_id", ""))
            column = column_for.get(row.get("milestone", ""))
            if agreement and column and agreement.get(column) and agreement[column] != row.get("date"):
                problems.append(Problem(table.label, line, "date", row.get("date", ""),
                                        f"disagrees with agreements.csv {column} '{agreement[column]}' for '{row['agreement_id']}'; use the same value and precision, and record any conflict in claims.csv"))

    for name, column in COUNTRY_COLUMNS.items():
        table = tables.get(name)
        if not table:
            continue
        for row, line in zip(table.rows, table.lines):
            codes = _split(row.get(column, ""))
            for code in codes:
                if pycountry.countries.get(alpha_3=code) is None:
                    problems.append(Problem(table.label, line, column, code, "is not an ISO 3166-1 alpha-3 country code (e.g. IND, JPN, USA)"))
            if len(set(codes)) != len(codes):
                problems.append(Problem(table.label, line, column, row[column], "lists a country more than once"))
            if name == "agreements" and len(codes) < 2:
                problems.append(Problem(table.label, line, column, row[column], "an agreement needs at least two parties"))

    source_ids = ids.get("sources", {})
    if "sources" in tables:
        for name in ("agreements", "events"):
            table = tables.get(name)
            if not table:
                continue
            for row, line in zip(table.rows, table.lines):
                cited = _split(row.get("source_ids", ""))
                if not cited:
                    problems.append(Problem(table.label, line, "source_ids", "", "every row must cite at least one source from sources.csv"))
                for source_id in cited:
                    if source_id not in source_ids:
                        problems.append(Problem(table.label, line, "source_ids", source_id, "is not a source_id in sources.csv"))
    if "events" in tables and "agreements" in tables:
        table = tables["events"]
        for row, line in zip(table.rows, table.lines):
            ref = row.get("agreement_id", "").strip()
            if ref and ref not in ids["agreements"]:
                problems.append(Problem(table.label, line, "agreement_id", ref, "is not an agreement_id in agreements.csv"))
    if "claims" in tables:
        table = tables["claims"]
        known_subjects = {k for name in ("agreements", "events", "sources") for k in ids.get(name, {})}
        for row, line in zip(table.rows, table.lines):
            if "sources" in tables and row.get("source_id") and row["source_id"] not in source_ids:
                problems.append(Problem(table.label, line, "source_id", row["source_id"], "is not a source_id in sources.csv"))
            subject = row.get("subject_id", "")
            if subject.startswith(NETWORK_SUBJECT):
                code = subject[len(NETWORK_SUBJECT):].upper()
                if pycountry.countries.get(alpha_3=code) is None:
                    problems.append(Problem(table.label, line, "subject_id", subject, "a network subject must name a country: 'network-' and an alpha-3 code, e.g. network-ind"))
            elif subject and known_subjects and subject not in known_subjects:
                problems.append(Problem(table.label, line, "subject_id", subject, "is not an agreement_id, event_id or source_id (or network-<alpha-3> for a country's network as a whole)"))
    if "sources" in tables and seeds_dir is not None and seeds_dir.is_dir():
        table = tables["sources"]
        for row, line in zip(table.rows, table.lines):
            seed = row.get("seed_file", "").strip()
            if seed and not (seeds_dir / seed).is_file():
                problems.append(Problem(table.label, line, "seed_file", seed, f"no such file in {display_path(seeds_dir)}"))
    return problems


# --------------------------------------------------------------------------- entry points

def validate_cached(data_dir: Path) -> tuple[list[Problem], bool]:
    """Validate unless this exact data (by content hash) already passed; returns (problems, ran)."""
    from .fingerprint import data_digest
    from .paths import CACHE_DIR, SEEDS_DIR

    stamp = CACHE_DIR / "validated" / data_digest(data_dir)
    if stamp.is_file():
        return [], False
    problems = validate_data(data_dir, seeds_dir=SEEDS_DIR)
    if not problems:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text("ok\n")
    return problems, True


def validate_data(data_dir: Path, today: dt.date | None = None, seeds_dir: Path | None = None) -> list[Problem]:
    """Return every problem found in the data package at `data_dir` (empty when valid)."""
    data_dir = Path(data_dir)
    today = today or dt.date.today()
    descriptor_path = data_dir / "datapackage.json"
    label = display_path(descriptor_path)
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem(label, 0, "", "", "file is missing; it describes the tables and their columns")]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [Problem(label, getattr(exc, "lineno", 0), "", "", f"is not valid JSON ({exc})")]
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for resource in descriptor.get("resources", []):
        name = resource["name"]
        fields = [f["name"] for f in resource["schema"]["fields"]]
        table = _read_table(name, data_dir / resource["path"], fields, problems)
        if table.usable:
            problems.extend(_schema_problems(table, resource["schema"]))
            tables[name] = table
    problems.extend(_rule_problems(tables, today, seeds_dir))
    return sorted(set(problems), key=lambda p: (p.file, p.row, p.column, p.message))
