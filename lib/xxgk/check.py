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

from .findings import Finding, has_errors, has_warnings, sort_findings
from .paths import Layout, check_township_name
from .report import Report, build_report
from .rules import ORIGINS, REGISTRY

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Nothing to check: the options select no report."""


@dataclass
class Checked:
    township: str
    year: int | None
    findings: list[Finding]

    @classmethod
    def of(cls, report: Report) -> "Checked":
        return cls(report.township, report.year, report.findings)


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
        wanted = " ".join(x for x in (township and f"township {township}", year and f"year {year}") if x)
        raise UsageError(f"no data file{' for ' + wanted if wanted else ''} under {root / 'data'} "
                         f"(expected data/<year>/<township>.csv; is --root right?)")
    return found


def run_checks(root: Path, township: str | None = None, year: int | None = None) -> list[Checked]:
    # A bad name is refused before the folder is even listed.
    if township is not None and (bad := check_township_name(township)):
        return [Checked(township, year, [bad])]
    return [Checked.of(build_report(root, t, y)) for t, y in select(root, township, year)]


def exit_status(checked: Iterable[Checked], strict: bool) -> int:
    findings = [f for c in checked for f in c.findings]
    if has_errors(findings) or (strict and has_warnings(findings)):
        return EXIT_FINDINGS
    return EXIT_OK


# --- presentation -------------------------------------------------------------------------------


def to_json(checked: Iterable[Checked]) -> str:
    """Every finding and every rule result, one JSON list."""
    out = []
    for c in checked:
        for f in c.findings:
            d = f.to_dict()
            r = REGISTRY.get(f.rule)
            d["township"], d["year"] = c.township, c.year
            d["origin"] = r.origin if r else None
            d["formula"] = r.formula if r else None
            out.append(d)
    return json.dumps(out, ensure_ascii=False, indent=2)


_TAG = {"error": "ERROR", "warning": "WARNING", "note": "NOTE"}
_STATUS_TAG = {"pass": "PASS", "not_assessable": "N/A"}
_STYLE = {"ERROR": "bold red", "WARNING": "yellow", "NOTE": "cyan", "N/A": "dim", "PASS": "green"}


def tag(f: Finding) -> str:
    return _TAG[f.severity] if f.status == "fail" else _STATUS_TAG[f.status]


def line_of(f: Finding) -> tuple[str, str, str]:
    """(where, rule, message) of one finding, in the words an analyst looks a cell up by."""
    where = f.where()
    r = REGISTRY.get(f.rule)
    rule = f"{f.rule} {r.title}" if r else f.rule
    return where, rule, f.message


def _summary(findings: list[Finding]) -> str:
    n = {k: sum(1 for f in findings if f.status == "fail" and f.severity == k) for k in _TAG}
    rules = [f for f in findings if f.rule in REGISTRY]
    passed = sum(1 for f in rules if f.status == "pass")
    na = sum(1 for f in rules if f.status == "not_assessable")
    failed = sum(1 for f in rules if f.status == "fail")
    checks = f"; rule checks: {passed} passed, {failed} failed, {na} not assessable" if rules else "; rules not run"
    return f"{n['error']} errors, {n['warning']} warnings, {n['note']} notes{checks}"


def write_text(checked: list[Checked], out: TextIO, *, color: bool | None = None) -> None:
    """One line per finding (passed checks are only counted), a summary per report and overall.

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

    everything: list[Finding] = []
    for c in checked:
        shown = [f for f in sort_findings(c.findings) if f.status != "pass"]
        for f in shown:
            where, rule, message = line_of(f)
            t = tag(f)
            emit([(f"{where}: " if where else "", None), (f"{t}", _STYLE[t]), (f" {rule}: ", "bold"), (message, None)])
        failed_rules = dict.fromkeys(f.rule for f in c.findings if f.status == "fail" and f.rule in REGISTRY)
        for rid in failed_rules:
            r = REGISTRY[rid]
            emit([(f"  {rid} ({ORIGINS[r.origin]}): {r.formula}", "dim")])
        emit([(f"{c.township} {c.year}: ", "bold"), (_summary(c.findings), None)])
        everything.extend(c.findings)
    if len(checked) > 1:
        emit([(f"checked {len(checked)} reports: ", "bold"), (_summary(everything), None)])


def main(root: Path, township: str | None, year: int | None, strict: bool, fmt: str,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        checked = run_checks(root, township, year)
    except UsageError as exc:
        err.write(f"xxgk check: {exc}\n")
        return EXIT_USAGE
    if fmt == "json":
        out.write(to_json(checked) + "\n")
    else:
        write_text(checked, out)
    return exit_status(checked, strict)
