"""Where a run writes: the output folder (checked before any data is read) and stderr (whose
failures never stop a run)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.store import CONFIG


class ModelExists(CaesarRNNError):
    """The output folder already holds a finished model, and replacing it was not asked for."""


def check_out(out: Path, replace_model: bool, resuming: bool) -> None:
    """Output-path problems, found before any data is read: ``out`` a file, a finished model
    there (unless replacing it), or no folder we may write in. Makes ``out``'s parent."""
    if out.exists() and not out.is_dir():
        raise CaesarRNNError(f"{out} exists and is not a folder")
    if (out / CONFIG).exists() and not (replace_model or resuming):
        raise ModelExists(f"{out} already holds a trained model")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaesarRNNError(f"cannot write {out}: {exc.strerror}") from None
    where = out if out.exists() else out.parent
    if not os.access(where, os.W_OK | os.X_OK):
        raise CaesarRNNError(f"cannot write {out}: {where} is not writable")


class SafeStream:
    """Writes to a stream, dropping them (for good) once the stream fails: a closed pipe or a
    full disk on stderr must never stop a training run."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.broken = stream, False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):
                self.broken = True
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        try:
            return not self.broken and self.stream.isatty()
        except (OSError, ValueError):
            return False
