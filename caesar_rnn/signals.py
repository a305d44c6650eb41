"""Ctrl-C and SIGTERM: the one handler (``trap_signals``), the exception it raises
(``Interrupted``), and the record of which files an interrupted block had already replaced."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_SIGNALS = {signal.SIGINT, signal.SIGTERM}
#: For each ``interruptible()`` block running, the paths replaced in it so far: an interruption
#: then knows which of its outputs were already written.
_committed: list[list[Path]] = []


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while inside (main thread only: elsewhere, nothing to hold);
    one that arrives meanwhile is delivered on the way out."""
    main = threading.current_thread() is threading.main_thread()
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)


def note_written(path: Path) -> None:
    """Record that ``path`` was replaced, for every ``interruptible()`` block running."""
    for written in _committed:
        written.append(path)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM arrived inside ``interruptible()``; a KeyboardInterrupt, so that
    ``atomic_writer`` removes its temporary file on the way out and every ``except
    KeyboardInterrupt`` handles it. ``written``: the files already replaced in the block."""

    def __init__(self, signum: int, written: list[Path] | None = None) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.written = list(written or [])

    def outcome(self, path: str | Path) -> str:
        """What happened to ``path``: one line for the user."""
        if Path(path) in self.written:
            return f"{self}: stopped after {path} was written in full"
        if not Path(path).exists():  # (QA round 7: "left as it was" of a file never there)
            return f"{self}: stopped; nothing written to {path}"
        return f"{self}: stopped; {path} left as it was"


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
    written: list[Path] = []

    def handler(signum: int, frame: Any) -> None:
        received.append(signum)
        if raise_now:
            raise Interrupted(signum, written)

    _committed.append(written)
    for s in old:
        signal.signal(s, handler)
    try:
        yield received
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        _committed.pop()


def interruptible() -> contextlib.AbstractContextManager[list[int]]:
    """Inside, SIGINT and SIGTERM raise ``Interrupted`` (see ``trap_signals``)."""
    return trap_signals(raise_now=True)
