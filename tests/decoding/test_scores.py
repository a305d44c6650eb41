"""Windows and key scores: long messages are cut into near-equal windows, never a short leftover
one; a prefix decides the key only when decisive; canonical models read one-window messages twice,
and the key scores add up both readings."""

from __future__ import annotations

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.decoding.scores import WINDOW, _windows
from caesar_rnn.store import shipped_model_dir


@pytest.mark.parametrize("n", [1, WINDOW, WINDOW + 1, 2 * WINDOW + 10, 1000])
def test_windows_cover_and_balance(n: int) -> None:
    toks = bytes(i % 26 for i in range(n))
    wins = _windows(toks, WINDOW)
    assert b"".join(wins) == toks
    sizes = [len(w) for w in wins]
    assert max(sizes) <= WINDOW
    assert max(sizes) - min(sizes) <= len(wins)  # near-equal, e.g. 81 -> 41 + 40, not 80 + 1


class _Recording:
    """A stand-in model: uniform outputs (never decisive), remembering each batch's length."""

    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = False
        canonical = False

    def __init__(self) -> None:
        self.lengths: list[int] = []

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        self.lengths.append(tokens.shape[1])
        return np.zeros((*tokens.shape, 26), np.float32)


def test_key_prefix_rereads_undecided_messages() -> None:
    backend = _Recording()
    msgs = ["abcdefghijklmnopqrst", "abc", "abcdefghijklmnopq"]
    out = decrypt_messages(msgs, backend, "key", key_prefix=16)  # type: ignore[arg-type]
    assert sorted(set(backend.lengths)) == [3, 16, 17, 20]  # prefixes, then the long ones whole
    assert [d.shift for d in out] == [0, 0, 0]


def test_key_prefix_longer_than_messages_changes_nothing(tiny_model: str) -> None:
    backend = load_backend(tiny_model)
    msgs = ["khoorzruog", "Wkh txlfn eurzq ira!", "", "d"]
    full = decrypt_messages(msgs, backend, "key")
    assert decrypt_messages(msgs, backend, "key", key_prefix=100) == full


class _BoundaryRecording(_Recording):
    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = True
        canonical = False


class _CanonicalRecording(_Recording):
    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = True
        canonical = True


@pytest.mark.parametrize(
    ("message", "reads"),
    [
        ("abcdefgh", [8, 7]),  # 8 letters: also read without the first
        ("abcdefg", [7]),  # 7: once
        ("a bcdefghi", [10, 8]),  # the boundary that would lead goes too
        ("ab, cd ef gh", [11, 10]),
        ("x" * 160, [80]),  # two windows of 80, one batch: no second reading
    ],
)
def test_key_decode_reads_canonical_messages_twice(message: str, reads: list[int]) -> None:
    backend = _CanonicalRecording()
    decrypt_messages([message], backend, "key")  # type: ignore[arg-type]
    assert sorted(backend.lengths, reverse=True) == reads
    plain = _BoundaryRecording()  # a model without canonical input reads each window once
    decrypt_messages([message], plain, "key")  # type: ignore[arg-type]
    assert plain.lengths == reads[:1]


def test_key_prefix_pass_reads_once() -> None:
    backend = _CanonicalRecording()  # uniform outputs: the prefix never decides
    decrypt_messages(["abcdefghijklmnopqrst"], backend, "key", key_prefix=16)  # type: ignore[arg-type]
    assert backend.lengths == [16, 20, 19]  # the prefix once; then the whole, read twice


def test_key_scores_add_the_second_reading() -> None:
    from caesar_rnn.decoding.scores import _encode, key_scores, log_softmax, shift_scores

    backend = load_backend(shipped_model_dir())
    msg = encrypt("Pity, especially.", 11)
    full = _encode(msg, True)
    want = 0
    for t in (full, full[1:]):
        tokens = np.frombuffer(t, np.uint8)[None]  # (1, T)
        want = want + key_scores(log_softmax(backend.logits(tokens)), tokens, tokens < 26)
    assert np.allclose(shift_scores([msg], backend), want)
    assert decrypt_messages([msg], backend)[0].shift == int(want.argmax())
