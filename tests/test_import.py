"""``xxgk import`` end to end, as an analyst runs it: round trips through the kit's own pages and
PDFs, the seed's published text, pages shaped like real ones, bad sources, determinism, and a
made-up third version.  Expected figures come from the data files the pages were rendered from
(and, for the seed, from the published text and shared/seed's notes), never from the import."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from shared_ref import SEED_TEXT, require
from xxgk import spec
from xxgk.load import load_figures
from xxgk.report import build_report
from xxgk.values import NA

PROJECT = Path(__file__).resolve().parents[1]
XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]
FIXTURES = Path(__file__).parent / "fixtures" / "import"


def xxgk(*args: str, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*XXGK, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env={**{k: v for k, v in os.environ.items() if k != "XXGK_LANG"}, **(env or {})})


def values_of(csv_path: Path, version: str) -> dict:
    loaded = load_figures(csv_path, version)
    assert loaded.figures is not None, [f.format_line() for f in loaded.findings]
    return loaded.figures.values


def printed(root: Path, township: str, year: int) -> dict:
    """Every figure as the rendered page prints it: given, or computed from its parts."""
    report = build_report(root, township, year)
    return report.completed.values


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The project's reports and demo reports of both versions, rendered: review copies, and the
    published copies printed to PDF when Chromium is there."""
    root = tmp_path_factory.mktemp("rendered")
    for name in ("data", "params"):
        shutil.copytree(PROJECT / name, root / name)
    done = xxgk("demo-data", "--townships", "2", "--years", "2020-2021", "--seed", "11", "--root", str(root))
    assert done.returncode == 0, done.stderr
    done = xxgk("batch", "--root", str(root))
    assert done.returncode == 0, done.stderr
    from xxgk.browser import missing

    if not missing():
        done = xxgk("batch", "--root", str(root), "--to", "pdf")
        assert done.returncode == 0, done.stderr
    return root


def reports(root: Path) -> list[tuple[str, int]]:
    from xxgk.paths import Layout

    return Layout(root).reports()


def import_into(source: Path, target: Path, *args: str) -> subprocess.CompletedProcess:
    return xxgk("import", str(source), "--root", str(target), "--format", "json", *args)


def assert_same_figures(target: Path, township: str, year: int, expected: dict, version: str) -> None:
    got = values_of(target / "data" / str(year) / f"{township}.csv", version)
    for cell in spec.get_format(version).cells():
        want = expected.get(cell.key)
        assert got.get(cell.key) == want, (township, year, cell.key, got.get(cell.key), want)


@pytest.mark.parametrize("kind", ["review", "published"])
def test_round_trip_through_the_kits_own_pages(rendered, tmp_path, kind):
    pytest.importorskip("xxgk.importer.html_source")
    for township, year in reports(rendered):
        folder = rendered / "output" / str(year) / ("published" if kind == "published" else "")
        page = folder / f"{township}.html"
        if not page.exists():
            continue  # published copies are made only where Chromium printed them
        target = tmp_path / f"{kind}-{township}-{year}"
        done = import_into(page, target)
        assert done.returncode == 0, (township, year, done.stdout[-2000:], done.stderr)
        (result,) = json.loads(done.stdout)
        version = build_report(rendered, township, year).version
        assert (result["township"], result["year"], result["version"]) == (township, year, version)
        assert_same_figures(target, township, year, printed(rendered, township, year), version)


def test_round_trip_through_the_kits_pdfs(rendered, tmp_path):
    pytest.importorskip("xxgk.importer.pdf_source")
    pdfs = sorted((rendered / "output").glob("*/published/*.pdf"))
    from xxgk.browser import missing

    if not pdfs:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true and no PDF was printed: {missing()}")
        pytest.skip(missing() or "no PDF printed")
    for pdf in pdfs:
        township, year = pdf.stem, int(pdf.parent.parent.name)
        target = tmp_path / f"{township}-{year}"
        done = import_into(pdf, target)
        assert done.returncode == 0, (pdf, done.stdout[-2000:], done.stderr)
        version = build_report(rendered, township, year).version
        assert_same_figures(target, township, year, printed(rendered, township, year), version)


def test_the_seed_imported_from_its_published_text(tmp_path):
    pytest.importorskip("xxgk.importer.text_source")
    seed = require(SEED_TEXT)
    source = tmp_path / "红旗满族乡2020.txt"
    shutil.copyfile(seed, source)
    done = xxgk("import", str(source), "--root", str(tmp_path / "plain"), "--format", "json")
    assert done.returncode == 1  # cells the extraction lost: listed, exit 1
    (result,) = json.loads(done.stdout)
    assert (result["township"], result["year"], result["version"]) == ("红旗满族乡", 2020, "2019")
    cells = {(c["table"], c["row"], c["column"]): c for c in result["cells"]}
    # What the seed's README says extraction lost: table 二's 规章 row, table 三's first rows.
    lost = {k for k, c in cells.items() if c["status"] == "lost"}
    lost_rows_3 = [spec.NEW, spec.CARRIED_IN, spec.GRANTED, spec.PARTIAL, *spec.WITHHELD_ITEMS[:7]]
    assert lost == {("二", "规章", c) for c in ("本年新制作数量", "本年新公开数量", "对外公开总数量")} | {
        ("三", r, c) for r in lost_rows_3 for c in spec.T3_DATA_COLUMNS}
    # Every figure the text shows equals the project's data file (which records the lost ones as 0).
    project = values_of(PROJECT / "data" / "2020" / "红旗满族乡.csv", "2019")
    imported = values_of(tmp_path / "plain" / "data" / "2020" / "红旗满族乡.csv", "2019")
    for key, value in imported.items():
        if key not in lost:
            assert value == project[key], key
        else:
            assert value is None, key  # never invented
    assert imported[("二", "政府集中采购", "采购总金额")] == Decimal("6874.6408")
    # --infer: the lost table 三 cells are 0, forced by the footnote rule, and marked.
    done = xxgk("import", str(source), "--root", str(tmp_path / "inferred"), "--infer", "--format", "json")
    (result,) = json.loads(done.stdout)
    inferred = {(c["table"], c["row"], c["column"]) for c in result["cells"] if c["status"] == "inferred"}
    assert inferred == {k for k in lost if k[0] == "三"}
    text = (tmp_path / "inferred" / "data" / "2020" / "红旗满族乡.csv").read_text(encoding="utf-8")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[:3] == ["三", spec.NEW, spec.NATURAL])
    assert row[3] == "0" and "R1" in row[4] and "--infer" in row[4]
    # The narrative lands in its sections, as the project's params transcribe it.
    ours = yaml.safe_load((PROJECT / "params" / "红旗满族乡" / "2020.yaml").read_text(encoding="utf-8"))
    got = yaml.safe_load((tmp_path / "plain" / "params" / "红旗满族乡" / "2020.yaml").read_text(encoding="utf-8"))
    fold = lambda t: "".join(t.replace("(", "（").replace(")", "）").replace(":", "：").split())  # noqa: E731
    for field in ("overview", "problems", "other", "contact"):
        for paragraph in ours[field].split("\n\n"):
            assert fold(paragraph) in fold(got[field]), (field, paragraph[:30])
    assert (got["body"], str(got["publish_date"])) == ("红旗满族乡人民政府", "2021-01-26")


def test_determinism(rendered, tmp_path):
    pytest.importorskip("xxgk.importer.html_source")
    page = rendered / "output" / "2020" / "红旗满族乡.html"
    for name in ("a", "b"):
        assert import_into(page, tmp_path / name).returncode == 0
    for rel in ("data/2020/红旗满族乡.csv", "params/红旗满族乡/2020.yaml"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_never_overwrites_without_force_and_says_what_changed(rendered, tmp_path):
    pytest.importorskip("xxgk.importer.html_source")
    page = rendered / "output" / "2021" / "示例镇.html"
    assert import_into(page, tmp_path).returncode == 0
    data = tmp_path / "data" / "2021" / "示例镇.csv"
    mine = data.read_text(encoding="utf-8").replace("二,行政许可,本年处理决定数量,156", "二,行政许可,本年处理决定数量,999")
    data.write_text(mine, encoding="utf-8")
    again = xxgk("import", str(page), "--root", str(tmp_path))
    assert again.returncode == 1 and "--force" in again.stdout and data.read_text(encoding="utf-8") == mine
    forced = xxgk("import", str(page), "--root", str(tmp_path), "--force")
    assert forced.returncode == 0 and "行政许可 · 本年处理决定数量: 999 → 156" in forced.stdout


@pytest.mark.parametrize("name, content", [
    ("empty.html", b""),
    ("no-report.html", "<html><body><h1>某某镇人民政府</h1><p>欢迎访问</p><table><tr><td>索引号</td><td>001</td></tr></table></body></html>".encode()),
    ("other-report.txt", "某某镇2021年政府工作报告\n一、过去一年的工作\n全镇实现地区生产总值12亿元。\n".encode()),
    ("truncated.html", None),
    ("photo.pdf", None),
])
def test_bad_sources_are_refused_and_nothing_is_written(rendered, tmp_path, name, content):
    pytest.importorskip("xxgk.importer.html_source")
    source = tmp_path / name
    if name == "truncated.html":
        page = (rendered / "output" / "2021" / "示例镇.html").read_bytes()
        content = page[: page.index("收到和处理政府信息公开申请情况".encode())]  # cut before table 三
    if name == "photo.pdf":
        pytest.importorskip("xxgk.importer.pdf_source")
        from PIL import Image

        Image.new("RGB", (600, 800), "white").save(source)
    else:
        source.write_bytes(content)
    target = tmp_path / "root"
    done = xxgk("import", str(source), "--root", str(target))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not target.exists() or not any(p.is_file() for p in target.rglob("*"))
    assert "未导入" in done.stdout


def test_a_folder_is_imported_file_by_file_past_a_failure(rendered, tmp_path):
    pytest.importorskip("xxgk.importer.html_source")
    folder = tmp_path / "pages"
    folder.mkdir()
    for township, year in (("红旗满族乡", 2020), ("示例镇", 2021)):
        shutil.copyfile(rendered / "output" / str(year) / f"{township}.html", folder / f"{year}-{township}.html")
    (folder / "0-broken.html").write_bytes(b"")
    done = xxgk("import", str(folder), "--root", str(tmp_path / "root"))
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 3 and "未导入" in lines[0]
    assert (tmp_path / "root" / "data" / "2021" / "示例镇.csv").is_file()


def test_usage_errors_exit_2(tmp_path):
    assert xxgk("import", str(tmp_path / "nope.html")).returncode == 2
    (tmp_path / "empty").mkdir()
    assert xxgk("import", str(tmp_path / "empty")).returncode == 2


def test_pages_shaped_like_real_ones(tmp_path):
    """The fixtures (tests/fixtures/import/README.md): one made-up report as a GBK CMS page and as a
    modern page with its tables split and merged otherwise.  Both give every figure, the same ones,
    and the figures add up as the fixture's author made them."""
    pytest.importorskip("xxgk.importer.html_source")
    got = {}
    for name in ("cms_gbk.html", "split_tables.htm"):
        target = tmp_path / name
        done = import_into(FIXTURES / name, target)
        assert done.returncode == 0, done.stdout[-1500:]
        (result,) = json.loads(done.stdout)
        assert (result["township"], result["year"], result["version"]) == ("青松乡", 2020, "2019")
        assert result["counts"]["lost"] == 0 and result["counts"]["blank"] == 3  # the 规章 row is left blank
        got[name] = values_of(target / "data" / "2020" / "青松乡.csv", "2019")
        check = xxgk("check", "--root", str(target), "--strict")
        assert check.returncode == 0 and "检查未通过 0 项" in check.stdout, check.stdout
        params = yaml.safe_load((target / "params" / "青松乡" / "2020.yaml").read_text(encoding="utf-8"))
        assert (params["body"], str(params["publish_date"])) == ("青松乡人民政府", "2021-01-26")
    assert got["cms_gbk.html"] == got["split_tables.htm"]
    figures = got["cms_gbk.html"]
    # Read by hand from the fixture: 采购总金额 45.6 (万元), 行政许可 本年增/减 +1, 3 + 1 applications.
    assert figures[("二", "政府集中采购", "采购总金额")] == Decimal("45.6")
    assert figures[("二", "行政许可", "本年增/减")] == 1
    assert (figures[("三", spec.NEW, spec.NATURAL)], figures[("三", spec.NEW, spec.TOTAL)]) == (3, 4)
