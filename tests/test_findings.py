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
    assert values["median_japan"] == statistics.median([m for m in spans if m is not None])
    india = network("IND")
    assert values["india_known"] == sum(bool(r["in_force_date"]) for r in india)
    assert values["india_dated"] == sum(len(r["in_force_date"]) == 10 for r in india)


def test_the_2020_agreement(findings):
    pact = next(r for r in rows("agreements") if r["agreement_id"] == "ind-jpn-rpss-2020")
    assert findings["focus_path"].values["months_negotiating"] == months(pact["negotiations_started"], pact["signed_date"])
    assert findings["focus_force"].values["months_to_force"] == months(pact["signed_date"], pact["in_force_date"])
    disputed = {r["source_id"] for r in rows("claims") if r["subject_id"] == "ind-jpn-rpss-2020"
                and r["attribute"] == "in_force_date" and r["verdict"] == "disputed" and r["value"][:4].isdigit()
                and len(r["value"].split()[0]) >= 7}
    assert findings["focus_force"].values["disputed_reports"] == len(disputed)
    supplies = next(r for r in rows("provisions") if r["provision_id"] == "ind-jpn-rpss-2020-supplies-services")
    assert findings["focus_coverage"].values["categories"] == len(supplies["value"].split(","))


def test_uses(findings):
    uses = [r for r in rows("uses") if "IND" in r["countries"].split(";")]
    assert findings["uses"].values == {"uses": len(uses), "stated": sum(r["grade"] == "stated" for r in uses)}


def test_exercises(findings):
    pair = [r for r in rows("events") if r["kind"] == "exercise" and {"IND", "JPN"} <= set(r["countries"].split(";"))]
    values = findings["exercises"].values
    assert values["year"] == 2020
    assert values["before"] == sum(2017 <= start(r["date"]).year <= 2019 for r in pair)
    assert values["after"] == sum(2021 <= start(r["date"]).year <= 2023 for r in pair)
    assert values["series"] == len({r["series"] for r in pair})


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
