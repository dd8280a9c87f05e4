"""``output/manifest.json``: what each report was last rendered from, and how it went.

For every township-year: the sha256 of its inputs (data file, params file, notebook template,
the kit and the libraries that shape the page, the options that change the output), the status,
finding counts, the failed checks, the key figures and the output files.  ``xxgk batch`` skips a
report whose inputs hash the same as at its last successful render and whose outputs are still
there; the dashboard and ``summary.csv`` are drawn from it.

Only the standard library here: deciding that nothing needs rendering must stay cheap (no
notebook machinery imported, no kernel started).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_streamed
from .i18n import tr
from .paths import Layout

#: 2: each report's review copy and copy to publish are recorded apart ("copies").
MANIFEST_VERSION = 2
FILE_NAME = "manifest.json"

#: Statuses of a report, as the dashboard shows them.
OK, WARNINGS, FAILED, INPUT_ERRORS = "ok", "warnings", "failed", "input errors"
STATUSES = (OK, WARNINGS, FAILED, INPUT_ERRORS)
#: The two copies of a report: the review copy (output/<year>/) and the one to publish (…/published/).
REVIEW, PUBLISHED = "review", "published"
#: A report in one of these states has outputs that its inputs make; it can be skipped next time.
SUCCESS = frozenset({OK, WARNINGS})
#: Input errors are found before any notebook runs and follow from the inputs alone: unchanged
#: inputs give the same findings, so such a report is not checked again either (it still counts
#: as failing).  A failed execution may be transient (a kernel that died) and is always retried.
SETTLED = SUCCESS | {INPUT_ERRORS}

#: Libraries whose version changes the executed notebook or the page (a new nbconvert template, a
#: new IPython traceback format, a workbook read differently...): part of the inputs, like the kit itself.
LIBRARIES = ("nbconvert", "nbformat", "papermill", "ipykernel", "ipython", "jinja2", "markdown-it-py", "pandas",
             "openpyxl", "matplotlib")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    """The file's sha256; None when it does not exist; an ``unreadable:`` marker (never equal to a
    previous one) when it cannot be read, so that a report is never skipped on a file nobody read."""
    try:
        return _sha256(path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"unreadable:{e.errno}:{os.urandom(8).hex()}"


@lru_cache(maxsize=1)
def kit_fingerprint() -> str:
    """The kit's version, a hash of its code, templates and assets, and the libraries' versions.

    The code hash matters between releases: a fix to the kit changes pages without a version bump.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"xxgk {__version__}\n".encode())
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix not in {".pyc", ".pyo"})
    for path in files:
        digest.update(f"{path.relative_to(package).as_posix()}\0".encode())
        digest.update(_sha256(path.read_bytes()).encode())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}=={version}\n".encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def output_options(*, publish: bool, strict: bool, to: str = "html", lang: str = "zh") -> dict[str, bool | str]:
    """The batch options that change what is written (``--strict`` decides whether it is written;
    ``lang`` is the language of the review panel and of the messages the manifest keeps)."""
    return {"publish": bool(publish), "strict": bool(strict), "to": to, "lang": lang}


def data_sha256(layout: Layout, township: str, year: int) -> Any:
    """The hash of a report's data file; with two (a CSV and a workbook) both, by name: two are an
    input error until one goes, and which one goes must change the inputs."""
    files = layout.data_files(township, year)
    if not files:
        return None
    return file_sha256(files[0]) if len(files) == 1 else {p.name: file_sha256(p) for p in files}


def inputs_of(layout: Layout, township: str, year: int, *, template_sha256: str, kit: str,
              options: dict[str, bool], earlier: dict[str, Any] | None = None,
              data: Any = None) -> dict[str, Any]:
    """What a report is made from.  ``earlier``: the sha256 of the same township's data file of each
    earlier year (year → hash): last year's decides the cross-year checks and the carried figures,
    every earlier one the trend, so a change to any of them renders this year again.  ``data``: the
    data file's hash when the caller has it already."""
    return {
        "data": data if data is not None else data_sha256(layout, township, year),
        "params": file_sha256(layout.params_file(township, year)),
        "earlier": dict(sorted((earlier or {}).items())),
        "template": template_sha256,
        "kit": kit,
        "options": dict(sorted(options.items())),
    }


def same_inputs(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Made from the same data, params, template and kit (whatever the output options)."""
    strip = lambda d: {k: v for k, v in (d or {}).items() if k != "options"}  # noqa: E731
    return a is not None and b is not None and strip(a) == strip(b)


def set_aside(output_dir: Path, outputs: dict[str, Any]) -> list[str]:
    """Move a copy's recorded outputs to their stale names (``红旗满族乡.过期.html``); their new paths."""
    moved = []
    for out in outputs.values():
        try:
            path = output_dir / out["path"]
            if path.exists():
                target = Layout.stale(path)
                os.replace(path, target)
                moved.append(target.relative_to(output_dir).as_posix())
        except (OSError, KeyError, TypeError):
            continue
    return moved


def fingerprint(inputs: dict[str, Any]) -> str:
    return _sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode())


def key(township: str, year: int) -> str:
    return f"{year}/{township}"


def _pack(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _order(k: str) -> tuple[int, str]:
    year, _, township = k.partition("/")
    return (int(year) if year.isdigit() else 0, township)


class Entries:
    """The manifest's entries by year then township, decoded one at a time as they are read
    (iterable more than once, with a length), so that going through thousands of them for the
    dashboard never holds them all decoded."""

    def __init__(self, packed: dict[str, bytes]):
        self._keys = sorted(packed, key=_order)
        self._packed = packed

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        for k in self._keys:
            yield json.loads(self._packed[k])


@dataclass
class Manifest:
    """The entries are kept as compact JSON, a third of the memory of the decoded dictionaries:
    a batch of thousands of reports keeps every entry until it writes the dashboard."""

    path: Path
    packed: dict[str, bytes] = field(default_factory=dict)
    #: Why an existing manifest could not be read (it is then started afresh), for a warning.
    problem: str | None = None
    #: Changed since it was read (or never saved), saved since or not: a batch saves the manifest as
    #: it goes, but the dashboard is drawn once at the end, and only a batch that changed nothing
    #: may leave it be.
    changed: bool = False

    @classmethod
    def for_root(cls, root: Path) -> "Manifest":
        return cls.load(Path(root) / "output" / FILE_NAME)

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path, changed=True)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            return cls(path, problem=tr("无法读取 {p}（{e}）；将重新生成每份报告", "{p} could not be read ({e}); every report will be rendered",
                                        p=path, e=e), changed=True)
        reports = data.get("reports") if isinstance(data, dict) else None
        if isinstance(data, dict) and data.get("manifest_version") == 1:
            return cls(path, changed=True)  # an older kit's: every report is rendered again, silently
        if not isinstance(data, dict) or data.get("manifest_version") != MANIFEST_VERSION \
                or not isinstance(reports, dict) or not all(isinstance(e, dict) for e in reports.values()):
            return cls(path, problem=tr("{p} 不是本工具写的清单；将重新生成每份报告",
                                        "{p} is not a manifest this kit writes; every report will be rendered", p=path),
                       changed=True)
        return cls(path, {k: _pack(e) for k, e in reports.items()})

    def __len__(self) -> int:
        return len(self.packed)

    def get(self, township: str, year: int) -> dict[str, Any] | None:
        raw = self.packed.get(key(township, year))
        return json.loads(raw) if raw is not None else None

    def put(self, entry: dict[str, Any]) -> None:
        self.packed[key(entry["township"], entry["year"])] = _pack(entry)
        self.changed = True

    def prune(self, keep: set[tuple[str, int]]) -> None:
        """Forget reports whose data file is gone (their old outputs are left alone)."""
        wanted = {key(t, y) for t, y in keep}
        for k in [k for k in self.packed if k not in wanted]:
            del self.packed[k]
            self.changed = True

    def is_current(self, township: str, year: int, copy: str, print_: str, output_dir: Path) -> bool:
        """True when this copy of the report was last rendered (or the report refused for input
        errors) from inputs with this fingerprint, and the files it wrote are still there, unchanged
        in size."""
        entry = self.get(township, year)
        if not entry or entry.get("status") not in SETTLED:
            return False
        if entry["status"] == INPUT_ERRORS:
            return entry.get("fingerprint") == print_
        made = (entry.get("copies") or {}).get(copy) or {}
        if made.get("fingerprint") != print_:
            return False
        outputs = made.get("outputs") or {}
        if not {"html", "ipynb"} <= set(outputs):
            return False
        for out in outputs.values():  # and the PDF, when one was printed
            try:
                if (output_dir / out["path"]).stat().st_size != out["bytes"]:
                    return False
            except (OSError, KeyError, TypeError):
                return False
        return True

    def entries(self) -> Entries:
        """Every report, by year then township."""
        return Entries(self.packed)

    def _lines(self):
        """The file: one report per line (a change to one report is a one-line diff)."""
        yield f'{{"manifest_version": {MANIFEST_VERSION},\n "reports": {{'
        keys = sorted(self.packed, key=_order)
        for i, k in enumerate(keys):
            sep = "," if i < len(keys) - 1 else ""
            yield f"\n  {json.dumps(k, ensure_ascii=False)}: {self.packed[k].decode('utf-8')}{sep}"
        yield "\n }\n}\n" if keys else "}\n}\n"

    def save(self) -> None:
        write_streamed(self.path, lambda f: f.writelines(self._lines()))
