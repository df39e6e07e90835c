"""Fast tests of the package's pure functions: partial-date arithmetic, timeline label
placement, table widths and cutting, source notes, partner names, the descriptor's column
roles, the build's notebook fingerprint and what a run depends on, and that importing the package
changes nothing global."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT
from logistics_pacts import analysis, charts, display
from logistics_pacts.countries import PartnerNameError, resolve_partner
from logistics_pacts.load import add_date_columns
from logistics_pacts.schema import DataPackage


def frame_of_dates(**columns) -> pd.DataFrame:
    return add_date_columns(pd.DataFrame(columns), list(columns))


def test_months_between_partial_dates():
    frame = frame_of_dates(a=["2018-10-29", "2018-10", "2018", "2020-01-01"], b=["2020-09-09", "2020-09", "2020-09-09", "2020-01-31"])
    months = analysis.months_between(frame, "a", "b")
    assert months.iloc[0] == 22 and months.iloc[1] == 23  # 681 and 700 days
    assert pd.isna(months.iloc[2]), "a date known only to the year gives no month count"
    assert months.iloc[3] == 1


@pytest.mark.parametrize("count", [1, 5, 40])
def test_timeline_labels_never_overlap(count):
    positions = [i * 10.0 for i in range(count)]
    widths = [120.0] * count  # every label far wider than the gap between stems
    levels = charts._assign_levels(positions, widths, right_edge=positions[-1] + 50)
    spans = {}
    for x, width, level in zip(positions, widths, levels):
        spans.setdefault(level, []).append(charts._label_span(x, width, positions[-1] + 50))
    for placed in spans.values():
        placed.sort()
        assert all(a[1] <= b[0] for a, b in zip(placed, placed[1:])), placed


def test_labels_near_the_right_edge_turn_left():
    assert charts._label_span(95, 20, right_edge=100) == (75, 95)
    assert charts._label_span(10, 20, right_edge=100) == (10, 30)


def test_column_widths_respect_the_longest_header_word_and_sum_to_100():
    frame = pd.DataFrame({"Partner": ["Japan", "France"], "Agreement on reciprocal things": ["x" * 200, "y"], "In force": ["", ""]})
    widths = display.column_widths(frame, list(frame.columns))
    assert abs(sum(widths) - 100) < 0.5
    assert widths[0] > 5 and widths[1] > widths[0] and widths[2] > 5


def test_cut_table_keeps_the_head_and_names_the_csv():
    frame = pd.DataFrame({"a": range(250)})
    shown, note = display.cut_table(frame, "Source: x.", "sources", max_rows=200)
    assert len(shown) == 200 and "first 200 of 250 rows" in note and "sources.csv" in note
    same, note = display.cut_table(frame.head(3), "Source: x.", "sources")
    assert len(same) == 3 and note == "Source: x."


class FakeDataset:
    sources = pd.DataFrame({"publisher": ["MOFA", "MOFA", "PIB", "Kyodo", "Blog"],
                            "kind": ["official", "official", "official", "wire", "blog"]}, index=["a", "b", "c", "d", "e"])


def test_source_notes_cite_official_records_first_and_count_the_rest():
    note = display.source_note(FakeDataset, [["d", "d", "d", "e"], "c;a", ["b"]], limit=3)
    assert note.startswith("Sources: MOFA [@a; @b]; PIB [@c]")
    assert note.endswith("and 2 other documents cited in the rows.")
    assert display.source_note(FakeDataset, []) == "Sources: the project dataset."


def test_tables_escape_and_align_for_lab():
    html = display.table_html(pd.DataFrame({"Name": ["<b>x</b>"], "Count": [3]}), "Cap", "Note", "t", numeric=("Count",))
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x" not in html
    assert '<td style="text-align:left">' in html and 'class="num" style="text-align:right"' in html
    assert 'data-widths="' in html and "<colgroup>" not in html, "print widths must not squeeze the table in Lab"


def test_the_report_turns_widths_into_a_fixed_layout():
    from logistics_pacts.build.render import fixed_column_widths

    html = display.table_html(pd.DataFrame({"A": ["x"], "B": ["y"]}), "Cap", "Note", "t")
    fixed = fixed_column_widths(html)
    assert "<caption>Cap</caption><colgroup><col style=" in fixed and "data-widths" not in fixed


def test_figure_caption_and_source_note_are_separate_lines():
    html = display.figure_html("<svg></svg>", "f", "A caption", "Source: x.")
    assert '<p class="caption">A caption</p><p class="source-note">Source: x.</p>' in html


def small_figure(x=0.5, y=0.5, **text):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot([0, 1], [0, 1])
    ax.text(x, y, "label", **text)
    return fig


def test_a_legible_figure_passes_the_print_check():
    assert display.legibility_problems(small_figure(fontsize=9)) == []


def test_text_smaller_than_8_pt_is_refused():
    problems = display.legibility_problems(small_figure(fontsize=6))
    assert problems and "6.0 pt" in problems[0]


def test_text_outside_the_figure_is_refused():
    problems = display.legibility_problems(small_figure(x=1.6, y=0.5, fontsize=9, clip_on=False))
    assert any("outside the figure" in p for p in problems)


def test_inline_svg_ids_are_unique_to_their_figure_and_carry_the_alt_text():
    fig = small_figure(fontsize=9)
    svg = display.svg_markup(display.svg_text(fig), "fig-a", "A line rising")
    assert svg.startswith('<svg role="img" aria-label="A line rising"') and "<title>A line rising</title>" in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("fig-a-") for i in ids)
    assert all(ref.startswith("#fig-a-") for ref in re.findall(r'url\((#[^)]+)\)', svg))


@pytest.mark.parametrize("name,code", [("Korea", "KOR"), ("south korea", "KOR"), ("AUS", "AUS"), ("australia", "AUS"),
                                       ("UK", "GBR"), ("Vietnam", "VNM"), ("Russia", "RUS"), ("United States", "USA")])
def test_partner_names_resolve_as_readers_mean_them(name, code):
    assert resolve_partner(name) == code


def test_ambiguous_and_unknown_partner_names_are_errors_listing_matches():
    with pytest.raises(PartnerNameError, match="matches more than one country: .*VGB.*VIR"):
        resolve_partner("Virgin")
    with pytest.raises(PartnerNameError, match="not a country name"):
        resolve_partner("Atlantis")


def test_column_roles_come_from_the_descriptor():
    package = DataPackage.read(ROOT / "data")
    assert package.date_columns("events")[:2] == ["date", "end_date"]
    assert "countries" in package.country_columns("events") and "parties" in package.country_columns("agreements")
    assert "source_ids" in package.list_columns("agreements")
    assert package.labels("events", "kind")["two_plus_two"] == "2+2 ministerial"
    assert list(package.labels("events", "kind")) == package.enum("events", "kind")
    assert isinstance(package.cutoff, dt.date)




def test_outputs_saved_by_lab_do_not_change_a_notebook_fingerprint(tmp_path):
    from logistics_pacts.build.keys import cells_digest

    source = ROOT / "notebooks" / "05-india-network.ipynb"
    notebook = json.loads(source.read_text(encoding="utf-8"))
    before = cells_digest(source)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hello"}]
            cell["execution_count"] = 7
    notebook["metadata"]["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    saved = tmp_path / "saved.ipynb"
    saved.write_text(json.dumps(notebook))
    assert cells_digest(saved) == before
    notebook["cells"][-1]["source"] = "print('changed')"
    saved.write_text(json.dumps(notebook))
    assert cells_digest(saved) != before


def test_a_runs_table_digest_covers_only_the_tables_it_declares(tmp_path):
    from logistics_pacts.build.keys import DataSnapshot

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    before = DataSnapshot.read(data)
    events = data / "events.csv"
    events.write_text(events.read_text(encoding="utf-8") + "", encoding="utf-8")
    claims = data / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace("supported", "Supported", 1), encoding="utf-8")
    after = DataSnapshot.read(data)
    assert after.tables_digest(["events", "sources"], "n.ipynb") == before.tables_digest(["events", "sources"], "n.ipynb")
    assert after.tables_digest(["claims"], "n.ipynb") != before.tables_digest(["claims"], "n.ipynb")
    # The descriptor a run sees covers its own tables: a description of another table's column is not its input.
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "claims")["schema"]["fields"][0]["description"] = "changed"
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    edited = DataSnapshot.read(data)
    assert edited.tables_digest(["events"], "n.ipynb") == after.tables_digest(["events"], "n.ipynb")
    assert edited.tables_digest(["claims"], "n.ipynb") != after.tables_digest(["claims"], "n.ipynb")
    assert edited.tables_digest(["events"], "n.ipynb", all_schemas=True) != after.tables_digest(["events"], "n.ipynb", all_schemas=True)


def test_the_pages_key_is_a_function_of_inputs_alone(tmp_path):
    """The same inputs give the same key whatever the cache holds; any input changes it."""
    from logistics_pacts.build.keys import DataSnapshot, pages_key

    snapshot = DataSnapshot.read(ROOT / "data")
    runs = [("01", "a"), ("02", "b")]
    key = pages_key("T", True, runs, ["JPN"], snapshot, "env")
    assert pages_key("T", True, list(runs), ["JPN"], DataSnapshot.read(ROOT / "data"), "env") == key
    assert pages_key("T", True, runs[::-1], ["JPN"], snapshot, "env") != key, "section order is an input"
    assert pages_key("T", True, runs, ["JPN", "AUS"], snapshot, "env") != key
    assert pages_key("T", False, runs, ["JPN"], snapshot, "env") != key
    readme = dict(snapshot.digests, **{"README.md": "other"})
    assert pages_key("T", True, runs, ["JPN"], DataSnapshot(snapshot.folder, snapshot.files, snapshot.descriptor, readme),
                     "env") != key


def test_every_caller_of_load_dataset_gets_frames_of_its_own():
    from logistics_pacts.load import load_dataset

    first = load_dataset(ROOT / "data")
    name = first.agreements.iloc[0]["short_name"]
    first.agreements.loc[first.agreements.index[0], "short_name"] = "CHANGED"
    first.agreements.loc[:, "kind"] = "CHANGED"
    with pytest.raises((AttributeError, TypeError)):
        first.events["countries_list"].iloc[0].append("XXX")  # list cells are tuples
    second = load_dataset(ROOT / "data")
    assert second.agreements.iloc[0]["short_name"] == name and "CHANGED" not in set(second.agreements["kind"])
    assert "XXX" not in second.events["countries_list"].iloc[0]


def test_a_table_the_run_does_not_declare_cannot_be_read(tmp_path):
    from logistics_pacts.build.keys import DataSnapshot
    from logistics_pacts.build.sandbox import Sandbox
    from logistics_pacts.load import load_dataset
    from logistics_pacts.schema import UndeclaredTableError

    sandbox = Sandbox.create(tmp_path / "run", DataSnapshot.read(ROOT / "data"), ["agreements", "sources"], "04-x.ipynb")
    dataset = load_dataset(sandbox.data)
    assert len(dataset.agreements) and len(dataset.sources)
    assert sorted(p.name for p in sandbox.data.iterdir()) == ["agreements.csv", "datapackage.json", "sources.csv"]
    for read in (lambda: dataset.events, lambda: dataset.tables["claims"], lambda: dataset.package.labels("events", "kind")):
        with pytest.raises(UndeclaredTableError, match=r"notebooks/04-x.ipynb reads the table '(events|claims)'.*report.yaml"):
            read()


def test_links_between_pdf_parts_point_outside_until_joined():
    from logistics_pacts.build.pdf import CROSS_LINK, cross_part_links

    part = '<h2 id="here">x</h2><a href="#here">a</a> <a class="cite" href="#ref-12">12</a> <a href="partners/AUS.html">p</a>'
    linked = cross_part_links(part)
    assert 'href="#here"' in linked and f'href="{CROSS_LINK}ref-12"' in linked and 'href="partners/AUS.html"' in linked


def test_lane_charts_draw_at_most_max_lanes_and_say_how_many_are_left_out():
    frame = pd.DataFrame({"group": ["IND"] * 50 + ["JPN"] * 30, "value": range(80)})
    frame.attrs["labels"] = {"IND": "India"}
    kept, note = charts.limit_lanes(frame, 40, group_column="group")
    assert len(kept) == 40 and set(kept["group"]) == {"IND", "JPN"} and kept.attrs["labels"] == {"IND": "India"}
    assert "40 of 80" in note
    same, none = charts.limit_lanes(frame.head(10), 40)
    assert len(same) == 10 and none == ""


def test_the_pdf_parts_of_the_first_sections_do_not_depend_on_what_follows():
    """The build sends each section to the PDF as soon as its notebook and those before it are done."""
    from logistics_pacts.build.render import PageContext, print_parts

    sections = [("a", "<h1>Key findings</h1><p>x [@s1]</p>"), ("b", "<h1>Second</h1><h2>Sub</h2>"),
                ("c", "<h1>Appendix: Data</h1><h2>Sub</h2>")]
    context = PageContext(title="T", build_key="k", numbers={"s1": 1})
    whole = print_parts(context, sections)
    assert print_parts(context, sections[:2]).sections == whole.sections[:2]
    assert print_parts(context, sections, start=2).sections[2] == whole.sections[2]
    assert "build k" not in whole.sections[0][1], "a part must not change with the build key"
    assert [entry["text"] for entry in whole.toc] == ["1 Key findings", "2 Second", "2.1 Sub", "Appendix A: Data", "A.1 Sub"]


def test_importing_the_package_changes_no_global_state():
    code = ("import matplotlib; before = (matplotlib.get_backend(), dict(matplotlib.rcParams));"
            "import logistics_pacts.charts, logistics_pacts.display, logistics_pacts.style, logistics_pacts.analysis;"
            "after = (matplotlib.get_backend(), dict(matplotlib.rcParams));"
            "print(before == after)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"MPLBACKEND": "svg", "PATH": ""})
    assert result.stdout.strip() == "True", result.stderr


def test_charts_draw_in_their_style_and_leave_rcparams_alone():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before = plt.rcParams["font.size"]
    counts = pd.DataFrame({"IND": [0, 1], "JPN": [1, 2]}, index=[2019, 2020])
    fig = charts.plot_cumulative(counts, "t", "y")
    assert fig.axes[0].xaxis.label.get_fontsize() == 9 and plt.rcParams["font.size"] == before
    plt.close(fig)


def test_chart_style_restores_only_its_own_settings():
    import matplotlib

    from logistics_pacts.style import chart_style

    interactive, size = matplotlib.rcParams["interactive"], matplotlib.rcParams["font.size"]
    try:
        with chart_style():
            assert matplotlib.rcParams["font.size"] == 9
            matplotlib.rcParams["interactive"] = not interactive  # as Lab's inline backend does on its first figure
        assert matplotlib.rcParams["interactive"] == (not interactive), "a setting made meanwhile must survive"
        assert matplotlib.rcParams["font.size"] == size
    finally:
        matplotlib.rcParams["interactive"] = interactive


def test_table_csvs_never_hand_a_spreadsheet_a_formula(tmp_path):
    """A derived cell that begins like a formula is written with a leading apostrophe; numbers, negative
    numbers and ordinary text are written as they are."""
    import pandas as pd

    from logistics_pacts.display import show_table

    frame = pd.DataFrame({"text": ['=HYPERLINK("http://x")', "+1 call", "@SUM(A1)", "-x", "-5", "plain", "\tx"],
                          "number": [1, -2, 3, 4, 5, 6, 7]})
    show_table(frame, "c", "n", "hostile", tmp_path)
    written = pd.read_csv(tmp_path / "tables" / "hostile.csv", dtype=str, keep_default_na=False)
    assert written["text"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1 call", "'@SUM(A1)", "'-x", "-5", "plain", "'\tx"]
    assert written["number"].tolist() == ["1", "-2", "3", "4", "5", "6", "7"]


def test_a_table_can_show_rows_abridged_and_export_them_whole(tmp_path):
    import pandas as pd

    from logistics_pacts.display import show_table

    whole = pd.DataFrame({"About": ["A", "A", "B"], "What": ["x", "y", "z"]})
    show_table(whole.assign(About=["A", "〃", "B"]), "c", "n", "abridged", tmp_path, export=whole)
    assert pd.read_csv(tmp_path / "tables" / "abridged.csv")["About"].tolist() == ["A", "A", "B"]
