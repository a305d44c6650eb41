"""Shared by the training tests: a small pairs file (240 pairs, 4-9 letters), one per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from caesar_rnn.data.generate import generate, write_jsonl


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pairs") / "pairs.jsonl"
    write_jsonl(generate(240, 4, 9, seed=4), path)
    return path
