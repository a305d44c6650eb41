"""The evidence beside the letter chain that names a message's language: accents (left
unshifted by the cipher) and, for the best few (language, shift) pairs, words."""

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt, letters_of
from caesar_rnn.classical import langid
from caesar_rnn.classical.multilang import language_scores
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.languages import CODES

CZECH = "příliš žluťoučký kůň úpěl"


def _named(text: str, accents: bool = True, words: bool = True) -> str:
    """The language decrypt names for ``text`` under a Caesar key (English raised by 3)."""
    c = [encrypt(text, 5)]
    s = language_scores(c, list(CODES))
    s[0] += 3.0
    if accents:
        s += langid.accent_scores(c, list(CODES))[:, :, None]
    if not words:
        return CODES[int(s.max(axis=2).argmax(axis=0)[0])]
    return CODES[int(langid.best_pairs(c, s, list(CODES))[0][0])]


def test_accents_name_czech() -> None:
    # The ASCII letters alone read as German; the unshifted ř ů ě ž say Czech.
    assert _named(CZECH, accents=False, words=False) == "de"
    assert _named(CZECH, words=False) == "cs"
    s = langid.accent_scores(["abc", "ř a", encrypt(CZECH, 3)], ["en", "cs", "sk"])
    assert (s[:, 0] == 0).all()  # all ASCII: maybe folded, says nothing
    assert s[1, 1] > s[0, 1] and s[1, 2] > s[2, 2] > s[0, 2]
    assert s[0, 1] < -6  # ř never in English's list


@pytest.mark.parametrize(
    ("text", "chain", "want"),
    [("el perro come la comida", "ca", "es"), ("el noi menja una poma", "sl", "ca"),
     ("mam rad svoji praci", "sk", "cs"), ("on nie chce tego robic", "sk", "pl"),
     ("onniechcetegorobic", "sk", "pl")],
)  # fmt: skip
def test_words_separate_close_relatives(
    text: str, chain: str, want: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _named(text, words=False) == chain
    assert _named(text) == want
    monkeypatch.setattr(langid, "MIN_LETTERS", len(letters_of(text)) + 1)  # too short: not used
    assert _named(text) == chain


def test_word_score() -> None:
    # With spaces: each word's log10 frequency; without, the best split into listed words.
    assert langid.word_score("the cat sat", "en") > langid.word_score("the cat sat", "fi")
    assert langid.word_score("thecatsat", "en") > langid.word_score("thecatsat", "fi")
    assert langid.word_score("xqzv wq", "en") == 2 * langid.UNKNOWN_WORD
    assert langid.word_score("xqzv", "en") == 4 * langid.UNKNOWN_LETTER
    assert langid.word_score("Théâtre", "fr") == langid.word_score("theatre", "fr") > -7


def test_split_scores_try_every_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pieces' keys and the split, in bulk and in blocks, give exactly the piece-by-piece
    # maximum, for texts of every length (none, shorter than a piece, longer than LONGEST).
    rng = np.random.default_rng(0)
    texts = ["", "a", "to", "thecatsatonthemat", "dasistderhundundkatze", "x" * 70]
    texts += ["".join(rng.choice(list("etaoinshrdlu"), rng.integers(2, 40))) for _ in range(40)]
    codes = [("en", "de", "fr")[k % 3] for k in range(len(texts))]
    monkeypatch.setattr(langid, "_CELLS", 100)  # blocks of a few pairs; a long one alone
    monkeypatch.setattr(langid, "_BULK", 60)  # "x" * 70 piece by piece
    texts, codes = texts + texts[:5], codes + ["fi"] * 5  # a text twice, in two languages
    got = langid._split_scores(texts, codes)
    want = [langid._split_one(t, c) for t, c in zip(texts, codes, strict=True)]
    assert got == want
    assert got[3] > 17 * langid.UNKNOWN_LETTER  # "the cat sat on the mat": listed words
    assert langid._split_scores([], []) == []


def test_best_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    s = np.zeros((2, 1, 26))
    s[1, 0, 3] = 1.0
    lang, shift = langid.best_pairs(["abc"], s, ["en", "fr"])  # < MIN_LETTERS: the chain's
    assert (lang.tolist(), shift.tolist()) == ([1], [3])
    # Words move the pair: "the cat sat on the mat" (shift 2) over a chain that prefers shift 5.
    c = encrypt("the cat sat on the mat", 2)
    s = np.zeros((2, 1, 26))
    s[0, 0, 5], s[0, 0, 2], s[1, 0, 2] = 2.0, 1.0, 1.0
    lang, shift = langid.best_pairs([c], s, ["en", "fi"])
    assert (lang.tolist(), shift.tolist()) == ([0], [2])
    monkeypatch.setattr(langid, "MARGIN", 0.5)  # the best pair leads the next by 1: no words
    lang, shift = langid.best_pairs([c], s, ["en", "fi"])
    assert (lang.tolist(), shift.tolist()) == ([0], [5])


@pytest.fixture
def fresh_tables(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    caches = (langid._shipped, langid._words, langid._sorted_words, langid._letter_table)
    for f in caches:
        f.cache_clear()
    yield
    for f in caches:
        f.cache_clear()


def _ship(monkeypatch: pytest.MonkeyPatch, data: bytes | None) -> None:
    class Res:
        def joinpath(self, name: str) -> "Res":
            return self

        def read_bytes(self) -> bytes:
            if data is None:
                raise FileNotFoundError(langid.TABLE_FILE)
            return data

    monkeypatch.setattr(langid.resources, "files", lambda pkg: Res())


@pytest.mark.usefixtures("fresh_tables")
def test_missing_and_damaged_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from safetensors.numpy import save

    _ship(monkeypatch, None)
    with pytest.raises(CaesarRNNError, match="langid.safetensors.*missing"):
        langid.word_score("abc", "en")
    langid._shipped.cache_clear()
    _ship(monkeypatch, b"not a table")
    with pytest.raises(CaesarRNNError, match="damaged"):
        langid.accent_scores(["ř"], ["cs"])
    bad = {
        "en/keys": np.array([1, 2], np.uint32),
        "en/logp": np.zeros(3, np.float16),  # one value too many
        "letters": np.frombuffer("ř".encode(), np.uint8).copy(),
        "letter_logp": np.zeros((2, 2), np.float32),  # not one row per language
    }
    for key, use in (("en/keys", lambda: langid.word_score("abc", "en")),
                     ("letters", lambda: langid.accent_scores(["ř"], ["cs"]))):  # fmt: skip
        for f in (langid._words, langid._letter_table, langid._shipped):
            f.cache_clear()
        _ship(monkeypatch, save({k: v for k, v in bad.items() if k != key}))
        with pytest.raises(CaesarRNNError, match="damaged"):
            use()
    for f in (langid._words, langid._letter_table, langid._shipped):
        f.cache_clear()
    _ship(monkeypatch, save(bad))
    with pytest.raises(CaesarRNNError, match="damaged"):
        langid.word_score("abc", "en")
    with pytest.raises(CaesarRNNError, match="damaged"):
        langid.accent_scores(["ř"], ["cs"])


@pytest.mark.usefixtures("fresh_tables")
def test_compute_and_write_tables(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import wordfreq

    from caesar_rnn.classical import langgrams

    lists = {"en": {"the": 0.6, "cat": 0.4}, "cs": {"kůn": 0.5, "je": 0.5}}
    monkeypatch.setattr(langid, "CODES", ("en", "cs"))
    monkeypatch.setattr(wordfreq, "get_frequency_dict", lambda code, wl: lists[code])
    monkeypatch.setattr(
        langgrams, "word_frequencies", lambda code: (["the", "cat"], np.array([0.6, 0.4]))
    )
    path = langid.write_tables(tmp_path / "t.safetensors")
    _ship(monkeypatch, path.read_bytes())
    t = langid._shipped()
    assert bytes(t["letters"]).decode() == "ů"
    assert t["letter_logp"].shape == (2, 2)
    want = {langid._key("the"): np.log10(0.6), langid._key("cat"): np.log10(0.4)}
    assert langid._words("en") == pytest.approx(want, abs=1e-3)
    assert t["letter_logp"][0, 1] == pytest.approx(-7.0)  # ů unseen in English
    assert t["letter_logp"][1, 1] == pytest.approx(np.log10(0.2), abs=1e-5)  # 1 of 5 letters
    assert t["letter_logp"][1, 0] == pytest.approx(np.log10(0.8), abs=1e-5)
