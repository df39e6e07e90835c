"""The validator on the real data and on broken copies: each rule must name the exact
file, CSV line and column, and the command line must print no traceback."""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from logistics_pacts.validate import validate_data


def test_real_data_is_valid():
    assert validate_data(ROOT / "data", seeds_dir=ROOT.parent / "shared" / "seeds") == []


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return rows[0], rows[1:]


def write_rows(path: Path, header, rows) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(data: Path, table: str, row_id: str, column: str, value: str) -> int:
    """Change one cell; return the CSV line number of that row."""
    path = data / f"{table}.csv"
    header, rows = read_rows(path)
    for index, row in enumerate(rows):
        if row[0] == row_id:
            row[header.index(column)] = value
            write_rows(path, header, rows)
            return index + 2
    raise KeyError(row_id)


def problems_at(data: Path, file: str, column: str):
    return [p for p in validate_data(data) if p.file.endswith(file) and p.column == column]


RPSS = "ind-jpn-rpss-2020"


@pytest.mark.parametrize("table,row_id,column,value,needle", [
    ("agreements", RPSS, "signed_date", "2020-09-31", "not a real calendar date"),
    ("agreements", RPSS, "signed_date", "9 Sept 2020", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ("agreements", RPSS, "parties", "IND;XXJ", "ISO 3166-1 alpha-3"),
    ("agreements", RPSS, "parties", "IND;ZZZ", "not an ISO 3166-1 alpha-3 country code"),
    ("agreements", RPSS, "kind", "military_pact", "expected one of"),
    ("agreements", RPSS, "source_ids", "no-such-source", "is not a source_id in sources.csv"),
    ("agreements", RPSS, "source_ids", "", "required"),
    ("agreements", RPSS, "in_force_date", "2019-01-01", "entry into force is before signature"),
    ("agreements", RPSS, "signed_date", "2999-01-01", "is after the data's cut-off date"),
    ("events", "20200909-ind-jpn-rpss-signed", "date", "2020-09-10", "disagrees with agreements.csv signed_date"),
    ("events", "20200909-ind-jpn-rpss-signed", "agreement_id", "ind-jpn-nothing-2020", "is not an agreement_id"),
    ("sources", "seed-indbiz-20200910-rpss", "kind", "tabloid", "expected one of"),
    ("claims", None, "verdict", "maybe", "expected one of"),
])
def test_each_rule_names_file_row_and_column(data, table, row_id, column, value, needle):
    if row_id is None:
        row_id = read_rows(data / f"{table}.csv")[1][0][0]
    line = set_cell(data, table, row_id, column, value)
    found = problems_at(data, f"{table}.csv", column)
    assert found, f"no problem reported for {table}.csv {column}={value!r}"
    assert any(p.row == line and needle in p.message for p in found), [str(p) for p in found]
    text = str(next(p for p in found if p.row == line))
    assert text.startswith(f"{data / (table + '.csv')}:{line}: column '{column}' value '{value}'") or \
        f"{table}.csv:{line}: column '{column}'" in text


def test_end_before_start_in_events(data):
    header, rows = read_rows(data / "events.csv")
    row = next(r for r in rows if r[header.index("end_date")] and len(r[header.index("date")]) == 10)
    line = set_cell(data, "events", row[0], "end_date", "2000-01-01")
    assert any(p.row == line and "ends before it starts" in p.message for p in problems_at(data, "events.csv", "end_date"))


def test_duplicate_id_names_both_lines(data):
    path = data / "agreements.csv"
    header, rows = read_rows(path)
    rows.append(list(rows[0]))
    write_rows(path, header, rows)
    found = problems_at(data, "agreements.csv", "agreement_id")
    assert any(p.row == len(rows) + 1 and "already used on line 2" in p.message for p in found), [str(p) for p in found]


def test_missing_column(data):
    path = data / "events.csv"
    header, rows = read_rows(path)
    drop = header.index("countries")
    write_rows(path, [h for i, h in enumerate(header) if i != drop], [[c for i, c in enumerate(r) if i != drop] for r in rows])
    found = problems_at(data, "events.csv", "countries")
    assert found and found[0].row == 1 and "missing from the header" in found[0].message


def test_truncated_file(data):
    path = data / "sources.csv"
    text = path.read_text(encoding="utf-8")
    cut = text[: len(text) // 2].rsplit(",", 1)[0] + "\n"
    path.write_text(cut, encoding="utf-8")
    found = [p for p in validate_data(data) if p.file.endswith("sources.csv")]
    last_line = cut.count("\n")
    assert any(p.row == last_line and ("cells but the header has" in p.message or "not closed" in p.message) for p in found), \
        [str(p) for p in found]


def test_wrong_encoding_names_line_and_column(data):
    path = data / "sources.csv"
    header, rows = read_rows(path)
    rows[4][header.index("publisher")] = "Défense"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode("latin-1", errors="replace"))
    found = [p for p in validate_data(data) if p.file.endswith("sources.csv")]
    assert len(found) == 1 and found[0].row == 6 and found[0].column == "publisher" and "not valid UTF-8" in found[0].message


def test_empty_file(data):
    (data / "claims.csv").write_text("")
    found = [p for p in validate_data(data) if p.file.endswith("claims.csv")]
    assert found and found[0].row == 1 and "file is empty" in found[0].message


def test_all_problems_are_reported_together(data):
    set_cell(data, "agreements", RPSS, "signed_date", "2020-09-31")
    set_cell(data, "events", "20200909-ind-jpn-rpss-signed", "countries", "IND;QQQ")
    files = {Path(p.file).name for p in validate_data(data)}
    assert {"agreements.csv", "events.csv"} <= files


def test_command_line_prints_problems_without_traceback(data):
    line = set_cell(data, "agreements", RPSS, "signed_date", "2020-02-30")
    result = run_cli("validate", "--data-dir", str(data), root=ROOT, cwd=data.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert f"agreements.csv:{line}: column 'signed_date' value '2020-02-30'" in result.stderr
    assert "problem" in result.stderr.splitlines()[-1]


def test_the_data_cutoff_bounds_dates(data):
    problems = validate_data(data, cutoff=dt.date(2019, 1, 1))
    assert any("is after the data's cut-off date (2019-01-01" in p.message for p in problems)


def test_a_missing_cutoff_is_reported(data):
    descriptor = data / "datapackage.json"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace('"x-cutoff"', '"x-cut"'), encoding="utf-8")
    problems = validate_data(data)
    assert len(problems) == 1 and "x-cutoff" in problems[0].message
