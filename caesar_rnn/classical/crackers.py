"""Classical Caesar crackers: try all 26 keys and rank them by how English the plaintext looks.

- ``chi2``: Pearson's chi-squared of the letter counts against English letter frequencies (lower is
  better), the method of Ciphey-like tools.
- ``ngram``: log10-likelihood of the plaintext under a letter quadgram model (higher is better).
- ``words``: the best split of the plaintext into words under word and word-pair counts, plus
  the quadgram score (natural log, higher is better; ``caesar_rnn.classical.words``).

Both take their statistics from the same English source the model trains on (``caesar_rnn.classical.ngrams``),
so comparisons with the model are fair. Only letters count: case, spaces and punctuation are
ignored. Scoring is vectorised over messages and shifts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from caesar_rnn.cipher import ALPHABET, N_LETTERS, decrypt, is_letter
from caesar_rnn.classical.ngrams import ORDER, letter_freqs, ngram_logp
from caesar_rnn.errors import CaesarRNNError

METHODS = ("chi2", "ngram", "words")  # crack also takes "model"
_SHIFTS = np.arange(N_LETTERS)


@dataclass
class Candidate:
    shift: int
    score: float
    plaintext: str
    #: The language it was scored in (``caesar_rnn.classical.multilang``); None: English's crack.
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"shift": self.shift, "score": round(self.score, 4), "plaintext": self.plaintext}


# Bytes -> lowercase letters, everything else (digits, punctuation, UTF-8 of non-ASCII) deleted.
_LOWER = bytes.maketrans(ALPHABET.upper().encode(), ALPHABET.encode())
_NOT_LETTER = bytes(b for b in range(256) if not (97 <= b <= 122 or 65 <= b <= 90))


def letter_indices(messages: Sequence[str]) -> list[np.ndarray]:
    """Each message's ASCII letters as 0..25 (str.translate in C, no loop per character)."""
    out = []
    for m in messages:
        b = m.encode("utf-8", "surrogateescape").translate(_LOWER, _NOT_LETTER)
        out.append(np.frombuffer(b, np.uint8).astype(np.int64) - 97)
    return out


def chi2_scores(messages: Sequence[str]) -> np.ndarray:
    """Chi-squared statistic for every message and shift (B, 26); lower is more English.
    Messages without letters score 0 for every shift."""
    idx = letter_indices(messages)
    lens = np.fromiter(map(len, idx), np.int64, len(idx))
    owner = np.repeat(np.arange(len(idx)), lens)
    flat = np.concatenate([*idx, np.empty(0, np.int64)])
    counts = np.bincount(owner * N_LETTERS + flat, minlength=len(idx) * N_LETTERS)
    counts = counts.reshape(len(idx), N_LETTERS).astype(np.float64)  # (B, 26)
    # sum_p (O_p - N f_p)^2 / (N f_p) = sum_p O_p^2 / (N f_p) - N, and under shift s the
    # plaintext letter p has the count of cipher letter p + s: one (B, 26) @ (26, 26) product.
    inv_f = 1.0 / letter_freqs()[(_SHIFTS[:, None] - _SHIFTS[None, :]) % N_LETTERS]  # (c, s)
    n = lens[:, None].astype(np.float64)  # (B, 1)
    return np.where(n > 0, (counts**2 @ inv_f) / np.maximum(n, 1) - n, 0.0)


@lru_cache(maxsize=ORDER)
def _shift_table(n: int) -> np.ndarray:
    """(26**n, 26) float32: row = a ciphertext n-gram's code, column s = log10 P of its plaintext
    under shift s. One row gather per ciphertext n-gram then scores all 26 keys at once.

    Built in one copy (~0.1 s for n = 4, not ~0.7 s of index arithmetic per shift): the table
    tiled twice along each letter axis, ``ext[N + i] = logp[i]`` read from N on, so that
    plaintext letter i - s of every position is ``ext[N + i - s]``, a view whose shift axis
    steps back one letter on every axis at once."""
    logp = ngram_logp(n).astype(np.float32).reshape((N_LETTERS,) * n)
    ext = np.tile(logp, (2,) * n)
    base = ext[(slice(N_LETTERS, None),) * n]
    strides = (*base.strides, -sum(base.strides))
    view = as_strided(base, (N_LETTERS,) * (n + 1), strides, writeable=False)
    return np.ascontiguousarray(view).reshape(N_LETTERS**n, N_LETTERS)


def prepare() -> None:
    """Build every table now (for timings that should not include it)."""
    letter_freqs()
    for n in range(1, ORDER + 1):
        _shift_table(n)


def ngram_scores(
    messages: Sequence[str],
    order: int = ORDER,
    logp: Sequence[np.ndarray] | None = None,
    idx: list[np.ndarray] | None = None,
) -> np.ndarray:
    """log10-likelihood of every message under every shift (B, 26); higher is more English.
    Messages shorter than ``order`` letters use n-grams as long as they are. ``logp``: another
    language's tables for n = 1..order (``caesar_rnn.classical.langgrams``) instead of English's;
    ``idx``: the messages' ``letter_indices``, where the caller has them already."""
    idx = letter_indices(messages) if idx is None else idx
    out = np.zeros((len(messages), N_LETTERS))
    by_len: dict[int, list[int]] = {}
    for i, c in enumerate(idx):
        if len(c):
            by_len.setdefault(len(c), []).append(i)
    # Few n-grams (one message from the command line): score each shift directly rather than
    # build the 26-shift table (~0.5 s); many: one row gather per n-gram scores all 26 shifts.
    many = logp is None and (
        sum(len(c) for c in idx) >= 1 << 15 or _shift_table.cache_info().currsize > 0
    )
    cells = 1 << 18  # n-grams per gather, so that a (cells, 26) block stays ~27 MB
    for length, ids in by_len.items():
        n = min(order, length)
        m = length - n + 1
        c = np.stack([idx[i] for i in ids])  # (B, T)
        if not many:
            plain = (c[:, None, :] - _SHIFTS[None, :, None]) % N_LETTERS  # (B, 26, T)
            pc = np.zeros((len(ids), N_LETTERS, m), np.int64)  # (B, 26, T-n+1)
            for j in range(n):
                pc = pc * N_LETTERS + plain[:, :, j : j + m]
            out[ids] = (ngram_logp(n) if logp is None else logp[n - 1])[pc].sum(axis=2)
            continue
        table = _shift_table(n)
        codes = np.zeros((len(ids), m), np.int64)  # (B, T-n+1): ciphertext n-gram codes
        for j in range(n):
            codes = codes * N_LETTERS + c[:, j : j + m]
        rows = max(1, cells // m)
        for r in range(0, len(ids), rows):
            acc = np.zeros((len(ids[r : r + rows]), N_LETTERS))  # (b, 26)
            for p in range(0, m, cells):
                # Position-major, so that the sum runs over whole (b, 26) slabs: ~1.6x faster
                # than summing each message's positions, and the same float64 sums in order.
                block = table[codes[r : r + rows, p : p + cells].T]  # (t, b, 26)
                acc += np.add.reduce(block, axis=0, dtype=np.float64)
            out[ids[r : r + rows]] = acc
    return out


def scores(messages: Sequence[str], method: str) -> np.ndarray:
    """(B, 26) scores, oriented so that higher is better (chi2 is negated)."""
    if method == "chi2":
        return -chi2_scores(messages)
    if method == "ngram":
        return ngram_scores(messages)
    if method == "words":
        from caesar_rnn.classical.words import word_scores

        return word_scores(messages)
    raise CaesarRNNError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")


def rank(
    message: str, raw: np.ndarray, lower_is_better: bool = False, top: int = 5
) -> list[Candidate]:
    """The ``top`` shifts of one message's (26,) scores, best first (ties: smaller shift first)."""
    order = np.argsort(raw if lower_is_better else -raw, kind="stable")[:top]
    return [Candidate(int(s), float(raw[s]), decrypt(message, int(s))) for s in order]


def best_shifts(messages: Sequence[str], method: str) -> np.ndarray:
    """The best shift of each message (B,)."""
    return scores(messages, method).argmax(axis=1)


def crack(
    messages: Sequence[str], method: str, top: int = 5, backend: Any = None
) -> list[list[Candidate]]:
    """Ranked candidates for each message: ``top`` of the 26 shifts, best first; none for a
    message without letters. ``method`` is chi2, ngram, words, or model (the key decode's summed
    log-probabilities from ``backend``, a loaded model; see ``caesar_rnn.decoding.decode``).
    One message is ``[message]`` (``caesar_rnn.crack`` takes a str)."""
    if isinstance(messages, str):  # would be read as one message per character
        raise CaesarRNNError("crack takes a list of messages; for one message use [message]")
    if top < 1:
        raise CaesarRNNError(f"--top must be at least 1, got {top}")
    if method == "chi2":
        raw = chi2_scores(messages)
    elif method == "model":
        from caesar_rnn.decoding.scores import shift_scores

        raw = shift_scores(list(messages), backend)
    else:
        raw = scores(messages, method)
    return [
        rank(m, row, method == "chi2", top) if any(map(is_letter, m)) else []
        for m, row in zip(messages, raw, strict=True)
    ]


def crack_stream(
    lines: Iterable[str], method: str, top: int = 5, backend: Any = None, chunk: int = 4096
) -> Iterator[tuple[str, list[Candidate]]]:
    """(message, candidates) line by line, ``chunk`` lines at a time, in input order."""
    buf: list[str] = []
    for line in lines:
        buf.append(line)
        if len(buf) >= chunk:
            yield from zip(buf, crack(buf, method, top, backend), strict=True)
            buf = []
    if buf:
        yield from zip(buf, crack(buf, method, top, backend), strict=True)
