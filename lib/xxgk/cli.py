"""The ``xxgk`` command.

Exit status, for every command: 0 success (warnings allowed), 1 errors in the inputs or a report
that failed (or warnings under ``--strict``), 2 a usage error.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__, spec, writers
from .csv_input import template_csv
from .i18n import set_lang, tr

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=tr("政府信息公开工作年度报告，可复现：经核验的数据 → 官方表格 → HTML。",
            "Reproducible 政府信息公开工作年度报告: checked CSV figures → official tables → HTML."),
)

ROOT_OPTION = typer.Option(Path("."), "--root", help=tr("存放 data/、params/ 和 output/ 的文件夹。",
                                                        "Folder holding data/, params/ and output/."))


def _lang_callback(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            set_lang(value)
        except ValueError:
            raise typer.BadParameter(tr("请用 zh 或 en", "use zh or en"))
    return value


LANG_OPTION = typer.Option(None, "--lang", callback=_lang_callback, is_eager=True, metavar="zh|en",
                           help=tr("提示信息的语言：zh（默认）或 en；也可设置环境变量 XXGK_LANG。",
                                   "Language of the messages: zh (default) or en; or set XXGK_LANG."))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"xxgk {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help=tr("显示版本并退出。", "Print the kit's version and exit.")),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    pass


@app.command(help=tr(
    "打印某年度格式的空白填报 CSV：每个数据单元格一行；或用 --xlsx 写填报工作簿。\n\n"
    "工作簿按官方表格排版（填表说明、表二、表三、表四），标签锁定，输入单元格带数据验证；--from 用已有的数据文件"
    "（本年的 CSV 或工作簿，或上一年同一版本格式的数据）预先填好。已有的文件不会被覆盖，除非加 --force。"
    "退出状态：0：已写入；1：文件已存在或 --from 的文件有错误（什么也没写）；2：用法错误。",
    "Print the blank fill-in CSV for a year's format, every data cell one line; or write the fill-in workbook with "
    "--xlsx.\n\nThe workbook is laid out as the official tables (填表说明, 表二, 表三, 表四), labels locked, input "
    "cells validated; --from pre-fills it from a data file (this year's CSV or workbook, or last year's figures of "
    "the same format version). An existing file is not overwritten without --force. Exit status: 0 written; 1 the "
    "file exists or the --from file has errors (nothing written); 2 usage error."))
def template(year: int = typer.Option(..., "--year", help=tr("报告年度；据此选择格式版本。", "Reporting year; picks the format version.")),
             format: Optional[str] = typer.Option(None, "--format", help=tr("指定格式版本（如 2019 或 2021）。",
                                                                            "Force a format version (such as 2019 or 2021).")),
             xlsx: Optional[Path] = typer.Option(None, "--xlsx", metavar="FILE",
                                                 help=tr("写填报工作簿（.xlsx）到这个文件，而不是打印 CSV。",
                                                         "Write the fill-in workbook (.xlsx) to this file instead of printing the CSV.")),
             source: Optional[Path] = typer.Option(None, "--from", metavar="DATA",
                                                   help=tr("用这个数据文件（.csv 或 .xlsx）的数值预先填好工作簿。",
                                                           "Pre-fill the workbook with the figures of this data file (.csv or .xlsx).")),
             force: bool = typer.Option(False, "--force", help=tr("覆盖已有的文件。", "Overwrite an existing file.")),
             lang: Optional[str] = LANG_OPTION) -> None:
    """Print the blank fill-in CSV for a year's format, or write the fill-in workbook (--xlsx)."""
    if format is None and year < spec.first_year():
        typer.echo(tr("没有 {first} 年以前报告年度的官方格式", "no official format is encoded for reporting years before {first}",
                      first=spec.first_year()), err=True)
        raise typer.Exit(2)
    version = format or spec.version_for_year(year)
    if version not in spec.versions():
        typer.echo(tr("未知的格式 {v}：请用 {known}", "unknown format {v}: use {known}", v=repr(version),
                      known=" / ".join(spec.versions())), err=True)
        raise typer.Exit(2)
    if xlsx is None:
        if source is not None:
            typer.echo(tr("--from 只用于工作簿：请同时给出 --xlsx FILE", "--from fills a workbook: give --xlsx FILE too"), err=True)
            raise typer.Exit(2)
        sys.stdout.write(template_csv(version))
        return
    from .template_cli import TemplateRefused, write_workbook

    try:
        lines = write_workbook(xlsx, year, version, source, force=force)
    except TemplateRefused as e:
        for line in e.lines:
            typer.echo(line, err=True)
        raise typer.Exit(e.status)
    for line in lines:
        typer.echo(line)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command(help=tr(
    "不生成报告，只检查数据和参数：一份报告，或 data/ 下的全部报告。\n\n"
    "先列输入错误（报告无法生成），再列未通过的勾稽关系检查、合理性提示，最后是未填报的数据"
    "（按表格行合并；--verbose 逐个列出）。\n\n"
    "退出状态：0：没有输入错误（允许有警告和提示）；1：有输入错误，或 --strict 下有警告；"
    "2：用法错误（选项有误，或没有匹配的数据文件）。",
    "Check data and params without rendering: one report, or every report under data/.\n\n"
    "Input errors first (the report cannot be rendered), then failed consistency checks, plausibility notes, and "
    "missing data (blank figures, folded by table row; every cell with --verbose).\n\n"
    "Exit status: 0 no errors (warnings and notes allowed); 1 errors, or warnings under --strict; 2 usage error "
    "(bad option, or no data file matches the options)."))
def check(
    township: Optional[str] = typer.Option(None, "--township", help=tr("只检查这个乡镇（默认：全部）。", "Only this township (default: every township).")),
    year: Optional[int] = typer.Option(None, "--year", help=tr("只检查这个年度（默认：全部）。", "Only this reporting year (default: every year).")),
    root: Path = ROOT_OPTION,
    strict: bool = typer.Option(False, "--strict", help=tr("有警告（检查未通过）也以 1 退出，而不只是错误。",
                                                            "Exit 1 on warnings (failed checks) too, not only on errors.")),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", case_sensitive=False,
                                       help=tr("text：给人看，每个问题一行；json：给程序用，列出每项结果。",
                                               "text: one line per finding, for people; json: every finding and rule result, for tools.")),
    verbose: bool = typer.Option(False, "--verbose", "-v", help=tr("逐个列出未填报的单元格和无法判断的检查。",
                                                                   "List every blank cell and every check that could not be assessed.")),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    """Check data and params without rendering: one report, or every report under data/.

    Input errors first (the report cannot be rendered), then failed consistency checks, plausibility notes, and missing data (blank figures, folded by table row; every cell with --verbose).

    Exit status: 0 no errors (warnings and notes allowed); 1 errors, or warnings under --strict; 2 usage error (bad option, or no data file matches the options).
    """
    from . import check as checking

    raise typer.Exit(checking.main(root, township, year, strict, format.value, verbose=verbose))


#: ``--to``'s choices: the output formats of :mod:`xxgk.writers`, one writer module each.
OutputFormat = Enum("OutputFormat", {name: name for name in writers.names()}, type=str)


def _to_help() -> str:
    return tr("", " ").join(w.help.render() for w in writers.registry().values())


@app.command(help=tr(
    "生成一份报告：output/<年度>/<乡镇>.html 及旁边已执行的笔记本。\n\n"
    "输入有错误（或 --strict 下有警告）时什么也不写，而是逐行列出问题。"
    "退出状态：0：已生成；1：拒绝生成或笔记本运行失败；2：用法错误。",
    "Render one report: output/<year>/<township>.html and the executed notebook beside it.\n\n"
    "Nothing is written when the inputs have errors (or warnings, under --strict): each finding is printed on its "
    "own line instead. Exit status: 0 rendered; 1 refused or the notebook failed; 2 usage error."))
def render(
    township: str = typer.Option(..., "--township", help=tr("乡镇（乡/镇/街道），与 data/<年度>/<乡镇>.csv（或 .xlsx）中的一致。",
                                                            "The township (乡/镇/街道), as in data/<year>/<township>.csv (or .xlsx).")),
    year: int = typer.Option(..., "--year", help=tr("报告年度。", "Reporting year.")),
    root: Path = ROOT_OPTION,
    publish: bool = typer.Option(False, "--publish",
                                 help=tr("发布稿：没有审阅横幅、单元格标记和数据核验部分。",
                                         "The copy to publish: no review banner, cell highlights or 数据核验 panel.")),
    strict: bool = typer.Option(False, "--strict", help=tr("有警告也不生成，而不只是错误。",
                                                            "Refuse to render when there are warnings, not only errors.")),
    to: OutputFormat = typer.Option(OutputFormat(writers.DEFAULT), "--to", case_sensitive=False, help=_to_help()),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    """Render one report: output/<year>/<township>.html and the executed notebook beside it.

    Nothing is written when the inputs have errors (or warnings, under --strict): each finding is
    printed on its own line instead. Exit status: 0 rendered; 1 refused or the notebook failed;
    2 usage error.
    """
    from . import render as rendering
    from .check import Checked, write_text
    from .findings import tally, tally_text

    publish = publish or writers.get(to.value).publish  # what is printed or filed is what an office publishes

    try:
        result = rendering.render(root, township, year, publish=publish, strict=strict, to=to.value)
    except Exception as e:  # a broken installation, a full disk: one line, not a traceback
        typer.echo(tr("错误：{t} {y}：{e}", "error: {t} {y}: {e}", t=township, y=year, e=f"{type(e).__name__}: {e}"), err=True)
        raise typer.Exit(1)
    if result.status == "refused":
        # The same lines as xxgk check: what matters first, blank cells folded.
        refused = [f for f in result.findings if f.status == "fail"]
        version = result.report.version if result.report else None
        write_text([Checked(township, year, refused, version)], sys.stderr, color=False)
        typer.echo(f"{township} {year}：{result.error}" if tr("zh", "en") == "zh" else f"{township} {year}: {result.error}",
                   err=True)
        _say_stale(result)
        raise typer.Exit(1)
    if result.status == "failed":
        typer.echo(tr("错误：{t} {y}：{e}", "error: {t} {y}: {e}", t=township, y=year, e=result.error), err=True)
        if result.notebook_path:
            typer.echo(tr("已执行的笔记本（出错的单元已标出）：{p}", "the executed notebook, failing cell marked: {p}",
                          p=result.notebook_path), err=True)
        _say_stale(result)
        raise typer.Exit(1)
    for path in result.written:
        typer.echo(tr("已写入 {p}", "wrote {p}", p=path))
    t = tally(result.findings)
    if t.failed or t.notes or t.missing:
        where = tr("审阅稿末尾的“数据核验”", "the review copy's 数据核验 panel") if not publish else "xxgk check"
        typer.echo(tr("{t}；详见{w}", "{t}; see {w}", t=tally_text(t), w=where), err=True)


def _say_stale(result) -> None:
    if result.stale:
        typer.echo(tr("旧的输出与当前数据不符，已改名为过期文件（不要当作当前报告）：{files}",
                      "the old outputs do not match the current inputs and were renamed as stale (do not read them "
                      "as the current report): {files}", files=", ".join(str(p) for p in result.stale)), err=True)


class BatchEngine(str, Enum):
    auto = "auto"
    inprocess = "inprocess"
    kernel = "kernel"


@app.command(help=tr(
    "检查并生成 data/ 下每个乡镇年度的报告，并行进行，跳过没有变化的。\n\n"
    "为每份报告写 output/<年度>/<乡镇>.html 和 .ipynb，以及 output/manifest.json、审阅总览 output/index.html 和 "
    "output/summary.csv。一份报告失败不影响其他报告；它已执行的笔记本保留，出错的单元已标出。"
    "Ctrl-C 干净地停止：已完成的报告会被记录，下次只生成其余的。\n\n"
    "退出状态：0：每份报告都已生成（允许有警告）；1：有报告失败或有输入错误（或 --strict 下有警告），"
    "或 --scheduler 的调度器连不上、没有可用的工作节点（什么也没写）；2：用法错误；130/143：被中断。",
    "Check and render every township-year under data/, in parallel, skipping what has not changed.\n\n"
    "Writes output/<year>/<township>.html and .ipynb for each report, output/manifest.json, the review dashboard "
    "output/index.html and output/summary.csv. A failing report does not stop the others; its executed notebook is "
    "kept with the failing cell marked. Ctrl-C stops cleanly: finished reports are recorded and the next run renders "
    "only the rest.\n\nExit status: 0 every report rendered (warnings allowed); 1 a report failed or has input "
    "errors (or warnings, under --strict), or the --scheduler cannot be reached or has no worker fit to render "
    "(nothing written); 2 usage error; 130/143 interrupted."))
def batch(
    root: Path = ROOT_OPTION,
    years: Optional[str] = typer.Option(None, "--years", help=tr("只处理这些年度：2019-2024、2021 或逗号分隔的列表。",
                                                                 "Only these years: 2019-2024, 2021, or a comma list.")),
    townships: Optional[str] = typer.Option(None, "--townships", help=tr("只处理这些乡镇，逗号分隔。", "Only these townships, comma-separated.")),
    jobs: int = typer.Option(0, "-j", "--jobs", help=tr("同时生成的报告数（默认：每个 CPU 核一个）。",
                                                        "Reports rendered at a time (default: one per CPU core).")),
    force: bool = typer.Option(False, "--force", help=tr("重新生成所选的每份报告，即使自上次以来没有变化。",
                                                          "Render every selected report, even those unchanged since their last render.")),
    strict: bool = typer.Option(False, "--strict", help=tr("有警告的报告不生成，计为失败。",
                                                            "A report with warnings is not rendered and counts as failed.")),
    publish: bool = typer.Option(False, "--publish", help=tr("生成发布稿（没有审阅横幅、单元格标记和数据核验部分）。",
                                                              "Render the copies to publish (no review banner, highlights or 数据核验 panel).")),
    engine: BatchEngine = typer.Option(BatchEngine.auto, "--engine", case_sensitive=False,
                                       help=tr("inprocess：每份报告派生一个新进程，在新的 IPython 环境中运行（快）；"
                                               "kernel：每份报告一个 Jupyter 内核，与 xxgk render 相同；auto：能派生进程时用 inprocess。",
                                               "inprocess: a fresh process forked per report, cells run in a fresh IPython shell (fast); "
                                               "kernel: a Jupyter kernel per report, as xxgk render; auto: inprocess where fork exists.")),
    to: OutputFormat = typer.Option(OutputFormat(writers.DEFAULT), "--to", case_sensitive=False, help=_to_help()),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help=tr(
        "在 dask 集群上生成：tcp://主机:端口 为运行中的调度器；local:N 在本机启动 N 个工作进程试用。默认：本机的工作进程（-j）。",
        "Render on a dask cluster: tcp://host:port of a running scheduler, or local:N to start N worker processes "
        "on this machine to try it. Default: this machine's worker processes (-j).")),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    """Check and render every township-year under data/, in parallel, skipping what has not changed.

    Writes output/<year>/<township>.html and .ipynb for each report, output/manifest.json, the review dashboard output/index.html and output/summary.csv. A failing report does not stop the others; its executed notebook is kept with the failing cell marked. Ctrl-C stops cleanly: finished reports are recorded and the next run renders only the rest.

    Exit status: 0 every report rendered (warnings allowed); 1 a report failed or has input errors (or warnings, under --strict), or the --scheduler cannot be reached or has no worker fit to render (nothing written); 2 usage error; 130/143 interrupted.
    """
    from . import batch as batching
    from .batch_display import display_for, summary_lines
    from .pools import PoolError

    writer = writers.get(to.value)
    publish = publish or writer.publish
    lacking = None if scheduler else writer.missing()  # a cluster's workers write the files, with their programs
    if lacking:  # before any report is checked or rendered
        typer.echo(tr("错误：无法生成 {fmt}：{why}", "error: cannot write {fmt}: {why}", fmt=to.value.upper(), why=lacking),
                   err=True)
        raise typer.Exit(1)
    try:
        opts = batching.Options(root=root, years=batching.parse_years(years),
                                townships=batching.parse_townships(townships), jobs=jobs, force=force,
                                strict=strict, publish=publish, engine=engine.value, to=to.value,
                                scheduler=scheduler)
        if not scheduler:
            opts.resolved_engine()
        if jobs < 0:
            raise batching.UsageError(tr("-j 须为 1 或以上（0：每个 CPU 核一个）", "-j must be 1 or more (0: one per CPU core)"))
    except batching.UsageError as e:
        typer.echo(tr("错误：{e}", "error: {e}", e=e), err=True)
        raise typer.Exit(2)
    display = display_for(sys.stderr)
    try:
        result = batching.run_batch(opts, on_event=display)
    except batching.UsageError as e:
        display.close()
        typer.echo(tr("错误：{e}", "error: {e}", e=e), err=True)
        raise typer.Exit(2)
    except PoolError as e:
        display.close()
        typer.echo(tr("错误：{e}", "error: {e}", e=e), err=True)
        raise typer.Exit(1)
    display.close()
    out = root / "output"
    for line in summary_lines(result, str(out), force=force):
        typer.echo(line, err=True)
    raise typer.Exit(result.exit_code)


@app.command("notebook", help=tr(
    "为在 JupyterLab 中查看一份报告写一个笔记本工作副本：根目录下的 notebooks/work/<年度>-<乡镇>.ipynb，参数已设为该报告。\n\n"
    "请在副本中查看，不要改 notebooks/annual_report.ipynb。退出状态：0：已写入；1：该报告没有数据文件、名称不安全，"
    "或副本已存在（什么也没写）；2：用法错误。",
    "Write a working copy of the report notebook for exploring one report in JupyterLab: "
    "notebooks/work/<year>-<township>.ipynb under the root, its parameters set for that report.\n\n"
    "Explore there, not in notebooks/annual_report.ipynb. Exit status: 0 written; 1 no data file for the report, an "
    "unsafe name, or the copy exists (nothing written); 2 usage error."))
def notebook_copy(
    township: str = typer.Option(..., "--township", help=tr("乡镇（乡/镇/街道），与 data/<年度>/<乡镇>.csv（或 .xlsx）中的一致。",
                                                            "The township (乡/镇/街道), as in data/<year>/<township>.csv (or .xlsx).")),
    year: int = typer.Option(..., "--year", help=tr("报告年度。", "Reporting year.")),
    root: Path = ROOT_OPTION,
    force: bool = typer.Option(False, "--force", help=tr("覆盖已有的工作副本（及其中的改动）。",
                                                          "Overwrite an existing working copy (and any changes made in it).")),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    """Write a working copy of the report notebook for exploring one report in JupyterLab: notebooks/work/<year>-<township>.ipynb under the root, its parameters set for that report.

    Explore there, not in notebooks/annual_report.ipynb. Exit status: 0 written; 1 no data file for the report, an unsafe name, or the copy exists (nothing written); 2 usage error.
    """
    from . import workcopy

    try:
        lines = workcopy.main(root, township, year, force=force)
    except workcopy.Refused as e:
        typer.echo(tr("错误：{e}", "error: {e}", e=e), err=True)
        raise typer.Exit(1)
    except OSError as e:  # a read-only folder, a full disk: one line, not a traceback
        typer.echo(tr("错误：{t} {y}：{e}", "error: {t} {y}: {e}", t=township, y=year, e=e), err=True)
        raise typer.Exit(1)
    for line in lines:
        typer.echo(line)


@app.command("demo-data", help=tr(
    "为 N 个示例乡镇 × 年度写入合成的、符合勾稽关系的示例数据和参数。\n\n"
    "名称（示例镇001……）不会被误认为真实机关。没有 --force 时绝不覆盖已有文件。"
    "退出状态：0：已写入；1：文件已存在（什么也没写）；2：用法错误。",
    "Write synthetic, rule-consistent sample data and params for N townships × years.\n\n"
    "The names (示例镇001…) cannot be mistaken for real bodies. Existing files are never overwritten without "
    "--force. Exit status: 0 written; 1 a file exists (nothing written); 2 usage error."))
def demo_data(
    townships: int = typer.Option(..., "--townships", min=1, help=tr("示例乡镇的个数（示例镇001、示例镇002……）。",
                                                                     "How many synthetic townships (示例镇001, 示例镇002, …).")),
    years: str = typer.Option(..., "--years", help=tr("报告年度，例如 2019-2024。", "Reporting years, e.g. 2019-2024.")),
    root: Path = ROOT_OPTION,
    seed: int = typer.Option(0, "--seed", help=tr("种子相同，文件相同。", "Same seed, same files.")),
    with_errors: bool = typer.Option(False, "--with-errors", help=tr("故意埋入几处未通过的检查和输入错误。",
                                                                      "Plant a few deliberate rule failures and input errors.")),
    force: bool = typer.Option(False, "--force", help=tr("覆盖已有的示例文件。", "Overwrite demo files that already exist.")),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    """Write synthetic, rule-consistent sample data and params for N townships × years.

    The names (示例镇001…) cannot be mistaken for real bodies. Existing files are never overwritten without --force. Exit status: 0 written; 1 a file exists (nothing written); 2 usage error.
    """
    from . import batch as batching
    from . import demo_data as demo

    try:
        year_set = batching.parse_years(years)
        if year_set and min(year_set) < spec.first_year():
            raise batching.UsageError(tr("--years：没有 {first} 年以前报告年度的官方格式",
                                         "--years: no official format is encoded for reporting years before {first}",
                                         first=spec.first_year()))
    except batching.UsageError as e:
        typer.echo(tr("错误：{e}", "error: {e}", e=e), err=True)
        raise typer.Exit(2)
    try:
        written = demo.write_demo(root, townships, sorted(year_set or ()), seed=seed, with_errors=with_errors, force=force)
    except demo.Exists as e:
        typer.echo(tr("错误：{e}", "error: {e}", e=e), err=True)
        raise typer.Exit(1)
    typer.echo(tr("已在 {root} 下写入 {d} 个数据文件和 {p} 个参数文件", "wrote {d} data files and {p} params files under {root}",
                  d=len(written.data), p=len(written.params), root=root))
    for township, year, what in written.planted:
        typer.echo(tr("埋入 {y} {t}：{what}", "planted in {y} {t}: {what}", y=year, t=township, what=what))


@app.command("import", help=tr(
    "导入已发布的年度报告（网页、文本、PDF 或 Word），写出本工具的数据文件和参数文件。\n\n"
    "SOURCE 是文件，或文件夹（其中每个文件各导入一份，每份一行摘要）。乡镇和年度取自标题，格式版本取自表格所印的标签。"
    "已有文件不覆盖，除非加 --force（并说明改了什么）。不臆造数值：源文件中空白的仍为空白，缺失的列出；"
    "--infer 只补官方勾稽关系推得出的数值，并注明。\n\n"
    "退出状态：0：每个数据单元格都读出或在源文件中为空白；1：有单元格读不出、源文件无法导入或文件已存在；2：用法错误。",
    "Import published annual reports (web page, text, PDF or Word) as the kit's data and params files.\n\n"
    "SOURCE is a file, or a folder whose files are each imported (one summary line each). Township and year come "
    "from the title, the format version from the labels the tables print. Existing files are kept unless --force "
    "(which says what changed). No figure is invented: blank stays blank, lost cells are listed; --infer fills only "
    "what the official rules force, marked.\n\n"
    "Exit status: 0 every data cell read or blank in the source; 1 cells could not be read, a source could not be "
    "imported, or files exist; 2 usage error."))
def import_(
    sources: list[Path] = typer.Argument(..., metavar="SOURCE...", help=tr("要导入的文件或文件夹。", "Files or folders to import.")),
    root: Path = ROOT_OPTION,
    township: Optional[str] = typer.Option(None, "--township", help=tr("乡镇名称（默认取自标题）。", "The township (default: from the title).")),
    year: Optional[int] = typer.Option(None, "--year", help=tr("报告年度（默认取自标题）。", "Reporting year (default: from the title).")),
    infer: bool = typer.Option(False, "--infer", help=tr("补上官方勾稽关系推得出的缺失数值，并在 note 列注明。",
                                                          "Fill lost figures the official rules force, marked in the note column.")),
    force: bool = typer.Option(False, "--force", help=tr("覆盖已有的数据文件和参数文件，并说明改了什么。",
                                                          "Overwrite existing data and params files, saying what changed.")),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", case_sensitive=False,
                                       help=tr("text：给人看；json：给程序用，列出每个单元格。",
                                               "text: for people; json: every cell, for tools.")),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    from .importer import report, run

    files: list[Path] = []
    for source in sources:
        if not source.exists():
            typer.echo(tr("错误：{p} 不存在", "error: {p} does not exist", p=source), err=True)
            raise typer.Exit(2)
        files += run.sources_in(source)
    if not files:
        typer.echo(tr("错误：没有可导入的文件（可导入 .html .htm .shtml .txt .pdf .docx）",
                      "error: nothing to import (.html .htm .shtml .txt .pdf .docx are imported)"), err=True)
        raise typer.Exit(2)
    if (township or year) and len(files) > 1:
        typer.echo(tr("错误：--township 和 --year 只能用于一个文件", "error: --township and --year name one file's report"),
                   err=True)
        raise typer.Exit(2)
    results = []
    for path in files:
        try:
            results.append(run.import_source(path, root, township=township, year=year, infer=infer, force=force))
        except Exception as e:  # a bug must not stop the other files, nor show a traceback
            failed = run.Imported(path, failed=True)
            from .findings import finding

            failed.findings.append(finding("E-IMPORT-SOURCE", "unreadable", args={"reason": f"{type(e).__name__}: {e}"},
                                           file=str(path)))
            results.append(failed)
    if format is CheckFormat.json:
        typer.echo(report.to_json(results, root))
    else:
        report.write_text(results, root, sys.stdout, full=len(files) == 1)
    raise typer.Exit(max(r.exit_code for r in results))


def _argv_lang(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main() -> None:
    from .startup import do_without_unused_imports

    do_without_unused_imports()
    # Help texts are made when the commands are declared, in the language of the moment: for
    # ``--lang en --help`` declare them again once the language is known.
    from .i18n import get_lang, normalise

    wanted = normalise(_argv_lang(sys.argv[1:]))
    if wanted and wanted != get_lang():
        import importlib

        set_lang(wanted)
        importlib.reload(sys.modules[__name__]).app()
        return
    app()
