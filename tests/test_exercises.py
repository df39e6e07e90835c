"""Exercise counts that compare like with like, on hand-made rows: bilateral and third-country
editions apart, coast guards apart, observers never counted, the partial year named, and
before/after windows set beside partners that had signed nothing."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from logistics_pacts import exercises as ex


def events(*rows) -> pd.DataFrame:
    frame = pd.DataFrame([{"kind": "exercise", "observers_list": [], "series": "S", **row} for row in rows])
    frame["date_start"] = pd.to_datetime(frame["date"])
    return frame


def network(*pairs) -> pd.DataFrame:
    frame = pd.DataFrame([{"agreement_id": f"a-{p}", "partner": p, "short_name": f"A-{p}", "signed_year": y,
                           "signed_date_start": pd.Timestamp(f"{y}-06-01")} for p, y in pairs])
    return frame.set_index(frame["agreement_id"].rename(None))


ROWS = [
    {"date": "2019-03-01", "countries_list": ["IND", "JPN"], "format": "bilateral", "service": "navy"},
    {"date": "2021-03-01", "countries_list": ["IND", "JPN"], "format": "bilateral", "service": "navy"},
    {"date": "2021-05-01", "countries_list": ["IND", "JPN"], "format": "bilateral", "service": "coast_guard"},
    {"date": "2022-03-01", "countries_list": ["AUS", "IND", "JPN", "USA"], "format": "multilateral", "service": "navy"},
    {"date": "2022-07-01", "countries_list": ["IND", "USA"], "format": "bilateral", "service": "army", "observers_list": ["JPN"]},
    {"date": "2018-07-01", "countries_list": ["IND", "RUS"], "format": "bilateral", "service": "army"},
    {"date": "2022-07-01", "countries_list": ["IND", "RUS"], "format": "bilateral", "service": "army"},
    {"date": "2023-07-01", "countries_list": ["IND", "RUS"], "format": "bilateral", "service": "navy"},
]


def test_formats_and_services_are_counted_apart_and_observers_not_at_all():
    frame = ex.editions(events(*ROWS), "IND")
    japan = ex.with_partner(frame, "JPN")
    assert len(japan) == 4  # the exercise Japan only observed is not Japan's
    coverage = ex.series_coverage(frame, ["JPN", "USA"]).set_index("partner")
    assert coverage.loc["JPN", ["bilateral", "with_third", "coast_guard"]].tolist() == [2, 1, 1]
    assert coverage.loc["USA", ["bilateral", "with_third", "coast_guard"]].tolist() == [1, 1, 0]


def test_a_multilateral_edition_counts_once_per_partner_row_not_once_per_country_in_totals():
    frame = ex.editions(events(*ROWS), "IND")
    third = frame[frame["with_third"]]
    assert len(third) == 1
    matrix = ex.matrix(third, ["AUS", "JPN", "USA"], [2022])
    assert matrix[2022].tolist() == [1, 1, 1]


def test_the_partial_year_is_named():
    assert ex.partial_year(dt.date(2026, 10, 31)) == 2026
    assert ex.partial_year(dt.date(2025, 12, 31)) is None
    assert ex.year_label(2026, dt.date(2026, 10, 31)) == "2026 (to Oct)"
    assert ex.year_label(2025, dt.date(2026, 10, 31)) == "2025"
    assert ex.last_full_year(dt.date(2026, 10, 31)) == 2025


def test_windows_set_each_partner_beside_those_that_had_signed_nothing():
    frame = ex.editions(events(*ROWS), "IND")
    windows = ex.windows_compared(frame, network(("JPN", 2020), ("RUS", 2025)), dt.date(2026, 10, 31)).set_index("partner")
    japan = windows.loc["JPN"]
    # armed forces only: the coast-guard drill of 2021 is not counted
    assert (japan["bilateral_before"], japan["bilateral_after"], japan["third_before"], japan["third_after"]) == (1, 1, 0, 1)
    assert japan["comparison"] == ["RUS"] and (japan["comparison_before"], japan["comparison_after"]) == (1, 2)
    russia = windows.loc["RUS"]  # signed in 2025: no year after it has ended by the cut-off
    assert russia["years_after"] == 0 and pd.isna(russia["bilateral_after"]) and russia["comparison"] == []


def test_change_words():
    assert [ex.change_word(1, 2), ex.change_word(2, 1), ex.change_word(2, 2), ex.change_word(None, 2)] == [
        "rose", "fell", "unchanged", "not observable"]


def test_windows_depend_on_the_data_cutoff_not_the_clock():
    frame = ex.editions(events(*ROWS), "IND")
    early = ex.windows_compared(frame, network(("JPN", 2020)), dt.date(2022, 6, 1)).set_index("partner").loc["JPN"]
    late = ex.windows_compared(frame, network(("JPN", 2020)), dt.date(2026, 10, 31)).set_index("partner").loc["JPN"]
    assert early["years_after"] == 1 and late["years_after"] == 3
    assert (early["bilateral_after"], early["third_after"]) == (1, 0)  # 2022's exercises are past the last full year, 2021
    assert (late["bilateral_after"], late["third_after"]) == (1, 1)
