"""English prose for fitting a calibration table (``caesar_rnn.decoding.fitting``, run by
``train`` and scripts/calibrate.py): text the model never trained on and none of the evaluation
texts (the novels the project measures on, the licences in /usr/share/common-licenses), so that
what it is fitted on says how it does on other text.

Sources, each a list of prose words (code, options and markup left out), read in a fixed order:

- ``pydoc``: Python's documentation topics (``pydoc_data.topics``, in every CPython install);
- ``docstrings``: the docstrings of the standard library's modules, classes and functions (read
  with ``ast``, nothing imported; indented lines, mostly examples, left out);
- ``man``: the English manual pages under /usr/share/man/man1-8 (roff requests, escapes,
  no-fill blocks and the NAME, SYNOPSIS, AUTHOR, COPYRIGHT, LICENSE, SEE ALSO and BUGS sections
  left out; a paragraph that names a licence is dropped too, since the licences are evaluation
  text). Absent on a machine without manual pages: then that source is empty.
"""

from __future__ import annotations

import ast
import gzip
import re
import sysconfig
from collections.abc import Iterable, Iterator
from pathlib import Path

#: A prose word: letters (one inner apostrophe), maybe quoted or bracketed, maybe punctuated.
WORD = re.compile(r"^[(\"']?[A-Za-z]+(?:'[a-z]+)?[.,;:!?)\"']*$")
SOURCES = ("pydoc", "docstrings", "man")
#: Paragraphs that quote a licence (evaluation text) are left out of every source.
LICENCE = re.compile(r"public licen[cs]e|without any warranty|free software foundation", re.I)


def prose_words(lines: Iterable[str]) -> Iterator[str]:
    """The prose words of unindented lines, paragraph by paragraph, licence paragraphs left out."""
    para: list[str] = []
    for line in [*lines, ""]:
        if line.strip() and not line.startswith(("  ", "\t", ">>>")):
            para.append(line)
            continue
        text = " ".join(para)
        para = []
        if not LICENCE.search(text):
            yield from (w for w in text.split() if WORD.match(w))


def pydoc_words() -> list[str]:
    import pydoc_data.topics as topics

    return [w for doc in topics.topics.values() for w in prose_words(doc.splitlines())]


def docstring_words(root: Path | None = None) -> list[str]:
    """The standard library's docstrings (tests, IDLE and site-packages left out)."""
    root = root or Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "tests", "idlelib", "site-packages", "dist-packages", "lib2to3"}
    out: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if skip & set(path.relative_to(root).parts):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    out += prose_words(doc.splitlines())
    return out


_ESCAPE = re.compile(r"\\(f(\[[^]]*\]|\(..|.)|s[-+]?\d|\(..|\[[^]]*\]|\*(\(..|.)|.)")
_SKIP_SECTIONS = {"NAME", "SYNOPSIS", "AUTHOR", "AUTHORS", "COPYRIGHT", "LICENSE", "SEE ALSO"}
_SKIP_SECTIONS |= {"BUGS", "REPORTING BUGS", "COLOPHON", "HISTORY", "LICENCE"}


def roff_lines(source: str) -> Iterator[str]:
    """A manual page's text lines: requests become paragraph breaks; no-fill blocks (.nf/.EX)
    and the skipped sections are left out; escapes are removed."""
    fill, skip = True, False
    for line in source.splitlines():
        if line.startswith((".", "'")):
            req = line[1:].split(None, 1)
            name = req[0] if req else ""
            if name in ("SH", "SS"):
                title = req[1].strip().strip('"').upper() if len(req) > 1 else ""
                skip = name == "SH" and title in _SKIP_SECTIONS or (name == "SS" and skip)
            elif name in ("nf", "EX"):
                fill = False
            elif name in ("fi", "EE"):
                fill = True
            yield ""
        elif fill and not skip:
            yield _ESCAPE.sub(lambda m: "-" if m.group(0) == "\\-" else "", line)


def man_words(
    root: Path = Path("/usr/share/man"), per_page: int = 2000, per_family: int = 20_000
) -> list[str]:
    """Prose words of the English manual pages (man1-man8), in path order: at most ``per_page``
    from a page and ``per_family`` from the pages of one family (the name up to its first '-',
    '_' or '.': a tool with thousands of near-identical pages would otherwise fill it)."""
    out: list[str] = []
    family: dict[str, int] = {}
    for path in sorted(root.glob("man[1-8]/*.gz")):
        fam = re.split(r"[-_.]", path.name, maxsplit=1)[0]
        if family.get(fam, 0) >= per_family:
            continue
        try:
            source = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        if source.lstrip().startswith(".so "):
            continue  # a link to another page
        words = list(prose_words(roff_lines(source)))[:per_page]
        family[fam] = family.get(fam, 0) + len(words)
        out += words
    return out


def tuning_words(sources: Iterable[str] = SOURCES) -> dict[str, list[str]]:
    """Each named source's prose words."""
    read = {"pydoc": pydoc_words, "docstrings": docstring_words, "man": man_words}
    return {s: read[s]() for s in sources}
