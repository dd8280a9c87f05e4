"""A dask.distributed cluster as the batch's pool: ``--scheduler tcp://host:8786`` for a running
scheduler, ``--scheduler local:N`` for a LocalCluster of N worker processes on this machine.

The cluster shares no file system with the batch: each task carries the report's input files
(:mod:`xxgk.parcel`) and returns its entry and output files, which this process writes into its own
output folder as each report completes.  On the workers, :mod:`xxgk.remote` renders each report
in a fresh process.

Before a report is sent, each worker's kit is compared with this one's (:func:`xxgk.remote.identity`):
reports go only to workers that would make the same pages (a task's ``workers=`` restriction),
those that would not are named in a warning, and workers that join later are checked as they
appear.  Reports are sent a few at a time (twice the workers' threads), not all at once: a
national batch's inputs would not fit in the scheduler's memory, and a report is read just before
it is sent.  A worker that dies takes its running reports with it; the scheduler gives them to the
others (dask gives up on a report that kills three workers: it fails, the others go on).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

from .. import parcel, remote
from ..batch_plan import Job, Options, UsageError
from ..batch_record import failed_entry
from ..i18n import tr
from ..paths import Layout
from ..report_worker import note_stale
from . import Done, PoolError
from . import Pool as BasePool

SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "local")

#: Seconds to reach the scheduler before saying it cannot be reached.
CONNECT_TIMEOUT = 5
#: Seconds between looks at which workers the scheduler has.
WORKERS_EVERY = 1.0
#: Seconds closing the client (and a LocalCluster) may take when the batch ends or is stopped.
CLOSE_TIMEOUT = 5
#: Reports in flight per worker thread: one running, one waiting, so no worker idles between two.
IN_FLIGHT_PER_THREAD = 2


def _local_workers(address: str) -> int | None:
    m = re.fullmatch(r"local:(\d+)", address.strip())
    return int(m.group(1)) if m else None


def _task(request: dict[str, Any], expected: dict[str, Any]) -> bytes | dict[str, Any]:
    """What a worker runs for one report (a module-level function: workers import it by name): the
    answer's bytes as the rendering process pickled them, or why this worker may not render."""
    why = remote.refusal(expected)
    if why:
        from distributed import get_worker

        return {"refused": why, "worker": get_worker().address}
    return remote.render(request)


class Pool(BasePool):
    def __init__(self, opts: Options, address: str | None, warn: Callable[[str], None]):
        super().__init__(opts, address, warn)
        assert address
        self.address = address.strip()
        self.local = _local_workers(self.address)
        if self.address.lower().startswith("local") and not self.local:
            raise UsageError(tr("--scheduler：{a} 不对；本机集群写作 local:N，N 为工作进程数（至少 1）",
                                "--scheduler: {a} is not right; a cluster on this machine is local:N, N worker processes (1 or more)",
                                a=repr(self.address)))
        if opts.jobs < 0:
            raise UsageError(tr("-j 须为 1 或以上（0：每个 CPU 核一个）", "-j must be 1 or more (0: one per CPU core)"))
        self.engine = opts.engine
        self.where = (tr("本机 dask 集群（{n} 个工作进程）", "a dask cluster on this machine ({n} worker processes)", n=self.local)
                      if self.local else tr("dask 调度器 {a}", "dask scheduler {a}", a=self.address))
        self.layout = Layout(Path(opts.root))
        self.lang = opts.resolved_lang()
        self.client = None
        self.cluster = None
        self.expected: dict[str, Any] = {}
        self.template = b""
        #: Workers checked: address → threads for those that may render; the refused ones apart.
        self.good: dict[str, int] = {}
        self.refused: set[str] = set()
        self._next_look = 0.0
        self._waiting_said = False
        #: Future → (job, the workers it may run on).
        self.futures: dict[Any, tuple[Job, frozenset[str]]] = {}
        self._wake = threading.Event()
        self._quiet: list[tuple[logging.Logger, int]] = []

    # --- starting and stopping -------------------------------------------------------------------

    def __enter__(self) -> "Pool":
        try:
            import distributed
        except ImportError:
            raise PoolError(tr("--scheduler 需要 dask.distributed，本机没有安装：pip install \"dask[distributed]\"",
                               "--scheduler needs dask.distributed, which is not installed: pip install \"dask[distributed]\""))
        from ..notebook import template_path

        # dask's own log lines (a worker restarted, a connection retried) would break into the
        # progress display; what matters reaches the analyst as the batch's own messages.
        # dask's config gives some of its loggers levels of their own: each is quietened.
        names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in ("distributed", "tornado", "asyncio")]
        for name in {"distributed", "tornado", "asyncio", *names}:
            logger = logging.getLogger(name)
            self._quiet.append((logger, logger.level))
            logger.setLevel(logging.CRITICAL + 1)
        try:
            with self._warnings_as_messages():
                if self.local:
                    self.cluster = _local_cluster(distributed, self.local)
                    self.client = distributed.Client(self.cluster, set_as_default=False, timeout=CONNECT_TIMEOUT)
                else:
                    self.client = distributed.Client(self.address, set_as_default=False, timeout=CONNECT_TIMEOUT)
        except Exception as e:  # a timeout, a refused connection, or something that is not a scheduler
            self.__exit__(None, None, None)
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise PoolError(tr("无法连接 dask 调度器 {a}（{s} 秒内未连上：{e}）；请检查地址，以及调度器是否在运行",
                               "cannot reach the dask scheduler {a} (no connection within {s} s: {e}); check the address "
                               "and that the scheduler is running", a=self.address, s=CONNECT_TIMEOUT, e=reason)) from None
        try:
            self.template = template_path().read_bytes()
            self.expected = remote.identity()
            self._look_at_workers(force=True)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        if not self.good and self.refused:
            self.__exit__(None, None, None)
            raise PoolError(tr("调度器 {a} 没有可用的工作节点：每个节点的工具包都与本机不同（见上面的警告）；"
                               "请在工作节点上安装与本机相同的 xxgk",
                               "the scheduler {a} has no worker fit to render: every worker's kit differs from this one's "
                               "(see the warnings above); install the same xxgk on the workers", a=self.address))
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            try:
                if self.futures:  # Ctrl-C, or an error: nothing more is to run for this batch
                    self.client.cancel(list(self.futures), force=True)
            except Exception:
                pass
            self.futures.clear()
            try:
                self.client.close(timeout=CLOSE_TIMEOUT)
            except Exception:
                pass
            self.client = None
        if self.cluster is not None:
            # The cluster is this batch's own: its workers are ended at once (a graceful close
            # waits for the reports they are rendering), and their render servers with them.
            for nanny in list(getattr(self.cluster, "workers", {}).values()):
                try:
                    os.kill(nanny.process.pid, signal.SIGKILL)
                except Exception:
                    pass
            try:
                self.cluster.close(timeout=CLOSE_TIMEOUT)
            except Exception:
                pass
            self.cluster = None
        for logger, level in self._quiet:
            logger.setLevel(level)
        self._quiet.clear()

    @contextmanager
    def _warnings_as_messages(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            self.warn(tr("dask：{m}", "dask: {m}", m=str(w.message).strip().splitlines()[0]))

    def _talk(self, call, *args, **kwargs):
        """A call to the scheduler; losing it part-way stops the batch (what finished is kept)."""
        try:
            return call(*args, **kwargs)
        except Exception as e:
            raise PoolError(self._lost(e)) from None

    def _lost(self, e: BaseException) -> str:
        if "cancel" in type(e).__name__.lower():  # dask cancelled our tasks because the scheduler went
            return tr("与 dask 调度器 {a} 的连接中断", "lost the dask scheduler {a}", a=self.address)
        return tr("与 dask 调度器 {a} 的连接中断（{e}）", "lost the dask scheduler {a} ({e})", a=self.address,
                  e=(str(e).splitlines() or [type(e).__name__])[0] or type(e).__name__)

    # --- which workers may render -------------------------------------------------------------------

    def _look_at_workers(self, force: bool = False) -> None:
        """Check workers that joined since the last look; forget those that left."""
        now = time.monotonic()
        if not force and now < self._next_look:
            return
        self._next_look = now + WORKERS_EVERY
        threads = self._talk(self.client.nthreads)
        for gone in set(self.good) - set(threads):
            del self.good[gone]
        new = [w for w in threads if w not in self.good and w not in self.refused]
        if new:
            found = self._talk(self.client.run, remote.identity, workers=new, on_error="return")
            for worker in new:
                theirs = found.get(worker)
                if isinstance(theirs, BaseException):
                    self._refuse(worker, [tr("无法在该节点上运行本工具包（{e}）", "the kit cannot run there ({e})",
                                             e=f"{type(theirs).__name__}: {theirs}")])
                elif isinstance(theirs, dict):
                    why = remote.differences(self.expected, theirs)
                    if why:
                        self._refuse(worker, why)
                    else:
                        self.good[worker] = threads[worker]
        if not threads and not self._waiting_said:
            self._waiting_said = True
            self.warn(tr("调度器 {a} 还没有工作节点；等待节点加入（Ctrl-C 停止）",
                         "the scheduler {a} has no worker yet; waiting for workers to join (Ctrl-C to stop)", a=self.address))
        self._move_stranded()

    def _refuse(self, worker: str, why: list[str]) -> None:
        self.refused.add(worker)
        self.good.pop(worker, None)
        self.warn(tr("工作节点 {w} 被拒绝，不在其上生成报告：{why}", "worker {w} refused, no report will run on it: {why}",
                     w=worker, why=tr("；", "; ").join(why)))

    def _move_stranded(self) -> None:
        """Reports waiting for workers that are all gone (a worker restarts under a new address)
        go to the workers there are now."""
        if not self.good:
            return
        for future, (job, allowed) in list(self.futures.items()):
            if not (allowed & set(self.good)) and future.status == "pending":
                del self.futures[future]
                future.cancel()
                self._send(job)

    # --- the pool ----------------------------------------------------------------------------------

    def room(self) -> int:
        self._look_at_workers()
        in_flight = IN_FLIGHT_PER_THREAD * sum(self.good.values())
        if self.opts.jobs:
            in_flight = min(in_flight, self.opts.jobs)
        return in_flight - len(self.futures)

    def running(self) -> int:
        return len(self.futures)

    def submit(self, job: Job) -> None:
        self._send(job)

    def _send(self, job: Job) -> None:
        o = self.opts
        request = {"township": job.township, "year": job.year, "publish": o.publish, "strict": o.strict,
                   "engine": o.engine, "to": o.to, "lang": self.lang,
                   "files": parcel.pack(self.layout, job, self.template)}
        allowed = frozenset(self.good)
        future = self._talk(self.client.submit, _task, request, self.expected, key=f"xxgk-{job.year}-{uuid.uuid4().hex}",
                            pure=False, workers=sorted(allowed), allow_other_workers=False)
        future.add_done_callback(lambda _: self._wake.set())
        self.futures[future] = (job, allowed)

    def collect(self, timeout: float) -> list[Done]:
        if not self.futures:
            time.sleep(timeout)
            return []
        self._wake.wait(timeout)
        self._wake.clear()
        done = []
        for future in [f for f in self.futures if f.done()]:
            job, _ = self.futures.pop(future)
            finished = self._finished(future, job)
            future.release()
            if finished is not None:
                done.append(finished)
        return done

    def _finished(self, future, job: Job) -> Done | None:
        from distributed import KilledWorker

        started = time.monotonic()
        try:
            answer = future.result()
        except KilledWorker as e:
            return Done(job, failed_entry(job, tr("生成这份报告的工作节点一再中途退出，dask 已放弃：{e}",
                                                   "the workers rendering this report kept dying; dask gave up: {e}",
                                                   e=str(e).splitlines()[0])), 0.0)
        except Exception as e:  # cancelled by the scheduler, or a task that raised (a bug in the kit)
            if self.client.status != "running":  # the scheduler is gone: not this report's failure
                raise PoolError(self._lost(e)) from None
            return Done(job, failed_entry(job, tr("集群上的任务出错：{e}", "the task failed on the cluster: {e}",
                                                   e=f"{type(e).__name__}: {e}".splitlines()[0])), 0.0)
        if isinstance(answer, bytes):
            answer = remote.answer(answer)
        elif "refused" in answer:  # a worker whose kit changed since it was checked
            self._refuse(answer.get("worker", "?"), answer["refused"])
            self._send(job)
            return None
        entry = answer["entry"]
        try:
            moved = parcel.place(self.layout, job, entry, answer.get("files") or {})
        except (parcel.BadParcel, OSError) as e:
            entry = failed_entry(job, tr("无法写入这份报告的输出：{e}", "could not write this report's outputs: {e}", e=e))
            moved = []
        note_stale(entry, moved)
        return Done(job, entry, float(answer.get("seconds") or (time.monotonic() - started)))


#: The LocalCluster's settings, for a cluster that only waits on render servers: dask's sampling
#: profiler (every 10 ms, in each worker) was most of the workers' CPU, and the scheduler's
#: watchdog tick and monitors (for a dashboard nobody opens) most of the rest.
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "2s",
    "distributed.scheduler.work-stealing-interval": "1s",
}


def _local_cluster(distributed, n: int):
    """N worker processes on this machine.  They are started with SIGINT blocked, and keep it so:
    a Ctrl-C in the terminal reaches every process of its group, and it is the batch that decides
    what a Ctrl-C stops (the cluster is closed when the batch ends)."""
    import dask

    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with dask.config.set(LOCAL_CONFIG):  # the nannies keep it for workers they restart
            return distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                            host="127.0.0.1", silence_logs=logging.CRITICAL)
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
