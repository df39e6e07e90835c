"""A cached report equals a fresh one. A corpus of ordinary edits is applied one after another to
a small report (tests/mini) built on a copy of the real data; after each edit the incremental build
is compared with a build of the same inputs from nothing: the same bytes for the pages, tables,
data and figures, and the same PDF text. Also: nothing one notebook run does reaches another, and
a build stopped by SIGTERM leaves no process behind and lets the next build run."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import ROOT, make_project, run_cli

pytestmark = pytest.mark.slow
MINI = Path(__file__).resolve().parent / "mini"


def mini_project(folder: Path) -> Path:
    root = folder / "project"
    shutil.copytree(MINI / "notebooks", root / "notebooks")
    shutil.copy(MINI / "report.yaml", root / "report.yaml")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")
    return root


def files_of(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def assert_same_outputs(incremental: Path, fresh: Path, edit: str) -> None:
    inc, new = files_of(incremental / "report"), files_of(fresh / "report")
    inc.pop("report.pdf"), new.pop("report.pdf")
    differing = sorted(name for name in set(inc) | set(new) if inc.get(name) != new.get(name))
    assert not differing, f"after '{edit}', the incremental build differs from a build from nothing: {differing}"
    assert files_of(incremental / "figures") == files_of(fresh / "figures"), f"after '{edit}', figures differ"
    assert pdf_text(incremental / "report" / "report.pdf") == pdf_text(fresh / "report" / "report.pdf"), \
        f"after '{edit}', the PDF's text differs"


# --------------------------------------------------------------------------- the edits

def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_csv_cell(path: Path, match, column: str, change) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    index = next(i for i, row in enumerate(rows[1:], 1) if match(dict(zip(header, row))))
    rows[index][header.index(column)] = change(rows[index][header.index(column)])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def latest_exercises(root: Path, count: int = 2) -> list[dict]:
    """India's latest exercise editions: the rows the mini report's exercise table shows."""
    events = list(csv.DictReader(io.StringIO((root / "data" / "events.csv").read_text(encoding="utf-8"))))
    exercises = [e for e in events if e["kind"] == "exercise" and "IND" in e["countries"].split(";")]
    return sorted(exercises, key=lambda e: (e["date"], e["event_id"]))[-count:]


def a_data_row(root, package):
    latest = latest_exercises(root)[-1]["event_id"]
    edit_csv_cell(root / "data" / "events.csv", lambda row: row["event_id"] == latest, "title", lambda t: t + " (title corrected)")


def a_css_rule(root, package):
    css = package / "logistics_pacts" / "build" / "templates" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nfigcaption .caption { letter-spacing: 0.02em; }\n", encoding="utf-8")


def a_string_in_build_code(root, package):
    rewrite(package / "logistics_pacts" / "build" / "pipeline.py", "Every document cited in this report, in the IEEE style.",
            "Every document cited in this report (edited), in the IEEE style.")


def a_string_in_notebook_code(root, package):
    rewrite(package / "logistics_pacts" / "display.py", 'return f"{lead}: " + "; ".join(parts) + more + "."',
            'return f"{lead} (edited): " + "; ".join(parts) + more + "."')


def the_section_order(root, package):
    config = root / "report.yaml"
    text = config.read_text(encoding="utf-8")
    first, second = "  - {file: a-agreements.ipynb, tables: [agreements, sources]}\n", "  - {file: b-exercises.ipynb, tables: [events, sources]}\n"
    config.write_text(text.replace(first + second, second + first), encoding="utf-8")


def the_partner_list(root, package):
    rewrite(root / "report.yaml", "partners: [JPN, AUS]", "partners: [JPN, FRA]")


def the_data_readme(root, package):
    readme = root / "data" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOne line added by the test.\n", encoding="utf-8")


def a_schema_description(root, package):
    path = root / "data" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    field = next(r for r in descriptor["resources"] if r["name"] == "events")["schema"]["fields"][0]
    field["description"] = field.get("description", "") + " (edited)"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def a_cited_documents_title(root, package):
    cited = latest_exercises(root)[-1]["source_ids"].split(";")[0]
    edit_csv_cell(root / "data" / "sources.csv", lambda row: row["source_id"] == cited, "title", lambda t: t + " (retitled)")


def figures_deleted_by_hand(root, package):
    for path in (root / "figures").rglob("*.svg"):
        path.unlink()


def a_direct_read_csv(root, package):
    path = root / "notebooks" / "b-exercises.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(
        'raw = pd.read_csv(f"{data_dir}/events.csv")\n'
        'show_text(f"{int(raw[\'title\'].str.contains(\'corrected\').sum())} titles read directly say they were corrected.")'))
    nbformat.write(notebook, path)


def then_the_table_it_reads_directly(root, package):
    other = latest_exercises(root)[-2]["event_id"]
    edit_csv_cell(root / "data" / "events.csv", lambda row: row["event_id"] == other, "title", lambda t: t + " (also corrected)")


EDITS = [a_data_row, a_css_rule, a_string_in_build_code, a_string_in_notebook_code, the_section_order, the_partner_list,
         the_data_readme, a_schema_description, a_cited_documents_title, figures_deleted_by_hand, a_direct_read_csv,
         then_the_table_it_reads_directly]


def start_build(root: Path, package: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(package))
    env.pop("LOGISTICS_PACTS_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "logistics_pacts", "build", "--root", str(root)], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_after_every_ordinary_edit_the_incremental_build_equals_a_build_from_nothing(tmp_path):
    """Each build from nothing runs while the next edit is built incrementally (the two share the
    machine's cores); the incremental outputs of each step are kept and compared at the end."""
    root = mini_project(tmp_path / "incremental")
    package = tmp_path / "package"
    shutil.copytree(ROOT / "src" / "logistics_pacts", package / "logistics_pacts", ignore=shutil.ignore_patterns("__pycache__"))
    first = run_cli("build", root=root, package=package)
    assert first.returncode == 0, first.stderr
    fresh_builds = []
    for step, edit in enumerate(EDITS):
        edit(root, package)
        result = run_cli("build", root=root, package=package)
        assert result.returncode == 0, f"{edit.__name__}: {result.stderr}"
        assert "up to date" not in result.stdout, f"after '{edit.__name__}' the build said it was up to date"
        kept = tmp_path / f"incremental-{step}"
        for folder in ("report", "figures"):
            shutil.copytree(root / folder, kept / folder)
        fresh = tmp_path / f"fresh-{step}"
        shutil.copytree(root, fresh, ignore=shutil.ignore_patterns(".cache", "report", "figures", "build-failed"))
        fresh_package = tmp_path / f"package-{step}"  # the package as it is at this step
        shutil.copytree(package, fresh_package, ignore=shutil.ignore_patterns("__pycache__"))
        if fresh_builds:
            fresh_builds[-1][3] = fresh_builds[-1][2].communicate(timeout=300)
        fresh_builds.append([edit.__name__, (kept, fresh), start_build(fresh, fresh_package), None])
    fresh_builds[-1][3] = fresh_builds[-1][2].communicate(timeout=300)
    for name, (kept, fresh), process, (out, err) in fresh_builds:
        assert process.returncode == 0, f"{name}: {err}"
        assert_same_outputs(kept, fresh, name)


# --------------------------------------------------------------------------- isolation

MUTATE = '''dataset.agreements.loc[:, "short_name"] = "MUTATED"
dataset.events.drop(dataset.events.index, inplace=True)
import logistics_pacts.analysis as _an
_an.HOME = "XXX"
LEAKED = "a variable of another run"'''
OBSERVE = '''import logistics_pacts.analysis as _an
again = load_dataset(data_dir)
show_text(f"HOME={_an.HOME}; names={sorted(set(again.agreements['short_name']))[:2]}; events={len(again.events)}; "
          f"leaked={'LEAKED' in globals()}")'''


def test_nothing_one_run_does_reaches_another(tmp_path):
    root = mini_project(tmp_path)
    config = yaml.safe_load((root / "report.yaml").read_text())
    for spec in config["notebooks"]:
        spec["tables"] = ["agreements", "events", "sources"]
    (root / "report.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    for name, code in (("a-agreements.ipynb", MUTATE), ("b-exercises.ipynb", OBSERVE)):
        notebook = nbformat.read(root / "notebooks" / name, as_version=4)
        notebook.cells.insert(2, nbformat.v4.new_code_cell(code))
        nbformat.write(notebook, root / "notebooks" / name)
    result = run_cli("build", "--no-pdf", "--workers", "1", root=root)
    assert result.returncode == 0, result.stderr
    page = (root / "report" / "index.html").read_text(encoding="utf-8")
    assert "HOME=IND;" in page and "MUTATED" not in page.split("HOME=IND;")[1][:200] and "leaked=False" in page
    assert "events=0" not in page


# --------------------------------------------------------------------------- stopping

def marked_processes(mark: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(") ", 1)[1][0]
        except OSError:
            continue
        if f"LOGISTICS_TEST_MARK={mark}".encode() in environ and state != "Z":
            found.append(int(entry))
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_leaves_no_process_and_the_next_build_runs(tmp_path, sig):
    root = make_project(tmp_path)
    mark = uuid.uuid4().hex
    env = dict(os.environ, LOGISTICS_TEST_MARK=mark)
    process = subprocess.Popen([sys.executable, "-m", "logistics_pacts", "build", "--root", str(root)], env=env, cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(marked_processes(mark)) < 4:  # the build, the zygote, kernels, the PDF
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()
    time.sleep(0.5)
    stopped = time.monotonic()
    process.send_signal(sig)
    out, err = process.communicate(timeout=20)
    assert time.monotonic() - stopped < 5, "the build took more than 5 s to stop"
    assert process.returncode in (130, 128 + int(sig)), err
    assert "interrupted" in err and "Traceback" not in err
    deadline = time.monotonic() + 3
    while marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marked_processes(mark) == [], "processes of the stopped build are still running"
    assert not list(root.glob("*.staging-*")) and not (root / "report").exists()
    started = time.monotonic()
    result = run_cli("build", "--no-pdf", root=root, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "waiting" not in result.stdout and time.monotonic() - started < 60


def test_an_error_in_the_build_code_keeps_its_traceback_in_a_log(tmp_path):
    root = make_project(tmp_path)
    package = tmp_path / "package"
    shutil.copytree(ROOT / "src" / "logistics_pacts", package / "logistics_pacts", ignore=shutil.ignore_patterns("__pycache__"))
    rewrite(package / "logistics_pacts" / "build" / "keys.py", "def pages_key(title: str, pdf: bool",
            "def pages_key(*args, **kwargs):\n    raise RuntimeError('a deliberate bug')\n\n\ndef _unused(title: str, pdf: bool")
    result = run_cli("build", root=root, package=package)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "RuntimeError: a deliberate bug" in result.stderr and ".cache/build-error.log" in result.stderr
    log = (root / ".cache" / "build-error.log").read_text()
    assert "Traceback" in log and "a deliberate bug" in log and "pages_key" in log
