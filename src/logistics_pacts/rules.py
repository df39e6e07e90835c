"""Rules that span columns and tables, one small named function each.

Every rule takes the tables read so far (`Tables`) and yields `Problem`s naming the file,
the CSV line, the column and the value. Which columns are dates, lists, country codes or
references to another table comes from data/datapackage.json, never from code.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

from .dates import PartialDate, PartialDateError, may_precede, parse_partial_date
from .schema import LIST_SEPARATOR, DataPackage

NETWORK_SUBJECT = "network-"  # claims about a country's whole network, e.g. which partners it has


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:"
        if self.column:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            return f"{where} column '{self.column}' value '{shown}': {self.message}"
        return f"{where} {self.message}"


@dataclass
class Table:
    """A CSV file read as text: rows as dicts, each with the line it starts on."""
    name: str
    path: Path
    label: str
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    usable: bool = False

    def records(self) -> Iterator[tuple[dict[str, str], int]]:
        return zip(self.rows, self.lines)

    def problem(self, line: int, column: str, value: str, message: str) -> Problem:
        return Problem(self.label, line, column, value, message)


def split_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


@dataclass
class Tables:
    """What every rule sees: the usable tables, the descriptor and the data's cut-off."""
    tables: dict[str, Table]
    package: DataPackage
    cutoff: dt.date
    seeds_dir: Path | None = None

    def get(self, name: str) -> Table | None:
        return self.tables.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    @cached_property
    def ids(self) -> dict[str, set[str]]:
        """Ids of every table (first occurrence wins; duplicates are a rule of their own)."""
        found = {}
        for name, table in self.tables.items():
            column = self.package.id_column(name)
            found[name] = {row.get(column, "").strip() for row in table.rows} - {""}
        return found

    @cached_property
    def dates(self) -> dict[tuple[str, int, str], PartialDate]:
        """Every date cell that parses, by (table, line, column)."""
        parsed = {}
        for name, table in self.tables.items():
            for row, line in table.records():
                for column in self.package.date_columns(name):
                    try:
                        if row.get(column, "").strip():
                            parsed[(name, line, column)] = parse_partial_date(row[column])
                    except PartialDateError:
                        pass
        return parsed


Rule = Callable[[Tables], Iterator[Problem]]
RULES: list[Rule] = []


def rule(function: Rule) -> Rule:
    RULES.append(function)
    return function


# --------------------------------------------------------------------------- ids and dates

@rule
def ids_are_unique(data: Tables) -> Iterator[Problem]:
    for name, table in data.tables.items():
        column = data.package.id_column(name)
        seen: dict[str, int] = {}
        for row, line in table.records():
            key = row.get(column, "").strip()
            if key and key in seen:
                yield table.problem(line, column, key, f"duplicate id; it is already used on line {seen[key]}")
            elif key:
                seen[key] = line


@rule
def dates_are_partial_dates(data: Tables) -> Iterator[Problem]:
    for name, table in data.tables.items():
        for row, line in table.records():
            for column in data.package.date_columns(name):
                value = row.get(column, "").strip()
                if value:
                    try:
                        parse_partial_date(value)
                    except PartialDateError as exc:
                        yield table.problem(line, column, value, f"is {exc}")


@rule
def dates_are_not_after_the_cutoff(data: Tables) -> Iterator[Problem]:
    for (name, line, column), parsed in data.dates.items():
        if parsed.start > data.cutoff:
            row = data.tables[name].rows[data.tables[name].lines.index(line)]
            yield data.tables[name].problem(
                line, column, row[column],
                f"is after the data's cut-off date ({data.cutoff.isoformat()}, 'x-cutoff' in datapackage.json); "
                "record only what had happened by then")


def _out_of_order(data: Tables, table_name: str, first: str, second: str, message: str) -> Iterator[Problem]:
    table = data.get(table_name)
    if table is None:
        return
    for row, line in table.records():
        a, b = data.dates.get((table_name, line, first)), data.dates.get((table_name, line, second))
        if a and b and not may_precede(a, b):
            yield table.problem(line, second, row[second], message.format(first=first, value=row[first]))


@rule
def entry_into_force_follows_signature(data: Tables) -> Iterator[Problem]:
    yield from _out_of_order(data, "agreements", "signed_date", "in_force_date",
                             "entry into force is before signature ({first} is '{value}'); expected a date on or after it")


@rule
def signature_follows_negotiations(data: Tables) -> Iterator[Problem]:
    yield from _out_of_order(data, "agreements", "negotiations_started", "signed_date",
                             "signature is before negotiations started ({first} is '{value}'); expected a date on or after it")


@rule
def events_end_after_they_start(data: Tables) -> Iterator[Problem]:
    yield from _out_of_order(data, "events", "date", "end_date",
                             "the event ends before it starts ({first} is '{value}'); expected an end on or after the start")


# --------------------------------------------------------------------------- agreements

IN_FORCE_STATUSES = ("in_force", "effective_on_signature", "superseded", "expired")


@rule
def status_agrees_with_entry_into_force(data: Tables) -> Iterator[Problem]:
    table = data.get("agreements")
    for row, line in table.records() if table else ():
        status = row.get("status")
        if row.get("in_force_date") and status not in IN_FORCE_STATUSES:
            yield table.problem(line, "status", status, "the row has an in_force_date, so the status must be one of "
                                + ", ".join(IN_FORCE_STATUSES))
        if status == "effective_on_signature" and row.get("in_force_date") != row.get("signed_date"):
            yield table.problem(line, "in_force_date", row.get("in_force_date", ""),
                                "the status says it took effect on signature; in_force_date must equal signed_date")


@rule
def superseded_agreements_name_their_replacement(data: Tables) -> Iterator[Problem]:
    """A superseded agreement names what replaced it, and ended when its replacement entered into force."""
    table = data.get("agreements")
    if table is None:
        return
    rows = {row.get("agreement_id"): row for row in table.rows}
    for row, line in table.records():
        replacement = row.get("superseded_by", "")
        if row.get("status") == "superseded" and not replacement:
            yield table.problem(line, "superseded_by", "", "is empty but the status is 'superseded'; name the agreement that "
                                                           "replaced it")
        elif replacement and row.get("status") != "superseded":
            yield table.problem(line, "status", row.get("status", ""), f"names superseded_by '{replacement}', so the status "
                                                                       "must be 'superseded'")
        new = rows.get(replacement)
        if new and new.get("in_force_date") and row.get("ended_date") and row["ended_date"] != new["in_force_date"]:
            yield table.problem(line, "ended_date", row["ended_date"], f"a superseded agreement ends when '{replacement}' "
                                f"entered into force ({new['in_force_date']}); use that date")


@rule
def agreements_used_under_them_are_in_force(data: Tables) -> Iterator[Problem]:
    """A use that a document states was made under an agreement shows the agreement was operative."""
    uses, agreements = data.get("uses"), data.get("agreements")
    if uses is None or agreements is None:
        return
    status = {row.get("agreement_id"): row.get("status") for row in agreements.rows}
    for row, line in uses.records():
        agreement = row.get("agreement_id", "")
        if row.get("grade") == "stated" and agreement and status.get(agreement) not in (*IN_FORCE_STATUSES, None):
            yield uses.problem(line, "agreement_id", agreement, f"a stated use under an agreement whose status is "
                               f"'{status[agreement]}'; a documented use shows it in force (status in_force)")


@rule
def signed_agreements_have_a_signing_date(data: Tables) -> Iterator[Problem]:
    table = data.get("agreements")
    for row, line in table.records() if table else ():
        if row.get("status") not in ("under_negotiation", "unknown") and not row.get("signed_date"):
            yield table.problem(line, "signed_date", "",
                                f"is empty but the status is '{row.get('status')}'; give the signing date at the precision known")


@rule
def agreements_have_two_parties(data: Tables) -> Iterator[Problem]:
    table = data.get("agreements")
    for row, line in table.records() if table else ():
        for column in data.package.country_columns("agreements"):
            if len(split_list(row.get(column, ""))) < 2:
                yield table.problem(line, column, row.get(column, ""), "an agreement needs at least two parties")


# --------------------------------------------------------------------------- events

@rule
def milestones_name_their_agreement(data: Tables) -> Iterator[Problem]:
    table = data.get("events")
    for row, line in table.records() if table else ():
        if row.get("agreement_id"):
            continue
        if row.get("kind") == "agreement_milestone":
            yield table.problem(line, "agreement_id", "",
                                "is empty but kind is 'agreement_milestone'; name the agreement the milestone belongs to")
        elif row.get("milestone"):
            yield table.problem(line, "agreement_id", "", f"is empty but milestone is '{row['milestone']}'; name the agreement")


MILESTONE_COLUMNS = {"signed": "signed_date", "in_force": "in_force_date", "negotiations_started": "negotiations_started"}


@rule
def milestone_dates_match_their_agreement(data: Tables) -> Iterator[Problem]:
    """A milestone event carries the same value, at the same precision, as its agreement's own date."""
    if "agreements" not in data or "events" not in data:
        return
    agreements = {row["agreement_id"]: row for row in data.tables["agreements"].rows}
    table = data.tables["events"]
    for row, line in table.records():
        agreement = agreements.get(row.get("agreement_id", ""))
        column = MILESTONE_COLUMNS.get(row.get("milestone", ""))
        if agreement and column and agreement.get(column) and agreement[column] != row.get("date"):
            yield table.problem(line, "date", row.get("date", ""),
                                f"disagrees with agreements.csv {column} '{agreement[column]}' for '{row['agreement_id']}'; "
                                "use the same value and precision, and record any conflict in claims.csv")


@rule
def exercises_say_format_and_service(data: Tables) -> Iterator[Problem]:
    table = data.get("events")
    for row, line in table.records() if table else ():
        exercise = row.get("kind") == "exercise"
        for column in ("format", "service"):
            if column not in table.header:
                continue
            if exercise and not row.get(column):
                yield table.problem(line, column, "", "is empty; every exercise says its " + column)
            elif not exercise and row.get(column):
                yield table.problem(line, column, row[column], "is only for exercises (kind 'exercise')")


FORMATS = {2: "bilateral", 3: "trilateral"}


@rule
def format_counts_the_countries_taking_part(data: Tables) -> Iterator[Problem]:
    table = data.get("events")
    for row, line in table.records() if table else ():
        if row.get("kind") != "exercise" or not row.get("format"):
            continue
        count = len(split_list(row.get("countries", "")))
        wanted = FORMATS.get(count, "multilateral")
        if row["format"] != wanted:
            yield table.problem(line, "format", row["format"], f"{count} countries take part (observers not counted), so "
                                                              f"the format is '{wanted}'")


@rule
def observers_do_not_take_part(data: Tables) -> Iterator[Problem]:
    table = data.get("events")
    for row, line in table.records() if table else ():
        both = set(split_list(row.get("observers", ""))) & set(split_list(row.get("countries", "")))
        if both:
            yield table.problem(line, "observers", row["observers"], f"{', '.join(sorted(both))} cannot both observe and take "
                                                                   "part; list a country in countries or in observers")


def _published_before(published: str, date: str) -> bool:
    """Whether a document published on `published` came out before `date`, compared at the precision both have."""
    n = min(len(published), len(date))
    return bool(published) and bool(date) and published[:n] < date[:n]


@rule
def what_happened_comes_from_a_report_made_during_or_after_it(data: Tables) -> Iterator[Problem]:
    """An exercise's start comes from a report made on or after its first day, its end from one made on or after its
    last day: a schedule announced before says what was planned, not what happened."""
    table, sources = data.get("events"), data.get("sources")
    if table is None or sources is None:
        return
    published = {row.get("source_id"): row.get("published_date", "") for row in sources.rows}
    for row, line in table.records():
        if row.get("kind") != "exercise":
            continue
        for column, date_column in (("date_source_id", "date"), ("end_date_source_id", "end_date")):
            source = row.get(column, "")
            if source and _published_before(published.get(source, ""), row.get(date_column, "")):
                yield table.problem(line, column, source, f"was published {published[source]}, before the {date_column.replace('_', ' ')} "
                                    f"{row[date_column]}; name a report made during or after the exercise")


# --------------------------------------------------------------------------- provisions and places

@rule
def provisions_read_in_the_text_give_article_and_quote(data: Tables) -> Iterator[Problem]:
    table = data.get("provisions")
    for row, line in table.records() if table else ():
        if row.get("basis") == "text":
            for column in ("article", "quote"):
                if not row.get(column, "").strip():
                    yield table.problem(line, column, "", "is empty but basis is 'text'; give the article and the text's words")


WIKIPEDIA_MIRRORS = ("piglix.", "howlingpixel.", "wikiplanet.", "kiwix.", "techsciencenews.", "ipediapro.", "dezxcwiki.",
                     "clateway.", "amansaja.", "wikiclassic.", "en-academic.", "academic.ru", "worddisk.", "sarcasm.wiki",
                     "wiki2.", "wikiwand.", "infogalactic.", "alchetron.")


@rule
def places_say_where_their_point_comes_from(data: Tables) -> Iterator[Problem]:
    """Every point comes from a gazetteer entry (GeoNames, or an airfield's ICAO code), except a sea area's
    representative point; no place takes its coordinates from a copy of Wikipedia."""
    table, sources = data.get("places"), data.get("sources")
    urls = {row.get("source_id"): row.get("url", "") for row in sources.rows} if sources else {}
    for row, line in table.records() if table else ():
        point, gazetteer = row.get("point", ""), row.get("gazetteer", "")
        located = bool(row.get("latitude", "").strip() or row.get("longitude", "").strip())
        if point and point not in ("sea_area", "none") and not gazetteer:
            yield table.problem(line, "gazetteer", "", f"is empty but the point is a {point}; give geonames:<id> or icao:<code>")
        if point in ("town", "city", "island") and not gazetteer.startswith("geonames:"):
            yield table.problem(line, "gazetteer", gazetteer, f"a {point} point comes from GeoNames (geonames:<id>)")
        if (point == "none") == located:
            yield table.problem(line, "point", point, "a place has coordinates exactly when its point is not 'none'")
        for source in split_list(row.get("source_ids", "")) if located else ():
            if any(mirror in urls.get(source, "") for mirror in WIKIPEDIA_MIRRORS):
                yield table.problem(line, "source_ids", source, "is a copy of Wikipedia; coordinates come from a gazetteer")


# --------------------------------------------------------------------------- claims

def _claim_attributes(data: Tables) -> dict[str, set[str]]:
    extra = set((data.package.descriptor.get("x-claim-attributes") or {}))
    allowed = {name: set(data.package.column_names(name)) | extra for name in data.tables}
    if "provisions" in data.package.resources and "agreements" in allowed:
        allowed["agreements"] |= set(data.package.enum("provisions", "provision"))
    return allowed


@rule
def claims_are_about_a_known_attribute(data: Tables) -> Iterator[Problem]:
    table = data.get("claims")
    if table is None:
        return
    allowed = _claim_attributes(data)
    owner = {key: name for name, keys in data.ids.items() if name != "claims" for key in keys}
    extra = set((data.package.descriptor.get("x-claim-attributes") or {}))
    for row, line in table.records():
        subject, attribute = row.get("subject_id", ""), row.get("attribute", "")
        names = allowed.get(owner.get(subject, ""), extra)
        if attribute and attribute not in names:
            yield table.problem(line, "attribute", attribute, "is not a column of the subject's table, a provision, or one of "
                                "x-claim-attributes in datapackage.json (" + ", ".join(sorted(extra)) + ")")


@rule
def claims_are_recorded_once_per_source(data: Tables) -> Iterator[Problem]:
    """One row per subject, attribute and source: a document says one thing about one value."""
    table = data.get("claims")
    seen: dict[tuple, int] = {}
    for row, line in table.records() if table else ():
        key = (row.get("subject_id"), row.get("attribute"), row.get("source_id"))
        if key in seen:
            yield table.problem(line, "source_id", row.get("source_id", ""), f"the same document's claim on this subject and "
                                f"attribute is already on line {seen[key]}; record it once")
        else:
            seen[key] = line


@rule
def a_value_is_graded_once(data: Tables) -> Iterator[Problem]:
    """The same value for the same subject and attribute gets one verdict, whichever document states it."""
    table = data.get("claims")
    seen: dict[tuple, tuple[str, int]] = {}
    for row, line in table.records() if table else ():
        key = (row.get("subject_id"), row.get("attribute"), " ".join(row.get("value", "").split()).lower())
        verdict = row.get("verdict", "")
        if key in seen and seen[key][0] != verdict:
            yield table.problem(line, "verdict", verdict, f"the same value is graded '{seen[key][0]}' on line {seen[key][1]}; "
                                                          "one value, one verdict")
        seen.setdefault(key, (verdict, line))


@rule
def claim_ids_say_what_they_are_about(data: Tables) -> Iterator[Problem]:
    table = data.get("claims")
    for row, line in table.records() if table else ():
        stem = f"{row.get('subject_id', '')}--{row.get('attribute', '').replace('_', '-')}--"
        claim_id = row.get("claim_id", "")
        if not (claim_id.startswith(stem) and claim_id[len(stem):].isdigit()):
            yield table.problem(line, "claim_id", claim_id, f"expected {stem}<n>: the id names the subject and the attribute")


# --------------------------------------------------------------------------- countries and references

@rule
def country_codes_are_iso(data: Tables) -> Iterator[Problem]:
    import pycountry

    for name, table in data.tables.items():
        for column in data.package.country_columns(name):
            for row, line in table.records():
                for code in split_list(row.get(column, "")):
                    if pycountry.countries.get(alpha_3=code) is None:
                        yield table.problem(line, column, code, "is not an ISO 3166-1 alpha-3 country code (e.g. IND, JPN, USA)")


@rule
def countries_are_listed_once(data: Tables) -> Iterator[Problem]:
    for name, table in data.tables.items():
        for column in data.package.country_columns(name):
            for row, line in table.records():
                codes = split_list(row.get(column, ""))
                if len(set(codes)) != len(codes):
                    yield table.problem(line, column, row[column], "lists a country more than once")


@rule
def rows_cite_a_source(data: Tables) -> Iterator[Problem]:
    for name, table in data.tables.items():
        if "source_ids" not in data.package.column_names(name):
            continue
        for row, line in table.records():
            if not split_list(row.get("source_ids", "")):
                yield table.problem(line, "source_ids", "", "every row must cite at least one source from sources.csv")


@rule
def references_exist(data: Tables) -> Iterator[Problem]:
    """Every id in a column that refers to another table (lists included) is an id of that table."""
    for name, table in data.tables.items():
        for column, target, is_list in data.package.references(name):
            if target not in data:
                continue
            known = data.ids[target]
            id_column = data.package.id_column(target)
            for row, line in table.records():
                values = split_list(row.get(column, "")) if is_list else [row.get(column, "").strip()]
                for value in values:
                    if value and value not in known:
                        yield table.problem(line, column, value, f"is not a{'n' if id_column[0] in 'aeiou' else ''} "
                                                                 f"{id_column} in {target}.csv")


@rule
def date_sources_are_among_the_row_sources(data: Tables) -> Iterator[Problem]:
    """The source named for a date is one of the row's own sources, and the date it vouches for is given."""
    for name, table in data.tables.items():
        for column, date_column in data.package.date_sources(name).items():
            for row, line in table.records():
                named = row.get(column, "").strip()
                if not named:
                    continue
                if named not in split_list(row.get("source_ids", "")):
                    yield table.problem(line, column, named, "is not among the row's source_ids; the source that states "
                                                             f"the {date_column.replace('_', ' ')} must be cited by the row")
                if not row.get(date_column, "").strip():
                    yield table.problem(line, column, named, f"names a source for {date_column}, which is empty")


@rule
def claims_are_about_something_recorded(data: Tables) -> Iterator[Problem]:
    import pycountry

    table = data.get("claims")
    if table is None:
        return
    known = set().union(*(data.ids.get(name, set()) for name in data.tables if name != "claims"))
    for row, line in table.records():
        subject = row.get("subject_id", "")
        if subject.startswith(NETWORK_SUBJECT):
            code = subject[len(NETWORK_SUBJECT):].upper()
            if pycountry.countries.get(alpha_3=code) is None:
                yield table.problem(line, "subject_id", subject,
                                    "a network subject must name a country: 'network-' and an alpha-3 code, e.g. network-ind")
        elif subject and known and subject not in known:
            yield table.problem(line, "subject_id", subject, "is not an id of another table "
                                "(or network-<alpha-3> for a country's network as a whole)")


MENTIONED_ID = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:\d{4}|\d{6}|\d{8}|undated)(?:-[a-z0-9]+)+\b")
PROSE_COLUMNS = ("notes", "note", "checked", "scope", "value")


@rule
def ids_mentioned_in_text_exist(data: Tables) -> Iterator[Problem]:
    """Notes that name a source or row by its id (e.g. 'mofa-jp-20200910-...') name one that exists:
    the report turns such ids into citations and labels, and a stale one would show as a raw id."""
    known = set().union(*data.ids.values()) if data.ids else set()
    for name, table in data.tables.items():
        for column in (c for c in PROSE_COLUMNS if c in table.header):
            for row, line in table.records():
                for mentioned in MENTIONED_ID.findall(row.get(column, "")):
                    if mentioned not in known:
                        yield table.problem(line, column, mentioned, "names an id that is in no table; use an existing id "
                                                                     "(or describe the document in words)")


@rule
def every_document_is_cited(data: Tables) -> Iterator[Problem]:
    """Every document in sources.csv is cited by some row (in a column that refers to sources) or
    named in a note, or is a published analysis (kind 'analysis') that the report's text engages:
    the report counts the documents it rests on, and a document nothing rests on would inflate
    that count."""
    table = data.get("sources")
    if table is None:
        return
    cited: set[str] = set()
    for name, other in data.tables.items():
        for column, target, is_list in data.package.references(name):
            if target == "sources":
                for row in other.rows:
                    cited.update(split_list(row.get(column, "")) if is_list else [row.get(column, "").strip()])
        for column in (c for c in PROSE_COLUMNS if c in other.header and name != "sources"):
            for row in other.rows:
                cited.update(MENTIONED_ID.findall(row.get(column, "")))
    id_column = data.package.id_column("sources")
    for row, line in table.records():
        source_id = row.get(id_column, "").strip()
        if source_id and source_id not in cited and row.get("kind", "") != "analysis":
            yield table.problem(line, id_column, source_id, "is cited by no row and named in no note; cite it where it "
                                                            "supports a value, or remove it")


FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-(?![\d.]))")


@rule
def no_cell_reads_as_a_spreadsheet_formula(data: Tables) -> Iterator[Problem]:
    """No text cell begins as a spreadsheet formula would (=, +, @, a tab, or a minus not starting a
    number): the CSV files are published, and a spreadsheet opening them would run it."""
    for name, table in data.tables.items():
        for row, line in table.records():
            for column in table.header:
                value = row.get(column, "")
                if FORMULA_START.match(value):
                    yield table.problem(line, column, value, "begins like a spreadsheet formula; reword it so that it "
                                                             "starts with a letter, digit or bracket")


@rule
def seed_files_exist(data: Tables) -> Iterator[Problem]:
    table = data.get("sources")
    if table is None or data.seeds_dir is None or not data.seeds_dir.is_dir():
        return
    for row, line in table.records():
        seed = row.get("seed_file", "").strip()
        if seed and not (data.seeds_dir / seed).is_file():
            yield table.problem(line, "seed_file", seed, f"no such file in the seeds folder {data.seeds_dir}")


def run_rules(data: Tables, rules: list[Rule] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for check in rules or RULES:
        problems.extend(check(data))
    return problems
