"""What ``xxgk batch`` shows while it runs: a live rich bar on a terminal, plain lines elsewhere.

The live display refreshes only when the batch loop calls it (no refresh thread): the batch forks
its workers, and a fork while another thread holds a lock can leave the child stuck.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from . import manifest as mf
from .batch_result import BatchResult, Outcome
from .i18n import T, tr

_LABEL = {
    mf.OK: T("通过", "ok"), mf.WARNINGS: T("有警告", "warnings"), mf.FAILED: T("失败", "FAILED"),
    mf.INPUT_ERRORS: T("输入错误", "INPUT ERRORS"), "skipped": T("未变，跳过", "skipped"),
}


def _label(status: str) -> str:
    text = _LABEL.get(status)
    return text.render() if text else status


def _counts(result: BatchResult) -> str:
    return tr("通过 {ok} · 有警告 {w} · 失败 {f} · 输入错误 {e} · 跳过 {s}",
              "ok {ok} · warnings {w} · failed {f} · input errors {e} · skipped {s}",
              ok=result.count(mf.OK), w=result.count(mf.WARNINGS), f=result.count(mf.FAILED),
              e=result.count(mf.INPUT_ERRORS), s=result.count("skipped"))


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
            self._line(tr("xxgk batch：{n} 份报告，引擎 {e}", "xxgk batch: {n} report(s), engine {e}",
                          n=result.total, e=result.engine) + (tr("，{w}", ", {w}", w=result.pool) if result.pool else ""))
        elif kind == "warning":
            self._line(tr("警告：{w}", "warning: {w}", w=result.warnings[-1]))
        elif kind == "skipped" and outcome is not None:
            self._line(f"[{len(result.outcomes):>{self.width}}/{result.total}] {_label('skipped'):<12} {outcome.year} {outcome.township}")
        elif kind == "done" and outcome is not None:
            n = len(result.outcomes)
            self._line(f"[{n:>{self.width}}/{result.total}] {_label(outcome.status):<12} "
                       f"{outcome.year} {outcome.township}  {outcome.seconds:.1f} s  ({_counts(result)}{self._left(result)})")
        elif kind == "retry" and outcome is not None:
            self._line(tr("重试 {y} {t}：{e}", "retrying {y} {t}: {e}", y=outcome.year, t=outcome.township, e=outcome.error))
        elif kind == "stopping":
            self._line(tr("正在停止：结束运行中的工作进程", "stopping: ending the running workers"))

    def _left(self, result: BatchResult) -> str:
        rendered = len(result.outcomes) - result.count("skipped")
        remaining = result.total - len(result.outcomes)
        if not rendered or not remaining:
            return ""
        return tr(" · 约剩 {s} 秒", " · about {s} s left", s=f"{(time.monotonic() - self.started) / rendered * remaining:.0f}")

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
            TextColumn(tr("· 剩余", "· left")), TimeRemainingColumn(), console=self.console, auto_refresh=False,
            redirect_stdout=False, redirect_stderr=False, transient=False,
        )
        self.task = None
        self._last = 0.0

    def __call__(self, kind: str, outcome: Outcome | None, result: BatchResult) -> None:
        if kind == "plan":
            self.progress.start()
            self.task = self.progress.add_task("batch", total=result.total, counts=_counts(result))
        elif kind == "warning":
            self.console.print(f"[yellow]{tr('警告：', 'warning: ')}[/]{result.warnings[-1]}")
        elif kind in ("done", "skipped") and self.task is not None:
            if kind == "done" and outcome is not None and outcome.status in (mf.FAILED, mf.INPUT_ERRORS):
                self.progress.console.print(f"[red]{_label(outcome.status)}[/] {outcome.year} {outcome.township}: {outcome.error}")
            self.progress.update(self.task, completed=len(result.outcomes), counts=_counts(result))
        elif kind == "retry" and outcome is not None:
            self.progress.console.print(f"[yellow]{tr('重试', 'retrying')}[/] {outcome.year} {outcome.township}: {outcome.error}")
        elif kind == "stopping":
            self.progress.console.print(f"[yellow]{tr('正在停止：', 'stopping:')}[/] {tr('结束运行中的工作进程', 'ending the running workers')}")
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
    lines.append(tr("{total} 份报告，用时 {s} 秒：通过 {ok}，有警告 {w}，失败 {f}，输入错误 {e}，未变跳过 {k}；本次生成 {r} 份",
                    "{total} report(s) in {s} s: {ok} ok, {w} with warnings, {f} failed, {e} with input errors, "
                    "{k} unchanged (skipped); {r} rendered",
                    total=result.total, s=f"{result.seconds:.1f}", ok=result.count(mf.OK), w=result.count(mf.WARNINGS),
                    f=result.count(mf.FAILED), e=result.count(mf.INPUT_ERRORS), k=result.count("skipped"), r=rendered))
    for o in result.failures:
        where = (o.entry.get("outputs") or {}).get("ipynb")
        kept = tr("（笔记本：{p}）", " (notebook: {p})", p=f"{root_display}/{where['path']}") if isinstance(where, dict) else ""
        unchanged = tr("（自上次以来未变）", " (unchanged since the last run)") if o.status == "skipped" else ""
        lines.append(f"  {_label(o.last_status)} {o.year} {o.township}{unchanged}: {o.error}{kept}")
    left = result.total - len(result.outcomes)
    again = tr("去掉 --force 再运行同一命令", "the same command without --force") if force else tr("再运行同一命令", "the same command")
    if result.broken:
        lines.append(tr("错误：{why}；{n} 份报告未生成；{again}，即只生成这些",
                        "error: {why}; {n} report(s) not rendered; run {again} again to render only those",
                        why=result.broken, n=left, again=again))
    if result.interrupted:
        lines.append(tr("被 {sig} 中断：{n} 份报告未生成；{again}，即只生成这些",
                        "interrupted by {sig}: {n} report(s) not rendered; run {again} again to render only those",
                        sig=result.interrupted, n=left, again=again))
    lines.append(tr("总览：{d}/index.html · 汇总：{d}/summary.csv", "dashboard: {d}/index.html · summary: {d}/summary.csv",
                    d=root_display))
    return lines
