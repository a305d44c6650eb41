"""Ctrl-C and SIGTERM inside ``interruptible()`` around an atomic write: the exception knows
whether the file was replaced, and a write it stops leaves the old file and no temporary."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from caesar_rnn import files, signals


def test_signal_just_after_the_rename_knows_the_file_was_written(tmp_path: Path) -> None:
    out = tmp_path / "pairs.jsonl"
    out.write_text("old\n")
    with pytest.raises(signals.Interrupted) as info, signals.interruptible():
        files.atomic_write_text(out, "new\n")
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    assert out.read_text() == "new\n"
    assert info.value.outcome(out) == f"SIGINT: stopped after {out} was written in full"


def test_signal_mid_write_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "pairs.jsonl"
    out.write_text("old\n")
    with (
        pytest.raises(signals.Interrupted) as info,
        signals.interruptible(),
        files.atomic_writer(out) as f,
    ):
        f.write("new\n")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert out.read_text() == "old\n"
    assert info.value.outcome(out) == f"SIGTERM: stopped; {out} left as it was"
    assert info.value.outcome(tmp_path / "new.jsonl") == (
        f"SIGTERM: stopped; nothing written to {tmp_path / 'new.jsonl'}"
    )
    assert os.listdir(tmp_path) == ["pairs.jsonl"]
