"""Run the notebook template with papermill, then scrub it so that its bytes depend only on its inputs.

Engines go through papermill's own registry (:func:`register_engine`): ``kernel`` is papermill's
nbclient engine (a fresh Jupyter kernel per report); a faster engine can be registered under another
name as long as its executed notebook, once scrubbed, is the same.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import nbformat
import papermill
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
from papermill.parameterize import parameterize_notebook
from papermill.utils import chdir
from traitlets.config import Config

from .i18n import tr

KERNEL_NAME = "python3"
#: Kernel command-line options: no IPython history database (parallel kernels would contend for
#: its SQLite lock, and a report has no history worth keeping); only critical kernel log lines,
#: so that the kernel's shutdown chatter does not reach the analyst's terminal.
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False", "--IPKernelApp.log_level=CRITICAL")


@contextmanager
def _client_config() -> Iterator[Config]:
    """nbclient configuration for one execution.

    On POSIX the kernel talks over Unix sockets in a private temporary folder rather than TCP:
    no ports to race for when kernels start in parallel, nothing listening on the network, and
    no socket files in the kernel's working directory (the output folder).  The kernel is stopped
    at once after the last cell: it has nothing to save, and the graceful path waits ~0.4 s.
    """
    config = Config({"NotebookClient": {"shutdown_kernel": "immediate", "extra_arguments": list(KERNEL_ARGUMENTS)}})
    if os.name != "posix":
        yield config
        return
    sockets = tempfile.mkdtemp(prefix="xxgk-kernel-")
    try:
        config.merge(Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "k")}}))
        yield config
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


_PREFIX = "xxgk-"
ENGINES: dict[str, str] = {}

#: Papermill bookkeeping that records when, not what.
_TIMES = ("start_time", "end_time", "duration")


def register_engine(name: str, engine: type) -> None:
    """Make a papermill :class:`~papermill.engines.Engine` subclass available as ``engine=name``.

    The engine receives nbclient's options (``record_timing``, ``config``, timeouts) among its
    keyword arguments and may ignore them; mix in :class:`KeepNotebook` so that a failed run's
    notebook reaches the caller.  Whatever it does, the scrubbed result must be byte-identical to
    the ``kernel`` engine's for the same inputs.
    """
    papermill_engines.register(_PREFIX + name, engine)
    ENGINES[name] = _PREFIX + name


class KeepNotebook:
    """Engine mixin: hands the notebook being executed to a sink, also when a cell fails.

    papermill raises on a failed cell without returning the notebook (and we give it no output
    path to save to), but the failed notebook is what an analyst needs to see."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, xxgk_sink: list | None = None, **kwargs):
        if xxgk_sink is not None:
            xxgk_sink.append(nb)
        return super().execute_notebook(nb, kernel_name, **kwargs)


class KernelEngine(KeepNotebook, NBClientEngine):
    """papermill's nbclient engine: a fresh kernel for each report."""


register_engine("kernel", KernelEngine)


class ExecutionFailed(Exception):
    """The notebook could not be run to the end. ``notebook`` is the (scrubbed) notebook as far as
    it got, with papermill's markers at the failing cell, or None if it never started."""

    def __init__(self, message: str, notebook: nbformat.NotebookNode | None = None,
                 cell_index: int | None = None, kernel_started: bool = True):
        super().__init__(message)
        self.notebook = notebook
        self.cell_index = cell_index
        self.kernel_started = kernel_started


@dataclass(frozen=True)
class Labels:
    """What the executed notebook records as its input and output paths (stable, not absolute)."""

    input_path: str
    output_path: str


def execute(template: nbformat.NotebookNode, parameters: dict[str, Any], *, cwd: Path | str,
            labels: Labels, engine: str = "kernel", start_timeout: int = 60,
            execution_timeout: int | None = 600) -> nbformat.NotebookNode:
    """The template executed with ``parameters`` (typed: str, int, bool) in ``cwd``, scrubbed.

    Raises :class:`ExecutionFailed` when a cell raises, the kernel dies or does not start.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(sorted(ENGINES))}")
    template_ids = [c.get("id") for c in template.cells]
    sink: list[nbformat.NotebookNode] = []
    try:
        nb = prepare(template, parameters, ENGINES[engine])
        with _client_config() as config, chdir(str(cwd)):
            nb = papermill_engines.execute_notebook_with_engine(
                ENGINES[engine], nb, input_path=None, output_path=None, kernel_name=KERNEL_NAME, progress_bar=False,
                log_output=False, start_timeout=start_timeout, stdout_file=None, stderr_file=None,
                execution_timeout=execution_timeout, record_timing=False, xxgk_sink=sink, config=config,
            )
        raise_for_execution_errors(nb, None)
    except PapermillExecutionError as e:
        nb = scrub(sink[-1], template_ids, labels) if sink else None
        raise ExecutionFailed(tr("第 {n} 个单元出错：{name}: {value}", "cell {n} raised {name}: {value}",
                                 n=e.cell_index + 1, name=e.ename, value=_first_line(e.evalue)),
                              nb, e.cell_index) from e
    except Exception as e:  # kernel that dies or never starts, timeouts: nbclient raises several kinds
        nb = scrub(sink[-1], template_ids, labels) if sink else None
        started = nb is not None and any(c.get("execution_count") for c in nb.cells)
        raise ExecutionFailed(f"{type(e).__name__}: {_first_line(str(e)) or tr('内核故障', 'kernel failure')}",
                              nb, kernel_started=started) from e
    return scrub(nb, template_ids, labels)


def prepare(template: nbformat.NotebookNode, parameters: dict[str, Any], engine_name: str) -> nbformat.NotebookNode:
    """A copy of ``template`` as ``papermill.execute_notebook(template, None, parameters,
    prepare_only=True)`` returns it: papermill's metadata, the injected parameters cell.

    Made with papermill's own steps, without the two round trips that call makes for a notebook
    given as an object with no output path: it serialises and re-reads the notebook to load it, and
    serialises it again to write it nowhere (each with a validation; ~4% of a report's CPU in a
    batch).  The template is a notebook read by nbformat already, so the re-read changes nothing.
    """
    nb = nbformat.from_dict(template)  # papermill parameterises the notebook it is given in place
    # What papermill's load_notebook_node adds to a notebook it loads.
    if "papermill" not in nb.metadata:
        nb.metadata["papermill"] = {"default_parameters": {}, "parameters": {}, "environment_variables": {},
                                    "version": papermill.__version__}
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    if parameters:
        nb = parameterize_notebook(nb, parameters, False, kernel_name=KERNEL_NAME, engine_name=engine_name)
    nb = prepare_notebook_metadata(nb, None, None, False)
    return remove_error_markers(nb)


def _first_line(text: str) -> str:
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def scrub(nb: nbformat.NotebookNode, template_ids: list[str | None], labels: Labels) -> nbformat.NotebookNode:
    """Remove what varies between runs of the same inputs, in place.

    - papermill's start/end times and durations (notebook and cells), and the paths it was run
      from (replaced by ``labels``);
    - nbclient's per-cell ``execution`` timestamps (also switched off with ``record_timing``);
    - random cell ids of cells papermill adds (injected parameters, error markers): derived from
      their tag or position instead; the template's own ids are kept.
    """
    pm = nb.metadata.setdefault("papermill", {})
    for key in _TIMES:
        pm.pop(key, None)
    pm["input_path"] = labels.input_path
    pm["output_path"] = labels.output_path
    known = {i for i in template_ids if i}
    used: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell_pm = cell.metadata.get("papermill")
        if cell_pm is not None:
            for key in _TIMES:
                cell_pm.pop(key, None)
        cell.metadata.pop("execution", None)
        cid = cell.get("id")
        if cid not in known or cid in used:
            tags = cell.metadata.get("tags") or []
            base = tags[0] if tags else f"cell-{index}"
            cid, n = base, 1
            while cid in known or cid in used:
                n += 1
                cid = f"{base}-{n}"
            cell["id"] = cid
        used.add(cid)
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """The notebook's file content: nbformat's canonical JSON (sorted keys), one trailing newline."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"
