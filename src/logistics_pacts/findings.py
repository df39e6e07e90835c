"""Key findings: conclusions, each with its numbers computed here from the data (never typed
in prose) and the documents it rests on as citation markers. Every finding keeps its values
in `values` so tests can check them against the CSV files."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .analysis import FOCUS, HOME, JAPAN, country_name, date_label, first_agreements, logistics_network, rank_of
from .citations import marker


@dataclass
class Finding:
    key: str
    text: str
    values: dict = field(default_factory=dict)


def _ordinal(n: int | None) -> str:
    if n is None:
        return "(not found)"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _label(value: str) -> str:
    return date_label(pd.Series([value])).iloc[0]


def cite(dataset, ids, most: int = 4) -> str:
    """A marker for at most `most` of the documents: official records first, then in the order given."""
    unique = [i for i in dict.fromkeys(ids) if i in dataset.sources.index]
    ranked = sorted(unique, key=lambda i: (dataset.sources.at[i, "kind"] != "official", unique.index(i)))
    return marker(ranked[:most])


def _ids(frame: pd.DataFrame, column: str) -> list[str]:
    return [i for i in frame[column] if i]


def _sources_of(frame: pd.DataFrame) -> list[str]:
    return [s for ids in frame["source_ids_list"] for s in ids]


def network_finding(dataset, india: pd.DataFrame) -> Finding:
    first = first_agreements(india)
    rank = rank_of(india, JAPAN)
    text = (f"India has signed {len(india)} logistics-support agreements, one with each of {india['partner'].nunique()} "
            f"partners, between {int(first['signed_year'].min())} and {int(first['signed_year'].max())}; Japan was the "
            f"{_ordinal(rank)} to sign one {cite(dataset, _ids(india, 'signed_source_id'))}.")
    return Finding("india_network", text, {"agreements": len(india), "partners": int(india["partner"].nunique()), "rank": rank,
                                           "first_year": int(first["signed_year"].min()), "last_year": int(first["signed_year"].max())})


def path_finding(dataset, india: pd.DataFrame) -> Finding:
    pact = india.loc[FOCUS]
    events = dataset.events
    postponed = events[(events["agreement_id"] == "") & events["title"].str.contains("Guwahati", case=False)
                       & events["countries_list"].map(lambda c: set(c) == {HOME, JAPAN})]
    months = pact["months_negotiating"]
    text = (f"The 2020 agreement was signed on {_label(pact['signed_date'])}, {months:.0f} months after the two leaders "
            f"announced the start of negotiations on {_label(pact['negotiations_started'])} "
            f"{cite(dataset, [pact['signed_source_id'], *_ids(events[(events['agreement_id'] == FOCUS) & (events['milestone'] == 'negotiations_started')], 'date_source_id')])}")
    if len(postponed):
        row = postponed.iloc[0]
        text += (f"; the signing expected at the December 2019 summit in Guwahati fell through when that summit was "
                 f"postponed on {_label(row['date'])} {cite(dataset, row['source_ids_list'])}")
    return Finding("focus_path", text + ".", {"months_negotiating": float(months), "postponed": len(postponed)})


def force_finding(dataset, india: pd.DataFrame) -> Finding:
    pact = india.loc[FOCUS]
    approval = dataset.events[(dataset.events["agreement_id"] == FOCUS) & (dataset.events["milestone"] == "ratified")]
    disputed = dataset.claims[(dataset.claims["subject_id"] == FOCUS) & (dataset.claims["attribute"] == "in_force_date")
                              & (dataset.claims["verdict"] == "disputed")]
    months = pact["months_to_force"]
    text = f"It entered into force in {_label(pact['in_force_date'])} {cite(dataset, [pact['in_force_source_id']])}"
    if len(approval):
        text += f", after Japan's Diet approved it on {_label(approval['date'].iloc[0])} {cite(dataset, approval['source_ids_list'].iloc[0])}"
    text += f": {months:.0f} months after signature" if pd.notna(months) else ""
    from .dates import PartialDateError, parse_partial_date

    other: dict[str, list[str]] = {}
    for value, source_id in zip(disputed["value"], disputed["source_id"]):
        try:
            other.setdefault(parse_partial_date(value).label(), []).append(source_id)
        except PartialDateError:
            pass
    reports = sorted({s for ids in other.values() for s in ids})
    if other:
        text += (f". The date is disputed: {' and '.join(other)} in {len(reports)} other "
                 f"report{'s' if len(reports) != 1 else ''} {cite(dataset, reports)}")
    return Finding("focus_force", text + ".", {"months_to_force": None if pd.isna(months) else float(months),
                                              "disputed_reports": len(reports)})


def coverage_finding(dataset) -> Finding:
    provisions = dataset.provisions[dataset.provisions["agreement_id"] == FOCUS]
    activities = provisions[provisions["provision"] == "activities"]
    supplies = provisions[provisions["provision"] == "supplies_services"]
    access = provisions[provisions["provision"] == "access_facilities"]
    categories = len([p for p in supplies["value"].iloc[0].split(",") if p.strip()]) if len(supplies) else 0
    ammunition = dataset.claims[(dataset.claims["subject_id"] == FOCUS) & dataset.claims["attribute"].str.contains("ammunition")]
    text = (f"It lets each side's forces provide the other with supplies and services in {categories} listed categories, "
            f"from food, water and fuel to repair and port services, during joint training, UN peacekeeping, disaster "
            f"relief and other agreed activities {cite(dataset, _sources_of(pd.concat([activities, supplies])))}; it grants no "
            f"standing access to bases {cite(dataset, _sources_of(access))}. Whether it covers ammunition is disputed between "
            f"{ammunition['source_id'].nunique()} reports {cite(dataset, list(ammunition['source_id']))}.")
    return Finding("focus_coverage", text, {"categories": categories, "ammunition_reports": int(ammunition["source_id"].nunique())})


def japan_finding(dataset, japan: pd.DataFrame, india: pd.DataFrame) -> Finding:
    median = japan["months_to_force"].dropna().median()
    dated = int((india["in_force_date_precision"] == "day").sum())
    known = int(india["in_force_date"].astype(bool).sum())
    text = (f"Japan has signed ACSAs with {japan['partner'].nunique()} partners ({len(japan)} agreements counting "
            f"revisions); India was the {_ordinal(rank_of(japan, HOME))}. Each is a treaty the Diet approves, and the "
            f"median ACSA entered into force {median:.0f} months after signature {cite(dataset, _ids(japan, 'in_force_source_id'))}. "
            f"An entry-into-force date is known for only {known} of India's {len(india)} agreements "
            f"({'none' if dated == 0 else dated} to the day); Indian releases announce signatures, not entry into force.")
    return Finding("networks", text, {"partners": int(japan["partner"].nunique()), "agreements": len(japan),
                                      "median_japan": float(median), "india_known": known, "india_dated": dated})


def uses_finding(dataset) -> Finding:
    uses = dataset.uses
    india = uses[uses["countries_list"].map(lambda c: HOME in c)]
    stated = india[india["grade"] == "stated"]
    rpss = stated[stated["agreement_id"] == FOCUS].sort_values("date_start")
    text = (f"The data documents {len(india)} uses of India's logistics agreements, {len(stated)} of them stated by a "
            f"source as made under an agreement {cite(dataset, _sources_of(stated))}.")
    if len(rpss):
        text += (f" The first use of the 2020 agreement a source states is dated {_label(rpss['date'].iloc[0])}: "
                 f"{rpss['units'].iloc[0] or rpss['place'].iloc[0]} {cite(dataset, rpss['source_ids_list'].iloc[0])}.")
    return Finding("uses", text, {"uses": len(india), "stated": len(stated)})


def exercises_finding(dataset, india: pd.DataFrame, as_of: dt.date) -> Finding:
    pact = india.loc[FOCUS]
    year = int(pact["signed_year"])
    events = dataset.events
    pair = events[(events["kind"] == "exercise") & events["countries_list"].map(lambda c: HOME in c and JAPAN in c)]
    years = pair["date_start"].dt.year
    before, after = int(years.between(year - 3, year - 1).sum()), int(years.between(year + 1, year + 3).sum())
    series = pair["series"].nunique()
    text = (f"India and Japan held {before} documented exercise editions in the three years before {year} and {after} in "
            f"the three years after, across {series} series {cite(dataset, _ids(pair[years.between(year - 3, year + 3)], 'date_source_id'))}; "
            "the counts record documented editions only, and cannot by themselves show what the agreement changed.")
    return Finding("exercises", text, {"before": before, "after": after, "year": year, "series": series})


def seed_finding(dataset) -> Finding:
    seeds = dataset.sources[dataset.sources["seed_file"] != ""]
    claims = dataset.claims[dataset.claims["source_id"].isin(seeds.index)]
    wrong, disputed = int((claims["verdict"] == "wrong").sum()), int((claims["verdict"] == "disputed").sum())
    text = (f"Of {len(claims)} claims checked in the {len(seeds)} news articles this project started from "
            f"{cite(dataset, list(seeds.index))}, {wrong} are contradicted by official records and {disputed} "
            f"{'is' if disputed == 1 else 'are'} disputed between sources.")
    return Finding("seed_claims", text, {"checked": len(claims), "wrong": wrong, "disputed": disputed, "seeds": len(seeds)})


def sources_finding(dataset) -> Finding:
    sources = dataset.sources
    official = int((sources["kind"] == "official").sum())
    low = int((sources["reliability"] == "low").sum())
    text = (f"The data rests on {len(sources)} documents, {official} of them official records; {low} are low-reliability "
            "pages, each cited only where no better source was found, and every row names its sources.")
    return Finding("sources", text, {"sources": len(sources), "official": official, "low": low})


def key_findings(dataset) -> list[Finding]:
    india = logistics_network(dataset, HOME)
    japan = logistics_network(dataset, JAPAN)
    return [network_finding(dataset, india), path_finding(dataset, india), force_finding(dataset, india),
            coverage_finding(dataset), japan_finding(dataset, japan, india), uses_finding(dataset),
            exercises_finding(dataset, india, dataset.cutoff), seed_finding(dataset), sources_finding(dataset)]
