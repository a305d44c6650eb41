"""The torch backend (what a GPU runs) decodes like the NumPy one."""

from __future__ import annotations

import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.store import shipped_model_dir


@pytest.mark.parametrize("mode", ["key", "argmax"])
def test_torch_backend_decodes_like_numpy(mode: str) -> None:
    """The torch backend (what a GPU runs) through both decodes and their second readings, here
    on the CPU: the same plaintexts and keys as the NumPy backend."""
    from caesar_rnn.decoding.backends import TorchBackend

    msgs = [encrypt(p, s) for s, p in enumerate(["Pity, especially.", "it was the best", "abc"])]
    msgs += [encrypt("the quick brown fox jumps over the lazy dog " * 4, 9)]  # several windows
    want = decrypt_messages(msgs, load_backend(shipped_model_dir(), cascade=False), mode)
    got = decrypt_messages(msgs, TorchBackend(shipped_model_dir(), "cpu"), mode)
    assert [(d.plaintext, d.shift) for d in got] == [(d.plaintext, d.shift) for d in want]
    assert [d.confidence for d in got] == pytest.approx([d.confidence for d in want], abs=1e-4)
