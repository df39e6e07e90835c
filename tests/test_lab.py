"""JupyterLab as analysts meet it: Lab started the way `make lab` starts it (127.0.0.1, a
token, the project kernel) on a private copy of the project, driven in Debian's Chromium by
Playwright. Every notebook is opened and run through the UI (Run > Run All Cells), all at
once; the project kernel must run every cell without error output and show the expected
figures and tables inline, and saving them must leave git status clean. One test edits a
filter and re-runs; one checks an analyst's own plot shows.
Set LAB_SCREENSHOTS=<folder> to keep a screenshot of every notebook."""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from browser import open_browser
from conftest import ROOT, make_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Notebook: (figures shown inline, tables shown) when run with its defaults.
EXPECTED = {
    "01-key-findings.ipynb": (0, 0),
    "02-the-2020-agreement.ipynb": (1, 1),
    "03-what-it-means.ipynb": (0, 1),
    "04-what-each-agreement-covers.ipynb": (0, 2),
    "05-india-network.ipynb": (1, 2),
    "06-japan-acsa-network.ipynb": (3, 2),
    "07-exercises-and-uses.ipynb": (3, 3),
    "08-disputes.ipynb": (0, 0),
    "09-method.ipynb": (1, 0),
    "10-appendix-claims.ipynb": (0, 1),
    "11-appendix-agreements.ipynb": (0, 1),
    "12-appendix-data-dictionary.ipynb": (0, 1),
    "partner_profile.ipynb": (1, 5),
}
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def commit_with_output_filter(root: Path) -> None:
    """The copy as a git checkout with the output filter `make` installs (nbstripout, with the metadata
    Lab rewrites on save), and the notebooks committed through it."""
    git(root, "init", "-q")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "user.name", "test")
    subprocess.run([sys.executable, "-m", "logistics_pacts.build.lab", "--install-git-filter"], cwd=root, check=True)
    shutil.copy(ROOT / ".gitignore", root / ".gitignore")
    git(root, "-c", "filter.nbstripout.clean=cat", "add", "-A")  # the notebooks are stored stripped already
    git(root, "commit", "-q", "-m", "the project")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`python -m logistics_pacts lab` (what `make lab` runs) on a copy of the project."""
    root = make_project(tmp_path_factory.mktemp("lab"), config=None)
    commit_with_output_filter(root)
    token, port = secrets.token_hex(16), free_port()
    state = tmp_path_factory.mktemp("jupyter-state")  # no workspace or settings from an earlier session
    settings = state / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(state / "runtime"), JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
               JUPYTERLAB_SETTINGS_DIR=str(state / "settings"))
    process = subprocess.Popen([sys.executable, "-m", "logistics_pacts", "lab", "--root", str(root), "--port", str(port),
                                "--token", token, "--no-browser"], env=env, cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{base}/api/status", headers={"Authorization": f"token {token}"}, timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("JupyterLab did not start: " + process.stderr.read()[-2000:])
    yield root, base, token
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    with open_browser() as browser:
        yield browser


def start_run_all(page) -> None:
    """Run > Run All Cells in the notebook shown; returns without waiting for the cells."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def screenshot(page, name: str, target: str = ".jp-OutputArea-output svg, .jp-OutputArea-output table") -> None:
    folder = os.environ.get("LAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        index = -1 if "last" in target else 0
        page.evaluate(f"[...document.querySelectorAll({target!r})].at({index})?.scrollIntoView()")
        page.screenshot(path=str(Path(folder) / f"{Path(name).stem}.png"))


def test_the_token_is_required(lab):
    _, base, _ = lab
    assert requests.get(f"{base}/api/contents", timeout=10).status_code == 403


ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
ACTIVE_DONE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status');
  return status === 'idle' && prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
}"""
ACTIVE_READY = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return !!panel && panel.querySelector('.jp-Notebook .jp-Cell') !== null
    && panel.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle'
    && (panel.querySelector('.jp-Toolbar-kernelName')?.textContent || '').trim() === 'Python (logistics-pacts)';
}"""


def activate(page, name: str) -> None:
    page.locator(f".lm-DockPanel-tabBar .lm-TabBar-tab[title*='{name}']").first.click()
    page.wait_for_function(f"() => document.querySelector('{ACTIVE}')?.id && "
                           f"(document.querySelector('.lm-DockPanel-tabBar .lm-mod-current')?.title || '').includes('{name}')")


@pytest.fixture(scope="module")
def all_notebooks_run(browser, lab):
    """One Lab window: every notebook opened from the file browser and run with Run All Cells (their
    kernels work side by side), then saved. Yields the page and what each notebook showed."""
    root, base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    shown = {}
    try:
        page.goto(f"{base}/lab?reset&token={token}")
        for name in sorted(EXPECTED):
            page.locator(f".jp-DirListing-item[data-file-type='notebook'] >> text='{name}'").dblclick()
            activate(page, name)
            page.wait_for_function(ACTIVE_READY, timeout=90_000)
            start_run_all(page)
        for name in sorted(EXPECTED):
            activate(page, name)
            page.wait_for_function(ACTIVE_DONE, timeout=180_000)
            panel = page.locator(ACTIVE)
            charts = panel.locator(".jp-OutputArea-output figure.chart svg")
            shown[name] = {
                "errors": [e[:300] for e in panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()],
                "figures": charts.count(), "tables": panel.locator(".jp-OutputArea-output figure.table table").count(),
                "width": charts.first.bounding_box()["width"] if charts.count() else None}
            screenshot(page, name)
            page.keyboard.press("Control+s")
            page.wait_for_function("() => !document.querySelector('.lm-DockPanel-tabBar .lm-mod-current.jp-mod-dirty')",
                                   timeout=30_000)
        yield page, shown
    finally:
        page.close()


def test_every_notebook_runs_in_lab_shows_its_charts_inline_and_saves_clean(all_notebooks_run, lab):
    """The project kernel ran every cell without error output, the expected figures and tables show
    inline, nothing was written into the report's outputs, and git sees no change after saving
    (notebooks are saved as they are committed: without outputs)."""
    root = lab[0]
    _, shown = all_notebooks_run
    problems = [f"{name}: {result}, expected {EXPECTED[name]} (figures, tables)" for name, result in shown.items()
                if result["errors"] or (result["figures"], result["tables"]) != EXPECTED[name]
                or (result["width"] is not None and result["width"] <= 300)]
    assert not problems, "\n".join(problems)
    assert not (root / "report").exists() and not (root / "figures").exists(), "a run in Lab wrote into the report's outputs"
    assert (root / ".scratch").is_dir()
    # The files on disk must be the committed bytes themselves (the filter would hide less): compare raw.
    assert git(root, "-c", "filter.nbstripout.clean=cat", "status", "--porcelain") == "", \
        "Run all, then save, left git status dirty"


def cell_editor(page, index: int, has_text: bool = True):
    """The editor of the index-th code cell of the notebook shown, scrolled into view: Lab renders the
    editors of visible cells only, so wait until this one shows its text."""
    cell = page.locator(f"{ACTIVE} .jp-Notebook .jp-CodeCell").nth(index)
    editor = cell.locator(".cm-content")
    deadline = time.monotonic() + 15
    while True:
        cell.scroll_into_view_if_needed()
        page.wait_for_timeout(250)
        if not has_text or editor.inner_text().strip() or time.monotonic() > deadline:
            return editor


def set_cell_source(page, index: int, source: str, has_text: bool = True) -> None:
    editor = cell_editor(page, index, has_text)
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def timeline_alt(page) -> str:
    return page.get_attribute(f"{ACTIVE} .jp-OutputArea-output figure.chart svg", "aria-label")


def run_active(page) -> None:
    start_run_all(page)
    page.wait_for_timeout(500)
    page.wait_for_function(ACTIVE_DONE, timeout=180_000)


def test_editing_a_filter_and_re_running_changes_the_output(all_notebooks_run):
    page, _ = all_notebooks_run
    activate(page, "02-the-2020-agreement.ipynb")
    before = timeline_alt(page)
    assert "from 2000 to 2026" in before
    source = cell_editor(page, 0).inner_text()
    assert "start_year = 2000" in source
    set_cell_source(page, 0, source.replace("start_year = 2000", "start_year = 2015").replace("event_kinds = None", 'event_kinds = ["exercise"]'))
    page.keyboard.press("Escape")
    run_active(page)
    after = timeline_alt(page)
    assert "from 2015 to 2026" in after and after != before
    assert "summit" not in after.split("lane per kind")[-1].lower() and "exercise" in after


def test_an_analysts_own_plot_shows_inline(all_notebooks_run):
    page, _ = all_notebooks_run
    activate(page, "05-india-network.ipynb")
    page.locator(f"{ACTIVE} .jp-Notebook .jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below
    set_cell_source(page, page.locator(f"{ACTIVE} .jp-Notebook .jp-CodeCell").count() - 1,
                    "plt.plot([1, 3, 2])  # plt comes from the setup cell\nprint(plt.get_backend())", has_text=False)
    page.keyboard.press("Control+Enter")  # run this cell in place
    page.wait_for_function(ACTIVE_DONE, timeout=60_000)
    cell = page.locator(f"{ACTIVE} .jp-Notebook .jp-CodeCell").last
    cell.locator(".jp-OutputArea-output img").wait_for(timeout=15_000)
    screenshot(page, "own-plot", ".jp-Notebook .jp-CodeCell:last-child")
    assert "inline" in cell.locator(".jp-OutputArea-output").first.inner_text()
