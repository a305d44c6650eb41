"""decrypt's language: the model's answer stands for English; another language's crack replaces
it where the text reads as that language."""

from dataclasses import replace

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding import flags, language
from caesar_rnn.decoding.decode import Alternative, Decryption
from caesar_rnn.errors import CaesarRNNError

FRENCH = "Nous avons mangé une soupe chaude avec nos voisins"
ENGLISH = "The children were playing in the garden"


def _model_answer(cipher: str, shift: int | None, text: str | None = None) -> Decryption:
    """What the English model might have said (a wrong shift for the French message)."""
    plain = cipher if shift is None else (text or encrypt(cipher, -shift))
    return Decryption(cipher, plain, shift, 0.999, True, [Alternative(1, "x", 0.001)], True)


def test_auto_keeps_english_and_replaces_another_language() -> None:
    fr, en = encrypt(FRENCH, 7), encrypt(ENGLISH, 4)
    answers = [_model_answer(fr, 11), _model_answer(en, 4), _model_answer("123", None)]
    out = language.with_language(answers, "auto", top=3)
    assert out[0].plaintext == FRENCH and out[0].shift == 7 and out[0].language == "fr"
    assert out[0].decode == "ngram" and not out[0].calibrated and out[0].english is True
    assert 0.99 < out[0].confidence <= 1 and len(out[0].alternatives) == 3
    assert out[1] == _model_answer(en, 4).__class__(**{**vars(answers[1]), "language": "en"})
    assert out[2] is answers[2]  # no letters: nothing to say


def test_given_language() -> None:
    fr = encrypt(FRENCH, 7)
    [d] = language.with_language([_model_answer(fr, 11)], "fr", top=0)
    assert d.plaintext == FRENCH and d.language == "fr" and d.alternatives == []
    [d] = language.with_language([_model_answer(fr, 11)], "en")
    assert d.shift == 11 and d.language == "en"  # English: the model alone
    with pytest.raises(CaesarRNNError, match="unknown language 'xx'"):
        language.with_language([_model_answer(fr, 11)], "xx")


@pytest.mark.parametrize(("word", "other"), [("hotel", "sl"), ("radio", "sh"), ("idea", "tr")])
def test_english_prior_keeps_the_model_on_short_english(
    word: str, other: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Short English words read a little likelier in another language; the prior keeps the
    # model's English reading until another language is 1,000 times likelier.
    c = encrypt(word, 5)
    [d] = language.with_language([_model_answer(c, 5)])
    assert d.language == "en" and d.plaintext == word
    monkeypatch.setattr(language, "ENGLISH_PRIOR", 0.0)
    monkeypatch.setattr(language, "KEY_WEIGHT", 0.0)  # nor the model's key prior
    assert language.with_language([_model_answer(c, 5)])[0].language == other


def test_stream_closes_its_source() -> None:
    closed = []

    class Source:
        def __init__(self) -> None:
            self.items = iter([_model_answer(encrypt(ENGLISH, 4), 4)] * 5)

        def __iter__(self) -> "Source":
            return self

        def __next__(self) -> Decryption:
            return next(self.items)

        def close(self) -> None:
            closed.append(True)

    out = list(language.languages_of(Source(), "auto", chunk=2))  # type: ignore[arg-type]
    assert [d.language for d in out] == ["en"] * 5 and closed == [True]


def test_note() -> None:
    d = _model_answer("abc", 0)
    assert language.note(d) is None
    d.language = "pl"  # the model's key stood (a long message, a flag): only the language found
    assert language.note(d) == "'abc': reads as Polish (the model's key; the language at it)"
    d.decode = "ngram"  # the language's reading replaced the model's
    assert language.note(d) == "'abc': reads as Polish (not the model: the pl quadgram crack)"


def test_flags_with_digits_are_read_whole() -> None:
    # A CTF flag's words broken by digits read as no language's: another language's reading of
    # the pieces ("gmbh{ui1t_1t_o0u_t3dvs3}", French) would change the flag the model reads whole.
    flag = "flag{th1s_1s_n0t_s3cur3}"
    for k in (3, 13, 17):
        [d] = language.with_language([_model_answer(encrypt(flag, k), k)])
        assert d.plaintext == flag and d.shift == k and d.decode == "words"
    assert not flags.is_leet("picoCTF{the_flag_is_here}")  # no digit in a word


def test_long_messages_keep_the_model_key() -> None:
    # Over a long repetitive text the letter chain prefers a wrong key ("lipps" repeated): from
    # LONG letters on, the model's key stands and only the language is found, at that key.
    text = "hello, 0123456789! " * 30
    c = encrypt(text, 3)
    [d] = language.with_language([_model_answer(c, 3)])
    assert d.plaintext == text and d.shift == 3 and d.language is not None
    long_fr = encrypt((FRENCH + " ") * 3, 7)
    [d] = language.with_language([_model_answer(long_fr, 7)])
    assert d.language == "fr" and d.shift == 7 and d.decode == "key"  # the model's answer
    [d] = language.with_language([_model_answer(long_fr, 7)], "fr")
    assert d.language == "fr" and d.decode == "ngram"  # given: the language's crack


def _seen_scores(monkeypatch: pytest.MonkeyPatch) -> dict[str, np.ndarray]:
    """``langid.best_pairs`` replaced by the plain best pair; what it was given, under "s"."""
    seen: dict[str, np.ndarray] = {}

    def fake_pairs(heads, s, codes):  # type: ignore[no-untyped-def]
        seen["s"] = s.copy()
        return s.max(axis=2).argmax(axis=0), s.max(axis=0).argmax(axis=1)

    monkeypatch.setattr("caesar_rnn.classical.langid.best_pairs", fake_pairs)
    return seen


def test_english_is_weighed_at_the_models_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    # English's best chain score moves to the model's shift (its words are then the model's
    # reading's); the score it leaves is the model shift's; -1 leaves a message as it was.
    seen = _seen_scores(monkeypatch)
    s = np.zeros((2, 2, 26))
    s[0, :, 5], s[0, :, 2], s[1, :, 9] = 1.0, 0.25, 0.5
    language._name(["abc", "abc"], s, ["en", "fr"], np.array([2, -1]), np.zeros(2))
    en = seen["s"][0] - language.ENGLISH_PRIOR
    assert (en[0, 2], en[0, 5]) == (1.0, 0.25)  # moved to the model's shift 2
    assert (en[1, 5], en[1, 2]) == (1.0, 0.25)  # not moved
    assert seen["s"][1, 0, 9] == 0.5  # other languages untouched


def test_key_prior() -> None:
    # KEY_WEIGHT x the log10 odds of the model's calibrated confidence, capped; none without
    # the English verdict, uncalibrated, or at confidence 1/2 and under.
    sure = _model_answer("abc", 0)  # 0.999
    assert language.key_prior(sure) == pytest.approx(language.KEY_WEIGHT * np.log10(999))
    for d in (
        Decryption("abc", "abc", 0, 0.999, False, [], True),
        Decryption("abc", "abc", 0, 0.999, True, [], False),
        Decryption("abc", "abc", 0, 0.4, True, [], True),
    ):
        assert language.key_prior(d) == 0.0
    assert language.key_prior(Decryption("a", "a", 0, 1.0, True, [], True)) <= language.KEY_MAX
    from caesar_rnn.classical.langid import MARGIN, MIN_LETTERS

    # The search answers the messages led by more than MARGIN with English's base prior alone.
    assert language.KEY_MAX + language.SHORT_PRIOR <= MARGIN
    assert language.SHORT_FROM >= MIN_LETTERS


def test_key_prior_is_added_at_the_models_key(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _seen_scores(monkeypatch)
    s = np.zeros((2, 2, 26))
    language._name(["abcdefghij"] * 2, s, ["en", "fr"], np.array([3, -1]), np.array([1.5, 2.0]))
    got = seen["s"] - language.english_prior(np.array([10, 10]))[None, :, None] * [[[1]], [[0]]]
    assert got[0, 0, 3] == got[1, 0, 3] == 1.5  # every language, at the model's key
    assert np.count_nonzero(got) == 2  # nowhere else; -1 (the key stands): no prior


def test_english_prior_by_length() -> None:
    n = np.array([4, 5, 6, 7, 8, 64])
    short = (n >= language.SHORT_FROM) & (n < language.SHORT_UNTIL)
    want = language.ENGLISH_PRIOR + language.SHORT_PRIOR * short
    assert np.array_equal(language.english_prior(n), want)
    assert short.tolist() == [False, False, True, True, False, False]


def test_search_decides_as_scoring_every_message(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast path (no words where the best pair leads by MARGIN; short messages by the chain)
    # answers as the full rule does, with both priors: English's by length, the model's key's.
    rng = np.random.default_rng(0)
    words = (FRENCH + " " + ENGLISH + " Dzisiaj jest bardzo zimno w naszym mieście").split()
    words += ["hotel", "radio", "idea", "notes", "garden", "window", "station"]
    answers = []
    for i in range(300):
        text = " ".join(rng.choice(words, size=1 + i % 3))
        k = int(rng.integers(26))
        model = k if i % 2 else int(rng.integers(26))
        conf = float(rng.choice([0.2, 0.7, 0.999]))
        answers.append(Decryption(encrypt(text, k), encrypt(text, k - model), model, conf,
                                  bool(i % 5), [], True))  # fmt: skip
    fast = language.with_language(answers, top=0)
    monkeypatch.setattr(language, "_search", _every_message_hard)
    full = language.with_language(answers, top=0)
    assert [(d.shift, d.language) for d in fast] == [(d.shift, d.language) for d in full]
    moved = sum(d.shift != a.shift for d, a in zip(full, answers, strict=True))
    assert 10 < moved < 290  # both kinds of answer are in the sample


def _every_message_hard(results, todo, heads, out, top):  # type: ignore[no-untyped-def]
    """``_search`` that answers nothing itself: every message goes through ``_name``."""
    return np.arange(len(todo))


@pytest.mark.parametrize(
    ("cipher", "shift", "conf"),
    [("xzhmfxnkcy", 5, 0.83), ('aykj. Ayk "ij z', 6, 0.995), ("kiuljmejyc", 16, 0.61)],
)
def test_a_reading_without_more_words_leaves_the_model_answer(
    cipher: str, shift: int, conf: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # English read by the model (verdict true) that the chain prefers in another language, at
    # another key; that reading's words in its language score lower than the model's in English.
    d = Decryption(cipher, encrypt(cipher, -shift), shift, conf, True, [], True)
    [kept] = language.with_language([d], top=0)  # named: the best language at the model's key
    assert kept.shift == shift and kept.decode == "key" and kept.language is not None
    monkeypatch.setattr(language, "WORDS_LEAD", None)  # the check off: another language's key
    [moved] = language.with_language([d], top=0)
    assert moved.shift != shift and moved.decode == "ngram"
    monkeypatch.setattr(language, "WORDS_LEAD", 0.0)
    d.english = False  # the model says no shift reads as English: no check
    assert language.with_language([d], top=0)[0].shift != shift


def test_readings_in_another_language_are_trusted_as_far_as_tuning_text_bore_out() -> None:
    # Random letters read best as some language too, at a share of 1.0 of the 26 shifts: under
    # that language's floor (chain score per letter) the confidence is at most UNREAD_CAP.
    rnd = "axgnifymfyzcettoeeaaqpwkzmvbrtlxhjds"  # 36 random letters
    fr = encrypt(FRENCH, 7)
    out = language.with_language([_model_answer(rnd, 0), _model_answer(fr, 11)], top=2)
    assert out[0].decode == "ngram" and out[0].confidence == language.UNREAD_CAP
    assert sum(a.probability for a in out[0].alternatives) <= 1 - language.UNREAD_CAP + 1e-9
    # The confidence the cap frees goes to no shift: the runner-up is not raised to ~0.5.
    assert all(a.probability < 0.1 for a in out[0].alternatives)
    assert out[1].language == "fr" and out[1].confidence == language.FOREIGN_CEILING[-1]
    short = language._foreign_trust(
        [replace(_model_answer(fr, 7), decode="ngram", language="fr", confidence=1.0)],
        [0],
        [fr[:7]],  # 6 letters: that bin's ceiling
    )
    assert short[0].confidence == language.FOREIGN_CEILING[1]
    english = _model_answer(encrypt(ENGLISH, 4), 4)
    assert language._foreign_trust([english], [0], [english.ciphertext])[0] is english


def test_a_reading_whose_words_are_not_its_language_is_unsure() -> None:
    # From 12 letters the reading's words must read as its language too (WORDS_FLOOR): a Polish
    # sentence stays sure; random letters the chain floor lets through are capped.
    pl = "bakterie rozmnazaja sie szybko w cieplej wodzie"  # Polish, 40 letters
    rnd = "qzkwpamfeunvoxjr"  # 16 random letters that read as some language's chain
    floor = [f for f in language.WORDS_FLOOR if f is not None]
    assert floor and all(-2.0 < f < -1.0 for f in floor)
    out = language.with_language([_model_answer(encrypt(pl, 5), 5)], top=2)
    assert out[0].language == "pl" and out[0].confidence > 0.99
    ok = replace(out[0], confidence=1.0)
    b = language.FOREIGN_EDGES.index(16)
    assert language._reads_as_words(replace(ok, plaintext=pl[:20]), b)
    assert not language._reads_as_words(replace(ok, plaintext=rnd), b)


def test_the_foreign_tables_line_up() -> None:
    n = len(language.FOREIGN_EDGES)
    assert len(language.FOREIGN_CEILING) == n and len(language.FOREIGN_FLOOR) == n
    assert len(language.WORDS_FLOOR) == n
    assert list(language.FOREIGN_EDGES) == sorted(language.FOREIGN_EDGES)
    assert all(0.5 <= c < 1 for c in language.FOREIGN_CEILING)


def test_english_at_the_model_key_stays_english_when_its_words_do() -> None:
    # Letters alone named these French, Portuguese, Polish (qa, 2026-12-01): the words check
    # covers a reading at the model's own key too.
    lines = [
        "Meet José at the café tomorrow.",
        "The FBI and CIA met at HQ.",
        "Tomasz Kowalczyk plays the violin.",
    ]
    answers = [_model_answer(encrypt(t, 7), 7) for t in lines]
    out = language.with_language(answers)
    assert [d.language for d in out] == ["en"] * 3
    assert [d.decode for d in out] == ["key"] * 3 and all(d.calibrated for d in out)
    language_before = language.SAME_KEY
    try:
        language.SAME_KEY = False  # the rule is what keeps them English
        assert [d.language for d in language.with_language(answers)] != ["en"] * 3
    finally:
        language.SAME_KEY = language_before
    fr = encrypt(FRENCH, 7)  # French at the model's key is still French
    assert language.with_language([_model_answer(fr, 7)])[0].language == "fr"


def test_no_answer_lists_a_likelier_runner_up() -> None:
    """QA round 6: ``dlphmrds`` was answered at 0.0013 in Polish with a runner-up at 0.9987
    (English's calibrated numbers at a key where Polish was named). Through the whole default
    decode, random letters and foreign text: no runner-up is likelier than the answer."""
    import caesar_rnn

    texts = ["dlphmrds", "xqzvkwjpfhrtbnmlgdcsyaoeui", "biaxlmarznlm", "exwjpfxbctrmbhxt"]
    texts += [encrypt(t, 7) for t in ("dziękuję bardzo", "wir sehen uns morgen", "hasta luego")]
    for d in caesar_rnn.decrypt(texts):
        assert all(a.probability <= d.confidence + 1e-9 for a in d.alternatives), d


def test_a_language_at_the_models_key_keeps_its_confidence() -> None:
    d = Decryption("dlphmrds", "owasxcod", 15, 0.0013, True, [Alternative(3, "aimejoap", 0.9987)],
                   True, language="pl")  # fmt: skip
    out = [d]
    language._one_story(out, [0])
    assert (out[0].shift, out[0].confidence, out[0].decode) == (15, 0.0013, "key")
    assert out[0].alternatives[0].probability == pytest.approx(0.0013)
    r = replace(d, decode="ngram", calibrated=False, confidence=0.02,
                alternatives=[Alternative(3, "aimejoap", 0.97), Alternative(4, "x", 0.01)])  # fmt: skip
    out = [r]
    language._one_story(out, [0])
    assert out[0].confidence == language.UNREAD_CAP and out[0].shift == 15
    assert [a.probability for a in out[0].alternatives] == [0.02, 0.01]
