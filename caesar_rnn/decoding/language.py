"""The language of ``decrypt``'s answers, while the model reads English only.

The model decodes every message. Then every reading is also scored as a letter chain in each
language of ``caesar_rnn.languages`` (``classical.multilang``), English's score raised by
``ENGLISH_PRIOR``, plus the evidence of accented letters and, for the best few pairs, of words
(``classical.langid``): when the best (shift, language) pair is English, the model's answer
stands (``language`` "en"); when it is another language, that language's reading at the pair's
shift replaces it, with ``decode`` "ngram", a confidence that is the reading's share of the 26
shifts' likelihoods in that language (not calibrated) and the runners-up in that language. The
model's English verdict (``english``) is kept: the answer still does not read as English.

Why not only when the verdict says the reading is not English: measured on the training
source's text of twelve languages, that turns the model's 74 % exact at 8 letters into 79 %,
the language comparison into 91 %. Every prior from 2 to 6 left English's exact rate as the
model's there; 3 gives up little of the other languages' (91.1 % at 8 letters, 91.7 at 2)
(experiments/non-english/decrypt_rule.py). Beyond ``LONG`` letters, and where digits are written
inside words (CTF flags: their key is the model's or, where it differs, the words cracker's,
``caesar_rnn.decoding.flags``), the key stands and only its language is found.

English first (round 3, experiments/non-english/README.md; chosen on English tuning prose and
generated text of 27 languages, held-out English then within a message or so of the model
alone): three checks keep a right English answer where the chain prefers another language's
reading at another key. The model's key prior (``key_prior``: half the log10 odds of its
calibrated confidence, where its verdict says English) is added to every language's reading at
the model's key; English's head start is ``SHORT_PRIOR`` more at 6-7 letters; and where the
step still moves off the key of an answer the model reads as English, the model's answer comes
back unless the new reading's words in its language score at least as well as the model's
reading's words in English (``_words_or_model``).

With a given language: English is the model alone; any other is that language's crack.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from caesar_rnn.cipher import count_letters, decrypt, is_letter
from caesar_rnn.data.generate import _trim_letters
from caesar_rnn.decoding.choice import likeliest
from caesar_rnn.decoding.decode import Alternative, Decryption
from caesar_rnn.decoding.flags import FLAG, is_flag, is_leet, spelled_out, with_words_key
from caesar_rnn.languages import AUTO, CODES, ENGLISH, check_code

#: Letters from which the model's key stands (its key is right in 98.8 % of 64-letter messages of
#: twelve other languages, 100 % of English ones); only the language is found, at that key, from
#: the first LONG letters. (Over long texts the letter chain can prefer a wrong key of repetitive
#: text: "hello" repeated reads likelier as "lipps" repeated.)
LONG = 64
#: log10 likelihood added to English's readings before the languages are compared: a message
#: must read that much (1,000 times) likelier in another language to leave the model's answer.
ENGLISH_PRIOR = 3.0
#: The model's key prior (``key_prior``): its weight on the log10 odds of the model's calibrated
#: confidence, and its largest value. ``SHORT_PRIOR + KEY_MAX`` is at most ``langid.MARGIN``:
#: a pair that leads every other by more than MARGIN skips the words, and no prior may undo
#: that lead (``_search``).
KEY_WEIGHT = 0.5
KEY_MAX = 3.0
#: English's head start is ``SHORT_PRIOR`` more from ``SHORT_FROM`` (at least
#: ``langid.MIN_LETTERS``) to ``SHORT_UNTIL`` - 1 letters, where the words weigh in on few letters.
SHORT_PRIOR = 1.0
#: How much more (log10) the words of a reading at another key must score in its language than
#: the model's reading's in English for the step to leave an answer the model reads as English.
WORDS_LEAD: float | None = 0.0
#: Whether the words check also covers a reading at the model's key named another language
#: ("Meet José at the café tomorrow." read as French): English when its words score as well.
SAME_KEY = True
SHORT_FROM = 6
SHORT_UNTIL = 8
#: Lower edges (letters) of the length bins of a reading in another language's trust: the most
#: confidence the tuning text bore out there, and the floor its chain score per letter must
#: reach to read as that language at all (experiments/non-english/foreign_confidence.py).
FOREIGN_EDGES = (4, 6, 8, 10, 12, 16, 24, 32, 48)
FOREIGN_CEILING = (0.767, 0.955, 0.985, 0.991, 0.996, 0.999, 0.999, 0.999, 0.999)
FOREIGN_FLOOR = (-1.3, -1.49, -1.53, -1.59, -1.59, -1.52, -1.59, -1.56, -1.53)
#: From 10 to 31 letters the reading's words must read as its language too: the floor of its
#: words score per letter there (``langid.word_score``, log10; the right readings' 0.5th
#: percentile on the tuning text, per bin of ``FOREIGN_EDGES``, None: no floor; under 10 letters
#: the words do not separate random letters, from 32 the chain floor alone stops them). Random
#: 16-23-letter strings that pass the chain floor: 76 of 478, 15 with this one too, at a cost of
#: 0.4 % of the right readings (experiments/non-english/foreign_words_floor.py, round 7).
WORDS_FLOOR = (None, None, None, -1.61, -1.55, -1.44, -1.34, None, None)
#: The most confidence a reading under its language's floor gets (like ``Calibration``'s
#: ``non_english_cap`` for English).
UNREAD_CAP = 0.5
_LN10 = float(np.log(10.0))


def with_language(
    results: list[Decryption], lang: str | None = AUTO, top: int = 2
) -> list[Decryption]:
    """``results`` (the model's answers) with each one's language, and, where the plaintext
    reads as another language, that language's reading instead. ``lang``: ``auto`` (or None),
    or the language's code. ``top``: runners-up kept (the model's answers should list at least
    one, which the calibrated choice needs: ``decrypt_messages(top=max(top, 1))``)."""
    from caesar_rnn.decoding.encoded import marked

    out = [marked(d) for d in _with_language(results, lang, top)]
    return out if top else [d if not d.alternatives else replace(d, alternatives=[]) for d in out]


def _with_language(results: list[Decryption], lang: str | None, top: int) -> list[Decryption]:
    from caesar_rnn.classical.multilang import language_scores

    lang = AUTO if lang is None else check_code(lang, allow_auto=True)
    results = with_words_key(results, top)  # digits inside words: the words cracker's key
    if lang == ENGLISH:
        return [d if d.shift is None else replace(d, language=ENGLISH) for d in results]
    codes = list(CODES) if lang == AUTO else [lang]
    todo = [i for i, d in enumerate(results) if _shift(d) is not None]
    out = list(results)
    if not todo:
        return out
    heads = [_head(results[i]) for i in todo]
    if lang != AUTO:  # one language: its crack
        s = language_scores(heads, codes)[0]
        for j, i in enumerate(todo):
            out[i] = reading(results[i], s[j], lang, top)
        return out
    hard = _search(results, todo, heads, out, top)
    if len(hard):  # accents, or words to weigh: every pair scored
        sub = [heads[j] for j in hard]
        s = language_scores(sub, codes)  # (L, b, 26)
        model = np.array(  # -1: where the model's key stands anyway
            [-1 if _stands(results[todo[j]].ciphertext, heads[j]) else _shift(results[todo[j]])
             for j in hard.tolist()]
        )  # fmt: skip
        bonus = np.array([key_prior(results[todo[j]]) for j in hard.tolist()])
        named, shifts = _name(sub, s, codes, model, bonus)
        for m, j in enumerate(hard.tolist()):
            d = results[todo[j]]
            if _stands(d.ciphertext, sub[m]):  # the model's key, its language
                out[todo[j]] = replace(d, language=codes[int(s[:, m, _shift(d)].argmax())])
                continue
            code = codes[int(named[m])]
            keep = code == ENGLISH
            k = int(shifts[m])
            out[todo[j]] = (
                replace(d, language=code) if keep else reading(d, s[named[m], m], code, top, k)
            )
    _words_or_model(results, todo, heads, out)
    _one_story(out, todo)
    for i in todo:  # flags read with English words: their fragments name no language well
        if out[i].decode in ("words", "flag-body") and FLAG.search(out[i].ciphertext):
            out[i] = replace(out[i], language=ENGLISH)
    # Where the answer stays English: a runner-up the calibration rates likelier (``choice``).
    english = [i for i in todo if out[i].language == ENGLISH]
    for i, d in zip(english, likeliest([out[i] for i in english]), strict=True):
        out[i] = d
    return _foreign_trust(out, todo, heads)


def _one_story(out: list[Decryption], todo: list[int]) -> None:
    """Answers that list a runner-up as likelier than themselves (QA round 6: ``dlphmrds``
    answered "owasxcod" at 0.0013, read as Polish at the model's key, with "aimejoap" listed at
    0.9987), made to tell one story, their shifts unchanged.

    - A model answer whose key stood with another language named at it keeps its calibrated
      confidence (at 8 letters of UD, 6 of 7 such answers were wrong); its runners-up are
      scaled down to at most that (English's calibration rates them as English, which this
      text is not said to be).
    - A language's reading is chosen on more than its quadgram share of the 26 shifts (chain,
      words, accents): where a runner-up's share is higher, the answer takes that share, at
      most ``UNREAD_CAP``, and the runner-up the answer's (at 8 letters of UD, 24 of 26 such
      answers were right; 39 of 45 at 8-24 letters,
      experiments/non-english/likelier_runner_up.py)."""
    for i in todo:
        d = out[i]
        likelier = [a for a in d.alternatives if a.probability > d.confidence]
        if not likelier or d.language in (None, ENGLISH):
            continue
        best = max(likelier, key=lambda a: a.probability)
        if d.decode == "key":
            scale = d.confidence / best.probability
            alts = [replace(a, probability=a.probability * scale) for a in d.alternatives]
            out[i] = replace(d, alternatives=alts)
        elif d.decode == "ngram":
            alts = [
                replace(a, probability=d.confidence) if a is best else a for a in d.alternatives
            ]
            alts.sort(key=lambda a: -a.probability)
            conf = max(d.confidence, min(best.probability, UNREAD_CAP))
            out[i] = replace(d, confidence=conf, alternatives=alts)


def _foreign_trust(out: list[Decryption], todo: list[int], heads: list[str]) -> list[Decryption]:
    """The answers read in another language (``decode`` "ngram") with their confidence capped
    at what the tuning text bore out for their length (``FOREIGN_CEILING``), and at
    ``UNREAD_CAP`` where the reading's chain score per letter in its language is under that
    length's ``FOREIGN_FLOOR``, or its words score per letter under ``WORDS_FLOOR``: random
    letters read best as some language too, at a share of 1.0 of the 26 shifts."""
    from caesar_rnn.classical.multilang import language_scores

    by_code: dict[str, list[tuple[int, str]]] = {}
    for i, head in zip(todo, heads, strict=True):
        if out[i].decode == "ngram" and out[i].language is not None:
            by_code.setdefault(str(out[i].language), []).append((i, head))
    for code, found in by_code.items():
        s = language_scores([h for _, h in found], [code])[0]  # (b, 26)
        for (i, head), row in zip(found, s, strict=True):
            n = max(count_letters(head), 1)
            b = max(bisect.bisect_right(FOREIGN_EDGES, n) - 1, 0)
            d = out[i]
            read = row[int(d.shift or 0)] / n >= FOREIGN_FLOOR[b] and _reads_as_words(d, b)
            cap = FOREIGN_CEILING[b] if read else min(FOREIGN_CEILING[b], UNREAD_CAP)
            if d.confidence > cap:
                # Under a ceiling the runners-up share the rest; a reading that does not read as
                # its language frees confidence for no shift (its runner-up is no likelier).
                rest = (1.0 - cap) / max(1.0 - d.confidence, 1e-12) if read else 1.0
                alts = [replace(a, probability=min(a.probability * rest, 1.0 - cap))
                        for a in d.alternatives]  # fmt: skip
                out[i] = replace(d, confidence=cap, alternatives=alts)
    return out


def _reads_as_words(d: Decryption, b: int) -> bool:
    """Whether the reading's words score per letter in its language reaches ``WORDS_FLOOR``."""
    from caesar_rnn.classical.langid import word_score

    floor = WORDS_FLOOR[b]
    if floor is None:
        return True
    head = _trim_letters(d.plaintext, LONG)
    return word_score(head, str(d.language)) / max(count_letters(head), 1) >= floor


def _words_or_model(
    results: list[Decryption], todo: list[int], heads: list[str], out: list[Decryption]
) -> None:
    """Where ``out`` moved off the key of a model answer that reads as English (verdict true, or
    null: a model without a calibration table), of ``langid.MIN_LETTERS`` letters or more, the model's answer comes back unless the new
    reading's words in its language score at least ``WORDS_LEAD`` more than the model's reading's
    words in English (``langid.word_scores``; None: no check). Its language is then the best at
    the model's key (chain, English's head start, accents)."""
    from caesar_rnn.classical.langid import MIN_LETTERS, word_scores

    if WORDS_LEAD is None:
        return
    moved = [
        (i, h) for i, h in zip(todo, heads, strict=True)
        if (out[i].shift != _shift(results[i]) or (SAME_KEY and out[i].language != ENGLISH))
        and results[i].english is not False and count_letters(h) >= MIN_LETTERS
    ]  # fmt: skip
    if not moved:
        return
    new = word_scores(
        [out[i].plaintext for i, _ in moved], [str(out[i].language) for i, _ in moved]
    )
    old = word_scores([results[i].plaintext for i, _ in moved], [ENGLISH] * len(moved))
    back = [(i, h) for (i, h), a, b in zip(moved, new, old, strict=True) if a < b + WORDS_LEAD]
    for i, _ in back:  # the same key, named English: the model's answer, as it was
        if out[i].shift == _shift(results[i]):
            out[i] = replace(results[i], language=ENGLISH)
    back = [(i, h) for i, h in back if out[i].language != ENGLISH]
    if back:
        from caesar_rnn.classical.langid import accent_scores
        from caesar_rnn.classical.multilang import language_scores

        codes, sub = list(CODES), [h for _, h in back]
        keys = np.array([_shift(results[i]) for i, _ in back])
        at = language_scores(sub, codes)[:, np.arange(len(back)), keys]  # (L, b)
        at[codes.index(ENGLISH)] += english_prior(np.array([count_letters(h) for h in sub]))
        at += accent_scores(sub, codes)
        for (i, _), m in zip(back, at.argmax(axis=0).tolist(), strict=True):
            out[i] = replace(results[i], language=codes[m])


def _search(
    results: list[Decryption], todo: list[int], heads: list[str], out: list[Decryption], top: int
) -> np.ndarray:
    """Answer, into ``out``, the messages that need neither accents nor words: all-ASCII ones
    whose best (language, shift) pair leads every other by more than ``langid.MARGIN`` or that
    have fewer than ``langid.MIN_LETTERS`` letters, found without scoring every pair
    (``classical.langsearch``; the same decisions to the bit). Returns the indices into ``todo``
    of the others."""
    from caesar_rnn.classical.langid import MARGIN, MIN_LETTERS
    from caesar_rnn.classical.langsearch import best_languages

    codes = list(CODES)
    # Past LONG letters the model's key stands: the best language at it (``at``).
    at = np.full(len(todo), -1)
    for j, (i, head) in enumerate(zip(todo, heads, strict=True)):
        k = _shift(results[i])
        if k is not None and _stands(results[i].ciphertext, head):
            at[j] = k
    # The search weighs English's base head start only: a message it leaves to the words
    # (close) gets the rest in ``_name``; one it answers is led by more than MARGIN, at least the
    # short messages' extra prior plus the key prior (``KEY_MAX``), which cannot undo that lead.
    prior = [ENGLISH_PRIOR if c == ENGLISH else 0.0 for c in codes]
    rows = [c != ENGLISH for c in codes]
    best = best_languages(heads, codes, prior, rows=rows, at=at, margin=MARGIN)
    short = np.array([count_letters(h) < MIN_LETTERS for h in heads], bool)
    accents = np.array([not h.isascii() and any(map(_accented, h)) for h in heads], bool)
    # A short message's close call is weighed with the model's key prior too (``_name``).
    sure = np.array([key_prior(results[i]) > 0 for i in todo], bool)
    hard = accents | (best.close & (~short | sure))
    for j in np.flatnonzero(~hard).tolist():
        d, code = results[todo[j]], codes[int(best.language[j])]
        keep = at[j] >= 0 or code == ENGLISH
        out[todo[j]] = replace(d, language=code) if keep else reading(d, best.scores[j], code, top)
    return np.flatnonzero(hard)


def english_prior(letters: np.ndarray) -> np.ndarray:
    """(B,) English's head start (log10) for messages of ``letters`` letters: ``ENGLISH_PRIOR``,
    plus ``SHORT_PRIOR`` from ``SHORT_FROM`` to ``SHORT_UNTIL`` - 1 letters."""
    short = (letters >= SHORT_FROM) & (letters < SHORT_UNTIL)
    return np.where(short, ENGLISH_PRIOR + SHORT_PRIOR, ENGLISH_PRIOR)


def _accented(ch: str) -> bool:
    """A letter outside ASCII (the accents' evidence, ``langid.accent_scores``, reads these)."""
    return ch.isalpha() and not ch.isascii()


def _name(
    heads: list[str], s: np.ndarray, codes: list[str], model: np.ndarray, bonus: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(B,) each message's language (an index into ``codes``) and shift: English's scores raised by
    ``ENGLISH_PRIOR``, the accents and, for the best few pairs, the words weighed in
    (``classical.langid``). English is weighed at the ``model``'s shift (B,; -1: not moved), the
    reading decrypt answers with when English wins: its chain scores there and at its best shift
    trade places, so that its best pair keeps its score and its words are the model's reading's
    (experiments/non-english/model_shift.py). ``s`` gains the prior and the accents in place."""
    from caesar_rnn.classical.langid import accent_scores, best_pairs

    if codes[0] == ENGLISH:
        s[0] += english_prior(np.array([count_letters(h) for h in heads]))[:, None]
        rows = np.flatnonzero(model >= 0)
        model, best = model[rows], s[0, rows].argmax(axis=1)
        s[0, rows, best], s[0, rows, model] = s[0, rows, model], s[0, rows, best]
        s[:, rows, model] += bonus[rows]  # the model's key prior, in every language
    s += accent_scores(heads, codes)[:, :, None]
    return best_pairs(heads, s, codes)


def key_prior(d: Decryption) -> float:
    """log10 taken from every reading at a shift other than the model's key: ``KEY_WEIGHT`` x
    the log10 odds of the model's calibrated confidence, at most ``KEY_MAX``; none where the
    model says no shift reads as English or is not sure of its key (confidence under 1/2)."""
    if d.english is not True or not d.calibrated:
        return 0.0
    c = min(max(d.confidence, 1e-6), 1 - 1e-6)
    return float(min(KEY_MAX, max(0.0, KEY_WEIGHT * np.log10(c / (1 - c)))))


def _stands(text: str, head: str) -> bool:
    """Whether the model's key stands and only its language is found, at that key: past ``LONG``
    letters, or where digits are written inside words (CTF flags, ``th1s_1s_n0t_s3cur3``): their
    broken words read as no language's, and another language's reading of the pieces would
    change a flag that the model reads whole."""
    return _longer(text, head) or is_flag(text)


def _head(d: Decryption) -> str:
    """The first ``LONG`` letters of ``d.ciphertext`` the languages are scored on; with digits
    inside words, read as the letters they stand for at the answer's key (``flags``)."""
    head = _trim_letters(d.ciphertext, LONG)
    k = _shift(d)
    return spelled_out(head, k) if k is not None and is_leet(d.ciphertext) else head


def _longer(text: str, head: str) -> bool:
    """Whether ``text`` has letters after ``head``, its first ``LONG``."""
    return any(map(is_letter, itertools.islice(text, len(head), None)))


def _shift(d: Decryption) -> int | None:
    return d.shift if d.shift is not None else d.nearest_shift


def languages_of(
    results: Iterator[Decryption], lang: str | None = AUTO, top: int = 2, chunk: int = 4096
) -> Iterator[Decryption]:
    """``with_language`` over a stream of answers, ``chunk`` at a time, in order; the stream is
    closed (its workers ended) however this ends."""
    try:
        while block := list(itertools.islice(results, chunk)):
            yield from with_language(block, lang, top)
    finally:
        getattr(results, "close", lambda: None)()


def reading(
    d: Decryption, scores: np.ndarray, code: str, top: int, shift: int | None = None
) -> Decryption:
    """The reading of ``d.ciphertext`` under ``shift`` (default: the best of its 26 shifts'
    log10 ``scores`` in language ``code``): confidence its share of the likelihoods, ``top``
    runners-up."""
    p = np.exp((scores - scores.max()) * _LN10)
    p /= p.sum()
    order = np.argsort(-p, kind="stable")
    k = int(order[0]) if shift is None else shift
    order = np.array([k, *(j for j in order if j != k)])
    alts = [
        Alternative(int(j), decrypt(d.ciphertext, int(j)), float(p[j])) for j in order[1 : 1 + top]
    ]
    return Decryption(
        d.ciphertext,
        decrypt(d.ciphertext, k),
        k,
        float(p[k]),
        english=d.english,
        alternatives=alts,
        calibrated=False,
        decode="ngram",
        language=code,
    )


def note(d: Decryption) -> str | None:
    """A line for stderr when the answer is not English (None when it is)."""
    from caesar_rnn.languages import name

    if d.language in (None, ENGLISH):
        return None
    short = d.ciphertext if len(d.ciphertext) <= 40 else d.ciphertext[:37] + "..."
    if d.decode != "ngram":  # the key stood; only the language was found at it
        whose = "the words cracker's" if d.decode in ("words", "flag-body") else "the model's"
        return f"{short!r}: reads as {name(d.language)} ({whose} key; the language at it)"
    return (
        f"{short!r}: reads as {name(d.language)} (not the model: the {d.language} quadgram crack)"
    )
