"""Worker processes, one per report: start one (forked from a warm parent, or a new interpreter where
fork does not exist), read what it hands back, tell how it ended, and stop it with whatever it started.

The local pool runs its reports in these; so does the process a cluster's worker keeps on each
machine (:mod:`xxgk.remote`), so a report runs the same way wherever it runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .i18n import tr

#: How long stopping waits for a killed worker before giving up on it.
KILL_WAIT = 3.0


@dataclass
class Worker:
    """A running worker: it writes one document to ``fd`` and exits."""

    pid: int
    fd: int
    log: Any  # a temporary file holding the worker's stdout and stderr
    started: float
    popen: Any = None  # subprocess.Popen for spawned workers
    chunks: list[bytes] = field(default_factory=list)
    eof: bool = False

    def read(self) -> None:
        """Read what is there (call when ``fd`` is readable); ``eof`` once the worker closed it."""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            chunk = b""
        if chunk:
            self.chunks.append(chunk)
        else:
            self.eof = True

    @property
    def output(self) -> bytes:
        return b"".join(self.chunks)

    def close(self) -> None:
        if self.popen is None:
            os.close(self.fd)
        else:
            self.popen.stdout.close()
        self.log.close()


def fork(work: Callable[[], bytes]) -> Worker:
    """A forked worker that runs ``work`` and writes what it returns back to this process."""
    log = tempfile.TemporaryFile(prefix="xxgk-worker-")
    r, w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            os.close(r)
            _child_setup(log.fileno())
            view = memoryview(work())
            while view:
                view = view[os.write(w, view):]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(w)
    try:
        os.setpgid(pid, pid)  # also done in the child; whichever runs first wins the race
    except OSError:
        pass
    return Worker(pid, r, log, time.monotonic())


def _child_setup(log_fd: int) -> None:
    """A worker of its own: own process group (killed as one), the parent's signal handlers off,
    output to its log file (the progress display owns the terminal), cyclic GC off (short-lived)."""
    import gc

    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGCHLD"):
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    gc.disable()


def spawn(args: list[str], env: dict[str, str] | None = None) -> Worker:
    """Where fork is unavailable: a new interpreter, its stdout the document."""
    log = tempfile.TemporaryFile(prefix="xxgk-worker-")
    kwargs: dict[str, Any] = {"start_new_session": True} if os.name == "posix" else \
        {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    popen = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=env, **kwargs)
    return Worker(popen.pid, popen.stdout.fileno(), log, time.monotonic(), popen=popen)


def kill_tree(worker: Worker) -> None:
    """The worker, its process group and any process it started (a kernel has a session of its own).

    The worker is stopped first, so that it cannot start a process between the listing of its
    descendants and the kill."""
    if hasattr(signal, "SIGSTOP"):
        try:
            os.kill(worker.pid, signal.SIGSTOP)
        except OSError:
            pass
    try:
        import psutil

        descendants = psutil.Process(worker.pid).children(recursive=True)
    except Exception:
        descendants = []
    if os.name == "posix":
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.kill(worker.pid, signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
    except OSError:
        pass
    for p in descendants:
        try:
            p.kill()
        except Exception:
            pass


def reap(worker: Worker) -> int | None:
    """Wait for the worker to end: its wait status (None when a new interpreter would not end)."""
    if worker.popen is not None:
        try:
            return worker.popen.wait(timeout=KILL_WAIT)
        except Exception:
            return None
    try:
        _, status = os.waitpid(worker.pid, 0)
    except ChildProcessError:
        return 0
    return status


def describe_exit(status: int | None, popen: bool) -> str:
    if status is None:
        return tr("没有退出", "did not exit")
    code, sig = None, None
    if popen:
        code, sig = (status, None) if status >= 0 else (None, -status)
    elif os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
    else:
        code = os.waitstatus_to_exitcode(status)
    if sig is None:
        return tr("以状态 {code} 退出", "exited with status {code}", code=code)
    try:
        name = signal.Signals(sig).name
    except ValueError:
        name = f"signal {sig}"
    return tr("被 {name} 终止", "killed by {name}", name=name)


def log_tail(worker: Worker, limit: int = 2000) -> str:
    try:
        worker.log.seek(0, os.SEEK_END)
        size = worker.log.tell()
        worker.log.seek(max(0, size - limit))
        return worker.log.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""


def died_without_a_word(worker: Worker, status: int | None) -> str:
    """Why a worker handed nothing back: a crash (segfault, out of memory, os._exit in a cell)."""
    tail = [line for line in log_tail(worker).splitlines() if line.strip()]
    detail = tr("；最后的输出：{t}", "; last output: {t}", t=tail[-1].strip()[:200]) if tail else ""
    return tr("工作进程在报告结果前{how}{detail}", "worker {how} before reporting{detail}",
              how=describe_exit(status, worker.popen is not None), detail=detail)
