"""A report's files as bytes, for workers that share no file system with the batch.

The batch (the client) packs what a report reads; the worker lays it out as a root of its own,
renders there, and hands back the files the report wrote; the client writes those into its own
output folder, each atomically, and moves older outputs aside as :func:`xxgk.render.render` would
have done in place.  What a report reads:

- its data file and params file;
- the same township's data files of every earlier year (last year's for the cross-year checks and
  the carried figures, every one for the trend) and their params files, whose ``format`` chooses
  the version each year is read in;
- the notebook template (a worker renders from the client's, not from its own copy).

Standard library only on the client's side.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any

from . import atomic, history
from . import manifest as mf
from . import stale
from .batch_plan import Job
from .paths import Layout, check_township_name

#: Where the template goes in the worker's root; ``XXGK_TEMPLATE`` names it there.
TEMPLATE = "notebooks/annual_report.ipynb"


class BadParcel(ValueError):
    """A path in a parcel that is not one the kit would read or write."""


def files_read(layout: Layout, township: str, year: int) -> list[Path]:
    """The data and params files a report reads (those that exist), oldest year first.  A year's
    data files are every one there is, of any kind (a CSV and a workbook side by side are an
    input error the worker must see too)."""
    out: list[Path] = []
    years = [y for y in history.years_of(layout, township) if y < year] + [year]
    for y in years:
        out += layout.data_files(township, y)
        params = layout.params_file(township, y)
        if params.is_file():
            out.append(params)
    return out


def pack(layout: Layout, job: Job, template: bytes) -> dict[str, bytes]:
    """The report's inputs, by their path under the root (``data/2021/某镇.csv``), and the template.

    The job's recorded inputs are brought up to date with the bytes sent: a file changed since the
    plan hashed it is recorded as the version that was rendered."""
    files: dict[str, bytes] = {}
    for path in files_read(layout, job.township, job.year):
        try:
            files[path.relative_to(layout.root).as_posix()] = path.read_bytes()
        except OSError:  # gone or unreadable since the plan: left out, and the worker's checks say so
            continue
    files[TEMPLATE] = template
    _update_inputs(layout, job, files)
    return files


def _update_inputs(layout: Layout, job: Job, files: dict[str, bytes]) -> None:
    """The job's inputs as hashes of the bytes sent (:func:`xxgk.manifest.inputs_of`'s shape)."""
    def sha(rel: str) -> str | None:
        data = files.get(rel)
        return hashlib.sha256(data).hexdigest() if data is not None else None

    def rel(path: Path) -> str:
        return path.relative_to(layout.root).as_posix()

    def data(y: int):  # as manifest.data_sha256: one file's hash, or each file's by name
        sent = [p for p in layout.data_candidates(job.township, y) if rel(p) in files]
        if not sent:
            return None
        return sha(rel(sent[0])) if len(sent) == 1 else {p.name: sha(rel(p)) for p in sent}

    inputs = dict(job.inputs)
    inputs["data"] = data(job.year)
    inputs["params"] = sha(rel(layout.params_file(job.township, job.year)))
    inputs["earlier"] = {y: data(int(y)) for y in inputs.get("earlier") or {}}
    if inputs != job.inputs:
        job.inputs, job.fingerprint = inputs, mf.fingerprint(inputs)


def _safe(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts) or "\\" in rel:
        raise BadParcel(rel)
    return path


def unpack(root: Path, files: dict[str, bytes]) -> None:
    """Lay the parcel's files out under ``root`` (the worker's private root)."""
    allowed = ("data", "params", "notebooks")
    for rel, data in files.items():
        path = _safe(rel)
        if path.parts[0] not in allowed:
            raise BadParcel(rel)
        target = root.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def outputs(root: Path) -> dict[str, bytes]:
    """Every file the report wrote under ``root/output``, by its path there."""
    out_dir = root / "output"
    if not out_dir.is_dir():
        return {}
    return {p.relative_to(out_dir).as_posix(): p.read_bytes() for p in sorted(out_dir.rglob("*")) if p.is_file()}


def place(layout: Layout, job: Job, entry: dict[str, Any], files: dict[str, bytes]) -> list[str]:
    """Write a report's files into this root's output folder, as :func:`xxgk.render.render` would
    have: older outputs moved aside first (the copies the worker's render set aside), each file
    written atomically, the stale copy removed once a fresh one is in place.  Returns the outputs
    moved aside, by their path under output/.

    Only the report's own output files are written: a path that is not one is refused."""
    out_dir = layout.root / "output"
    own = set(layout.all_outputs(job.township, job.year))
    targets = []
    for rel in sorted(files):
        target = out_dir.joinpath(*_safe(rel).parts)
        if target not in own:
            raise BadParcel(rel)
        targets.append((target, files[rel]))
    safe_name = check_township_name(job.township) is None
    aside = tuple(bool(c) for c in entry.get("_aside") or ()) if safe_name else ()
    moved = stale.set_aside(layout, job.township, job.year, aside)
    for target, data in targets:
        atomic.write_bytes(target, data)
    if entry.get("_cleared"):
        stale.clear(layout, job.township, job.year, publish=job.publish)
    # A failed run's notebook is written where the one set aside was: that is not stale.
    superseded = {layout.stale(t) for t, _ in targets}
    return [p.relative_to(out_dir).as_posix() for p in moved if p not in superseded]
