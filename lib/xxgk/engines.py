"""A papermill engine that runs the notebook's cells in a fresh IPython shell in this process.

Why: a Jupyter kernel per report costs about a second of CPU before the first cell runs (process
start, imports, sockets, shell) and the batch renders hundreds of reports.  ``xxgk batch`` forks
one process per report from a parent that has already imported the kit, pandas and IPython; in
that process this engine plays the kernel's part, so the imports are paid once per batch while
every report still runs in a process that has run no other report's code.

Fidelity: the executed notebook must be the one the kernel path (``engine="kernel"``) records, so
that the page is byte-identical.  The shell below mirrors ipykernel's ``ZMQInteractiveShell``
and nbclient's bookkeeping:

- ``display()`` → a ``display_data`` output with the formatter's mime bundle and metadata,
  round-tripped through the same JSON packing jupyter_client uses on the wire, with the fields
  nbformat's ``output_from_msg`` takes (not validated one by one against the schema as that
  function does, at ~0.5 ms an output: the executed notebook is validated whole when written);
- the value of a cell's last expression → ``execute_result`` with the execution count;
- ``print``/stderr → ``stream`` outputs, flushed where ipykernel flushes (before a display, a
  traceback or a clear, at the end of the cell, and on an explicit ``flush()``);
- an exception → an ``error`` output with IPython's structured traceback (or the exception's
  ``_render_traceback_``), execution stops there unless the cell is tagged ``raises-exception``;
- execution counts from 1, empty cells and ``skip-execution`` cells are not run, and the
  notebook's ``language_info`` is what ipykernel's ``kernel_info`` reply says.

The engine refuses to run a second notebook in the same process: that is what makes "a fresh
process per report" true rather than a convention.

Known differences from a kernel, none of which the report notebook relies on: output written
straight to file descriptors 1 and 2 (by C code or a subprocess) does not reach the notebook
(ipykernel captures it; here it goes to the worker's log); ``input()`` meets end-of-file rather
than ipykernel's StdinNotImplementedError; ``get_ipython().kernel`` does not exist; IPython's
profile start-up files are not run; pandas sizes a DataFrame's *text* repr by console detection
that tells a ZMQ shell from this one, so a cell that leaves a DataFrame as its value records a
different ``text/plain`` (its HTML is the same): the notebook displays frames as HTML explicitly.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any, Iterable

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.inputtransformer2 import TransformerManager
from IPython.core.interactiveshell import InteractiveShell
from ipykernel.compiler import XCachingCompiler
from ipykernel.jsonutil import encode_images
from jupyter_client.session import json_packer, json_unpacker
from nbformat import from_dict
from papermill.engines import Engine
from traitlets import Any as AnyTrait
from traitlets import CBool, Instance, Type
from traitlets.config import Config

from . import execute

ENGINE_NAME = "inprocess"

#: What ipykernel's ``kernel_info`` reply gives as ``language_info`` (ipykernel.ipkernel); the
#: kernel runs on this same interpreter, so the version is ours.
LANGUAGE_INFO = {
    "name": "python",
    "version": sys.version.split()[0],
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}

#: Environment ipykernel's shell sets up for the user's code (ZMQInteractiveShell.init_environment,
#: IPKernelApp.init_gui_pylab); set here too so that code which reads it behaves the same.
KERNEL_ENVIRONMENT = {
    "TERM": "xterm-color", "CLICOLOR": "1", "FORCE_COLOR": "1", "CLICOLOR_FORCE": "1",
    "PAGER": "cat", "GIT_PAGER": "cat",
}

_PYTHON_KERNELS = {"python3", "python"}


class AlreadyUsed(RuntimeError):
    """The in-process engine has already run a notebook (or another IPython shell exists) here."""


class CellFailed(Exception):
    """A cell raised; its error output is already in the cell."""

    def __init__(self, cell_index: int, ename: str, evalue: str):
        super().__init__(f"cell {cell_index + 1}: {ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


class CellTimeout(Exception):
    """Raised inside a cell that runs longer than the execution timeout."""


#: What nbformat.v4.output_from_msg takes from each kind of output message.
_OUTPUT_FIELDS = {
    "execute_result": ("metadata", "data", "execution_count"),
    "stream": ("name", "text"),
    "display_data": ("metadata", "data"),
    "error": ("ename", "evalue", "traceback"),
}


def _output(msg_type: str, content: dict):
    return from_dict({"output_type": msg_type, **{k: content[k] for k in _OUTPUT_FIELDS[msg_type]}})


def _wire(content: dict) -> dict:
    """The content as the notebook client receives it: JSON-packed and unpacked as by jupyter_client."""
    return json_unpacker(json_packer(content))


class _Outputs:
    """Collects the outputs of the cell being executed, as nbclient would append them."""

    def __init__(self) -> None:
        self.cell: Any = None
        self.clear_pending = False
        #: display_id → [(cell, output index)], for update_display_data.
        self.display_ids: dict[str, list[tuple[Any, int]]] = {}

    def append(self, msg_type: str, content: dict) -> None:
        if self.cell is None:  # output after the cell finished (a thread): nowhere to put it
            return
        content = _wire(content)
        transient = content.pop("transient", None) or {}
        display_id = transient.get("display_id")
        if msg_type == "update_display_data":
            for cell, index in self.display_ids.get(display_id, []):
                out = cell.outputs[index]
                out["data"], out["metadata"] = content["data"], content["metadata"]
            return
        out = _output(msg_type, content)
        if self.clear_pending:
            self.cell.outputs[:] = []
            self.clear_pending = False
        if display_id:
            self.display_ids.setdefault(display_id, []).append((self.cell, len(self.cell.outputs)))
        self.cell.outputs.append(out)

    def clear(self, wait: bool) -> None:
        if self.cell is None:
            return
        if wait:
            self.clear_pending = True
        else:
            self.cell.outputs[:] = []


class _Stream:
    """sys.stdout / sys.stderr while a cell runs: text is held until flushed, like ipykernel's OutStream."""

    encoding = "UTF-8"
    errors = "strict"

    def __init__(self, name: str, outputs: _Outputs):
        self.name = name
        self._outputs = outputs
        self._buffer: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            self._buffer.append(text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            text, self._buffer = "".join(self._buffer), []
        if text:
            self._outputs.append("stream", {"name": self.name, "text": text})

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False


def _flush_streams() -> None:
    sys.stdout.flush()
    sys.stderr.flush()


class _Publisher(DisplayPublisher):
    """display() → display_data / update_display_data / clear_output, as ZMQDisplayPublisher sends them."""

    outputs = AnyTrait()

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        _flush_streams()
        metadata = {} if metadata is None else metadata
        transient = {} if transient is None else transient
        self._validate_data(data, metadata)
        content = {"data": encode_images(data), "metadata": metadata, "transient": transient}
        self.outputs.append("update_display_data" if update else "display_data", content)

    def clear_output(self, wait=False):
        _flush_streams()
        self.outputs.clear(wait)


class _DisplayHook(DisplayHook):
    """A cell's last expression → execute_result, as ZMQShellDisplayHook sends it."""

    outputs = AnyTrait()

    def start_displayhook(self):
        self.content = {"data": {}, "metadata": {}}

    def write_output_prompt(self):
        self.content["execution_count"] = self.prompt_count

    def write_format_data(self, format_dict, md_dict=None):
        self.content["data"] = encode_images(format_dict)
        self.content["metadata"] = md_dict

    def finish_displayhook(self):
        _flush_streams()
        content, self.content = self.content, None
        if content and content["data"]:
            self.outputs.append("execute_result", content)


class _Transforms(TransformerManager):
    """IPython's static input transformations (magics, ``!``, ``?``, prompts), kept per cell text.

    They depend on the text alone, and tokenize it several times over (~4% of a report); a
    template's cells are the same text in every report, and the batch transforms them once before
    it forks (:func:`prepare_shell`).  The dynamic part (IPython's prefilter) is not kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._transformed: dict[str, str] = {}

    def transform_cell(self, cell: str) -> str:
        done = self._transformed.get(cell)
        if done is None:
            done = self._transformed[cell] = super().transform_cell(cell)
        return done


class _Shell(InteractiveShell):
    """ipykernel's shell without the sockets: outputs go to the notebook being executed."""

    input_transformer_manager = Instance(_Transforms, ())
    displayhook_class = Type(_DisplayHook)
    display_pub_class = Type(_Publisher)
    # ipykernel's compiler names cells after a hash of their code (warnings and tracebacks show it).
    compiler_class = Type(XCachingCompiler)
    readline_use = CBool(False)
    autoindent = CBool(False)

    def init_displayhook(self):
        super().init_displayhook()
        self.displayhook.outputs = self.xxgk_outputs

    def init_display_pub(self):
        super().init_display_pub()
        self.display_pub.outputs = self.xxgk_outputs

    def __init__(self, *args, outputs: _Outputs, **kwargs):
        # Set before the parent initialiser, which builds the display hook and publisher.
        self.xxgk_outputs = outputs
        super().__init__(*args, **kwargs)

    def _showtraceback(self, etype, evalue, stb):
        _flush_streams()
        self.xxgk_outputs.append("error", {"traceback": stb, "ename": str(etype.__name__), "evalue": str(evalue)})
        self._last_traceback = stb

    def enable_gui(self, gui=None):
        raise NotImplementedError("GUI event loops are not available when rendering a report")


#: A shell made in the batch's parent before it forks (:func:`prepare_shell`), never used there;
#: the first notebook a worker runs takes it.
_prepared: _Shell | None = None

_SHELL_CONFIG = {"HistoryManager": {"enabled": False}}


def prepare_shell(sources: Iterable[str] = ()) -> None:
    """Build the shell once, in the process that forks the workers: building one (its traitlets,
    magics, display hook and publisher) costs ~15 ms, which every worker would pay again.  No cell
    runs in it here; each worker gets its own copy of it, unused, with the fork.  The cells'
    ``sources`` (the template's) are put through IPython's static transformations, text to text."""
    global _prepared
    if _prepared is None and not InteractiveShell.initialized():
        _prepared = _Shell.instance(config=Config(_SHELL_CONFIG), outputs=_Outputs())
    if _prepared is not None:
        for source in sources:
            _prepared.input_transformer_manager.transform_cell(source)


def new_shell(outputs: _Outputs) -> _Shell:
    """A fresh shell configured as the kernel's (no history database: see execute.KERNEL_ARGUMENTS):
    the prepared one, if this process has it and no notebook has taken it, or a new one."""
    global _prepared
    shell, _prepared = _prepared, None
    if shell is not None:
        shell.xxgk_outputs = shell.displayhook.outputs = shell.display_pub.outputs = outputs
    elif InteractiveShell.initialized():
        raise AlreadyUsed("an IPython shell already exists in this process; the in-process engine "
                          "runs one report per fresh process (xxgk batch forks one for each)")
    else:
        shell = _Shell.instance(config=Config(_SHELL_CONFIG), outputs=outputs)
    # The kernel's working directory is importable from the notebook (IPython's init_path).
    if "" not in sys.path:
        sys.path.insert(0, "")
    return shell


class InProcessEngine(Engine):
    """papermill engine: the cells run here, in a fresh IPython shell (see the module docstring)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, xxgk_sink: list | None = None, **kwargs):
        # Same contract as execute._KeepNotebook: the caller gets the notebook even if a cell fails.
        if xxgk_sink is not None:
            xxgk_sink.append(nb)
        return super().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, execution_timeout=None, **kwargs):
        if kernel_name not in _PYTHON_KERNELS:
            raise ValueError(f"the in-process engine runs Python notebooks only, not kernel {kernel_name!r}")
        outputs = _Outputs()
        shell = new_shell(outputs)
        os.environ.update(KERNEL_ENVIRONMENT)
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        nb = nb_man.nb
        for index, cell in enumerate(nb.cells):
            try:
                nb_man.cell_start(cell, index)
                # papermill parses this time back (dateutil) in cell_complete to record a duration;
                # scrub drops both, and the parse is ~2% of a report.
                cell.metadata.papermill.pop("start_time", None)
                _run_cell(shell, outputs, cell, index, execution_timeout)
            except CellFailed as ex:
                nb_man.cell_exception(nb.cells[index], cell_index=index, exception=ex)
                break
            finally:
                nb_man.cell_complete(nb.cells[index], cell_index=index)
        nb.metadata["language_info"] = dict(LANGUAGE_INFO, codemirror_mode=dict(LANGUAGE_INFO["codemirror_mode"]))
        return nb


def _run_cell(shell: _Shell, outputs: _Outputs, cell, index: int, timeout: float | None) -> None:
    """One cell, as nbclient's execute_cell and ipykernel's do_execute would run it."""
    if cell.cell_type != "code" or not cell.source.strip():
        return
    tags = cell.metadata.get("tags", [])
    if "skip-execution" in tags:
        return
    cell.outputs = []
    cell.execution_count = shell.execution_count
    outputs.cell, outputs.clear_pending = cell, False
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout", outputs), _Stream("stderr", outputs)
    alarm = _Alarm(timeout)
    try:
        with alarm:
            result = shell.run_cell(cell.source, store_history=True, silent=False)
        _flush_streams()
    finally:
        sys.stdout, sys.stderr = saved
        outputs.cell = None
    if not result.success and "raises-exception" not in tags:
        error = result.error_before_exec or result.error_in_exec
        raise CellFailed(index, type(error).__name__, str(error))


class _Alarm:
    """Interrupt a cell that runs past the timeout (SIGALRM: main thread of a POSIX process only)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds if seconds and hasattr(signal, "setitimer") \
            and threading.current_thread() is threading.main_thread() else None

    def _fire(self, signum, frame):
        raise CellTimeout(f"a cell ran longer than {self.seconds:g} seconds")

    def __enter__(self):
        if self.seconds:
            self._previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
        return False


execute.register_engine(ENGINE_NAME, InProcessEngine)
