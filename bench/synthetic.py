"""Synthetic data N times the real size, for benchmarks: every table is repeated N times
with ids suffixed per copy (so keys stay unique and references still resolve).
Written only to the folder you name (a temporary folder), never into data/."""
from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

ID_COLUMNS = {"source_id", "agreement_id", "event_id", "claim_id", "subject_id", "source_ids"}


def _suffix(value: str, copy: int) -> str:
    if copy == 0 or not value or value.startswith("network-"):
        return value
    return ";".join(f"{part}-s{copy}" for part in value.split(";"))


def make_synthetic(data_dir: Path, target: Path, factor: int) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(data_dir / "datapackage.json", target / "datapackage.json")
    for path in sorted(data_dir.glob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        header, body = rows[0], rows[1:]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for copy in range(factor):
            for row in body:
                record = list(row)
                for index, column in enumerate(header):
                    if column in ID_COLUMNS:
                        record[index] = _suffix(record[index], copy)
                    if column == "seed_file" and copy:
                        record[index] = ""
                writer.writerow(record)
        (target / path.name).write_text(out.getvalue(), encoding="utf-8")
    return target


if __name__ == "__main__":
    make_synthetic(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
