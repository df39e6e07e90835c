"""Each cross-table rule on its own, on a few hand-made rows: one that passes, one that fails."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import ROOT
from logistics_pacts import rules
from logistics_pacts.rules import Table, Tables
from logistics_pacts.schema import DataPackage

PACKAGE = DataPackage.read(ROOT / "data")
CUTOFF = dt.date(2026, 10, 31)


def table(name: str, *rows: dict) -> Table:
    columns = PACKAGE.column_names(name)
    full = [{c: row.get(c, "") for c in columns} for row in rows]
    return Table(name, Path(f"{name}.csv"), f"{name}.csv", columns, full, list(range(2, len(full) + 2)), True)


SOURCE = {"source_id": "src-a", "publisher": "P", "title": "T", "kind": "official", "reliability": "high",
          "accessed": "2026-11-22", "checked": "x"}
AGREEMENT = {"agreement_id": "ind-jpn-x-2020", "parties": "IND;JPN", "name": "N", "short_name": "S",
             "kind": "logistics_support", "status": "in_force", "signed_date": "2020-09-09", "in_force_date": "2021-07",
             "source_ids": "src-a"}
EVENT = {"event_id": "e1", "date": "2020-09-09", "kind": "agreement_milestone", "countries": "IND;JPN", "title": "t",
         "agreement_id": "ind-jpn-x-2020", "milestone": "signed", "source_ids": "src-a"}


EXERCISE = {"event_id": "x1", "date": "2022-09", "kind": "exercise", "countries": "IND;JPN", "title": "t", "series": "JIMEX",
            "format": "bilateral", "service": "navy", "source_ids": "src-a"}
USE = {"use_id": "u1", "date": "2022-10", "agreement_id": "ind-jpn-x-2020", "countries": "IND;JPN", "units": "u",
       "supplied": "fuel", "grade": "stated", "source_ids": "src-a"}
PROVISION = {"provision_id": "p1", "agreement_id": "ind-jpn-x-2020", "provision": "term", "value": "10 years",
             "article": "Art. 9(1)", "quote": "十年間効力を有する", "basis": "text", "source_ids": "src-a"}
PLACE = {"place_id": "vizag", "name": "Visakhapatnam", "kind": "naval_base", "country": "IND", "latitude": "17.7",
         "longitude": "83.3", "gazetteer": "geonames:1253102", "point": "town", "source_ids": "src-a"}
CLAIM = {"claim_id": "ind-jpn-x-2020--in-force-date--1", "subject_id": "ind-jpn-x-2020", "attribute": "in_force_date",
         "value": "2021-07-11", "source_id": "src-a", "verdict": "supported", "note": "n"}


def check(rule, **tables) -> list[rules.Problem]:
    tables.setdefault("sources", table("sources", SOURCE))
    return list(rule(Tables(tables, PACKAGE, CUTOFF)))


def with_(row: dict, **changes) -> dict:
    return {**row, **changes}


CASES = [
    # rule, good tables, bad tables, column the problem names, words in its message
    (rules.ids_are_unique, {"agreements": [AGREEMENT]}, {"agreements": [AGREEMENT, AGREEMENT]},
     "agreement_id", "already used on line 2"),
    (rules.dates_are_partial_dates, {"agreements": [AGREEMENT]}, {"agreements": [with_(AGREEMENT, signed_date="2020-02-30")]},
     "signed_date", "not a real calendar date"),
    (rules.dates_are_not_after_the_cutoff, {"agreements": [AGREEMENT]},
     {"agreements": [with_(AGREEMENT, in_force_date="2026-11")]}, "in_force_date", "cut-off"),
    (rules.entry_into_force_follows_signature, {"agreements": [AGREEMENT]},
     {"agreements": [with_(AGREEMENT, in_force_date="2019")]}, "in_force_date", "before signature"),
    (rules.signature_follows_negotiations, {"agreements": [with_(AGREEMENT, negotiations_started="2020")]},
     {"agreements": [with_(AGREEMENT, negotiations_started="2021-01")]}, "signed_date", "before negotiations"),
    (rules.events_end_after_they_start, {"events": [with_(EVENT, end_date="2020-09")]},
     {"events": [with_(EVENT, end_date="2020-08-31")]}, "end_date", "ends before it starts"),
    (rules.status_agrees_with_entry_into_force, {"agreements": [AGREEMENT]},
     {"agreements": [with_(AGREEMENT, status="signed")]}, "status", "the status must be one of"),
    (rules.status_agrees_with_entry_into_force,
     {"agreements": [with_(AGREEMENT, status="effective_on_signature", in_force_date="2020-09-09")]},
     {"agreements": [with_(AGREEMENT, status="effective_on_signature")]}, "in_force_date", "took effect on signature"),
    (rules.superseded_agreements_name_their_replacement,
     {"agreements": [AGREEMENT, with_(AGREEMENT, agreement_id="old", status="superseded", superseded_by="ind-jpn-x-2020",
                                      ended_date="2021-07")]},
     {"agreements": [AGREEMENT, with_(AGREEMENT, agreement_id="old", status="superseded", superseded_by="ind-jpn-x-2020",
                                      ended_date="2022")]}, "ended_date", "entered into force"),
    (rules.superseded_agreements_name_their_replacement, {"agreements": [AGREEMENT]},
     {"agreements": [with_(AGREEMENT, status="superseded", in_force_date="")]}, "superseded_by", "name the agreement"),
    (rules.agreements_used_under_them_are_in_force,
     {"agreements": [AGREEMENT], "uses": [USE]},
     {"agreements": [with_(AGREEMENT, status="signed", in_force_date="")], "uses": [USE]}, "agreement_id",
     "a documented use shows it in force"),
    (rules.exercises_say_format_and_service, {"events": [EXERCISE]}, {"events": [with_(EXERCISE, service="")]},
     "service", "every exercise says its service"),
    (rules.exercises_say_format_and_service, {"events": [EVENT]}, {"events": [with_(EVENT, format="bilateral")]},
     "format", "only for exercises"),
    (rules.format_counts_the_countries_taking_part, {"events": [EXERCISE]},
     {"events": [with_(EXERCISE, countries="IND;JPN;USA")]}, "format", "so the format is 'trilateral'"),
    (rules.what_happened_comes_from_a_report_made_during_or_after_it,
     {"events": [with_(EXERCISE, date="2022-09-11", end_date="2022-09-17", date_source_id="src-a", end_date_source_id="src-a")],
      "sources": [with_(SOURCE, published_date="2022-09-17")]},
     {"events": [with_(EXERCISE, date="2022-09-11", end_date="2022-09-17", date_source_id="src-a", end_date_source_id="src-b",
                       source_ids="src-a;src-b")],
      "sources": [with_(SOURCE, published_date="2022-09-10"), with_(SOURCE, source_id="src-b", published_date="2022-09-18")]},
     "date_source_id", "before the date"),
    (rules.observers_do_not_take_part, {"events": [with_(EXERCISE, observers="USA")]},
     {"events": [with_(EXERCISE, observers="JPN")]}, "observers", "cannot both observe and take part"),
    (rules.provisions_read_in_the_text_give_article_and_quote, {"provisions": [PROVISION]},
     {"provisions": [with_(PROVISION, article="")]}, "article", "basis is 'text'"),
    (rules.places_say_where_their_point_comes_from, {"places": [PLACE, with_(PLACE, place_id="sea", point="sea_area",
                                                                              gazetteer="", kind="sea_area")]},
     {"places": [with_(PLACE, gazetteer="")]}, "gazetteer", "give geonames:<id> or icao:<code>"),
    (rules.places_say_where_their_point_comes_from, {"places": [PLACE]},
     {"places": [PLACE], "sources": [with_(SOURCE, url="http://piglix.com/piglix/Bay_of_Bengal")]}, "source_ids",
     "copy of Wikipedia"),
    (rules.claims_are_about_a_known_attribute, {"agreements": [AGREEMENT], "claims": [CLAIM]},
     {"agreements": [AGREEMENT], "claims": [with_(CLAIM, attribute="date/end_date (scheduled)")]}, "attribute",
     "not a column of the subject's table"),
    (rules.claims_are_recorded_once_per_source, {"agreements": [AGREEMENT], "claims": [CLAIM]},
     {"agreements": [AGREEMENT], "claims": [CLAIM, with_(CLAIM, claim_id="ind-jpn-x-2020--in-force-date--2", value="2021")]},
     "source_id", "record it once"),
    (rules.a_value_is_graded_once, {"agreements": [AGREEMENT], "claims": [CLAIM]},
     {"agreements": [AGREEMENT], "claims": [CLAIM, with_(CLAIM, claim_id="ind-jpn-x-2020--in-force-date--2",
                                                          source_id="src-b", verdict="disputed")]},
     "verdict", "one value, one verdict"),
    (rules.claim_ids_say_what_they_are_about, {"agreements": [AGREEMENT], "claims": [CLAIM]},
     {"agreements": [AGREEMENT], "claims": [with_(CLAIM, claim_id="batch-7-claim-001")]}, "claim_id",
     "names the subject and the attribute"),
    (rules.signed_agreements_have_a_signing_date, {"agreements": [AGREEMENT]},
     {"agreements": [with_(AGREEMENT, signed_date="", in_force_date="")]}, "signed_date", "give the signing date"),
    (rules.agreements_have_two_parties, {"agreements": [AGREEMENT]}, {"agreements": [with_(AGREEMENT, parties="IND")]},
     "parties", "at least two parties"),
    (rules.milestones_name_their_agreement, {"events": [EVENT]}, {"events": [with_(EVENT, agreement_id="")]},
     "agreement_id", "name the agreement"),
    (rules.milestone_dates_match_their_agreement, {"agreements": [AGREEMENT], "events": [EVENT]},
     {"agreements": [AGREEMENT], "events": [with_(EVENT, date="2020-09")]}, "date", "disagrees with agreements.csv"),
    (rules.country_codes_are_iso, {"events": [EVENT]}, {"events": [with_(EVENT, countries="IND;XXX")]},
     "countries", "not an ISO 3166-1"),
    (rules.countries_are_listed_once, {"events": [EVENT]}, {"events": [with_(EVENT, countries="IND;JPN;IND")]},
     "countries", "more than once"),
    (rules.rows_cite_a_source, {"events": [EVENT]}, {"events": [with_(EVENT, source_ids="")]},
     "source_ids", "at least one source"),
    (rules.references_exist, {"agreements": [AGREEMENT], "events": [EVENT]},
     {"agreements": [AGREEMENT], "events": [with_(EVENT, agreement_id="nope")]}, "agreement_id", "is not an agreement_id"),
    (rules.ids_mentioned_in_text_exist, {"agreements": [with_(AGREEMENT, notes="as src-a says")],
                                          "sources": [with_(SOURCE, source_id="pib-20200910-signed")],
                                          "events": [with_(EVENT, notes="see pib-20200910-signed")]},
     {"sources": [with_(SOURCE, source_id="pib-20200910-signed")], "events": [with_(EVENT, notes="see pib-20200909-gone")]},
     "notes", "names an id that is in no table"),
    (rules.every_document_is_cited, {"sources": [SOURCE, with_(SOURCE, source_id="an-analysis", kind="analysis")], "events": [EVENT]},
     {"sources": [SOURCE, with_(SOURCE, source_id="src-b")], "events": [EVENT]}, "source_id", "is cited by no row"),
    (rules.no_cell_reads_as_a_spreadsheet_formula, {"events": [with_(EVENT, title="-5 m: a (draft) title", notes="2 = 2")]},
     {"events": [with_(EVENT, title='=HYPERLINK("http://example.com","x")'), with_(EVENT, notes="@SUM(1)"),
                 with_(EVENT, notes="-x"), with_(EVENT, notes="+cmd")]}, None, "spreadsheet formula"),
    (rules.claims_are_about_something_recorded,
     {"claims": [{"claim_id": "c", "subject_id": "network-ind", "attribute": "a", "value": "v", "source_id": "src-a",
                  "verdict": "supported", "note": "n"}]},
     {"claims": [{"claim_id": "c", "subject_id": "network-xx", "attribute": "a", "value": "v", "source_id": "src-a",
                  "verdict": "supported", "note": "n"}]}, "subject_id", "network subject"),
]


@pytest.mark.parametrize("rule,good,bad,column,words", CASES, ids=[c[0].__name__ for c in CASES])
def test_rule_alone(rule, good, bad, column, words):
    good.setdefault("sources", [SOURCE, with_(SOURCE, source_id="src-b")])
    bad.setdefault("sources", [SOURCE, with_(SOURCE, source_id="src-b")])
    assert check(rule, **{name: table(name, *rows) for name, rows in good.items()}) == []
    found = check(rule, **{name: table(name, *rows) for name, rows in bad.items()})
    assert found and all(p.column == column for p in found if column) and any(words in p.message for p in found), found
    if column is None:  # every bad row is found, each in its own column
        assert len(found) == len(bad["events"]), found


def test_every_rule_has_a_test_of_its_own():
    tested = {case[0] for case in CASES} | {rules.seed_files_exist, rules.date_sources_are_among_the_row_sources}
    assert set(rules.RULES) <= tested, {r.__name__ for r in set(rules.RULES) - tested}


def test_seed_files_exist(tmp_path):
    (tmp_path / "seed.txt").write_text("x")
    sources = lambda seed: table("sources", with_(SOURCE, seed_file=seed))  # noqa: E731
    assert list(rules.seed_files_exist(Tables({"sources": sources("seed.txt")}, PACKAGE, CUTOFF, tmp_path))) == []
    found = list(rules.seed_files_exist(Tables({"sources": sources("gone.txt")}, PACKAGE, CUTOFF, tmp_path)))
    assert found and found[0].column == "seed_file"


def test_a_date_source_must_be_one_of_the_row_sources():
    descriptor = {"resources": [{"name": "events", "path": "events.csv", "schema": {"primaryKey": ["event_id"], "fields": [
        {"name": "event_id"}, {"name": "date", "x-role": "partial-date"},
        {"name": "date_source_id", "x-date-source-of": "date", "x-references": "sources"},
        {"name": "source_ids", "x-list": True}]}}]}
    package = DataPackage(descriptor, Path("datapackage.json"))
    events = Table("events", Path("events.csv"), "events.csv", ["event_id", "date", "date_source_id", "source_ids"],
                   [{"event_id": "a", "date": "2020", "date_source_id": "s1", "source_ids": "s1;s2"},
                    {"event_id": "b", "date": "2020", "date_source_id": "s3", "source_ids": "s1"},
                    {"event_id": "c", "date": "", "date_source_id": "s1", "source_ids": "s1"}], [2, 3, 4], True)
    found = list(rules.date_sources_are_among_the_row_sources(Tables({"events": events}, package, CUTOFF)))
    assert [(p.row, p.value) for p in found] == [(3, "s3"), (4, "s1")]
    assert "not among the row's source_ids" in found[0].message and "empty" in found[1].message
