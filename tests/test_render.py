"""End to end: the seed township-year through `xxgk render` (a real kernel), parsed back with lxml.

Kernel runs are slow, so there are few: the review copy through the CLI (asserted on at length),
the same inputs again in another root (determinism), the published copy, and a failing notebook.
Expected figures and headings come from the seed and the format spec, not from the kit.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import lxml.html
import nbformat
import pytest
from typer.testing import CliRunner

from xxgk import execute, notebook
from xxgk import render as rendering
from xxgk.cli import app

MAIN = Path(__file__).resolve().parents[1]
TOWNSHIP, YEAR = "红旗满族乡", 2020
SEED_CSV = MAIN / "data" / "2020" / f"{TOWNSHIP}.csv"
SEED_PARAMS = MAIN / "params" / TOWNSHIP / "2020.yaml"
from shared_ref import SEED_TEXT, require

# The official headings (spec §2.1), in order.
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]

FALLBACK_PARAMS = """\
township: 红旗满族乡
year: 2020
body: 红旗满族乡人民政府
publish_date: 2021-01-26
overview: 2020年，我乡政府信息公开工作运行正常。
problems: 存在的问题。
other: 无。
contact: 联系电话。
"""


def make_root(path: Path) -> Path:
    """A root holding only the seed's two input files (the lead's params if present, else a small one)."""
    (path / "data" / "2020").mkdir(parents=True)
    shutil.copyfile(SEED_CSV, path / "data" / "2020" / f"{TOWNSHIP}.csv")
    params = path / "params" / TOWNSHIP / "2020.yaml"
    params.parent.mkdir(parents=True)
    if SEED_PARAMS.is_file():
        shutil.copyfile(SEED_PARAMS, params)
    else:
        params.write_text(FALLBACK_PARAMS, encoding="utf-8")
    return path


def outputs(root: Path) -> tuple[Path, Path]:
    return root / "output" / "2020" / f"{TOWNSHIP}.html", root / "output" / "2020" / f"{TOWNSHIP}.ipynb"


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The seed's review copy, rendered once through the command line (in the root's folder, as an
    analyst would run it)."""
    root = make_root(tmp_path_factory.mktemp("seed"))
    result = CliRunner().invoke(app, ["render", "--township", TOWNSHIP, "--year", str(YEAR), "--root", str(root)])
    html_path, nb_path = outputs(root)
    return {"root": root, "cli": result, "html_path": html_path, "nb_path": nb_path,
            "html": html_path.read_bytes() if html_path.exists() else b"",
            "doc": lxml.html.document_fromstring(html_path.read_bytes()) if html_path.exists() else None}


def text(el) -> str:
    return re.sub(r"\s+", "", el.text_content())


def figure(table, row: str | None, *columns: str):
    """The one data cell whose visible row labels include ``row`` and whose column headers include all
    of ``columns``, found by laying out rowspans and colspans as a reader sees them."""
    thead = table.xpath("./thead/tr")
    found = []
    for body in table.xpath("./tbody"):
        rows = thead + body.xpath("./tr")
        grid: dict[tuple[int, int], object] = {}
        for r, tr in enumerate(rows):
            c = 0
            for cell in tr.xpath("./th|./td"):
                while (r, c) in grid:
                    c += 1
                for i in range(int(cell.get("rowspan", 1))):
                    for j in range(int(cell.get("colspan", 1))):
                        grid[(r + i, c + j)] = cell
                c += int(cell.get("colspan", 1))
        header_rows = [i for i, tr in enumerate(rows) if not tr.xpath("./td[contains(@class, 'fig')]")]
        for (r, c), cell in grid.items():
            if cell.tag != "td" or "fig" not in cell.get("class", ""):
                continue
            labels = {text(grid[(r, k)]) for k in range(c) if grid.get((r, k)) is not None and grid[(r, k)].tag == "th"}
            heads = {text(grid[(h, c)]) for h in header_rows if h < r and (h, c) in grid and grid[(h, c)].tag == "th"}
            if (row is None or row in labels) and all(col in heads for col in columns):
                found.append(cell)
    assert len(found) == 1, f"{row} × {columns}: {len(found)} cells"
    return found[0]


def tables(doc) -> dict[str, object]:
    """Tables 二, 三, 四 by the section they are printed under."""
    out = {}
    for h2 in doc.iter("h2"):
        heading = text(h2)
        for number, official in zip("二三四", HEADINGS[1:4]):
            if heading == official:
                following = h2.xpath("following::table[1]")
                out[number] = following[0]
    return out


# --- the review copy ---------------------------------------------------------------------------


def test_cli_reports_what_it_wrote(seed):
    result = seed["cli"]
    assert result.exit_code == 0, result.output
    assert f"已写入 {seed['html_path']}" in result.stdout
    assert f"已写入 {seed['nb_path']}" in result.stdout
    # The seed's three lost 规章 figures: missing data, said in the summary, not a failed check.
    assert "检查未通过 0 项" in result.stderr and "未填报 3 项" in result.stderr
    assert "Traceback" not in result.output


def test_page_is_self_contained_and_offline(seed):
    doc, page = seed["doc"], seed["html"].decode("utf-8")
    assert doc.xpath("//script") == []
    assert doc.xpath("//link") == [] and doc.xpath("//img") == [] and doc.xpath("//iframe|//object|//embed") == []
    # Attributes that make a browser fetch something (an <a href> is only followed when clicked).
    for attr in ("src", "srcset", "data", "poster", "background"):
        for value in doc.xpath(f"//@{attr}"):
            assert not re.match(r"\s*(https?:)?//", value, re.I), (attr, value)
    css = "\n".join(s.text_content() for s in doc.xpath("//style"))
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", css, re.I)
    assert not re.search(r"https?://", css)
    assert doc.get("lang") == "zh-CN"
    assert [m.get("charset").lower() for m in doc.xpath("//head/meta[@charset]")] == ["utf-8"]
    assert page.startswith("<!DOCTYPE html>")
    assert len(seed["html"]) < 80 * 1024


def test_page_shows_no_code_prompts_or_parameters(seed):
    page = seed["html"].decode("utf-8")
    body = lxml.html.tostring(seed["doc"].body, encoding="unicode")
    code_lines = [line.strip() for cell in notebook.load_template().cells if cell.cell_type == "code"
                  for line in cell.source.splitlines() if len(line.strip()) > 6]
    for line in code_lines:
        assert line not in page, line
    for absent in ("injected-parameters", "# Parameters", "papermill", "In [", "Out[", "In&nbsp;[", "jp-InputArea",
                   "township =", "root =", "build_report", "Traceback"):
        assert absent not in page, absent
    assert seed["doc"].xpath("//pre|//code[contains(., 'import')]") == []
    assert "<style" not in body  # the CSS is in <head> once, not repeated from the JupyterLab-only cell


def test_six_official_headings_in_order(seed):
    headings = [text(h) for h in seed["doc"].iter("h2")]
    official = [h for h in headings if h in HEADINGS]
    assert official == HEADINGS


def test_seed_figures_in_the_right_cells(seed):
    t = tables(seed["doc"])
    assert set(t) == {"二", "三", "四"}
    assert text(figure(t["二"], "政府集中采购", "采购项目数量")) == "9"
    assert text(figure(t["二"], "政府集中采购", "采购总金额")).startswith("6874.6408")
    # Blank stays blank: the seed lost its 规章 figures; they must not turn into 0.
    for column in ("本年新制作数量", "本年新公开数量", "对外公开总数量"):
        assert text(figure(t["二"], "规章", column)) == ""
    assert text(figure(t["二"], "规范性文件", "本年新制作数量")) == "0"
    # Table 三: the surviving rows and the footnote rule make every cell 0 (seed README).
    assert text(figure(t["三"], "（七）总计", "申请人情况", "总计")) == "0"
    assert text(figure(t["三"], "四、结转下年度继续办理", "自然人")) == "0"
    assert text(figure(t["三"], "8.属于行政查询事项", "商业企业")) == "0"
    assert text(figure(t["四"], None, "行政复议", "总计")) == "0"
    assert text(figure(t["四"], None, "行政诉讼", "复议后起诉", "总计")) == "0"


def test_seed_narrative_and_provenance(seed):
    doc = seed["doc"]
    section_1 = doc.xpath("//h2[.='一、总体情况']/..")[0]
    assert "我乡政府信息公开工作运行正常" in require(SEED_TEXT).read_text(encoding="utf-8")
    assert "我乡政府信息公开工作运行正常" in text(section_1)
    footer = text(doc.xpath("//footer")[-1])
    root = seed["root"]
    for path in (root / "data" / "2020" / f"{TOWNSHIP}.csv", root / "params" / TOWNSHIP / "2020.yaml"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in footer, path
    # The template's identity (what JupyterLab saves beside its cells does not count: test_notebook).
    assert notebook.template_sha256() in footer


def test_review_copy_has_banner_and_panel(seed):
    headings = [text(h) for h in seed["doc"].iter("h2")]
    assert "数据核验" in headings
    assert seed["doc"].xpath("//*[@id='banner']")


def test_executed_notebook_records_typed_parameters_and_no_run_noise(seed):
    raw = seed["nb_path"].read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.papermill.parameters == {"township": TOWNSHIP, "year": 2020, "root": "../..", "publish": False,
                                                "lang": "zh"}
    for noise in ("start_time", "end_time", "duration", "iopub.", "shell.execute_reply", str(seed["root"])):
        assert noise not in raw, noise
    template_ids = [c.id for c in notebook.load_template().cells]
    ids = [c.id for c in nb.cells]
    assert ids == template_ids[:2] + ["injected-parameters"] + template_ids[2:]
    assert all(c.metadata.papermill.status == "completed" for c in nb.cells)
    # Opened where it was written, the executed notebook finds the root it ran with.
    assert (seed["nb_path"].parent / "../.." / "data").resolve() == (seed["root"] / "data").resolve()


def test_same_inputs_give_the_same_bytes(seed, tmp_path):
    # A second, separate render, in another folder: the bytes must not depend on when or where.
    root = make_root(tmp_path)
    result = rendering.render(root, TOWNSHIP, YEAR)
    assert result.ok, result.error
    html_path, nb_path = outputs(root)
    assert html_path.read_bytes() == seed["html"]
    assert nb_path.read_bytes() == seed["nb_path"].read_bytes()
    assert sorted(p.name for p in html_path.parent.iterdir()) == sorted([html_path.name, nb_path.name])


# --- the published copy --------------------------------------------------------------------------


def test_published_copy_leaves_out_the_review_parts(tmp_path):
    root = make_root(tmp_path)
    result = rendering.render(root, TOWNSHIP, YEAR, publish=True)
    assert result.ok, result.error
    doc = lxml.html.document_fromstring(result.html_path.read_bytes())
    headings = [text(h) for h in doc.iter("h2")]
    assert [h for h in headings if h in HEADINGS] == HEADINGS and "数据核验" not in headings
    assert not doc.xpath("//*[@id='banner']")
    assert text(figure(tables(doc)["二"], "政府集中采购", "采购项目数量")) == "9"
    nb = json.loads(result.notebook_path.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["publish"] is True


# --- refusing, failing ---------------------------------------------------------------------------


@pytest.fixture
def no_kernel(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(execute, "execute", forbidden)


def test_broken_csv_is_refused_before_any_kernel(tmp_path, no_kernel):
    root = make_root(tmp_path)
    csv = root / "data" / "2020" / f"{TOWNSHIP}.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",采购项目数量,9", ",采购项目数量,九"), encoding="utf-8")
    result = CliRunner().invoke(app, ["render", "--township", TOWNSHIP, "--year", "2020", "--root", str(root)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("data/2020/红旗满族乡.csv:22") and "错误 E-NOT-NUMBER" in line and "九" in line for line in lines)
    assert lines[-1] == "红旗满族乡 2020：未生成：输入有错误"
    assert "Traceback" not in result.output and result.stdout == ""
    assert not (root / "output").exists()


def test_strict_publish_refuses_warnings(tmp_path, no_kernel):
    # A figure that does not add up is a warning, which --strict will not publish.
    root = make_root(tmp_path)
    csv = root / "data" / "2020" / f"{TOWNSHIP}.csv"
    text = csv.read_text(encoding="utf-8")
    total = f"四,行政复议,总计,0"
    assert total in text
    csv.write_text(text.replace(total, "四,行政复议,总计,1"), encoding="utf-8")
    result = rendering.render(root, TOWNSHIP, YEAR, publish=True, strict=True)
    assert result.status == "refused" and result.refused_for == "warnings"
    assert any(f.is_warning and f.rule == "R6" for f in result.findings)
    assert not (root / "output").exists()


def test_unsafe_township_name_is_refused(tmp_path, no_kernel):
    result = CliRunner().invoke(app, ["render", "--township", "../红旗满族乡", "--year", "2020", "--root", str(tmp_path)])
    assert result.exit_code == 1 and "E-NAME" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["render", "--year", "2020"], ["render", "--township", TOWNSHIP, "--year", "二〇二〇"]])
def test_usage_errors_exit_2(args, no_kernel):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2


def test_failing_notebook_is_one_line_and_kept_for_inspection(tmp_path, monkeypatch):
    template = nbformat.from_dict(notebook.load_template())
    index = next(i for i, c in enumerate(template.cells) if c.id == "section-3") + 1
    boom = nbformat.v4.new_code_cell('raise ValueError("表三 could not be drawn")')
    boom.id = "boom"
    template.cells.insert(index, boom)
    monkeypatch.setattr(notebook, "load_template", lambda: template)
    root = make_root(tmp_path)
    html_path, nb_path = outputs(root)
    html_path.parent.mkdir(parents=True)
    html_path.write_text("an older page of this report", encoding="utf-8")

    result = CliRunner().invoke(app, ["render", "--township", TOWNSHIP, "--year", "2020", "--root", str(root)])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert "ValueError" in first and "表三 could not be drawn" in first and "Traceback" not in result.output
    assert not html_path.exists()
    nb = nbformat.read(nb_path, as_version=4)
    failed = [c for c in nb.cells if c.get("id") == "boom"][0]
    assert failed.outputs[0].ename == "ValueError"
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)
    # The older page is not left where it would be read as current: it is renamed as stale, and
    # the command says so.
    stale = html_path.with_name(f"{TOWNSHIP}.过期.html")
    assert sorted(p.name for p in nb_path.parent.iterdir()) == sorted([nb_path.name, stale.name])
    assert stale.read_text(encoding="utf-8") == "an older page of this report"
    assert "已改名为过期文件" in result.stderr and stale.name in result.stderr


@pytest.mark.parametrize("with_markers", [False, True])
def test_prepared_notebook_is_what_papermill_prepares(with_markers):
    """execute.prepare takes papermill's steps without its serialise-and-reread round trips: the
    notebook it hands the engine is the one papermill.execute_notebook(prepare_only=True) returns,
    once both are scrubbed as every executed notebook is (papermill records the notebook object
    itself as its input path, and gives the injected cell a random id), also for a template still
    carrying an earlier run's injected cell and error markers."""
    import papermill

    from xxgk import engines  # noqa: F401  (registers the in-process engine)

    parameters = {"township": TOWNSHIP, "year": 2020, "root": "../..", "publish": False, "lang": "zh"}
    template = notebook.for_report(parameters)
    if with_markers:
        template = execute.prepare(template, {**parameters, "year": 2019}, execute.ENGINES["inprocess"])
        marker = nbformat.v4.new_markdown_cell("stopped here")
        marker.metadata["tags"] = ["papermill-error-cell-tag"]
        template.cells.insert(0, marker)
    before = nbformat.writes(template)
    ours = execute.prepare(template, parameters, execute.ENGINES["inprocess"])
    theirs = papermill.execute_notebook(nbformat.from_dict(template), None, parameters=parameters,
                                        engine_name=execute.ENGINES["inprocess"], kernel_name=execute.KERNEL_NAME,
                                        prepare_only=True, progress_bar=False)
    assert nbformat.writes(template) == before  # the caller's template is left as it was

    def comparable(nb):
        labels = execute.Labels("template.ipynb", "report.ipynb")
        return nbformat.writes(execute.scrub(nbformat.from_dict(nb), [c.get("id") for c in template.cells], labels))

    injected = [c for c in ours.cells if "injected-parameters" in c.metadata.tags]
    assert len(injected) == 1 and "2020" in injected[0].source and "2019" not in injected[0].source
    assert not any("papermill-error-cell-tag" in c.metadata.tags for c in ours.cells)
    assert comparable(ours) == comparable(theirs)
