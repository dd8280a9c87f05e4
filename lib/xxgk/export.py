"""Executed notebook → the report page, with nbconvert and the kit's own minimal template.

The template (``templates/xxgk``) prints only the cells' ``text/html`` outputs in a page whose
``<head>`` inlines the report CSS: no code, no prompts, nothing loaded from the network.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from traitlets.config import Config

from . import __version__

TEMPLATE_NAME = "xxgk"
#: Cells that never reach the page, whatever the template prints: papermill's injected
#: parameters, the template's defaults, and the style and explore cells that are only there for JupyterLab.
REMOVED_TAGS = frozenset({"injected-parameters", "parameters", "xxgk-style", "xxgk-explore"})


def templates_dir() -> str:
    return str(resources.files("xxgk").joinpath("templates"))


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its final pass, which parses the finished page with
    BeautifulSoup to give ``<img>`` elements alt text and JupyterLab's cell wrappers a tab stop,
    then writes the whole page out again: 4× the time of making it, for a template that prints
    neither (the report's one picture, the trend chart, is inline SVG beside a table of the same
    figures).  The page is what the template writes, attributes in the order the kit wrote them."""

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@lru_cache(maxsize=1)
def exporter() -> HTMLExporter:
    """One exporter per process: building it (template lookup, Jinja environment) is the slow part."""
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_TAGS)
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    # The notebook is validated once, after the preprocessors, not again after each of them.
    c.HTMLExporter.optimistic_validation = True
    return PageExporter(config=c, template_name=TEMPLATE_NAME, extra_template_basedirs=[templates_dir()])


def export_html(nb: nbformat.NotebookNode, *, title: str, css: str) -> str:
    """The page for an executed notebook; ``title`` goes in ``<title>``, ``css`` in ``<style>``."""
    res = {"xxgk": {"title": title, "css": css, "generator": f"xxgk {__version__}"}}
    body, _ = exporter().from_notebook_node(nb, resources=res)
    return body if body.endswith("\n") else body + "\n"
