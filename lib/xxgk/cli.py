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

from . import __version__, spec
from .load import template_csv

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Reproducible 政府信息公开工作年度报告: checked CSV figures → official tables → HTML.",
)

ROOT_OPTION = typer.Option(Path("."), "--root", help="Folder holding data/, params/ and output/.")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"xxgk {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the kit's version and exit."),
) -> None:
    pass


@app.command()
def template(year: int = typer.Option(..., "--year", help="Reporting year; picks the format version."),
             format: Optional[str] = typer.Option(None, "--format", help="Force a format version: 2019 or 2021.")) -> None:
    """Print the blank fill-in CSV for a year's format: every data cell, one line each."""
    if format is None and year < spec.FIRST_YEAR:
        typer.echo(f"no official format is encoded for reporting years before {spec.FIRST_YEAR}", err=True)
        raise typer.Exit(2)
    version = format or spec.version_for_year(year)
    if version not in spec.VERSIONS:
        typer.echo(f"unknown format {version!r}: use 2019 or 2021", err=True)
        raise typer.Exit(2)
    sys.stdout.write(template_csv(version))


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def check(
    township: Optional[str] = typer.Option(None, "--township", help="Only this township (default: every township)."),
    year: Optional[int] = typer.Option(None, "--year", help="Only this reporting year (default: every year)."),
    root: Path = ROOT_OPTION,
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too, not only on errors."),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", case_sensitive=False,
                                       help="text: one line per finding, for people; json: every finding and rule result, for tools."),
) -> None:
    """Check data and params without rendering: one report, or every report under data/.

    Lists every input error (the report cannot be rendered), every failed consistency rule (warning), plausibility notes, and the checks that could not be assessed because figures are blank.

    Exit status: 0 no errors (warnings and notes allowed); 1 errors, or warnings under --strict; 2 usage error (bad option, or no data file matches the options).
    """
    from . import check as checking

    raise typer.Exit(checking.main(root, township, year, strict, format.value))


class OutputFormat(str, Enum):
    html = "html"
    pdf = "pdf"


@app.command()
def render(
    township: str = typer.Option(..., "--township", help="The township (乡/镇/街道), as in data/<year>/<township>.csv."),
    year: int = typer.Option(..., "--year", help="Reporting year."),
    root: Path = ROOT_OPTION,
    publish: bool = typer.Option(False, "--publish",
                                 help="The copy to publish: no review banner, cell highlights or 数据核验 panel."),
    strict: bool = typer.Option(False, "--strict", help="Refuse to render when there are warnings, not only errors."),
    to: OutputFormat = typer.Option(OutputFormat.html, "--to", case_sensitive=False,
                                    help="pdf: also print the published copy to A4 PDF, output/<year>/<township>.pdf, "
                                         "through headless Chromium (implies --publish)."),
) -> None:
    """Render one report: output/<year>/<township>.html and the executed notebook beside it.

    Nothing is written when the inputs have errors (or warnings, under --strict): each finding is
    printed on its own line instead. Exit status: 0 rendered; 1 refused or the notebook failed;
    2 usage error.
    """
    from . import render as rendering
    from .findings import problems, sort_findings

    publish = publish or to is OutputFormat.pdf  # what is printed is what an office publishes

    try:
        result = rendering.render(root, township, year, publish=publish, strict=strict, to=to.value)
    except Exception as e:  # a broken installation, a full disk: one line, not a traceback
        typer.echo(f"error: {township} {year}: {type(e).__name__}: {e}", err=True)
        raise typer.Exit(1)
    if result.status == "refused":
        for f in sort_findings(problems(result.findings)):
            typer.echo(f.format_line(), err=True)
        typer.echo(f"{township} {year}: {result.error}", err=True)
        raise typer.Exit(1)
    if result.status == "failed":
        typer.echo(f"error: {township} {year}: {result.error}", err=True)
        if result.notebook_path:
            typer.echo(f"the executed notebook, failing cell marked: {result.notebook_path}", err=True)
        raise typer.Exit(1)
    for path in result.written:
        typer.echo(f"wrote {path}")
    warnings = [f for f in result.findings if f.is_warning]
    if warnings:
        where = "the review copy's 数据核验 panel" if not publish else "xxgk check"
        typer.echo(f"{len(warnings)} warning(s); see {where}", err=True)


class BatchEngine(str, Enum):
    auto = "auto"
    inprocess = "inprocess"
    kernel = "kernel"


@app.command()
def batch(
    root: Path = ROOT_OPTION,
    years: Optional[str] = typer.Option(None, "--years", help="Only these years: 2019-2024, 2021, or a comma list."),
    townships: Optional[str] = typer.Option(None, "--townships", help="Only these townships, comma-separated."),
    jobs: int = typer.Option(0, "-j", "--jobs", help="Reports rendered at a time (default: one per CPU core)."),
    force: bool = typer.Option(False, "--force", help="Render every selected report, even those unchanged since their last render."),
    strict: bool = typer.Option(False, "--strict", help="A report with warnings is not rendered and counts as failed."),
    publish: bool = typer.Option(False, "--publish", help="Render the copies to publish (no review banner, highlights or 数据核验 panel)."),
    engine: BatchEngine = typer.Option(BatchEngine.auto, "--engine", case_sensitive=False,
                                       help="inprocess: a fresh process forked per report, cells run in a fresh IPython shell (fast); "
                                            "kernel: a Jupyter kernel per report, as xxgk render; auto: inprocess where fork exists."),
    to: OutputFormat = typer.Option(OutputFormat.html, "--to", case_sensitive=False,
                                    help="pdf: also print each published copy to A4 PDF beside its HTML (implies --publish)."),
) -> None:
    """Check and render every township-year under data/, in parallel, skipping what has not changed.

    Writes output/<year>/<township>.html and .ipynb for each report, output/manifest.json, the review dashboard output/index.html and output/summary.csv. A failing report does not stop the others; its executed notebook is kept with the failing cell marked. Ctrl-C stops cleanly: finished reports are recorded and the next run renders only the rest.

    Exit status: 0 every report rendered (warnings allowed); 1 a report failed or has input errors (or warnings, under --strict); 2 usage error; 130/143 interrupted.
    """
    from . import batch as batching
    from .batch_display import display_for, summary_lines

    publish = publish or to is OutputFormat.pdf
    if to is OutputFormat.pdf:
        from .browser import missing

        if missing():
            typer.echo(f"error: cannot print PDF: {missing()}", err=True)
            raise typer.Exit(1)
    try:
        opts = batching.Options(root=root, years=batching.parse_years(years),
                                townships=batching.parse_townships(townships), jobs=jobs, force=force,
                                strict=strict, publish=publish, engine=engine.value, to=to.value)
        opts.resolved_engine()
        if jobs < 0:
            raise batching.UsageError("-j must be 1 or more (0: one per CPU core)")
    except batching.UsageError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    display = display_for(sys.stderr)
    try:
        result = batching.run_batch(opts, on_event=display)
    except batching.UsageError as e:
        display.close()
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    display.close()
    out = root / "output"
    for line in summary_lines(result, str(out), force=force):
        typer.echo(line, err=True)
    raise typer.Exit(result.exit_code)


@app.command("notebook")
def notebook_copy(
    township: str = typer.Option(..., "--township", help="The township (乡/镇/街道), as in data/<year>/<township>.csv."),
    year: int = typer.Option(..., "--year", help="Reporting year."),
    root: Path = ROOT_OPTION,
    force: bool = typer.Option(False, "--force", help="Overwrite an existing working copy (and any changes made in it)."),
) -> None:
    """Write a working copy of the report notebook for exploring one report in JupyterLab: notebooks/work/<year>-<township>.ipynb under the root, its parameters set for that report.

    Explore there, not in notebooks/annual_report.ipynb. Exit status: 0 written; 1 no data file for the report, an unsafe name, or the copy exists (nothing written); 2 usage error.
    """
    from . import workcopy

    try:
        lines = workcopy.main(root, township, year, force=force)
    except workcopy.Refused as e:
        typer.echo(f"错误：{e}", err=True)  # en: "error: …"
        raise typer.Exit(1)
    except OSError as e:  # a read-only folder, a full disk: one line, not a traceback
        typer.echo(f"错误：{township} {year}：{e}", err=True)
        raise typer.Exit(1)
    for line in lines:
        typer.echo(line)


@app.command("demo-data")
def demo_data(
    townships: int = typer.Option(..., "--townships", min=1, help="How many synthetic townships (示例镇001, 示例镇002, …)."),
    years: str = typer.Option(..., "--years", help="Reporting years, e.g. 2019-2024."),
    root: Path = ROOT_OPTION,
    seed: int = typer.Option(0, "--seed", help="Same seed, same files."),
    with_errors: bool = typer.Option(False, "--with-errors", help="Plant a few deliberate rule failures and input errors."),
    force: bool = typer.Option(False, "--force", help="Overwrite demo files that already exist."),
) -> None:
    """Write synthetic, rule-consistent sample data and params for N townships × years.

    The names (示例镇001…) cannot be mistaken for real bodies. Existing files are never overwritten without --force. Exit status: 0 written; 1 a file exists (nothing written); 2 usage error.
    """
    from . import batch as batching
    from . import demo_data as demo

    try:
        year_set = batching.parse_years(years)
        if year_set and min(year_set) < spec.FIRST_YEAR:
            raise batching.UsageError(f"--years: no official format is encoded for reporting years before {spec.FIRST_YEAR}")
    except batching.UsageError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    try:
        written = demo.write_demo(root, townships, sorted(year_set or ()), seed=seed, with_errors=with_errors, force=force)
    except demo.Exists as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1)
    typer.echo(f"wrote {len(written.data)} data files and {len(written.params)} params files under {root}")
    for township, year, what in written.planted:
        typer.echo(f"planted in {year} {township}: {what}")


def main() -> None:
    app()
