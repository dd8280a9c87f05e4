"""One report in a worker process: render it and describe the outcome as a manifest entry.

What runs here is the same whichever pool started the process: a worker forked by the local pool,
a new interpreter where fork does not exist, or a process a cluster's worker started
(:mod:`xxgk.remote`).  :func:`warm_up` is what such a process's parent imports once, so that each
worker forked from it starts warm yet has run no other report's code.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any

from . import manifest as mf
from .i18n import tr
from .paths import Layout


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
        from .findings import sort_findings

        errors = sort_findings(f for f in findings if f.is_error)
        first = ": ".join(x for x in (errors[0].where(), errors[0].text()) if x) if errors else ""
        error = tr("输入错误 {n} 项；第一项：{first}", "{n} input error(s); first: {first}", n=tally(errors).errors, first=first)
    outputs = {}
    for name, path in (("html", result.html_path), ("ipynb", result.notebook_path), *result.files.items()):
        if path is not None and Path(path).exists():
            p = Path(path)
            outputs[name] = {"path": p.relative_to(layout.root / "output").as_posix(), "bytes": p.stat().st_size}
    entry = {
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
        "_start_failed": result.status == "failed" and _never_started(result.notebook_path),
        # What became of older outputs, for a batch that places this report's files itself.
        "_aside": list(result.aside),
        "_cleared": result.cleared,
    }
    return note_stale(entry, [p.relative_to(layout.root / "output").as_posix() for p in result.stale])


def note_stale(entry: dict[str, Any], stale: list[str]) -> dict[str, Any]:
    """Record the outputs moved aside (paths under output/) in the entry, and say so in its error."""
    entry["stale"] = stale
    if stale:
        entry["error"] = (entry.get("error") or "") + tr("；旧的输出已改名为过期文件：{files}",
                                                         "; the old outputs were renamed as stale: {files}",
                                                         files=", ".join(stale))
    return entry


def worker_main(root: Path, township: str, year: int, publish: bool, strict: bool, engine: str,
                 to: str = "html", lang: str | None = None) -> bytes:
    try:
        entry = render_one(root, township, year, publish=publish, strict=strict, engine=engine, to=to, lang=lang)
    except BaseException as e:  # a bug in the kit: the report fails, the batch goes on
        tb = traceback.format_exc()
        sys.stderr.write(tb)
        entry = {"township": township, "year": year, "status": mf.FAILED,
                 "error": tr("内部错误：{e}", "internal error: {e}", e=f"{type(e).__name__}: {e}").splitlines()[0],
                 "_traceback": tb, "_start_failed": False}
    return json.dumps(entry, ensure_ascii=False).encode("utf-8")


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
    # Every worker reads data files: the official labels folded and placed once, here.
    from . import labels, load, writers

    labels.warm_up()
    load.warm_up()
    writers.registry()  # every render asks which output formats there are
    if engine == "inprocess":
        from . import engines, trend_svg  # noqa: F401

        # matplotlib and its validated defaults, once for the whole batch: a chart drawn on made-up
        # figures, as the exporter is built on an empty notebook below.
        trend_svg.warm_up()

        for name in _SHELL_MODULES:
            importlib.import_module(name)
        engines.prepare_shell(c.source for c in template.cells if c.cell_type == "code")

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
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    # ``from xxgk import frames`` imports the module xxgk.frames (and pandas with it):
                    # a name imported from a package may be a submodule.
                    names += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
                for name in names:
                    try:
                        importlib.import_module(name)
                    except Exception:
                        pass
        # The notebook's frames: the official tables' indexes, and pandas' code paths run once.
        from . import frames

        frames.warm_up()
        # The first export builds Jinja's templates; do it here, on an empty notebook.
        import nbformat

        export.export_html(nbformat.v4.new_notebook(), title="", css="")
    import gc

    gc.collect()
    if hasattr(gc, "freeze"):  # keep the warm objects out of the workers' collections (and pages)
        gc.freeze()


# --- a new interpreter per report (platforms without fork) -----------------------------------------


def spawned_main(argv: list[str]) -> int:
    """``python -m xxgk.report_worker JSON``: one report, its entry as JSON on stdout."""
    args = json.loads(argv[0])
    payload = worker_main(Path(args["root"]), args["township"], int(args["year"]), bool(args["publish"]),
                          bool(args["strict"]), args["engine"], args.get("to", "html"), args.get("lang"))
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()
    return 0


if __name__ == "__main__" and len(sys.argv) == 2:
    from .startup import do_without_unused_imports

    do_without_unused_imports()
    raise SystemExit(spawned_main(sys.argv[1:]))
