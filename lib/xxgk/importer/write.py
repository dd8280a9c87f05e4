"""The kit's own files from an imported report: ``data/<year>/<township>.csv`` (the data contract,
its note column saying where each figure was read) and ``params/<township>/<year>.yaml``.

Deterministic (the same source gives the same bytes), never overwriting a file without ``force``,
and with ``force`` saying what changed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import atomic, spec
from ..csv_input import HEADER
from ..paths import Layout
from ..values import format_value
from .narrative import Narrative
from .tables import Placement

#: Markdown would read these line starts as a list or a heading and print them otherwise.
_MARKDOWN_START = re.compile(r"^(\d+)([.)])(\s)|^([-+*#>])(\s)")


def _verbatim(paragraph: str) -> str:
    return _MARKDOWN_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}" if m.group(1)
                               else f"\\{m.group(4)}{m.group(5)}", paragraph)


def data_csv(placement: Placement) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow((*HEADER, "note"))
    for cell in spec.get_format(placement.version).cells():
        read = placement.cells[cell.key]
        # Only a figure the source gives (or the rules force, with --infer) is written; a lost,
        # unreadable or contradictory one stays blank, and the import report lists it.
        value = format_value(read.value, cell.kind) if read.status in ("read", "inferred") else ""
        w.writerow((*cell.key, value, read.note))
    return out.getvalue()


class _Dumper(yaml.SafeDumper):
    """Narrative as YAML block text (``|``), the way an analyst writes a params file."""


def _str(dumper: yaml.SafeDumper, text: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _str)


def params_yaml(narrative: Narrative, township: str, year: int, version: str, meta: dict[str, str]) -> str:
    data: dict[str, Any] = {"township": township, "year": year}
    if narrative.body:
        data["body"] = narrative.body
    date = narrative.publish_date or _meta_date(meta)
    if date:
        data["publish_date"] = date
    if version != spec.version_for_year(year):
        data["format"] = version  # the body kept another layout: read its data in the version it prints
    if narrative.title:
        data["title"] = narrative.title
    for field_name, texts in (("preamble", narrative.preamble), ("overview", narrative.sections.get(1)),
                              ("problems", narrative.sections.get(5)), ("other", narrative.sections.get(6)),
                              ("contact", narrative.contact)):
        if texts:
            data[field_name] = "\n\n".join(_verbatim(t) for t in texts) + "\n"
    head = "# Imported by xxgk import from a published report; every part says where it came from in the import report.\n"
    return head + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def _meta_date(meta: dict[str, str]) -> dt.date | None:
    for key, value in meta.items():
        if "日期" in key or "时间" in key:
            m = re.search(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", value)
            if m:
                try:
                    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    continue
    return None


@dataclass
class Written:
    data: Path
    params: Path
    #: Files already there that were kept (no ``force``): nothing was written.
    refused: list[Path] = field(default_factory=list)
    #: With ``force``: what changed in a file that was there, file → lines.
    changes: dict[Path, list[str]] = field(default_factory=dict)
    created: list[Path] = field(default_factory=list)


def write(root: Path, township: str, year: int, data: str, params: str, *, force: bool) -> Written:
    layout = Layout(Path(root))
    data_path, params_path = layout.data_file(township, year), layout.params_file(township, year)
    result = Written(data_path, params_path)
    existing = [p for p in (data_path, params_path) if p.exists()]
    # Another input kind for the same report (a workbook) counts as its data file too.
    existing += [p for p in data_path.parent.glob(f"{glob_escape(township)}.*")
                 if p.is_file() and p != data_path and p.suffix.lower() in (".csv", ".xlsx")]
    if existing and not force:
        result.refused = existing
        return result
    for path, text, describe in ((data_path, data, _csv_changes), (params_path, params, _yaml_changes)):
        if path.exists():
            old = path.read_text(encoding="utf-8", errors="replace")
            if old != text:
                result.changes[path] = describe(old, text)
        else:
            result.created.append(path)
        atomic.write_text(path, text)
    return result


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _csv_changes(old: str, new: str) -> list[str]:
    def cells(text: str) -> dict[tuple[str, str, str], str]:
        rows = list(csv.reader(io.StringIO(text)))
        return {tuple(r[:3]): r[3] for r in rows[1:] if len(r) >= 4}  # type: ignore[misc]

    before, after = cells(old), cells(new)
    lines = []
    for key in dict.fromkeys([*before, *after]):
        if before.get(key) != after.get(key):
            lines.append(f"表{key[0]} {key[1]} · {key[2]}: {_shown(before.get(key))} → {_shown(after.get(key))}")
    return lines


def _shown(value: str | None) -> str:
    from ..i18n import tr

    if value is None:
        return tr("（无此行）", "(no line)")
    return value if value.strip() else tr("（空白）", "(blank)")


def _yaml_changes(old: str, new: str) -> list[str]:
    try:
        before = yaml.safe_load(old) or {}
    except yaml.YAMLError:
        before = {}
    after = yaml.safe_load(new) or {}
    if not isinstance(before, dict):
        before = {}
    return [f"{k}" for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
