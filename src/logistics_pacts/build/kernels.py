"""Single-use kernels: every notebook run gets a fresh Jupyter kernel, forked by the zygote
(zygote.py) from a process that has the notebooks' imports loaded, started before the run needs
it and stopped when the run ends. A kernel is never given a second run."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .processes import Background, ChildGroup

# The kernels the build starts draw headless, hash reproducibly and stay single-threaded where
# the zygote forks them. Set in the zygote's environment, never in the build's own.
KERNEL_ENV = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
              "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "JPY_SESSION_NAME": ""}


class KernelError(Exception):
    pass


class ForkedKernel:
    """One kernel process and the build's client to it."""

    def __init__(self, pid: int, connection_file: Path, log: Path, zygote_pid: int):
        from jupyter_client import BlockingKernelClient

        self.pid, self.connection_file, self.log, self.zygote_pid = pid, connection_file, log, zygote_pid
        self.stopped = False
        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        self.ready = False

    def wait_ready(self, timeout: float = 60) -> "ForkedKernel":
        """Until the kernel answers on the shell channel and its output reaches us on IOPub (a
        subscription made too late would lose a run's first outputs)."""
        from queue import Empty

        deadline = time.monotonic() + timeout
        while not self.ready:
            if not self.is_alive():
                raise KernelError(f"the kernel stopped while starting ({self._state()}){self._log_tail()}")
            if time.monotonic() > deadline:
                raise KernelError(f"the kernel did not start within {timeout:.0f} s{self._log_tail()}")
            msg_id = self.client.kernel_info()
            try:
                reply = self.client.get_shell_msg(timeout=0.5)
            except Empty:
                continue
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            wait_until = time.monotonic() + 0.25
            while time.monotonic() < wait_until:
                try:
                    message = self.client.get_iopub_msg(timeout=0.05)
                except Empty:
                    continue
                if message["parent_header"].get("msg_id") == msg_id:
                    self.ready = True
                    break
        while True:  # what is left on IOPub belongs to the start, not to the run
            try:
                self.client.get_iopub_msg(timeout=0.01)
            except Empty:
                break
        return self

    def run_silently(self, code: str) -> None:
        reply = self.client.execute_interactive(code, silent=True, store_history=False, timeout=60)
        if reply["content"]["status"] != "ok":
            raise KernelError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def is_alive(self) -> bool:
        """Running, and still the zygote's child (not a zombie, not a new process with the old id)."""
        if self.stopped:
            return False
        try:
            with open(f"/proc/{self.pid}/stat") as handle:
                fields = handle.read().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            return False
        return fields[0] != "Z" and int(fields[1]) == self.zygote_pid

    def stop(self) -> None:
        """Stop the kernel, once. A process id can be given to a new process as soon as the old one
        is gone, so the kernel is signalled only while it is still the zygote's child."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self.client.stop_channels()
        except Exception:  # noqa: BLE001 - stopping anyway
            pass
        if _parent_of(self.pid) == self.zygote_pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.connection_file.unlink(missing_ok=True)

    def _state(self) -> str:
        try:
            with open(f"/proc/{self.pid}/stat") as handle:
                fields = handle.read().rsplit(") ", 1)[1].split()
            process = f"process {self.pid} state {fields[0]}, parent {fields[1]}"
        except OSError:
            process = f"process {self.pid} gone"
        zygote = "running" if _parent_of(self.zygote_pid) is not None else "gone"
        return f"{process}; zygote {self.zygote_pid} {zygote}"

    def _log_tail(self) -> str:
        try:
            text = self.log.read_text(errors="replace").strip()
        except OSError:
            return ""
        return f": {text.splitlines()[-1]}" if text else ""


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(") ", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


class KernelManagerShim:
    """What papermill and nbclient ask of a kernel manager, for a kernel the build started."""

    def __init__(self, kernel: ForkedKernel):
        self.kernel = kernel
        self.has_kernel = True

    def is_alive(self) -> bool:
        return self.kernel.is_alive()

    def interrupt_kernel(self) -> None:
        if not self.kernel.stopped and _parent_of(self.kernel.pid) == self.kernel.zygote_pid:
            os.kill(self.kernel.pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        self.kernel.stop()

    def cleanup_resources(self, restart: bool = False) -> None:
        pass

    def client(self, **kwargs):
        return self.kernel.client


class Zygote:
    """The zygote process, in the build's process group; forks kernels on request."""

    def __init__(self, group: ChildGroup, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, **KERNEL_ENV)
        with open(self.folder / "zygote.log", "ab") as errors:
            self.process = group.popen([sys.executable, "-m", "logistics_pacts.build.zygote"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=errors, env=env, text=True, bufsize=1)
        self.lock = threading.Lock()
        self.count = 0
        self._ready = False
        self.sockets = Path(tempfile.mkdtemp(prefix="logistics-pacts-kernels-"))

    def wait_ready(self) -> None:
        if self._ready:
            return
        line = self.process.stdout.readline()
        if not line:
            log = (self.folder / "zygote.log").read_text(errors="replace").strip().splitlines()
            raise KernelError("the kernel process could not start" + (f": {log[-1]}" if log else ""))
        reply = json.loads(line)
        if reply.get("threads", 1) != 1:
            raise KernelError(f"the kernel process runs {reply['threads']} threads; it must run one to fork safely")
        self._ready = True

    def fork(self) -> ForkedKernel:
        from jupyter_client.connect import write_connection_file

        with self.lock:
            self.wait_ready()
            self.count += 1
            name = f"kernel-{os.getpid()}-{self.count}"
            # Unix sockets, not TCP ports: no other process can take a kernel's address between the
            # moment it is chosen and the moment the kernel binds it, and nothing is reachable from outside.
            # The sockets live in a short folder of their own: a Unix socket's path may not exceed 107 bytes.
            connection_file, _ = write_connection_file(str(self.sockets / f"k{self.count}.json"), transport="ipc",
                                                       ip=str(self.sockets / f"k{self.count}"))
            log = self.folder / f"{name}.log"
            cwd = self.folder
            self.process.stdin.write(json.dumps({"connection_file": connection_file, "cwd": str(cwd), "log": str(log)}) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise KernelError("the kernel process stopped")
        reply = json.loads(line)
        if "error" in reply:
            raise KernelError(reply["error"])
        return ForkedKernel(reply["pid"], Path(connection_file), log, self.process.pid)

    def close(self) -> None:
        """Ask the zygote to stop its kernels and end; the build reaps it with its process group."""
        try:
            self.process.stdin.write("exit\n")
            self.process.stdin.close()
        except Exception:  # noqa: BLE001 - the group is stopped after this anyway
            pass
        shutil.rmtree(self.sockets, ignore_errors=True)


class KernelPool:
    """Hands out fresh kernels, each started ahead of the run that takes it (at most `ahead`
    waiting), so a run never waits for a kernel to boot; every kernel is used once."""

    def __init__(self, zygote: Zygote, ahead: int):
        self.zygote = zygote
        self.ahead = max(1, ahead)
        self.waiting: list[ForkedKernel] = []
        self.lock = threading.Lock()
        self.closed = False
        self.started: list[ForkedKernel] = []

    def prestart(self, count: int | None = None) -> None:
        with self.lock:
            while not self.closed and len(self.waiting) < (count or self.ahead):
                kernel = self.zygote.fork()
                self.waiting.append(kernel)
                self.started.append(kernel)

    def warm_up(self) -> None:
        """In a thread of its own: import the execution stack in this process, and start the first
        kernels, while the build does other things."""
        def work():
            from .execute import import_execution_stack

            import_execution_stack()
            self.prestart()
        self.warming = Background(work, name="warm-up")

    def wait_warm(self) -> None:
        """Wait for warm_up() to finish, raising what it raised."""
        if getattr(self, "warming", None) is not None:
            self.warming.result()

    def take(self, more: bool = True) -> ForkedKernel:
        """A started kernel, ready; starts another in its place when `more` runs will follow."""
        with self.lock:
            kernel = self.waiting.pop(0) if self.waiting else None
        if kernel is None:
            kernel = self.zygote.fork()
            with self.lock:
                self.started.append(kernel)
        if more:
            self.prestart()
        return kernel.wait_ready()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            kernels, self.started = self.started, []
            self.waiting = []
        for kernel in kernels:
            kernel.stop()
        self.zygote.close()


