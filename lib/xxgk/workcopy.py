"""``xxgk notebook``: a working copy of the notebook template for exploring one report in JupyterLab.

Analysts explore in the copy, not in the template: the copy's parameters cell is set for the report,
so it runs as it is, and whatever is changed or saved in it stays there.  (Saving the template
changes no report either, see :mod:`xxgk.notebook`, but an edit to one of its cells does.)

The copy is ``<root>/notebooks/work/<year>-<township>.ipynb``: beside the template when the root is
the project (``notebooks/work/`` is git-ignored there), and under the root's own ``notebooks/work/``
for another root, so that the copy's root, ``../..``, is the root whichever it is (JupyterLab
starts the kernel in the notebook's folder).  The copy is the normalised template, so it carries no
outputs and no jupytext pairing (JupyterLab with jupytext would otherwise write a ``.py`` beside it).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

from . import atomic, notebook, paths
from .i18n import T, get_lang
from .paths import Layout, check_township_name

WORK_DIR = paths.WORK_DIR
#: The root as the copy sees it from ``<root>/notebooks/work/``.
COPY_ROOT = "../.."

MESSAGES = {
    "no_data": T("找不到数据文件 {path}，未写工作副本", "no data file {path}; no working copy written"),
    "exists": T("{path} 已存在，未覆盖（其中可能有您的修改；确需重写请加 --force）",
                "{path} exists and was not overwritten (it may hold your changes; add --force to rewrite it)"),
    "written": T("已写入 {path}", "wrote {path}"),
    "open": T("在 JupyterLab 中打开：{command}", "open it in JupyterLab: {command}"),
}


def _msg(key: str, **values) -> str:
    return MESSAGES[key].format(**values).render()


class Refused(Exception):
    """Nothing was written; the message says why."""


def copy_path(root: Path | str, township: str, year: int) -> Path:
    return Layout(Path(root)).work_copy(township, year)


def write(root: Path | str, township: str, year: int, *, force: bool = False) -> Path:
    """Write the working copy for one report and return its path; :class:`Refused` when the name is
    unsafe, the report has no data file, or a copy exists and ``force`` is not given."""
    bad = check_township_name(township, year)
    if bad is not None:
        raise Refused(f"{bad.rule} {bad.text()}")
    data = Layout(Path(root)).data_file(township, year)
    if not data.is_file():
        raise Refused(_msg("no_data", path=data))
    target = copy_path(root, township, year)
    if target.exists() and not force:
        raise Refused(_msg("exists", path=target))
    import nbformat

    nb = notebook.with_parameters(notebook.load_template(), {
        "township": township, "year": year, "root": COPY_ROOT, "publish": False, "lang": get_lang()})
    text = nbformat.writes(nb)
    atomic.write_text(target, text if text.endswith("\n") else text + "\n")
    return target


def _shell_word(text: str) -> str:
    # Quote only when the shell needs it: a Chinese name reads better bare, and is safe bare.
    return shlex.quote(text) if re.search(r"[\s'\"\\$`&;|<>()*?!#~{}\[\]]", text) else text


def jupyter_command() -> str:
    """The venv's ``jupyter``, as the analyst would type it from the current folder."""
    beside = Path(sys.executable).parent / "jupyter"
    if not beside.is_file():
        return "jupyter"
    try:
        relative = os.path.relpath(beside)
    except ValueError:  # another drive, on Windows
        return str(beside)
    return relative if not relative.startswith("..") else str(beside)


def main(root: Path | str, township: str, year: int, *, force: bool = False) -> list[str]:
    """What ``xxgk notebook`` prints on success (raises :class:`Refused` or OSError otherwise)."""
    path = write(root, township, year, force=force)
    return [_msg("written", path=path),
            _msg("open", command=f"{_shell_word(jupyter_command())} lab {_shell_word(str(path))}")]
