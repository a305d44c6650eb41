"""The key and argmax decodes: batched decryption matches one message at a time; the argmax decode
adds the second reading letter by letter."""

from __future__ import annotations

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages


@pytest.mark.parametrize("mode", ["key", "argmax"])
def test_batched_equals_one_at_a_time(tiny_model: str, mode: str) -> None:
    """Grouping by length, windows and batching change nothing: each message decrypts as alone."""
    backend = load_backend(tiny_model)
    msgs = [
        "khoorzruog",
        "Khoor, Zruog!",
        "",
        "123 !!",
        "d",
        encrypt("the quick brown fox jumps over the lazy dog " * 5, 3),  # several windows
        "wkhtxlfneurzq",
    ]
    batched = decrypt_messages(msgs, backend, mode, batch=40)
    alone = [decrypt_messages([m], backend, mode)[0] for m in msgs]
    assert [d.to_dict() for d in batched] == [d.to_dict() for d in alone]
    assert batched[2].shift is None and batched[3].plaintext == "123 !!"


class _TwoReadings:
    """A stand-in canonical model: the whole message leans to 'a' at every letter, the second
    reading (one letter shorter) to 'b', more strongly."""

    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = True
        canonical = True

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros((*tokens.shape, 26), np.float32)
        if tokens.shape[1] == 10:
            out[..., 0] = 1.0
        else:
            out[..., 1] = 3.0
        return out


@pytest.mark.parametrize(("views", "want"), [(True, "abbbbbbbbb"), (False, "aaaaaaaaaa")])
def test_argmax_decode_adds_the_second_reading_letter_by_letter(views: bool, want: str) -> None:
    [d] = decrypt_messages(["qrstuvwxyz"], _TwoReadings(), "argmax", views=views)  # type: ignore[arg-type]
    assert d.plaintext == want  # the second reading's letters are the message's letters 1..9


def test_decrypt_stream_bounds_buffered_characters() -> None:
    from caesar_rnn.decoding.decode import decrypt_stream

    class Counting:
        class config:  # noqa: N801 - mimics the ModelConfig fields decode reads
            boundaries = False
            canonical = False

        def __init__(self) -> None:
            self.calls = 0

        def logits(self, tokens, lengths=None):  # type: ignore[no-untyped-def]
            import numpy as np

            self.calls += 1
            return np.zeros((*tokens.shape, 26), np.float32)

    seen: list[int] = []
    backend = Counting()

    def lines():  # type: ignore[no-untyped-def]
        for i in range(10):
            seen.append(i)
            yield "a" * 1000

    out = decrypt_stream(lines(), backend, max_chars=3000)  # type: ignore[arg-type]
    next(out)
    assert seen == [0, 1, 2]  # the first batch went out after 3000 characters, not 4096 lines
