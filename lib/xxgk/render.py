"""One township-year, end to end: check the inputs, run the notebook, export the page, write both.

Nothing is written, and no kernel started, when the inputs have errors (or, under ``strict``,
warnings). Each output file is written beside its target and renamed into place.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import atomic, execute, export, html, notebook
from .findings import Finding, has_errors, has_warnings
from .i18n import T, get_lang, tr
from .report import Report, build_report

Status = Literal["ok", "refused", "failed"]

#: The kernel runs in the output folder (output/<year>/), so the executed notebook, opened where
#: it was written, runs again with the root it records.
KERNEL_ROOT = "../.."


@dataclass
class RenderResult:
    township: str
    year: int
    status: Status
    findings: list[Finding] = field(default_factory=list)
    html_path: Path | None = None
    notebook_path: Path | None = None
    #: The page printed to A4 PDF (``to="pdf"``), see :mod:`xxgk.pdf`.
    pdf_path: Path | None = None
    #: One line, for ``failed`` (the execution error) and ``refused`` (why), in the analyst's language.
    error: str | None = None
    #: Why a report was refused: "input_errors" or "warnings" (under ``strict``).
    refused_for: str | None = None
    #: Seconds spent in each step (check, execute, export, write), for benchmarks and logs.
    timings: dict[str, float] = field(default_factory=dict)
    #: The checked report the outcome was decided on (the batch reads its key figures).
    report: Report | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def written(self) -> list[Path]:
        return [p for p in (self.html_path, self.notebook_path, self.pdf_path) if p is not None]


def refusal(findings: list[Finding], *, strict: bool) -> str | None:
    if has_errors(findings):
        return "input_errors"
    if strict and has_warnings(findings):
        return "warnings"
    return None


_REFUSED = {
    "input_errors": T("未生成：输入有错误", "not rendered: input errors"),
    "warnings": T("未生成：有警告（--strict）", "not rendered: warnings (strict)"),
}


def render(root: Path | str, township: str, year: int, *, publish: bool = False, strict: bool = False,
           engine: str = "kernel", to: str = "html", lang: str | None = None) -> RenderResult:
    """Render ``output/<year>/<township>.html`` and the executed ``.ipynb`` under ``root``.

    Never raises on bad input or a failing notebook: the result says what happened. On a failed
    execution the executed notebook (failing cell marked) is written for inspection and an older
    page of the same report is removed, so the folder never shows a page its inputs no longer make.
    """
    timings: dict[str, float] = {}
    t = time.perf_counter()
    report = build_report(root, township, year)
    findings = list(report.findings)
    timings["check"] = time.perf_counter() - t
    why = refusal(findings, strict=strict)
    if why:
        return RenderResult(township, year, "refused", findings, error=_REFUSED[why].render(), refused_for=why,
                            timings=timings, report=report)

    if to == "pdf":  # say so before the notebook runs, not after
        from .browser import missing

        lacking = missing()
        if lacking:
            return RenderResult(township, year, "failed", findings, timings=timings,
                                error=tr("无法打印 PDF：{why}", "cannot print PDF: {why}", why=lacking), report=report)

    layout = report.layout
    html_path = layout.output_html(township, year)
    nb_path = layout.output_notebook(township, year)
    parameters = {"township": township, "year": year, "root": KERNEL_ROOT, "publish": publish,
                  "lang": lang or get_lang()}
    labels = execute.Labels(input_path=f"notebooks/{notebook.TEMPLATE_NAME}", output_path=layout.display(nb_path))
    t = time.perf_counter()
    try:
        nb_path.parent.mkdir(parents=True, exist_ok=True)
        nb = execute.execute(notebook.for_report(parameters), parameters, cwd=nb_path.parent.resolve(),
                             labels=labels, engine=engine)
    except (execute.ExecutionFailed, OSError) as e:
        timings["execute"] = time.perf_counter() - t
        failed = getattr(e, "notebook", None)
        written = atomic.write_text(nb_path, execute.dumps(failed)) if failed is not None else None
        html_path.unlink(missing_ok=True)
        return RenderResult(township, year, "failed", findings, notebook_path=written,
                            error=tr("笔记本运行失败：{e}", "notebook failed: {e}", e=e), timings=timings, report=report)
    timings["execute"] = time.perf_counter() - t

    t = time.perf_counter()
    page = export.export_html(nb, title=html.title(report), css=html.report_css())
    timings["export"] = time.perf_counter() - t
    t = time.perf_counter()
    atomic.write_text(nb_path, execute.dumps(nb))
    atomic.write_text(html_path, page)
    timings["write"] = time.perf_counter() - t
    pdf_path = None
    if to == "pdf":
        from . import pdf

        t = time.perf_counter()
        try:
            pdf_path = pdf.print_pdf(html_path, layout.output_pdf(township, year))
        except pdf.PdfError as e:
            return RenderResult(township, year, "failed", findings, html_path, nb_path, error=str(e), timings=timings, report=report)
        timings["pdf"] = time.perf_counter() - t
    return RenderResult(township, year, "ok", findings, html_path, nb_path, pdf_path, timings=timings, report=report)
