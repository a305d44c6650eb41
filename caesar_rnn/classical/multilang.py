"""The quadgram crack in any language of ``caesar_rnn.languages``, and the language of a message.

A reading (a message under one shift) is scored as a letter chain under a language's tables
(``langgrams.language_logp``): log10 P(first three letters) plus log10 P(letter | the three
before) for each later letter, so that the scores of different languages are likelihoods of the
same letters and can be compared. With a given language the best shifts are ranked; with
``auto`` the best (shift, language) pair over every language names the language, and the shifts
are ranked under it. Only ASCII letters count, as in the English crack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from caesar_rnn.cipher import N_LETTERS, decrypt, is_letter
from caesar_rnn.classical.crackers import Candidate, letter_indices, rank
from caesar_rnn.classical.langgrams import ORDER, chain_logp, full_logp, language_logp
from caesar_rnn.languages import AUTO, CODES, check_code

_SHIFTS = np.arange(N_LETTERS)
#: Letters scored per gather (messages x letters), so that a block stays ~30 MB.
_CELLS = 1 << 16
#: Letters (summed over messages) from which the full quadgram tables are worth building.
_FULL = 1 << 12


def _codes(plain: np.ndarray, n: int, dtype: type = np.int64) -> np.ndarray:
    """(B, 26, T-n+1) codes of the n-letter windows of (B, 26, T) plaintext letters."""
    m = plain.shape[2] - n + 1
    out = np.zeros((*plain.shape[:2], m), dtype)
    for j in range(n):
        out = out * N_LETTERS + plain[:, :, j : j + m]
    return out


def _block_scores(letters: np.ndarray, codes: Sequence[str], many: bool) -> np.ndarray:
    """(L, B, 26) chain scores of (B, T) messages of equal length in each language of
    ``codes``; ``many``: with the full tables (built once; faster for many letters)."""
    plain = (letters[:, None, :] - _SHIFTS[None, :, None]) % N_LETTERS  # (B, 26, T)
    n = min(ORDER, letters.shape[1])
    top = _codes(plain, n)
    out = np.empty((len(codes), *plain.shape[:2]))
    if many and n == ORDER:  # log10 P(first trigram) + sum of log10 P(letter | three before)
        first = _codes(plain[:, :, : ORDER - 1], ORDER - 1)[:, :, 0]
        for i, code in enumerate(codes):
            tri, cond = chain_logp(code)
            out[i] = tri.take(first) + cond.take(top).sum(axis=2, dtype=np.float64)
        return out
    inner = _codes(plain, n - 1)[:, :, 1:-1] if n > 1 else None  # the conditioning contexts
    for i, code in enumerate(codes):
        t = (full_logp if many else language_logp)(code)
        s = t[n - 1][top].sum(axis=2, dtype=np.float64)
        out[i] = s if inner is None else s - t[n - 2][inner].sum(axis=2, dtype=np.float64)
    return out


def language_scores(messages: Sequence[str], codes: Sequence[str]) -> np.ndarray:
    """(L, B, 26) log10-likelihood of every message under every shift in each language of
    ``codes`` (higher is better); messages without letters score 0."""
    idx = letter_indices(messages)
    many = sum(map(len, idx)) >= _FULL
    out = np.zeros((len(codes), len(messages), N_LETTERS))
    by_len: dict[int, list[int]] = {}
    for i, c in enumerate(idx):
        if len(c):
            by_len.setdefault(len(c), []).append(i)
    for length, ids in by_len.items():
        rows = max(1, _CELLS // length)
        for r in range(0, len(ids), rows):
            part = ids[r : r + rows]
            out[:, part] = _block_scores(np.stack([idx[i] for i in part]), codes, many)
    return out


def detect(
    messages: Sequence[str], codes: Sequence[str] = CODES
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(language of each message's best (shift, language) pair, (B, 26) scores of the shifts in
    that language, (B,) the pair's shift). The pair is the letter chain's best with the evidence
    of accents and, where the best few pairs are close, of words weighed in
    (``classical.langid``, as ``decrypt`` names languages, without its English prior). A message
    without letters gets the first code."""
    from caesar_rnn.classical.langid import accent_scores, best_pairs

    s = language_scores(messages, codes)  # (L, B, 26)
    v = s + accent_scores(list(messages), list(codes))[:, :, None]
    best, shift = best_pairs(list(messages), v, list(codes))
    return [codes[i] for i in best], s[best, np.arange(len(messages))], shift


def crack_language(messages: Sequence[str], lang: str, top: int = 5) -> list[list[Candidate]]:
    """Ranked candidates for each message: ``top`` of the 26 shifts under the given language's
    statistics, or, with ``lang="auto"``, under the detected language's, the detected pair's
    shift first (words can choose it over the chain's best); each candidate names its
    language. None for a message without letters."""
    lang = check_code(lang, allow_auto=True)
    if lang == AUTO:
        langs, scores, firsts = detect(messages)
    else:
        langs, scores = [lang] * len(messages), language_scores(messages, [lang])[0]
        firsts = scores.argmax(axis=1)
    out = []
    for m, code, row, first in zip(messages, langs, scores, firsts, strict=True):
        cands = rank(m, row, top=top + 1) if any(map(is_letter, m)) else []
        if cands and cands[0].shift != first:  # the chosen pair's shift first
            k = int(first)
            cands = [Candidate(k, float(row[k]), decrypt(m, k))] + [
                c for c in cands if c.shift != k
            ]
        for c in cands[:top]:
            c.language = code
        out.append(cands[:top])
    return out


def crack_language_stream(
    lines: Iterable[str], lang: str, top: int = 5, chunk: int = 4096
) -> Iterator[tuple[str, list[Candidate]]]:
    """(message, candidates) line by line, ``chunk`` lines at a time, in input order."""
    buf: list[str] = []
    for line in lines:
        buf.append(line)
        if len(buf) >= chunk:
            yield from zip(buf, crack_language(buf, lang, top), strict=True)
            buf = []
    if buf:
        yield from zip(buf, crack_language(buf, lang, top), strict=True)
