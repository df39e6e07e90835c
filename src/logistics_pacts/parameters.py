"""The rules for the notebooks' parameters, one set for JupyterLab and for `make report`.

A notebook checks its parameters in its first cell after the parameters cell; the build
checks the same values before it runs anything. A wrong value gives one line that says what
is wrong and what is allowed (with "did you mean" for a near miss), never a traceback from
deep inside pandas.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

HOME = "IND"
EARLIEST_YEAR = 1990


class ParameterError(ValueError):
    """A parameter value the analysis cannot use; the message says what to change."""

    def _render_traceback_(self):  # IPython shows this instead of a traceback
        return [f"ParameterError: {self}"]


def _suggest(value: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(str(value).lower(), [a.lower() for a in allowed], n=1, cutoff=0.6)
    if not close:
        return ""
    original = next(a for a in allowed if a.lower() == close[0])
    return f" Did you mean '{original}'?"


def check_year(name: str, value, latest: int) -> int:
    """A year as an int: 2015 or "2015"; anything else is an error naming the parameter."""
    if isinstance(value, bool):
        raise ParameterError(f"{name} = {value!r} is not a year; give a whole year such as 2015")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise ParameterError(f"{name} = {value!r} is not a year; give a whole year such as 2015")
    if not EARLIEST_YEAR <= value <= latest:
        raise ParameterError(f"{name} = {value} is outside the years the data covers ({EARLIEST_YEAR}–{latest})")
    return value


def check_years(start_year, end_year, latest: int) -> tuple[int, int]:
    start, end = check_year("start_year", start_year, latest), check_year("end_year", end_year, latest)
    if start > end:
        raise ParameterError(f"start_year = {start} is after end_year = {end}")
    return start, end


def check_kinds(event_kinds, allowed: list[str]) -> list[str]:
    """None means every kind; otherwise a list (or a comma-separated text) of allowed kinds."""
    if event_kinds is None:
        return list(allowed)
    if isinstance(event_kinds, str):
        event_kinds = [k for k in event_kinds.split(",")]
    try:
        kinds = [str(k).strip() for k in event_kinds if str(k).strip()]
    except TypeError:
        raise ParameterError(f"event_kinds = {event_kinds!r} is not a list of kinds; allowed: {', '.join(allowed)}") from None
    for kind in kinds:
        if kind not in allowed:
            raise ParameterError(f"event_kinds: '{kind}' is not an event kind.{_suggest(kind, allowed)} "
                                 f"Allowed: {', '.join(allowed)} (None means all)")
    if not kinds:
        raise ParameterError(f"event_kinds is empty; give some of: {', '.join(allowed)} (None means all)")
    return kinds


def check_partner(partner, with_data: list[str]) -> str:
    """A partner of India as readers type it ('Australia', 'AUS', 'Korea'), which the data knows."""
    from .countries import PartnerNameError, country_name, resolve_partner

    names = ", ".join(f"{country_name(c)} ({c})" for c in sorted(with_data, key=country_name))
    if not isinstance(partner, str) or not partner.strip():
        raise ParameterError(f"partner = {partner!r} is not a country; partners with data: {names}")
    try:
        code = resolve_partner(partner)
    except PartnerNameError as exc:
        raise ParameterError(f"partner: {exc}.{_suggest(partner, [country_name(c) for c in with_data])} "
                             f"Partners with data: {names}") from None
    if code == HOME:
        raise ParameterError(f"partner = {partner!r} is India itself; give one of India's partners: {names}")
    if with_data and code not in with_data:
        raise ParameterError(f"partner = {partner!r} ({code}): the data records no agreement or exercise of India with "
                             f"{country_name(code)}. Partners with data: {names}")
    return code


@dataclass(frozen=True)
class Checked:
    start_year: int | None = None
    end_year: int | None = None
    kinds: list[str] | None = None
    partner: str | None = None


def partners_with_data(dataset) -> list[str]:
    """Countries with which India has an agreement, or shares an event, in the data."""
    found: set[str] = set()
    for table, column in (("agreements", "parties_list"), ("events", "countries_list")):
        frame = dataset.tables.get(table) if hasattr(dataset.tables, "get") else None
        if frame is None or column not in frame:
            continue
        for codes in frame[column]:
            if HOME in codes:
                found.update(c for c in codes if c != HOME)
    return sorted(found)


def check_notebook_parameters(dataset, *, start_year=None, end_year=None, event_kinds=..., partner=None) -> Checked:
    """What a notebook calls first: its parameters checked against the data it reads."""
    latest = dataset.cutoff.year
    start, end = check_years(start_year, end_year, latest) if start_year is not None or end_year is not None else (None, None)
    kinds = None if event_kinds is ... else check_kinds(event_kinds, dataset.package.enum("events", "kind"))
    code = check_partner(partner, partners_with_data(dataset)) if partner is not None else None
    return Checked(start, end, kinds, code)
