"""`make bench`: how long the build takes on this machine, every figure measured in this one run
and printed as a table with its ratio and target.

Every build runs on a private copy of the project in a temporary folder (never report/,
figures/ or .cache/ of the working tree):

  import floor        python -c "import pandas, matplotlib.pyplot" (median of 3)
  naive chain         papermill CLI + `jupyter nbconvert --to html` CLI, one after another, for every
                      notebook run of the build (no PDF: it does less work than the build)
  cold build          an empty cache: every notebook run, the pages, the PDF (with its peak memory:
                      the build and all its processes, sampled every 50 ms)
  no-change build     the same build again (median of 3)
  one-row edit        one exercise's title changed in events.csv; then changed back, shown apart (its
                      runs are still cached)
  CSS-only edit       one rule added to the stylesheet, in a copy of the package
  synthetic 1x, 10x   cold builds with every table repeated N times (bench/synthetic.py);
                      BENCH_FACTORS=1,10,100 adds 100x (over 12 minutes: the bibliography formats
                      every document, 136,000 at 100x, at about 4 ms each)
  test suite          `python -m pytest -q` on the working tree, as `make test` runs it (the tests copy
                      the project to temporary folders and never write into report/ or figures/);
                      skipped with BENCH_TESTS=0
  work floor          what the cold build itself reports: the cells' own execution time, summed,
                      plus the PDF's render time; the build can approach it only by doing less
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import make_synthetic  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
EDITED_TITLE = " (title corrected)"


@dataclass
class Build:
    seconds: float
    executed: int
    peak_mib: float
    stdout: str


def peak_memory_of(process) -> float:
    """The largest sum of resident memory of the process and its descendants while it runs (MiB)."""
    import psutil

    peak = 0
    try:
        root = psutil.Process(process.pid)
        while process.poll() is None:
            total = 0
            for member in [root, *root.children(recursive=True)]:
                try:
                    total += member.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
            time.sleep(0.05)
    except psutil.Error:
        pass
    return peak / 2**20


def run(command: list[str], cwd: Path, env: dict | None = None) -> Build:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {}
    sampler = threading.Thread(target=lambda: peak.setdefault("mib", peak_memory_of(process)))
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(map(str, command))}\n{stdout[-2000:]}\n{stderr[-3000:]}")
    executed = sum(1 for line in stdout.splitlines() if line.strip().startswith("executed"))
    return Build(seconds, executed, peak.get("mib", 0.0), stdout)


def build(root: Path, *args, env: dict | None = None) -> Build:
    return run([PY, "-m", "logistics_pacts", "build", "--root", str(root), *args], cwd=root, env=env)


def private_project(work: Path, name: str, data_factor: int | None = None) -> Path:
    root = work / name
    root.mkdir()
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "report.yaml", root / "report.yaml")
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")
    shutil.copy(ROOT / "CITATION.cff", root / "CITATION.cff")
    if data_factor is None:
        shutil.copytree(ROOT / "data", root / "data")
    else:
        make_synthetic(ROOT / "data", root / "data", data_factor)
    return root


def import_floor() -> float:
    return statistics.median(run([PY, "-c", "import pandas, matplotlib.pyplot"], cwd=ROOT).seconds for _ in range(3))


def edit_one_exercise_title(data: Path, undo: bool = False) -> None:
    """The title of the latest Malabar edition, with a few words added (or taken away again)."""
    path = data / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = max(i for i, line in enumerate(lines) if ",exercise," in line and ",Malabar," in line)
    header = next(csv.reader([lines[0]]))
    fields = next(csv.reader([lines[row]]))
    title = fields[header.index("title")]
    fields[header.index("title")] = title.removesuffix(EDITED_TITLE) if undo else title + EDITED_TITLE
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    lines[row] = out.getvalue()
    path.write_text("".join(lines), encoding="utf-8")


def package_with_extra_css(work: Path) -> dict:
    """An environment whose Python imports a copy of the package with one CSS rule added."""
    package = work / "package"
    shutil.copytree(ROOT / "src" / "logistics_pacts", package / "logistics_pacts", ignore=shutil.ignore_patterns("__pycache__"))
    css = package / "logistics_pacts" / "build" / "templates" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nfigcaption .caption { letter-spacing: 0.01em; }\n", encoding="utf-8")
    return dict(os.environ, PYTHONPATH=str(package))


def naive_chain(root: Path, work: Path) -> tuple[float, int]:
    """Every run of the build as a papermill CLI call and an nbconvert CLI call, one after another,
    in the kernel the build uses (its kernelspec is in the project's cache after a build)."""
    config = yaml.safe_load((root / "report.yaml").read_text())
    params = dict(config["parameters"])
    runs = [(spec["file"], dict(params, **spec.get("parameters", {}))) for spec in config["notebooks"]]
    profile = config["profile"]
    runs += [(profile["file"], dict(params, **profile.get("parameters", {}), partner=p)) for p in config["partners"]]
    out = work / "naive"
    out.mkdir()
    env = dict(os.environ, MPLBACKEND="Agg")
    started = time.perf_counter()
    for index, (notebook, parameters) in enumerate(runs):
        executed = out / f"{index:02d}-{notebook}"
        figures = out / f"figures-{index:02d}"
        run([str(BIN / "papermill"), str(root / "notebooks" / notebook), str(executed), "--cwd", str(root / "notebooks"),
             "-k", "logistics-pacts", "--no-progress-bar", "-y", yaml.safe_dump(dict(parameters, output_dir=str(figures)))],
            cwd=root, env=env)
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], cwd=root, env=env)
    return time.perf_counter() - started, len(runs)


def work_floor(root: Path) -> float:
    return json.loads((root / ".cache" / "manifest.json").read_text())["work"]


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    factors = [int(f) for f in os.environ.get("BENCH_FACTORS", "1,10").split(",")]
    with tempfile.TemporaryDirectory(prefix="logistics-bench-") as tmp:
        work = Path(tmp)
        step = lambda text: print(f"  {text} …", flush=True)  # noqa: E731
        step("import floor")
        floor = import_floor()
        root = private_project(work, "project")
        step("cold build")
        cold = build(root)
        floor_work = work_floor(root)
        step("no-change build (3 times)")
        nochange = statistics.median(build(root).seconds for _ in range(3))
        step("one-row edit to events.csv (edit, then undo)")
        edits = []
        for undo in (False, True):
            edit_one_exercise_title(root / "data", undo)
            edits.append(build(root))
        one_row = edits[0].seconds  # the undo finds its runs cached: it is not a one-row edit
        step("CSS-only edit")
        css = build(root, env=package_with_extra_css(work))
        step("naive chain (papermill CLI + nbconvert CLI per run; a few minutes)")
        naive, runs = naive_chain(root, work)
        tests = None
        if os.environ.get("BENCH_TESTS", "1") != "0":
            step("the test suite (a few minutes)")
            started = time.perf_counter()
            suite = subprocess.run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True)
            tests = time.perf_counter() - started
            tests_summary = (suite.stdout.strip().splitlines() or ["no output"])[-1]
        scaled = {}
        for factor in factors:
            step(f"cold build with synthetic data {factor}x")
            scaled[factor] = build(private_project(work, f"synthetic-{factor}x", factor))

    rows = [
        ("import floor: python -c 'import pandas, matplotlib.pyplot'", floor, "", ""),
        (f"naive chain: papermill CLI + nbconvert CLI x {runs} runs", naive, "", ""),
        (f"cold build ({cold.executed} runs, HTML + PDF + profiles)", cold.seconds,
         f"{naive / cold.seconds:.1f}x faster than the naive chain", f">= 8x: {verdict(naive / cold.seconds >= 8)}"),
        ("work floor (cells' own time + PDF render, from the cold build)", floor_work,
         f"cold build = {cold.seconds / floor_work:.2f}x the work floor", f"<= 2x: {verdict(cold.seconds <= 2 * floor_work)}"),
        ("no-change build (median of 3)", nochange, f"{nochange / floor:.2f}x the import floor",
         f"<= 0.3x: {verdict(nochange <= 0.3 * floor)}"),
        (f"one-row edit to events.csv ({edits[0].executed} runs executed)", one_row,
         f"{one_row / cold.seconds:.0%} of the cold build", f"<= 50%: {verdict(one_row <= 0.5 * cold.seconds)}"),
        (f"the edit undone ({edits[1].executed} runs executed: the cache still holds them)", edits[1].seconds,
         f"{edits[1].seconds / cold.seconds:.0%} of the cold build", ""),
        (f"CSS-only edit ({css.executed} runs executed)", css.seconds, f"{css.seconds / cold.seconds:.0%} of the cold build",
         f"no run executed: {verdict(css.executed == 0)}"),
    ]
    if tests is not None:
        rows.append((f"the test suite (python -m pytest: {tests_summary.strip('= ')})", tests, "",
                     f"<= 150 s: {verdict(tests <= 150)}"))
    for factor, result in scaled.items():
        ratio = result.seconds / scaled[factors[0]].seconds
        target = f"<= 2x: {verdict(ratio <= 2)}" if factor == 100 else ""
        rows.append((f"cold build, synthetic data {factor}x (peak {result.peak_mib:,.0f} MiB)", result.seconds,
                     f"{ratio:.2f}x the {factors[0]}x build" if factor != factors[0] else "", target))
    rows.append(("peak memory of the cold build (all processes)", cold.peak_mib, "MiB (not seconds)", ""))
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'step'.ljust(width)}  seconds  {'ratio'.ljust(38)}  target")
    for label, seconds, ratio, target in rows:
        print(f"{label.ljust(width)}  {seconds:7.2f}  {ratio.ljust(38)}  {target}")


if __name__ == "__main__":
    main()
