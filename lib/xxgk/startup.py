"""What the kit's own processes (the ``xxgk`` command, its render servers and spawned report
workers) settle before anything heavy is imported.

jsonschema registers format checkers for the optional packages it finds installed, and some are
costly to import: ``rfc3987-syntax`` compiles 38 Earley grammars with lark (about 2.5 CPU seconds,
measured on 2026-11-30), ``rfc3986-validator`` one very large regular expression (30 ms),
``isoduration`` brings arrow (25 ms).  Every process that imports nbformat pays them (nbformat
imports jsonschema).  Jupyter brings them in (jupyter-events asks for
``jsonschema[format-nongpl]``), and nothing the kit runs checks an IRI, a URI or a duration:
nbformat validates notebooks without format checkers.  So the kit's own processes go without them,
and a batch starts 2.5 s sooner.  Kernels, JupyterLab and any program that imports :mod:`xxgk` as
a library are left as they are.
"""

from __future__ import annotations

import sys

#: Optional modules the kit's processes do without: importing one of them raises ImportError, the
#: answer a library gives itself when the optional package is not installed.
DO_WITHOUT = ("rfc3987_syntax", "rfc3986_validator", "isoduration")


def do_without_unused_imports() -> None:
    for name in DO_WITHOUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
