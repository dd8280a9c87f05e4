"""The derived grid against the printed format (shared/spec/official-format.md §3–§4).

Expected spans and labels are written out from the spec's text, not taken from the code.
"""

from __future__ import annotations

import pytest

from xxgk import spec
from xxgk.layout import GridCell, grid, matrix

FOOTNOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _grid(version: str, table: str):
    return grid(spec.get_format(version).table(table))


def _spans(rows, role: str) -> dict[str, tuple[int, int]]:
    """(rowspan, colspan) of each cell of a role, by its text (first occurrence)."""
    out: dict[str, tuple[int, int]] = {}
    for row in rows:
        for c in row:
            if c.role == role:
                out.setdefault(c.text, (c.rowspan, c.colspan))
    return out


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_table_3_header_as_printed(version):
    # §3.2: corner (rowspan 3, colspan 3) holds the footnote; 申请人情况 colspan 7; 自然人 and
    # 总计 rowspan 2; 法人或其他组织 colspan 5 over five one-row headers.  Same in 2021 (§4.2).
    g = _grid(version, "三")
    (block,) = g.blocks
    assert len(block.head) == 3
    corner = block.head[0][0]
    assert (corner.role, corner.text, corner.rowspan, corner.colspan) == ("corner", FOOTNOTE, 3, 3)
    heads = _spans(block.head, "header")
    assert heads["申请人情况"] == (1, 7)
    assert heads["自然人"] == (2, 1)
    assert heads["法人或其他组织"] == (1, 5)
    assert heads["总计"] == (2, 1)
    for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"):
        assert heads[label] == (1, 1)
    assert [c.text for c in block.head[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert g.width == 10 and g.label_columns == 3


@pytest.mark.parametrize("version, data_rows, results_span", [("2019", 23, 20), ("2021", 25, 22)])
def test_table_3_rows_as_printed(version, data_rows, results_span):
    g = _grid(version, "三")
    (block,) = g.blocks
    assert len(block.body) == data_rows
    for row in block.body:
        data = [c for c in row if c.role == "data"]
        assert [c.cell.column for c in data] == T3_COLUMNS
        assert len({c.cell.row for c in data}) == 1
    labels = _spans(block.body, "label")
    assert labels["三、本年度办理结果"] == (results_span, 1)
    assert labels["（三）不予公开"] == (8, 1)
    assert labels["（四）无法提供"] == (3, 1)
    assert labels["（五）不予处理"] == (5, 1)
    # Top-level data rows span all three label columns, second-level ones the remaining two.
    for label in ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理"):
        assert labels[label] == (1, 3)
    for label in ("（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（七）总计"):
        assert labels[label] == (1, 2)
    assert labels["1.属于国家秘密"] == (1, 1)
    assert labels["8.属于行政查询事项"] == (1, 1)
    if version == "2019":
        assert labels["（六）其他处理"] == (1, 2)  # a data row of its own in 2019
    else:
        assert labels["（六）其他处理"] == (3, 1)  # a group over three sub-items in 2021
        assert labels["3.其他"] == (1, 1)
    # The group label opens the row of its first leaf: 三、本年度办理结果 and （一）予以公开 share a row.
    third = [c.text for c in block.body[2] if c.role == "label"]
    assert third == ["三、本年度办理结果", "（一）予以公开"]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_table_4_one_row_of_15(version):
    # §3.3: 行政复议 colspan 5, 行政诉讼 colspan 10; under it 未经复议直接起诉 and 复议后起诉
    # colspan 5 each; 行政复议's five results rowspan 2.  Data: one row of 15 cells.
    g = _grid(version, "四")
    (block,) = g.blocks
    assert g.label_columns == 0 and g.width == 15
    assert len(block.head) == 3
    assert [(c.text, c.rowspan, c.colspan) for c in block.head[0]] == [("行政复议", 1, 5), ("行政诉讼", 1, 10)]
    assert [(c.text, c.rowspan, c.colspan) for c in block.head[1]] == [
        *((r, 2, 1) for r in T4_RESULTS), ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]
    assert [(c.text, c.rowspan) for c in block.head[2]] == [(r, 1) for r in T4_RESULTS * 2]
    assert not any(c.role == "corner" for row in block.head for c in row)
    (body,) = block.body
    assert [c.role for c in body] == ["data"] * 15
    assert [(c.cell.row, c.cell.column) for c in body] == [
        (row, col) for row in ("行政复议", "未经复议直接起诉", "复议后起诉") for col in T4_RESULTS]


def test_table_2_2019_parts_padded_to_a_clean_grid():
    # §3.1: five blocks; 信息内容 + 3 columns for （一）（五）（六）, + 2 for （八）（九）: 22 cells.
    g = _grid("2019", "二")
    assert g.width == 4 and len(g.blocks) == 5
    assert len(g.data_cells()) == 22
    captions = [b.head[0][0] for b in g.blocks]
    assert [(c.role, c.text, c.colspan) for c in captions] == [
        ("caption", f"第二十条第（{n}）项", 4) for n in ("一", "五", "六", "八", "九")]
    for block in g.blocks:
        assert block.head[1][0].role == "corner" and block.head[1][0].text == "信息内容"
    eight, nine = g.blocks[3], g.blocks[4]
    assert [c.text for c in eight.head[1]] == ["信息内容", "上一年项目数量", "本年增/减", ""]
    assert eight.head[1][-1].role == "pad"
    for block in (eight, nine):
        for row in block.body:
            assert row[-1].role == "pad" and row[-1].colspan == 1
    purchase = [c for c in nine.body[0] if c.role == "data"]
    assert [(c.cell.row, c.cell.column) for c in purchase] == [("政府集中采购", "采购项目数量"), ("政府集中采购", "采购总金额")]


def test_table_2_2021_parts_padded():
    # §4.1: （一） has 3 columns, （五）（六）（八） one each: 10 cells, padded by two columns.
    g = _grid("2021", "二")
    assert g.width == 4 and len(g.blocks) == 4
    assert len(g.data_cells()) == 10
    for block in g.blocks[1:]:
        pad = block.head[1][-1]
        assert (pad.role, pad.colspan) == ("pad", 2)
        assert all(row[-1].role == "pad" and row[-1].colspan == 2 for row in block.body)
    fee = g.blocks[3].body[0]
    assert [c.text for c in fee if c.role == "label"] == ["行政事业性收费"]


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("table", ["二", "三", "四"])
def test_every_block_is_a_clean_rectangle_binding_each_cell_once(version, table):
    t = spec.get_format(version).table(table)
    g = grid(t)
    for block in g.blocks:
        m = matrix(block.head + block.body)
        assert all(len(row) == g.width for row in m)
    keys = [c.cell.key for c in g.data_cells()]
    assert sorted(keys) == sorted(c.key for c in t.cells)
    assert len(set(keys)) == len(keys)


def test_money_unit_printed_only_where_the_header_has_none():
    # §3.1: 2019's 采购总金额 has no unit in its header; §4.1: 2021's header says 万元.
    unit = {c.cell.column: c.money_unit for c in _grid("2019", "二").data_cells()}
    assert unit["采购总金额"] is True
    assert unit["采购项目数量"] is False
    unit21 = {c.cell.column: c.money_unit for c in _grid("2021", "二").data_cells()}
    assert unit21["本年收费金额（单位：万元）"] is False


def test_one_generic_layout_for_any_tree():
    # A made-up table (not in the format) with a ragged row tree and two parts of different
    # widths: the same function lays it out, spans derived from the trees alone.
    n = spec.Node
    p1 = spec.Part(
        columns=(n("A", (n("a1"), n("a2"))), n("B")),
        rows=(n("G", (n("g1"), n("H", (n("h1"), n("h2"))))), n("top")),
        caption="part one", corner="c",
    )
    p2 = spec.Part(columns=(n("x"),), rows=(n("r"),), caption="part two", corner="c2")
    parts = (p1, p2)
    cells = tuple(spec.Cell("T", r.label, c.label, spec.Kind.COUNT)
                  for p in parts for r in p.row_leaves() for c in p.column_leaves())
    g = grid(spec.Table("T", "title", parts, cells))
    assert g.width == 3 + 3  # three label levels + three leaf columns
    b1, b2 = g.blocks
    labels = _spans(b1.body, "label")
    assert labels == {"G": (3, 1), "g1": (1, 2), "H": (2, 1), "h1": (1, 1), "h2": (1, 1), "top": (1, 3)}
    assert _spans(b1.head, "header") == {"A": (1, 2), "a1": (1, 1), "a2": (1, 1), "B": (2, 1)}
    corner = b1.head[1][0]
    assert (corner.text, corner.rowspan, corner.colspan) == ("c", 2, 3)
    # part two: 1 label column + 1 figure → padded by 4 in its header and body rows.
    assert b2.head[1][-1].role == "pad" and b2.head[1][-1].colspan == 4
    assert b2.body[0][-1].colspan == 4
    for block in g.blocks:
        matrix(block.head + block.body)


def test_matrix_rejects_overlaps_and_ragged_rows():
    x, y = GridCell("header", "x"), GridCell("header", "y", rowspan=2)
    with pytest.raises(ValueError, match="overlaps"):
        matrix([(x, y), (GridCell("header", "z", colspan=2),)])  # z runs into y's second row
    with pytest.raises(ValueError, match="rectangle"):
        matrix([(GridCell("header", "x", colspan=2),), (GridCell("header", "y"),)])
    assert [[c.text for c in row] for row in matrix([(x, y), (GridCell("header", "z"),)])] == [["x", "y"], ["z", "y"]]
