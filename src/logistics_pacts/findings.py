"""Key findings: conclusions, each with its numbers computed here from the data (never typed
in prose) and the documents it rests on as citation markers. Every finding keeps its values
in `values` so tests can check them against the CSV files."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .analysis import (FOCUS, HOME, JAPAN, QUAD, ammunition_coverage, country_name, date_label, first_agreements,
                       logistics_network, rank_of, uses_between)
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
    from .dates import PartialDateError, parse_partial_date

    pact = india.loc[FOCUS]
    approval = dataset.events[(dataset.events["agreement_id"] == FOCUS) & (dataset.events["milestone"] == "ratified")]
    other_dates = dataset.claims[(dataset.claims["subject_id"] == FOCUS) & (dataset.claims["attribute"] == "in_force_date")
                                 & dataset.claims["verdict"].isin(["disputed", "wrong"])]
    months = pact["months_to_force"]
    on = "on" if pact["in_force_date_precision"] == "day" else "in"
    text = f"It entered into force {on} {_label(pact['in_force_date'])} {cite(dataset, [pact['in_force_source_id']])}"
    if len(approval):
        text += f", after Japan's Diet approved it on {_label(approval['date'].iloc[0])} {cite(dataset, approval['source_ids_list'].iloc[0])}"
    text += f": {months:.0f} months after signature" if pd.notna(months) else ""
    other: dict[str, list[str]] = {}
    for value, source_id in zip(other_dates["value"], other_dates["source_id"]):
        try:
            other.setdefault(parse_partial_date(value).label(), []).append(source_id)
        except PartialDateError:
            pass
    reports = sorted({s for ids in other.values() for s in ids})
    if other:
        text += (f". {len(reports)} other report{'s' if len(reports) != 1 else ''} gave {' or '.join(other)} "
                 f"{cite(dataset, reports)}; the record of Japan's Foreign Ministry, which exchanged the notes, decides")
    return Finding("focus_force", text + ".", {"months_to_force": None if pd.isna(months) else float(months),
                                              "other_reports": len(reports)})


def coverage_finding(dataset) -> Finding:
    provisions = dataset.provisions[dataset.provisions["agreement_id"] == FOCUS]
    activities = provisions[provisions["provision"] == "activities"]
    supplies = provisions[provisions["provision"] == "supplies_services"]
    access = provisions[provisions["provision"] == "access_facilities"]
    ammunition = provisions[provisions["provision"] == "weapons_ammunition"]
    categories = len([p for p in supplies["value"].iloc[0].split(",") if p.strip()]) if len(supplies) else 0
    coded = ammunition_coverage(dataset.provisions)
    wrong = dataset.claims[(dataset.claims["subject_id"] == FOCUS) & (dataset.claims["attribute"] == "weapons_ammunition")
                           & (dataset.claims["verdict"] == "wrong")]
    text = (f"It lets each side's forces provide the other with supplies and services in {categories} listed categories, "
            f"from food, water and fuel to repair and maintenance, during joint training, UN peacekeeping, disaster "
            f"relief and other agreed activities {cite(dataset, _sources_of(pd.concat([activities, supplies])))}; it grants no "
            f"standing access to bases {cite(dataset, _sources_of(access))}. It does not cover ammunition "
            f"{cite(dataset, _sources_of(ammunition))}, unlike Japan's other agreements since 2016; "
            f"{wrong['source_id'].nunique()} reports that said it did are contradicted by Japan's parliamentary record "
            f"{cite(dataset, list(wrong['source_id']))}.")
    return Finding("focus_coverage", text, {"categories": categories, "ammunition": coded.get(FOCUS, ""),
                                            "ammunition_wrong_reports": int(wrong["source_id"].nunique())})


NAMED_BASES = {"port-blair", "djibouti"}  # the places analyses of the 2020 agreement named (section 3)


def quad_finding(dataset, india: pd.DataFrame) -> Finding:
    quad = india[india["partner"].isin(QUAD)].sort_values("signed_date_start")
    first = first_agreements(quad)
    last = first.iloc[-1]
    text = (f"With the 2020 agreement India had a logistics agreement with each of its {len(QUAD)} Quad partners: "
            + ", ".join(f"{country_name(r.partner)} ({int(r.signed_year)})" for r in first.itertuples())
            + f" {cite(dataset, list(first['signed_source_id']))}.")
    uses = uses_between(dataset.uses, [HOME, JAPAN])
    named = uses[uses["place_ids_list"].map(lambda p: bool(set(p) & NAMED_BASES))]
    text += (f" Published analyses expected Japan to use Indian bases in the Andaman and Nicobar Islands and India to use "
             f"Japan's at Djibouti; of the {len(uses)} recorded occasions on which the two forces supplied each other, "
             f"{len(named) or 'none'} took place there (section 3).")
    return Finding("quad", text, {"quad_partners": len(first), "completed": str(last["agreement_id"]),
                                  "uses_with_japan": len(uses), "at_named_bases": len(named)})


def japan_finding(dataset, japan: pd.DataFrame, india: pd.DataFrame) -> Finding:
    timed = japan["months_to_force"].dropna()
    median = timed.median()
    dated = int((india["in_force_date_precision"] == "day").sum())
    known = int(india["in_force_date"].astype(bool).sum())
    text = (f"Japan has signed ACSAs with {japan['partner'].nunique()} partners ({len(japan)} agreements counting "
            f"revisions); India was the {_ordinal(rank_of(japan, HOME))}. Each is a treaty the Diet approves, and the "
            f"median ACSA entered into force {median:.0f} months after signature (n = {len(timed)} with both dates known to "
            f"the month) {cite(dataset, _ids(japan, 'in_force_source_id'))}. "
            f"An entry-into-force date is known for only {known} of India's {len(india)} agreements "
            f"({'none' if dated == 0 else dated} to the day); Indian releases announce signatures, not entry into force.")
    return Finding("networks", text, {"partners": int(japan["partner"].nunique()), "agreements": len(japan),
                                      "median_japan": float(median), "timed_japan": len(timed), "india_known": known, "india_dated": dated})


def uses_finding(dataset) -> Finding:
    uses = dataset.uses
    india = uses_between(uses, [HOME])
    stated = india[india["grade"] == "stated"]
    rpss = stated[stated["agreement_id"] == FOCUS].sort_values("date_start")
    text = (f"The data documents {len(india)} uses of India's logistics agreements, {len(stated)} of them stated by a "
            f"source as made under an agreement {cite(dataset, _sources_of(stated))}.")
    if len(rpss):
        text += (f" The first use of the 2020 agreement a source states is dated {_label(rpss['date'].iloc[0])}: "
                 f"{rpss['units'].iloc[0] or rpss['place'].iloc[0]} {cite(dataset, rpss['source_ids_list'].iloc[0])}.")
    return Finding("uses", text, {"uses": len(india), "stated": len(stated)})


def exercises_finding(dataset, india: pd.DataFrame, as_of: dt.date) -> Finding:
    from .exercises import editions, windows_compared, with_partner

    indias = editions(dataset.events, HOME)
    windows = windows_compared(indias, india, as_of).set_index("partner")
    japan = windows.loc[JAPAN]
    comparison = ", ".join(country_name(p) for p in japan["comparison"])
    year = int(japan["signed_year"])
    pair = with_partner(indias, JAPAN)
    pair = pair[pair["armed"] & pair["year"].between(year - 3, year + 3)]
    text = (f"Bilateral exercises of India and Japan rose from {japan['bilateral_before']:.0f} documented editions in the "
            f"three years before {year} to {japan['bilateral_after']:.0f} in the three after, and exercises with third "
            f"countries from {japan['third_before']:.0f} to {japan['third_after']:.0f} {cite(dataset, _ids(pair, 'date_source_id'))}; "
            f"with {comparison or 'partners that had no agreement'}, which had none, bilateral editions went from "
            f"{japan['comparison_before']:.0f} to {japan['comparison_after']:.0f} over the same years. The counts are too "
            "small to show what the agreement changed (section 7).")
    return Finding("exercises", text, {"bilateral_before": int(japan["bilateral_before"]), "bilateral_after": int(japan["bilateral_after"]),
                                       "third_before": int(japan["third_before"]), "third_after": int(japan["third_after"]),
                                       "year": year})


def seed_finding(dataset) -> Finding:
    seeds = dataset.sources[dataset.sources["seed_file"] != ""]
    claims = dataset.claims[dataset.claims["source_id"].isin(seeds.index)]
    wrong, disputed = int((claims["verdict"] == "wrong").sum()), int((claims["verdict"] == "disputed").sum())
    text = (f"Of {len(claims)} claims checked in {len(seeds)} news reports about India's logistics agreements "
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
    return [quad_finding(dataset, india), network_finding(dataset, india), path_finding(dataset, india), force_finding(dataset, india),
            coverage_finding(dataset), japan_finding(dataset, japan, india), uses_finding(dataset),
            exercises_finding(dataset, india, dataset.cutoff), seed_finding(dataset), sources_finding(dataset)]


def partner_assessment(dataset, code: str, start_year: int, end_year: int) -> str:
    """The opening paragraph of a partner's profile: the partnership in a few computed sentences
    (its logistics agreement, exercises in the years chosen and around signature, documented uses)."""
    from .countries import country_in_sentence
    from .exercises import editions, with_partner, windows_compared, year_label

    name = country_in_sentence(code)
    india = logistics_network(dataset, HOME)
    mine = india[india["partner"] == code].sort_values("signed_date_start")
    years = f"{start_year}–{year_label(end_year, dataset.cutoff)}"
    sentences = []
    if len(mine):
        pact = mine.iloc[0]
        status = {"in_force": "in force", "signed": "signed, but its entry into force has not been published",
                  "effective_on_signature": "in force from signature"}.get(pact["status"], pact["status"].replace("_", " "))
        sentences.append(f"India's logistics agreement with {name}, the {pact['short_name']}, was signed on "
                         f"{_label(pact['signed_date'])} {cite(dataset, [pact['signed_source_id']])}, making {name} the "
                         f"{_ordinal(rank_of(india, code))} of India's {india['partner'].nunique()} logistics partners; "
                         f"it is {status}.")
    else:
        sentences.append(f"The data records no logistics agreement between India and {name}.")
    indias = editions(dataset.events, HOME)
    armed = with_partner(indias, code)
    armed = armed[armed["armed"] & armed["year"].between(start_year, end_year)]
    if len(armed):
        bilateral = armed[~armed["with_third"]]
        top = bilateral["series"].value_counts()
        sentences.append(f"In {years} the two armed forces held {len(bilateral)} documented bilateral exercise editions"
                         + (f", most often {top.index[0]} ({top.iloc[0]})" if len(top) else "")
                         + f", and took part together in {int(armed['with_third'].sum())} exercises with third countries.")
    else:
        sentences.append(f"No exercise of the two armed forces is recorded in {years}.")
    windows = windows_compared(indias, india, dataset.cutoff).set_index("partner")
    if code in windows.index and windows.at[code, "years_after"] == 3:
        row = windows.loc[code]
        sentences.append(f"In the three years after signature there were {row['bilateral_after']:.0f} bilateral editions, "
                         f"against {row['bilateral_before']:.0f} in the three before; section 7 of the report sets this "
                         "beside partners that had signed nothing, and the counts are too small to credit the agreement.")
    uses = uses_between(dataset.uses, [HOME, code])
    uses = uses[uses["date_start"].dt.year.between(start_year, end_year)].sort_values("date_start")
    stated = uses[uses["grade"] == "stated"]
    if len(uses):
        sentences.append(f"The record documents {len(uses)} occasion{'s' if len(uses) != 1 else ''} of supply between the two "
                         f"forces in {years}, {len(stated) or 'none'} stated as made under "
                         "an agreement" + (f", the first in {_label(stated['date'].iloc[0])} "
                                           f"{cite(dataset, stated['source_ids_list'].iloc[0], most=2)}" if len(stated) else "") + ".")
    else:
        sentences.append(f"No use of a logistics agreement between them is documented in {years}.")
    return " ".join(sentences)
