"""One township-year, loaded, checked and computed: what the notebook and the renderer consume.

:func:`build_report` never raises on bad input; problems are in :attr:`Report.findings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import history, spec
from .compute import Completed, complete
from .history import Year
from .findings import Finding, finding, has_errors
from .i18n import get_lang
from .missing import missing_findings
from .load import Figures, file_sha256, load_figures
from .narrative import placeholder_findings
from .params import FieldPosition, Params, load_params
from .paths import Layout, check_township_name
from .rules import Context, run_rules


@dataclass
class Report:
    township: str
    year: int
    layout: Layout
    version: str
    figures: Figures | None = None
    completed: Completed | None = None
    params: Params | None = None
    findings: list[Finding] = field(default_factory=list)
    data_sha256: str | None = None
    params_sha256: str | None = None
    #: Where each params field stands in its file, for messages that point at a line.
    params_fields: dict[str, FieldPosition] = field(default_factory=dict)
    #: The same township's report of the year before, as far as its data file could be read (None
    #: when there is none): for the cross-year rules and the figures carried from it.
    previous: Year | None = None

    @property
    def format(self) -> spec.Format:
        return spec.get_format(self.version)

    @property
    def has_input_errors(self) -> bool:
        return has_errors(self.findings)


#: The last report built in this process and what it was built from (see :func:`build_report`).
_last: tuple[tuple, Report] | None = None


def _inputs(layout: Layout, township: str, year: int) -> tuple:
    """The bytes a report is built from: its params and data files and the year before's (the
    cross-year rules and carried figures read them), by content, not by modification time, which
    a quick rewrite of a file can leave as it was."""
    out = []
    for y in (year - 1, year):
        for path in (layout.params_file(township, y), *layout.data_candidates(township, y)):
            try:
                out.append(file_sha256(path))  # in chunks: a broken data file can be 50 MB
            except OSError:  # not there (or unreadable, which the loader reports)
                out.append(None)
    return tuple(out)


def build_report(root: Path | str, township: str, year: int) -> Report:
    """The township-year loaded, checked and computed.

    Built once per process for the same inputs: a batch worker checks the report before it runs
    the notebook, and the notebook's first cell builds it again in the same process (the in-process
    engine).  While the root, the language, the format versions the kit knows (``XXGK_FORMATS``)
    and the bytes of every file it is built from are the same, the report already built is given
    back (with the root as this caller gives it).  Nothing changes a report once built.
    """
    global _last
    layout = Layout(Path(root))
    if check_township_name(township, year) is not None or year < spec.first_year():
        return _build(layout, township, year)
    key = (layout.root.resolve(), township, year, get_lang(), os.environ.get(spec.ENV, ""),
           _inputs(layout, township, year))
    if _last is not None and _last[0] == key:
        # With this caller's root: a relative root means another folder once the notebook has
        # changed to its own (the trend reads the other years through it).
        return replace(_last[1], layout=layout)
    report = _build(layout, township, year)
    _last = (key, report)
    return report


def _build(layout: Layout, township: str, year: int) -> Report:
    bad_name = check_township_name(township, year)
    if bad_name:
        return Report(township, year, layout, spec.versions()[0], findings=[bad_name])
    if year < spec.first_year():
        return Report(township, year, layout, spec.versions()[0], findings=[finding(
            "E-YEAR", "before", args={"first": spec.first_year()}, file=layout.display(layout.data_file(township, year)),
            values={"year": year})])

    findings: list[Finding] = []
    params_path = layout.params_file(township, year)
    params = None
    params_sha = None
    params_fields: dict[str, FieldPosition] = {}
    if params_path.exists():
        loaded_params = load_params(params_path, layout.display(params_path))
        params, params_sha, params_fields = loaded_params.params, loaded_params.sha256, loaded_params.fields
        findings.extend(loaded_params.findings)
        if params is not None:
            for name, expected in (("township", township), ("year", year)):
                if getattr(params, name) != expected:
                    findings.append(finding(
                        "E-PARAMS-MISMATCH", "mismatch", file=layout.display(params_path), values={"field": name},
                        args={"field": name, "got": repr(getattr(params, name)), "expected": repr(expected)}))
    else:
        findings.append(finding("W-NO-PARAMS", "missing", file=layout.display(params_path)))

    version = (params.format if params and params.format else None) or spec.version_for_year(year)
    data_files = layout.data_files(township, year)
    if len(data_files) > 1:
        # Which one the office means cannot be guessed: a CSV and a workbook can disagree.
        shown = [layout.display(p) for p in data_files]
        findings.append(finding("E-TWO-FILES", "both", args={"files": shown}, file=shown[0], values={"files": shown}))
        return Report(township, year, layout, version, None, None, params, findings, None, params_sha, params_fields)
    data_path = layout.data_file(township, year)
    loaded = load_figures(data_path, version, layout.display(data_path))
    findings.extend(loaded.findings)
    report = Report(township, year, layout, version, loaded.figures, None, params, findings,
                    loaded.sha256, params_sha, params_fields)
    if loaded.figures is not None and not has_errors(loaded.findings):
        report.previous = before = history.previous(layout, township, year)
        report.completed = complete(loaded.figures, before.completed if before else None, before.version if before else None)
        report.findings.extend(missing_findings(loaded.figures, report.completed, layout.display(data_path)))
        ctx = Context(loaded.figures, report.completed, layout.display(data_path), params=params,
                      params_file=layout.display(params_path), params_fields=params_fields, township=township,
                      year=year, previous=report.previous)
        report.findings.extend(run_rules(ctx))
        # An unknown placeholder would print a hole where a figure belongs: an input problem,
        # found here so that check, render, batch and the review panel all see it.
        report.findings.extend(placeholder_findings(report))
    return report
