"""The notebook template: where it is, its identity (hash), and the stop it makes on bad input.

The template is ``notebooks/annual_report.ipynb`` of the kit's source tree (the project is
installed in editable mode); its paired ``annual_report.py`` is the reviewable text of the same cells.

Analysts open the template in JupyterLab, run it and save it. What JupyterLab saves (outputs,
execution counts, widget state, cell metadata such as ``collapsed`` or ``execution``, the kernel it
ran with, other defaults in the parameters cell) must change no report, so the kit never uses the
file as saved: :func:`normalise` keeps only what makes a report, every report is executed from
that, and the template's hash is of that. Only the standard library is used for reading and
hashing (``xxgk batch`` hashes the template to decide that nothing needs rendering).
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

TEMPLATE_NAME = "annual_report.ipynb"
PAIRED_NAME = "annual_report.py"
#: Another template file to render with, instead of the kit's (the tests render from a copy).
TEMPLATE_ENV = "XXGK_TEMPLATE"

#: The parameters every report sets (render passes them all, papermill injects them after the
#: parameters cell): their values in the template are only JupyterLab defaults, never in a report.
PARAMETERS = ("township", "year", "root", "publish", "lang")
PARAMETERS_TAG = "parameters"
#: What stands for a parameter's value in the form that is hashed.
_PLACEHOLDER = "..."
#: The kernel every report runs with (``execute.KERNEL_NAME``), as ipykernel's spec names it;
#: whichever kernel JupyterLab last ran the template with is not the one reports run with.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def notebooks_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "notebooks"


def template_path() -> Path:
    """The kit's template, or the file ``$XXGK_TEMPLATE`` names."""
    chosen = os.environ.get(TEMPLATE_ENV)
    path = Path(chosen) if chosen else notebooks_dir() / TEMPLATE_NAME
    if not path.is_file():
        where = f"${TEMPLATE_ENV} names {path}, which is not a file" if chosen else \
            f"notebook template not found at {path}; is the kit installed from its source tree?"
        raise FileNotFoundError(where)
    return path


def paired_path() -> Path:
    return notebooks_dir() / PAIRED_NAME


# --- the template as the kit uses it ------------------------------------------------------------


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def set_parameter_values(source: str, values: Mapping[str, str]) -> str:
    """``source`` (a parameters cell) with the value of each top-level assignment to a name in
    ``values`` replaced by that Python expression text; names, annotations, comments and any other
    statement kept as they are. Source that does not parse is returned unchanged."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    spans = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name = node.target.id
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        else:
            continue
        if name in values:
            spans.append((node.value, values[name]))
    if not spans:
        return source
    # ast positions are line numbers and UTF-8 byte columns.
    raw = source.encode("utf-8")
    starts = [0]
    for line in raw.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for value, text in sorted(spans, key=lambda s: (s[0].lineno, s[0].col_offset), reverse=True):
        begin = starts[value.lineno - 1] + value.col_offset
        end = starts[value.end_lineno - 1] + value.end_col_offset
        raw = raw[:begin] + text.encode("utf-8") + raw[end:]
    return raw.decode("utf-8")


def literal(value: Any) -> str:
    """A parameter's value as Python source (strings in double quotes, CJK kept readable)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def normalise(nb: Mapping[str, Any], values: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The notebook as the kit uses it, from a template as JupyterLab may have saved it.

    Kept: each cell's type, id, source and tags (and a Markdown cell's attachments). Cleared:
    outputs, execution counts, every other cell and notebook metadata (the kernelspec is set to
    the kernel reports run with; ``language_info`` is written by the kernel that runs it). The
    values of :data:`PARAMETERS` in the parameters cell become ``values`` (Python expression text),
    by default a placeholder: only the values papermill injects matter to a report.
    """
    values = values if values is not None else {name: _PLACEHOLDER for name in PARAMETERS}
    cells, used = [], set()
    for index, cell in enumerate(nb.get("cells", [])):
        kind = cell.get("cell_type")
        tags = [t for t in (cell.get("metadata") or {}).get("tags") or [] if isinstance(t, str)]
        source = _source(cell)
        if PARAMETERS_TAG in tags:
            source = set_parameter_values(source, values)
        # A file from before nbformat 4.5 has no ids; nbformat would invent random ones.
        cid = cell.get("id") if isinstance(cell.get("id"), str) and cell.get("id") not in used else None
        if cid is None:
            cid, n = f"cell-{index}", 1
            while cid in used:
                n += 1
                cid = f"cell-{index}-{n}"
        used.add(cid)
        out: dict[str, Any] = {"cell_type": kind, "id": cid, "metadata": {"tags": tags} if tags else {},
                               "source": source}
        if kind == "code":
            out.update(execution_count=None, outputs=[])
        elif cell.get("attachments"):
            out["attachments"] = copy.deepcopy(cell["attachments"])
        cells.append(out)
    return {"cells": cells, "metadata": {"kernelspec": dict(KERNELSPEC)}, "nbformat": 4, "nbformat_minor": 5}


def _digest(normalised: Mapping[str, Any]) -> str:
    text = json.dumps(normalised, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity(nb: Mapping[str, Any]) -> str:
    """sha256 of the normalised notebook: equal for two templates that make the same reports."""
    return _digest(normalise(nb))


@lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int, size: int) -> tuple[dict[str, Any], str]:
    normalised = normalise(json.loads(path.read_text(encoding="utf-8")))
    return normalised, _digest(normalised)


def _template() -> tuple[dict[str, Any], str]:
    path = template_path()
    st = path.stat()
    return _read(path, st.st_mtime_ns, st.st_size)


def template_sha256() -> str:
    """The template's identity, for the provenance footer and for knowing when to re-render:
    what JupyterLab saves beside the cells does not change it, an edit to a cell does."""
    return _template()[1]


_SHOWN = 20


class InputErrors(Exception):
    """The report's inputs have errors; raised in the notebook so that no wrong report follows."""

    def __init__(self, report: "Report"):
        from .findings import tally
        from .i18n import tr

        self.findings = [f for f in report.findings if f.is_error]
        lines = [f.format_line() for f in self.findings[:_SHOWN]]
        if len(self.findings) > _SHOWN:
            lines.append(tr("… 另有 {n} 项，均列在上方“数据核验”中", "… and {n} more, all listed in 数据核验 above",
                            n=len(self.findings) - _SHOWN))
        super().__init__(tr("{t} {y}：输入错误 {n} 项，未生成报告", "{t} {y}: {n} input error(s), no report made",
                            t=report.township, y=report.year, n=tally(self.findings).errors) + "\n" + "\n".join(lines))

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the findings are the whole story.
        return [f"InputErrors: {self}"]


def stop_on_input_errors(report: "Report") -> None:
    """Show the input errors and stop the notebook when there are any; do nothing otherwise."""
    if not report.has_input_errors:
        return
    from IPython.display import HTML, display

    from . import html

    display(HTML(html.review_panel(report, publish=False)))
    raise InputErrors(report)


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int, size: int):
    import nbformat

    return nbformat.from_dict(_read(path, mtime_ns, size)[0])


def load_template():
    """The normalised template as a NotebookNode, read once per process (callers must not modify
    it): parameter values are placeholders; :func:`for_report` fills them in."""
    path = template_path()
    st = path.stat()
    return _load(path, st.st_mtime_ns, st.st_size)


def with_parameters(template, parameters: Mapping[str, Any]):
    """A copy of ``template`` whose parameters cell shows ``parameters``' values, so that the
    notebook reads as the report it makes and never as the defaults someone last saved."""
    import nbformat

    values = {name: literal(value) for name, value in parameters.items()}
    nb = nbformat.from_dict(copy.deepcopy(template))
    for cell in nb.cells:
        if PARAMETERS_TAG in cell.metadata.get("tags", []):
            cell.source = set_parameter_values(cell.source, values)
    return nb


def for_report(parameters: Mapping[str, Any]):
    """The template to execute for one report (``parameters`` as papermill will inject them)."""
    if set(parameters) != set(PARAMETERS):
        raise ValueError(f"a report sets exactly {', '.join(PARAMETERS)}; got {', '.join(parameters)}")
    return with_parameters(load_template(), parameters)
