"""Running notebooks for the build: through papermill and nbclient (so parameters and outputs
behave as in JupyterLab), in kernels started once per worker process with pandas, matplotlib
and the package already imported. Before each run the kernel gets a fresh namespace: the
user namespace is reset, figures closed, warnings re-armed and the execution count set back
to 1, so a run's output equals that of a run in a new kernel (a test compares the two).
After each run the kernel says which data tables the notebook read."""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from functools import lru_cache
from pathlib import Path

from .config import Execution, parameter_names
from .project import Project

KERNEL_NAME = "logistics-pacts"
# The kernels the build starts draw headless and hash reproducibly; set in their kernelspec,
# never in this process's environment.
KERNEL_ENV = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
PRELOAD = """
import json as _json, warnings as _warnings
import numpy, pandas, matplotlib, matplotlib.pyplot
import IPython.display
import logistics_pacts.analysis, logistics_pacts.charts, logistics_pacts.citations, logistics_pacts.countries
import logistics_pacts.display, logistics_pacts.findings, logistics_pacts.geography, logistics_pacts.load
"""
RESET = """
get_ipython().run_line_magic("reset", "-f")
import matplotlib.pyplot as _plt, warnings as _warnings, logistics_pacts.load as _load
_plt.close("all"); _warnings._filters_mutated(); _load.forget_reads()
del _plt, _warnings, _load
get_ipython().execution_count = 1
"""
# After a run: say which tables it read, then clear the namespace for the next (one round trip).
READS_MARK = "logistics-pacts tables read: "
READS_THEN_RESET = (f"import json as _j, logistics_pacts.load as _l; print({READS_MARK!r} + _j.dumps(_l.tables_read())); "
                    "del _j, _l\n" + RESET)


def kernel_spec_dir(cache: Path) -> Path:
    """A kernelspec for this interpreter with the build's kernel environment, so the build never
    picks up some other Python that a user-level spec points to."""
    base = Path(cache) / "jupyter" / "kernels"
    spec = base / KERNEL_NAME / "kernel.json"
    wanted = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                       "--IPKernelApp.log_level=ERROR"],
              "display_name": "Python (logistics-pacts)", "language": "python", "env": KERNEL_ENV}
    text = json.dumps(wanted, indent=1)
    if not spec.is_file() or spec.read_text() != text:
        # Written whole under a temporary name, then renamed: a worker reading it never sees half a file.
        spec.parent.mkdir(parents=True, exist_ok=True)
        tmp = spec.with_name(f"kernel.json.tmp{os.getpid()}")
        tmp.write_text(text)
        tmp.replace(spec)
    return base


def kernel_manager(cache: Path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    specs = KernelSpecManager(kernel_dirs=[str(kernel_spec_dir(cache))])
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


class KernelError(Exception):
    pass


class WarmKernel:
    """One kernel, started once, reused for many runs. Starting returns at once; the kernel
    boots in its own process until ensure_ready() waits for it and preloads the imports."""

    def __init__(self, project: Project):
        self.km = kernel_manager(project.cache)
        self.km.start_kernel(cwd=str(project.notebooks))
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.ready = False

    def ensure_ready(self) -> "WarmKernel":
        if not self.ready:
            self.kc.wait_for_ready(timeout=120)
            self.run(PRELOAD + RESET)
            self.ready = True
        return self

    def run(self, code: str) -> str:
        """Run code outside the notebook's history; return what it printed."""
        printed = []

        def hook(message):
            if message["msg_type"] == "stream" and message["content"].get("name") == "stdout":
                printed.append(message["content"]["text"])
        reply = self.kc.execute_interactive(code, store_history=False, output_hook=hook, timeout=120)
        if reply["content"]["status"] != "ok":
            raise KernelError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        return "".join(printed)

    def tables_read_then_reset(self) -> list[str]:
        """The tables the last run read; the namespace is then clean for the next run."""
        printed = self.run(READS_THEN_RESET)
        lines = [line for line in printed.splitlines() if line.startswith(READS_MARK)]
        if not lines:
            raise KernelError(f"the kernel did not say which tables the run read (it printed {printed[:200]!r})")
        return json.loads(lines[-1][len(READS_MARK):])

    def alive(self) -> bool:
        return self.km.is_alive()

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


_warm: dict[str, WarmKernel] = {}


def warm_kernel(project: Project) -> WarmKernel:
    """This process's warm kernel for the project, started on first use and shut down when the
    process ends (a pool worker runs multiprocessing's finalizers; the build calls shutdown_all)."""
    key = str(project.root)
    kernel = _warm.get(key)
    if kernel is None or not kernel.alive():
        kernel = _warm[key] = WarmKernel(project)
        from multiprocessing import util

        util.Finalize(kernel, kernel.shutdown, exitpriority=10)
    return kernel


def prepare_worker(project: Project, warm: bool) -> None:
    """A pool worker's start, while the build validates the data: boot the kernel, import the
    execution stack meanwhile, then wait for the kernel and preload it."""
    kernel = warm_kernel(project) if warm else None
    import_execution_stack()
    if kernel is not None:
        kernel.ensure_ready()


def shutdown_all() -> None:
    while _warm:
        _warm.popitem()[1].shutdown()


def _engine():
    """A papermill engine that runs in a kernel it is given, through that kernel's own client
    (no new channels, no waiting for the kernel to be ready), and leaves both running."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            import logging

            client = PapermillNotebookClient(nb_man, km=kwargs["km"], timeout=execution_timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name,
                                             log=logging.getLogger("papermill"), log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = kwargs["kc"]  # set after construction: the client's __init__ clears it
            client.kc.allow_stdin = False
            return client.execute()

    if "logistics-warm" not in papermill_engines._engines:
        papermill_engines.register("logistics-warm", WarmEngine)
    return "logistics-warm"


def run_parameters(execution: Execution, project: Project, figures: Path) -> dict:
    """The execution's parameters plus the paths of this project (only those the notebook declares)."""
    names = set(parameter_names(project.notebooks / execution.notebook))
    paths = {"data_dir": str(project.data), "output_dir": str(figures)}
    return dict(execution.parameters, **{k: v for k, v in paths.items() if k in names})


def execute_one(execution: Execution, run_dir: Path, project: Project, warm: bool = True) -> dict:
    """Run one notebook with papermill (in a warm kernel, or a new one), export its HTML fragment,
    record what it read. Returns a result dict; never raises for a failing cell."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    tmp = run_dir.with_name(run_dir.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "figures").mkdir(parents=True)
    executed = tmp / "executed.ipynb"
    options = dict(parameters=run_parameters(execution, project, tmp / "figures"), kernel_name=KERNEL_NAME,
                   cwd=str(project.notebooks), progress_bar=False, log_output=False,
                   request_save_on_cell_execute=False, start_timeout=120)
    kernel = None
    try:
        if warm:
            kernel = warm_kernel(project).ensure_ready()
            options.update(engine_name=_engine(), km=kernel.km, kc=kernel.kc)
            try:
                notebook = papermill.execute_notebook(str(project.notebooks / execution.notebook), str(executed), **options)
            finally:
                reads = kernel.tables_read_then_reset()
        else:
            fresh = kernel_manager(project.cache)
            try:
                notebook = papermill.execute_notebook(str(project.notebooks / execution.notebook), str(executed), km=fresh,
                                                      **options)
            finally:
                if fresh.has_kernel:
                    fresh.shutdown_kernel(now=True)
            reads = ["*"]  # a kernel of its own cannot be asked afterwards: depend on every table
    except PapermillExecutionError as exc:
        project.failed.mkdir(parents=True, exist_ok=True)
        kept = project.failed / (Path(execution.notebook).stem + (f"-{execution.partner}" if execution.partner else "") + ".ipynb")
        if executed.is_file():
            shutil.copyfile(executed, kept)
        shutil.rmtree(tmp, ignore_errors=True)
        return {"ok": False, "label": execution.label, "notebook": execution.notebook,
                "cell": exc.cell_index, "exec_count": exc.exec_count, "ename": exc.ename,
                "evalue": str(exc.evalue).strip().splitlines()[-1] if str(exc.evalue).strip() else "",
                "kept": project.display(kept), "seconds": time.perf_counter() - started}
    except Exception as exc:  # kernel died, notebook unreadable, ...
        shutil.rmtree(tmp, ignore_errors=True)
        if kernel is not None:
            _warm.pop(str(project.root), None)
            kernel.shutdown()
        return {"ok": False, "label": execution.label, "notebook": execution.notebook, "cell": None,
                "ename": type(exc).__name__, "evalue": str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                "seconds": time.perf_counter() - started}
    work = cell_seconds(notebook)
    (tmp / "fragment.html").write_text(export_fragment(notebook), encoding="utf-8")
    (tmp / "meta.json").write_text(json.dumps({"label": execution.label, "notebook": execution.notebook,
                                               "parameters": execution.parameters, "reads": reads,
                                               "cell_seconds": work}, sort_keys=True))
    shutil.rmtree(run_dir, ignore_errors=True)
    tmp.rename(run_dir)
    return {"ok": True, "label": execution.label, "seconds": time.perf_counter() - started, "work": work}


def cell_seconds(notebook) -> float:
    """The cells' own execution time, from papermill's per-cell metadata: the work itself."""
    return round(sum(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for c in notebook["cells"]), 3)


@lru_cache(maxsize=1)
def _exporter():
    """One HTML exporter per process: its templates compile once, not once per run."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def export_fragment(notebook) -> str:
    """The notebook's body as HTML: markdown and outputs, no code, no prompts, no cells tagged for
    Lab only. Drops those cells from the notebook it is given."""
    notebook.cells = [c for c in notebook.cells
                      if not ({"parameters", "injected-parameters", "remove-cell"} & set(c.metadata.get("tags", [])))]
    body, _ = _exporter().from_notebook_node(notebook)
    return body


def import_execution_stack() -> None:
    """Import papermill and nbconvert once, before workers fork, so they start warm (without the
    URI grammar jsonschema would build: notebook validation never checks URIs)."""
    from .validate import skip_uri_grammar

    skip_uri_grammar()
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
