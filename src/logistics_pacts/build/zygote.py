"""The kernel zygote: one process that imports the notebooks' stack once (pandas, matplotlib,
IPython, the package) and then forks a fresh Jupyter kernel for every notebook run.

A forked kernel starts in a fraction of a second because the imports are already done, and it
starts clean: the zygote never runs a notebook's code, so nothing one run does can reach another.
The zygote stays single-threaded (BLAS thread pools are limited to one thread in its
environment, and it checks before every fork): fork() is only safe from a process with one thread.

Protocol, one JSON object per line: the build writes {"connection_file", "cwd", "log"} to the
zygote's stdin and reads {"pid": n} (or {"error": "..."}) from its stdout. "exit" ends the
zygote and its kernels. If the build dies, the zygote reads end-of-file and stops its whole
process group (the kernels and the build's PDF process), so nothing outlives the build.

Run as `python -m logistics_pacts.build.zygote`.
"""
from __future__ import annotations

import json
import os
import signal
import sys

PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "ipykernel.comm",
    "ipykernel.eventloops", "IPython.display", "IPython.core.interactiveshell", "jupyter_client.session", "numpy", "pandas", "matplotlib",
    "matplotlib.pyplot", "matplotlib_inline.backend_inline",
    "logistics_pacts.analysis", "logistics_pacts.charts", "logistics_pacts.citations", "logistics_pacts.countries",
    "logistics_pacts.display", "logistics_pacts.findings", "logistics_pacts.geography", "logistics_pacts.load",
)


def threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def preload() -> None:
    import importlib

    from logistics_pacts.validate import skip_uri_grammar

    skip_uri_grammar()
    for name in PRELOAD:
        importlib.import_module(name)


def become_kernel(connection_file: str, cwd: str, log: str) -> None:
    """In the forked child: a fresh IPython kernel on the given connection file. Never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build interrupts a run by stopping its kernel
    null = os.open(os.devnull, os.O_RDWR)
    errors = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if log else null
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(errors, 2)
    sys.stdin = open(0, closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", closefd=False, buffering=1)
    os.chdir(cwd)
    sys.path[0:0] = [""]  # as in a kernel started by Jupyter: the working folder is importable
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["-f", connection_file, "--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"])
    app.start()
    os._exit(0)


def serve(requests, replies) -> None:
    children: set[int] = set()
    for line in requests:
        line = line.strip()
        if line == "exit":
            break
        try:
            request = json.loads(line)
            if threads() != 1:
                raise RuntimeError(f"the zygote runs {threads()} threads; refusing to fork")
            pid = os.fork()
        except Exception as exc:  # noqa: BLE001 - reported to the build
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            replies.flush()
            continue
        if pid == 0:
            try:
                become_kernel(request["connection_file"], request["cwd"], request.get("log", ""))
            except BaseException:  # noqa: BLE001 - the kernel's log says why it could not start
                import traceback

                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(1)
        children.add(pid)
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()
    else:  # end of file: the build is gone; stop everything it started
        os.killpg(0, signal.SIGKILL)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the build decides when the zygote stops
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)   # nothing imported may write into the protocol
    preload()
    replies.write(json.dumps({"ready": True, "threads": threads()}) + "\n")
    replies.flush()
    serve(sys.stdin, replies)


if __name__ == "__main__":
    main()
