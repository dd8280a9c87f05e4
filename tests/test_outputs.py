"""Issue 9: outputs never mislead.

The review copy and the copy to publish are two files side by side; a report that cannot be
rendered leaves no old figures where they would be read as current; a published copy never says
未提供.  Real renders (in-process engine, as ``xxgk batch`` runs them) on the seed's inputs.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from xxgk import manifest as mf
from xxgk import render as rendering
from xxgk.cli import app

PROJECT = Path(__file__).resolve().parents[1]
TOWNSHIP, YEAR = "红旗满族乡", 2020
runner = CliRunner()


@pytest.fixture
def root(tmp_path) -> Path:
    for rel in (f"data/{YEAR}/{TOWNSHIP}.csv", f"params/{TOWNSHIP}/{YEAR}.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / rel, tmp_path / rel)
    return tmp_path


def render(root: Path, **kw) -> rendering.RenderResult:
    return rendering.render(root, TOWNSHIP, YEAR, **kw)


def batch(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The batch as a user runs it (it forks its workers: not from inside the test process)."""
    return subprocess.run([sys.executable, "-c", "from xxgk.cli import main; main()", "batch", "--root", str(root), *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)


def page_text(path: Path) -> str:
    return lxml.html.fromstring(path.read_bytes()).text_content()


def year_dir(root: Path) -> Path:
    return root / "output" / str(YEAR)


def test_review_and_published_copies_are_different_files_side_by_side(root):
    review = render(root)
    assert review.ok and review.html_path == year_dir(root) / f"{TOWNSHIP}.html"
    before = review.html_path.read_bytes()
    published = render(root, publish=True)
    assert published.ok
    assert published.html_path == year_dir(root) / "published" / f"{TOWNSHIP}.html"
    assert published.notebook_path == year_dir(root) / "published" / f"{TOWNSHIP}.ipynb"
    # The review copy is untouched, and each copy is what it says.
    assert review.html_path.read_bytes() == before
    assert "数据核验" in page_text(review.html_path) and "数据核验" not in page_text(published.html_path)
    # The executed notebook beside the published page finds the root from where it is.
    assert '"root": "../../.."' in published.notebook_path.read_text(encoding="utf-8")


def test_the_dashboard_links_both_copies(root):
    assert batch(root).returncode == 0
    assert batch(root, "--publish").returncode == 0
    doc = lxml.html.fromstring((root / "output" / "index.html").read_bytes())
    links = {a.text_content(): a.get("href") for a in doc.xpath("//table[@id='reports-table']//td[@class='links']/a")}
    assert links["HTML"].endswith(f"{YEAR}/{TOWNSHIP}.html".replace(TOWNSHIP, "%E7%BA%A2%E6%97%97%E6%BB%A1%E6%97%8F%E4%B9%A1"))
    assert "/published/" in links["发布稿"]
    for href in links.values():
        from urllib.parse import unquote

        assert (root / "output" / unquote(href)).is_file()
    summary = list(csv.DictReader(io.StringIO((root / "output" / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert summary[0]["html"] == f"{YEAR}/{TOWNSHIP}.html"
    assert summary[0]["published_html"] == f"{YEAR}/published/{TOWNSHIP}.html"
    # Rendering the copy to publish did not make the review copy current no longer, nor the reverse:
    # both are skipped now.
    assert "本次生成 0 份" in batch(root).stderr
    assert "本次生成 0 份" in batch(root, "--publish").stderr


def test_input_errors_set_both_old_copies_aside(root):
    assert render(root).ok and render(root, publish=True).ok
    csv_path = root / "data" / str(YEAR) / f"{TOWNSHIP}.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace(",采购项目数量,9", ",采购项目数量,九"), encoding="utf-8")
    res = runner.invoke(app, ["render", "--root", str(root), "--township", TOWNSHIP, "--year", str(YEAR)])
    assert res.exit_code == 1
    folder = year_dir(root)
    for copy in (folder, folder / "published"):
        assert not (copy / f"{TOWNSHIP}.html").exists() and not (copy / f"{TOWNSHIP}.ipynb").exists()
        stale = copy / f"{TOWNSHIP}.过期.html"
        assert stale.is_file() and "6874.6408" in page_text(stale)  # last week's figures, marked as such
    assert "已改名为过期文件" in res.stderr and f"{TOWNSHIP}.过期.html" in res.stderr
    # Fixed and rendered again: the stale copy of that kind is gone.
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace(",采购项目数量,九", ",采购项目数量,9"), encoding="utf-8")
    assert render(root).ok
    assert not (folder / f"{TOWNSHIP}.过期.html").exists() and (folder / f"{TOWNSHIP}.html").is_file()


def test_a_failure_in_the_batch_shows_on_the_dashboard_with_what_happened(root):
    assert batch(root).returncode == 0
    csv_path = root / "data" / str(YEAR) / f"{TOWNSHIP}.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace(",采购项目数量,9", ",采购项目数量,九"), encoding="utf-8")
    res = batch(root)
    assert res.returncode == 1 and "已改名为过期文件" in res.stderr
    entry = mf.Manifest.for_root(root).get(TOWNSHIP, YEAR)
    assert entry["status"] == mf.INPUT_ERRORS and entry["copies"] == {}
    assert entry["stale"] == [f"{YEAR}/{TOWNSHIP}.过期.html", f"{YEAR}/{TOWNSHIP}.过期.ipynb"]
    doc = lxml.html.fromstring((root / "output" / "index.html").read_bytes())
    (row,) = doc.xpath("//table[@id='reports-table']/tbody/tr")
    assert row.get("data-status") == mf.INPUT_ERRORS and row.xpath(".//td[@class='links']/a") == []
    assert "过期" in row.xpath(".//td[@class='error']")[0].text_content()


def test_publish_refuses_what_would_print_not_provided(root):
    params = root / "params" / TOWNSHIP / f"{YEAR}.yaml"
    text = params.read_text(encoding="utf-8")
    start = text.index("problems: |")
    end = text.index("\nother:")
    params.write_text(text[:start] + text[end + 1:], encoding="utf-8")  # section 五 gone
    refused = render(root, publish=True)
    assert refused.status == "refused" and refused.refused_for == "incomplete"
    (f,) = [f for f in refused.findings if f.rule == "E-PUBLISH-INCOMPLETE"]
    assert "五、存在的主要问题及改进情况" in f.message and f.file == f"params/{TOWNSHIP}/{YEAR}.yaml"
    assert not (year_dir(root) / "published").exists()
    # The review copy still renders, and says plainly what is missing.
    review = render(root)
    assert review.ok and "【未提供】" in page_text(review.html_path)
    # Without a params file at all: the signature is missing too.
    params.unlink()
    refused = render(root, publish=True)
    (f,) = [f for f in refused.findings if f.rule == "E-PUBLISH-INCOMPLETE"]
    assert "落款" in f.message and "一、总体情况" in f.message
    res = runner.invoke(app, ["render", "--root", str(root), "--township", TOWNSHIP, "--year", str(YEAR), "--to", "pdf"])
    assert res.exit_code == 1 and "E-PUBLISH-INCOMPLETE" in res.stderr and "Traceback" not in res.output
