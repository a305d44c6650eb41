"""Atomic file writes: write to a temporary name in the same folder, fsync, then rename into place,
so a kill at any moment leaves the old file or the new one, never a partial one."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from caesar_rnn.errors import CaesarRNNError


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
    """Ctrl-C or SIGTERM arrived inside ``interruptible()``; a BaseException, like
    KeyboardInterrupt, so that ``atomic_writer`` removes its temporary file on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Inside, SIGINT and SIGTERM raise ``Interrupted`` (SIGTERM would otherwise end the process
    on the spot and leave a temporary file behind); the old handlers come back on exit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    for s in old:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
