"""Where a report's files live under a root folder, and which township names are safe."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, finding

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

    def output_html(self, township: str, year: int) -> Path:
        return self.output_dir(year) / f"{township}.html"

    def output_notebook(self, township: str, year: int) -> Path:
        return self.output_dir(year) / f"{township}.ipynb"

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
