"""A township's other years, as the checks and the review copy read them: last year's figures for
the cross-year rules and the carried figures, every year's for the trend.

A year is the same township's data file for that year in the same root, whatever its input kind,
read in the format version its own params file chooses (or its year's default).  Only figures are
read here (no rules, no narrative): reading the years together must stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import spec
from .compute import Completed, complete
from .load import Figures, Key, load_figures
from .paths import Layout


@dataclass
class Year:
    """One year of a township, as far as its data file could be read."""

    township: str
    year: int
    version: str
    #: The data file as the analyst knows it (relative to the root) and its sha256.
    file: str
    sha256: str | None
    figures: Figures | None
    completed: Completed | None
    #: Why the figures could not be read (the file has input errors): they are not used.
    unreadable: bool = False

    @property
    def values(self) -> dict[Key, object]:
        return self.completed.values if self.completed is not None else {}


def version_of(layout: Layout, township: str, year: int) -> str:
    """The format version a year is read in: its params' ``format`` override, else the year's."""
    params = layout.params_file(township, year)
    if params.is_file():
        try:
            import yaml

            # libyaml where installed: this reads every year's whole params file for one key.
            data = yaml.load(params.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            chosen = data.get("format") if isinstance(data, dict) else None
            if isinstance(chosen, (str, int)) and str(chosen) in spec.versions():
                return str(chosen)
        except Exception:  # a broken params file is that year's own problem, reported when it is checked
            pass
    return spec.version_for_year(year)


def load_year(layout: Layout, township: str, year: int) -> Year | None:
    """That year's figures (totals completed), or None when the township has no data file for it."""
    if year < spec.first_year():
        return None
    files = layout.data_files(township, year)
    if not files:
        return None
    path = files[0]
    version = version_of(layout, township, year)
    loaded = load_figures(path, version, layout.display(path))
    # Two data files (E-TWO-FILES in that year's own report): which one holds the figures is unknown.
    bad = len(files) > 1 or loaded.figures is None or any(f.is_error for f in loaded.findings)
    completed = complete(loaded.figures) if not bad else None
    return Year(township, year, version, layout.display(path), loaded.sha256, loaded.figures if not bad else None,
                completed, unreadable=bad)


def previous(layout: Layout, township: str, year: int) -> Year | None:
    return load_year(layout, township, year - 1)


def years_of(layout: Layout, township: str) -> list[int]:
    """Every year the township has a data file for, oldest first (one look per year folder: a
    province's data folder holds thousands of files)."""
    data = layout.root / "data"
    if not data.is_dir():
        return []
    years = sorted(int(d.name) for d in data.iterdir() if d.is_dir() and d.name.isdigit())
    return [y for y in years if layout.data_files(township, y)]


def history(layout: Layout, township: str, up_to: int, known: dict[int, Year] | None = None) -> list[Year]:
    """Every year of the township up to and including ``up_to``, oldest first (unreadable ones too,
    so that a trend can say a year is there but could not be read).  ``known``: years already
    loaded (a report's last year), not read again."""
    out = []
    for y in years_of(layout, township):
        if y <= up_to:
            loaded = (known or {}).get(y) or load_year(layout, township, y)
            if loaded is not None:
                out.append(loaded)
    return out
