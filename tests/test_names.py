"""Township names that Windows reserves, or that make a file name too long, are refused with E-NAME by
every command (check, render, notebook; batch in test_batch) before anything is written, and a name
that is accepted never meets "File name too long" anywhere.

The limit is worked out here from the rules, not read from the kit: most file systems take at most
255 bytes (UTF-8) per file name, and the longest name the kit makes from a township's name is the
temporary file the working copy ``notebooks/work/<year>-<name>.ipynb`` is written through:
``.<year>-<name>.ipynb.<8 random characters>.tmp`` (``tempfile.mkstemp``'s random part is 8
characters), 25 bytes more than the name for a four-digit year.  So a name may have 230 bytes: 76
Chinese characters (3 bytes each).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xxgk import atomic, execute, spec
from xxgk.cli import app
from xxgk.i18n import use_lang
from xxgk.paths import check_township_name

YEAR = 2021
NAME_MAX = 255
LONGEST_EXTRA = len(f".{YEAR}-") + len(".ipynb") + len(".12345678") + len(".tmp")
LIMIT_BYTES = NAME_MAX - LONGEST_EXTRA
LIMIT_CHINESE = LIMIT_BYTES // 3
assert (LONGEST_EXTRA, LIMIT_BYTES, LIMIT_CHINESE) == (25, 230, 76)

# Windows reserves the DOS device names in any case, with or without an extension, and with spaces
# before the extension ("Naming Files, Paths, and Namespaces"; CPython's ntpath.isreserved), also
# with the superscript digits ¹²³ (U+00B9, U+00B2, U+00B3), and the console names CONIN$ / CONOUT$.
RESERVED = ["CON", "con", "Con", "PRN", "aux", "NUL", "Nul.txt", "nul.tar.gz", "NUL .txt", "COM1", "com9", "COM1.镇",
            "LPT1", "lpt9.csv", "COM¹", "com²", "LPT³", "CONIN$", "conout$"]
# Windows strips a trailing dot or space from a file name: the file would not carry the name.
TRAILING = ["某镇.", "某镇..", "某镇 .", "某镇 "]
NOT_RESERVED = ["COM10", "LPT10", "COM", "CONSOLE", "NULL", "AUX镇", "镇.CON", "某镇。", "红旗满族乡", "Town 1", "示例镇001"]
TOO_LONG = ["镇" * (LIMIT_CHINESE + 1), "镇" * 80]  # both still fit as data/<year>/<name>.csv

runner = CliRunner()


def zeros_csv(version: str) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "row", "column", "value"])
    for cell in spec.get_format(version).cells():
        w.writerow([*cell.key, "0"])
    return out.getvalue()


def add_report(root: Path, name: str) -> None:
    data = root / "data" / str(YEAR) / f"{name}.csv"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(zeros_csv(spec.version_for_year(YEAR)), encoding="utf-8")
    params = root / "params" / name / f"{YEAR}.yaml"
    params.parent.mkdir(parents=True, exist_ok=True)
    params.write_text(f"township: {name}\nyear: {YEAR}\nbody: 人民政府\npublish_date: {YEAR + 1}-01-20\n", encoding="utf-8")


@pytest.fixture
def no_kernel(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(execute, "execute", forbidden)


# --- the rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RESERVED)
def test_names_windows_reserves_are_refused(name):
    f = check_township_name(name)
    assert f is not None and f.rule == "E-NAME" and f.is_error
    assert "Windows" in f.text() and "保留" in f.text()


@pytest.mark.parametrize("name", TRAILING)
def test_names_ending_in_a_dot_or_space_are_refused(name):
    f = check_township_name(name)
    assert f is not None and f.rule == "E-NAME"


@pytest.mark.parametrize("name", NOT_RESERVED)
def test_names_windows_allows(name):
    assert check_township_name(name) is None


@pytest.mark.parametrize("name, ok", [
    ("镇" * LIMIT_CHINESE, True), ("镇" * (LIMIT_CHINESE + 1), False),
    ("a" * LIMIT_BYTES, True), ("a" * (LIMIT_BYTES + 1), False),
    ("镇" * LIMIT_CHINESE + "ab", True), ("镇" * LIMIT_CHINESE + "abc", False),
    ("𠀀" * (LIMIT_BYTES // 4), True), ("𠀀" * (LIMIT_BYTES // 4 + 1), False),  # 4 bytes each (CJK Ext. B)
], ids=lambda v: v if isinstance(v, bool) else f"{len(v)}chars-{len(v.encode())}bytes")
def test_the_length_limit_counts_utf8_bytes(name, ok):
    assert (check_township_name(name, YEAR) is None) == ok
    assert (check_township_name(name) is None) == ok  # the year unknown: a four-digit one


def test_too_long_says_the_longest_allowed_length():
    f = check_township_name("镇" * 80, YEAR)
    assert f.rule == "E-NAME"
    assert "240 字节" in f.text() and f"{LIMIT_BYTES} 字节" in f.text() and f"{LIMIT_CHINESE} 个汉字" in f.text()
    with use_lang("en"):
        text = f.text()
    assert "240 bytes" in text and f"{LIMIT_BYTES} bytes" in text and f"{LIMIT_CHINESE} Chinese characters" in text


def test_a_longer_year_leaves_a_byte_less():
    # notebooks/work/<year>-<name>.ipynb: a five-digit year takes one byte more.
    assert check_township_name("a" * LIMIT_BYTES, 10000) is not None
    assert check_township_name("a" * (LIMIT_BYTES - 1), 10000) is None


# --- every command refuses, before anything is written ---------------------------------------------


def refused_everywhere(root: Path, name: str) -> None:
    for args in (["check"], ["check", "--township", name, "--year", str(YEAR)],
                 ["render", "--township", name, "--year", str(YEAR)],
                 ["notebook", "--township", name, "--year", str(YEAR)]):
        result = runner.invoke(app, [*args, "--root", str(root)])
        assert result.exit_code == 1, (args, result.output)
        assert "E-NAME" in result.output, (args, result.output)
        assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    assert not (root / "output").exists()
    assert not (root / "notebooks").exists()


@pytest.mark.parametrize("name", RESERVED + TRAILING[:3])
def test_reserved_names_refused_by_check_render_and_notebook(tmp_path, no_kernel, name):
    add_report(tmp_path, name)
    refused_everywhere(tmp_path, name)


@pytest.mark.parametrize("name", TOO_LONG, ids=lambda v: f"{len(v)}chars")
def test_a_name_too_long_refused_by_check_render_and_notebook(tmp_path, no_kernel, name):
    add_report(tmp_path, name)
    refused_everywhere(tmp_path, name)


def test_a_name_at_the_limit_passes_check_renders_and_gets_a_working_copy(tmp_path):
    name = "镇" * LIMIT_CHINESE
    add_report(tmp_path, name)
    checked = runner.invoke(app, ["check", "--root", str(tmp_path)])
    assert checked.exit_code == 0 and "E-NAME" not in checked.output, checked.output
    rendered = runner.invoke(app, ["render", "--township", name, "--year", str(YEAR), "--root", str(tmp_path)])
    assert rendered.exit_code == 0, rendered.output
    out = tmp_path / "output" / str(YEAR)
    assert sorted(p.name for p in out.iterdir()) == [f"{name}.html", f"{name}.ipynb"]  # no temporary file left
    copied = runner.invoke(app, ["notebook", "--township", name, "--year", str(YEAR), "--root", str(tmp_path)])
    assert copied.exit_code == 0, copied.output
    assert (tmp_path / "notebooks" / "work" / f"{YEAR}-{name}.ipynb").is_file()


# --- no accepted name meets "File name too long" -----------------------------------------------------


def write_every_file(root: Path, name: str) -> None:
    """What the kit reads and writes for one report, written through its own writers (atomic's
    temporary files included)."""
    add_report(root, name)
    for target in (root / "output" / str(YEAR) / f"{name}.html", root / "output" / str(YEAR) / f"{name}.ipynb",
                   root / "output" / str(YEAR) / f"{name}.pdf", root / "notebooks" / "work" / f"{YEAR}-{name}.ipynb"):
        atomic.write_text(target, "x")


CHARS = ["a", "镇", "é", "𠀀"]  # 1, 3, 2 and 4 bytes


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(CHARS), max_size=80), st.integers(-6, 6))
def test_an_accepted_name_fits_every_file_and_a_refused_one_would_not(chars, delta):
    # A name of exactly LIMIT_BYTES + delta bytes, its characters mixed.
    size = LIMIT_BYTES + delta
    name = ""
    for ch in chars:
        if len((name + ch).encode()) > size:
            break
        name += ch
    name += "a" * (size - len(name.encode()))
    with tempfile.TemporaryDirectory() as tmp:
        finding = check_township_name(name, YEAR)
        if finding is None:
            write_every_file(Path(tmp), name)
        else:
            assert finding.rule == "E-NAME"
            with pytest.raises(OSError) as exc:
                write_every_file(Path(tmp), name)
            assert exc.value.errno == errno.ENAMETOOLONG
        leftovers = [p for p in Path(tmp).rglob("*.tmp")]
        assert leftovers == []


def test_the_temporary_files_are_named_as_counted(tmp_path):
    # .<target>.<8 random characters>.tmp, beside the target: the longest names the kit makes.
    target = tmp_path / "某镇.html"
    with atomic.replacing(target) as f:
        f.write(b"x")
        (tmp,) = [p.name for p in tmp_path.iterdir()]
    assert tmp.startswith(".某镇.html.") and tmp.endswith(".tmp")
    assert len(tmp) == len(".某镇.html.") + 8 + len(".tmp")
    assert os.listdir(tmp_path) == ["某镇.html"]


def test_the_readme_states_the_limit():
    text = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").split())
    assert f"{LIMIT_BYTES} bytes in UTF-8, that is {LIMIT_CHINESE} Chinese characters" in text
