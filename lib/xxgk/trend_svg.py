"""The trend chart: small multiples of the key figures over the years, as inline SVG.

Drawn with matplotlib's SVG backend (never pyplot, so no GUI or notebook backend is touched) under
an :func:`matplotlib.rc_context` that starts from matplotlib's own defaults, so neither a user's
matplotlibrc nor anything a notebook set changes the chart, and the chart changes nothing of theirs.

The same figures give the same bytes, on any machine:

- text stays text (``svg.fonttype: none``) in a CJK font list the browser picks from, so no font
  file is embedded or fetched;
- every label is placed by its anchor point (``text-anchor``, baseline), never by a measured size,
  so the layout does not depend on which fonts matplotlib finds here (no legend, no tight bbox),
  and labels are not measured at all (:func:`_label_class`): no font file is opened;
- ids are hashed with a fixed ``svg.hashsalt``; no date or creator is written; the XML prologue,
  DOCTYPE and RDF metadata (the only addresses in the file) are dropped for inlining.

It is drawn with figure-level artists, not Axes: an Axes builds tick objects and measures every
tick label, which costs more than the rest of a report's rendering does; here a panel is a few
lines and labels.  Missing figures are NaN, which matplotlib leaves as a gap in the line.
"""

from __future__ import annotations

import io
import logging
import math
import re
import warnings
from contextlib import contextmanager
from typing import Iterator

from .i18n import tr
from .trend import MEASURES, UNREADABLE, Trend

#: As the report's own sans-serif headings (report.css): the browser takes the first it has.
FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei"]

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "xxgk-trend",
    "font.family": ["sans-serif"],
    "font.sans-serif": FONTS,
    "font.size": 8.0,
}

INK, MUTED, GRID, LINE, BAD = "#1b1b1b", "#666666", "#d6d6d6", "#1f4e79", "#b3261e"

# The layout, in points (the SVG's user units): three panels a row.
COLUMNS = 3
WIDTH = 460.8
PANEL_H = 82.0
TITLE_GAP = 14.0  # from the panel's top to the plot's top (the title sits in it)
YEARS_GAP = 14.0  # below the last row's plots, for the year labels
LEFT, RIGHT, PAD = 26.0, 10.0, 6.0  # y labels; space before the next panel; markers off the edges
FONT, SMALL = 8.0, 7.0


@contextmanager
def _quiet() -> Iterator[None]:
    """matplotlib's own chatter (a font family this machine lacks, a glyph a fallback font lacks,
    a font cache being built) would land in the executed notebook as stderr: none of it changes
    the chart, which never depends on the fonts found."""
    log = logging.getLogger("matplotlib")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(level)


def _ticks(top: float) -> list[float]:
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=2, integer=True, min_n_ticks=2).tick_values(0, max(top, 1.0))
    return [float(t) for t in ticks if t >= 0]


_BASE: dict | None = None


def _base() -> dict:
    """matplotlib's own defaults (not a matplotlibrc's) with :data:`RC`, validated once."""
    global _BASE
    if _BASE is None:
        import matplotlib as mpl
        from matplotlib.style.core import STYLE_BLACKLIST

        base = {k: v for k, v in mpl.rcParamsDefault.items() if k not in STYLE_BLACKLIST}
        base.update(mpl.RcParams(RC))
        _BASE = base
    return _BASE


def _draw(trend: Trend) -> str:
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Affine2D

    rows = math.ceil(len(MEASURES) / COLUMNS)
    height = rows * PANEL_H + YEARS_GAP
    panel_w = WIDTH / COLUMNS
    n = len(trend.columns)
    step = math.ceil(n / 6)  # at most six year labels under a panel
    with mpl.rc_context():
        # Written raw: the values are validated already (validating ~300 of them per chart costs
        # more than drawing it).  rc_context puts every one back.
        for key, value in _base().items():
            mpl.rcParams._set(key, value)
        fig = Figure(figsize=(WIDTH / 72, height / 72), dpi=72)
        FigureCanvasSVG(fig)
        pt = Affine2D().scale(1 / 72) + fig.dpi_scale_trans  # coordinates in points, from the bottom left

        def text(x: float, y: float, s: str, **kw) -> None:
            fig.add_artist(_label_class()(x, y, s, transform=pt, va="baseline", parse_math=False, **kw))

        for i, measure in enumerate(MEASURES):
            row, col = divmod(i, COLUMNS)
            top = height - row * PANEL_H
            x0, x1 = col * panel_w + LEFT, (col + 1) * panel_w - RIGHT
            y1, y0 = top - TITLE_GAP - 4, top - PANEL_H + 8
            text(x0 - LEFT + 4, top - 10, measure.label, fontsize=FONT, color=INK, ha="left")
            xs = [x0 + PAD + (x1 - x0 - 2 * PAD) * k / max(n - 1, 1) for k in range(n)]
            numbers = [c.number(measure) for c in trend.columns]
            present = [v for v in numbers if v is not None]
            ticks = _ticks(max(present, default=0.0))
            scale = (y1 - y0) / ticks[-1]
            grid_x: list[float] = []
            grid_y: list[float] = []
            for t in ticks:
                grid_x += [x0, x1, math.nan]
                grid_y += [y0 + t * scale] * 2 + [math.nan]
            fig.add_artist(Line2D(grid_x, grid_y, transform=pt, color=GRID, linewidth=0.6))
            for t in (ticks[0], ticks[-1]):  # the scale: its two ends
                text(x0 - 3, y0 + t * scale - 2.5, f"{t:.0f}", fontsize=SMALL, color=MUTED, ha="right")
            if present:
                ys = [y0 + v * scale if v is not None else math.nan for v in numbers]
                fig.add_artist(Line2D(xs, ys, transform=pt, color=LINE, linewidth=1.4, marker="o", markersize=3.6,
                                      markerfacecolor=LINE, markeredgecolor=LINE))
            else:
                text((x0 + x1) / 2, (y0 + y1) / 2 - 2.5, tr("无数值", "no figures"), fontsize=SMALL, color=MUTED,
                     ha="center")
            if i + COLUMNS >= len(MEASURES):  # the lowest panel of its column
                for k, c in enumerate(trend.columns):
                    if (n - 1 - k) % step == 0:  # counted from the report's own year, always labelled
                        text(xs[k], y0 - 11, str(c.year), fontsize=SMALL, ha="center",
                             color=BAD if c.state == UNREADABLE else MUTED,
                             fontweight="bold" if c.year == trend.year else "normal")
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _inline(out.getvalue())


_LABEL: type | None = None


def _label_class() -> type:
    """A matplotlib Text that is drawn without being measured.

    matplotlib's ``Text.draw`` first lays the text out with its font (opening the font file in each
    worker, shaping every glyph), about half of the chart's cost, to find where the text's box
    goes.  Here nothing needs it: the SVG backend writes a text as text at its anchor point with
    ``text-anchor`` (``svg.fonttype: none``), and a baseline-aligned label's anchor is its baseline.
    So the label hands the backend its anchor, as ``Text.draw`` would after its layout, and the
    bytes are the same.
    """
    global _LABEL
    if _LABEL is None:
        from matplotlib.text import Text

        class Label(Text):
            def draw(self, renderer) -> None:
                if not self.get_visible() or not self.get_text():
                    return
                if self.get_va() != "baseline" or self.get_rotation() != 0:
                    return super().draw(renderer)  # its anchor is not its baseline: measure it
                renderer.open_group("text", self.get_gid())
                x, y = self.get_transform().transform(self.get_unitless_position())
                if renderer.flipy():  # the SVG's y axis points down
                    y = renderer.get_canvas_width_height()[1] - y
                gc = renderer.new_gc()
                gc.set_foreground(self.get_color())
                gc.set_alpha(self.get_alpha())
                renderer.draw_text(gc, x, y, self.get_text(), self.get_fontproperties(), 0.0, ismath=False,
                                   mtext=self)
                gc.restore()
                renderer.close_group("text")
                self.stale = False

        _LABEL = Label
    return _LABEL


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_XMLNS = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')


def _inline(svg: str) -> str:
    """The SVG as an element of an HTML page: no XML prologue or DOCTYPE (not allowed inside a
    page), no RDF metadata (addresses nobody needs), no namespace declarations (HTML gives the
    elements and xlink:href their namespaces)."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    head, sep, rest = svg.partition(">")
    return _XMLNS.sub("", head) + sep + rest


def chart_svg(trend: Trend) -> str:
    """The chart for a trend of two years or more, as an ``<svg>`` element."""
    with _quiet():
        return _draw(trend)


def warm_up() -> None:
    """Import matplotlib and draw a chart once, so that forked workers find the modules loaded and
    matplotlib's defaults validated (``xxgk batch`` calls it before forking)."""
    from decimal import Decimal

    from .trend import READ, Column

    columns = [Column(2000 + k, READ, values={m.name: Decimal(k) for m in MEASURES}) for k in range(2)]
    chart_svg(Trend("示例", 2001, columns))


__all__ = ["chart_svg", "warm_up"]
