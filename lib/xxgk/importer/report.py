"""The import report: what was read, from where, and what could not be — as text for an analyst
(one report in full; several sources, one line each) or as JSON for tools (everything)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from ..findings import _jsonable
from ..i18n import tr
from ..missing import grouped
from ..values import format_value
from .run import Imported


def _counts(result: Imported) -> dict[str, int]:
    counts = dict.fromkeys(("read", "blank", "lost", "unreadable", "conflict", "inferred"), 0)
    if result.placement is not None:
        for cell in result.placement.cells.values():
            counts[cell.status] += 1
    return counts


def _files(result: Imported, root: Path) -> str:
    w = result.written
    if w is None:
        return ""
    show = lambda p: str(p.relative_to(root)) if p.is_relative_to(root) else str(p)  # noqa: E731
    return f"{show(w.data)}, {show(w.params)}"


def summary_line(result: Imported, root: Path) -> str:
    if result.failed:
        first = next((f for f in result.findings if f.is_error), None)
        return tr("{src}：未导入：{why}", "{src}: not imported: {why}", src=result.source, why=first.text() if first else "")
    c = _counts(result)
    refused = result.written is not None and result.written.refused
    where = tr("未写入（文件已存在，要覆盖请加 --force）", "nothing written (files exist; add --force to overwrite)") if refused \
        else _files(result, root)
    return tr("{src} → {t} {y}（{v} 年版）：读出 {read}，空白 {blank}，缺失 {lost}，无法读作数值 {bad}，不一致 {conflict}，推出 {inferred}；{where}",
              "{src} → {t} {y} ({v} format): {read} read, {blank} blank, {lost} lost, {bad} unreadable, "
              "{conflict} in conflict, {inferred} inferred; {where}",
              src=result.source, t=result.township, y=result.year, v=result.version, read=c["read"], blank=c["blank"],
              lost=c["lost"], bad=c["unreadable"], conflict=c["conflict"], inferred=c["inferred"], where=where)


def write_text(results: list[Imported], root: Path, out: TextIO, *, full: bool) -> None:
    for result in results:
        out.write(summary_line(result, root) + "\n")
        if not full or result.failed:
            continue
        w = result.written
        if w is not None and w.refused:
            for p in w.refused:
                out.write(tr("  已存在，未覆盖：{p}", "  exists, not overwritten: {p}", p=p) + "\n")
        if w is not None:
            for path, lines in w.changes.items():
                out.write(tr("  --force 覆盖了 {p}，改动：", "  --force overwrote {p}; changed:", p=path) + "\n")
                for line in lines:
                    out.write(f"    {line}\n")
        for f in result.findings:
            if f.rule == "N-IMPORT":
                out.write(f"  {f.tag()} {f.text()}\n")
        lost = [f for f in result.findings if f.rule == "E-IMPORT-CELL" and f.values.get("status") == "lost"]
        others = [f for f in result.findings if f.rule == "E-IMPORT-CELL" and f not in lost]
        if lost and result.version:
            # Folded along the table, as missing data is: a lost row is one line, not seven.
            for g in grouped(lost, result.version, code="E-IMPORT-CELL"):
                out.write(f"  {lost[0].tag()} E-IMPORT-CELL: {g.text.render()}\n")
        for f in others:
            out.write(f"  {f.tag()} {f.where().split(' ', 1)[-1]}: {f.text()}\n")
        if result.placement is not None:
            out.write(tr("  读出的单元格：", "  cells read:") + "\n")
            from .. import spec

            fmt = spec.get_format(result.placement.version)
            for cell in fmt.cells():
                read = result.placement.cells[cell.key]
                if read.status in ("read", "blank", "inferred"):
                    shown = format_value(read.value, cell.kind) if read.status != "blank" else tr("（空白）", "(blank)")
                    out.write(f"    表{cell.table} {cell.row} · {cell.column} = {shown}  ← {read.note}\n")


def to_json(results: list[Imported], root: Path) -> str:
    out: list[dict[str, Any]] = []
    for r in results:
        entry: dict[str, Any] = {
            "source": str(r.source), "township": r.township, "year": r.year, "version": r.version,
            "version_labels": list(r.detected.labels) if r.detected else [],
            "imported": not r.failed, "exit": r.exit_code, "counts": _counts(r),
            "findings": [f.to_dict() for f in r.findings],
        }
        if r.written is not None:
            entry["data_file"], entry["params_file"] = str(r.written.data), str(r.written.params)
            entry["refused"] = [str(p) for p in r.written.refused]
            entry["changes"] = {str(p): lines for p, lines in r.written.changes.items()}
        if r.placement is not None:
            entry["cells"] = [{"table": c.key[0], "row": c.key[1], "column": c.key[2], "status": c.status,
                               "value": _jsonable(c.value), "text": c.text,
                               "where": c.where.text() if c.where else None, "note": c.note}
                              for c in r.placement.cells.values()]
            entry["extra_rows"] = [{"table": e.table, "label": e.label, "where": e.where.text()}
                                   for e in r.placement.extra_rows]
        out.append(entry)
    return json.dumps(out, ensure_ascii=False, indent=2)
