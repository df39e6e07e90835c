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


def first_signed(country):
    first = {}
    for r in sorted(network(country), key=lambda r: start(r["signed_date"])):
        first.setdefault(next(p for p in r["parties"].split(";") if p != country), r)
    return sorted(first, key=lambda p: start(first[p]["signed_date"])), first


def test_india_network(findings):
    mine = network("IND")
    order, first = first_signed("IND")
    values = findings["india_network"].values
    assert values["agreements"] == len(mine)
    assert values["partners"] == len(order)
    assert values["rank"] == order.index("JPN") + 1
    assert values["first_year"] == min(start(r["signed_date"]).year for r in first.values())
    assert f"signed {len(mine)} logistics-support agreements" in findings["india_network"].text


def test_networks(findings):
    japan = network("JPN")
    order, _ = first_signed("JPN")
    spans = [months(r["signed_date"], r["in_force_date"]) for r in japan if r["in_force_date"]]
    values = findings["networks"].values
    assert (values["partners"], values["agreements"]) == (len(order), len(japan))
    timed = [m for m in spans if m is not None]
    assert values["median_japan"] == statistics.median(timed) and values["timed_japan"] == len(timed)
    assert f"n = {len(timed)}" in findings["networks"].text
    india = network("IND")
    assert values["india_known"] == sum(bool(r["in_force_date"]) for r in india)
    assert values["india_dated"] == sum(len(r["in_force_date"]) == 10 for r in india)


def test_the_2020_agreement(findings):
    pact = next(r for r in rows("agreements") if r["agreement_id"] == "ind-jpn-rpss-2020")
    assert findings["focus_path"].values["months_negotiating"] == months(pact["negotiations_started"], pact["signed_date"])
    assert findings["focus_force"].values["months_to_force"] == months(pact["signed_date"], pact["in_force_date"])
    other = {r["source_id"] for r in rows("claims") if r["subject_id"] == "ind-jpn-rpss-2020"
             and r["attribute"] == "in_force_date" and r["verdict"] in ("disputed", "wrong") and r["value"][:4].isdigit()
             and len(r["value"].split()[0]) >= 7}
    assert findings["focus_force"].values["other_reports"] == len(other)
    supplies = next(r for r in rows("provisions") if r["provision_id"] == "ind-jpn-rpss-2020-supplies-services")
    coverage = findings["focus_coverage"].values
    assert coverage["categories"] == len(supplies["value"].split(","))
    ammunition = next(r for r in rows("provisions") if r["provision_id"] == "ind-jpn-rpss-2020-weapons-ammunition")
    assert coverage["ammunition"] == "excluded" and ammunition["value"].startswith("Ammunition is not covered")
    assert coverage["ammunition_wrong_reports"] == len({r["source_id"] for r in rows("claims") if r["subject_id"] == "ind-jpn-rpss-2020"
                                                        and r["attribute"] == "weapons_ammunition" and r["verdict"] == "wrong"})
    assert "does not cover ammunition" in findings["focus_coverage"].text


def test_quad(findings):
    quad = {p: min(start(r["signed_date"]) for r in network("IND") if p in r["parties"].split(";")) for p in ("USA", "JPN", "AUS")}
    values = findings["quad"].values
    assert values["quad_partners"] == 3
    assert values["completed"] == next(r["agreement_id"] for r in network("IND") if start(r["signed_date"]) == max(quad.values())
                                       and "JPN" in r["parties"])
    pair = [r for r in rows("uses") if {"IND", "JPN"} <= set(r["countries"].split(";"))]
    assert values["uses_with_japan"] == len(pair)
    assert values["at_named_bases"] == sum(bool({"port-blair", "djibouti"} & set(r["place_ids"].split(";"))) for r in pair)


def test_uses(findings):
    uses = [r for r in rows("uses") if "IND" in r["countries"].split(";")]
    assert findings["uses"].values == {"uses": len(uses), "stated": sum(r["grade"] == "stated" for r in uses)}


def test_exercises(findings):
    """Armed forces only (coast guards apart), bilateral and with third countries apart, observers not counted."""
    pair = [r for r in rows("events") if r["kind"] == "exercise" and {"IND", "JPN"} <= set(r["countries"].split(";"))
            and r["service"] != "coast_guard"]
    bilateral = [r for r in pair if r["format"] == "bilateral"]
    third = [r for r in pair if r["format"] != "bilateral"]
    values = findings["exercises"].values
    assert values["year"] == 2020
    assert values["bilateral_before"] == sum(2017 <= start(r["date"]).year <= 2019 for r in bilateral)
    assert values["bilateral_after"] == sum(2021 <= start(r["date"]).year <= 2023 for r in bilateral)
    assert values["third_before"] == sum(2017 <= start(r["date"]).year <= 2019 for r in third)
    assert values["third_after"] == sum(2021 <= start(r["date"]).year <= 2023 for r in third)
    observed_only = [r for r in rows("events") if r["kind"] == "exercise" and "JPN" in r["observers"].split(";")]
    assert observed_only and not any(r in pair for r in observed_only)


def test_seed_claims_and_sources(findings):
    seeds = {r["source_id"] for r in rows("sources") if r["seed_file"]}
    claims = [r for r in rows("claims") if r["source_id"] in seeds]
    values = findings["seed_claims"].values
    assert values["seeds"] == len(seeds) == 5
    assert values["checked"] == len(claims)
    assert values["wrong"] == sum(r["verdict"] == "wrong" for r in claims)
    assert values["disputed"] == sum(r["verdict"] == "disputed" for r in claims)
    sources = rows("sources")
    assert findings["sources"].values == {"sources": len(sources), "official": sum(r["kind"] == "official" for r in sources),
                                          "low": sum(r["reliability"] == "low" for r in sources)}


def test_every_finding_cites_documents_that_exist(findings):
    from logistics_pacts.citations import marker_ids

    known = {r["source_id"] for r in rows("sources")}
    for finding in findings.values():
        cited = marker_ids(finding.text)
        assert cited or finding.key == "sources", finding.key
        assert set(cited) <= known, finding.key


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
