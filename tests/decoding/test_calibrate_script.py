"""scripts/calibrate.py and the tuning prose it reads (scripts/tuning_text.py): what is kept of a
manual page or a docstring, unreadable files skipped, and a small fit that loads back."""

from __future__ import annotations

import gzip
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from caesar_rnn.decoding.calibration import load_calibration

SCRIPTS = Path(__file__).parents[2] / "scripts"


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))  # calibrate imports tuning_text as its neighbour
    try:
        spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(SCRIPTS))


PAGE = r""".TH FROB 1
.SH NAME
frob \- frobnicate files
.SH SYNOPSIS
.B frob
[\fIOPTION\fR]
.SH DESCRIPTION
The \fBfrob\fR command turns every file it is given
into a better one, slowly.
.nf
code_here = 1
.fi
.SH COPYRIGHT
This is free software; see the GNU General Public License for details.
"""


def test_man_page_prose(tmp_path: Path) -> None:
    tt = _load("tuning_text")
    words = list(tt.prose_words(tt.roff_lines(PAGE)))
    want = "The frob command turns every file it is given into a better one, slowly."
    assert words == want.split()  # escapes removed (\fBfrob\fR), SYNOPSIS and code left out
    man1 = tmp_path / "man1"
    man1.mkdir()
    (man1 / "frob.1.gz").write_bytes(gzip.compress(PAGE.encode()))
    (man1 / "broken.1.gz").write_bytes(b"not gzip at all")  # skipped, not an error
    (man1 / "link.1.gz").write_bytes(gzip.compress(b".so man1/frob.1\n"))  # a link: skipped
    got = tt.man_words(tmp_path)
    assert "slowly." in got and "Public" not in got and "code_here" not in got
    assert len(got) == len(words)
    assert tt.man_words(tmp_path, per_page=3) == got[:3]
    assert tt.man_words(tmp_path, per_family=0) == []  # the family is full before its first page


def test_licence_paragraphs_and_code_are_left_out() -> None:
    tt = _load("tuning_text")
    lines = [
        "Return the value of the variable.",
        "    x = frob(1)  # an indented example",
        "",
        "This program comes WITHOUT ANY WARRANTY at all.",
    ]
    assert list(tt.prose_words(lines)) == ["Return", "the", "value", "of", "the", "variable."]


def test_docstrings_skip_tests_and_broken_files(tmp_path: Path) -> None:
    tt = _load("tuning_text")
    (tmp_path / "good.py").write_text('"""Open the door slowly."""\ndef f():\n    """Shut it."""\n')
    (tmp_path / "bad.py").write_text("def (:\n")  # a syntax error: skipped
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text('"""Never read."""\n')
    assert tt.docstring_words(tmp_path) == ["Open", "the", "door", "slowly.", "Shut", "it."]


@pytest.mark.slow
def test_calibrate_fits_a_table_that_loads(tmp_path: Path) -> None:
    cal_script = _load("calibrate")
    out = tmp_path / "calibration.json"
    cal_script.main(
        ["--sources", "pydoc", "--per-length", "3", "--random-per-length", "10", "--out", str(out)]
    )
    cal = load_calibration(tmp_path)
    assert cal is not None and cal.verdict_table.language == "english"
    assert cal.source["text"].endswith("pydoc") and cal.source["messages"] == 3 * 21 * 2
    assert all(0.0 < c <= 1.0 for s in cal.ceiling.values() for c in s)


def test_the_module_fits_a_folder_or_says_why_not(tmp_path: Path, calibration_on: None) -> None:
    from caesar_rnn.decoding import fitting

    assert fitting.main([]) == 2 and fitting.main(["-x"]) == 2
    assert fitting.main(["--help"]) == 0
    assert fitting.main([str(tmp_path / "none")]) == 1
    assert fitting.main(["shipped"]) == 1  # its table is not refit in place
