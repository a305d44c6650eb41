"""The best (language, shift) pair of many messages, found exactly without scoring every pair.

``multilang.language_scores`` scores a message under its 26 shifts in every language: 27 x 26
letter chains. Most of those pairs cannot win, and a bound says which. Under the *envelope* of
the languages' tables (for each trigram and each quadgram, the largest of the languages' values)
a reading's chain scores at least as high as in any one language: one chain per shift bounds all
27 from above. (The envelope, not zero: a term log10 P(d | abc) of the shipped tables can be
positive, up to +0.17, where a quadgram's stored probability exceeds its trigram's.) The best
shift under the envelope, scored exactly in every language, bounds the best pair from below. Only
the pairs whose bound plus their language's offset reaches that are scored exactly, with
``language_scores``' arithmetic, so every score found is the same to the bit, and so is every
decision (tests/classical/test_langsearch.py compares them with scoring every pair). On the
bench's English messages 5 % of the pairs are scored exactly, on generated text of twelve
languages 14 % (the winners' 26 shifts included): 8x and 4x faster than scoring every pair
(experiments/speed/language_search.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.classical.crackers import letter_indices
from caesar_rnn.classical.langgrams import ORDER, chain_stack
from caesar_rnn.classical.multilang import _CELLS, _FULL, _SHIFTS, _block_scores, _codes

#: Room left for rounding when a bound is compared (scores are sums of ~64 float32 terms in
#: float64: their rounding is ~1e-12; a pair is dropped only when it misses by more than this).
_SLACK = 1e-6
_QUADS = N_LETTERS**ORDER
_TRIS = N_LETTERS ** (ORDER - 1)
_SHIFTS32 = _SHIFTS.astype(np.int32)


@dataclass(frozen=True)
class Best:
    """Per message (B of them): ``language`` (B,), the index into the codes of the best
    (language, shift) pair's language under score + offset (the first language on a tie), or,
    for a message with an ``at`` shift, the best language at that shift; ``scores`` (B, 26), that
    language's scores of the 26 shifts, without the offset, for the languages ``rows`` names (NaN
    elsewhere and for the ``at`` messages); ``at`` (L, B), each language's score at the message's
    ``at`` shift (NaN where it has none); ``close`` (B,): whether a second pair comes within the
    search's ``margin`` of the best (False for the ``at`` messages)."""

    language: np.ndarray
    scores: np.ndarray
    at: np.ndarray
    close: np.ndarray


def best_languages(
    messages: Sequence[str],
    codes: Sequence[str],
    offsets: Sequence[float] | np.ndarray,
    rows: Sequence[bool] | None = None,
    at: Sequence[int] | np.ndarray | None = None,
    margin: float = 0.0,
) -> Best:
    """The decisions ``language_scores(messages, codes)`` plus ``offsets`` (one log10 term per
    language) lead to, exactly, scoring only the pairs that can win. ``rows``: for which
    languages a winner's 26 scores are wanted (default all); ``at``: a shift per message (-1 for
    none) at which every language is scored instead of searching all pairs; ``margin`` (log10):
    also score every pair that may come this close to the best, to tell ``close`` messages. A
    message without letters scores 0 everywhere."""
    n_lang, n_msg = len(codes), len(messages)
    off = np.asarray(offsets, np.float64).reshape(n_lang)
    want = np.ones(n_lang, bool) if rows is None else np.asarray(rows, bool).reshape(n_lang)
    shift = np.full(n_msg, -1, np.int64) if at is None else np.asarray(at, np.int64)
    out = Best(
        np.zeros(n_msg, np.int64),
        np.full((n_msg, N_LETTERS), np.nan),
        np.full((n_lang, n_msg), np.nan),
        np.zeros(n_msg, bool),
    )
    idx = letter_indices(messages)
    many = sum(map(len, idx)) >= _FULL
    by_len: dict[int, list[int]] = {}
    for i, c in enumerate(idx):
        by_len.setdefault(len(c), []).append(i)
    for length, ids in by_len.items():
        step = max(1, _CELLS // max(length, 1))
        for r in range(0, len(ids), step):
            part = np.array(ids[r : r + step])
            letters = np.stack([idx[i] for i in part]) if length else None
            search = many and length >= ORDER and n_lang > 1
            block = _search if search else _every_pair
            block(out, part, letters, tuple(codes), off, want, shift[part], many, margin)
    return out


def _every_pair(
    out: Best, part: np.ndarray, letters: np.ndarray | None, codes: tuple[str, ...],
    off: np.ndarray, want: np.ndarray, at: np.ndarray, many: bool, margin: float,
) -> None:  # fmt: skip
    """Fill ``out`` for the messages ``part`` (of equal length) by scoring every pair."""
    n = len(part)
    s = (
        np.zeros((len(codes), n, N_LETTERS))
        if letters is None
        else _block_scores(letters, codes, many)
    )
    r = np.arange(n)
    fixed = at >= 0
    at_s = s[:, r, np.where(fixed, at, 0)]
    v = s + off[:, None, None]
    lang = np.where(fixed, (at_s + off[:, None]).argmax(0), v.max(2).argmax(0))
    near = (v >= v.max(axis=(0, 2))[None, :, None] - margin).sum(axis=(0, 2))
    out.close[part] = (near > 1) & ~fixed
    _fill(out, part, lang, s[lang, r], at_s, want, fixed)


def _fill(
    out: Best, part: np.ndarray, lang: np.ndarray, scores: np.ndarray, at_s: np.ndarray,
    want: np.ndarray, fixed: np.ndarray,
) -> None:  # fmt: skip
    out.language[part] = lang
    keep = want[lang] & ~fixed
    out.scores[part[keep]] = scores[keep]
    out.at[:, part[fixed]] = at_s[:, fixed]


def _search(
    out: Best, part: np.ndarray, letters: np.ndarray | None, codes: tuple[str, ...],
    off: np.ndarray, want: np.ndarray, at: np.ndarray, many: bool, margin: float,
) -> None:  # fmt: skip
    """Fill ``out`` for the messages ``part`` (of equal length, at least ``ORDER`` letters),
    scoring exactly only the pairs that the envelope bound leaves in."""
    assert letters is not None
    # int32 codes (the largest, with a language's offset, is 27 * 26**4): half the traffic.
    plain = (
        letters.astype(np.int32)[:, None, :] + (N_LETTERS - _SHIFTS32)[None, :, None]
    ) % N_LETTERS
    chain = Chains(
        chain_stack(codes),
        _codes(plain[:, :, : ORDER - 1], ORDER - 1, np.int32)[:, :, 0],
        _codes(plain, ORDER, np.int32),
    )
    top_tri, top_given = _envelope(codes)
    bound = top_tri.take(chain.first) + top_given.take(chain.quads).sum(axis=2, dtype=np.float64)
    n_lang, n, r = len(codes), len(part), np.arange(len(part))
    fixed = at >= 0
    s0 = np.where(fixed, at, bound.argmax(axis=1))  # (B,): scored exactly in every language
    exact0 = chain.every_language(r, s0)  # (L, B)
    v0 = exact0 + off[:, None]
    low = v0.max(axis=0)  # (B,): the best pair reaches at least this
    # The pairs the bound leaves: first the readings some language could win with, then which
    # languages (a (L, B, 26) mask would cost more than the few readings it leaves).
    reach = low - margin - _SLACK
    open_ = (bound + off.max() >= reach[:, None]) & ~fixed[:, None]  # (B, 26)
    open_[r, s0] = False
    js, ss = np.nonzero(open_)
    ls, p = np.nonzero(bound[js, ss][None] + off[:, None] >= reach[js][None])
    bs, ss = js[p], ss[p]
    v = chain.exact(ls, bs, ss) + off[ls]
    best = low.copy()
    np.maximum.at(best, bs, v)
    hit0 = v0 == best[None]
    lang = np.where(hit0.any(axis=0), hit0.argmax(axis=0), n_lang)
    hits = v == best[bs]
    np.minimum.at(lang, bs[hits], ls[hits])
    near = (v0 >= best[None] - margin).sum(axis=0) + np.bincount(
        bs[v >= best[bs] - margin], minlength=n
    )
    out.close[part] = (near > 1) & ~fixed
    scores = np.full((n, N_LETTERS), np.nan)
    rows = np.flatnonzero(want[lang] & ~fixed)
    for code in np.unique(lang[rows]):
        mine = rows[lang[rows] == code]
        scores[mine] = chain.every_shift(int(code), mine)
    _fill(out, part, lang, scores, exact0, want, fixed)


@dataclass(frozen=True)
class Chains:
    """The stacked chain tables of the languages and one block's (B, 26) first trigrams and
    (B, 26, m) quadgrams: scores any (language, message, shift) pairs exactly."""

    stack: tuple[np.ndarray, np.ndarray]
    first: np.ndarray
    quads: np.ndarray

    def exact(self, ls: np.ndarray, bs: np.ndarray, ss: np.ndarray) -> np.ndarray:
        """The chain scores of the pairs (language ``ls``, message ``bs``, shift ``ss``), each
        as ``multilang._block_scores`` computes it (a row of float32 terms summed in float64,
        plus the first trigram's), so equal to the bit; in pieces of bounded size."""
        tri, given = self.stack[0].ravel(), self.stack[1].ravel()
        m = self.quads.shape[2]
        out = np.empty(len(ls))
        step = max(1, N_LETTERS * _CELLS // m)
        for a in range(0, len(ls), step):
            lang, b, s = ls[a : a + step], bs[a : a + step], ss[a : a + step]
            q = self.quads[b, s] + (lang.astype(np.int32) * _QUADS)[:, None]
            terms = given.take(q).sum(axis=1, dtype=np.float64)
            out[a : a + step] = tri.take(self.first[b, s] + lang.astype(np.int32) * _TRIS) + terms
        return out

    def every_language(self, bs: np.ndarray, ss: np.ndarray) -> np.ndarray:
        """(L, n) exact scores of the readings (message ``bs``, shift ``ss``) in every language
        (one index array for all of them)."""
        tri, given = self.stack
        q, f = self.quads[bs, ss], self.first[bs, ss]
        return np.stack(
            [
                t.take(f) + g.take(q).sum(axis=1, dtype=np.float64)
                for t, g in zip(tri, given, strict=True)
            ]
        )

    def every_shift(self, lang: int, bs: np.ndarray) -> np.ndarray:
        """(n, 26) exact scores of the messages ``bs`` under every shift in language ``lang``."""
        tri, given = self.stack[0][lang], self.stack[1][lang]
        return tri.take(self.first[bs]) + given.take(self.quads[bs]).sum(axis=2, dtype=np.float64)


@lru_cache(maxsize=2)
def _envelope(codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The largest log10 P(trigram) and log10 P(d | abc) over the languages of ``codes``."""
    tri, given = chain_stack(codes)
    return tri.max(axis=0), given.max(axis=0)
