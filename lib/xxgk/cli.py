"""The ``xxgk`` command.

Exit status, for every command: 0 success (warnings allowed), 1 errors in the inputs or a report
that failed (or warnings under ``--strict``), 2 a usage error.
"""

from __future__ import annotations

import sys
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
    version = format or spec.version_for_year(year)
    if version not in spec.VERSIONS:
        typer.echo(f"unknown format {version!r}: use 2019 or 2021", err=True)
        raise typer.Exit(2)
    sys.stdout.write(template_csv(version))


def main() -> None:
    app()
