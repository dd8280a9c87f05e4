# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 政府信息公开工作年度报告
#
# One township-year's annual report. `xxgk render` runs this notebook with papermill and keeps
# only the HTML outputs; opened in JupyterLab it runs top to bottom with the defaults below.
# The cells stay thin: everything is computed and formatted in the `xxgk` package.
#
# The template is `notebooks/annual_report.ipynb`; explore one report in a working copy of it,
# which `xxgk notebook --township T --year Y` writes to `notebooks/work/` with the parameters set.
# Saving the template changes no report (its outputs and the defaults below are not part of any);
# editing one of its cells changes every report.

# %% tags=["parameters"]
township: str = "红旗满族乡"
year: int = 2020
root: str = ".."  # the folder holding data/, params/ and output/, from this notebook's folder
publish: bool = False  # a published copy has no review banner, cell highlights or 数据核验 panel
lang: str = "zh"  # language of the review banner, the 数据核验 panel and the frames: zh or en

# %%
from IPython.display import HTML, display

from xxgk import html
from xxgk.compose import build_document
from xxgk.i18n import set_lang
from xxgk.notebook import stop_on_input_errors, template_sha256
from xxgk.report import build_report

# %% tags=["xxgk-style"]
# Only for reading the report here: the exported page carries the same CSS in its <head>.
display(HTML(f"<style>{html.report_css()}</style>"))

# %%
set_lang(lang)
report = build_report(root, township, year)
# Input errors would make a silently wrong report: list them and stop here.
stop_on_input_errors(report)
# The report as one document, built once: the cells below print it piece by piece, and
# `xxgk render --to docx` writes the same document as a Word file.
document = build_document(report, publish=publish, template_sha256=template_sha256())

# %% tags=["xxgk-explore"]
# For a closer look in JupyterLab, left out of the exported page (as are the next two cells).
# First what the checks found, problems first.  Frames are shown as HTML, never as themselves:
# a DataFrame's text form depends on the console pandas detects, and the executed notebook must not.
from xxgk import frames, spec

findings = frames.findings_frame(report)
display(HTML(frames.to_html(findings)))

# %% tags=["xxgk-explore"]
# The three tables in their official shape (表二: one frame per 第二十条 item).
tables = {table_id: frames.table_frame(report, table_id) for table_id in spec.TABLE_IDS}
for frame in tables.values():
    display(HTML(frames.to_html(frame)))

# %% tags=["xxgk-explore"]
# Every figure, one row each: where it came from (given, computed, blank) and its line in the CSV.
figures = frames.figures_frame(report)
display(HTML(frames.to_html(figures)))

# %%
display(HTML(html.banner(report, publish=publish)))

# %%
display(HTML(html.title_block(document)))

# %%
display(HTML(html.section(document, 1)))

# %%
display(HTML(html.section(document, 2)))

# %%
display(HTML(html.section(document, 3)))

# %%
display(HTML(html.section(document, 4)))

# %%
display(HTML(html.section(document, 5)))

# %%
display(HTML(html.section(document, 6)))

# %%
display(HTML(html.signature_block(document)))

# %%
display(HTML(html.review_panel(report, publish=publish)))

# %%
# After the checks, which come first in a review: the township's other years, for context.
display(HTML(html.trend_panel(report, publish=publish)))

# %%
display(HTML(html.provenance_footer(document)))
