"""Where a report's files live under a root folder, and which township names are safe."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, finding

#: The folder of the copies to publish, inside ``output/<year>/``.
PUBLISHED = "published"
#: Marks an output moved aside because its report could not be rendered from its current inputs.
STALE = ".过期"

_UNSAFE = re.compile(r'[/\\:*?"<>|]')


def check_township_name(name: str) -> Finding | None:
    """A finding when ``name`` could escape its folder or confuse a file system, else None.

    Checked before anything is read or written, since the name becomes part of paths.
    """
    problem = None
    if not name or not name.strip():
        problem = "empty"
    elif name in {".", ".."} or name.startswith("."):
        problem = "dot"
    elif _UNSAFE.search(name):
        problem = "separator"
    elif any(unicodedata.category(ch).startswith("C") for ch in name):
        problem = "control"
    elif name != name.strip():
        problem = "spaces"
    if problem is None:
        return None
    from .catalogue import message

    return finding("E-NAME", "unsafe", args={"name": name, "problem": message("E-NAME", problem)},
                   values={"township": name})


@dataclass(frozen=True)
class Layout:
    """``data/<year>/<township>.csv``, ``params/<township>/<year>.yaml``, ``output/<year>/…``."""

    root: Path

    def data_file(self, township: str, year: int) -> Path:
        return self.root / "data" / str(year) / f"{township}.csv"

    def params_file(self, township: str, year: int) -> Path:
        return self.root / "params" / township / f"{year}.yaml"

    def output_dir(self, year: int) -> Path:
        return self.root / "output" / str(year)

    def copy_dir(self, year: int, *, publish: bool = False) -> Path:
        """Where a copy of the year's reports goes: the review copy in ``output/<year>/``, the copy to
        publish beside it in ``output/<year>/published/``, so that neither overwrites the other."""
        return self.output_dir(year) / PUBLISHED if publish else self.output_dir(year)

    def output_html(self, township: str, year: int, *, publish: bool = False) -> Path:
        return self.copy_dir(year, publish=publish) / f"{township}.html"

    def output_notebook(self, township: str, year: int, *, publish: bool = False) -> Path:
        return self.copy_dir(year, publish=publish) / f"{township}.ipynb"

    def output_pdf(self, township: str, year: int) -> Path:
        """Only the copy to publish is printed."""
        return self.copy_dir(year, publish=True) / f"{township}.pdf"

    def outputs(self, township: str, year: int, *, publish: bool) -> tuple[Path, ...]:
        """Every file a copy of a report may have: what a failed render moves aside, what a killed
        worker may have left half-written."""
        files = (self.output_html(township, year, publish=publish), self.output_notebook(township, year, publish=publish))
        return (*files, self.output_pdf(township, year)) if publish else files

    @staticmethod
    def stale(path: Path) -> Path:
        """Where an output its inputs no longer make is moved: ``红旗满族乡.过期.html`` beside it."""
        return path.with_name(f"{path.stem}{STALE}{path.suffix}")

    def display(self, path: Path) -> str:
        """A path as the analyst knows it: relative to the root when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def reports(self) -> list[tuple[str, int]]:
        """Every (township, year) with a data file, sorted by year then name."""
        found = []
        data = self.root / "data"
        if not data.is_dir():
            return []
        for year_dir in data.iterdir():
            if year_dir.is_dir() and year_dir.name.isdigit():
                for csv_file in year_dir.glob("*.csv"):
                    found.append((csv_file.stem, int(year_dir.name)))
        return sorted(found, key=lambda ty: (ty[1], ty[0]))
