"""The encoded format against shared/spec/official-format.md: shapes, and every label verbatim."""

from __future__ import annotations

import re

import pytest

from xxgk import spec

from shared_ref import SPEC_MD, require


@pytest.fixture(scope="module")
def spec_text() -> str:
    return require(SPEC_MD).read_text(encoding="utf-8")


# Figures stated in the spec's text (§3, §4): cells of each table, and table 三's grid.
@pytest.mark.parametrize(
    "version, table, cells, rows, cols",
    [
        ("2019", "二", 22, None, None),
        ("2021", "二", 10, None, None),
        ("2019", "三", 161, 23, 7),
        ("2021", "三", 175, 25, 7),
        ("2019", "四", 15, 3, 5),
        ("2021", "四", 15, 3, 5),
    ],
)
def test_table_shapes(version, table, cells, rows, cols):
    t = spec.get_format(version).table(table)
    assert len(t.cells) == cells
    assert len(set(c.key for c in t.cells)) == cells
    if rows is not None:
        assert (len(t.data_rows), len(t.data_columns)) == (rows, cols)


def test_table_2_blocks_per_version():
    # §3.1: five blocks with 3,3,3,2,2 columns; §4.1: four blocks with 3,1,1,1.
    def shape(version):
        return [(p.caption, len(p.column_leaves()), len(p.row_leaves())) for p in spec.get_format(version).table("二").parts]

    assert shape("2019") == [
        ("第二十条第（一）项", 3, 2), ("第二十条第（五）项", 3, 2), ("第二十条第（六）项", 3, 2),
        ("第二十条第（八）项", 2, 1), ("第二十条第（九）项", 2, 1),
    ]
    assert shape("2021") == [
        ("第二十条第（一）项", 3, 2), ("第二十条第（五）项", 1, 1), ("第二十条第（六）项", 1, 2), ("第二十条第（八）项", 1, 1),
    ]


def test_results_group_spans_20_and_22_rows():
    # §3.2 "三、本年度办理结果 [group, rowspan 20]"; §4.2 "rowspan 22".
    for version, span in (("2019", 20), ("2021", 22)):
        rows = spec.get_format(version).table("三").parts[0].rows
        results = next(r for r in rows if r.label == "三、本年度办理结果")
        assert len(list(results.leaves())) == span


def test_table_4_column_order():
    # §3.3: 行政复议, 未经复议直接起诉, 复议后起诉, each 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
    leaves = spec.get_format("2019").table("四").parts[0].column_leaves()
    assert [(leaf.data_row, leaf.label) for leaf in leaves] == [
        (row, col)
        for row in ("行政复议", "未经复议直接起诉", "复议后起诉")
        for col in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    ]


def test_kinds_of_number():
    # §3.1, §4.1: 本年增/减 signed, 采购总金额 and 本年收费金额 money, everything else a count.
    for version in spec.VERSIONS:
        for cell in spec.get_format(version).cells():
            if cell.column == "本年增/减":
                expected = spec.Kind.SIGNED
            elif cell.column in ("采购总金额", "本年收费金额（单位：万元）"):
                expected = spec.Kind.MONEY
            else:
                expected = spec.Kind.COUNT
            assert cell.kind is expected, (version, cell)


def test_version_for_year():
    assert [spec.version_for_year(y) for y in (2019, 2020, 2021, 2025)] == ["2019", "2019", "2021", "2021"]


def _all_labels(version: str) -> set[str]:
    fmt = spec.get_format(version)
    labels = set(fmt.sections)
    for t in fmt.tables:
        for part in t.parts:
            labels.update(x for x in (part.caption, part.corner) if x)
            for tree in (*part.rows, *part.columns):
                stack = [tree]
                while stack:
                    node = stack.pop()
                    if node.label:
                        labels.add(node.label)
                    stack.extend(node.children)
    return labels


@pytest.mark.parametrize("version", spec.VERSIONS)
def test_every_label_is_verbatim_in_the_spec(spec_text, version):
    missing = sorted(label for label in _all_labels(version) if label not in spec_text)
    assert not missing


def test_table_3_rows_in_spec_order(spec_text):
    # The row block of §4.2 lists the 2021 （六） sub-items in order; §3.2 the rest.
    block = spec_text[spec_text.index("### 3.2"):spec_text.index("### 3.3")]
    listed = re.findall(r"^\s*(\S+?)\s+\[(?:data|group)", block, flags=re.M)
    assert list(spec.get_format("2019").table("三").data_rows) == [
        label for label in listed if label not in ("三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理")
    ]


def test_a_format_file_that_is_not_yaml_names_the_file_and_the_line(tmp_path):
    from xxgk.spec import FormatError, read_format

    path = tmp_path / "2030.yaml"
    path.write_text("version: 2030\ntables:\n  - id: 二\n   title: [unclosed\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_format(path)
    message = str(caught.value)
    assert str(path) in message and "line 4" in message, message
