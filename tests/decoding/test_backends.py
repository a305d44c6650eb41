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


def test_torch_window_scores_sum_like_numpy() -> None:
    """The key scores a GPU sums on the device (``window_scores``) are those NumPy sums from
    the copied-back log-probabilities, word boundaries adding nothing."""
    import numpy as np

    from caesar_rnn.cipher import N_LETTERS
    from caesar_rnn.decoding.backends import TorchBackend
    from caesar_rnn.decoding.scores import key_scores, log_softmax

    backend = TorchBackend(shipped_model_dir(), "cpu")
    rng = np.random.default_rng(0)
    toks = rng.integers(0, N_LETTERS + 1, (5, 12)).astype(np.uint8)  # letters and boundaries
    toks[:, 0] = 7  # a window starts with a letter
    want = key_scores(log_softmax(backend.logits(toks)), toks, toks < N_LETTERS)
    got = backend.window_scores(toks)
    assert got.shape == (5, N_LETTERS)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    assert not np.allclose(got[:, 0], got[:, 1])  # shifts differ: not a constant


def test_torch_bf16_autocast_reads_the_same_keys() -> None:
    """bf16 autocast (what a GPU may run) moves the scores a little, not the keys of clear
    messages."""
    import numpy as np

    from caesar_rnn.decoding.backends import TorchBackend
    from caesar_rnn.decoding.scores import shift_scores

    msgs = [encrypt(p, 7) for p in ["it was the best of times", "the quick brown fox jumps"]]
    backend = TorchBackend(shipped_model_dir(), "cpu")
    full = shift_scores(msgs, backend)
    backend.bf16 = True
    low = shift_scores(msgs, backend)
    assert not np.array_equal(full, low)  # autocast did run in bf16
    assert list(low.argmax(axis=1)) == list(full.argmax(axis=1))
