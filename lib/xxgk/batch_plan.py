"""What a batch renders: its options, the reports under ``data/`` they select, and which of those
the manifest says are current.

Only the standard library (and the kit's own light modules): a batch where nothing changed is
decided here in a fraction of a second, without importing any notebook machinery.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from . import manifest as mf
from .i18n import tr
from .paths import Layout

#: Engines a batch can use: "inprocess" forks a warm worker per report (fast), "kernel" starts a
#: Jupyter kernel per report (what ``xxgk render`` does).  "auto" picks inprocess where fork exists.
ENGINES = ("auto", "inprocess", "kernel")


class UsageError(Exception):
    """The options select nothing, or make no sense (exit status 2)."""


def fork_available() -> bool:
    return hasattr(os, "fork")


def parse_years(text: str | None) -> set[int] | None:
    """``2019-2024``, ``2021``, or a comma list of either; None for all years."""
    if text is None or not text.strip():
        return None
    years: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{4})\s*(?:[-–~]\s*(\d{4}))?", part)
        if not m:
            raise UsageError(tr("--years：{p} 不是年度，也不是 2019-2024 这样的范围", "--years: {p} is not a year or a range such as 2019-2024",
                                p=repr(part)))
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise UsageError(tr("--years：{p} 起止颠倒", "--years: {p} runs backwards", p=repr(part)))
        years.update(range(first, last + 1))
    return years


def parse_townships(text: str | None) -> list[str] | None:
    """``A,B`` (ASCII or full-width commas); None for all townships."""
    if text is None or not text.strip():
        return None
    names = [n.strip() for n in re.split(r"[,，、]", text) if n.strip()]
    return names or None


def discover(root: Path, years: set[int] | None = None, townships: Iterable[str] | None = None) -> list[tuple[str, int]]:
    """Every (township, year) with a data file under ``root/data``, filtered; by year then name."""
    wanted = set(townships) if townships is not None else None
    found = [(t, y) for t, y in Layout(Path(root)).reports()
             if (years is None or y in years) and (wanted is None or t in wanted)]
    if not found:
        what = []
        if years is not None:
            what.append(tr("年度 {y}", "years {y}", y=_years_text(years)))
        if wanted is not None:
            what.append(tr("乡镇 {t}", "townships {t}", t=", ".join(sorted(wanted))))
        raise UsageError(tr("{root} 下没有{what}数据文件（应为 data/<年度>/<乡镇>.csv 或 .xlsx；--root 是否正确？）",
                            "no data file{what} under {root} (expected data/<year>/<township>.csv or .xlsx; is --root right?)",
                            root=Path(root) / "data",
                            what=tr("{w}的", " for {w}", w=tr("、", " and ").join(what)) if what else ""))
    return found


def _years_text(years: set[int]) -> str:
    ys = sorted(years)
    return f"{ys[0]}-{ys[-1]}" if len(ys) > 1 and ys[-1] - ys[0] + 1 == len(ys) else ",".join(map(str, ys))


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Options:
    root: Path
    years: set[int] | None = None
    townships: list[str] | None = None
    jobs: int = 0  # 0: one per CPU core
    force: bool = False
    strict: bool = False
    publish: bool = False
    engine: str = "auto"
    to: str = "html"  # an output format of xxgk.writers: "pdf", "docx" also write that file of each copy to publish
    #: Language of the review panel, banner and messages; "" for the process's (``--lang``, XXGK_LANG).
    lang: str = ""
    #: Where the reports run: None for this machine's worker processes, else a pool's address
    #: (``tcp://host:8786``, ``local:4``; see :mod:`xxgk.pools`).
    scheduler: str | None = None

    def __post_init__(self) -> None:
        from . import writers

        try:
            writer = writers.get(self.to)
        except ValueError as e:
            raise UsageError(str(e)) from None
        if writer.publish:  # pdf and docx are of the copy to publish, however the options were made
            object.__setattr__(self, "publish", True)

    def resolved_lang(self) -> str:
        from .i18n import get_lang

        return self.lang or get_lang()

    def resolved_engine(self) -> str:
        """The engine on this machine; a remote pool's workers resolve "auto" for themselves."""
        if self.engine not in ENGINES:
            raise UsageError(tr("未知的引擎 {e}；请用 {known} 之一", "unknown engine {e}; use one of {known}",
                                e=repr(self.engine), known=", ".join(ENGINES)))
        if self.engine == "auto":
            return "inprocess" if fork_available() else "kernel"
        if self.engine == "inprocess" and not fork_available():
            raise UsageError(tr("inprocess 引擎需要 os.fork，本平台没有；请用 --engine kernel",
                                "the inprocess engine needs os.fork, which this platform lacks; use --engine kernel"))
        return self.engine


@dataclass
class Job:
    """One report to render, and what it is made from (recorded in the manifest when it is done)."""

    township: str
    year: int
    inputs: dict[str, Any]
    fingerprint: str
    root: str = "."
    publish: bool = False
    attempt: int = 0


@dataclass
class Plan:
    todo: list[Job]
    #: Reports whose copy is current: their manifest entries, as the summary needs them.
    skipped: list[tuple[str, int, dict[str, Any]]]
    found: list[tuple[str, int]]


def plan(opts: Options, manifest: mf.Manifest) -> Plan:
    """The reports to render, the reports skipped as current, every report found."""
    from .notebook import template_sha256

    found = discover(opts.root, opts.years, opts.townships)
    layout = Layout(Path(opts.root))
    kit = mf.kit_fingerprint()
    template = template_sha256()
    options = mf.output_options(publish=opts.publish, strict=opts.strict, to=opts.to, lang=opts.resolved_lang())
    out_dir = layout.root / "output"
    todo, skipped = [], []
    # Each township's years, found once: a report's inputs include its earlier years' data files.
    townships = {t for t, _ in found}
    years: dict[str, list[int]] = {}
    for t, y in layout.reports():
        if t in townships:
            years.setdefault(t, []).append(y)
    hashes: dict[tuple[str, int], Any] = {}

    def data_hash(t: str, y: int) -> Any:
        if (t, y) not in hashes:
            hashes[(t, y)] = mf.data_sha256(layout, t, y)
        return hashes[(t, y)]

    kind = mf.PUBLISHED if opts.publish else mf.REVIEW
    for township, year in found:
        earlier = {str(y): data_hash(township, y) for y in years.get(township, []) if y < year}
        inputs = mf.inputs_of(layout, township, year, template_sha256=template, kit=kit, options=options,
                              earlier=earlier, data=data_hash(township, year))
        print_ = mf.fingerprint(inputs)
        if not opts.force and manifest.is_current(township, year, kind, print_, out_dir):
            skipped.append((township, year, manifest.get(township, year) or {}))
        else:
            todo.append(Job(township, year, inputs, print_, root=str(opts.root), publish=opts.publish))
    return Plan(todo, skipped, found)
