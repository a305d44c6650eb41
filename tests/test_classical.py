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


@pytest.fixture(autouse=True)
def _own_cache_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The n-gram table cache goes to a temporary dir, never the user's ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


def _forget_tables() -> None:
    for f in (ngrams._logp_tables, ngrams.letter_freqs, classical._shift_table):
        f.cache_clear()


def test_table_cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _forget_tables()
    try:
        want = classical.ngram_scores(["wkh zhdwkhu zdv frog"])
        path = ngrams.cache_path()
        assert path.parent == tmp_path / "caesar-rnn" and path.suffix == ".safetensors"
        assert path.stat().st_size < 3_000_000
        # A second process would load the file: computing is now impossible, scores unchanged.
        _forget_tables()
        with monkeypatch.context() as m:
            m.setattr(ngrams, "_compute_logp", lambda n: pytest.fail("recomputed"))
            np.testing.assert_array_equal(classical.ngram_scores(["wkh zhdwkhu zdv frog"]), want)
        # A damaged file is recomputed and rewritten, never trusted.
        path.write_bytes(b"\xff" * 100)
        _forget_tables()
        np.testing.assert_array_equal(classical.ngram_scores(["wkh zhdwkhu zdv frog"]), want)
        assert path.stat().st_size > 1000
    finally:
        _forget_tables()


def test_many_messages_score_like_few() -> None:
    # Above 2**15 letters ngram_scores switches to the 26-shift table: same scores.
    few = classical.ngram_scores([encrypt(s, 5) for s in SENTENCES])
    many = classical.ngram_scores([encrypt(s, 5) for s in SENTENCES] * 700)[: len(SENTENCES)]
    np.testing.assert_allclose(many, few, rtol=1e-5)


@pytest.mark.parametrize("method", ["chi2", "ngram"])
@pytest.mark.parametrize("key", [1, 3, 13, 25])
def test_cracks_english(method: str, key: int) -> None:
    ciphers = [encrypt(s, key) for s in SENTENCES]
    for s, cands in zip(SENTENCES, classical.crack(ciphers, method, top=3), strict=True):
        assert cands[0].shift == key
        assert cands[0].plaintext == s


@pytest.mark.parametrize("method", ["chi2", "ngram"])
def test_ranked_and_top(method: str) -> None:
    cands = classical.crack([encrypt(SENTENCES[0], 7)], method, top=26)[0]
    assert len(cands) == 26
    assert sorted(c.shift for c in cands) == list(range(26))
    scores = [c.score for c in cands]
    # chi2: lower is better; ngram: higher is better.
    assert scores == sorted(scores, reverse=method == "ngram")
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


def test_tables_from_the_training_source() -> None:
    freqs = ngrams.letter_freqs()
    assert freqs.shape == (26,) and abs(freqs.sum() - 1) < 1e-9
    assert freqs.argmax() == ord("e") - 97
    counts = ngrams.ngram_counts(4)
    code = lambda g: int(np.ravel_multi_index([ord(c) - 97 for c in g], (26,) * 4))  # noqa: E731
    assert counts[code("tion")] > counts[code("qzxj")]
    # "ofth" exists only across the boundary of "of the": the word pairs must add it.
    assert counts[code("ofth")] > 0
    logp = ngrams.ngram_logp(4)
    assert np.isfinite(logp).all() and (logp < 0).all()
    assert logp[code("qzxj")] < logp[code("tion")]


def test_crack_is_case_and_punctuation_blind() -> None:
    a = classical.ngram_scores([encrypt("Hello, World!", 4)])
    b = classical.ngram_scores([encrypt("helloworld", 4)])
    np.testing.assert_allclose(a, b)


def test_model_scores_match_decrypt(tiny_model: str) -> None:
    from caesar_rnn.decoding.decode import decrypt_messages, load_backend, shift_scores

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
