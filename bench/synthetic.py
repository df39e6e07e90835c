"""Synthetic data N times the real size, for benchmarks: every row of every table is repeated
N times, each copy's ids suffixed (-s1, -s2, ...) in its key column and in every column that
refers to a key (read from datapackage.json: primary keys, foreign keys, x-references, and
the claims' subject_id), so keys stay unique and references still resolve.
Written only to the folder you name (a temporary folder), never into data/."""
from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

UNSUFFIXED = ("network-",)  # subjects that name a network, not a row
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from logistics_pacts.rules import MENTIONED_ID, PROSE_COLUMNS  # noqa: E402  (the ids notes may name)


def id_columns(descriptor: dict) -> dict[str, set[str]]:
    """For each table, the columns holding ids: its key and every column referring to one."""
    columns: dict[str, set[str]] = {}
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        found = set(schema.get("primaryKey", []))
        found |= {name for key in schema.get("foreignKeys", []) for name in key["fields"]}
        found |= {field["name"] for field in schema["fields"] if field.get("x-references")}
        if resource["name"] == "claims":
            found.add("subject_id")
        columns[resource["name"]] = found
    return columns


def _suffix(value: str, copy: int) -> str:
    if copy == 0 or not value:
        return value
    return ";".join(part if part.startswith(UNSUFFIXED) else f"{part}-s{copy}" for part in value.split(";"))


def make_synthetic(data_dir: Path, target: Path, factor: int) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(data_dir / "datapackage.json", target / "datapackage.json")
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    ids = id_columns(descriptor)
    for resource in descriptor["resources"]:
        path = data_dir / resource["path"]
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        header, body = rows[0], rows[1:]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for copy in range(factor):
            for row in body:
                record = list(row)
                for index, column in enumerate(header):
                    if resource["name"] == "claims" and column == "claim_id" and copy:
                        # '<subject>--<attribute>--<n>': the copy's subject, so the id still names it
                        subject, attribute, number = record[index].split("--")
                        if subject.startswith(UNSUFFIXED):  # the same network: the copy's claims count on
                            number = str(int(number) + 1000 * copy)
                        record[index] = f"{_suffix(subject, copy)}--{attribute}--{number}"
                    elif column in ids[resource["name"]]:
                        record[index] = _suffix(record[index], copy)
                    elif column in PROSE_COLUMNS and copy:  # a note naming a row names that row's copy
                        record[index] = MENTIONED_ID.sub(lambda m: f"{m.group(0)}-s{copy}", record[index])
                    if column == "seed_file" and copy:
                        record[index] = ""
                writer.writerow(record)
        (target / resource["path"]).write_text(out.getvalue(), encoding="utf-8")
    for extra in data_dir.glob("*.md"):
        shutil.copy(extra, target / extra.name)
    return target


if __name__ == "__main__":
    make_synthetic(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
