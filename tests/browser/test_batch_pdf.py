"""`xxgk batch --to pdf`: every report's published copy printed to A4 beside its HTML, recorded in
the manifest, and printed again when the PDF goes missing."""

from __future__ import annotations

import json

from pypdf import PdfReader

from browser_support import SAMPLE_2021, SEED, make_root, output_file, run_xxgk, skip_module_without_browser

skip_module_without_browser()


def test_batch_prints_every_report_and_reprints_a_missing_pdf(tmp_path, chromium):
    root = make_root(tmp_path)
    run_xxgk("batch", "--to", "pdf", root=root)
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))
    for township, year in (SEED, SAMPLE_2021):
        pdf = output_file(root, township, year, ".pdf")
        box = PdfReader(pdf).pages[0].mediabox
        assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1
        entry = manifest["reports"][f"{year}/{township}"]
        assert entry["copies"]["published"]["outputs"]["pdf"]["path"] == f"{year}/published/{township}.pdf"
        # --to pdf prints the published copy: no review panel in the page it printed, which sits
        # beside the review copy, not over it.
        assert "数据核验" not in output_file(root, township, year, ".html", published=True).read_text(encoding="utf-8")
        assert not (root / "output" / str(year) / f"{township}.html").exists()

    township, year = SAMPLE_2021
    output_file(root, township, year, ".pdf").unlink()
    proc = run_xxgk("batch", "--to", "pdf", root=root)
    assert output_file(root, township, year, ".pdf").is_file()
    assert "本次生成 1 份" in proc.stderr
