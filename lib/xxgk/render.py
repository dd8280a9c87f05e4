"""One township-year, end to end: check the inputs, run the notebook, export the page, write both,
and the file of the output format asked for (:mod:`xxgk.writers`: PDF, Word).

Nothing is written, and no kernel started, when the inputs have errors (or, under ``strict``,
warnings). Each output file is written beside its target and renamed into place.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import atomic, compose, execute, export, html, notebook, writers
from . import stale as stale_outputs
from .findings import Finding, finding, has_errors, has_warnings
from .i18n import T, get_lang, tr
from .paths import check_township_name
from .report import Report, build_report

Status = Literal["ok", "refused", "failed"]



def kernel_root(layout, folder: Path) -> str:
    """The root as seen from the output folder the kernel runs in (``../..`` from output/<year>/),
    so the executed notebook, opened where it was written, runs again with the root it records;
    relative, so that the same inputs give the same bytes wherever the root is."""
    depth = len(folder.relative_to(layout.root).parts)
    return "/".join([".."] * depth)


@dataclass
class RenderResult:
    township: str
    year: int
    status: Status
    findings: list[Finding] = field(default_factory=list)
    html_path: Path | None = None
    notebook_path: Path | None = None
    #: The file of the output format asked for, by format (``{"docx": …/红旗满族乡.docx}``).
    files: dict[str, Path] = field(default_factory=dict)
    #: One line, for ``failed`` (the execution error) and ``refused`` (why), in the analyst's language.
    error: str | None = None
    #: Why a report was refused: "input_errors", "warnings" (under ``strict``) or "incomplete"
    #: (a copy to publish that would print 未提供).
    refused_for: str | None = None
    #: Seconds spent in each step (check, execute, export, write), for benchmarks and logs.
    timings: dict[str, float] = field(default_factory=dict)
    #: The checked report the outcome was decided on (the batch reads its key figures).
    report: Report | None = None
    #: Older outputs of the report that its current inputs did not make again, moved aside
    #: (``红旗满族乡.过期.html``): where they are now.
    stale: list[Path] = field(default_factory=list)
    #: Which copy was asked for: the review copy or the one to publish.
    publish: bool = False
    #: What was done to older outputs, so that a batch whose report ran on another machine can do
    #: the same in its own output folder (:mod:`xxgk.parcel`): the copies (``publish`` values) whose
    #: outputs were set aside before anything was written, and whether the stale ones of the copy
    #: asked for were removed after it was written.
    aside: tuple[bool, ...] = ()
    cleared: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def pdf_path(self) -> Path | None:
        """The page printed to A4 PDF (``to="pdf"``), see :mod:`xxgk.pdf`."""
        return self.files.get("pdf")

    @property
    def written(self) -> list[Path]:
        return [p for p in (self.html_path, self.notebook_path, *self.files.values()) if p is not None]


def refusal(findings: list[Finding], *, strict: bool) -> str | None:
    if has_errors(findings):
        return "input_errors"
    if strict and has_warnings(findings):
        return "warnings"
    return None


_REFUSED = {
    "input_errors": T("未生成：输入有错误", "not rendered: input errors"),
    "warnings": T("未生成：有警告（--strict）", "not rendered: warnings (strict)"),
    "incomplete": T("未生成发布稿：内容不全", "no published copy: parts are missing"),
}


def render(root: Path | str, township: str, year: int, *, publish: bool = False, strict: bool = False,
           engine: str = "kernel", to: str = "html", lang: str | None = None) -> RenderResult:
    """Render one copy of a report: the review copy (``output/<year>/<township>.html`` and the
    executed ``.ipynb``) or, with ``publish``, the copy to publish beside it in
    ``output/<year>/published/`` (and its PDF or Word file with ``to="pdf"`` or ``"docx"``, which
    imply ``publish``).  Neither overwrites the other.

    Never raises on bad input or a failing notebook: the result says what happened.  When the copy
    cannot be made (input errors, a failed notebook, or a copy to publish that would print 未提供),
    its older outputs are moved aside as stale (``RenderResult.stale``) — both copies' on input
    errors, since no copy can be made from those inputs — and a failed notebook is kept for
    inspection, so the folder never shows a page its inputs no longer make.
    """
    writer = writers.get(to)
    publish = publish or writer.publish
    timings: dict[str, float] = {}
    t = time.perf_counter()
    report = build_report(root, township, year)
    findings = list(report.findings)
    why = refusal(findings, strict=strict)
    document = None
    if publish and why is None:
        # Built once here: what it lacks decides the refusal, and a writer writes it.
        document = compose.build_document(report, publish=True, template_sha256=notebook.template_sha256())
        missing = document.not_provided()
        if missing:
            params = report.layout.display(report.layout.params_file(township, year))
            findings.append(finding("E-PUBLISH-INCOMPLETE", "missing", file=params, values={"missing": missing},
                                    args={"missing": missing, "file": params}))
            why = "incomplete"
    timings["check"] = time.perf_counter() - t
    if why:
        # An unsafe name must not reach a path, not even to tidy up.
        safe = check_township_name(township) is None
        aside = stale_outputs.copies_of(None if why == "input_errors" else publish) if safe else ()
        stale = stale_outputs.set_aside(report.layout, township, year, aside)
        return RenderResult(township, year, "refused", findings, error=_REFUSED[why].render(), refused_for=why,
                            timings=timings, report=report, stale=stale, publish=publish, aside=aside)

    lacking = writer.missing()  # say so before the notebook runs, not after
    if lacking:
        return RenderResult(township, year, "failed", findings, timings=timings, publish=publish, report=report,
                            error=tr("无法生成 {fmt}：{why}", "cannot write {fmt}: {why}", fmt=to.upper(), why=lacking))

    layout = report.layout
    html_path = layout.output_html(township, year, publish=publish)
    nb_path = layout.output_notebook(township, year, publish=publish)
    parameters = {"township": township, "year": year, "root": kernel_root(layout, nb_path.parent),
                  "publish": publish, "lang": lang or get_lang()}
    labels = execute.Labels(input_path=f"notebooks/{notebook.TEMPLATE_NAME}", output_path=layout.display(nb_path))
    t = time.perf_counter()
    try:
        nb_path.parent.mkdir(parents=True, exist_ok=True)
        nb = execute.execute(notebook.for_report(parameters), parameters, cwd=nb_path.parent.resolve(),
                             labels=labels, engine=engine)
    except (execute.ExecutionFailed, OSError) as e:
        timings["execute"] = time.perf_counter() - t
        failed = getattr(e, "notebook", None)
        stale = stale_outputs.set_aside(layout, township, year, (publish,))
        written = atomic.write_text(nb_path, execute.dumps(failed)) if failed is not None else None
        stale = [p for p in stale if written is None or p != layout.stale(written)]
        return RenderResult(township, year, "failed", findings, notebook_path=written, stale=stale, publish=publish,
                            error=tr("笔记本运行失败：{e}", "notebook failed: {e}", e=e), timings=timings, report=report,
                            aside=(publish,))
    timings["execute"] = time.perf_counter() - t

    t = time.perf_counter()
    page = export.export_html(nb, title=html.title(report), css=html.report_css())
    timings["export"] = time.perf_counter() - t
    t = time.perf_counter()
    atomic.write_text(nb_path, execute.dumps(nb))
    atomic.write_text(html_path, page)
    timings["write"] = time.perf_counter() - t
    files: dict[str, Path] = {}
    if writer.write is not None and writer.suffix:
        assert document is not None, "a format with a file of its own writes the copy to publish"
        t = time.perf_counter()
        try:
            files[writer.name] = writer.write(writers.Output(document, html_path,
                                                             layout.output_file(township, year, writer.suffix)))
        except (writers.WriteError, OSError) as e:
            return RenderResult(township, year, "failed", findings, html_path, nb_path, error=str(e), timings=timings,
                                report=report, publish=publish)
        timings[writer.name] = time.perf_counter() - t
    stale_outputs.clear(layout, township, year, publish=publish)
    return RenderResult(township, year, "ok", findings, html_path, nb_path, files, timings=timings, report=report,
                        publish=publish, cleared=True)
