"""The build as users run it: parameters, caching, atomic failure, determinism, one build
at a time, clean-up after a killed build, another data folder."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import ROOT, SMALL_CONFIG, make_project, run_cli

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("built"))
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    return root


def copy_project(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(source, target, symlinks=True)
    return target


def committed(path: Path) -> str:
    """The notebook as git holds it (the index), or the file when this is not a git checkout."""
    shown = subprocess.run(["git", "show", f":{path.relative_to(ROOT)}"], cwd=ROOT, capture_output=True, text=True)
    return shown.stdout if shown.returncode == 0 else path.read_text(encoding="utf-8")


def test_committed_notebooks_have_no_outputs_and_a_parameters_cell():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.reads(committed(path), as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), f"{path.name} carries outputs"
        assert any("parameters" in c.metadata.get("tags", []) for c in code), f"{path.name} has no parameters cell"


def test_config_profiles_every_partner_with_a_logistics_agreement():
    from logistics_pacts.analysis import logistics_network
    from logistics_pacts.load import load_dataset

    config = yaml.safe_load((ROOT / "report.yaml").read_text())
    partners = set(logistics_network(load_dataset(ROOT / "data"), "IND")["partner"])
    assert set(config["partners"]) == partners


def test_build_outputs(built_project):
    report = built_project / "report"
    assert (report / "index.html").stat().st_size > 10_000
    assert (report / "report.pdf").read_bytes().startswith(b"%PDF")
    assert (report / "partners" / "australia.html").is_file()
    figures = built_project / "figures"
    svgs, pngs = list(figures.rglob("*.svg")), list(figures.rglob("*.png"))
    assert svgs and all(p.with_suffix(".svg").is_file() for p in pngs)
    assert not list((figures / "partners").rglob("*.png")), "profile charts are printed only in HTML: no PNG is drawn"
    assert (report / "data" / "datapackage.json").is_file() and list((report / "tables").rglob("*.csv"))


def test_parameters_reach_the_notebook(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    result = run_cli("build", "--partner", "Japan", "--start-year", "2012", "--no-pdf", root=root)
    assert result.returncode == 0, result.stderr
    page = (root / "report" / "partners" / "japan.html").read_text()
    assert "India–Japan: events, 2012–2026" in page
    assert not (root / "report" / "partners" / "australia.html").exists()
    runs = {json.loads(p.read_text())["label"]: json.loads(p.read_text()) for p in (root / ".cache" / "runs").glob("*/meta.json")}
    assert runs["partner: Japan"]["parameters"]["partner"] == "JPN" and runs["partner: Japan"]["parameters"]["start_year"] == 2012
    assert "start_year" not in runs["01-key-findings"]["parameters"], "a notebook gets only the parameters it declares"


def test_wrong_parameters_are_one_line_errors(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    for args, expected in ((("--kinds", "excercise"), "Did you mean 'exercise'"), (("--start-year", "20x5"), "START_YEAR"),
                           (("--start-year", "2020", "--end-year", "2010"), "is after END_YEAR"),
                           (("--partner", "Narnia"), "PARTNER")):
        result = run_cli("build", *args, root=root)
        assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_data_dir_is_used_end_to_end(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    other = tmp_path / "other-data"
    shutil.copytree(root / "data", other)
    agreements = other / "agreements.csv"
    text = agreements.read_text(encoding="utf-8")
    assert ",MLSA,logistics_support," in text
    agreements.write_text(text.replace(",MLSA,logistics_support,", ",MLSA FROM-OTHER-DATA,logistics_support,", 1), encoding="utf-8")
    result = run_cli("build", "--data-dir", str(other), "--no-pdf", root=root)
    assert result.returncode == 0, result.stderr
    assert "FROM-OTHER-DATA" in (root / "report" / "partners" / "australia.html").read_text(encoding="utf-8")
    broken = other / "events.csv"
    broken.write_text(broken.read_text(encoding="utf-8").replace(",IND;JPN,", ",IND;JPX,", 1), encoding="utf-8")
    result = run_cli("build", "--data-dir", str(other), "--no-pdf", root=root)
    assert result.returncode == 1 and "events.csv:" in result.stderr and "JPX" in result.stderr


def test_leftovers_of_a_killed_build_are_removed(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    leftovers = [root / "report.staging-99999", root / "figures.staging-99999", root / "report.old-99999",
                 root / ".cache" / "runs" / "0123456789abcdef0123.tmp", root / ".cache" / "work" / "0123456789abcdef0123"]
    for folder in leftovers:
        (folder / "partners").mkdir(parents=True)
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    assert not any(folder.exists() for folder in leftovers)
    assert "left by an interrupted build" in result.stdout


def test_old_cache_entries_are_pruned(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    stale = [root / ".cache" / "runs" / f"{i:020d}" for i in range(5)]
    for folder in stale:
        (folder / "figures").mkdir(parents=True)
        (folder / "meta.json").write_text("{}")
    (root / "data" / "README.md").write_text((root / "data" / "README.md").read_text() + "\nOne more line.\n")
    result = run_cli("build", "--no-pdf", root=root)
    assert result.returncode == 0, result.stderr
    assert not any(folder.exists() for folder in stale)
    kept = {p.name for p in (root / ".cache" / "runs").iterdir()}
    assert set(json.loads((root / ".cache" / "manifest.json").read_text())["executions"].values()) <= kept


def test_a_second_build_waits_for_the_first(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    lock = root / ".cache" / "build.lock"
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        process = subprocess.Popen([sys.executable, "-m", "logistics_pacts", "build", "--root", str(root)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert process.poll() is None, "the second build did not wait for the lock"
        fcntl.flock(handle, fcntl.LOCK_UN)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "another build of this project is running" in out and "up to date" in out


HOLDER = """
import fcntl, os, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
handle.seek(0); handle.truncate(); handle.write(f"{sys.argv[2]} {os.getpgid(0)}\\n"); handle.flush()
print("holding", flush=True)
time.sleep(600)
"""


def test_a_lock_left_by_a_dead_build_is_taken_over(built_project, tmp_path):
    """A leftover process of a build that died still holds the lock: the next build stops it and goes on."""
    root = copy_project(built_project, tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root / ".cache" / "build.lock"), str(dead.pid)],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        result = run_cli("build", root=root, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "took over the build lock" in result.stdout and "waiting" not in result.stdout
        assert time.monotonic() - started < 30
        assert holder.wait(timeout=5) is not None
    finally:
        if holder.poll() is None:
            holder.kill()


def test_no_change_rebuild_executes_nothing(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    runs_before = sorted(p.name for p in (root / ".cache" / "runs").iterdir())
    before = snapshot(root / "report")
    result = run_cli("build", root=root)
    assert result.returncode == 0 and "up to date" in result.stdout
    assert "executed" not in result.stdout
    assert sorted(p.name for p in (root / ".cache" / "runs").iterdir()) == runs_before
    assert snapshot(root / "report") == before


def test_a_data_change_re_executes_only_what_depends_on_it(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    config = SMALL_CONFIG.replace("partners: [AUS]", "partners: [AUS, FRA]")
    (root / "report.yaml").write_text(config)
    result = run_cli("build", "--no-pdf", root=root)
    assert result.returncode == 0, result.stderr
    executed = [line for line in result.stdout.splitlines() if line.strip().startswith("executed")]
    assert len(executed) == 1 and "France" in executed[0], result.stdout


def executed_runs(stdout: str) -> list[str]:
    return [line.split("executed", 1)[1].split("  ")[1].strip() for line in stdout.splitlines()
            if line.strip().startswith("executed")]


def test_a_table_edit_re_executes_only_the_runs_that_declare_that_table(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    declared = {spec["file"]: spec["tables"] for spec in yaml.safe_load((root / "report.yaml").read_text())["notebooks"]}
    assert "events" not in declared["08-disputes.ipynb"] and "events" in declared["01-key-findings.ipynb"]
    events = root / "data" / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if ",exercise," in line and "MALABAR" in line.upper())
    lines[row] = lines[row].replace("Malabar", "MALABAR", 1) if "Malabar" in lines[row] else lines[row].replace("MALABAR", "Malabar", 1)
    events.write_text("".join(lines), encoding="utf-8")
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    assert sorted(executed_runs(result.stdout)) == ["01-key-findings", "partner: Australia"], result.stdout
    assert "cached    08-disputes" in result.stdout


def test_reading_a_table_it_does_not_declare_fails_the_run_with_the_notebook_and_the_table(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    notebook = nbformat.read(root / "notebooks" / "08-disputes.ipynb", as_version=4)
    for source, table in (("dataset.events", "events"), ("pd.read_csv('../data/uses.csv')", "uses")):
        edited = nbformat.from_dict(json.loads(json.dumps(notebook)))
        edited.cells.append(nbformat.v4.new_code_cell(f"import pandas as pd\n{source}"))
        nbformat.write(edited, root / "notebooks" / "08-disputes.ipynb")
        result = run_cli("build", "--no-pdf", root=root)
        assert result.returncode == 1, result.stdout
        assert f"notebooks/08-disputes.ipynb reads the table '{table}'" in result.stderr and "report.yaml" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_a_stylesheet_edit_renders_again_and_executes_nothing(built_project, tmp_path):
    """Templates and CSS are not inputs of any notebook run: the pages and the PDF change, no
    notebook runs. The edit is made to a copy of the package, never to the working tree."""
    root = copy_project(built_project, tmp_path)
    package = tmp_path / "package"
    shutil.copytree(ROOT / "src" / "logistics_pacts", package / "logistics_pacts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    css = package / "logistics_pacts" / "build" / "templates" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nfigcaption .caption { letter-spacing: 0.01em; }\n", encoding="utf-8")
    pdf_before = (root / "report" / "report.pdf").read_bytes()
    result = run_cli("build", root=root, package=package)
    assert result.returncode == 0, result.stderr
    assert executed_runs(result.stdout) == [], result.stdout
    assert "letter-spacing: 0.01em" in (root / "report" / "index.html").read_text(encoding="utf-8")
    assert (root / "report" / "report.pdf").read_bytes() != pdf_before


def test_failing_cell_stops_the_build_and_keeps_the_old_report(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    before = snapshot(root / "report")
    figures_before = snapshot(root / "figures")
    broken = nbformat.read(root / "notebooks" / "01-key-findings.ipynb", as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"))
    nbformat.write(broken, root / "notebooks" / "01-key-findings.ipynb")
    result = run_cli("build", root=root)
    assert result.returncode == 1
    message = result.stderr
    assert "Traceback" not in message
    assert "notebooks/01-key-findings.ipynb, cell" in message
    assert "ValueError: deliberate failure for the test" in message
    assert (root / "build-failed" / "01-key-findings.ipynb").is_file()
    assert "build-failed/01-key-findings.ipynb" in message
    assert "previous report" in message
    assert snapshot(root / "report") == before and snapshot(root / "figures") == figures_before
    assert not list(root.glob("*.staging-*"))


BROKEN_FILES = {
    "bad date": ("agreements.csv", lambda t: t.replace("2020-09-09,", "2020-09-39,", 1), "signed_date"),
    "unknown code": ("events.csv", lambda t: t.replace(",IND;JPN,", ",IND;JPX,", 1), "countries"),
    "duplicate id": ("sources.csv", lambda t: t + t.splitlines()[1] + "\n", "source_id"),
    "missing source": ("agreements.csv", lambda t: t.replace(";seed-indbiz-20200910-rpss", ";seed-missing", 1), "source_ids"),
    "truncated CSV": ("events.csv", lambda t: t[: len(t) // 3].rsplit(",", 2)[0] + "\n", ""),
    "wrong encoding": ("sources.csv", lambda t: t.replace("Ministry", "Minist\udce9ry", 1), "publisher"),
    "empty file": ("claims.csv", lambda t: "", ""),
    "missing column": ("events.csv", lambda t: t.replace("event_id,date,", "event_id,", 1), ""),
}


@pytest.mark.parametrize("case", sorted(BROKEN_FILES))
def test_broken_data_gets_a_clear_message(built_project, tmp_path, case):
    """Every kind of broken file, through `validate` (what `make validate` runs); the build stops on the
    same messages (the next test) and keeps the last report."""
    root = copy_project(built_project, tmp_path)
    name, mutate, column = BROKEN_FILES[case]
    path = root / "data" / name
    text = mutate(path.read_text(encoding="utf-8"))
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    result = run_cli("validate", root=root)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if f"{name}:" in line]
    assert lines, result.stderr
    if column:
        assert any(f"column '{column}'" in line for line in lines), lines
    assert all(line.split(f"{name}:", 1)[1].split(":", 1)[0].isdigit() for line in lines), lines


def test_broken_data_stops_the_build_and_keeps_the_last_report(built_project, tmp_path):
    root = copy_project(built_project, tmp_path)
    before = snapshot(root / "report")
    events = root / "data" / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace(",IND;JPN,", ",IND;JPX,", 1), encoding="utf-8")
    result = run_cli("build", root=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "events.csv:" in result.stderr and "column 'countries'" in result.stderr and "JPX" in result.stderr
    assert "previous one is unchanged" in result.stderr
    assert snapshot(root / "report") == before and not list(root.glob("*.staging-*"))


def test_builds_in_two_folders_are_byte_identical(built_project, tmp_path):
    """Nothing of the building machine is in the outputs: the same inputs built in another folder,
    from nothing, give the same bytes (pages, PDF, figures, tables, data)."""
    root = copy_project(built_project, tmp_path)
    for folder in (".cache", "report", "figures"):
        shutil.rmtree(root / folder, ignore_errors=True)
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    assert snapshot(root / "report") == snapshot(built_project / "report")
    assert snapshot(root / "figures") == snapshot(built_project / "figures")
    for path in [*(root / "report").rglob("*"), *(root / "figures").rglob("*")]:
        if path.is_file():
            assert str(root).encode() not in path.read_bytes(), f"{path} names the folder it was built in"
