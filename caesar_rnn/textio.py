"""Messages in from files, stdin or argv, and results out to stdout, with one clear error for
bad input: a missing file, a folder, a binary file, invalid UTF-8 (naming its line).

"Nothing written on bad input" for a regular file: a fast first pass (whole megabytes at a time,
in C) checks that the file is UTF-8 text before any line is decrypted, so a bad byte on line
900,000 stops the command before its first output line. Memory stays bounded: nothing is kept
but the line being checked. A pipe (``-``, a FIFO) cannot be read twice, so there each line is
checked as it streams in; lines before a bad one have already gone out when the error comes.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from caesar_rnn.errors import CaesarRNNError

CHUNK = 1 << 20


def check_text(text: str, what: str = "TEXT") -> str:
    """Reject text that cannot be written as UTF-8: on Linux, undecodable bytes in argv arrive
    as lone surrogates, and printing them would crash."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CaesarRNNError(f"{what} is not valid UTF-8 (at character {exc.start + 1})") from None
    return text


def _check_bytes(piece: bytes, first_line: int, name: str) -> None:
    """``piece`` holds whole lines, the first of them line ``first_line``."""
    nul = piece.find(b"\0")
    if nul >= 0:
        line = first_line + piece.count(b"\n", 0, nul)
        raise CaesarRNNError(f"{name} looks like a binary file (a NUL byte on line {line})")
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + piece.count(b"\n", 0, exc.start)
        raise CaesarRNNError(f"{name}: invalid UTF-8 on line {line}") from None


def validate_file(f: BinaryIO, name: str) -> None:
    """Check a whole file is UTF-8 text, a megabyte at a time, cut at line ends."""
    lineno, carry = 1, b""
    while block := f.read(CHUNK):
        data = carry + block
        cut = data.rfind(b"\n") + 1  # whole lines now; a partial last line waits for more
        if cut:
            _check_bytes(data[:cut], lineno, name)
            lineno += data.count(b"\n", 0, cut)
        carry = data[cut:]
    _check_bytes(carry, lineno, name)


def _decode_lines(stream: BinaryIO, name: str) -> Iterator[str]:
    for lineno, raw in enumerate(stream, 1):
        _check_bytes(raw, lineno, name)
        yield raw.decode("utf-8").rstrip("\n").rstrip("\r")


def open_binary(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes; a directory or an unreadable file is a clear error."""
    if path.is_dir():
        raise CaesarRNNError(f"{path} is a directory, not a file")
    try:
        return path.open("rb")
    except OSError as exc:
        raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None


def read_lines(path: str | Path) -> Iterator[str]:
    """Lines of a file (or stdin for '-') without their line ends, checked as described above.
    Errors come before the first line for a regular file, on the bad line for a pipe."""
    if str(path) == "-":
        yield from _decode_lines(sys.stdin.buffer, "stdin")
        return
    path = Path(path)
    with open_binary(path) as f:
        try:
            if stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                validate_file(f, str(path))
                f.seek(0)
            yield from _decode_lines(f, str(path))
        except OSError as exc:
            raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None


def quiet_broken_pipe() -> None:
    """The reader of our stdout went away (``| head``): stop without a traceback, and keep
    Python from complaining again when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
