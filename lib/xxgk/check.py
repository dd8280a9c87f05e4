"""``xxgk check``: load and check reports without rendering, and present what was found.

One report or every report under ``data/``; text for analysts (one line per finding), JSON for
other tools (every finding and every rule result).  The exit status follows the kit's contract:
0 no errors, 1 errors (or warnings under ``--strict``), 2 a usage error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, TextIO

from . import catalogue
from .findings import Finding, group_of, has_errors, has_warnings, sort_findings, tally, tally_text
from .i18n import tr
from .missing import grouped
from .paths import Layout, check_township_name
from .report import Report, build_report

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Nothing to check: the options select no report."""


@dataclass
class Checked:
    township: str
    year: int | None
    findings: list[Finding]
    #: The format version the report was read in (for grouping its blank cells).
    version: str | None = None

    @classmethod
    def of(cls, report: Report) -> "Checked":
        return cls(report.township, report.year, report.findings, report.version)


def select(root: Path, township: str | None, year: int | None) -> list[tuple[str, int]]:
    """The (township, year) pairs to check.

    With both options, that report even if its data file is missing (the check then says so);
    otherwise every report under ``data/`` that matches the options given.
    """
    if township is not None and year is not None:
        return [(township, year)]
    found = [(t, y) for t, y in Layout(root).reports()
             if (township is None or t == township) and (year is None or y == year)]
    if not found:
        wanted = " ".join(x for x in (township, year and str(year)) if x)
        raise UsageError(tr("{root} 下没有{what}数据文件（应为 data/<年度>/<乡镇>.csv 或 .xlsx；--root 是否正确？）",
                            "no data file{what} under {root} (expected data/<year>/<township>.csv or .xlsx; is --root right?)",
                            root=root / "data", what=(f" {wanted} 的" if wanted else "") if _zh() else
                            (f" for {wanted}" if wanted else "")))
    return found


def run_checks(root: Path, township: str | None = None, year: int | None = None) -> list[Checked]:
    # A bad name is refused before the folder is even listed.
    if township is not None and (bad := check_township_name(township, year)):
        return [Checked(township, year, [bad])]
    return [Checked.of(build_report(root, t, y)) for t, y in select(root, township, year)]


def exit_status(checked: Iterable[Checked], strict: bool) -> int:
    findings = [f for c in checked for f in c.findings]
    if has_errors(findings) or (strict and has_warnings(findings)):
        return EXIT_FINDINGS
    return EXIT_OK


def _zh() -> bool:
    from .i18n import get_lang

    return get_lang() == "zh"


# --- presentation -------------------------------------------------------------------------------


def to_json(checked: Iterable[Checked]) -> str:
    """Every finding and every rule result, one JSON list, in the order the text shows them
    (missing data cell by cell)."""
    out = []
    for c in checked:
        for f in sort_findings(c.findings):
            d = f.to_dict()
            code = catalogue.get(f.rule)
            d["township"], d["year"] = c.township, c.year
            d["category"] = code.category if code else None
            d["group"] = group_of(f)
            d["title"] = code.title.render() if code else None
            d["origin"] = code.origin if code and code.is_rule else None
            d["formula"] = code.formula.render() if code and code.formula else None
            out.append(d)
    return json.dumps(out, ensure_ascii=False, indent=2)


_STYLE = {"error": "bold red", "warning": "yellow", "note": "cyan", "missing": "magenta",
          "not_assessable": "dim", "pass": "green"}


def line_of(f: Finding) -> tuple[str, str, str]:
    """(where, code and title, message) of one finding, in the words an analyst looks a cell up by."""
    return f.where(), f"{f.rule} {catalogue.title(f.rule)}", f.text()


def write_text(checked: list[Checked], out: TextIO, *, color: bool | None = None, verbose: bool = False) -> None:
    """What matters first: input errors, failed checks, plausibility notes, then missing data
    folded by table row (every blank cell with ``verbose``); results that could not be assessed
    are counted, and listed with ``verbose``.  A summary per report and overall.

    Plain lines when ``out`` is not a terminal, so that the output greps and diffs well; rich
    colours on a terminal.
    """
    if color is None:
        color = out.isatty()
    console = None
    if color:
        from rich.console import Console

        console = Console(file=out, highlight=False, soft_wrap=True)

    def emit(parts: list[tuple[str, str | None]]) -> None:
        if console is None:
            out.write("".join(text for text, _ in parts) + "\n")
        else:
            from rich.text import Text

            console.print(Text.assemble(*[(text, style or "") for text, style in parts]))

    def show(f: Finding) -> None:
        where, rule, message = line_of(f)
        style = _STYLE[f.severity if f.status == "fail" else f.status]
        emit([(f"{where}: " if where else "", None), (f.tag(), style), (f" {rule}: ", "bold"), (message, None)])

    everything: list[Finding] = []
    for c in checked:
        ordered = sort_findings(c.findings)
        problems = [f for f in ordered if f.status == "fail" and not f.is_missing]
        for f in problems:
            show(f)
        failed_rules = dict.fromkeys(f.rule for f in problems if (code := catalogue.get(f.rule)) and code.is_rule)
        for rid in failed_rules:
            code = catalogue.CODES[rid]
            emit([(f"  {rid}（{catalogue.ORIGINS[code.origin]}）：{code.formula}" if _zh() else
                   f"  {rid} ({catalogue.ORIGINS[code.origin]}): {code.formula}", "dim")])
        missing = [f for f in ordered if f.is_missing]
        if verbose:
            for f in missing:
                show(f)
        elif missing and c.version:
            for g in grouped(missing, c.version):
                place = g.where()
                emit([(f"{place}: " if place else "", None), (catalogue.SEVERITY_TEXT["missing"].render(), _STYLE["missing"]),
                      (" M-BLANK: ", "bold"), (g.text.render(), None)])
        if verbose:
            for f in ordered:
                if f.status == "not_assessable":
                    show(f)
        stopped = tr("（输入有错误，未运行规则检查）", " (input errors: rules not run)") if has_errors(c.findings) else ""
        emit([(f"{c.township} {c.year}：" if _zh() else f"{c.township} {c.year}: ", "bold"),
              (tally_text(tally(c.findings)) + stopped, None)])
        everything.extend(c.findings)
    if len(checked) > 1:
        emit([(tr("共检查 {n} 份报告：", "checked {n} reports: ", n=len(checked)), "bold"),
              (tally_text(tally(everything)), None)])


def main(root: Path, township: str | None, year: int | None, strict: bool, fmt: str,
         out: TextIO | None = None, err: TextIO | None = None, verbose: bool = False) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        checked = run_checks(root, township, year)
    except UsageError as exc:
        err.write(f"xxgk check: {exc}\n")
        return EXIT_USAGE
    if fmt == "json":
        out.write(to_json(checked) + "\n")
    else:
        write_text(checked, out, verbose=verbose)
    return exit_status(checked, strict)
