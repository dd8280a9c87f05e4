"""A report on a cluster's worker: the task a remote pool runs, and the process it renders in.

A cluster's worker process (dask's is daemonic, and runs other tasks in threads) is not a process
to render a report in: a report must run in a process that has run no other report's code, and a
daemonic process may not start children of its own with multiprocessing.  So the task hands the
report to a **render server**, ``python -m xxgk.remote serve``: a plain subprocess the worker keeps
(one per worker thread), which imports once what every report needs (as the local pool's parent
does, :func:`xxgk.report_worker.warm_up`) and then forks a fresh process per report, exactly like
the local pool.  A new interpreter per report would pay those imports every time, roughly doubling
a report's CPU; the server pays them once per worker.  Where fork does not exist, each report gets
a new interpreter (``python -m xxgk.remote once``).

The forked process lays the report's files (:mod:`xxgk.parcel`) out in a private temporary root,
renders there, and hands back its manifest entry and the files it wrote.  The server ends, and
kills the report it is running, when the worker that started it goes away (its stdin closes).

Before any report runs, the task compares this worker's kit with the client's (:func:`refusal`):
a worker that would make different pages, or read a format differently, renders nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from . import manifest as mf
from . import parcel, processes
from .i18n import tr

#: Frames between a worker and its render server: an 8-byte length, then a pickle.
_HEADER = struct.Struct(">Q")


# --- who may render ------------------------------------------------------------------------------


def identity() -> dict[str, Any]:
    """What makes this machine's pages what they are: the kit (its code, templates, the libraries
    that shape a page: :func:`xxgk.manifest.kit_fingerprint`), the format versions it knows and
    their definitions, and Python's version (the executed notebook records it)."""
    from . import spec

    formats = {version: hashlib.sha256(repr(fmt).encode("utf-8")).hexdigest()[:16]
               for version, fmt in spec.registry().items()}
    return {"kit": mf.kit_fingerprint(), "formats": formats, "python": platform.python_version()}


def differences(client: dict[str, Any], worker: dict[str, Any]) -> list[str]:
    """How a worker's identity differs from the client's, in words; empty when it may render."""
    out = []
    if client.get("kit") != worker.get("kit"):
        out.append(tr("工具包不同（本机 {a}，该节点 {b}）", "a different kit (here {a}, there {b})",
                      a=client.get("kit"), b=worker.get("kit")))
    mine, theirs = client.get("formats") or {}, worker.get("formats") or {}
    if mine != theirs:
        if set(mine) != set(theirs):
            out.append(tr("格式版本不同（本机 {a}，该节点 {b}）", "different format versions (here {a}, there {b})",
                          a=", ".join(mine) or "-", b=", ".join(theirs) or "-"))
        else:
            changed = ", ".join(v for v in mine if mine[v] != theirs.get(v))
            out.append(tr("格式 {v} 的定义不同", "format {v} defined differently", v=changed))
    if client.get("python") != worker.get("python"):
        out.append(tr("Python 版本不同（本机 {a}，该节点 {b}），执行后的笔记本会不一样",
                      "a different Python (here {a}, there {b}), which the executed notebook records",
                      a=client.get("python"), b=worker.get("python")))
    return out


# --- the task: runs in a cluster worker's thread ----------------------------------------------------


def refusal(expected: dict[str, Any]) -> list[str]:
    """Why this worker may not render the client's reports (``expected``: the client's
    :func:`identity`); empty when it may."""
    return differences(expected, identity())


def render(request: dict[str, Any]) -> bytes:
    """Render one report here.  ``request``: the report, its options and its files (``files``:
    path under the root → bytes).  The answer, ``{"entry", "files", "seconds"}``, comes back as the
    pickle the rendering process made, passed on untouched (:func:`answer` reads it)."""
    if not hasattr(os, "fork"):
        return _Server.once(request)
    server = getattr(_servers, "server", None)
    if server is None:
        server = _servers.server = _Server()
    return server.render(request)


def answer(data: bytes) -> dict[str, Any]:
    return pickle.loads(data)


_servers = threading.local()


class _Server:
    """This thread's render server, started on first use and started again if it died."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        # A session of its own: a Ctrl-C meant for the client's terminal is not for it.
        return subprocess.Popen([sys.executable, "-m", "xxgk.remote", "serve"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)

    def render(self, request: dict[str, Any]) -> bytes:
        for attempt in (1, 2):
            if self.proc is None or self.proc.poll() is not None:
                self.proc = self._start()
            try:
                _write_frame(self.proc.stdin, pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
                frame = _read_frame(self.proc.stdout)
            except (OSError, ValueError):
                frame = None
            if frame is not None:
                return frame
            # The server itself died (not the report: its death is a failed report, answered in
            # a frame); a new one gets the report once more.
            self.proc.kill()
            self.proc.wait()
            self.proc = None
        return _failed(request, tr("渲染服务进程意外退出", "the render server exited unexpectedly"))

    @staticmethod
    def once(request: dict[str, Any]) -> bytes:
        proc = subprocess.run([sys.executable, "-m", "xxgk.remote", "once"], input=pickle.dumps(request),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if proc.returncode == 0 and proc.stdout:
            return proc.stdout
        return _failed(request, tr("工作进程在报告结果前以状态 {code} 退出", "worker exited with status {code} before reporting",
                                   code=proc.returncode))


def _failed(request: dict[str, Any], error: str, seconds: float = 0.0) -> bytes:
    entry = {"township": request["township"], "year": request["year"], "status": mf.FAILED, "error": error}
    return pickle.dumps({"entry": entry, "files": {}, "seconds": seconds}, protocol=pickle.HIGHEST_PROTOCOL)


# --- the render server: ``python -m xxgk.remote serve`` ---------------------------------------------


def _write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exactly(stream: BinaryIO, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream: BinaryIO) -> bytes | None:
    """One frame, or None at end of stream."""
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(stream, _HEADER.unpack(header)[0])


def _engine(requested: str) -> str:
    if requested == "auto":
        return "inprocess" if hasattr(os, "fork") else "kernel"
    return requested


def _render_here(root: Path, request: dict[str, Any]) -> bytes:
    """In the process that renders: the report in ``root``, its entry and files as one pickle."""
    from .report_worker import worker_main

    started = time.monotonic()
    os.environ["XXGK_TEMPLATE"] = str(root / parcel.TEMPLATE)
    entry = json.loads(worker_main(root, request["township"], int(request["year"]), bool(request["publish"]),
                                   bool(request["strict"]), _engine(request["engine"]), request["to"], request["lang"]))
    return pickle.dumps({"entry": entry, "files": parcel.outputs(root), "seconds": time.monotonic() - started},
                        protocol=pickle.HIGHEST_PROTOCOL)


def _forked(request: dict[str, Any], client_gone: int) -> bytes | None:
    """The report in a forked process, its answer; None when the client went away meanwhile (the
    report is killed then)."""
    root = Path(tempfile.mkdtemp(prefix="xxgk-remote-"))
    try:
        parcel.unpack(root, request["files"])
        worker = processes.fork(lambda: _render_here(root, request))
        try:
            while not worker.eof:
                ready, _, _ = select.select([worker.fd, client_gone], [], [])
                if client_gone in ready:  # nothing comes before our answer but the end of the stream
                    processes.kill_tree(worker)
                    processes.reap(worker)
                    return None
                worker.read()
            status = processes.reap(worker)
            if status == 0 and worker.output:  # all of it written: the process exits only after
                return worker.output
            return _failed(request, processes.died_without_a_word(worker, status), time.monotonic() - worker.started)
        finally:
            worker.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def serve() -> int:
    """Answer render requests on stdin, one at a time, until stdin ends."""
    from .report_worker import warm_up

    # The frames are the only thing on stdout: anything a library prints goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    warmed = None
    while True:
        frame = _read_frame(requests)
        if frame is None:
            return 0
        request = pickle.loads(frame)
        engine = _engine(request["engine"])
        if warmed != engine:
            warm_up(engine)
            warmed = engine
            if select.select([requests], [], [], 0)[0]:  # the worker went away while we warmed up
                return 0
        answer = _forked(request, requests.fileno())
        if answer is None:
            return 0
        _write_frame(out, answer)


def once() -> int:
    """One request on stdin, rendered in this new interpreter (no fork here), the answer on stdout."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    request = pickle.loads(sys.stdin.buffer.read())
    root = Path(tempfile.mkdtemp(prefix="xxgk-remote-"))
    try:
        parcel.unpack(root, request["files"])
        out.write(_render_here(root, request))
        out.flush()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    import signal

    from .startup import do_without_unused_imports

    do_without_unused_imports()

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker that started us decides when we stop
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "serve":
        raise SystemExit(serve())
    if command == "once":
        raise SystemExit(once())
    raise SystemExit("usage: python -m xxgk.remote serve|once")
