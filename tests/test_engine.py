"""The in-process engine records what a Jupyter kernel records: same executed notebook, same page.

The in-process engine refuses to run twice in a process, so it always runs in a process of its
own here: ``xxgk batch`` (which forks one per report) or a small script in a subprocess.  The
kernel side runs in this process through the public API, as ``xxgk render`` does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from xxgk import execute
from xxgk.render import render

PROJECT = Path(__file__).resolve().parents[1]
XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]
SEED = ("红旗满族乡", 2020)
SAMPLE_2021 = ("示例镇", 2021)


def copy_inputs(root: Path, *reports: tuple[str, int]) -> None:
    for township, year in reports:
        for rel in (f"data/{year}/{township}.csv", f"params/{township}/{year}.yaml"):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(PROJECT / rel, target)


def test_batch_pages_and_notebooks_are_byte_identical_to_xxgk_render(tmp_path):
    """The seed (2019 format) and a 2021-format report: fast engine through xxgk batch vs kernel."""
    kernel_root, fast_root = tmp_path / "kernel", tmp_path / "fast"
    for root in (kernel_root, fast_root):
        copy_inputs(root, SEED, SAMPLE_2021)
    for township, year in (SEED, SAMPLE_2021):
        result = render(kernel_root, township, year, engine="kernel")
        assert result.status == "ok", result.error
    done = subprocess.run([*XXGK, "batch", "--root", str(fast_root), "--engine", "inprocess", "-j", "2"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for township, year in (SEED, SAMPLE_2021):
        for suffix in (".html", ".ipynb"):
            rel = Path("output") / str(year) / f"{township}{suffix}"
            kernel_bytes, fast_bytes = (kernel_root / rel).read_bytes(), (fast_root / rel).read_bytes()
            assert len(kernel_bytes) > 1000
            assert fast_bytes == kernel_bytes, f"{rel} differs between the in-process engine and the kernel"


# A notebook exercising every kind of output a kernel records, and a failure that stops it.
CELLS = [
    new_markdown_cell("# outputs"),
    new_code_cell("township = 'x'\nyear = 2020", metadata={"tags": ["parameters"]}),
    new_code_cell("import pandas as pd\nfrom IPython.display import HTML, Markdown, display, clear_output\n"
                  "print('hello'); print('world')"),
    new_code_cell("display(HTML('<b>bold</b>'))\nprint('between')\nimport sys; sys.stderr.write('to stderr\\n')\n"
                  "display(Markdown('*md*'), metadata={'isolated': True})"),
    new_code_cell(""),
    new_code_cell("pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})"),
    new_code_cell("handle = display(HTML('first'), display_id=True)\nhandle.update(HTML('second'))\n"
                  "print('gone'); clear_output(wait=True); print('kept')"),
    new_code_cell("x = 1", metadata={"tags": ["skip-execution"]}),
    new_code_cell("def f():\n    raise ValueError('allowed')\nf()", metadata={"tags": ["raises-exception"]}),
    new_code_cell("print(township, year)\n{'year': year}"),
    # IPython's own syntax: a shell escape, a line magic, a cell magic.
    new_code_cell("listing = !echo hi\nprint(listing)\n%who_ls str"),
    new_code_cell("%%capture captured\nprint('hidden')"),
    new_code_cell("print(captured.stdout.strip())"),
    new_code_cell("1/0"),
    new_code_cell("print('never runs')"),
]

RUNNER = textwrap.dedent("""
    import sys, nbformat
    from xxgk import execute
    import xxgk.engines
    engine, source, target = sys.argv[1:4]
    nb = nbformat.read(source, as_version=4)
    try:
        done = execute.execute(nb, {"township": "y", "year": 2021}, cwd=".", labels=execute.Labels("in", "out"), engine=engine)
    except execute.ExecutionFailed as e:
        done = e.notebook
        print("FAILED", e, file=sys.stderr)
    open(target, "w", encoding="utf-8").write(execute.dumps(done))
""")


def run_engine(tmp_path: Path, engine: str) -> tuple[str, str]:
    source = tmp_path / "outputs.ipynb"
    nbformat.write(new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                       "display_name": "Python 3 (ipykernel)"}}), source)
    target = tmp_path / f"{engine}.ipynb"
    done = subprocess.run([sys.executable, "-c", RUNNER, engine, str(source), str(target)], capture_output=True,
                          text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return target.read_text(encoding="utf-8"), done.stderr


def test_every_kind_of_output_is_recorded_as_the_kernel_records_it(tmp_path):
    kernel, kernel_err = run_engine(tmp_path, "kernel")
    fast, fast_err = run_engine(tmp_path, "inprocess")
    assert "FAILED" in kernel_err and "ZeroDivisionError" in kernel_err
    assert "FAILED" in fast_err and "ZeroDivisionError" in fast_err
    assert fast == kernel

    nb = json.loads(fast)
    by_source = {"".join(c["source"]): c for c in nb["cells"]}
    hello = by_source["import pandas as pd\nfrom IPython.display import HTML, Markdown, display, clear_output\nprint('hello'); print('world')"]
    assert hello["outputs"] == [{"name": "stdout", "output_type": "stream", "text": ["hello\n", "world\n"]}]
    frame = by_source["pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})"]
    assert frame["outputs"][0]["output_type"] == "execute_result"
    assert {"text/html", "text/plain"} <= set(frame["outputs"][0]["data"])
    # Execution counts follow the executed cells: the empty and the skipped cell take none.
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts[-1] is None  # after the failure nothing ran
    assert [c for c in counts if c is not None] == list(range(1, len([c for c in counts if c is not None]) + 1))
    # papermill marks the failing cell, as it does for the kernel.
    tags = [t for c in nb["cells"] for t in c.get("metadata", {}).get("tags", [])]
    assert "papermill-error-cell-tag" in tags


def test_the_engine_runs_one_notebook_per_process(tmp_path):
    script = textwrap.dedent("""
        import nbformat
        from nbformat.v4 import new_code_cell, new_notebook
        from xxgk import execute
        import xxgk.engines
        nb = new_notebook(cells=[new_code_cell("secret = 42")], metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "p"}})
        execute.execute(nb, {}, cwd=".", labels=execute.Labels("in", "out"), engine="inprocess")
        try:
            execute.execute(nb, {}, cwd=".", labels=execute.Labels("in", "out"), engine="inprocess")
        except execute.ExecutionFailed as e:
            print("REFUSED", e)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "REFUSED" in done.stdout and "one report per fresh process" in done.stdout


def test_a_shell_prepared_before_the_fork_serves_one_notebook_in_each_worker(tmp_path):
    # The batch builds the IPython shell once, before it forks; each worker's notebook gets its
    # own unused copy, nothing a cell left in another worker, and a second notebook is still refused.
    script = textwrap.dedent("""
        import os, sys
        from nbformat.v4 import new_code_cell, new_notebook
        from xxgk import engines, execute
        engines.prepare_shell()
        meta = {"kernelspec": {"name": "python3", "language": "python", "display_name": "p"}}
        def run(source):
            nb = new_notebook(cells=[new_code_cell(source)], metadata=meta)
            return execute.execute(nb, {}, cwd=".", labels=execute.Labels("in", "out"), engine="inprocess")
        for n in (1, 2):
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                done = run(f"print(globals().get('left', 'clean'))\\nleft = {n}")
                try:
                    run("1")
                    second = "RAN"
                except execute.ExecutionFailed as e:
                    second = "REFUSED" if "one report per fresh process" in str(e) else str(e)
                cell = done.cells[0]
                os.write(w, f"{cell.outputs[0]['text'].strip()} {cell.execution_count} {second}".encode())
                os._exit(0)
            os.close(w)
            print(os.read(r, 1000).decode())
            os.waitpid(pid, 0)
        print("parent ran no cell:", engines._prepared.execution_count == 1 and "left" not in engines._prepared.user_ns)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["clean 1 REFUSED", "clean 1 REFUSED", "parent ran no cell: True"], done.stdout


def test_cells_transformed_before_the_fork_are_not_transformed_again(tmp_path):
    # The batch puts the template's cells through IPython's static transformations before it
    # forks; a worker running those cells finds them done, and the others are done as usual.
    script = textwrap.dedent("""
        import os
        from IPython.core.inputtransformer2 import TransformerManager
        from nbformat.v4 import new_code_cell, new_notebook
        from xxgk import engines, execute
        warmed = "listing = !echo hi\\nprint(listing)"
        engines.prepare_shell([warmed])
        calls = []
        original = TransformerManager.transform_cell
        TransformerManager.transform_cell = lambda self, cell: (calls.append(cell), original(self, cell))[1]
        r, w = os.pipe()
        if os.fork() == 0:
            meta = {"kernelspec": {"name": "python3", "language": "python", "display_name": "p"}}
            nb = new_notebook(cells=[new_code_cell(warmed), new_code_cell("%who_ls")], metadata=meta)
            done = execute.execute(nb, {}, cwd=".", labels=execute.Labels("in", "out"), engine="inprocess")
            texts = [o.get("text") or o["data"]["text/plain"] for c in done.cells for o in c.outputs]
            os.write(w, repr((texts, calls)).encode())
            os._exit(0)
        os.close(w)
        print(os.read(r, 10000).decode())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr((["['hi']\n", "['listing']"], ["%who_ls"])), done.stdout


def test_no_process_runs_two_reports(tmp_path):
    """Each report's notebook runs in a process of its own: the process ids the cells see differ."""
    copy_inputs(tmp_path, SEED, SAMPLE_2021)
    probe = tmp_path / "pids.txt"
    script = textwrap.dedent(f"""
        import os
        from xxgk import html
        original = html.title_block
        def title_block(report):
            with open({str(probe)!r}, "a") as f:
                f.write(f"{{os.getpid()}} {{report.township}}\\n")
            return original(report)
        html.title_block = title_block
        from xxgk.cli import main
        main()
    """)
    done = subprocess.run([sys.executable, "-c", script, "batch", "--root", str(tmp_path), "-j", "1", "--force"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = probe.read_text().split("\n")[:-1]
    assert len(lines) == 2
    pids = {line.split()[0] for line in lines}
    assert len(pids) == 2


def test_kernel_side_effects_are_scrubbed_the_same_way(tmp_path):
    """A warning names the cell's file with the process id (both engines); nothing else varies."""
    cells = [new_code_cell("import warnings\nwarnings.warn('careful')")]
    source = tmp_path / "w.ipynb"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                      "display_name": "p"}}), source)
    outs = []
    for engine in ("kernel", "inprocess"):
        target = tmp_path / f"w-{engine}.ipynb"
        done = subprocess.run([sys.executable, "-c", RUNNER, engine, str(source), str(target)], capture_output=True,
                              text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        outs.append(re.sub(r"ipykernel_\d+", "ipykernel_PID", target.read_text(encoding="utf-8")))
    assert outs[0] == outs[1]
    assert "UserWarning: careful" in outs[1]


def test_the_batch_imports_what_every_report_imports_before_it_forks():
    # A module a report's cells import that the batch process did not import first is imported again
    # in every report's process (pandas through ``from xxgk import frames`` was ~0.4 CPU s a report).
    # Run the template's cells after the warm-up in a fresh interpreter: no module may be new.
    code = textwrap.dedent("""
        import ast, sys
        from xxgk import notebook, report_worker
        report_worker.warm_up("inprocess")
        before = set(sys.modules)
        for cell in notebook.load_template().cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    exec(compile(ast.Module([node], []), "<cell>", "exec"), {})
        new = sorted(m for m in set(sys.modules) - before if not m.startswith("_"))
        print(new)
        assert "pandas" in before and "xxgk.frames" in before
        assert new == [], new
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout


def test_a_report_in_a_forked_worker_imports_nothing_the_batch_did_not(tmp_path):
    # Whatever a worker imports for itself it imports again for every report (and, where bytecode
    # is not written, compiles again): a whole report, checked and rendered, after the warm-up.
    copy_inputs(tmp_path, SEED, SAMPLE_2021)
    script = textwrap.dedent("""
        import json, os, sys
        from pathlib import Path
        from xxgk import report_worker
        report_worker.warm_up("inprocess")
        for township, year in ((sys.argv[2], 2020), (sys.argv[3], 2021)):
            r, w = os.pipe()
            if os.fork() == 0:
                before = set(sys.modules)
                entry = report_worker.worker_main(Path(sys.argv[1]), township, year, False, False, "inprocess")
                new = sorted(m for m in set(sys.modules) - before if not m.startswith("_"))
                status = json.loads(entry)["status"]
                os.write(w, (str(new) + " " + str(status in ("ok", "warnings"))).encode())
                os._exit(0)
            os.close(w)
            print(os.read(r, 10000).decode())
            os.wait()
    """)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path), SEED[0], SAMPLE_2021[0]],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[] True", "[] True"], done.stdout


def test_the_kits_processes_skip_the_iri_grammars_nothing_uses():
    # jsonschema compiles 38 lark grammars for an optional IRI format checker when rfc3987-syntax is
    # installed (~2.5 CPU s in every process that imports nbformat).  The kit's own processes go
    # without it; notebooks are still validated.
    code = textwrap.dedent("""
        import sys
        from xxgk.startup import do_without_unused_imports
        do_without_unused_imports()
        import nbformat
        from nbformat.v4 import new_notebook, new_code_cell
        nbformat.validate(new_notebook(cells=[new_code_cell("1")]))
        bad = new_notebook(cells=[new_code_cell("1")]); bad.cells[0]["outputs"] = [{"output_type": "nonsense"}]
        try:
            nbformat.validate(bad)
        except nbformat.ValidationError:
            pass
        else:
            raise SystemExit("an invalid notebook passed")
        assert "jsonschema" in sys.modules and "lark" not in sys.modules, sorted(m for m in sys.modules if "lark" in m)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    # and the command does it before anything is imported
    probe = "import sys, runpy; sys.argv = ['xxgk', '--version']\n" \
            "from xxgk import cli\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n" \
            "import nbformat\nprint('lark' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr + done.stdout
