"""``xxgk batch``: every township-year under ``data/``, checked and rendered in parallel, incrementally.

The batch in four jobs, each in its own module:

- **Plan** (:mod:`xxgk.batch_plan`): list the reports, hash their inputs, and skip those the
  manifest says are current, with the standard library only: a no-change run over hundreds of
  reports imports no notebook machinery and takes a fraction of a second.
- **Run** them in a pool (:mod:`xxgk.pools`): this machine's worker processes, or a dask cluster
  (``--scheduler``).  Each report runs in a process that has run no other report's code.
- **Record** each one in the manifest as it finishes (:mod:`xxgk.batch_record`), saved every
  second or so, so that an interrupted batch loses little.
- **Stop** on SIGINT/SIGTERM (here): the pool ends what runs without leaving a partial file, what
  finished is recorded, the command exits.

Then the dashboard and ``summary.csv`` are drawn from the manifest.
"""

from __future__ import annotations

import signal
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable

from . import manifest as mf
from .batch_plan import Job, Options, UsageError, discover, parse_townships, parse_years, plan
from .batch_record import failed_entry, record
from .batch_result import BatchResult, Outcome, kept
from .i18n import tr
from .paths import Layout

__all__ = ["BatchResult", "Options", "Outcome", "UsageError", "discover", "parse_townships", "parse_years", "run_batch"]

#: The manifest is saved at most this often while a batch runs, so an interrupted batch loses
#: little; with thousands of reports a save takes longer, and the pause grows to keep saving under
#: 1/SAVE_SHARE of the parent's time.
SAVE_EVERY = 1.0
SAVE_SHARE = 20

Event = Callable[[str, Outcome | None, BatchResult], None]


class _Stop:
    """SIGINT/SIGTERM handlers for the batch's duration: remember the signal, let the loop stop."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "_Stop":
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: the caller handles signals
                pass
        return self

    def _handle(self, signum, frame) -> None:
        if self.signal is None:
            self.signal = signal.Signals(signum).name

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def run_batch(opts: Options, on_event: Event | None = None) -> BatchResult:
    """Render what needs rendering; write the manifest, ``index.html`` and ``summary.csv``.

    ``on_event(kind, outcome, result)`` is called with kind ``"plan"`` (outcome None, result.total
    set), ``"warning"`` (the message is the last of result.warnings), ``"skipped"``, ``"done"``,
    ``"retry"``, ``"stopping"`` and ``"tick"`` (a few times a second), for progress displays.

    Raises :class:`UsageError` for options that select nothing, and :class:`xxgk.pools.PoolError`
    when the pool cannot run at all; nothing is written then.
    """
    from . import dashboard, pools

    started = time.monotonic()
    emit = on_event or (lambda kind, outcome, res: None)
    result = BatchResult()

    def warn(message: str) -> None:
        result.warnings.append(message)
        emit("warning", None, result)

    pool = pools.make(opts, warn)
    result.engine, result.pool = pool.engine, pool.where
    layout = Layout(Path(opts.root))
    manifest = mf.Manifest.for_root(layout.root)
    if manifest.problem:
        warn(manifest.problem)

    with _Stop() as stop:
        planned = plan(opts, manifest)
        missing = sorted(set(opts.townships or ()) - {t for t, _ in planned.found})
        if missing:
            warn(tr("所选年度中没有 {t} 的数据文件", "no data file for {t} in the years selected", t=", ".join(missing)))
        result.total = len(planned.todo) + len(planned.skipped)
        emit("plan", None, result)
        for township, year, entry in planned.skipped:
            outcome = Outcome(township, year, "skipped", kept(entry))
            result.outcomes.append(outcome)
            emit("skipped", outcome, result)
        manifest.prune(set(planned.found) | set(layout.reports()))
        if planned.todo and not stop.signal:
            with pool:  # a pool that cannot start raises PoolError here: nothing is written
                try:
                    _run(planned.todo, pool, manifest, result, stop, emit)
                except pools.PoolError as e:  # lost part-way: what finished is recorded all the same
                    result.broken = str(e)
        result.interrupted = stop.signal
        out = layout.root / "output"
        # Nothing rendered, nothing forgotten, pages in place: the files on disk already say it all.
        if manifest.changed or not all((out / name).is_file() for name in (mf.FILE_NAME, dashboard.INDEX_NAME,
                                                                         dashboard.SUMMARY_NAME)):
            manifest.save()
            dashboard.write(layout.root, manifest)
    result.seconds = time.monotonic() - started
    return result


def _run(todo: list[Job], pool, manifest: mf.Manifest, result: BatchResult, stop: _Stop, emit: Event) -> None:
    from .pools import CouldNotStart

    pending = deque(todo)
    next_save = time.monotonic() + SAVE_EVERY

    def finish(entry: dict[str, Any], job: Job, seconds: float) -> None:
        outcome = record(entry, job, seconds, manifest)
        result.outcomes.append(outcome)
        emit("done", outcome, result)

    try:
        while (pending or pool.running()) and not stop.signal:
            while pending and pool.room() > 0 and not stop.signal:
                job = pending.popleft()
                job.attempt += 1
                try:
                    pool.submit(job)
                except CouldNotStart as e:
                    if job.attempt < 2:
                        pending.appendleft(job)
                        time.sleep(0.2)
                        break
                    finish(failed_entry(job, str(e)), job, 0.0)
            for done in pool.collect(timeout=0.2):
                # An engine that never started (a kernel that died before replying) gets one more go.
                if done.entry.get("_start_failed") and done.job.attempt < 2 and not stop.signal:
                    emit("retry", Outcome(done.job.township, done.job.year, "retry", done.entry, done.job.attempt), result)
                    pending.appendleft(done.job)
                    continue
                finish(done.entry, done.job, done.seconds)
            emit("tick", None, result)
            if time.monotonic() > next_save:
                t = time.monotonic()
                manifest.save()
                took = time.monotonic() - t
                next_save = time.monotonic() + max(SAVE_EVERY, SAVE_SHARE * took)
    finally:
        if pool.running():
            emit("stopping", None, result)
