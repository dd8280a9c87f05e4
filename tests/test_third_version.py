"""Format versions are data: a made-up third version, declared in ``tests/fixtures/formats/2030.yaml``
and handed to the kit through ``XXGK_FORMATS``, works in template, check and render with no change
to the kit's code (issue 11).

It differs from the 2021 format in ways that would trip code that spells labels: a renamed column
(年末现行有效件数), a new block (第二十条第（十）项（测试用）), a fourth sub-item under （六）其他处理 and a
renamed applicant column (其他组织机构).  The commands run as an analyst runs them, in a subprocess
whose environment names the folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import yaml

FORMATS = Path(__file__).parent / "fixtures" / "formats"
XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]
TOWNSHIP = "测试镇"


def xxgk(*args: str, root: Path | None = None, formats: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_FORMATS", "XXGK_LANG")}
    if formats:
        env["XXGK_FORMATS"] = str(FORMATS)
    extra = ["--root", str(root)] if root is not None else []
    return subprocess.run([*XXGK, *args, *extra], capture_output=True, text=True, env=env, timeout=600,
                          stdin=subprocess.DEVNULL)


def declared() -> dict:
    return yaml.safe_load((FORMATS / "2030.yaml").read_text(encoding="utf-8"))


def write_report(root: Path, template: str, values: dict[tuple[str, str, str], str]) -> None:
    rows = list(csv.reader(io.StringIO(template)))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    for t, r, c, _ in rows[1:]:
        w.writerow([t, r, c, values.get((t, r, c), "0")])
    data = root / "data" / "2030" / f"{TOWNSHIP}.csv"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(out.getvalue(), encoding="utf-8")
    params = root / "params" / TOWNSHIP / "2030.yaml"
    params.parent.mkdir(parents=True, exist_ok=True)
    params.write_text(f"township: {TOWNSHIP}\nyear: 2030\nbody: {TOWNSHIP}人民政府\npublish_date: 2031-01-20\n"
                      "overview: 全年新收政府信息公开申请{{new_applications}}件。\nproblems: 无。\nother: 无。\ncontact: 电话。\n",
                      encoding="utf-8")


def test_the_template_is_the_declared_tables():
    done = xxgk("template", "--year", "2030")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))[1:]
    # 2021's 200 cells (spec §4), plus the new block's one cell, plus one more row of 7 in table 三.
    assert len(rows) == 200 + 1 + 7
    assert ["二", "规章", "年末现行有效件数", ""] in rows
    assert ["二", "政府信息公开指南", "本年更新次数", ""] in rows
    assert ["三", "3.申请人撤回申请（测试用）", "其他组织机构", ""] in rows
    assert not any(r[2] == "现行有效件数" for r in rows)
    # Without the folder the kit knows no such version, and says which it knows.
    refused = xxgk("template", "--format", "2030", "--year", "2030", formats=False)
    assert refused.returncode == 2 and "2019 / 2021" in refused.stderr


def test_check_and_render_in_the_third_version(tmp_path):
    template = xxgk("template", "--year", "2030").stdout
    new, natural, other, total = "一、本年新收政府信息公开申请数量", "自然人", "其他组织机构", "总计"
    withdrawn = "3.申请人撤回申请（测试用）"
    results = "（七）总计"
    # Two applications (one from a person, one from 其他组织机构), both withdrawn: every rule of
    # table 三 holds if the new sub-item counts among the results (R3) and the renamed column among
    # the applicants (R2).
    values = {("三", new, natural): "1", ("三", new, other): "1", ("三", new, total): "2",
              ("三", withdrawn, natural): "1", ("三", withdrawn, other): "1", ("三", withdrawn, total): "2",
              ("三", results, natural): "1", ("三", results, other): "1", ("三", results, total): "2",
              ("二", "规章", "年末现行有效件数"): "", ("二", "政府信息公开指南", "本年更新次数"): "4"}
    write_report(tmp_path, template, values)
    done = xxgk("check", "--format", "json", root=tmp_path)
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert not [i for i in items if i["status"] == "fail" and i["severity"] in ("error", "warning")], items
    r1 = [i for i in items if i["rule"] == "R1"]
    assert sorted(i["column"] for i in r1) == sorted([natural, "商业企业", "科研机构", "社会公益组织", "法律服务机构", other, total])
    r3 = next(i for i in items if i["rule"] == "R3" and i["column"] == natural)
    assert r3["status"] == "pass" and any(c[1] == withdrawn for c in r3["cells"])
    (blank,) = [i for i in items if i["rule"] == "M-BLANK"]
    assert (blank["row"], blank["column"]) == ("规章", "年末现行有效件数")
    # A planted error is found where the declared arithmetic says.
    values[("三", withdrawn, total)] = "3"
    write_report(tmp_path, template, values)
    failed = json.loads(xxgk("check", "--format", "json", root=tmp_path).stdout)
    r2 = [i for i in failed if i["rule"] == "R2" and i["status"] == "fail"]
    assert [(i["row"], i["values"]["left"], i["values"]["right"]) for i in r2] == [(withdrawn, 3, 2)]
    # A 2021 label in a 2030 file is named as the other version's.
    text = (tmp_path / "data" / "2030" / f"{TOWNSHIP}.csv").read_text(encoding="utf-8")
    (tmp_path / "data" / "2030" / f"{TOWNSHIP}.csv").write_text(
        text.replace("规章,年末现行有效件数", "规章,现行有效件数"), encoding="utf-8")
    other_version = xxgk("check", root=tmp_path)
    assert other_version.returncode == 1 and "E-OTHER-VERSION" in other_version.stdout and "2021" in other_version.stdout
    (tmp_path / "data" / "2030" / f"{TOWNSHIP}.csv").write_text(text, encoding="utf-8")
    # Rendered, the page prints the declared tables and notice.
    values[("三", withdrawn, total)] = "2"
    write_report(tmp_path, template, values)
    done = xxgk("render", "--township", TOWNSHIP, "--year", "2030", root=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = lxml.html.fromstring((tmp_path / "output" / "2030" / f"{TOWNSHIP}.html").read_bytes())
    headers = [th.text_content().strip() for th in doc.xpath("//table[@data-table]//th")]
    for label in ("年末现行有效件数", "第二十条第（十）项（测试用）", "本年更新次数", withdrawn, other):
        assert label in headers, label
    cell = doc.xpath(f"//td[@data-row='政府信息公开指南'][@data-column='本年更新次数']")[0]
    assert cell.text_content() == "4"
    assert declared()["notice"] in doc.text_content()
    assert "全年新收政府信息公开申请2件" in doc.text_content()


def test_import_reads_the_third_version(tmp_path):
    """A page of the made-up version, imported: the version told from its labels, every figure back."""
    import pytest

    pytest.importorskip("xxgk.importer.html_source")
    template = xxgk("template", "--year", "2030").stdout
    values = {("三", "一、本年新收政府信息公开申请数量", "其他组织机构"): "1", ("三", "一、本年新收政府信息公开申请数量", "总计"): "1",
              ("三", "3.申请人撤回申请（测试用）", "其他组织机构"): "1", ("三", "3.申请人撤回申请（测试用）", "总计"): "1",
              ("三", "（七）总计", "其他组织机构"): "1", ("三", "（七）总计", "总计"): "1",
              ("二", "政府信息公开指南", "本年更新次数"): "4"}
    write_report(tmp_path / "made", template, values)
    assert xxgk("render", "--township", TOWNSHIP, "--year", "2030", "--publish", root=tmp_path / "made").returncode == 0
    page = tmp_path / "made" / "output" / "2030" / "published" / f"{TOWNSHIP}.html"
    done = xxgk("import", str(page), "--format", "json", root=tmp_path / "imported")
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr
    (result,) = json.loads(done.stdout)
    assert result["version"] == "2030" and "年末现行有效件数" in result["version_labels"]
    made = (tmp_path / "made" / "data" / "2030" / f"{TOWNSHIP}.csv").read_text(encoding="utf-8")
    got = (tmp_path / "imported" / "data" / "2030" / f"{TOWNSHIP}.csv").read_text(encoding="utf-8")
    strip = lambda text: [r[:4] for r in csv.reader(io.StringIO(text))][1:]  # noqa: E731
    assert strip(got) == strip(made)


def test_a_report_is_built_again_when_the_known_format_versions_change(tmp_path, monkeypatch):
    # The same files give another report once XXGK_FORMATS names a version for their year: a report
    # kept from before (the notebook reuses the one the worker built) must not hide it.
    from xxgk.csv_input import template_csv
    from xxgk.report import build_report

    monkeypatch.delenv("XXGK_FORMATS", raising=False)
    write_report(tmp_path, template_csv("2021"), {})
    assert build_report(tmp_path, TOWNSHIP, 2030).version == "2021"
    monkeypatch.setenv("XXGK_FORMATS", str(FORMATS))
    assert build_report(tmp_path, TOWNSHIP, 2030).version == "2030"
