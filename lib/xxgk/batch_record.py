"""A finished report into the manifest: its entry completed with what it was made from, the copy it
made recorded, and the other copy set aside when today's inputs no longer make it.

The same for every pool: the local workers and a cluster's hand back the same entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import manifest as mf
from .batch_plan import Job
from .batch_result import Outcome, kept
from .paths import Layout


def failed_entry(job: Job, error: str) -> dict[str, Any]:
    return {"township": job.township, "year": job.year, "status": mf.FAILED, "error": error}


def record(entry: dict[str, Any], job: Job, seconds: float, manifest: mf.Manifest) -> Outcome:
    """Put the report's entry in the manifest; its outcome for the display."""
    # Keys starting with "_" travel between a worker and the batch (a traceback, whether the
    # engine ever started) and are not the manifest's business.
    entry = {k: v for k, v in entry.items() if not k.startswith("_")}
    entry["inputs"] = job.inputs
    entry["fingerprint"] = job.fingerprint
    entry.setdefault("version", None)
    entry.setdefault("counts", {})
    entry.setdefault("failed_checks", [])
    entry.setdefault("figures", {})
    entry.setdefault("outputs", {})
    entry.setdefault("stale", [])
    kind = entry.pop("copy", mf.PUBLISHED if job.publish else mf.REVIEW)
    copies = dict((manifest.get(job.township, job.year) or {}).get("copies") or {})
    if entry["status"] in mf.SUCCESS:
        copies[kind] = {"fingerprint": job.fingerprint, "inputs": job.inputs, "outputs": entry["outputs"]}
    else:
        copies.pop(kind, None)
    # The other copy, made earlier: when the inputs it was made from are not today's, nobody should
    # read it as current any more.
    layout = Layout(Path(job.root))
    for other, made in list(copies.items()):
        if other != kind and (entry["status"] == mf.INPUT_ERRORS or not mf.same_inputs(made.get("inputs"), job.inputs)):
            entry["stale"] += mf.set_aside(layout.root / "output", made.get("outputs") or {})
            del copies[other]
    entry["copies"] = copies
    manifest.put(entry)
    return Outcome(job.township, job.year, entry["status"], kept(entry), job.attempt, seconds)
