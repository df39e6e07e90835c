"""Key findings: each number is computed here from the data, never typed in prose.
Every finding keeps its values in `values` so tests can check them against the CSVs."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .analysis import country_name, first_agreements, logistics_network, rank_of


@dataclass
class Finding:
    key: str
    text: str
    values: dict = field(default_factory=dict)


def _median(series: pd.Series) -> float | None:
    series = series.dropna()
    return float(series.median()) if len(series) else None


def key_findings(dataset, focus: str = "ind-jpn-rpss-2020", home: str = "IND", partner: str = "JPN") -> list[Finding]:
    findings: list[Finding] = []
    india = logistics_network(dataset, home)
    japan = logistics_network(dataset, partner)
    india_first = first_agreements(india)
    japan_first = first_agreements(japan)

    rank_in_india = rank_of(india, partner)
    findings.append(Finding(
        "india_network",
        f"India has signed {len(india)} logistics-support agreements with {india['partner'].nunique()} partners "
        f"({india_first['signed_year'].min():.0f}–{india_first['signed_year'].max():.0f}); "
        f"{country_name(partner)} was the {_ordinal(rank_in_india)} partner to sign one.",
        {"agreements": len(india), "partners": int(india["partner"].nunique()), "rank": rank_in_india,
         "first_year": int(india_first["signed_year"].min()), "last_year": int(india_first["signed_year"].max())}))

    rank_in_japan = rank_of(japan, home)
    findings.append(Finding(
        "japan_network",
        f"Japan's ACSA network counts {japan['partner'].nunique()} partners and {len(japan)} signed agreements "
        f"including revisions; {country_name(home)} was the {_ordinal(rank_in_japan)} partner.",
        {"partners": int(japan["partner"].nunique()), "agreements": len(japan), "rank": rank_in_japan}))

    pact = dataset.agreements.loc[focus]
    months_neg = india.loc[focus, "months_negotiating"] if focus in india.index else None
    months_force = india.loc[focus, "months_to_force"] if focus in india.index else None
    if pd.isna(months_force):
        force_text = (f"it entered into force in {pact['in_force_date']}; the exact day is not established in "
                      "official records we could read (see Sources and conflicts)")
    else:
        force_text = f"it entered into force {months_force:.0f} months later ({pact['in_force_date']})"
    findings.append(Finding(
        "focus_path",
        f"The {pact['short_name']} was signed {months_neg:.0f} months after the leaders announced the start of "
        f"negotiations ({pact['negotiations_started']} → {pact['signed_date']}); {force_text}.",
        {"months_negotiating": months_neg, "months_to_force": None if pd.isna(months_force) else months_force}))

    median_japan = _median(japan["months_to_force"])
    median_india = _median(india["months_to_force"])
    findings.append(Finding(
        "time_to_force",
        f"Japan's ACSAs took a median {median_japan:.0f} months from signature to entry into force "
        f"(each approved by the Diet first). "
        + (f"Of India's {len(india)} agreements, {int(india['months_to_force'].notna().sum())} have an entry-into-force "
           f"date known to the month or better (median {median_india:.0f} months)."
           if median_india is not None else
           f"None of India's {len(india)} agreements has a published entry-into-force date known to the month: "
           "Indian releases announce signatures, not entry into force."),
        {"median_japan": median_japan, "median_india": median_india,
         "india_with_force_month": int(india["months_to_force"].notna().sum())}))

    events = dataset.events
    pair = events[(events["kind"] == "exercise") & events["countries_list"].map(lambda c: home in c and partner in c)]
    signed_year = int(pact["signed_date_start"].year)
    before = int((pair["date_start"].dt.year < signed_year).sum())
    after = int((pair["date_start"].dt.year > signed_year).sum())
    findings.append(Finding(
        "exercises",
        f"The dataset records {len(pair)} exercise editions in which India and Japan both took part; "
        f"{before} before {signed_year} and {after} after it (the data counts documented editions, not activity levels).",
        {"total": len(pair), "before": before, "after": after, "year": signed_year}))

    claims = dataset.claims
    seeds = dataset.sources[dataset.sources["seed_file"] != ""]
    seed_claims = claims[claims["source_id"].isin(seeds.index)]
    wrong = int((seed_claims["verdict"] == "wrong").sum())
    disputed = int((seed_claims["verdict"] == "disputed").sum())
    findings.append(Finding(
        "seed_claims",
        f"Of {len(seed_claims)} claims checked in the {len(seeds)} seed articles, {wrong} are contradicted by "
        f"official records and {disputed} {'is' if disputed == 1 else 'are'} disputed between sources.",
        {"checked": len(seed_claims), "wrong": wrong, "disputed": disputed, "seeds": len(seeds)}))

    sources = dataset.sources
    official = int((sources["kind"] == "official").sum())
    findings.append(Finding(
        "sources",
        f"The data rests on {len(sources)} sources, {official} of them official records "
        f"({official / len(sources):.0%}); every agreement and event row cites at least one.",
        {"sources": len(sources), "official": official}))
    return findings


def _ordinal(n: int | None) -> str:
    if n is None:
        return "(not found)"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
