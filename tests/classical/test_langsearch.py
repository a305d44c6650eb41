"""The pruned search for the best (language, shift) pair decides as scoring every pair does."""

from collections.abc import Sequence

import numpy as np
import pytest

from caesar_rnn.classical import langsearch
from caesar_rnn.classical.multilang import _FULL, language_scores
from caesar_rnn.data.generate import generate
from caesar_rnn.languages import CODES


@pytest.fixture(scope="module")
def messages() -> list[str]:
    """Generated text of four languages, 1-70 letters, both styles, a few without letters:
    enough letters that the search (not the every-pair path) runs."""
    out = []
    for seed, style in enumerate(("natural", "letters")):
        recs = generate(300, 1, 70, None, style, (), seed, 0.0, ("en", "fr", "pl", "fi"))
        out += [str(r["ciphertext"]) for r in recs]
    out += ["", "12 34", "?"]
    assert sum(sum(c.isascii() and c.isalpha() for c in m) for m in out) >= _FULL
    return out


def brute(
    msgs: Sequence[str], codes: Sequence[str], off: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair scored: (language (B,), its 26 scores (B, 26), every language at ``at``)."""
    s = language_scores(msgs, codes)
    r = np.arange(len(msgs))
    fixed = at >= 0
    at_s = s[:, r, np.where(fixed, at, 0)]
    lang = (s + off[:, None, None]).max(axis=2).argmax(axis=0)
    lang = np.where(fixed, (at_s + off[:, None]).argmax(axis=0), lang)
    return lang, s[lang, r], at_s


def check(msgs: list[str], codes: Sequence[str], off: np.ndarray, at: np.ndarray) -> int:
    """Asserts the search equals scoring every pair, to the bit; returns non-"en" winners."""
    want = np.array([c != "en" for c in codes])
    got = langsearch.best_languages(msgs, codes, off, rows=want, at=at)
    lang, scores, at_s = brute(msgs, codes, off, at)
    np.testing.assert_array_equal(got.language, lang)
    rows = want[lang] & (at < 0)
    assert np.array_equal(got.scores[rows], scores[rows])  # bit for bit, not approximately
    assert np.isnan(got.scores[~rows]).all()
    assert np.array_equal(got.at[:, at >= 0], at_s[:, at >= 0])
    return int(rows.sum())


def test_search_decides_as_every_pair(messages: list[str]) -> None:
    n = len(messages)
    off = np.zeros(len(CODES))
    off[0] = 3.0  # decrypt's English prior
    assert check(messages, CODES, off, np.full(n, -1)) > 100
    rng = np.random.default_rng(1)
    at = np.where(rng.random(n) < 0.2, rng.integers(0, 26, n), -1)
    check(messages, CODES, rng.normal(0, 2, len(CODES)), at)  # any per-language offsets


def test_ties_go_to_the_first_language(messages: list[str]) -> None:
    # The same language twice ties on every pair: the first copy wins, as with argmax.
    codes = ("de", "pl", "pl", "fr")
    got = langsearch.best_languages(messages, codes, np.zeros(4))
    assert 1 in got.language and 2 not in got.language
    check(messages, codes, np.zeros(4), np.full(len(messages), -1))


def test_the_comparison_catches_a_wrong_bound(
    messages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # English's tables in place of the envelope bound some other languages' pairs too low:
    # the search then drops pairs that win, and the comparison above would fail.
    tri, given = langsearch.chain_stack(CODES)
    monkeypatch.setattr(langsearch, "_envelope", lambda codes: (tri[0], given[0]))
    with pytest.raises(AssertionError):
        check(messages, CODES, np.zeros(len(CODES)), np.full(len(messages), -1))


def test_few_letters_score_every_pair() -> None:
    # Under _FULL letters in all, every pair is scored (the on-demand tables), as before.
    msgs = ["Wkh fdw", "Ehaq", "", "zz"]
    off = np.array([3.0, 0.0, 0.0])
    check(msgs, ("en", "de", "pl"), off, np.array([-1, -1, -1, 5]))


@pytest.mark.parametrize("margin", [0.5, 4.0])
def test_close_says_whether_a_second_pair_is_within_the_margin(
    messages: list[str], margin: float
) -> None:
    # decrypt weighs words only where a second pair comes this close (langid.MARGIN): the search
    # must say so exactly as scoring every pair does.
    off = np.zeros(len(CODES))
    off[0] = 3.0
    n = len(messages)
    at = np.where(np.arange(n) % 7 == 0, 3, -1)
    got = langsearch.best_languages(messages, CODES, off, at=at, margin=margin)
    v = (language_scores(messages, CODES) + off[:, None, None]).transpose(1, 0, 2).reshape(n, -1)
    two = np.sort(v, axis=1)[:, -2:]
    want = (two[:, 1] - two[:, 0] <= margin) & (at < 0)
    np.testing.assert_array_equal(got.close, want)
    assert 0 < want.sum() < n
