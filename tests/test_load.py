"""The CSV loader: every input error of issue 3 reported with file, line and label, never raised;
blank never read as 0.  Labels and cell counts are those of shared/spec/official-format.md."""

from __future__ import annotations

import codecs
import subprocess
import sys
import textwrap
import csv
import io
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk import spec
from xxgk.findings import tally
from xxgk.i18n import use_lang
from xxgk.load import Loaded, load_figures, template_csv
from xxgk.report import build_report
from xxgk.values import NA

HEADER = "table,row,column,value"
NEW, GRANTED, NP = spec.NEW, spec.GRANTED, spec.NATURAL


def complete_csv(version: str, value: str = "0", overrides: dict | None = None, drop=()) -> str:
    """Every cell of the format with ``value``, some cells changed or dropped."""
    overrides = overrides or {}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER.split(","))
    for cell in spec.get_format(version).cells():
        if cell.key in drop:
            continue
        w.writerow([*cell.key, overrides.get(cell.key, value)])
    return out.getvalue()


def load_text(tmp_path: Path, text: str, version: str = "2019", encoding: str = "utf-8") -> Loaded:
    p = tmp_path / "r.csv"
    p.write_bytes(text.encode(encoding))
    return load_figures(p, version, "data/2019/某乡.csv")


def write_report(root: Path, township: str, year: int, text: str) -> None:
    path = root / "data" / str(year) / f"{township}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def codes(loaded: Loaded) -> list[str]:
    return [f.rule for f in loaded.findings]


def errors(loaded: Loaded) -> list:
    return [f for f in loaded.findings if f.is_error]


# --- the happy path ---------------------------------------------------------------------------


@pytest.mark.parametrize("version, cells", [("2019", 161 + 22 + 15), ("2021", 175 + 10 + 15)])
def test_template_filled_with_zeros_loads_clean(tmp_path, version, cells):
    loaded = load_text(tmp_path, complete_csv(version), version)
    assert loaded.findings == []
    assert len(loaded.figures.values) == cells
    assert all(v == 0 for v in loaded.figures.values.values())


def test_template_is_all_blank_and_blank_is_missing_not_zero(tmp_path):
    loaded = load_text(tmp_path, template_csv("2021"), "2021")
    assert loaded.findings == []  # blank is not an input problem
    assert len(loaded.figures.values) == 200 and all(v is None for v in loaded.figures.values.values())
    # In the report, every blank cell is missing data (its own severity), never a failed check.
    write_report(tmp_path, "某镇", 2021, template_csv("2021"))
    report = build_report(tmp_path, "某镇", 2021)
    blanks = [f for f in report.findings if f.rule == "M-BLANK"]
    assert len(blanks) == 200 and all(f.is_missing and not f.is_warning and "未填报" in f.message for f in blanks)
    assert tally(report.findings).missing == 200 and tally(report.findings).failed == 1  # 1: W-NO-PARAMS


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_encodings_read_the_same_figures(tmp_path, encoding):
    text = complete_csv("2019", overrides={(spec.TABLE_3, NEW, NP): "7"})
    loaded = load_text(tmp_path, text, encoding=encoding)
    assert errors(loaded) == []
    assert loaded.figures.get(spec.TABLE_3, NEW, NP) == 7


def test_tolerant_labels_and_values(tmp_path):
    # Half-width brackets, spaces from PDF extraction, full-width digits, a signed 本年增/减, money in 元.
    text = complete_csv("2019", overrides={(spec.TABLE_2, "行政许可", "本年增/减"): "+1036",
                                           (spec.TABLE_2, "政府集中采购", "采购总金额"): "251000元"})
    text = text.replace("（一）予以公开,自然人,0", "(一) 予以 公开,自然人,１２")
    loaded = load_text(tmp_path, text)
    assert errors(loaded) == []
    assert loaded.figures.get(spec.TABLE_3, GRANTED, NP) == 12
    assert loaded.figures.get(spec.TABLE_2, "行政许可", "本年增/减") == 1036
    assert loaded.figures.get(spec.TABLE_2, "政府集中采购", "采购总金额") == Decimal("25.1")  # 251000 元 = 25.1 万元


# --- file-level input errors ------------------------------------------------------------------


def test_unreadable_file(tmp_path):
    missing = load_figures(tmp_path / "nope.csv", "2019")
    assert codes(missing) == ["E-READ"] and missing.figures is None
    a_dir = tmp_path / "dir.csv"
    a_dir.mkdir()
    assert codes(load_figures(a_dir, "2019")) == ["E-READ"]


@pytest.mark.parametrize("raw", [b"", b"  \n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n\n"])
def test_empty_file(tmp_path, raw):
    p = tmp_path / "e.csv"
    p.write_bytes(raw)
    loaded = load_figures(p, "2019")
    assert codes(loaded) == ["E-EMPTY"] and loaded.figures is None


def test_header_only_is_one_error_not_two_hundred(tmp_path):
    loaded = load_text(tmp_path, HEADER + "\n")
    assert codes(loaded) == ["E-EMPTY"]


@pytest.mark.parametrize("raw", [b"\xff\xfa\xff\xfb table", b"table,row\n\x81\x20\xff\n"])
def test_undecodable_encoding(tmp_path, raw):
    p = tmp_path / "bad.csv"
    p.write_bytes(raw)
    loaded = load_figures(p, "2019")
    assert codes(loaded) == ["E-ENCODING"] and "UTF-8" in loaded.findings[0].message


def test_spreadsheet_bytes_are_an_encoding_error(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(b"PK\x03\x04\x14\x00\x00\x00")  # the start of an .xlsx file
    loaded = load_figures(p, "2019")
    assert codes(loaded) == ["E-ENCODING"]
    # A workbook saved under a .csv name: the kit reads workbooks, so the fix is the extension.
    assert ".xlsx" in loaded.findings[0].message and "扩展名" in loaded.findings[0].message


def test_missing_header_line(tmp_path):
    text = complete_csv("2019").split("\n", 1)[1]  # the data lines without the header
    loaded = load_text(tmp_path, text)
    assert codes(loaded) == ["E-HEADER"]
    assert loaded.findings[0].line == 1 and "缺少表头行" in loaded.findings[0].message


def test_missing_header_column(tmp_path):
    loaded = load_text(tmp_path, "table,row,column\n三,（一）予以公开,自然人\n")
    assert codes(loaded) == ["E-HEADER"] and "value" in loaded.findings[0].message


def test_tab_separated_file_is_read(tmp_path):
    text = complete_csv("2019", overrides={(spec.TABLE_3, GRANTED, NP): "1"}).replace(",", "\t")
    loaded = load_text(tmp_path, text)
    assert loaded.findings == [] and loaded.figures.get(spec.TABLE_3, GRANTED, NP) == 1


def test_excel_unicode_text_export_is_read(tmp_path):
    # Excel's "Unicode text" (Unicode 文本): UTF-16 little-endian with a BOM, tab-separated, CRLF,
    # a field quoted only when it holds a tab, a quote or a line break.
    rows = [HEADER.split(",")] + [[*c.key, "3" if c.key == (spec.TABLE_3, GRANTED, NP) else "0"]
                                  for c in spec.get_format("2021").cells()]
    rows[1][1] = "规章\n"  # a label cell with a line break in it, as Excel quotes it
    body = "\r\n".join("\t".join(f'"{f}"' if "\n" in f else f for f in r) for r in rows) + "\r\n"
    p = tmp_path / "r.csv"
    p.write_bytes(codecs.BOM_UTF16_LE + body.encode("utf-16-le"))
    loaded = load_figures(p, "2021", "data/2021/某镇.csv")
    assert errors(loaded) == [] and loaded.figures.get(spec.TABLE_3, GRANTED, NP) == 3
    lines = loaded.figures.positions
    assert lines[(spec.TABLE_3, GRANTED, NP)].line > lines[(spec.TABLE_2, "规章", "本年制发件数")].line


def test_extra_and_missing_fields_on_a_line(tmp_path):
    text = complete_csv("2019")
    lines = text.split("\n")
    lines[1] += ",5"  # an unquoted comma: 5 fields
    lines[2] = lines[2].rsplit(",", 1)[0]  # the value field lost: 3 fields
    loaded = load_text(tmp_path, "\n".join(lines))
    cols = [f for f in loaded.findings if f.rule == "E-COLUMNS"]
    assert [(f.line, f.file) for f in cols] == [(2, "data/2019/某乡.csv"), (3, "data/2019/某乡.csv")]
    assert "本行没有 value" in cols[1].message
    # The cut-short line is not read as a blank (nor a 0): its cell is reported missing.
    first, second = (c.key for c in list(spec.get_format("2019").cells())[:2])
    assert first not in loaded.figures.values and second not in loaded.figures.values
    assert {f.rule for f in loaded.findings if second in f.cells} == {"E-MISSING-CELL"}


def test_extra_header_columns_are_allowed(tmp_path):
    text = complete_csv("2019").replace(HEADER, HEADER + ",note,source", 1)
    loaded = load_text(tmp_path, text)
    assert loaded.findings == []


# --- labels -----------------------------------------------------------------------------------


def test_unknown_labels_suggest_the_nearest_official_one(tmp_path):
    text = complete_csv("2019")
    text = text.replace("三,（一）予以公开,自然人", "三,（一）予以公示,自然人", 1)
    text = text.replace("三,1.属于国家秘密,商业企业", "三,1.属于国家秘密,商企业", 1)
    text = text.replace("四,行政复议,结果维持", "五,行政复议,结果维持", 1)
    loaded = load_text(tmp_path, text)
    by_code = {}
    for f in loaded.findings:
        by_code.setdefault(f.rule, []).append(f)
    row_err, col_err = by_code["E-LABEL"]
    assert "予以公示" in row_err.message and row_err.values["suggestions"][0] == GRANTED
    assert "是否应为“（一）予以公开”" in row_err.message
    with use_lang("en"):
        assert "did you mean “（一）予以公开”" in row_err.text()
    assert col_err.values["suggestions"][0] == spec.BIZ
    assert [f.values["table"] for f in by_code["E-TABLE"]] == ["五"]
    assert all(f.line for f in by_code["E-LABEL"] + by_code["E-TABLE"])
    # An unknown label with a suggestion is one error: the cell it was meant for is not also
    # reported missing.  A line in an unknown table names no cell, so that one is missing.
    assert [(f.table, f.row, f.column) for f in by_code["E-MISSING-CELL"]] == [("四", spec.REVIEW, spec.UPHELD)]


@pytest.mark.parametrize(
    "version, table, row, column, belongs_to",
    [
        ("2021", "二", "规章", "本年新制作数量", "2019"),
        ("2021", "二", "政府集中采购", "采购项目数量", "2019"),
        ("2019", "二", "规章", "本年制发件数", "2021"),
        ("2019", "三", spec.OTHER_HANDLING_ITEMS_2021[1], spec.NATURAL, "2021"),
        ("2019", "二", "行政规范性文件", "本年新制作数量", "2021"),
    ],
)
def test_label_of_the_other_version_names_it(tmp_path, version, table, row, column, belongs_to):
    text = complete_csv(version) + f"{table},{row},{column},0\n"
    loaded = load_text(tmp_path, text, version)
    found = [f for f in loaded.findings if f.rule == "E-OTHER-VERSION"]
    # 政府集中采购 × 采购项目数量: both labels are 2019's, and each is named.
    assert len(found) == (2 if row == "政府集中采购" else 1)
    f = found[-1]
    assert f.values["belongs_to"] == belongs_to
    assert f"属于 {belongs_to} 年版格式" in f.message and f"本报告使用 {version} 年版格式" in f.message
    with use_lang("en"):
        assert f"belongs to the {belongs_to} format" in f.text() and f"uses the {version} format" in f.text()
    assert f.line == text.count("\n")


def test_2019_label_in_2021_file_accepted_with_a_note(tmp_path):
    # Many 2021-format reports still print 规范性文件 for 行政规范性文件 (spec §7, issue 3).
    text = complete_csv("2021", overrides={(spec.TABLE_2, "行政规范性文件", "本年制发件数"): "4"})
    text = text.replace("二,行政规范性文件,", "二,规范性文件,")
    loaded = load_text(tmp_path, text, "2021")
    assert errors(loaded) == []
    notes = [f for f in loaded.findings if f.rule == "N-ALIAS"]
    assert len(notes) == 3 and all(f.severity == "note" for f in notes)
    assert loaded.figures.get(spec.TABLE_2, "行政规范性文件", "本年制发件数") == 4


# --- cells ------------------------------------------------------------------------------------


def test_duplicate_cell_names_both_lines(tmp_path):
    text = complete_csv("2019") + f"三,{GRANTED},{NP},5\n"
    loaded = load_text(tmp_path, text)
    (dup,) = [f for f in loaded.findings if f.rule == "E-DUPLICATE"]
    first = loaded.figures.positions[(spec.TABLE_3, GRANTED, NP)].line
    assert dup.line == text.count("\n") and dup.values["first_line"] == first
    assert loaded.figures.get(spec.TABLE_3, GRANTED, NP) == 0  # the first is kept, not silently replaced


def test_missing_line_is_an_error_blank_value_is_missing_data(tmp_path):
    gone, blank = (spec.TABLE_3, GRANTED, NP), (spec.TABLE_4, spec.REVIEW, spec.UPHELD)
    loaded = load_text(tmp_path, complete_csv("2019", overrides={blank: ""}, drop=[gone]))
    (missing,) = [f for f in loaded.findings if f.rule == "E-MISSING-CELL"]
    assert missing.is_error and missing.cells == (gone,) and (missing.row, missing.column) == (GRANTED, NP)
    assert loaded.figures.values[blank] is None and gone not in loaded.figures.values
    assert codes(loaded) == ["E-MISSING-CELL"]  # the blank value is not an input problem


@pytest.mark.parametrize(
    "raw, code",
    [("1O", "E-NOT-NUMBER"), ("12件", "E-NOT-NUMBER"), ("三", "E-NOT-NUMBER"), ("abc", "E-NOT-NUMBER"),
     ("-3", "E-NEGATIVE"), ("2.5", "E-FRACTION"), ("0.5", "E-FRACTION")],
)
def test_bad_values(tmp_path, raw, code):
    key = (spec.TABLE_3, GRANTED, NP)
    loaded = load_text(tmp_path, complete_csv("2019", overrides={key: raw}))
    (f,) = errors(loaded)
    # Line 1 is the header, 表二's 22 cells are lines 2-23, 表三's rows 一 and 二 (7 cells each)
    # lines 24-37: （一）予以公开 × 自然人 is line 38.
    assert f.rule == code and f.cells == (key,) and f.line == 38
    assert raw in f.message and f.values["value"] == raw
    assert key not in loaded.figures.values


def test_signed_and_money_cells_accept_what_counts_refuse(tmp_path):
    ov = {(spec.TABLE_2, "行政处罚", "本年增/减"): "-4", (spec.TABLE_2, "政府集中采购", "采购总金额"): "6874.6408"}
    loaded = load_text(tmp_path, complete_csv("2019", overrides=ov))
    assert errors(loaded) == []
    assert loaded.figures.get(spec.TABLE_2, "行政处罚", "本年增/减") == -4
    assert loaded.figures.get(spec.TABLE_2, "政府集中采购", "采购总金额") == Decimal("6874.6408")
    bad = load_text(tmp_path, complete_csv("2019", overrides={(spec.TABLE_2, "行政处罚", "本年增/减"): "1.5"}))
    assert codes(bad) == ["E-FRACTION"]


def test_every_error_in_the_file_is_listed(tmp_path):
    ov = {(spec.TABLE_3, GRANTED, NP): "1O", (spec.TABLE_3, NEW, NP): "-1", (spec.TABLE_4, spec.REVIEW, spec.TOTAL): "三"}
    text = complete_csv("2019", overrides=ov) + "三,（一）予以公开,商业企业,0\n五,x,y,1\n"
    loaded = load_text(tmp_path, text)
    assert sorted(codes(loaded)) == sorted(["E-NOT-NUMBER", "E-NEGATIVE", "E-NOT-NUMBER", "E-DUPLICATE", "E-TABLE"])
    assert all(f.file == "data/2019/某乡.csv" and f.line for f in loaded.findings)


# --- property: random and mutated files -------------------------------------------------------

_CELLS = {v: list(spec.get_format(v).cells()) for v in spec.VERSIONS}
_OTHER_LABELS = [c.row for c in _CELLS["2021"]] + [c.column for c in _CELLS["2021"]] + ["合计", "其他组织", "规范性文件"]


def _mutate_label(draw, label: str) -> str:
    how = draw(st.sampled_from(["same", "same", "halfwidth", "spaces", "drop", "other", "junk", "newline"]))
    if how == "halfwidth":
        return unicodedata.normalize("NFKC", label)
    if how == "spaces":
        return " ".join(label)
    if how == "drop" and len(label) > 1:
        i = draw(st.integers(0, len(label) - 1))
        return label[:i] + label[i + 1:]
    if how == "other":
        return draw(st.sampled_from(_OTHER_LABELS))
    if how == "junk":
        return draw(st.text(max_size=8))
    if how == "newline":
        return label[:1] + "\n" + label[1:]
    return label


_VALUES = st.one_of(
    st.sampled_from(["", " ", "\u3000", "0", "00", "7", "+3", "-2", "1.5", "1O", "12件", "三", "/", "—", "１２",
                     "1,234", "6874.6408 万元", "251000元", "1e3", "NaN", "∞", "0x10", '"', "\t"]),
    st.text(max_size=6),
    st.integers(-5, 10**6).map(str),
)


@st.composite
def csv_files(draw):
    """(bytes, version, {note: raw value}) of a CSV shaped like a report, more or less mutated."""
    version = draw(st.sampled_from(spec.VERSIONS))
    cells = draw(st.lists(st.sampled_from(_CELLS[version]), max_size=40))
    header = draw(st.sampled_from([["table", "row", "column", "value", "note"], ["row", "value", "table", "column", "note"],
                                   ["table", "row", "column", "value"], ["table", "row", "value", "note"], []]))
    raws: dict[str, str] = {}
    out = io.StringIO()
    w = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    if header:
        w.writerow(header)
    for i, cell in enumerate(cells):
        value = draw(_VALUES)
        note = f"n{i}."  # the full stop tells a whole note from one cut short by truncation
        raws[note] = value
        fields = {"table": draw(st.sampled_from([cell.table, cell.table, "表" + cell.table, "五", ""])),
                  "row": _mutate_label(draw, cell.row), "column": _mutate_label(draw, cell.column),
                  "value": value, "note": note}
        record = [fields[h] for h in (header or ["table", "row", "column", "value", "note"])]
        cut = draw(st.sampled_from([None, None, None, 2, 6]))
        w.writerow(record[:cut] if cut == 2 else record + ["x"] if cut == 6 else record)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = out.getvalue().encode("utf-8")
    if draw(st.booleans()):
        data = draw(st.binary(max_size=20)) + data if draw(st.booleans()) else data[: draw(st.integers(0, len(data)))]
    return data, version, raws


def _check_invariants(loaded: Loaded) -> None:
    assert isinstance(loaded, Loaded)
    assert loaded.figures is not None or loaded.findings, "neither figures nor findings"
    for f in loaded.findings:
        assert f.message and f.rule


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_mutated_csv_never_raises_and_never_reads_blank_as_zero(tmp_path_factory, case):
    data, version, raws = case
    p = tmp_path_factory.mktemp("h") / "r.csv"
    p.write_bytes(data)
    loaded = load_figures(p, version)
    _check_invariants(loaded)
    if loaded.figures is None:
        return
    for key, value in loaded.figures.values.items():
        raw = raws.get(loaded.figures.notes.get(key, ""))
        if raw is None:
            continue  # the note itself was mangled (truncation, random prefix): cannot pair it
        blank = unicodedata.normalize("NFKC", raw).strip() == ""
        assert (value is None) == blank, f"raw {raw!r} read as {value!r}"
        assert value is NA or value is None or isinstance(value, Decimal)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(spec.VERSIONS))
def test_random_bytes_never_raise(tmp_path_factory, data, version):
    p = tmp_path_factory.mktemp("b") / "r.csv"
    p.write_bytes(data)
    loaded = load_figures(p, version)
    _check_invariants(loaded)
    if loaded.figures is not None:
        assert all(v is None or v is NA or isinstance(v, Decimal) for v in loaded.figures.values.values())


def test_duplicate_after_a_refused_value_is_still_a_duplicate(tmp_path):
    key = (spec.TABLE_3, GRANTED, NP)
    text = complete_csv("2019", overrides={key: "1O"}) + f"三,{GRANTED},{NP},0\n"
    loaded = load_text(tmp_path, text)
    assert sorted(codes(loaded)) == ["E-DUPLICATE", "E-NOT-NUMBER"]
    (dup,) = [f for f in loaded.findings if f.rule == "E-DUPLICATE"]
    assert dup.values["first_line"] == 38 and key not in loaded.figures.values


def test_the_batch_warm_up_folds_every_label_the_fill_in_files_print(tmp_path):
    # xxgk batch folds and places the official labels once before it forks, so that a worker reading
    # a file in the kit's own layout folds and places none again; the file reads the same.  In a fresh interpreter, so
    # that no other test has folded anything first.
    code = textwrap.dedent("""
        import sys
        from pathlib import Path
        from xxgk import labels, load, report_worker, spec
        from xxgk.load import load_figures, template_csv
        before = {}
        for version in spec.versions():
            path = Path(sys.argv[1]) / f"{version}.csv"
            path.write_text(template_csv(version).replace(",\\n", ",0\\n"), encoding="utf-8")
        cold = {v: load_figures(Path(sys.argv[1]) / f"{v}.csv", v) for v in spec.versions()}
        labels.match_key.cache_clear()
        load._CLEAN.clear()
        report_worker.warm_up("kernel")
        folded = labels.match_key.cache_info()
        placed = []
        place = load._place
        load._place = lambda *args: placed.append(args) or place(*args)
        for version in spec.versions():
            warm = load_figures(Path(sys.argv[1]) / f"{version}.csv", version)
            assert warm.findings == cold[version].findings == [], warm.findings
            assert warm.figures.values == cold[version].figures.values
        printed = {label for v in spec.versions() for line in template_csv(v).splitlines()[1:]
                   for label in line.split(",")[:3]}
        assert folded.currsize >= len(printed) > 50, (folded, len(printed))
        assert labels.match_key.cache_info().misses == folded.misses, (labels.match_key.cache_info(), folded)
        assert placed == [], placed[:3]
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
