"""Every number in the key findings, recomputed here straight from the CSV files
(with the csv module, not the package's own analysis code)."""
from __future__ import annotations

import csv
import statistics
from datetime import date

import pytest

from conftest import ROOT
from logistics_pacts.findings import key_findings
from logistics_pacts.load import load_dataset


def rows(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def start(value: str) -> date:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def months(a: str, b: str):
    if len(a) == 4 or len(b) == 4:  # known only to the year: no month count
        return None
    return round((start(b) - start(a)).days / 30.4375)


@pytest.fixture(scope="module")
def findings():
    return {f.key: f for f in key_findings(load_dataset(ROOT / "data"))}


def network(country):
    return [r for r in rows("agreements") if r["kind"] == "logistics_support" and country in r["parties"].split(";")]


def test_india_network(findings):
    mine = network("IND")
    partners = {p for r in mine for p in r["parties"].split(";") if p != "IND"}
    first = {}
    for r in sorted(mine, key=lambda r: start(r["signed_date"])):
        partner = next(p for p in r["parties"].split(";") if p != "IND")
        first.setdefault(partner, r)
    order = sorted(first, key=lambda p: start(first[p]["signed_date"]))
    values = findings["india_network"].values
    assert values["agreements"] == len(mine)
    assert values["partners"] == len(partners)
    assert values["rank"] == order.index("JPN") + 1
    assert f"{len(mine)} logistics-support agreements" in findings["india_network"].text


def test_japan_network(findings):
    mine = network("JPN")
    partners = {p for r in mine for p in r["parties"].split(";") if p != "JPN"}
    first = {}
    for r in sorted(mine, key=lambda r: start(r["signed_date"])):
        first.setdefault(next(p for p in r["parties"].split(";") if p != "JPN"), r)
    order = sorted(first, key=lambda p: start(first[p]["signed_date"]))
    values = findings["japan_network"].values
    assert (values["partners"], values["agreements"], values["rank"]) == (len(partners), len(mine), order.index("IND") + 1)


def test_focus_path(findings):
    pact = next(r for r in rows("agreements") if r["agreement_id"] == "ind-jpn-rpss-2020")
    values = findings["focus_path"].values
    assert values["months_negotiating"] == months(pact["negotiations_started"], pact["signed_date"])
    assert values["months_to_force"] == months(pact["signed_date"], pact["in_force_date"])
    assert pact["signed_date"] in findings["focus_path"].text


def test_time_to_force(findings):
    def median_months(country):
        spans = [months(r["signed_date"], r["in_force_date"]) for r in network(country) if r["in_force_date"]]
        spans = [s for s in spans if s is not None]
        return statistics.median(spans) if spans else None
    values = findings["time_to_force"].values
    assert values["median_japan"] == median_months("JPN")
    assert values["median_india"] == median_months("IND")


def test_exercises(findings):
    pair = [r for r in rows("events") if r["kind"] == "exercise" and {"IND", "JPN"} <= set(r["countries"].split(";"))]
    year = 2020
    values = findings["exercises"].values
    assert values["total"] == len(pair)
    assert values["before"] == sum(start(r["date"]).year < year for r in pair)
    assert values["after"] == sum(start(r["date"]).year > year for r in pair)


def test_seed_claims_and_sources(findings):
    seeds = {r["source_id"] for r in rows("sources") if r["seed_file"]}
    claims = [r for r in rows("claims") if r["source_id"] in seeds]
    values = findings["seed_claims"].values
    assert values["seeds"] == len(seeds) == 5
    assert values["checked"] == len(claims)
    assert values["wrong"] == sum(r["verdict"] == "wrong" for r in claims)
    assert values["disputed"] == sum(r["verdict"] == "disputed" for r in claims)
    sources = rows("sources")
    assert findings["sources"].values == {"sources": len(sources), "official": sum(r["kind"] == "official" for r in sources)}


def test_every_seed_article_is_a_source_with_checked_claims():
    seeds_dir = ROOT.parent / "shared" / "seeds"
    if not seeds_dir.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    recorded = {r["seed_file"]: r["source_id"] for r in rows("sources") if r["seed_file"]}
    assert set(recorded) == {p.name for p in seeds_dir.iterdir() if p.is_file()}
    claimed = {r["source_id"] for r in rows("claims")}
    assert set(recorded.values()) <= claimed


def test_dataset_size_and_citations():
    assert len(rows("agreements")) >= 25 and len(rows("events")) >= 120 and len(rows("sources")) >= 40
    for name in ("agreements", "events"):
        assert all(r["source_ids"].strip() for r in rows(name))
