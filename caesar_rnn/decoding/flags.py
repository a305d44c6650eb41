"""Text with digits written inside its words (CTF flags, leetspeak): the words cracker's key.

The model never read a digit inside a word: ``synt{e0g13_1f_a0g_rapelcg10a}`` reaches it as the
fragments ``synt e g f a g rapelcg a``, and it answered the flag unchanged (shift 0, where two of
the fragments are "a"). The words cracker (``caesar_rnn.classical.words``) splits each candidate's
fragments against word counts and reads the pieces as parts of words. Measured on flags made
from the project's own tuning prose (experiments/ctf-flags/: 400 each, random keys), exact:
the model's key 95.8 % (74.2 % on heavy leetspeak with short words and numbers), the words
cracker 99.2 % (88.2 %), the hybrid decode 98.2 % (84.0 %); on the same words without digits all
three are at 100 %.

So a flag (a prefix and braces, ``FLAG``) is answered with the words cracker's reading
(``decode`` "words", not calibrated: ``confidence`` is its share of the 26 shifts' word scores,
capped by whether the prefix reads as one CTFs use). Other text with a digit against a letter
(``LEET``: leetspeak, but also "4th", "5pm", "Room 4B") is too where the words cracker's best
key differs from the model's; where they agree, the model's answer stands, with its calibrated
confidence (QA round 3: 30 everyday messages with such digits all came back "unsure (0.50)"
with a nonsense runner-up at ~0.5; now 150 of 150 right at >= 0.9, experiments/ctf-flags/
digits.py; a narrower test, digits with letters on both sides, lost 4 of 400 leetspeak lines
without braces whose digits open words, "7he"). The words cracker reads each candidate with its
digits spelled out as the letters they stand for (``leet_scores``; round 4: no longer plus the
fragments as written, which read better under wrong shifts: leetspeak phrases 40 -> 90 %, heavy
leetspeak without braces 94.0 -> 95.2 %, flags unchanged at 100 %).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from caesar_rnn.cipher import N_LETTERS, count_letters, decrypt, encrypt
from caesar_rnn.decoding.decode import Alternative, Decryption

#: A digit written against a letter (``s3cur3``, ``7he``, and ordinary "4th", "5pm").
LEET = re.compile(r"[A-Za-z][0-9]|[0-9][A-Za-z]")


#: The letters that leetspeak's digits stand for ("n0t" -> "not", "s3cur3" -> "secure").
_LETTERS = str.maketrans("013457", "oieast")


def is_leet(text: str) -> bool:
    """Whether ``text`` has a digit written against a letter (``LEET``)."""
    return LEET.search(text) is not None


def spelled_out(ciphertext: str, shift: int) -> str:
    """``ciphertext`` with its digits read as the letters they stand for in the plaintext under
    ``shift`` (enciphered again), so that the language of what a flag says can be found."""
    return encrypt(decrypt(ciphertext, shift).translate(_LETTERS), shift)


#: A CTF flag: a prefix of letters (``flag``, ``picoCTF``, ``HTB``) and braces.
FLAG = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,16})\{[^{}\n]*\}")
#: Flag prefixes as CTFs write them (besides any with "flag" or "ctf" in it), lowercase.
PREFIXES = frozenset({
    "htb", "thm", "hkcert", "sekai", "idek", "osu", "dice", "dam", "wgmy", "csaw", "seccon",
    "asis", "hitcon", "bsidessf", "securinets", "hackthebox", "pwn",
})  # fmt: skip
#: Natural-log score added to the shift under which a flag's prefix reads as a known one
#: (``PREFIXES``): a prefix of three letters or more matches under one shift at most, and no
#: split of the rest outweighs it (experiments/ctf-flags, round 2). It was 100 until a body of
#: random letters and digits in clear (``HTB{8zyt3nvztkcdnv20l8k0c1y97z51wht7}``) outweighed it:
#: 27 % of such flags were answered under another shift (clear_prefix.py). A body encrypted on
#: its own is told apart first (``BODY_READS``).
PREFIX_BONUS = 10_000.0
#: The most confidence a flag's reading gets without its prefix read as a known one (or
#: leetspeak without braces), by letters (``UNCONFIRMED_FROM``: from 15, from 10, under 10), and
#: with. The words readings of leetspeak phrases (ours and QA's, experiments/ctf-flags, round 4)
#: were right in 43-81 % under 10 letters, 87-100 % at 10-14 and all from 15; generated heavy
#: leetspeak 97 % (the 0.5 of round 2 left right answers "unsure": expected calibration error
#: 0.43-0.45 against 0.07-0.08 with 0.9).
UNCONFIRMED_FROM = ((15, 0.9), (10, 0.85), (0, 0.5))
UNCONFIRMED = UNCONFIRMED_FROM[0][1]
CONFIRMED = 0.99
#: A flag whose prefix is a known one as written (``HTB{...}``) but whose body, of at least
#: ``BODY_LETTERS`` letters, reads as words under another shift (at least ``BODY_READS`` per
#: letter, natural log, ``leet_scores``) and ``BODY_GAIN`` per letter better than as written,
#: had its body alone encrypted: the body is decrypted on its own (decode "flag-body"; QA round 6:
#: ``HTB{wkh_iodj_lv_khuh}`` was answered unchanged at 0.99). Measured on bodies of 10 letters or
#: more (experiments/ctf-flags/clear_prefix.py): 99.4 % of encrypted English bodies caught; random
#: letter-and-digit bodies as written taken for encrypted 0.3 %, random letters 9 %, hex none.
BODY_LETTERS = 10
BODY_READS = -8.0
BODY_GAIN = 2.0


def is_flag(text: str) -> bool:
    """Whether ``text`` has digits inside words (``is_leet``) or a flag's prefix and braces."""
    return is_leet(text) or FLAG.search(text) is not None


def known_prefix(word: str) -> bool:
    """Whether ``word`` is a flag prefix CTFs use ("flag", "picoCTF", "HTB", "DUCTF")."""
    w = word.lower()
    return "flag" in w or "ctf" in w or w in PREFIXES


def prefix_shifts(text: str) -> np.ndarray:
    """(26,) bool: the shifts under which the prefix of ``text``'s first flag reads as a known
    one (none when it has no flag)."""
    m = FLAG.search(text)
    out = np.zeros(N_LETTERS, bool)
    if m:
        out[[known_prefix(decrypt(m.group(1), k)) for k in range(N_LETTERS)]] = True
    return out


def with_words_key(results: list[Decryption], top: int = 2) -> list[Decryption]:
    """``results`` with each key-decode answer of a flag or leetspeak (``is_flag``) replaced by
    the words cracker's reading (``leet_scores``, a known prefix's shift raised by
    ``PREFIX_BONUS``), its confidence at most ``CONFIRMED`` where the prefix reads as a known one
    and at most ``UNCONFIRMED`` where not; other text with digits against letters keeps the
    model's answer where the words cracker's best key is the model's."""
    todo = [i for i, d in enumerate(results) if d.decode == "key" and d.shift is not None]
    todo = [i for i in todo if is_flag(results[i].ciphertext)]
    if not todo:
        return results
    texts = [results[i].ciphertext for i in todo]
    known = np.stack([prefix_shifts(t) for t in texts])  # (B, 26)
    scores = leet_scores(texts) + PREFIX_BONUS * known
    clear = _clear_prefix_bodies(texts, known)
    out = list(results)
    for i, s, ok, body in zip(todo, scores, known, clear, strict=True):
        d = results[i]
        if body is not None:
            out[i] = _body_reading(d, *body, top)
            continue
        words = _reading(d, s, top, ok)
        if words.shift == d.shift and FLAG.search(d.ciphertext) is None:
            # The model's key too: its calibrated answer stands, unless its calibration (of
            # text without digits) rates it below the words reading ("h4ck th3 pl4n3t" at 3e-5).
            out[i] = d if d.confidence >= words.confidence else words
            continue
        out[i] = words
    return out


def _clear_prefix_bodies(
    texts: list[str], known: np.ndarray
) -> list[tuple[re.Match[str], np.ndarray] | None]:
    """For each text whose first flag has a known prefix as written but a body that reads as
    words under another shift (``BODY_READS``, ``BODY_GAIN``: only the body was encrypted,
    ``HTB{wkh_iodj_lv_khuh}``), that flag and its body's scores (``leet_scores``); else None."""
    out: list[tuple[re.Match[str], np.ndarray] | None] = [None] * len(texts)
    found = [(j, FLAG.search(t)) for j, t in enumerate(texts) if known[j, 0]]
    bodies = [(j, m) for j, m in found if m is not None and count_letters(_body(m)) >= BODY_LETTERS]
    if not bodies:
        return out
    scores = leet_scores([_body(m) for _, m in bodies])
    for (j, m), s in zip(bodies, scores, strict=True):
        n = count_letters(_body(m))
        if s.max() >= BODY_READS * n and s.max() - s[0] >= BODY_GAIN * n:
            out[j] = (m, s)
    return out


def _body(m: re.Match[str]) -> str:
    return m.group(0)[len(m.group(1)) + 1 : -1]


def _with_body(m: re.Match[str], k: int) -> str:
    """The flag's text with its body alone decrypted with key ``k``."""
    text, at = m.string, m.start(0) + len(m.group(1)) + 1
    return text[:at] + decrypt(_body(m), k) + text[m.end(0) - 1 :]


def _body_reading(d: Decryption, m: re.Match[str], scores: np.ndarray, top: int) -> Decryption:
    """The reading of a flag whose body alone was encrypted: the prefix and the text around
    the flag as written, the body decrypted with its own best key (``shift``), the confidence
    capped as for a flag whose prefix does not settle the key."""
    p = np.exp(scores - scores.max())
    p /= p.sum()
    order = np.argsort(-p, kind="stable")
    k = int(order[0])
    cap = next(c for low, c in UNCONFIRMED_FROM if count_letters(_body(m)) >= low)
    conf = min(float(p[k]), cap)
    others = float(p[order[1:]].sum())
    rest = (1.0 - conf) / others if others > 0 else 0.0
    alts = [
        Alternative(int(j), _with_body(m, int(j)), float(p[j]) * rest) for j in order[1 : 1 + top]
    ]
    return replace(
        d,
        plaintext=_with_body(m, k),
        shift=k,
        confidence=conf,
        alternatives=alts,
        calibrated=False,
        english=None,
        decode="flag-body",
    )


def leet_scores(messages: list[str]) -> np.ndarray:
    """(B, 26) the words cracker's score of each message's reading under each shift with the
    digits spelled out (``spelled_out``: "r0t13_1s_n0t" read as "rotie_is_not" splits into
    words). The reading as written is not added: its fragments ("h ck th pl n t") read better
    under wrong shifts (experiments/ctf-flags, round 4). Each message is scored 26 times: for
    flags, not files."""
    from caesar_rnn.classical.words import word_scores

    variants = [spelled_out(m, k) for m in messages for k in range(N_LETTERS)]
    spelled = word_scores(variants).reshape(len(messages), N_LETTERS, N_LETTERS)
    return spelled[:, np.arange(N_LETTERS), np.arange(N_LETTERS)]  # variant k at shift k


def _reading(d: Decryption, scores: np.ndarray, top: int, known: np.ndarray) -> Decryption:
    """The words cracker's best reading of ``d.ciphertext``, with ``top`` runners-up."""
    p = np.exp(scores - scores.max())
    p /= p.sum()
    order = np.argsort(-p, kind="stable")
    k = int(order[0])
    n = count_letters(d.ciphertext)
    cap = CONFIRMED if known[k] else next(c for low, c in UNCONFIRMED_FROM if n >= low)
    conf = min(float(p[k]), cap)
    others = float(p[order[1:]].sum())  # the others share what is left, as their scores do
    rest = (1.0 - conf) / others if others > 0 else 0.0
    alts = [
        Alternative(int(j), decrypt(d.ciphertext, int(j)), float(p[j]) * rest)
        for j in order[1 : 1 + top]
    ]
    return replace(
        d,
        plaintext=decrypt(d.ciphertext, k),
        shift=k,
        confidence=conf,
        alternatives=alts,
        calibrated=False,
        english=None,  # the model's verdict was on its own reading, not this one
        decode="words",
    )
