import datetime as dt

import pytest

from logistics_pacts.dates import PartialDateError, may_precede, parse_partial_date


@pytest.mark.parametrize("text,start,precision,end", [
    ("2020-09-09", dt.date(2020, 9, 9), "day", dt.date(2020, 9, 9)),
    ("2021-07", dt.date(2021, 7, 1), "month", dt.date(2021, 7, 31)),
    ("2024-02", dt.date(2024, 2, 1), "month", dt.date(2024, 2, 29)),
    ("2012", dt.date(2012, 1, 1), "year", dt.date(2012, 12, 31)),
])
def test_partial_dates_keep_their_precision(text, start, precision, end):
    parsed = parse_partial_date(text)
    assert (parsed.start, parsed.precision, parsed.end, parsed.iso) == (start, precision, end, text)


@pytest.mark.parametrize("text", ["2020-13-01", "2021-02-30", "Sept 2020", "20-09-2020", "2020/09/09", "", "2020-9-9"])
def test_bad_dates_are_rejected(text):
    with pytest.raises(PartialDateError):
        parse_partial_date(text)


def test_partial_dates_compare_as_periods():
    year, day = parse_partial_date("2020"), parse_partial_date("2020-09-09")
    assert may_precede(year, day) and may_precede(day, year)
    assert not may_precede(parse_partial_date("2021-07"), day)
    assert may_precede(day, parse_partial_date("2021-07"))
