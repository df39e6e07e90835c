"""What each report section shows. Notebooks call these with their parameters;
every chart and table here carries a caption, a source note and (charts) alt text."""
from __future__ import annotations

import datetime as dt
import html
import json
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import analysis as an
from . import charts
from .display import _display_html, show_figure, show_list, show_table, show_text, source_note
from .findings import key_findings

FOCUS = "ind-jpn-rpss-2020"
HOME, JAPAN = "IND", "JPN"


def as_of(dataset) -> dt.date:
    """The data's own 'now': the latest date it records (keeps output reproducible)."""
    latest = max(dataset.events["date_end"].max(), dataset.agreements["signed_date_end"].max(),
                 dataset.agreements["in_force_date_end"].max())
    return latest.date()


# --------------------------------------------------------------------------- key findings

def show_key_findings(dataset) -> list:
    findings = key_findings(dataset, focus=FOCUS, home=HOME, partner=JAPAN)
    show_list([f.text for f in findings])
    return findings


def show_focus_card(dataset, output_dir) -> None:
    pact = dataset.agreements.loc[FOCUS]
    rows = [("Official name", pact["name"]), ("Short names", pact["short_name"]),
            ("Negotiations announced", pact["negotiations_started"]), ("Signed", pact["signed_date"]),
            ("Place", pact["signed_place"]), ("Signatories", pact["signatories"]),
            ("Entered into force", pact["in_force_date"] or "not established in our sources"),
            ("Initial term (years)", "" if pd.isna(pact["duration_years"]) else f"{pact['duration_years']:.0f}"),
            ("Scope", pact["scope"]), ("Notes", pact["notes"])]
    frame = pd.DataFrame(rows, columns=["Field", "Value"])
    show_table(frame, "The 2020 India–Japan agreement at a glance",
               source_note(dataset, pact["source_ids_list"]), "rpss-at-a-glance", output_dir)


# --------------------------------------------------------------------------- India–Japan timeline

def show_india_japan_timeline(dataset, start_year: int, end_year: int, event_kinds: list[str], output_dir) -> None:
    events = an.events_between(dataset.events, [HOME, JAPAN], start_year, end_year, kinds=event_kinds)
    events = an.add_short_labels(events)
    fig = charts.plot_event_timeline(events, f"India–Japan defence cooperation, {start_year}–{end_year}",
                                     start_year, end_year, highlight_agreement=FOCUS)
    counts = events["kind"].value_counts()
    alt = (f"Timeline of {len(events)} India–Japan events from {start_year} to {end_year}. The upper panel labels "
           f"{int(counts.get('declaration', 0))} declarations, {int(counts.get('agreement_milestone', 0))} agreement "
           f"milestones and {int(counts.get('two_plus_two', 0))} 2+2 meetings; a shaded band marks the 2020 logistics "
           "agreement from the start of negotiations to entry into force. The lower panel shows every event as a dot "
           "in a lane per kind: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()) + ".")
    show_figure(fig, "india-japan-timeline", "India–Japan declarations, agreements, meetings and exercises",
                alt, source_note(dataset, events["source_ids_list"]) + " " + charts.PRECISION_NOTE, output_dir)


def show_india_japan_documents(dataset, output_dir) -> None:
    agreements = dataset.agreements
    pair = agreements[agreements["parties_list"].map(lambda p: set(p) == {HOME, JAPAN})].sort_values("signed_date_start")
    frame = pd.DataFrame({"Signed": pair["signed_date"], "Document": pair["name"], "Kind": pair["kind"].str.replace("_", " "),
                          "In force": pair["in_force_date"], "Status": pair["status"].str.replace("_", " ")})
    show_table(frame, "India–Japan defence documents, oldest first", source_note(dataset, pair["source_ids_list"]),
               "india-japan-documents", output_dir)


def show_meetings(dataset, kinds: list[str], caption: str, name: str, output_dir) -> None:
    events = an.events_between(dataset.events, [HOME, JAPAN], 1990, 2100, kinds=kinds)
    frame = pd.DataFrame({"Date": events["date"], "Kind": events["kind"].str.replace("_", " "),
                          "Meeting": events["title"], "Place": events["place"]})
    show_table(frame, caption, source_note(dataset, events["source_ids_list"]), name, output_dir)


# --------------------------------------------------------------------------- networks

def show_network(dataset, country: str, network_label: str, name: str, output_dir) -> pd.DataFrame:
    network = an.logistics_network(dataset, country)
    table = an.network_table(network)
    show_table(table, f"{network_label}: every agreement, most recent first (months are rounded)",
               source_note(dataset, network["source_ids_list"]), f"{name}-table", output_dir)
    today = as_of(dataset)
    fig = charts.plot_swimlanes(network, f"{network_label}: negotiation, signature and entry into force", today)
    in_force = network["in_force_date"].astype(bool).sum()
    alt = (f"Swimlane chart with one lane per agreement ({len(network)} lanes, {network['partner'].nunique()} partners), "
           f"earliest at the bottom. Bars show negotiation where its start is known, the wait between signature and "
           f"entry into force, and the period in force up to {today:%B %Y}. {in_force} of {len(network)} agreements "
           "have a recorded entry-into-force date. First signature: "
           f"{network['signed_date'].iloc[0]} ({network['partner_name'].iloc[0]}); latest: "
           f"{network['signed_date'].iloc[-1]} ({network['partner_name'].iloc[-1]}).")
    show_figure(fig, f"{name}-swimlanes", f"{network_label}: from negotiation to entry into force", alt,
                source_note(dataset, network["source_ids_list"]) + " " + charts.PRECISION_NOTE, output_dir)
    return network


def show_other_arrangements(dataset, output_dir) -> None:
    agreements = dataset.agreements
    other = agreements[agreements["parties_list"].map(lambda p: HOME in p) & (agreements["kind"] == "access_arrangement")]
    other = other.sort_values("signed_date_start")
    frame = pd.DataFrame({"Partner": other["parties_list"].map(lambda p: an.country_name(an.partner_of(p, HOME))),
                          "Arrangement": other["name"], "Signed": other["signed_date"],
                          "What it actually is": other["scope"], "Notes": other["notes"]})
    show_table(frame, "Arrangements often described as logistics pacts that are something else",
               source_note(dataset, other["source_ids_list"]), "india-other-arrangements", output_dir)


def show_cumulative(dataset, start_year: int, end_year: int, output_dir) -> None:
    networks = {HOME: an.logistics_network(dataset, HOME), JAPAN: an.logistics_network(dataset, JAPAN)}
    first_year = min(int(n["signed_year"].min()) for n in networks.values())
    counts = an.cumulative_partners(networks, max(first_year, min(start_year, first_year)), end_year)
    counts.attrs["labels"] = {HOME: "India: partners with a logistics agreement",
                              JAPAN: "Japan: partners with an ACSA"}
    fig = charts.plot_cumulative(counts, "Partners with a signed logistics-support agreement, by year",
                                 "Partners (cumulative count)")
    alt = (f"Step chart of the cumulative number of partners, {counts.index.min()} to {counts.index.max()}. "
           f"Japan reaches {counts[JAPAN].iloc[-1]} partners, starting in {int(networks[JAPAN]['signed_year'].min())}; "
           f"India reaches {counts[HOME].iloc[-1]}, starting in {int(networks[HOME]['signed_year'].min())}.")
    sources = pd.concat([networks[HOME]["source_ids_list"], networks[JAPAN]["source_ids_list"]])
    show_figure(fig, "cumulative-partners", "Two networks side by side: partners by year of first signature", alt,
                source_note(dataset, sources) + " A partner counts once, from its first signed agreement.", output_dir)


def show_side_by_side(dataset, output_dir) -> None:
    india = an.logistics_network(dataset, HOME).assign(network=HOME)
    japan = an.logistics_network(dataset, JAPAN).assign(network=JAPAN)
    both = pd.concat([india, japan])
    timed = both.dropna(subset=["months_to_force"]).copy()
    timed["label"] = timed["network"].map({HOME: "India", JAPAN: "Japan"}) + ": " + timed["lane_label"]
    timed.attrs["labels"] = {HOME: "India's network", JAPAN: "Japan's ACSA network"}
    fig = charts.plot_duration_bars(timed, "months_to_force", "label", "network",
                                    "Months from signature to entry into force", "Months (rounded)")
    alt = (f"Horizontal bars for the {len(timed)} agreements with both dates known. Japan's ACSAs "
           f"({(timed['network'] == JAPAN).sum()}) range from {timed.loc[timed['network'] == JAPAN, 'months_to_force'].min():.0f} "
           f"to {timed.loc[timed['network'] == JAPAN, 'months_to_force'].max():.0f} months; India's "
           f"({(timed['network'] == HOME).sum()}) from {timed.loc[timed['network'] == HOME, 'months_to_force'].min():.0f} "
           f"to {timed.loc[timed['network'] == HOME, 'months_to_force'].max():.0f} months.")
    show_figure(fig, "months-to-force", "How long each agreement took to enter into force", alt,
                source_note(dataset, timed["source_ids_list"]) + " Agreements without a recorded entry-into-force date are left out.",
                output_dir)
    rows = []
    for country, network, other in ((HOME, india, JAPAN), (JAPAN, japan, HOME)):
        first = an.first_agreements(network)
        rows.append({"Network": an.country_name(country), "Partners": network["partner"].nunique(),
                     "Agreements incl. revisions": len(network),
                     "First signed": first["signed_date"].iloc[0], "Latest signed": network.sort_values("signed_date_start")["signed_date"].iloc[-1],
                     f"Rank of {an.country_name(other)}": an.rank_of(network, other),
                     "Median months to entry into force": _fmt(network["months_to_force"].median())})
    show_table(pd.DataFrame(rows), "The two networks compared", source_note(dataset, both["source_ids_list"]),
               "networks-compared", output_dir)


def _fmt(value) -> str:
    return "" if pd.isna(value) else f"{value:.0f}"


# --------------------------------------------------------------------------- operationalisation

def show_operationalisation(dataset, start_year: int, end_year: int, output_dir) -> None:
    india = an.logistics_network(dataset, HOME)
    partners = list(an.first_agreements(india)["partner"])
    exercises = dataset.events[(dataset.events["kind"] == "exercise")]
    first_year = max(start_year, int(exercises["date_start"].dt.year.min())) if len(exercises) else start_year
    matrix = an.exercise_matrix(dataset.events, HOME, partners, first_year, end_year)
    markers = {p: [int(y) for y in india.loc[india["partner"] == p, "signed_year"].dropna()] for p in partners}
    fig = charts.plot_activity_heatmap(matrix, markers, "Documented exercises with India, by partner and year")
    busiest = matrix.sum(axis=1).sort_values(ascending=False)
    alt = (f"Heatmap: rows are India's {len(partners)} logistics partners, columns the years {first_year}–{end_year}, "
           f"cells the number of documented exercise editions with India. Outlined cells mark the year each logistics "
           f"agreement was signed. Most editions: {an.country_name(busiest.index[0])} ({int(busiest.iloc[0])}); "
           + ", ".join(f"{an.country_name(p)} {int(n)}" for p, n in busiest.iloc[1:].items()) + ".")
    used = exercises[exercises["countries_list"].map(lambda c: HOME in c)]
    show_figure(fig, "exercise-heatmap", "Exercises before and after each agreement", alt,
                source_note(dataset, used["source_ids_list"]) + " Multilateral exercises count once for each participating partner.",
                output_dir)
    show_table(an.before_after(dataset.events, india, HOME), "Documented exercise editions in the three full years before and after signature",
               source_note(dataset, used["source_ids_list"]), "before-after", output_dir)


def show_agreement_use(dataset, output_dir) -> None:
    events = dataset.events
    used = events[events["milestone"] == "used"].sort_values("date_start")
    frame = pd.DataFrame({"Date": used["date"], "Partners": used["countries_list"].map(lambda c: ", ".join(an.country_name(x) for x in c)),
                          "What happened": used["title"], "Agreement": used["agreement_id"], "Notes": used["notes"]})
    show_table(frame, "Reported uses of logistics agreements (supplies or services actually provided)",
               source_note(dataset, used["source_ids_list"]), "agreement-use", output_dir)


# --------------------------------------------------------------------------- sources and conflicts

def show_conflicts(dataset, output_dir) -> None:
    claims = an.conflicts(dataset)
    flagged = claims[claims["verdict"] != "supported"]
    items = [f"{row.verdict.upper()}: {row.publisher} says {row.attribute.replace('_', ' ')} of '{row.subject_id}' is "
             f"“{row.value}”. {row.note}" for row in flagged.itertuples()]
    show_list(items, "conflicts")
    frame = pd.DataFrame({"Verdict": claims["verdict"], "Subject": claims["subject_id"], "Attribute": claims["attribute"],
                          "Value the source gives": claims["value"], "Source": claims["publisher"],
                          "Reliability": claims["reliability"], "Evidence": claims["note"]})
    show_table(frame, f"All {len(claims)} checked claims: contradicted and disputed first",
               f"Source: data/claims.csv, {claims['source_id'].nunique()} sources.", "claims", output_dir)


def show_seed_articles(dataset, output_dir) -> None:
    sources = dataset.sources
    seeds = sources[sources["seed_file"] != ""].sort_values("seed_file")
    verdicts = dataset.claims.groupby(["source_id", "verdict"]).size().unstack(fill_value=0)
    frame = pd.DataFrame({
        "Seed file": seeds["seed_file"], "Publisher": seeds["publisher"], "Title": seeds["title"],
        "Published": seeds["published_date"], "url": seeds["url"],
        "Claims checked": [int(verdicts.loc[s].sum()) if s in verdicts.index else 0 for s in seeds.index],
        "Wrong": [int(verdicts.loc[s].get("wrong", 0)) if s in verdicts.index else 0 for s in seeds.index],
        "Disputed": [int(verdicts.loc[s].get("disputed", 0)) if s in verdicts.index else 0 for s in seeds.index],
    })
    show_table(frame, "The five seed articles and how their claims fared", "Source: data/sources.csv and data/claims.csv.",
               "seed-articles", output_dir, links={"Title": "url"}, numeric=("Claims checked", "Wrong", "Disputed"))


def show_reliability(dataset, output_dir) -> None:
    table = an.reliability_summary(dataset)
    fig = charts.plot_grouped_counts(table, "Sources by kind and our reliability grading", "Sources (count)", "Kind of source")
    alt = (f"Stacked bars of the {len(dataset.sources)} sources by kind: "
           + "; ".join(f"{kind} {int(row.sum())} (" + ", ".join(f"{c} {int(v)}" for c, v in row.items() if v) + ")"
                       for kind, row in table.iterrows()) + ".")
    show_figure(fig, "source-reliability", "Where the data comes from", alt,
                "Source: data/sources.csv. High = official record or primary document; medium = established newspaper, "
                "wire or think tank; low = blog, aggregator or unclear provenance.", output_dir)


# --------------------------------------------------------------------------- appendix

def show_data_dictionary(data_dir, output_dir) -> None:
    descriptor = json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))
    rows = []
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            allowed = ", ".join(constraints.get("enum", [])) or ("YYYY[-MM[-DD]]" if "\\d{4}(-" in constraints.get("pattern", "") else "")
            rows.append({"File": resource["path"], "Column": field["name"], "Type": field.get("type", "string"),
                         "Required": "yes" if constraints.get("required") else "", "Allowed values": allowed,
                         "Meaning": field.get("description", "")})
    show_table(pd.DataFrame(rows), "Data dictionary (from data/datapackage.json)", "Source: data/datapackage.json.",
               "data-dictionary", output_dir)


def show_source_list(dataset, output_dir) -> None:
    sources = dataset.sources.sort_values(["publisher", "published_date", "source_id"])
    cited = an.citations_per_source(dataset)
    frame = pd.DataFrame({"Id": sources["source_id"], "Publisher": sources["publisher"], "Title": sources["title"],
                          "url": sources["url"], "Published": sources["published_date"], "Kind": sources["kind"],
                          "Reliability": sources["reliability"], "Rows citing it": cited.reindex(sources.index).astype(int),
                          "What we checked": sources["checked"]})
    show_table(frame, f"All {len(sources)} sources (accessed as stored copies; see 'accessed' in sources.csv)",
               "Source: data/sources.csv.", "sources", output_dir, links={"Title": "url"}, numeric=("Rows citing it",),
               max_rows=1000)


def show_build_info(data_dir) -> None:
    from .fingerprint import data_digest

    digest = data_digest(Path(data_dir))[:16]
    packages = ["pandas", "matplotlib", "papermill", "nbconvert", "nbclient", "weasyprint", "frictionless", "pycountry"]
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in packages)
    show_text(f"Data fingerprint (SHA-256 of data/*.csv and datapackage.json, first 16 hex digits): {digest}. "
              f"Built with {versions}.", "build-info")


# --------------------------------------------------------------------------- partner profile

def show_partner_profile(dataset, partner: str, start_year: int, end_year: int, event_kinds: list[str], output_dir) -> None:
    code = an.resolve_partner(partner)
    name = an.country_name(code)
    _display_html(f'<h1 id="profile-{html.escape(code.lower())}">Partner profile: {html.escape(name)}</h1>')
    agreements = dataset.agreements[dataset.agreements["parties_list"].map(lambda p: HOME in p and code in p)]
    agreements = agreements.sort_values("signed_date_start")
    events = an.events_between(dataset.events, [HOME, code], start_year, end_year, kinds=event_kinds)
    logistics = agreements[agreements["kind"] == an.LOGISTICS_KIND]
    summary = (f"India and {name}: {len(agreements)} agreement(s) in the dataset, {len(logistics)} of them "
               f"logistics-support; {len(events)} events from {start_year} to {end_year}, "
               f"{int((events['kind'] == 'exercise').sum())} of them exercises.")
    show_text(summary, "lead")
    _display_html('<h2 id="profile-agreements">Agreements</h2>')
    frame = pd.DataFrame({"Signed": agreements["signed_date"], "Agreement": agreements["name"],
                          "Kind": agreements["kind"].str.replace("_", " "), "In force": agreements["in_force_date"],
                          "Status": agreements["status"].str.replace("_", " "), "Scope": agreements["scope"]})
    show_table(frame, f"Agreements between India and {name}", source_note(dataset, agreements["source_ids_list"]),
               "partner-agreements", output_dir)
    _display_html('<h2 id="profile-timeline">Timeline</h2>')
    if len(events):
        labelled = an.add_short_labels(events)
        fig = charts.plot_event_timeline(labelled, f"India–{name}: events, {start_year}–{end_year}", start_year, end_year,
                                         label_kinds=("declaration", "agreement_milestone", "two_plus_two", "summit"))
        alt = (f"Timeline of {len(events)} India–{name} events from {start_year} to {end_year}: "
               + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in events["kind"].value_counts().items()) + ".")
        show_figure(fig, f"timeline-{code.lower()}", f"India–{name} timeline", alt,
                    source_note(dataset, events["source_ids_list"]) + " " + charts.PRECISION_NOTE, output_dir)
    else:
        show_text(f"No events with India and {name} between {start_year} and {end_year} in the dataset.")
    _display_html('<h2 id="profile-exercises">Exercises</h2>')
    exercises = events[events["kind"] == "exercise"]
    frame = pd.DataFrame({"Date": exercises["date"], "Series": exercises["series"], "Exercise": exercises["title"],
                          "Participants": exercises["countries_list"].map(lambda c: ", ".join(an.country_name(x) for x in c)),
                          "Place": exercises["place"]})
    show_table(frame, f"Documented exercises with India and {name}", source_note(dataset, exercises["source_ids_list"]),
               "partner-exercises", output_dir)
    _display_html('<h2 id="profile-sources">Sources</h2>')
    ids = sorted({s for lst in pd.concat([agreements["source_ids_list"], events["source_ids_list"]]) for s in lst})
    sources = dataset.sources.loc[ids].sort_values(["publisher", "source_id"]) if ids else dataset.sources.iloc[0:0]
    frame = pd.DataFrame({"Publisher": sources["publisher"], "Title": sources["title"], "url": sources["url"],
                          "Published": sources["published_date"], "Kind": sources["kind"], "Reliability": sources["reliability"]})
    show_table(frame, f"Sources cited for India–{name}", "Source: data/sources.csv.", "partner-sources", output_dir,
               links={"Title": "url"})
