"""The standard streams of a command: stderr closed, stdout failing, argv bytes that are not UTF-8.

``run_guarded`` wraps the command line: results that cannot reach stdout (a full disk, a
file-size limit) are one error line and exit code 1, never an "Exception ignored" at exit with
code 0 or 120; messages never land on stdout because stderr is closed; bytes that came in
through argv go out unchanged.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import quiet_broken_pipe


class StdoutError(CaesarRNNError):
    """stdout refused our results (a full disk, a file-size limit): they are not all out."""


class _CheckedStdout:
    """sys.stdout, with a failed write or flush turned into one ``StdoutError`` (after which fd 1
    points at /dev/null, so the flush at exit cannot fail again)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except OSError as exc:
            raise _stdout_failed(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _stdout_failed(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _stdout_failed(exc: OSError) -> OSError | StdoutError:
    quiet_broken_pipe()
    if isinstance(exc, BrokenPipeError):
        return exc  # the reader went away: the command stops quietly
    return StdoutError(f"cannot write to stdout: {exc.strerror or exc}")


def guard_std_streams() -> None:
    """Set up the standard streams for a command: with stderr closed (``2>&-``) messages go to
    /dev/null, not onto stdout (where ``print(file=None)`` would put them); argv bytes that are
    not UTF-8 (lone surrogates) go out as the bytes they came in as; a failing stdout is a
    ``StdoutError``."""
    if sys.stderr is None:
        fd = os.open(os.devnull, os.O_WRONLY)
        if fd != 2:
            os.dup2(fd, 2)
            os.close(fd)
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), "utf-8", "backslashreplace", line_buffering=True
        )
    out: Any = sys.stdout
    if out is not None and not isinstance(out, _CheckedStdout):
        if getattr(out, "encoding", "").lower().replace("-", "") == "utf8":
            with contextlib.suppress(AttributeError, ValueError):
                out.reconfigure(errors="surrogateescape")
        sys.stdout = _CheckedStdout(out)


def run_guarded(main: Callable[[], object]) -> NoReturn:
    """Run a command line (``main`` ends with SystemExit) with the streams guarded, and make
    sure the results reached stdout before exit: a failure there is one line and exit code 1."""
    guard_std_streams()
    code: Any = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    except StdoutError as exc:  # raised outside a command's own error handling
        print(f"error: {exc}", file=sys.stderr)
        code = 1
    except BrokenPipeError:
        quiet_broken_pipe()
        code = 1
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except StdoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = code or 1
    except BrokenPipeError:
        code = code or 1
    raise SystemExit(code)
