"""Files in and out.

Reading: Messages in from files, stdin or argv, and results out to stdout, with one clear error for
bad input: a missing file, a folder, a binary file, invalid UTF-8 (naming its line).

"Nothing written on bad input" for a regular file: a fast first pass (whole megabytes at a time,
in C) checks that the file is UTF-8 text before any line is decrypted, so a bad byte on line
900,000 stops the command before its first output line. Memory stays bounded: nothing is kept
but the line being checked. A pipe (``-``, a FIFO) cannot be read twice, so there each line is
checked as it streams in; lines before a bad one have already gone out when the error comes.

Writing: Atomic file writes: write to a temporary name in the same folder, fsync, then rename into place,
so a kill at any moment leaves the old file or the new one, never a partial one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

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


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str | Path, force: bool = True, mode: str = "w") -> Iterator[IO[Any]]:
    path = Path(path)
    if path.exists() and not force:
        raise CaesarRNNError(f"{path} already exists (use --force to overwrite)")
    if path.is_dir():
        raise CaesarRNNError(f"{path} is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise CaesarRNNError(f"cannot write {path}: {exc.strerror}") from None
    try:
        # mkstemp makes the file owner-only (0600); give it the permissions open() would.
        os.fchmod(fd, 0o666 & ~_umask())
        kwargs = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as f:  # type: ignore[call-overload]
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, force=True, mode="wb") as f:
        f.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path, force=True) as f:
        f.write(text)


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM arrived inside ``trap_signals(raise_now=True)``; a BaseException, like
    KeyboardInterrupt, so that ``atomic_writer`` removes its temporary file on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def trap_signals(raise_now: bool = False) -> Iterator[list[int]]:
    """The one handler for Ctrl-C and SIGTERM. Inside, both are recorded in the yielded list (so a
    loop can finish its step and save: SIGTERM would otherwise end the process on the spot), and
    with ``raise_now`` they also raise ``Interrupted``. The old handlers come back on exit.
    Handlers can only be set from the main thread; elsewhere this records nothing."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: Any) -> None:
        received.append(signum)
        if raise_now:
            raise Interrupted(signum)

    for s in old:
        signal.signal(s, handler)
    try:
        yield received
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def interruptible() -> contextlib.AbstractContextManager[list[int]]:
    """Inside, SIGINT and SIGTERM raise ``Interrupted`` (see ``trap_signals``)."""
    return trap_signals(raise_now=True)


@contextlib.contextmanager
def exclusive_lock(path: str | Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if missing) while inside; a second holder
    is refused at once. The kernel drops the lock when the process dies, however it dies; the
    file is removed on a normal exit (a later taker checks it still holds the file at ``path``)."""
    import fcntl

    path = Path(path)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise CaesarRNNError(f"cannot write {path.parent}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise CaesarRNNError(f"another run is writing {what} (it holds {path})") from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file as we opened it: take the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)
