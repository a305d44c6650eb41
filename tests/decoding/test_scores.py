"""Long messages are cut into near-equal windows, never a short leftover one."""

import pytest

from caesar_rnn.decoding.scores import WINDOW, _windows


@pytest.mark.parametrize("n", [1, WINDOW, WINDOW + 1, 2 * WINDOW + 10, 1000])
def test_windows_cover_and_balance(n: int) -> None:
    toks = bytes(i % 26 for i in range(n))
    wins = _windows(toks, WINDOW)
    assert b"".join(wins) == toks
    sizes = [len(w) for w in wins]
    assert max(sizes) <= WINDOW
    assert max(sizes) - min(sizes) <= len(wins)  # near-equal, e.g. 81 -> 41 + 40, not 80 + 1
