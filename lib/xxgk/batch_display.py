"""What ``xxgk batch`` shows while it runs: a live rich bar on a terminal, plain lines elsewhere.

The live display refreshes only when the batch loop calls it (no refresh thread): the batch forks
its workers, and a fork while another thread holds a lock can leave the child stuck.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from . import manifest as mf
from .batch import BatchResult, Outcome

_LABEL = {mf.OK: "ok", mf.WARNINGS: "warnings", mf.FAILED: "FAILED", mf.INPUT_ERRORS: "INPUT ERRORS", "skipped": "skipped"}


def _counts(result: BatchResult) -> str:
    return (f"ok {result.count(mf.OK)} · warnings {result.count(mf.WARNINGS)} · "
            f"failed {result.count(mf.FAILED)} · input errors {result.count(mf.INPUT_ERRORS)} · "
            f"skipped {result.count('skipped')}")


class PlainDisplay:
    """One line per finished report: fit for CI logs and files."""

    def __init__(self, stream: TextIO | None = None):
        self.out = stream or sys.stderr
        self.width = 1
        self.started = time.monotonic()

    def __call__(self, kind: str, outcome: Outcome | None, result: BatchResult) -> None:
        if kind == "plan":
            self.width = len(str(result.total))
            self.started = time.monotonic()
            self._line(f"xxgk batch: {result.total} report(s), engine {result.engine}")
        elif kind == "warning":
            self._line(f"warning: {result.warnings[-1]}")
        elif kind == "skipped" and outcome is not None:
            self._line(f"[{len(result.outcomes):>{self.width}}/{result.total}] {'skipped':<12} {outcome.year} {outcome.township}")
        elif kind == "done" and outcome is not None:
            n = len(result.outcomes)
            self._line(f"[{n:>{self.width}}/{result.total}] {_LABEL.get(outcome.status, outcome.status):<12} "
                       f"{outcome.year} {outcome.township}  {outcome.seconds:.1f} s  ({_counts(result)}{self._left(result)})")
        elif kind == "retry" and outcome is not None:
            self._line(f"retrying {outcome.year} {outcome.township}: {outcome.error}")
        elif kind == "stopping":
            self._line("stopping: ending the running workers")

    def _left(self, result: BatchResult) -> str:
        rendered = len(result.outcomes) - result.count("skipped")
        remaining = result.total - len(result.outcomes)
        if not rendered or not remaining:
            return ""
        return f" · about {(time.monotonic() - self.started) / rendered * remaining:.0f} s left"

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def close(self) -> None:
        pass


class LiveDisplay:
    """A rich progress bar with done/total, the counts and the time left."""

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]xxgk batch"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
            TextColumn("· left"), TimeRemainingColumn(), console=self.console, auto_refresh=False,
            redirect_stdout=False, redirect_stderr=False, transient=False,
        )
        self.task = None
        self._last = 0.0

    def __call__(self, kind: str, outcome: Outcome | None, result: BatchResult) -> None:
        if kind == "plan":
            self.progress.start()
            self.task = self.progress.add_task("batch", total=result.total, counts=_counts(result))
        elif kind == "warning":
            self.console.print(f"[yellow]warning:[/] {result.warnings[-1]}")
        elif kind in ("done", "skipped") and self.task is not None:
            if kind == "done" and outcome is not None and outcome.status in (mf.FAILED, mf.INPUT_ERRORS):
                self.progress.console.print(f"[red]{_LABEL[outcome.status]}[/] {outcome.year} {outcome.township}: {outcome.error}")
            self.progress.update(self.task, completed=len(result.outcomes), counts=_counts(result))
        elif kind == "retry" and outcome is not None:
            self.progress.console.print(f"[yellow]retrying[/] {outcome.year} {outcome.township}: {outcome.error}")
        elif kind == "stopping":
            self.progress.console.print("[yellow]stopping:[/] ending the running workers")
        now = time.monotonic()
        if kind != "tick" or now - self._last > 0.25:
            self._last = now
            if self.task is not None:
                self.progress.refresh()

    def close(self) -> None:
        if self.task is not None:
            self.progress.refresh()
        self.progress.stop()


def display_for(stream: TextIO | None = None):
    stream = stream or sys.stderr
    return LiveDisplay() if stream.isatty() else PlainDisplay(stream)


def summary_lines(result: BatchResult, root_display: str = "output", *, force: bool = False) -> list[str]:
    """The end of a batch: totals, one line per failed report, where the dashboard is."""
    lines = []
    rendered = result.count(mf.OK) + result.count(mf.WARNINGS)  # pages written by this run
    lines.append(f"{result.total} report(s) in {result.seconds:.1f} s: {result.count(mf.OK)} ok, "
                 f"{result.count(mf.WARNINGS)} with warnings, {result.count(mf.FAILED)} failed, "
                 f"{result.count(mf.INPUT_ERRORS)} with input errors, {result.count('skipped')} unchanged (skipped); "
                 f"{rendered} rendered")
    for o in result.failures:
        where = (o.entry.get("outputs") or {}).get("ipynb")
        kept = f" (notebook: {root_display}/{where['path']})" if isinstance(where, dict) else ""
        unchanged = " (unchanged since the last run)" if o.status == "skipped" else ""
        lines.append(f"  {_LABEL[o.last_status]} {o.year} {o.township}{unchanged}: {o.error}{kept}")
    if result.interrupted:
        left = result.total - len(result.outcomes)
        again = "the same command without --force" if force else "the same command"
        lines.append(f"interrupted by {result.interrupted}: {left} report(s) not rendered; run {again} "
                     "again to render only those")
    lines.append(f"dashboard: {root_display}/index.html · summary: {root_display}/summary.csv")
    return lines
