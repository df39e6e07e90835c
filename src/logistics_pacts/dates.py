"""Partial dates: ISO 8601 values known only to the year, the month or the day.

Sources often give "March 2018" or "2012" rather than a day. We keep what the
source gives and never invent the missing parts. For sorting and plotting a
partial date needs a position on the time axis; we use the *first* day of the
period it names and carry the precision alongside, so a chart can show the
uncertainty (e.g. a hollow marker) instead of pretending to know the day.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

PRECISIONS = ("day", "month", "year")
_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


class PartialDateError(ValueError):
    """A value is not an ISO 8601 date at year, month or day precision."""


@dataclass(frozen=True, order=True)
class PartialDate:
    start: dt.date
    precision: str

    @property
    def end(self) -> dt.date:
        """Last day of the period the value names."""
        if self.precision == "day":
            return self.start
        if self.precision == "month":
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return self.start.replace(day=last)
        return self.start.replace(month=12, day=31)

    @property
    def iso(self) -> str:
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}"

    def label(self) -> str:
        """Human label at the known precision: '9 Sep 2020', 'Sep 2020', '2020'."""
        if self.precision == "day":
            return f"{self.start.day} {self.start:%b %Y}"
        if self.precision == "month":
            return f"{self.start:%b %Y}"
        return f"{self.start.year}"

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.iso


def parse_partial_date(value: str) -> PartialDate:
    """Parse 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; raise PartialDateError otherwise."""
    text = (value or "").strip()
    match = _PATTERN.match(text)
    if not match:
        raise PartialDateError("not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match["y"])
    month = int(match["m"]) if match["m"] else None
    day = int(match["d"]) if match["d"] else None
    try:
        start = dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise PartialDateError(f"not a real calendar date ({exc}); expected YYYY, YYYY-MM or YYYY-MM-DD") from None
    precision = "day" if day else "month" if month else "year"
    return PartialDate(start, precision)


def may_precede(earlier: PartialDate, later: PartialDate) -> bool:
    """True unless `earlier` certainly falls after `later`.

    Two partial dates are compared as periods: '2020' and '2020-09-09' are
    consistent in either order, '2021-07' is certainly after '2020-09-09'.
    """
    return earlier.start <= later.end
