"""This machine's pool: a worker process per report, ``-j`` at a time (the batch without ``--scheduler``).

The parent imports what every report needs once (:func:`xxgk.report_worker.warm_up`), then forks one
worker per report; the worker renders with the in-process engine (:mod:`xxgk.engines`), a fresh
IPython shell in a process that has run no other report's code, and sends its entry back as one
JSON document over a pipe.  Where fork is unavailable, or with ``engine="kernel"``, the worker
starts a Jupyter kernel per report instead (a new interpreter each, where there is no fork).
Stopping kills every worker and whatever it started, and removes the temporary files they were
writing beside their targets.
"""

from __future__ import annotations

import json
import selectors
import sys
import time
from pathlib import Path
from typing import Callable

from .. import processes
from ..batch_plan import Job, Options, UsageError, default_jobs, fork_available
from ..batch_record import failed_entry
from ..i18n import tr
from ..paths import Layout, temp_glob
from ..report_worker import warm_up, worker_main
from . import CouldNotStart, Done
from . import Pool as BasePool

SCHEMES = ("",)


class Pool(BasePool):
    def __init__(self, opts: Options, address: str | None, warn: Callable[[str], None]):
        super().__init__(opts, address, warn)
        self.engine = opts.resolved_engine()
        self.jobs = opts.jobs or default_jobs()
        if self.jobs < 1:
            raise UsageError(tr("-j 至少为 1", "-j must be at least 1"))
        self.layout = Layout(Path(opts.root))
        self.lang = opts.resolved_lang()
        self._running: dict[int, tuple[Job, processes.Worker]] = {}
        self._selector = selectors.DefaultSelector()

    def __enter__(self) -> "Pool":
        if fork_available():  # spawned workers could not inherit anything warmed here
            warm_up(self.engine)
        return self

    def room(self) -> int:
        return self.jobs - len(self._running)

    def running(self) -> int:
        return len(self._running)

    def submit(self, job: Job) -> None:
        o = self.opts
        try:
            if fork_available():
                worker = processes.fork(lambda: worker_main(o.root, job.township, job.year, o.publish, o.strict,
                                                            self.engine, o.to, self.lang))
            else:
                worker = processes.spawn([sys.executable, "-m", "xxgk.report_worker", json.dumps(
                    {"root": str(o.root), "township": job.township, "year": job.year, "publish": o.publish,
                     "strict": o.strict, "engine": self.engine, "to": o.to, "lang": self.lang}, ensure_ascii=False)])
        except OSError as e:  # out of processes or memory
            raise CouldNotStart(tr("无法启动工作进程：{e}", "could not start a worker: {e}", e=e)) from e
        self._running[worker.fd] = (job, worker)
        self._selector.register(worker.fd, selectors.EVENT_READ, worker)

    def collect(self, timeout: float) -> list[Done]:
        if not self._running:
            time.sleep(timeout)
            return []
        for key, _ in self._selector.select(timeout=timeout):
            worker = key.data
            worker.read()
            if worker.eof:
                self._selector.unregister(worker.fd)
        done = []
        for fd in [fd for fd, (_, w) in self._running.items() if w.eof]:
            job, worker = self._running.pop(fd)
            status = processes.reap(worker)
            entry = _entry(worker.output)
            if entry is None:
                entry = failed_entry(job, processes.died_without_a_word(worker, status))
            worker.close()
            done.append(Done(job, entry, time.monotonic() - worker.started))
        return done

    def __exit__(self, *exc) -> None:
        running = list(self._running.values())
        for _, worker in running:
            processes.kill_tree(worker)
        for job, worker in running:
            processes.reap(worker)
            try:
                self._selector.unregister(worker.fd)
            except (KeyError, ValueError):
                pass
            worker.close()
            _remove_partial_files(self.layout, job.township, job.year)
        self._running.clear()
        self._selector.close()


def _entry(data: bytes) -> dict | None:
    try:
        entry = json.loads(data.decode("utf-8")) if data else None
    except ValueError:
        return None
    return entry if isinstance(entry, dict) and entry.get("status") else None


def _remove_partial_files(layout: Layout, township: str, year: int) -> None:
    """Temporary files a killed worker left beside its targets (atomic.write_bytes names them)."""
    for target in layout.all_outputs(township, year):
        for tmp in target.parent.glob(temp_glob(target.name)):
            try:
                tmp.unlink()
            except OSError:
                pass
