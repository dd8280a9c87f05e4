"""Synthetic township-years for trying the kit at scale: ``xxgk demo-data``.

Names are 示例镇001, 示例镇002, … and every params file says 示例数据, so nothing can be taken
for a real body's report.  The figures are made to hold the format's own arithmetic:

- R1 (per column: 一 + 二 = （七）总计 + 四), R2 (row 总计 = its six applicant columns),
  R3 (（七）总计 = its result rows), R6 (table 四 总计 = its four results);
- across consecutive years of a township: R8 (结转下年度 of N = 上年结转 of N+1), R9 (2021:
  现行有效 = last year's + 制发 − 废止), R10 (2019: 上一年项目数量 follows 本年增/减; 本年新公开
  ≤ 对外公开总数量); a township makes no 规章 (P2) and stays well under P1's magnitudes;
  every 规范性文件 made is published the same year (P3), no 2019 item count goes below zero (P5),
  and money stays in 万元, well under P4's limits (at most 900 万元 of procurement, 60 万元 of fees).

Some figures are 0 and some reports leave cells blank (a total the kit computes, or the 规章
row, as in the seed), so both show up in a batch.  ``with_errors`` plants a few deliberate
problems (a total that does not add up, a carried-over figure that breaks R1, a word where a
number belongs) and says where.  The same seed gives the same files; township *k* gets the same
figures whatever the number of townships asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from . import atomic, spec
from .i18n import tr
from .load import HEADER
from .paths import Layout

NAME_PREFIX = "示例镇"
#: Share of reports with blank cells, and (``with_errors``) with a planted problem.
BLANK_SHARE = 0.15
ERROR_SHARE = 0.12

Key = tuple[str, str, str]


class Exists(Exception):
    """A file the demo would write is already there (and ``force`` was not given)."""


@dataclass
class Written:
    data: list[Path] = field(default_factory=list)
    params: list[Path] = field(default_factory=list)
    #: (township, year, what was planted), for ``with_errors``.
    planted: list[tuple[str, int, str]] = field(default_factory=list)


def township_name(index: int) -> str:
    return f"{NAME_PREFIX}{index:03d}"


# --- figures ----------------------------------------------------------------------------------


@dataclass
class _State:
    """What carries from one year of a township to the next."""

    carried: dict[str, int]  # table 三 四、结转下年度 per applicant column
    normative_in_force: int  # 2021 行政规范性文件 现行有效件数
    normative_published_total: int  # 2019 规范性文件 对外公开总数量
    items: dict[str, int]  # 2019 上一年项目数量 per row, for next year
    deltas: dict[str, int]  # 2019 本年增/减 per row of this year


def _new_state(rng: random.Random) -> _State:
    rows_2019 = ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费")
    return _State(
        carried={c: rng.choice((0, 0, 0, 1, 2)) for c in spec.T3_APPLICANT_COLUMNS},
        normative_in_force=rng.randint(3, 30),
        normative_published_total=rng.randint(3, 30),
        items={r: rng.randint(0, 40) for r in rows_2019},
        deltas={r: 0 for r in rows_2019},
    )


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """``total`` items spread over len(weights) rows (a multinomial draw)."""
    counts = [0] * len(weights)
    for i in rng.choices(range(len(weights)), weights=weights, k=total):
        counts[i] += 1
    return counts


def _result_weights(rows: tuple[str, ...]) -> list[float]:
    weights = []
    for r in rows:
        if r == spec.GRANTED:
            weights.append(10.0)
        elif r == spec.PARTIAL:
            weights.append(2.0)
        elif r.startswith("1.本机关不掌握"):
            weights.append(2.5)
        else:
            weights.append(0.3)
    return weights


def _table_3(rng: random.Random, version: str, state: _State) -> dict[Key, int]:
    t = spec.TABLE_3
    values: dict[Key, int] = {}
    result_rows = spec.result_rows(version)
    weights = _result_weights(result_rows)
    scale = rng.choice((0, 1, 1, 2, 3, 5))  # some townships receive hardly any applications
    for c in spec.T3_APPLICANT_COLUMNS:
        top = 12 * scale if c == spec.NATURAL else scale
        new = rng.randint(0, top) if top else 0
        carried_in = state.carried[c]
        available = new + carried_in
        carried_out = min(available, rng.choice((0, 0, 0, 1, 2)))
        handled = available - carried_out
        values[(t, spec.NEW, c)] = new
        values[(t, spec.CARRIED_IN, c)] = carried_in
        values[(t, spec.CARRIED_OUT, c)] = carried_out
        values[(t, spec.RESULTS_TOTAL, c)] = handled
        for row, n in zip(result_rows, _split(rng, handled, weights)):
            values[(t, row, c)] = n
        state.carried[c] = carried_out
    for row in spec.get_format(version).table(t).data_rows:
        values[(t, row, spec.TOTAL)] = sum(values[(t, row, c)] for c in spec.T3_APPLICANT_COLUMNS)
    return values


def _table_4(rng: random.Random) -> dict[Key, int]:
    values: dict[Key, int] = {}
    for row in spec.T4_DATA_ROWS:
        parts = [rng.choice((0, 0, 0, 0, 1, 1, 2)) for _ in spec.T4_DATA_COLUMNS[:-1]]
        for col, n in zip(spec.T4_DATA_COLUMNS[:-1], parts):
            values[(spec.TABLE_4, row, col)] = n
        values[(spec.TABLE_4, row, spec.TOTAL)] = sum(parts)
    return values


def _money(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randint(0, top * 10000)) / Decimal(10000)


def _table_2(rng: random.Random, version: str, state: _State) -> dict[Key, Any]:
    t = spec.TABLE_2
    v: dict[Key, Any] = {}
    if version == spec.V2019:
        for col in ("本年新制作数量", "本年新公开数量", "对外公开总数量"):
            v[(t, "规章", col)] = 0  # a township makes no 规章 (P2)
        made = rng.randint(0, 6)
        # P3: a 规范性文件 has no force until published, so what is made is published that year.
        published = made
        state.normative_published_total += published
        v[(t, "规范性文件", "本年新制作数量")] = made
        v[(t, "规范性文件", "本年新公开数量")] = published
        v[(t, "规范性文件", "对外公开总数量")] = state.normative_published_total
        for row in ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费"):
            # R10: this year's 上一年项目数量 is last year's plus last year's change.
            state.items[row] += state.deltas[row]
            # P5: no more items can go than there are, so this year's count stays ≥ 0.
            delta = rng.randint(-min(3, state.items[row]), 3)
            state.deltas[row] = delta
            v[(t, row, "上一年项目数量")] = state.items[row]
            v[(t, row, "本年增/减")] = delta
            if row != "行政事业性收费":
                v[(t, row, "处理决定数量")] = rng.randint(0, 400) if row != "行政强制" else rng.randint(0, 10)
        v[(t, "政府集中采购", "采购项目数量")] = rng.randint(0, 12)
        v[(t, "政府集中采购", "采购总金额")] = _money(rng, 900) if v[(t, "政府集中采购", "采购项目数量")] else Decimal(0)
    else:
        for col in ("本年制发件数", "本年废止件数", "现行有效件数"):
            v[(t, "规章", col)] = 0
        issued = rng.randint(0, 6)
        repealed = rng.randint(0, min(2, state.normative_in_force))
        state.normative_in_force += issued - repealed  # R9
        v[(t, "行政规范性文件", "本年制发件数")] = issued
        v[(t, "行政规范性文件", "本年废止件数")] = repealed
        v[(t, "行政规范性文件", "现行有效件数")] = state.normative_in_force
        v[(t, "行政许可", "本年处理决定数量")] = rng.randint(0, 400)
        v[(t, "行政处罚", "本年处理决定数量")] = rng.randint(0, 120)
        v[(t, "行政强制", "本年处理决定数量")] = rng.randint(0, 10)
        v[(t, "行政事业性收费", "本年收费金额（单位：万元）")] = _money(rng, 60)
    return v


def _blank_some(rng: random.Random, version: str, values: dict[Key, Any]) -> None:
    """Leave a few cells blank, as real files do: totals the kit then computes, or the 规章 row."""
    choice = rng.choice(("totals", "totals", "regulations"))
    if choice == "totals":
        for row in rng.sample(list(spec.get_format(version).table(spec.TABLE_3).data_rows), 3):
            values[(spec.TABLE_3, row, spec.TOTAL)] = None
        values[(spec.TABLE_4, spec.REVIEW, spec.TOTAL)] = None
    else:
        for key in [k for k in values if k[0] == spec.TABLE_2 and k[1] == "规章"]:
            values[key] = None


def _plant(rng: random.Random, version: str, values: dict[Key, Any], *, chained: bool = False) -> str:
    """One deliberate problem; returns what it is (its code first), for the analyst trying the checks.
    ``chained``: the township has a report the year before, so the carry-over chain can break."""
    kind = rng.choice(("R2", "R3", "R6", "R1", "input", *(("R8",) if chained else ())))
    t3 = spec.TABLE_3
    if kind == "R8" and values.get((t3, spec.CARRIED_IN, spec.NATURAL)) is None:
        kind = "R2"  # a blank 上年结转 is carried from last year: there is nothing to break
    if kind == "R8":
        # One more application carried in than last year carried out, granted: this year's own
        # arithmetic (R1, R2, R3) still holds, only the chain with last year breaks.
        col = spec.NATURAL
        for row in (spec.CARRIED_IN, spec.GRANTED, spec.RESULTS_TOTAL):
            for c in (col, spec.TOTAL):
                if values.get((t3, row, c)) is not None:
                    values[(t3, row, c)] += 1
        return tr("R8：表三 {row} · {col} 比上年结转下年度的多 1", "R8: 表三 {row} · {col} is one more than last year carried out",
                  row=spec.CARRIED_IN, col=col)
    if kind == "R2":
        row = rng.choice(list(spec.get_format(version).table(t3).data_rows))
        values[(t3, row, spec.TOTAL)] = (values.get((t3, row, spec.TOTAL)) or 0) + 1
        return tr("R2：表三 {row} 总计比各分项之和多 1", "R2: 表三 {row} 总计 is one more than its parts", row=row)
    if kind == "R3":
        col = rng.choice(spec.T3_DATA_COLUMNS)
        values[(t3, spec.RESULTS_TOTAL, col)] = (values.get((t3, spec.RESULTS_TOTAL, col)) or 0) + 2
        return tr("R3：表三 {row} · {col} 比各办理结果之和多 2", "R3: 表三 {row} · {col} is two more than its result rows",
                  row=spec.RESULTS_TOTAL, col=col)
    if kind == "R6":
        row = rng.choice(spec.T4_DATA_ROWS)
        values[(spec.TABLE_4, row, spec.TOTAL)] = (values.get((spec.TABLE_4, row, spec.TOTAL)) or 0) + 1
        return tr("R6：表四 {row} 总计比四项结果之和多 1", "R6: 表四 {row} 总计 is one more than its four results", row=row)
    if kind == "R1":
        col = spec.NATURAL
        values[(t3, spec.CARRIED_OUT, col)] = (values.get((t3, spec.CARRIED_OUT, col)) or 0) + 1
        if values.get((t3, spec.CARRIED_OUT, spec.TOTAL)) is not None:
            values[(t3, spec.CARRIED_OUT, spec.TOTAL)] += 1  # keep R2: only R1 breaks
        return tr("R1：表三 {row} · {col} 比该列勾稽关系所允许的多 1", "R1: 表三 {row} · {col} is one more than the column allows",
                  row=spec.CARRIED_OUT, col=col)
    key = (t3, spec.NEW, spec.NATURAL)
    values[key] = "十二"
    return tr("E-NOT-NUMBER：表三 {row} · {col} 填的是文字而不是数字（输入错误）",
              "E-NOT-NUMBER: 表三 {row} · {col} is a word, not a number (an input error)", row=spec.NEW, col=spec.NATURAL)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return str(value)


def data_csv(version: str, values: dict[Key, Any]) -> str:
    """The data file: the loader's header, one line per cell of the format, in the format's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for cell in spec.get_format(version).cells():
        writer.writerow((cell.table, cell.row, cell.column, _cell_text(values.get(cell.key))))
    return out.getvalue()


def params_yaml(township: str, year: int, rng: random.Random) -> str:
    """A params file of :class:`xxgk.params.Params` fields; figures in the text are placeholders."""
    published = dt.date(year + 1, 1, rng.randint(10, 31))
    data = {
        "township": township,
        "year": year,
        "body": f"{township}人民政府（示例数据）",
        "publish_date": published,
        "preamble": f"本报告为 xxgk 生成的示例数据，{township}并非真实机关。",
        "overview": (
            "（一）主动公开。全年新制发规范性文件{{t2_normative_new}}件，作出行政许可决定{{t2_licences}}件。\n\n"
            "（二）依申请公开。全年新收政府信息公开申请{{new_applications}}件，上年结转{{carried_in}}件；"
            "予以公开{{granted}}件，占办理总数的{{granted_share}}；结转下年度继续办理{{carried_out}}件。\n\n"
            "（三）政府信息管理。示例：规范信息发布审核流程。\n\n"
            "（四）平台建设。示例：持续维护政府信息公开专栏。\n\n"
            "（五）监督保障。因政府信息公开被申请行政复议{{reviews}}件，被提起行政诉讼{{lawsuits}}件。\n"
        ),
        "problems": "示例：信息公开的及时性有待提高。下一步将加强培训，按时更新公开内容。\n",
        "other": "示例：本年度未收取信息处理费。\n",
        "contact": f"示例：如有疑问请与{township}党政办公室联系。\n",
    }
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


class _Dumper(yaml.SafeDumper):
    """Multi-line narrative as YAML block text (``|``), as an analyst would write it."""


def _str(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def generate(townships: int, years: list[int], *, seed: int = 0, with_errors: bool = False, blanks: bool = True):
    """Yield (township, year, data CSV text, params YAML text, planted problem or None).

    ``blanks=False`` fills every cell (for tests that need reports without warnings)."""
    for index in range(1, townships + 1):
        name = township_name(index)
        rng = random.Random(f"xxgk-demo:{seed}:{index}")
        state = _new_state(rng)
        for year in sorted(years):
            version = spec.version_for_year(year)
            values: dict[Key, Any] = {**_table_2(rng, version, state), **_table_3(rng, version, state), **_table_4(rng)}
            if rng.random() < BLANK_SHARE and blanks:
                _blank_some(rng, version, values)
            chained = year - 1 in years
            planted = _plant(rng, version, values, chained=chained) if with_errors and rng.random() < ERROR_SHARE else None
            yield name, year, data_csv(version, values), params_yaml(name, year, rng), planted


def write_demo(root: Path | str, townships: int, years: list[int], *, seed: int = 0, with_errors: bool = False,
               force: bool = False, blanks: bool = True) -> Written:
    """Write the files under ``root``; refuse (writing nothing) if any exists, unless ``force``."""
    if townships < 1 or not years:
        raise ValueError("at least one township and one year")
    layout = Layout(Path(root))
    made = list(generate(townships, years, seed=seed, with_errors=with_errors, blanks=blanks))
    if not force:
        existing = [p for t, y, *_ in made for p in (layout.data_file(t, y), layout.params_file(t, y)) if p.exists()]
        if existing:
            shown = ", ".join(layout.display(p) for p in existing[:3])
            more = tr(" 等 {n} 个", " and {n} more", n=len(existing) - 3) if len(existing) > 3 else ""
            raise Exists(tr("已有 {n} 个文件（{shown}{more}），什么也没有写。要覆盖请用 --force，或换一个 --root",
                            "{n} file(s) already exist ({shown}{more}); nothing written. "
                            "Use --force to overwrite them, or another --root", n=len(existing), shown=shown, more=more))
    written = Written()
    for township, year, data, params, planted in made:
        written.data.append(atomic.write_text(layout.data_file(township, year), data))
        written.params.append(atomic.write_text(layout.params_file(township, year), params))
        if planted:
            written.planted.append((township, year, planted))
    return written
