"""Files in and out.

Reading: Messages in from files, stdin or argv, and results out to stdout, with one clear error for
bad input: a missing file, a folder, a binary file, invalid UTF-8 (naming its line).

"Nothing written on bad input" for a regular file: a fast first pass (whole megabytes at a time,
in C) checks that the file is UTF-8 text before any line is decrypted, so a bad byte on line
900,000 stops the command before its first output line. Memory stays bounded: nothing is kept
but the line being checked. A pipe (``-``, a FIFO) cannot be read twice, so there each line is
checked as it streams in; lines before a bad one have already gone out when the error comes.

Writing: atomic file writes: write to a temporary name in the same folder, fsync, then rename
into place, so a kill at any moment leaves the old file or the new one, never a partial one;
temporaries a killed writer left behind are swept. Locks: ``exclusive_lock``, one writer at a
time. Ctrl-C and SIGTERM: ``caesar_rnn.signals``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.signals import note_written, signals_held

CHUNK = 1 << 20


def check_text(text: str, what: str = "TEXT") -> str:
    """Reject text that cannot be written as UTF-8: on Linux, undecodable bytes in argv arrive
    as lone surrogates, and printing them would crash."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CaesarRNNError(f"{what} is not valid UTF-8 (at character {exc.start + 1})") from None
    return text


#: The longest line read as one message (bytes). Longer lines are refused at once, in linear
#: time, instead of being gathered until memory runs out (``/dev/zero``, a file without newlines).
MAX_LINE = 1 << 22


def _check_nul(piece: bytes, first_line: int, name: str) -> None:
    nul = piece.find(b"\0")
    if nul >= 0:
        line = first_line + piece.count(b"\n", 0, nul)
        raise CaesarRNNError(f"{name} looks like a binary file (a NUL byte on line {line})")


def _check_bytes(piece: bytes, first_line: int, name: str) -> None:
    """``piece`` holds whole lines, the first of them line ``first_line``."""
    _check_nul(piece, first_line, name)
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + piece.count(b"\n", 0, exc.start)
        raise CaesarRNNError(
            f"{name}: invalid UTF-8 on line {line} (a Latin-1 or Windows-1252 file? "
            "convert it first: iconv -f latin1 -t utf-8)"
        ) from None


def _too_long(name: str, line: int) -> CaesarRNNError:
    return CaesarRNNError(
        f"{name}: line {line} is longer than {MAX_LINE:,} bytes, the longest line read as one "
        "message (decrypt a text that long as a whole)"
    )


def validate_file(f: BinaryIO, name: str) -> None:
    """Check a whole file is UTF-8 text, a megabyte at a time, cut at line ends; a line longer
    than ``MAX_LINE`` is refused when it is seen, so the work stays linear in the file's size."""
    lineno, carry = 1, b""
    while block := f.read(CHUNK):
        _check_nul(block, lineno + carry.count(b"\n"), name)
        data = carry + block
        cut = data.rfind(b"\n") + 1  # whole lines now; a partial last line waits for more
        if cut:
            _check_bytes(data[:cut], lineno, name)
            lineno += data.count(b"\n", 0, cut)
        carry = data[cut:]
        if len(carry) > MAX_LINE:
            raise _too_long(name, lineno)
    _check_bytes(carry, lineno, name)


#: The UTF-8 byte-order mark.
BOM = b"\xef\xbb\xbf"


def _decode_lines(stream: BinaryIO, name: str) -> Iterator[str]:
    """Lines without their final ``\n``; a ``\r`` before it is part of the line, so CRLF and
    stray CRs come out as they went in. A UTF-8 byte-order mark opening the input (Windows'
    Notepad writes one) says how the file is encoded, not what it says: it is dropped, not
    carried into the first message (QA round 6)."""
    lineno = 0
    while raw := stream.readline(MAX_LINE + 1):
        lineno += 1
        if lineno == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        _check_nul(raw, lineno, name)
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            raise _too_long(name, lineno)
        _check_bytes(raw, lineno, name)
        yield raw.decode("utf-8").removesuffix("\n")


def open_binary(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes; a directory or an unreadable file is a clear error."""
    try:
        f = path.open("rb")
    except IsADirectoryError:
        raise CaesarRNNError(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(os.fstat(f.fileno()).st_mode):  # pragma: no cover - open() refuses first
        f.close()
        raise CaesarRNNError(f"{path} is a directory, not a file")
    return f


def stdin_binary() -> BinaryIO:
    """stdin as bytes; a closed stdin (``<&-``) is a clear error, not an AttributeError."""
    if sys.stdin is None:
        raise CaesarRNNError("stdin is closed: nothing to read")
    return sys.stdin.buffer


def read_lines(path: str | Path) -> Iterator[str]:
    """Lines of a file (or stdin for '-') without their ``\n``, checked as described above.
    Errors come before the first line for a regular file, on the bad line for a pipe."""
    if isinstance(path, str) and path == "-":  # a Path("-") is a file named "-"
        yield from _decode_lines(stdin_binary(), "stdin")
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


class StopAtError:
    """Lines from ``lines`` until one of them is an error: iteration then ends as if the input
    had, so whoever reads in blocks can finish (and print) every line it holds; ``check()``
    raises the error afterwards."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = lines
        self.error: CaesarRNNError | None = None

    def __iter__(self) -> Iterator[str]:
        try:
            yield from self.lines
        except CaesarRNNError as exc:
            self.error = exc

    def check(self) -> None:
        if self.error is not None:
            raise self.error


def write_all(dst: IO[bytes] | BinaryIO, data: bytes, name: str = "stdout") -> None:
    """Write every byte of ``data`` or raise: ``write`` may take fewer bytes than it is given
    (a file-size limit, a full disk, a signal), and the rest must not be dropped silently."""
    view = memoryview(data)
    try:
        while view:
            n = dst.write(view)
            if not n:  # 0 bytes, or None from a non-blocking stream with no room
                raise CaesarRNNError(f"cannot write to {name}: it takes no more bytes")
            view = view[n:]
    except BrokenPipeError:
        raise  # the reader went away: the command stops quietly
    except OSError as exc:
        raise CaesarRNNError(f"cannot write to {name}: {exc.strerror}") from None


def quiet_broken_pipe() -> None:
    """The reader of our stdout went away (``| head``): stop without a traceback, and keep
    Python from complaining again when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


# --- temporary names -----------------------------------------------------------------------------

#: Every temporary file or folder we make starts with this, then the maker's process id: one
#: left behind by a SIGKILL is recognisable, and removed by the next write into that folder.
TMP_PREFIX = ".caesar-rnn-tmp-"


def temp_prefix(name: str) -> str:
    return f"{TMP_PREFIX}{os.getpid()}-{name}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True


def sweep_stale(folder: str | Path) -> list[str]:
    """Remove the temporary files and folders in ``folder`` left by processes that no longer
    run (killed mid-write); returns their names. Never raises."""
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.startswith(TMP_PREFIX):
                continue
            pid = entry.name[len(TMP_PREFIX) :].split("-", 1)[0]
            if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(entry.name)
    return removed


def check_target(path: Path, force: bool) -> os.stat_result | None:
    """The target's stat if it exists and may be replaced; a clear error if not: only a regular
    file is ever replaced (never a FIFO, a device, a symlink or a folder), and only with force."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CaesarRNNError(f"cannot write {path}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise CaesarRNNError(f"{path} is a directory: give a file name")
    if not stat.S_ISREG(st.st_mode):
        kind = "a symlink" if stat.S_ISLNK(st.st_mode) else "not a regular file"
        raise CaesarRNNError(f"{path} is {kind}; only a regular file is ever replaced")
    if not force:
        raise CaesarRNNError(f"{path} already exists (use --force to overwrite)")
    return st


def fsync_dir(folder: str | Path) -> None:
    """Make a rename inside ``folder`` durable (best effort: not every system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: str | Path, force: bool = True, mode: str = "w") -> Iterator[IO[Any]]:
    """A file object whose content replaces ``path`` whole when the block ends (temp file in the
    same folder, fsync, rename), or never. An existing target must be a regular file (and
    ``force``); it keeps its permission bits (and owner, when run as root). A write that cannot
    complete (full disk, file-size limit) is a ``CaesarRNNError`` and the target is untouched."""
    path = Path(path)
    old = check_target(path, force)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(parent)
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=parent)
    except OSError as exc:
        raise CaesarRNNError(f"cannot write {path}: {exc.strerror}") from None
    try:
        os.fchmod(fd, stat.S_IMODE(old.st_mode) if old else 0o666 & ~umask())
        if old is not None and os.geteuid() == 0:
            os.fchown(fd, old.st_uid, old.st_gid)
        kwargs = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as f:  # type: ignore[call-overload]
            yield f
            f.flush()
            os.fsync(f.fileno())
        _commit(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise CaesarRNNError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, force=True, mode="wb") as f:
        write_all(f, data, str(path))


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path, force=True) as f:
        f.write(text)


def _commit(tmp: str, path: Path) -> None:
    """Rename ``tmp`` onto ``path`` and note it (``signals.note_written``), with SIGINT/SIGTERM
    held back between the two, so that an interruption can never land after the rename but
    before the note."""
    with signals_held():
        os.replace(tmp, path)
        note_written(path)
    fsync_dir(path.parent if str(path.parent) else ".")


# --- locks ---------------------------------------------------------------------------------------


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
