"""The classical crackers (chi2, quadgram) and the model's 26 key scores, without the CLI."""

from pathlib import Path

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.classical import crackers as classical
from caesar_rnn.classical import ngrams
from caesar_rnn.errors import CaesarRNNError

# Written for these tests (no corpus text): ordinary English sentences of 20+ letters.
SENTENCES = [
    "the weather was cold and the children stayed inside all afternoon",
    "please send the report to the office before the meeting on friday",
    "Every morning she walked along the river to the old stone bridge.",
    "we found a small house near the station and moved in last spring",
]


def test_crack_writes_nothing_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for f in (ngrams._logp_tables, ngrams.letter_freqs, classical._shift_table):
        f.cache_clear()
    scores = classical.ngram_scores(["wkh zhdwkhu zdv frog"])
    assert int(np.argmax(scores[0])) == 3
    assert list(tmp_path.iterdir()) == []


def test_many_messages_score_like_few() -> None:
    # Above 2**15 letters ngram_scores switches to the 26-shift table: same scores.
    few = classical.ngram_scores([encrypt(s, 5) for s in SENTENCES])
    many = classical.ngram_scores([encrypt(s, 5) for s in SENTENCES] * 700)[: len(SENTENCES)]
    np.testing.assert_allclose(many, few, rtol=1e-5)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_shift_table_is_the_shifted_ngram_table(n: int) -> None:
    # Row = ciphertext n-gram code, column s = log10 P of its plaintext under shift s, as float32.
    table = classical._shift_table(n)
    assert table.shape == (26**n, 26) and table.dtype == np.float32
    codes = np.random.default_rng(n).integers(0, 26**n, 500)
    digits = [(codes // 26 ** (n - 1 - j)) % 26 for j in range(n)]
    for s in range(26):
        plain = np.zeros_like(codes)
        for d in digits:
            plain = plain * 26 + (d - s) % 26
        assert np.array_equal(table[codes, s], ngrams.ngram_logp(n)[plain].astype(np.float32))


@pytest.mark.parametrize("method", ["chi2", "ngram", "words"])
@pytest.mark.parametrize("key", [1, 3, 13, 25])
def test_cracks_english(method: str, key: int) -> None:
    ciphers = [encrypt(s, key) for s in SENTENCES]
    for s, cands in zip(SENTENCES, classical.crack(ciphers, method, top=3), strict=True):
        assert cands[0].shift == key
        assert cands[0].plaintext == s


@pytest.mark.parametrize("method", ["chi2", "ngram", "words"])
def test_ranked_and_top(method: str) -> None:
    cands = classical.crack([encrypt(SENTENCES[0], 7)], method, top=26)[0]
    assert len(cands) == 26
    assert sorted(c.shift for c in cands) == list(range(26))
    scores = [c.score for c in cands]
    # chi2: lower is better; ngram and words: higher is better.
    assert scores == sorted(scores, reverse=method != "chi2")
    assert len(classical.crack(["khoor"], method, top=2)[0]) == 2


def test_no_letters_and_bad_top() -> None:
    assert classical.crack(["1234 !?", ""], "ngram") == [[], []]
    with pytest.raises(CaesarRNNError, match="--top"):
        classical.crack(["abc"], "ngram", top=0)
    with pytest.raises(CaesarRNNError, match="unknown method"):
        classical.crack(["abc"], "rot13")


def test_short_messages_use_shorter_ngrams() -> None:
    # Fewer letters than a quadgram: scored with trigrams, bigrams, letters.
    s = classical.ngram_scores(["the", "and", "of", "a", "abcdefgh"])
    assert s.shape == (5, 26)
    assert np.isfinite(s).all()
    assert s[0].argmax() == 0 and s[1].argmax() == 0


def test_crack_is_case_and_punctuation_blind() -> None:
    a = classical.ngram_scores([encrypt("Hello, World!", 4)])
    b = classical.ngram_scores([encrypt("helloworld", 4)])
    np.testing.assert_allclose(a, b)


def test_model_scores_match_decrypt(tiny_model: str) -> None:
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.decode import decrypt_messages
    from caesar_rnn.decoding.scores import shift_scores

    backend = load_backend(tiny_model)
    msgs = ["khoor zruog", "Wkh zhdwkhu", "", "12"]
    s = shift_scores(msgs, backend)
    assert s.shape == (4, 26)
    assert (s[2:] == 0).all()
    for d, row in zip(decrypt_messages(msgs[:2], backend, "key"), s[:2], strict=True):
        assert d.shift == int(row.argmax())
    cands = classical.crack(msgs[:1], "model", top=4, backend=backend)[0]
    assert [c.shift for c in cands][0] == int(s[0].argmax())
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)
