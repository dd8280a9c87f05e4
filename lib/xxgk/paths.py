"""Where a report's files live under a root folder, and which township names are safe."""

from __future__ import annotations

import glob
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, finding
from .readers import SUFFIXES

#: The folder of the copies to publish, inside ``output/<year>/``.
PUBLISHED = "published"
#: Marks an output moved aside because its report could not be rendered from its current inputs.
STALE = ".过期"

_UNSAFE = re.compile(r'[/\\:*?"<>|]')

#: Most file systems take at most 255 bytes per file name (ext4, XFS, Btrfs, APFS count UTF-8
#: bytes; NTFS counts 255 UTF-16 units, never more than the UTF-8 bytes of the same name).
NAME_MAX_BYTES = 255

#: Files are written through a temporary file beside them (:mod:`xxgk.atomic`, :mod:`xxgk.pdf`):
#: ``tempfile.mkstemp(prefix=temp_prefix(name), suffix=TEMP_SUFFIX)``, whose random part is 8
#: characters (``tempfile._RandomNameSequence``).  Those are the longest names the kit makes, so
#: they set how long a township's name may be; tests hold mkstemp to the 8.
TEMP_SUFFIX = ".tmp"
TEMP_RANDOM_CHARS = 8

#: How Excel and WPS name the lock file of an open workbook: ``~$`` and the workbook's name.
OWNER_FILE = "~$"

#: Working copies of the notebook for exploring one report (``xxgk notebook``).
WORK_DIR = Path("notebooks") / "work"

#: The device names Windows reserves, in any case and with any extension (as CPython's
#: ``ntpath.isreserved`` has them): no file of that name can be made on Windows.
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                             | {f"{port}{n}" for port in ("COM", "LPT") for n in "123456789\u00b9\u00b2\u00b3"})
#: Stands for the year when it is not known yet: four characters, as a reporting year has.
_SOME_YEAR = "YYYY"
#: Stands for the township in :func:`name_limit`'s example file name.
_PROBE = "<>"


def temp_prefix(target_name: str) -> str:
    return f".{target_name}."


def temp_name(target_name: str, random: str = "x" * TEMP_RANDOM_CHARS) -> str:
    """The name of the temporary file ``target_name`` is written through."""
    return f"{temp_prefix(target_name)}{random}{TEMP_SUFFIX}"


def temp_glob(target_name: str) -> str:
    """A glob pattern for the temporary files of ``target_name`` (left behind by a killed worker)."""
    return f"{glob.escape(temp_prefix(target_name))}*{TEMP_SUFFIX}"


def _windows_device(component: str) -> str | None:
    # Windows ignores the extension and spaces before it: "nul.txt" and "NUL .txt" are NUL.
    stem = component.partition(".")[0].rstrip(" ").upper()
    return stem if stem in _WINDOWS_DEVICES else None


def name_limit(year: int | None = None) -> tuple[int, int, str]:
    """(most UTF-8 bytes a township name may have, bytes the longest name made from it adds, that
    name with ``<>`` for the township), from every name :meth:`Layout.names` lists."""
    names = Layout(Path(".")).names(_PROBE, _SOME_YEAR if year is None else year)
    longest = max(names, key=lambda c: len(c.encode("utf-8")))
    extra = len(longest.encode("utf-8")) - len(_PROBE.encode("utf-8"))
    return NAME_MAX_BYTES - extra, extra, longest


def _problem(name: str, year: int | None) -> tuple[str, dict] | None:
    if not name or not name.strip():
        return "empty", {}
    if name in {".", ".."} or name.startswith("."):
        return "dot", {}
    if _UNSAFE.search(name):
        return "separator", {}
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return "control", {}
    if name != name.strip():
        return "spaces", {}
    if name.endswith("."):
        return "trailing_dot", {}
    names = Layout(Path(".")).names(name, _SOME_YEAR if year is None else year)
    device = next(filter(None, map(_windows_device, names)), None)
    if device:
        return "reserved", {"device": device}
    limit, extra, longest = name_limit(year)
    size = len(name.encode("utf-8"))
    if size > limit:
        before, _, after = longest.partition(_PROBE)
        return "too_long", {"chars": len(name), "bytes": size, "max": NAME_MAX_BYTES, "extra": extra,
                            "limit": limit, "limit_chinese": limit // 3, "before": before, "after": after}
    return None


def check_township_name(name: str, year: int | None = None) -> Finding | None:
    """A finding when ``name`` could escape its folder, confuse a file system (Windows included), or
    make a file name too long for one, else None.  ``year``, when known, counts in the working
    copy's name (a four-digit year otherwise).

    Checked before anything is read or written, since the name becomes part of paths.
    """
    found = _problem(name, year)
    if found is None:
        return None
    from .catalogue import message

    problem, args = found
    if problem == "too_long":
        args["longest"] = message("E-NAME", "longest", before=args.pop("before"), after=args.pop("after"))
        return finding("E-NAME", "too_long", args={"name": name, **args}, values={"township": name})
    return finding("E-NAME", "unsafe", args={"name": name, "problem": message("E-NAME", problem, **args)},
                   values={"township": name})


@dataclass(frozen=True)
class Layout:
    """``data/<year>/<township>.csv`` (or ``.xlsx``), ``params/<township>/<year>.yaml``,
    ``output/<year>/…``, ``notebooks/work/<year>-<township>.ipynb``."""

    root: Path

    def data_candidates(self, township: str, year: int | str) -> list[Path]:
        """Where a report's data file may be: one name per kind of file the kit reads
        (:data:`xxgk.readers.SUFFIXES`), in the registry's order."""
        folder = self.root / "data" / str(year)
        return [folder / f"{township}{suffix}" for suffix in SUFFIXES]

    def data_files(self, township: str, year: int) -> list[Path]:
        """The report's data files that exist: one, or none; more is an input error (``E-TWO-FILES``)."""
        return [p for p in self.data_candidates(township, year) if p.exists()]

    def data_file(self, township: str, year: int) -> Path:
        """The report's data file, whatever its kind; the CSV's name when there is none (the name a
        message about the missing file gives)."""
        found = self.data_files(township, year)
        return found[0] if found else self.data_candidates(township, year)[0]

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

    def output_file(self, township: str, year: int, suffix: str) -> Path:
        """The file of an output format (``.pdf``, ``.docx``): only the copy to publish has one,
        beside its page."""
        return self.copy_dir(year, publish=True) / f"{township}{suffix}"

    def outputs(self, township: str, year: int, *, publish: bool) -> tuple[Path, ...]:
        """Every file a copy of a report may have: what a failed render moves aside, what a killed
        worker may have left half-written."""
        from .writers import published_suffixes

        files = (self.output_html(township, year, publish=publish), self.output_notebook(township, year, publish=publish))
        if not publish:
            return files
        return (*files, *(self.output_file(township, year, suffix) for suffix in published_suffixes()))

    @staticmethod
    def stale(path: Path) -> Path:
        """Where an output its inputs no longer make is moved: ``红旗满族乡.过期.html`` beside it."""
        return path.with_name(f"{path.stem}{STALE}{path.suffix}")

    def all_outputs(self, township: str, year: int) -> tuple[Path, ...]:
        """Both copies' files."""
        return (*self.outputs(township, year, publish=False), *self.outputs(township, year, publish=True))

    def work_copy(self, township: str, year: int) -> Path:
        return self.root / WORK_DIR / f"{year}-{township}.ipynb"

    def names(self, township: str, year: int | str) -> list[str]:
        """Every file or folder name made from the township's name: what is read, what is written,
        and the temporary file each is written through.  A file the kit comes to write must be
        listed here, so that names too long for it are refused before anything is written.
        (``year`` may be a stand-in of the same length, such as ``"YYYY"``.)"""
        outputs = self.all_outputs(township, year)
        written = [p.name for p in (*outputs, self.work_copy(township, year))]
        renamed = [self.stale(p).name for p in outputs]  # moved aside, not written through a temporary
        read = [*(p.name for p in self.data_candidates(township, year)), self.params_file(township, year).parent.name]
        return read + written + renamed + [temp_name(n) for n in written]

    def display(self, path: Path) -> str:
        """A path as the analyst knows it: relative to the root when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def reports(self) -> list[tuple[str, int]]:
        """Every (township, year) with a data file of any kind, sorted by year then name."""
        found: set[tuple[str, int]] = set()
        data = self.root / "data"
        if not data.is_dir():
            return []
        for year_dir in data.iterdir():
            if year_dir.is_dir() and year_dir.name.isdigit():
                for suffix in SUFFIXES:
                    for data_file in year_dir.glob(f"*{suffix}"):
                        # Excel and WPS keep "~$<name>.xlsx" beside a workbook while it is open:
                        # the name of whoever has it open, not a report.
                        if not data_file.name.startswith(OWNER_FILE):
                            found.add((data_file.stem, int(year_dir.name)))
        return sorted(found, key=lambda ty: (ty[1], ty[0]))
