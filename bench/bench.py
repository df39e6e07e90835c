"""`make bench`: how long the build takes, measured on this machine, printed as a table.

  1. import floor      python -c "import pandas, matplotlib.pyplot" (median of 3)
  2. naive chain       papermill CLI + `jupyter nbconvert --to html` CLI, one after another,
                       for every notebook execution the build does (no PDF: it does less work)
  3. cold build        make clean && make report
  4. no-change build   make report again
  5. data 1x/10x/100x  a cold build of a private copy of the project with synthetic data
                       N times the real size (written to a temporary folder, never data/)
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import make_synthetic  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent


def timed(command, cwd=ROOT, env=None, quiet=True) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, shell=isinstance(command, str),
                            stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed: {command}\n{result.stderr[-3000:]}")
    return seconds


def import_floor() -> float:
    return statistics.median(timed([PY, "-c", "import pandas, matplotlib.pyplot"]) for _ in range(3))


def naive_chain(work: Path) -> tuple[float, int]:
    config = yaml.safe_load((ROOT / "report.yaml").read_text())
    params = dict(config["parameters"])
    runs = [(nb, params) for nb in config["notebooks"]]
    runs += [(config["profile_notebook"], dict(params, partner=p)) for p in config["partners"]]
    out = work / "naive"
    out.mkdir()
    started = time.perf_counter()
    for index, (notebook, parameters) in enumerate(runs):
        executed = out / f"{index:02d}-{notebook}"
        args = [str(BIN / "papermill"), str(ROOT / "notebooks" / notebook), str(executed), "--cwd", str(ROOT / "notebooks"),
                "-k", "logistics-pacts", "--no-progress-bar", "-y", yaml.safe_dump(dict(parameters, output_dir=str(out / "figures")))]
        timed(args)
        timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return time.perf_counter() - started, len(runs)


def private_build(work: Path, factor: int) -> float:
    root = work / f"project-{factor}x"
    root.mkdir()
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copy(ROOT / "report.yaml", root / "report.yaml")
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")
    make_synthetic(ROOT / "data", root / "data", factor)
    return timed([PY, "-m", "logistics_pacts", "build", "--root", str(root)], cwd=root)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="logistics-bench-") as tmp:
        work = Path(tmp)
        print("measuring the import floor …", flush=True)
        floor = import_floor()
        print("measuring the naive chain (papermill CLI + nbconvert CLI per execution; takes a few minutes) …", flush=True)
        naive, runs = naive_chain(work)
        print("measuring make clean && make report …", flush=True)
        cold = timed("make clean >/dev/null && make report")
        print("measuring a no-change make report …", flush=True)
        nochange = statistics.median(timed("make report") for _ in range(3))
        scaled = {}
        for factor in (1, 10, 100):
            print(f"measuring a cold build with {factor}x data …", flush=True)
            scaled[factor] = private_build(work, factor)
    rows.append(("import floor: python -c 'import pandas, matplotlib.pyplot'", floor, ""))
    rows.append((f"naive chain: papermill CLI + nbconvert CLI x {runs} executions", naive, ""))
    rows.append(("make clean && make report (HTML + PDF + profiles)", cold,
                 f"{naive / cold:.1f}x faster than the naive chain (target >= 5x)"))
    rows.append(("no-change make report", nochange,
                 f"{nochange / floor:.2f} of the import floor (target <= 1)"))
    for factor, seconds in scaled.items():
        note = "" if factor == 1 else f"{seconds / scaled[1]:.2f}x the 1x build (target for 100x: <= 1.5x)"
        rows.append((f"cold build, synthetic data {factor}x", seconds, note))
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'step'.ljust(width)}  seconds  note")
    for label, seconds, note in rows:
        print(f"{label.ljust(width)}  {seconds:7.2f}  {note}")


if __name__ == "__main__":
    main()
