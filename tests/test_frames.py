"""The figures as a DataFrame (the notebook's explore cell): every cell of the format, blank kept
missing, computed totals told apart from given ones."""

from __future__ import annotations

import shutil

import pandas as pd

from shared_ref import PROJECT
from xxgk import spec
from xxgk.frames import figures_frame
from xxgk.report import build_report


def test_seed_frame_has_every_cell_and_keeps_blanks_missing():
    frame = figures_frame(build_report(PROJECT, "红旗满族乡", 2020))
    assert len(frame) == 22 + 161 + 15  # spec §3: the 2019 format's cells
    regs = frame[(frame["表"] == "二") & (frame["行"] == "规章")]
    assert list(regs["来源"]) == ["未填报"] * 3 and regs["数值"].isna().all()
    money = frame[(frame["行"] == "政府集中采购") & (frame["列"] == "采购总金额")].iloc[0]
    assert money["数值"] == "6874.6408" and money["来源"] == "填报"


def test_blank_total_is_computed_and_marked(tmp_path):
    for rel in ("data/2021/示例镇.csv", "params/示例镇/2021.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / rel, tmp_path / rel)
    csv = tmp_path / "data/2021/示例镇.csv"
    prefix = f"三,{spec.NEW},总计,"
    csv.write_text("".join(prefix + ",\n" if line.startswith(prefix) else line
                           for line in csv.read_text(encoding="utf-8").splitlines(keepends=True)), encoding="utf-8")
    frame = figures_frame(build_report(tmp_path, "示例镇", 2021))
    row = frame[(frame["表"] == "三") & (frame["行"] == spec.NEW) & (frame["列"] == "总计")].iloc[0]
    # 12 + 3 + 0 + 1 + 2 + 0 in the sample's 一、本年新收 row.
    assert row["来源"] == "由分项计算" and row["数值"] == "18"
    assert not pd.isna(row["CSV行"])
