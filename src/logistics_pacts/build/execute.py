"""Running one notebook for the build: papermill injects the parameters and nbclient runs the
cells (as in JupyterLab) in a fresh kernel the build hands it, inside the run's sandbox; then the
executed notebook becomes an HTML fragment (markdown and outputs, no code).

A run never raises for a failing cell: it returns what failed, where, and keeps the executed
notebook for inspection."""
from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from pathlib import Path

from .kernels import ForkedKernel, KernelManagerShim
from .sandbox import Sandbox, undeclared_read

KERNEL_NAME = "logistics-pacts"
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}


def _engine() -> str:
    """A papermill engine that runs in the kernel it is given, through that kernel's own client."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class ForkedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            client = PapermillNotebookClient(nb_man, km=kwargs["km"], timeout=execution_timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name,
                                             log=logging.getLogger("papermill"), log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = kwargs["kc"]  # set after construction: the client's __init__ clears it
            client.kc.allow_stdin = False
            return client.execute()

    if "logistics-forked" not in papermill_engines._engines:
        papermill_engines.register("logistics-forked", ForkedKernelEngine)
    return "logistics-forked"


def run_notebook(notebook: Path, parameters: dict, kernel: ForkedKernel, sandbox: Sandbox, executed: Path):
    """Execute `notebook` with `parameters` in `kernel`, working in the sandbox; returns the executed
    notebook (written to `executed`). Raises papermill's PapermillExecutionError for a failing cell."""
    import papermill

    kernel.run_silently(f"import os as _os; _os.chdir({str(sandbox.cwd)!r}); del _os")
    return papermill.execute_notebook(str(notebook), str(executed), parameters=parameters, kernel_name=KERNEL_NAME,
                                      engine_name=_engine(), km=KernelManagerShim(kernel), kc=kernel.client,
                                      progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                      start_timeout=120)


def execute_run(label: str, notebook: Path, parameters: dict, kernel: ForkedKernel, sandbox: Sandbox, run_dir: Path,
                failed_dir: Path, kept_name: str, snapshot, display) -> dict:
    """One run, start to finish: execute, export the fragment, move the result into the run cache
    (`run_dir`, written whole under a temporary name, then renamed). Returns a result dict."""
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    executed = sandbox.root / "executed.ipynb"
    try:
        result = run_notebook(notebook, parameters, kernel, sandbox, executed)
    except PapermillExecutionError as exc:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / kept_name
        if executed.is_file():
            shutil.copyfile(executed, kept)
        evalue = str(exc.evalue).strip().splitlines()[-1] if str(exc.evalue).strip() else ""
        table = undeclared_read(str(exc.evalue), sandbox, snapshot) if exc.ename == "FileNotFoundError" else None
        if table:
            exc.ename, evalue = "UndeclaredTableError", (
                f"notebooks/{notebook.name} reads the table '{table}' (file {Path(snapshot.table_file(table)).name}), which "
                f"it does not declare: add '{table}' to its tables in report.yaml")
        return {"ok": False, "label": label, "notebook": notebook.name, "cell": exc.cell_index, "exec_count": exc.exec_count,
                "ename": exc.ename, "evalue": evalue, "kept": display(kept), "seconds": time.perf_counter() - started}
    except Exception as exc:  # the kernel died, the notebook cannot be read, ...
        alive = kernel.is_alive()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        if not alive:
            reason = f"the kernel stopped ({reason})" if reason else "the kernel stopped"
        return {"ok": False, "label": label, "notebook": notebook.name, "cell": None, "ename": type(exc).__name__,
                "evalue": reason, "seconds": time.perf_counter() - started}
    work = cell_seconds(result)
    tmp = run_dir.with_name(run_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "fragment.html").write_text(export_fragment(result), encoding="utf-8")
    sandbox.out.rename(tmp / "figures")
    (tmp / "meta.json").write_text(json.dumps({"label": label, "notebook": notebook.name, "parameters": parameters_shown(parameters),
                                               "cell_seconds": work}, sort_keys=True))
    shutil.rmtree(run_dir, ignore_errors=True)
    tmp.rename(run_dir)
    return {"ok": True, "label": label, "seconds": time.perf_counter() - started, "work": work}


def parameters_shown(parameters: dict) -> dict:
    """The parameters without the run's own folders (which name the machine)."""
    return {k: v for k, v in parameters.items() if k not in ("data_dir", "output_dir")}


def cell_seconds(notebook) -> float:
    """The cells' own execution time, from papermill's per-cell metadata: the work itself."""
    return round(sum(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for c in notebook["cells"]), 3)


_local = threading.local()


def _exporter():
    """One HTML exporter per thread: its templates compile once, not once per run, and two runs
    exporting at the same time never share one."""
    if not hasattr(_local, "exporter"):
        from nbconvert import HTMLExporter

        _local.exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                                       exclude_output_prompt=True)
    return _local.exporter


def export_fragment(notebook) -> str:
    """The notebook's body as HTML: markdown and outputs, no code, no prompts, no cells tagged for
    Lab only. Drops those cells from the notebook it is given."""
    notebook.cells = [c for c in notebook.cells if not (HIDDEN_TAGS & set(c.metadata.get("tags", [])))]
    body, _ = _exporter().from_notebook_node(notebook)
    return body


def import_execution_stack() -> None:
    """Import papermill and nbconvert (without the URI grammar jsonschema would build: notebook
    validation never checks URIs)."""
    from logistics_pacts.validate import skip_uri_grammar

    skip_uri_grammar()
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
