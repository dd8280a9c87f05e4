"""``xxgk batch``: every township-year under ``data/``, checked and rendered in parallel, incrementally.

Design (the reasons are in issue 4's measurements):

- **Plan** in this process with the standard library only: list the reports, hash their inputs,
  and skip those the manifest says are current.  Nothing to do → no notebook machinery is even
  imported, so a no-change run over hundreds of reports takes a fraction of a second.
- **Warm up** once: import what every report needs (IPython, papermill, nbconvert, pandas, the
  kit, and every module the notebook template imports) and build the HTML exporter.
- **Fork** one worker process per report, ``-j`` at a time.  The worker runs
  :func:`xxgk.render.render` with the in-process engine (:mod:`xxgk.engines`): a fresh IPython
  shell in a process that has run no other report's code.  Where ``fork`` is unavailable, or
  with ``engine="kernel"``, the worker starts a Jupyter kernel per report instead.
- The worker sends its outcome back as one JSON document over a pipe; its stdout and stderr go
  to a private temporary file, read back only if it dies without a word.
- A report whose kernel (or in-process shell) fails to start is retried once in a new worker.
- **Stop** on SIGINT/SIGTERM: kill every worker and whatever it started, remove the temporary
  files they were writing beside their targets, record what finished, exit.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import manifest as mf
from .i18n import tr
from .paths import Layout

#: Engines a batch can use: "inprocess" forks a warm worker per report (fast), "kernel" starts a
#: Jupyter kernel per report (what ``xxgk render`` does).  "auto" picks inprocess where fork exists.
ENGINES = ("auto", "inprocess", "kernel")
FORK_AVAILABLE = hasattr(os, "fork")
#: How long a stopping batch waits for a killed worker before giving up on it.
KILL_WAIT = 3.0
#: The manifest is saved at most this often while a batch runs, so an interrupted batch loses
#: little; with thousands of reports a save takes longer, and the pause grows to keep saving under
#: 1/SAVE_SHARE of the parent's time.
SAVE_EVERY = 1.0
SAVE_SHARE = 20


class UsageError(Exception):
    """The options select nothing, or make no sense (exit status 2)."""


# --- options and discovery --------------------------------------------------------------------


def parse_years(text: str | None) -> set[int] | None:
    """``2019-2024``, ``2021``, or a comma list of either; None for all years."""
    if text is None or not text.strip():
        return None
    years: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{4})\s*(?:[-–~]\s*(\d{4}))?", part)
        if not m:
            raise UsageError(tr("--years：{p} 不是年度，也不是 2019-2024 这样的范围", "--years: {p} is not a year or a range such as 2019-2024",
                                p=repr(part)))
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise UsageError(tr("--years：{p} 起止颠倒", "--years: {p} runs backwards", p=repr(part)))
        years.update(range(first, last + 1))
    return years


def parse_townships(text: str | None) -> list[str] | None:
    """``A,B`` (ASCII or full-width commas); None for all townships."""
    if text is None or not text.strip():
        return None
    names = [n.strip() for n in re.split(r"[,，、]", text) if n.strip()]
    return names or None


def discover(root: Path, years: set[int] | None = None, townships: Iterable[str] | None = None) -> list[tuple[str, int]]:
    """Every (township, year) with a data file under ``root/data``, filtered; by year then name."""
    wanted = set(townships) if townships is not None else None
    found = [(t, y) for t, y in Layout(Path(root)).reports()
             if (years is None or y in years) and (wanted is None or t in wanted)]
    if not found:
        what = []
        if years is not None:
            what.append(tr("年度 {y}", "years {y}", y=_years_text(years)))
        if wanted is not None:
            what.append(tr("乡镇 {t}", "townships {t}", t=", ".join(sorted(wanted))))
        raise UsageError(tr("{root} 下没有{what}数据文件（应为 data/<年度>/<乡镇>.csv 或 .xlsx；--root 是否正确？）",
                            "no data file{what} under {root} (expected data/<year>/<township>.csv or .xlsx; is --root right?)",
                            root=Path(root) / "data",
                            what=tr("{w}的", " for {w}", w=tr("、", " and ").join(what)) if what else ""))
    return found


def _years_text(years: set[int]) -> str:
    ys = sorted(years)
    return f"{ys[0]}-{ys[-1]}" if len(ys) > 1 and ys[-1] - ys[0] + 1 == len(ys) else ",".join(map(str, ys))


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Options:
    root: Path
    years: set[int] | None = None
    townships: list[str] | None = None
    jobs: int = 0  # 0: one per CPU core
    force: bool = False
    strict: bool = False
    publish: bool = False
    engine: str = "auto"
    to: str = "html"  # an output format of xxgk.writers: "pdf", "docx" also write that file of each copy to publish
    #: Language of the review panel, banner and messages; "" for the process's (``--lang``, XXGK_LANG).
    lang: str = ""

    def __post_init__(self) -> None:
        from . import writers

        try:
            writer = writers.get(self.to)
        except ValueError as e:
            raise UsageError(str(e)) from None
        if writer.publish:  # pdf and docx are of the copy to publish, however the options were made
            object.__setattr__(self, "publish", True)

    def resolved_lang(self) -> str:
        from .i18n import get_lang

        return self.lang or get_lang()

    def resolved_engine(self) -> str:
        if self.engine not in ENGINES:
            raise UsageError(tr("未知的引擎 {e}；请用 {known} 之一", "unknown engine {e}; use one of {known}",
                                e=repr(self.engine), known=", ".join(ENGINES)))
        if self.engine == "auto":
            return "inprocess" if FORK_AVAILABLE else "kernel"
        if self.engine == "inprocess" and not FORK_AVAILABLE:
            raise UsageError(tr("inprocess 引擎需要 os.fork，本平台没有；请用 --engine kernel",
                                "the inprocess engine needs os.fork, which this platform lacks; use --engine kernel"))
        return self.engine


# --- outcomes ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One report's result in this batch (``skipped`` when it was current).

    ``entry`` is the manifest entry for a report that failed (the summary names its error and
    notebook) and just its status otherwise: a batch of thousands keeps every outcome."""

    township: str
    year: int
    status: str  # a manifest status, or "skipped"
    entry: dict[str, Any]
    attempts: int = 0
    seconds: float = 0.0

    @property
    def error(self) -> str | None:
        return self.entry.get("error")

    @property
    def last_status(self) -> str:
        return self.entry.get("status", self.status)


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)
    total: int = 0
    interrupted: str | None = None  # the signal's name
    seconds: float = 0.0
    engine: str = ""
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[Outcome]:
        """Reports that are not fine: failed now, or input errors found now or before (unchanged since)."""
        return [o for o in self.outcomes if o.last_status in (mf.FAILED, mf.INPUT_ERRORS)]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 128 + getattr(signal, self.interrupted).value
        return 1 if self.failures else 0


# --- the worker: runs in the forked (or spawned) process ----------------------------------------


def _figures(report) -> dict[str, Any]:
    """The dashboard's key figures, as the narrative's placeholders print them ('' blank, '/' n/a)."""
    from .narrative import placeholder_values
    from .values import NA

    values = placeholder_values(report) if report.figures is not None else {}
    out = {}
    for name in ("new_applications", "granted", "granted_share", "carried_out", "reviews", "lawsuits"):
        v = values.get(name)
        out[name] = "" if v is None else "/" if v is NA else str(v)
    return out


def _failed_checks(findings, version: str | None) -> list[dict[str, Any]]:
    """Failed findings grouped by code, in the order the review shows them: title, category,
    severity, how many, the first few messages (blank cells folded by table row)."""
    from . import catalogue
    from .findings import sort_findings
    from .missing import grouped

    groups: dict[str, dict[str, Any]] = {}
    for f in sort_findings(f for f in findings if f.status == "fail"):
        g = groups.get(f.rule)
        if g is None:
            code = catalogue.get(f.rule)
            g = groups[f.rule] = {"rule": f.rule, "title": catalogue.title(f.rule), "severity": f.severity,
                                  "category": code.category if code else "input", "is_rule": bool(code and code.is_rule),
                                  "count": 0, "messages": [], "across_years": 0, "across_messages": []}
        where = f.where()
        message = f"{where}: {f.text()}" if where else f.text()
        g["count"] += f.count
        if len(g["messages"]) < 3 and not f.is_missing:
            g["messages"].append(message)
        # A comparison with last year's file (R10 also has an in-year part): the dashboard's
        # township view shows these between the two years.
        if "previous_file" in (f.values or {}):
            g["across_years"] += f.count
            if len(g["across_messages"]) < 3:
                g["across_messages"].append(message)
    if "M-BLANK" in groups and version:
        folded = grouped([f for f in findings if f.is_missing], version)
        groups["M-BLANK"]["messages"] = [g.text.render() for g in folded[:3]]
    return list(groups.values())


def _never_started(notebook_path: Path | None) -> bool:
    """True when the failed notebook has no executed cell: the kernel (or shell) never ran one."""
    if notebook_path is None:
        return True
    try:
        nb = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return not any(c.get("execution_count") for c in nb.get("cells", []))


def render_one(root: Path, township: str, year: int, *, publish: bool, strict: bool, engine: str,
               to: str = "html", lang: str | None = None) -> dict[str, Any]:
    """Render one report and describe the outcome as a manifest entry (without its inputs)."""
    from .findings import has_warnings, tally
    from .render import render

    if engine == "inprocess":
        from . import engines  # noqa: F401  (registers the engine)
    layout = Layout(Path(root))
    if lang:
        from .i18n import set_lang

        set_lang(lang)  # this worker's messages, and the manifest entry's
    result = render(root, township, year, publish=publish, strict=strict, engine=engine, to=to, lang=lang)
    report = result.report  # checked once, by render(): not again here
    findings = result.findings
    if result.status == "ok":
        status = mf.WARNINGS if has_warnings(findings) else mf.OK
    elif result.status == "refused" and result.refused_for in ("input_errors", "incomplete"):
        status = mf.INPUT_ERRORS
    else:
        status = mf.FAILED
    error = result.error
    if status == mf.INPUT_ERRORS:
        from .findings import sort_findings, tally
        from .i18n import tr

        errors = sort_findings(f for f in findings if f.is_error)
        first = ": ".join(x for x in (errors[0].where(), errors[0].text()) if x) if errors else ""
        error = tr("输入错误 {n} 项；第一项：{first}", "{n} input error(s); first: {first}", n=tally(errors).errors, first=first)
    outputs = {}
    for name, path in (("html", result.html_path), ("ipynb", result.notebook_path), *result.files.items()):
        if path is not None and Path(path).exists():
            p = Path(path)
            outputs[name] = {"path": p.relative_to(layout.root / "output").as_posix(), "bytes": p.stat().st_size}
    stale = [p.relative_to(layout.root / "output").as_posix() for p in result.stale]
    if stale:
        error = (error or "") + tr("；旧的输出已改名为过期文件：{files}", "; the old outputs were renamed as stale: {files}",
                                   files=", ".join(stale))
    return {
        "township": township,
        "year": year,
        "version": report.version,
        "status": status,
        "error": error,
        "counts": tally(findings).as_dict(),
        "failed_checks": _failed_checks(findings, report.version if report else None),
        "figures": _figures(report),
        "copy": mf.PUBLISHED if result.publish else mf.REVIEW,
        "outputs": outputs,
        "stale": stale,
        "start_failed": result.status == "failed" and _never_started(result.notebook_path),
    }


def _worker_main(root: Path, township: str, year: int, publish: bool, strict: bool, engine: str,
                 to: str = "html", lang: str | None = None) -> bytes:
    try:
        entry = render_one(root, township, year, publish=publish, strict=strict, engine=engine, to=to, lang=lang)
    except BaseException as e:  # a bug in the kit: the report fails, the batch goes on
        tb = traceback.format_exc()
        sys.stderr.write(tb)
        entry = {"township": township, "year": year, "status": mf.FAILED,
                 "error": tr("内部错误：{e}", "internal error: {e}", e=f"{type(e).__name__}: {e}").splitlines()[0],
                 "traceback": tb,
                 "start_failed": False}
    return json.dumps(entry, ensure_ascii=False).encode("utf-8")


# --- launching workers --------------------------------------------------------------------------


@dataclass
class _Job:
    township: str
    year: int
    inputs: dict[str, Any]
    fingerprint: str
    root: str = "."
    publish: bool = False
    attempt: int = 0


@dataclass
class _Running:
    job: _Job
    pid: int
    fd: int
    log: Any  # a temporary file holding the worker's stdout and stderr
    started: float
    popen: Any = None  # subprocess.Popen for spawned workers
    chunks: list[bytes] = field(default_factory=list)
    eof: bool = False


def _fork_worker(job: _Job, opts: Options, engine: str) -> _Running:
    log = tempfile.TemporaryFile(prefix="xxgk-worker-")
    r, w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            os.close(r)
            _child_setup(log.fileno())
            payload = _worker_main(opts.root, job.township, job.year, opts.publish, opts.strict, engine, opts.to,
                                   opts.resolved_lang())
            view = memoryview(payload)
            while view:
                view = view[os.write(w, view):]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(w)
    try:
        os.setpgid(pid, pid)  # also done in the child; whichever runs first wins the race
    except OSError:
        pass
    return _Running(job, pid, r, log, time.monotonic())


def _child_setup(log_fd: int) -> None:
    """A worker of its own: own process group (killed as one), the parent's signal handlers off,
    output to its log file (the progress display owns the terminal), cyclic GC off (short-lived)."""
    import gc

    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGCHLD"):
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    gc.disable()


def _spawn_worker(job: _Job, opts: Options, engine: str) -> _Running:
    """Where fork is unavailable: a new interpreter runs this module's worker entry point."""
    import subprocess

    log = tempfile.TemporaryFile(prefix="xxgk-worker-")
    args = [sys.executable, "-m", "xxgk.batch", "--worker", json.dumps(
        {"root": str(opts.root), "township": job.township, "year": job.year, "publish": opts.publish,
         "strict": opts.strict, "engine": engine, "to": opts.to, "lang": opts.resolved_lang()}, ensure_ascii=False)]
    kwargs: dict[str, Any] = {"start_new_session": True} if os.name == "posix" else \
        {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    popen = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, **kwargs)
    return _Running(job, popen.pid, popen.stdout.fileno(), log, time.monotonic(), popen=popen)


def _kill_tree(run: _Running) -> None:
    """The worker, its process group and any process it started (a kernel has a session of its own).

    The worker is stopped first, so that it cannot start a process between the listing of its
    descendants and the kill."""
    if hasattr(signal, "SIGSTOP"):
        try:
            os.kill(run.pid, signal.SIGSTOP)
        except OSError:
            pass
    try:
        import psutil

        descendants = psutil.Process(run.pid).children(recursive=True)
    except Exception:
        descendants = []
    if os.name == "posix":
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.kill(run.pid, signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
    except OSError:
        pass
    for p in descendants:
        try:
            p.kill()
        except Exception:
            pass


def _reap(run: _Running, block: bool) -> int | None:
    """The worker's wait status, or None while it runs."""
    if run.popen is not None:
        if block:
            try:
                return run.popen.wait(timeout=KILL_WAIT)
            except Exception:
                return None
        return run.popen.poll()
    try:
        pid, status = os.waitpid(run.pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return 0
    return status if pid else None


def _describe_exit(status: int | None, popen: bool) -> str:
    if status is None:
        return tr("没有退出", "did not exit")
    code, sig = None, None
    if popen:
        code, sig = (status, None) if status >= 0 else (None, -status)
    elif os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
    else:
        code = os.waitstatus_to_exitcode(status)
    if sig is None:
        return tr("以状态 {code} 退出", "exited with status {code}", code=code)
    try:
        name = signal.Signals(sig).name
    except ValueError:
        name = f"signal {sig}"
    return tr("被 {name} 终止", "killed by {name}", name=name)


def _log_tail(log, limit: int = 2000) -> str:
    try:
        log.seek(0, os.SEEK_END)
        size = log.tell()
        log.seek(max(0, size - limit))
        return log.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""


def _remove_partial_files(layout: Layout, township: str, year: int) -> None:
    """Temporary files a killed worker left beside its targets (atomic.write_bytes names them)."""
    from .paths import temp_glob

    for target in layout.all_outputs(township, year):
        for tmp in target.parent.glob(temp_glob(target.name)):
            try:
                tmp.unlink()
            except OSError:
                pass


#: Modules a new IPython shell and a report import on first use (found by listing sys.modules in a
#: worker before and after a report); importing them once here saves each worker the time.
_SHELL_MODULES = (
    "IPython.core.completer", "IPython.core.magics", "IPython.core.application", "IPython.core.completerlib",
    "IPython.core.crashhandler", "IPython.core.logger", "IPython.core.oinspect", "IPython.utils.wildcard", "bdb",
    "encodings.utf_8_sig",
)


def warm_up(engine: str) -> None:
    """Import, once, what each worker would otherwise import for itself, and build the exporter.

    Only modules, the exporter and a chart of made-up figures: no report's code runs here (the workers
    must start clean).
    """
    import ast
    import importlib

    from . import export, notebook, render  # noqa: F401
    from .narrative import placeholder_values  # noqa: F401
    from .rules import REGISTRY  # noqa: F401

    template = notebook.load_template()
    notebook.template_sha256()
    if engine == "inprocess":
        from . import engines, trend_svg  # noqa: F401

        # matplotlib, its font list and the fonts, once for the whole batch: a chart drawn on made-up
        # figures, as the exporter is built on an empty notebook below.
        trend_svg.warm_up()

        for name in _SHELL_MODULES:
            importlib.import_module(name)

        # The modules the template's cells import: importing a module is not running a report.
        for cell in template.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
                for name in names:
                    try:
                        importlib.import_module(name)
                    except Exception:
                        pass
        # The first export builds Jinja's templates; do it here, on an empty notebook.
        import nbformat

        export.export_html(nbformat.v4.new_notebook(), title="", css="")
    import gc

    gc.collect()
    if hasattr(gc, "freeze"):  # keep the warm objects out of the workers' collections (and pages)
        gc.freeze()


# --- planning and running -------------------------------------------------------------------------


Event = Callable[[str, Outcome | None, "BatchResult"], None]


def plan(opts: Options, manifest: mf.Manifest) -> tuple[list[_Job], list[Outcome], list[tuple[str, int]]]:
    """(reports to render, reports skipped as current, every report found) — standard library only."""
    from .notebook import template_sha256

    found = discover(opts.root, opts.years, opts.townships)
    layout = Layout(Path(opts.root))
    kit = mf.kit_fingerprint()
    template = template_sha256()
    options = mf.output_options(publish=opts.publish, strict=opts.strict, to=opts.to, lang=opts.resolved_lang())
    out_dir = layout.root / "output"
    todo, skipped = [], []
    # Each township's years, found once: a report's inputs include its earlier years' data files.
    townships = {t for t, _ in found}
    years: dict[str, list[int]] = {}
    for t, y in layout.reports():
        if t in townships:
            years.setdefault(t, []).append(y)
    hashes: dict[tuple[str, int], Any] = {}

    def data_hash(t: str, y: int) -> Any:
        if (t, y) not in hashes:
            hashes[(t, y)] = mf.data_sha256(layout, t, y)
        return hashes[(t, y)]

    for township, year in found:
        earlier = {str(y): data_hash(township, y) for y in years.get(township, []) if y < year}
        inputs = mf.inputs_of(layout, township, year, template_sha256=template, kit=kit, options=options,
                              earlier=earlier, data=data_hash(township, year))
        print_ = mf.fingerprint(inputs)
        kind = mf.PUBLISHED if opts.publish else mf.REVIEW
        if not opts.force and manifest.is_current(township, year, kind, print_, out_dir):
            skipped.append(Outcome(township, year, "skipped", _kept(manifest.get(township, year))))
        else:
            todo.append(_Job(township, year, inputs, print_, root=str(opts.root), publish=opts.publish))
    return todo, skipped, found


class _Stop:
    """SIGINT/SIGTERM handlers for the batch's duration: remember the signal, let the loop stop."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "_Stop":
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: the caller handles signals
                pass
        return self

    def _handle(self, signum, frame) -> None:
        if self.signal is None:
            self.signal = signal.Signals(signum).name

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def run_batch(opts: Options, on_event: Event | None = None) -> BatchResult:
    """Render what needs rendering; write the manifest, ``index.html`` and ``summary.csv``.

    ``on_event(kind, outcome, result)`` is called with kind ``"plan"`` (outcome None, result.total
    set), ``"warning"`` (the message is the last of result.warnings), ``"skipped"``, ``"done"``,
    ``"retry"``, ``"stopping"`` and ``"tick"`` (a few times a second), for progress displays.
    """
    from . import dashboard

    started = time.monotonic()
    engine = opts.resolved_engine()
    jobs = opts.jobs or default_jobs()
    if jobs < 1:
        raise UsageError(tr("-j 至少为 1", "-j must be at least 1"))
    layout = Layout(Path(opts.root))
    manifest = mf.Manifest.for_root(layout.root)
    result = BatchResult(engine=engine)
    emit = on_event or (lambda kind, outcome, res: None)
    if manifest.problem:
        result.warnings.append(manifest.problem)
        emit("warning", None, result)

    with _Stop() as stop:
        todo, skipped, found = plan(opts, manifest)
        missing = sorted(set(opts.townships or ()) - {t for t, _ in found})
        if missing:
            result.warnings.append(tr("所选年度中没有 {t} 的数据文件", "no data file for {t} in the years selected",
                                      t=", ".join(missing)))
            emit("warning", None, result)
        result.total = len(todo) + len(skipped)
        emit("plan", None, result)
        for o in skipped:
            result.outcomes.append(o)
            emit("skipped", o, result)
        manifest.prune(set(found) | {(t, y) for t, y in _all_data(layout)})
        if todo and not stop.signal:
            if FORK_AVAILABLE:  # spawned workers could not inherit anything warmed here
                warm_up(engine)
            _run(todo, opts, engine, jobs, manifest, result, stop, emit)
        result.interrupted = stop.signal
        out = layout.root / "output"
        # Nothing rendered, nothing forgotten, pages in place: the files on disk already say it all.
        if manifest.dirty or not all((out / name).is_file() for name in (mf.FILE_NAME, dashboard.INDEX_NAME,
                                                                         dashboard.SUMMARY_NAME)):
            manifest.save()
            dashboard.write(layout.root, manifest)
    result.seconds = time.monotonic() - started
    return result


def _all_data(layout: Layout) -> list[tuple[str, int]]:
    return layout.reports()


def _run(todo: list[_Job], opts: Options, engine: str, jobs: int, manifest: mf.Manifest,
         result: BatchResult, stop: _Stop, emit: Event) -> None:
    launch = _fork_worker if FORK_AVAILABLE else _spawn_worker
    layout = Layout(Path(opts.root))
    pending = list(reversed(todo))  # pop() from the end keeps the planned order
    running: dict[int, _Running] = {}
    sel = selectors.DefaultSelector()
    next_save = time.monotonic() + SAVE_EVERY
    try:
        while (pending or running) and not stop.signal:
            while pending and len(running) < jobs and not stop.signal:
                job = pending.pop()
                job.attempt += 1
                try:
                    run = launch(job, opts, engine)
                except OSError as e:  # fork/spawn failed (out of processes or memory)
                    if job.attempt < 2:
                        pending.append(job)
                        time.sleep(0.2)
                        break
                    _finish(_failed_entry(job, tr("无法启动工作进程：{e}", "could not start a worker: {e}", e=e)), job, 0.0,
                            manifest, result, emit)
                    continue
                running[run.fd] = run
                sel.register(run.fd, selectors.EVENT_READ, run)
            for key, _ in sel.select(timeout=0.2):
                run = key.data
                try:
                    chunk = os.read(run.fd, 1 << 16)
                except OSError:
                    chunk = b""
                if chunk:
                    run.chunks.append(chunk)
                else:
                    run.eof = True
                    sel.unregister(run.fd)
            for fd in [fd for fd, run in running.items() if run.eof]:
                run = running.pop(fd)
                status = _reap(run, block=True)
                entry = _entry_from(run, status)
                os.close(fd) if run.popen is None else run.popen.stdout.close()
                run.log.close()
                if entry.get("start_failed") and run.job.attempt < 2 and not stop.signal:
                    emit("retry", Outcome(run.job.township, run.job.year, "retry", entry, run.job.attempt), result)
                    pending.append(run.job)
                    continue
                _finish(entry, run.job, time.monotonic() - run.started, manifest, result, emit)
            emit("tick", None, result)
            if time.monotonic() > next_save:
                t = time.monotonic()
                manifest.save()
                took = time.monotonic() - t
                next_save = time.monotonic() + max(SAVE_EVERY, SAVE_SHARE * took)
    finally:
        if running:
            emit("stopping", None, result)
        for run in running.values():
            _kill_tree(run)
        for run in running.values():
            _reap(run, block=True)
            try:
                sel.unregister(run.fd)
            except (KeyError, ValueError):
                pass
            if run.popen is None:
                os.close(run.fd)
            else:
                run.popen.stdout.close()
            run.log.close()
            _remove_partial_files(layout, run.job.township, run.job.year)
        sel.close()


def _kept(entry: dict[str, Any]) -> dict[str, Any]:
    return entry if entry.get("status") in (mf.FAILED, mf.INPUT_ERRORS) else {"status": entry.get("status")}


def _failed_entry(job: _Job, error: str) -> dict[str, Any]:
    return {"township": job.township, "year": job.year, "status": mf.FAILED, "error": error}


def _entry_from(run: _Running, status: int | None) -> dict[str, Any]:
    data = b"".join(run.chunks)
    try:
        entry = json.loads(data.decode("utf-8")) if data else None
    except ValueError:
        entry = None
    if isinstance(entry, dict) and entry.get("status"):
        return entry
    # Died without a word: a crash (segfault, out of memory, os._exit in a cell).
    tail = [line for line in _log_tail(run.log).splitlines() if line.strip()]
    detail = tr("；最后的输出：{t}", "; last output: {t}", t=tail[-1].strip()[:200]) if tail else ""
    return _failed_entry(run.job, tr("工作进程在报告结果前{how}{detail}", "worker {how} before reporting{detail}",
                                     how=_describe_exit(status, run.popen is not None), detail=detail))


def _finish(entry: dict[str, Any], job: _Job, seconds: float, manifest: mf.Manifest, result: BatchResult,
            emit: Event) -> None:
    entry.pop("start_failed", None)
    entry.pop("traceback", None)
    entry["inputs"] = job.inputs
    entry["fingerprint"] = job.fingerprint
    entry.setdefault("version", None)
    entry.setdefault("counts", {})
    entry.setdefault("failed_checks", [])
    entry.setdefault("figures", {})
    entry.setdefault("outputs", {})
    entry.setdefault("stale", [])
    kind = entry.pop("copy", mf.PUBLISHED if job.publish else mf.REVIEW)
    copies = dict((manifest.get(job.township, job.year) or {}).get("copies") or {})
    if entry["status"] in mf.SUCCESS:
        copies[kind] = {"fingerprint": job.fingerprint, "inputs": job.inputs, "outputs": entry["outputs"]}
    else:
        copies.pop(kind, None)
    # The other copy, made earlier: when the inputs it was made from are not today's, nobody should
    # read it as current any more.
    layout = Layout(Path(job.root))
    for other, made in list(copies.items()):
        if other != kind and (entry["status"] == mf.INPUT_ERRORS or not mf.same_inputs(made.get("inputs"), job.inputs)):
            entry["stale"] += mf.set_aside(layout.root / "output", made.get("outputs") or {})
            del copies[other]
    entry["copies"] = copies
    manifest.put(entry)
    outcome = Outcome(job.township, job.year, entry["status"], _kept(entry), job.attempt, seconds)
    result.outcomes.append(outcome)
    emit("done", outcome, result)


# --- spawned worker entry point (platforms without fork) --------------------------------------------


def _spawned_main(argv: list[str]) -> int:
    args = json.loads(argv[1])
    payload = _worker_main(Path(args["root"]), args["township"], int(args["year"]), bool(args["publish"]),
                           bool(args["strict"]), args["engine"], args.get("to", "html"), args.get("lang"))
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()
    return 0


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--worker":
    raise SystemExit(_spawned_main(sys.argv[1:]))
