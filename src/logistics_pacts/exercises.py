"""Exercise counts that compare like with like.

An *edition* is one exercise India took part in. Editions are counted apart by format:
*bilateral* (India and one partner) and *with third countries* (trilateral or multilateral:
one edition of a 26-nation exercise is one edition, whoever else took part). Coast-guard
drills are counted apart from the armed forces', since the logistics agreements cover armed
forces; observers are never participants. The data's last year is partial when the cut-off
falls before 31 December, and every table and chart that shows it says so.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .countries import country_name

COAST_GUARD = "coast_guard"
BILATERAL = "bilateral"


def editions(events: pd.DataFrame, country: str) -> pd.DataFrame:
    """Exercises `country` took part in (as a participant, not an observer), with `year`,
    `armed` (not a coast-guard drill) and `with_third` (more than one partner)."""
    frame = events[(events["kind"] == "exercise") & events["countries_list"].map(lambda c: country in c)].copy()
    frame["year"] = frame["date_start"].dt.year.astype(int)
    frame["armed"] = frame["service"] != COAST_GUARD
    frame["with_third"] = frame["format"] != BILATERAL
    frame["partners"] = frame["countries_list"].map(lambda c: [x for x in c if x != country])
    return frame


def with_partner(frame: pd.DataFrame, partner: str) -> pd.DataFrame:
    return frame[frame["partners"].map(lambda p: partner in p)]


def partial_year(cutoff: dt.date) -> int | None:
    """The cut-off's year when the data stops before its end, else None."""
    return cutoff.year if (cutoff.month, cutoff.day) != (12, 31) else None


def year_label(year: int, cutoff: dt.date) -> str:
    """'2026 (to Oct)' for the partial last year, else '2026'."""
    return f"{year} (to {cutoff:%b})" if year == partial_year(cutoff) else str(year)


def last_full_year(cutoff: dt.date) -> int:
    return cutoff.year - (1 if partial_year(cutoff) else 0)


def matrix(frame: pd.DataFrame, partners: list[str], years: list[int]) -> pd.DataFrame:
    """Editions per partner (rows) and year (columns)."""
    rows = {}
    for partner in partners:
        counts = with_partner(frame, partner)["year"].value_counts()
        rows[partner] = [int(counts.get(y, 0)) for y in years]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=years)
    table.attrs["labels"] = [country_name(p) for p in table.index]
    return table


def series_coverage(frame: pd.DataFrame, partners: list[str]) -> pd.DataFrame:
    """Per partner: its bilateral armed-forces series (each with first and last year and number of
    bilateral editions), the editions with third countries, and coast-guard drills. A series that
    also had editions with a third country lists only its bilateral ones here."""
    rows = []
    for partner in partners:
        mine = with_partner(frame, partner)
        bilateral = mine[mine["armed"] & ~mine["with_third"]]
        series = []
        for name, group in bilateral.groupby("series"):
            first, last = int(group["year"].min()), int(group["year"].max())
            span = f"{first}–{last}" if first != last else f"{first}"
            series.append((first, f"{name} ({span}, {len(group)})"))
        rows.append({"partner": partner,
                     "bilateral_series": "; ".join(text for _, text in sorted(series)) or "none recorded",
                     "bilateral": len(bilateral),
                     "with_third": int((mine["armed"] & mine["with_third"]).sum()),
                     "coast_guard": int((~mine["armed"]).sum())})
    return pd.DataFrame(rows)


def first_signed(network: pd.DataFrame) -> pd.DataFrame:
    """Each partner's first signed agreement, oldest first."""
    signed = network.dropna(subset=["signed_date_start"]).sort_values(["signed_date_start", "agreement_id"])
    return signed.drop_duplicates("partner", keep="first")


def windows_compared(frame: pd.DataFrame, network: pd.DataFrame, cutoff: dt.date, window: int = 3) -> pd.DataFrame:
    """For each partner's first agreement: armed-forces editions in the `window` full years before
    and after the year of signature (that year itself in neither), bilateral and with third
    countries apart; and, for comparison, bilateral editions over the same calendar years with
    the partners that had signed no agreement by the end of the later window. Windows reaching
    past the last full year are cut short, and `years_after` says how many years were observed."""
    armed = frame[frame["armed"]]
    first = first_signed(network)
    last = last_full_year(cutoff)
    signed_in = dict(zip(first["partner"], first["signed_year"].astype(int)))
    rows = []
    for _, agreement in first.iterrows():
        partner, year = agreement["partner"], int(agreement["signed_year"])
        before = (year - window, year - 1)
        after = (year + 1, min(year + window, last))
        observed = max(0, after[1] - after[0] + 1)
        mine = with_partner(armed, partner)

        def count(rows_, span, third):
            if span[1] < span[0]:
                return None
            chosen = rows_[rows_["with_third"] == third]
            return int(chosen["year"].between(*span).sum())
        comparison = [p for p, y in signed_in.items() if p != partner and y > year + window]
        compared = armed[~armed["with_third"] & armed["partners"].map(lambda ps: any(p in ps for p in comparison))]
        rows.append({
            "partner": partner, "agreement": agreement["short_name"], "signed_year": year,
            "bilateral_before": count(mine, before, False), "bilateral_after": count(mine, after, False),
            "third_before": count(mine, before, True), "third_after": count(mine, after, True),
            "years_after": observed,
            "comparison": comparison,
            "comparison_before": int(compared["year"].between(*before).sum()) if comparison else None,
            "comparison_after": int(compared["year"].between(*after).sum()) if comparison and observed else None,
        })
    return pd.DataFrame(rows)


def change_word(before, after) -> str:
    if before is None or after is None:
        return "not observable"
    return "rose" if after > before else "fell" if after < before else "unchanged"
