"""What the kit's own processes (the ``xxgk`` command, its render servers and spawned report
workers) settle before anything heavy is imported.

jsonschema registers an ``iri`` format checker when the optional ``rfc3987-syntax`` package is
installed, and that package compiles 38 Earley grammars with lark as it is imported: about 2.5 CPU
seconds, measured on 2026-11-30, in every process that imports nbformat (nbformat imports
jsonschema).  Jupyter brings it in (jupyter-events asks for ``jsonschema[format-nongpl]``), and
nothing the kit runs checks an IRI: nbformat validates notebooks without format checkers.  So the
kit's own processes go without it, and a batch starts 2.5 s sooner.  Kernels, JupyterLab and any
program that imports :mod:`xxgk` as a library are left as they are.
"""

from __future__ import annotations

import sys

#: Optional modules the kit's processes do without: importing one of them raises ImportError, the
#: answer a library gives itself when the optional package is not installed.
DO_WITHOUT = ("rfc3987_syntax",)


def do_without_unused_imports() -> None:
    for name in DO_WITHOUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
