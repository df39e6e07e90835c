"""The build's own processes: one process group for everything it starts, signals that stop
the build cleanly, the lock that makes two builds of one project take turns, and the log that
keeps the traceback of an error in the build's own code.

Nothing here forks the build process itself: children are started with fork+exec (subprocess),
so the build may run threads. They all join one process group, so one signal stops them all;
and each of them ends by itself if the build disappears (the zygote and the PDF process read
end-of-file on the pipe from the build).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import signal
import subprocess
import threading
import time
import traceback
from pathlib import Path


class BuildInterrupted(BaseException):
    """SIGTERM or SIGINT reached the build. A BaseException, so that no `except Exception` on the
    way up swallows it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def group_members(pgid: int) -> list[int]:
    """The processes of a process group that are not zombies, read from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


class ChildGroup:
    """Every process the build starts, in one process group of its own (not the terminal's: a
    Ctrl-C reaches the build, which then stops the group)."""

    def __init__(self):
        self.pgid: int | None = None
        self.processes: list[subprocess.Popen] = []

    def popen(self, argv: list[str], **kwargs) -> subprocess.Popen:
        kwargs["process_group"] = 0 if self.pgid is None else self.pgid
        try:
            process = subprocess.Popen(argv, **kwargs)
        except PermissionError:  # the group's leader is gone and its id cannot be joined: start a new group
            kwargs["process_group"] = 0
            process = subprocess.Popen(argv, **kwargs)
            self.pgid = None
        if self.pgid is None:
            self.pgid = process.pid
        self.processes.append(process)
        return process

    def stop(self, grace: float = 2.0) -> None:
        """SIGTERM to the whole group, SIGKILL to what is left after `grace` seconds; reaps the
        processes the build started directly. The group is signalled as a whole only while its
        leader has not been reaped (until then its id cannot belong to anyone else); otherwise each
        process the build started is signalled by itself."""
        if self.pgid is None:
            return
        leader = self.processes[0]
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if leader.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pgid, sig)
            else:
                for process in self.processes:
                    if process.returncode is None:
                        with contextlib.suppress(ProcessLookupError):
                            process.send_signal(sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and self._running():
                time.sleep(0.02)
            if not self._running():
                break
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=1)

    def _running(self) -> bool:
        """Whether a member of the group still runs; zombies do not count, and the leader is not reaped
        here (so that its id stays ours until stop() is done)."""
        members = group_members(self.pgid) if self.processes[0].returncode is None else \
            [p.pid for p in self.processes if p.returncode is None and p.pid in group_members(self.pgid)]
        return bool(members)


@contextlib.contextmanager
def stop_on_signals():
    """While the build runs, SIGTERM (and SIGHUP) raise BuildInterrupted in the main thread, as SIGINT
    raises KeyboardInterrupt; the handlers in place before are restored afterwards."""
    def handler(signum, frame):
        raise BuildInterrupted(signum)

    wanted = (signal.SIGTERM, signal.SIGHUP)
    previous = {}
    try:
        for sig in wanted:
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread (tests driving build() from a thread): leave signals alone
        previous = {}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# --------------------------------------------------------------------------- the build lock

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(handle) -> tuple[int | None, int | None]:
    handle.seek(0)
    parts = handle.read().split()
    numbers = [int(p) for p in parts if p.isdigit()]
    return (numbers[0] if numbers else None), (numbers[1] if len(numbers) > 1 else None)


class BuildLock:
    """The project's build lock (.cache/build.lock): an flock on a file opened close-on-exec, so
    no child holds it. The file names the build's process and, once it has children, their process
    group. A second build waits for a live first one and says so; a lock kept by the leftovers of a
    build that died (its process gone) is taken over at once: the leftovers are stopped."""

    def __init__(self, cache: Path, log):
        self.path = Path(cache) / "build.lock"
        self.log = log
        self.handle = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")  # Python opens files non-inheritable (O_CLOEXEC)
        said = False
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            pid, pgid = _holder(self.handle)
            if pid is not None and not _pid_alive(pid):
                if pgid:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(pgid, signal.SIGKILL)
                self.log(f"  took over the build lock left by process {pid}, which no longer runs")
                time.sleep(0.05)
                continue
            if not said:
                self.log(f"another build of this project is running (process {pid or 'unknown'}); waiting for it to finish")
                said = True
            time.sleep(0.1)
        self.record()
        return self

    def record(self, pgid: int | None = None) -> None:
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()} {pgid or ''}\n")
        self.handle.flush()

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(OSError):
            self.handle.seek(0)
            self.handle.truncate()
            fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


# --------------------------------------------------------------------------- errors of the build itself

def write_error_log(folder: Path, exc: BaseException, context: str = "") -> Path:
    """The full traceback of an error in the build's own code, kept for whoever fixes it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "build-error.log"
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    path.write_text(f"{stamp}{' ' + context if context else ''}\n{text}", encoding="utf-8")
    return path


class Background:
    """A function run in a daemon thread (a stopped build does not wait for it). result() waits for
    its value, in short joins so that a signal to the build is handled meanwhile, or raises what
    the function raised."""

    def __init__(self, function, *args, name: str = "background"):
        self._value, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(function, *args), daemon=True, name=name)
        self._thread.start()

    def _run(self, function, *args):
        try:
            self._value = function(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the result
            self._error = exc

    def result(self):
        while self._thread.is_alive():
            self._thread.join(timeout=0.1)
        if self._error is not None:
            raise self._error
        return self._value
