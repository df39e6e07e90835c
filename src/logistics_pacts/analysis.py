"""Frames the report is made of, derived from the dataset by small named steps.
Nothing here is typed in by hand: every value comes from data/*.csv."""
from __future__ import annotations

import pandas as pd

from .countries import country_name

LOGISTICS_KIND = "logistics_support"
HOME, JAPAN = "IND", "JPN"
FOCUS = "ind-jpn-rpss-2020"  # the 2020 India–Japan agreement the report centres on


def partner_of(parties: list[str], country: str) -> str:
    others = [p for p in parties if p != country]
    return others[0] if len(others) == 1 else ";".join(others)


def months_between(frame: pd.DataFrame, first: str, second: str) -> pd.Series:
    """Rounded months between two partial-date columns; empty when either is known
    only to the year (a month count would then be false precision)."""
    months = ((frame[f"{second}_start"] - frame[f"{first}_start"]).dt.days / 30.4375).round(0)
    coarse = (frame[f"{first}_precision"] == "year") | (frame[f"{second}_precision"] == "year")
    return months.mask(coarse)


def logistics_network(dataset, country: str, kinds=(LOGISTICS_KIND,)) -> pd.DataFrame:
    """Agreements of `kinds` to which `country` is a party, one row each (originals
    and revisions), with partner, the date a superseded version ended, and lane labels."""
    agreements = dataset.agreements
    frame = agreements[agreements["kind"].isin(kinds) & agreements["parties_list"].map(lambda p: country in p)].copy()
    frame["partner"] = frame["parties_list"].map(lambda p: partner_of(p, country))
    frame["partner_name"] = frame["partner"].map(lambda c: "; ".join(country_name(x) for x in c.split(";")))
    frame["ended_start"] = pd.NaT
    for partner, group in frame.groupby("partner"):
        ordered = group.sort_values("signed_date_start")
        for current, following in zip(ordered.index, ordered.index[1:]):
            if frame.at[current, "status"] == "superseded":
                frame.at[current, "ended_start"] = frame.at[following, "in_force_date_start"]
    frame["signed_year"] = frame["signed_date_start"].dt.year
    frame["lane_label"] = frame["partner_name"] + " — " + frame["short_name"] + " (" + frame["signed_year"].map(
        lambda y: "" if pd.isna(y) else f"{int(y)}") + ")"
    frame["months_negotiating"] = months_between(frame, "negotiations_started", "signed_date")
    frame["months_to_force"] = months_between(frame, "signed_date", "in_force_date")
    return frame.sort_values(["signed_date_start", "agreement_id"])


def first_agreements(network: pd.DataFrame) -> pd.DataFrame:
    """Each partner's first signed agreement, in order of signature, with its rank."""
    signed = network.dropna(subset=["signed_date_start"]).sort_values(["signed_date_start", "agreement_id"])
    first = signed.drop_duplicates("partner", keep="first").copy()
    first["join_rank"] = range(1, len(first) + 1)
    return first


def rank_of(network: pd.DataFrame, partner: str) -> int | None:
    first = first_agreements(network)
    match = first[first["partner"] == partner]
    return int(match["join_rank"].iloc[0]) if len(match) else None


def cumulative_partners(networks: dict[str, pd.DataFrame], start_year: int, end_year: int) -> pd.DataFrame:
    """Cumulative number of partners with a signed agreement, by year, per network."""
    years = range(start_year, end_year + 1)
    columns = {}
    for country, network in networks.items():
        first = first_agreements(network)
        columns[country] = [int((first["signed_year"] <= year).sum()) for year in years]
    frame = pd.DataFrame(columns, index=list(years))
    frame.index.name = "year"
    return frame


def network_table(network: pd.DataFrame) -> pd.DataFrame:
    """Comparative table, most recent first."""
    table = network.sort_values(["signed_date_start", "agreement_id"], ascending=[False, True])
    return pd.DataFrame({
        "Partner": table["partner_name"],
        "Agreement": table["name"],
        "Short name": table["short_name"],
        "Talks began": table["negotiations_started"],
        "Signed": table["signed_date"],
        "In force": table["in_force_date"],
        "Months talking": table["months_negotiating"].map(_fmt_int),
        "Months to force": table["months_to_force"].map(_fmt_int),
        "Term (years)": table["duration_years"].map(_fmt_int),
        "Status": table["status"].str.replace("_", " "),
        "Scope": table["scope"],
    })


def _fmt_int(value) -> str:
    return "" if pd.isna(value) else f"{int(value)}"


def events_between(events: pd.DataFrame, countries: list[str], start_year: int, end_year: int,
                   kinds: list[str] | None = None, require_all: bool = True) -> pd.DataFrame:
    """Events involving all (or any) of `countries` within the years, optionally of `kinds`."""
    test = all if require_all else any
    mask = events["countries_list"].map(lambda c: test(x in c for x in countries))
    mask &= events["date_start"].dt.year.between(start_year, end_year)
    if kinds is not None:
        mask &= events["kind"].isin(kinds)
    return events[mask].sort_values(["date_start", "event_id"])


def add_short_labels(events: pd.DataFrame, max_len: int = 30) -> pd.DataFrame:
    """A `short_label` for timeline stems: the title cut to `max_len` characters, and the year."""
    frame = events.copy()
    frame["short_label"] = [
        (t if len(t) <= max_len else t[: max_len - 1] + "…") + f" ({d})"
        for t, d in zip(frame["title"], frame["date_start"].dt.year)
    ]
    return frame


def agreements_between(agreements: pd.DataFrame, countries: list[str], exactly: bool = False) -> pd.DataFrame:
    """Agreements to which all `countries` are parties (and no one else when `exactly`), oldest first."""
    wanted = set(countries)
    mask = agreements["parties_list"].map(lambda p: set(p) == wanted if exactly else wanted <= set(p))
    return agreements[mask].sort_values(["signed_date_start", "agreement_id"])


def country_names(codes: list[str]) -> str:
    return ", ".join(country_name(code) for code in codes)


def conflicts(dataset) -> pd.DataFrame:
    """Claims joined to their sources, disputed and wrong first."""
    claims = dataset.claims.join(dataset.sources[["publisher", "title", "kind", "reliability"]], on="source_id")
    order = {"wrong": 0, "disputed": 1, "supported": 2}
    claims = claims.assign(_order=claims["verdict"].map(order)).sort_values(["_order", "subject_id", "attribute", "claim_id"])
    return claims.drop(columns="_order")


def subjects_in_conflict(dataset) -> pd.DataFrame:
    """(subject, attribute) pairs where sources give more than one value or a verdict is not 'supported'."""
    claims = dataset.claims
    grouped = claims.groupby(["subject_id", "attribute"]).agg(
        values=("value", lambda v: len(set(v))), worst=("verdict", lambda v: "wrong" if "wrong" in set(v) else ("disputed" if "disputed" in set(v) else "supported")))
    return grouped[(grouped["values"] > 1) | (grouped["worst"] != "supported")].reset_index()


def reliability_summary(dataset) -> pd.DataFrame:
    table = pd.crosstab(dataset.sources["kind"], dataset.sources["reliability"])
    return table.reindex(columns=[c for c in ("high", "medium", "low") if c in table.columns])


def citations_per_source(dataset) -> pd.Series:
    """How many agreement and event rows cite each source."""
    counts: dict[str, int] = {}
    for name in ("agreements", "events"):
        for ids in dataset.tables[name]["source_ids_list"]:
            for source_id in ids:
                counts[source_id] = counts.get(source_id, 0) + 1
    return pd.Series(counts, dtype=int).reindex(dataset.sources.index, fill_value=0)


# --------------------------------------------------------------------------- readable tables

def date_label(values: pd.Series) -> pd.Series:
    """'2020-09-09' -> '9 Sep 2020', '2021-07' -> 'Jul 2021', '2021' -> '2021', '' -> ''."""
    from .dates import parse_partial_date

    return values.map(lambda v: parse_partial_date(v).label() if v else "")


def agreement_label(row) -> str:
    """'Japan — RPSS (2020)': partner, short name and year of signature, for lanes and tables."""
    year = "" if pd.isna(row.get("signed_year")) else str(int(row["signed_year"]))
    suffix = f" ({year})" if year and year not in row["short_name"] else ""
    return f"{row['partner_name']} — {row['short_name']}{suffix}"


def human_labels(dataset) -> dict[str, str]:
    """A reader's name for every agreement and event id, for text that mentions ids."""
    agreements, events = dataset.agreements, dataset.events
    parties = agreements["parties_list"].map(lambda codes: " and ".join(country_name(c) for c in codes))
    years = agreements["signed_date"].str[:4].replace("", "unsigned")
    labels = dict(zip(agreements.index, "the " + agreements["short_name"] + " (" + parties + ", " + years + ")"))
    labels.update(zip(events.index, events["title"] + " (" + date_label(events["date"]) + ")"))
    if "uses" in dataset.tables:  # only where the run reads the uses table
        uses = dataset.tables["uses"]
        labels.update(zip(uses.index, "the use at " + uses["place"] + " (" + date_label(uses["date"]) + ")"))
    return labels


def humanizer(dataset):
    """A function that turns data text into reader text: source ids become citations, other ids labels."""
    from .citations import humanize

    sources, labels = set(dataset.sources.index), human_labels(dataset)
    return lambda text: humanize(text, sources, labels)


def first_url(dataset, ids) -> str | None:
    """The address of the first of `ids` that has one."""
    for source_id in ids if isinstance(ids, (list, tuple)) else str(ids).split(";"):
        source_id = source_id.strip()
        if source_id in dataset.sources.index and dataset.sources.at[source_id, "url"]:
            return dataset.sources.at[source_id, "url"]
    return None


def earlier_steps(dataset) -> dict[str, list[pd.Timestamp]]:
    """Known steps between signature and entry into force (parliamentary approval and the like),
    day-precise, per agreement: a partial entry-into-force date is never drawn before them."""
    events = dataset.events
    steps = events[events["milestone"].isin(["ratified", "other"]) & (events["date_precision"] == "day")
                   & (events["agreement_id"] != "")]
    return {agreement: list(group["date_start"]) for agreement, group in steps.groupby("agreement_id")}


# --------------------------------------------------------------------------- what each agreement covers

MATRIX_COLUMNS = {  # matrix column: the provisions it shows, in order
    "Forces covered": ["forces_covered"],
    "Permitted activities": ["activities"],
    "Supplies and services": ["supplies_services"],
    "Weapons and ammunition": ["weapons_ammunition"],
    "Cost settlement": ["cost_settlement"],
    "Legal form and approval": ["legal_form", "ratification"],
    "Term and renewal": ["term", "renewal"],
    "Access to facilities": ["access_facilities"],
}


def provision_cell(rows: pd.DataFrame) -> str:
    """One matrix cell: each provision's value, its article where the text was read, and its citation."""
    from .citations import marker

    parts = []
    for _, row in rows.iterrows():
        article = f" ({row['article']})" if row["article"] else ""
        parts.append(f"{row['value']}{article} {marker(row['source_ids_list'])}")
    return " ".join(parts)


def provisions_matrix(dataset, agreements: pd.DataFrame) -> pd.DataFrame:
    """One row per agreement (in the order given), one column per group of provisions; a cell is
    empty where no source states the provision."""
    provisions = dataset.provisions
    rows = []
    for agreement_id, agreement in agreements.iterrows():
        mine = provisions[provisions["agreement_id"] == agreement_id]
        row = {"Agreement": agreement_label(agreement)}
        for column, names in MATRIX_COLUMNS.items():
            cell = mine[mine["provision"].isin(names)].copy()
            cell["order"] = cell["provision"].map({n: i for i, n in enumerate(names)})
            row[column] = provision_cell(cell.sort_values("order")) if len(cell) else ""
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- exercises and uses


def uses_between(uses: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Uses in which every one of `countries` took part (others may have too, as in an exercise of
    several navies): the one rule by which the findings, the profiles and section 3 count uses."""
    wanted = set(countries)
    return uses[uses["countries_list"].map(lambda c: wanted <= set(c))]


def uses_table(dataset) -> pd.DataFrame:
    """Documented uses, oldest first, with the agreement's short name, the grade's label and citations."""
    from .citations import marker

    uses = dataset.uses.sort_values(["date_start", "use_id"])
    grades = dataset.package.labels("uses", "grade")
    agreements = dataset.agreements
    return pd.DataFrame({
        "Date": date_label(uses["date"]),
        "Between": uses["countries_list"].map(country_names),
        "Where": uses["place"],
        "Units": uses["units"],
        "What was provided": uses["supplied"],
        "Agreement": uses["agreement_id"].map(lambda a: agreements.at[a, "short_name"] if a else "not named"),
        "Link to the agreement": uses["grade"].map(grades),
        "Sources": uses["source_ids_list"].map(marker),
    })


# --------------------------------------------------------------------------- what the agreement means

QUAD = ["USA", "JPN", "AUS"]            # India's partners in the Quad
AGREEMENT_FAMILIES = {                  # column: the agreement kinds it shows
    "Logistics support": ["logistics_support"],
    "Classified information": ["information_security"],
    "Secure communications": ["communications"],
    "Geospatial data": ["geospatial"],
    "Reciprocal access (status of visiting forces)": ["reciprocal_access"],
}


def agreements_by_family(dataset, country: str, partners: list[str], families: dict[str, list[str]] = AGREEMENT_FAMILIES) -> pd.DataFrame:
    """One row per partner, one column per family of agreements: the short names and years of the
    agreements `country` has signed with that partner alone (superseded versions left out), each
    with the document that records its signature; 'none recorded' where the data has none."""
    from .citations import marker

    agreements = dataset.agreements
    rows = []
    for partner in partners:
        mine = agreements_between(agreements, [country, partner], exactly=True)
        mine = mine[mine["status"] != "superseded"]
        row = {"Partner": country_name(partner)}
        for column, kinds in families.items():
            found = mine[mine["kind"].isin(kinds)]
            row[column] = "; ".join(f"{r.short_name} ({r.signed_date[:4]}) {marker([r.signed_source_id])}"
                                    for r in found.itertuples()) or "none recorded"
        rows.append(row)
    return pd.DataFrame(rows)


AMMUNITION = {  # how a weapons_ammunition provision begins -> what it says of ammunition
    "Ammunition included": "included",
    "Ammunition added only": "limited",
    "Ammunition is not covered": "excluded",
    "Weapons and ammunition were excluded": "excluded",
    "Weapons and ammunition excluded": "excluded",
    "Weapons and ammunition still excluded": "excluded",
}


def ammunition_coverage(provisions: pd.DataFrame) -> pd.Series:
    """'included', 'limited' or 'excluded' per agreement, read from the start of its
    weapons_ammunition provision. A provision worded otherwise is an error: the wording list
    above must learn it, rather than the agreement silently dropping out of the count."""
    rows = provisions[provisions["provision"] == "weapons_ammunition"]
    coded = {}
    for agreement_id, value in zip(rows["agreement_id"], rows["value"]):
        match = next((code for start, code in AMMUNITION.items() if value.startswith(start)), None)
        if match is None:
            raise ValueError(f"provisions.csv: the weapons_ammunition value of {agreement_id} ('{value[:60]}') begins "
                             f"in none of the known ways: {', '.join(AMMUNITION)}")
        coded[agreement_id] = match
    return pd.Series(coded, dtype=str)
