"""``xxgk template --xlsx FILE [--from DATA]``: write the fill-in workbook, blank or pre-filled.

``--from`` takes any data file the kit reads (:mod:`xxgk.readers`): an office's CSV moved into the
workbook, or last year's figures as a start.  The file is read as the workbook's format version; a
file of the other version is refused (its labels are not the workbook's), and so is one with input
errors, which would be copied into the workbook unnoticed.  Nothing is written unless all is well,
and an existing file is only replaced with ``force``.
"""

from __future__ import annotations

from pathlib import Path

from . import readers
from .findings import has_errors, sort_findings
from .i18n import tr


class TemplateRefused(Exception):
    """Nothing was written; ``lines`` say why, ``status`` is the exit status."""

    def __init__(self, lines: list[str], status: int = 1):
        super().__init__("\n".join(lines))
        self.lines = lines
        self.status = status


def _source_figures(source: Path, version: str, year: int):
    from .load import load_figures

    loaded = load_figures(source, version, str(source))
    other = next((f.values.get("belongs_to") for f in loaded.findings if f.rule == "E-OTHER-VERSION"), None)
    if other is not None:
        raise TemplateRefused([tr(
            "错误：{file} 是 {other} 年版格式的数据，而 {year} 年度的工作簿是 {version} 年版格式，两者的表格不同，不能照填。"
            "请用 --format {other} 写 {other} 年版的工作簿，或另选一个 {version} 年版格式的数据文件",
            "error: {file} holds figures of the {other} format, but the workbook for {year} is in the {version} "
            "format; their tables differ and cannot be copied across. Write a workbook of the {other} format with "
            "--format {other}, or pick a data file of the {version} format",
            file=source, other=other, year=year, version=version)])
    if loaded.figures is None or has_errors(loaded.findings):
        errors = [f for f in sort_findings(loaded.findings) if f.is_error]
        raise TemplateRefused([tr("错误：{file} 有输入错误，未写工作簿（先用 xxgk check 核对，或改正后再试）：",
                                  "error: {file} has input errors; no workbook written (fix them first):", file=source),
                               *(f.format_line() for f in errors)])
    return loaded.figures


def write_workbook(target: Path, year: int, version: str, source: Path | None, *, force: bool) -> list[str]:
    """Write the workbook; what to print on success.  :class:`TemplateRefused` otherwise."""
    from . import xlsx_template

    if target.suffix.lower() != ".xlsx":
        raise TemplateRefused([tr("错误：工作簿的文件名应以 .xlsx 结尾（xxgk 按扩展名识别数据文件：{suffixes}）：{file}",
                                  "error: a workbook's name must end in .xlsx (xxgk knows data files by their "
                                  "extension: {suffixes}): {file}", suffixes=", ".join(readers.SUFFIXES), file=target)],
                              status=2)
    if target.exists() and not force:
        raise TemplateRefused([tr("错误：{file} 已存在，未覆盖（其中可能已有填写的数字；确需重写请加 --force）",
                                  "error: {file} exists and was not overwritten (it may hold figures typed in; add "
                                  "--force to rewrite it)", file=target)])
    figures = _source_figures(source, version, year) if source is not None else None
    try:
        xlsx_template.write(target, version, year, figures)
    except OSError as e:
        raise TemplateRefused([tr("错误：无法写入 {file}：{e}", "error: cannot write {file}: {e}", file=target,
                                  e=e.strerror or e)]) from e
    lines = [tr("已写入 {file}：{year} 年度报告的填报工作簿（{version} 年版格式）",
                "wrote {file}: the fill-in workbook for the {year} report ({version} format)",
                file=target, year=year, version=version)]
    if source is not None:
        lines.append(tr("已填入 {source} 中的数值；留空的仍为空白，不适用的为 /",
                        "pre-filled with the figures of {source}; blank stays blank, not applicable is /", source=source))
    return lines
