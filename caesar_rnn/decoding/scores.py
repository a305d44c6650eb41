"""Model outputs -> key scores: a message's tokens, cut into windows of at most ``window`` tokens,
run through the model in batches of equal length, and for each of the 26 shifts the summed
log-probability the model gives the plaintext under it. With a canonical model a one-window
message of ``VIEW_MIN_LETTERS`` letters or more is also read without its first letter, and that
second reading's scores added (``second_readings``). Runs in NumPy (no torch import)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from caesar_rnn.cipher import ALPHABET, N_LETTERS, tokenize
from caesar_rnn.decoding.backends import Backend
from caesar_rnn.decoding.calibration import Evidence, english_scores

#: ``hybrid`` decode: the key decode's scores plus this times the words cracker's
#: (``caesar_rnn.classical.words``), each as log-probabilities over the 26 shifts; chosen on text
#: outside every evaluation set (experiments/words-solver/).
HYBRID_WEIGHT = 4.0
#: Longest window the model reads at once: about the longest messages it was trained on
#: (64 letters plus word boundaries), so argmax never runs far past its training lengths.
WINDOW = 80


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def key_scores(logp: np.ndarray, cipher: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Summed log p(plaintext letter = cipher - s) over letter positions, for each shift s.
    logp (B, T, 26), cipher (B, T), mask (B, T) -> (B, 26).

    Each position's 26 terms are one contiguous run of its row written twice, ``[l, l]``:
    shift s reads letter c - s, i.e. index c + 26 - s, so ``[l, l][c + 1 : c + 27]`` holds the
    shifts 25 down to 0. One row gather per position (not 26 index lookups), the same float32
    terms summed over positions in the same order; positions out of ``mask`` add zero."""
    B, T, _ = logp.shape
    twice = np.empty((B * T, 2 * N_LETTERS), logp.dtype)
    flat = logp.reshape(B * T, N_LETTERS)
    twice[:, :N_LETTERS] = flat
    twice[:, N_LETTERS:] = flat
    twice[~np.asarray(mask, bool).reshape(-1)] = 0.0
    runs = sliding_window_view(twice, N_LETTERS, axis=1)  # (B*T, 27, 26), a view
    c = np.minimum(cipher, N_LETTERS - 1).astype(np.intp).reshape(-1) + 1
    picked = runs[np.arange(B * T), c].reshape(B, T, N_LETTERS)  # shifts 25..0
    return picked.sum(axis=1)[:, ::-1]


def log_odds(scores: np.ndarray) -> np.ndarray:
    """(N,) the log-odds of each row's best shift against the other 25 together (scores as
    log-probabilities: finite where the softmax share would round to 1)."""
    top = scores.max(axis=1, keepdims=True)
    e = np.exp(scores - top)  # (N, 26)
    rest = e.sum(axis=1) - 1.0  # the best contributes exactly 1
    return -np.log(np.maximum(rest, 1e-300))


def softmax_max(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(argmax, its softmax probability) along the last axis."""
    best = scores.argmax(axis=-1)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return best, p.max(axis=-1) / p.sum(axis=-1)


def _windows(tokens: bytes, window: int) -> list[bytes]:
    """Cut into near-equal windows of at most ``window`` tokens (no short leftover window,
    which would give its letters little context)."""
    if len(tokens) <= window:
        return [tokens]
    n = -(-len(tokens) // window)
    size = -(-len(tokens) // n)
    return [tokens[i : i + size] for i in range(0, len(tokens), size)]


#: Tokens per forward batch: big enough for efficient matrix products, small enough that the
#: activations of a 2x256 GRU stay around 100 MB.
BATCH_TOKENS = 16384
#: A canonical model rotates each window so that its first letter reads 'a': what it reads depends
#: on that letter, and its few confident misses (a rare word under one rotation) are mostly read
#: right from another. So both decodes also read each one-window message of this many letters
#: or more without its first letter (another rotation of the same text, with the same key) and
#: add up both readings. On held-out text this cut the misses at 8+ letters by a fifth to two
#: fifths; below 8 letters the shorter reading cost more than it gave (experiments/second-reading/).
VIEW_MIN_LETTERS = 8
_BOUNDARY = bytes([N_LETTERS])
#: The confidence at which a key taken from a prefix is kept (``key_prefix``, ``--whole``).
DECISIVE = 0.999
#: The shortest prefix (tokens) a key may be taken from: on 600 sentences of our tuning prose
#: (24-120 letters) prefixes of 4, 8 and 12 tokens kept a wrong key in 22, 7 and 1 of them at a
#: reported confidence of 0.999 and more; from 16 tokens, none.
MIN_KEY_PREFIX = 16

# str -> model tokens, one byte each, for the common all-letters message (no Python loop).
_CODES = bytes.maketrans((ALPHABET + ALPHABET.upper()).encode(), bytes(range(N_LETTERS)) * 2)


def _encode(message: str, boundaries: bool) -> bytes:
    """A message's model tokens, one byte per token."""
    if message.isascii() and message.isalpha():
        return message.encode("ascii").translate(_CODES)
    return bytes(tokenize(message, boundaries))


@dataclass
class Scored:
    scores: np.ndarray  # (N, 26) key scores per message
    argmax: list[np.ndarray]  # per window: the argmax letter at each letter position
    probs: list[np.ndarray]  # per window: that letter's probability
    letter_logp: dict[int, np.ndarray]  # for the windows asked for: (letters, 26) log-probs


def score_windows(
    backend: Backend,
    wins: list[bytes],
    owner: np.ndarray,
    n_messages: int,
    per_letter: bool,
    batch_tokens: int = BATCH_TOKENS,
    keep: frozenset[int] = frozenset(),
) -> Scored:
    """Run the model over every window, batched by equal length (no padding), and add each
    window's key scores to its message's. ``per_letter`` also keeps the argmax decode's output,
    and the whole per-letter log-probabilities of the windows in ``keep``."""
    scores = np.zeros((n_messages, N_LETTERS))  # (N, 26)
    letter_logp: dict[int, np.ndarray] = {}
    empty = np.empty(0, np.int64)
    argmax: list[np.ndarray] = [empty] * len(wins) if per_letter else []
    probs: list[np.ndarray] = [empty] * len(wins) if per_letter else []
    by_len: dict[int, list[int]] = {}
    for i, w in enumerate(wins):
        if w:
            by_len.setdefault(len(w), []).append(i)
    # A backend may read fewer tokens at once (NumPy: what keeps its activations in cache).
    batch_tokens = min(batch_tokens, getattr(backend, "batch_tokens", batch_tokens))
    on_device = getattr(backend, "window_scores", None)  # (B, T) -> (B, 26), e.g. on a GPU
    for T, ids in by_len.items():
        rows = max(1, batch_tokens // T)
        for s in range(0, len(ids), rows):
            chunk = ids[s : s + rows]
            toks = np.frombuffer(b"".join([wins[i] for i in chunk]), np.uint8)
            toks = toks.reshape(len(chunk), T)  # (B, T)
            if on_device and not per_letter:  # a GPU sums the key scores itself
                np.add.at(scores, owner[chunk], on_device(toks))
                continue
            logp = log_softmax(backend.logits(toks))  # (B, T, 26)
            mask = toks < N_LETTERS  # (B, T): boundary tokens carry no letter
            np.add.at(scores, owner[chunk], key_scores(logp, toks, mask))
            if per_letter:
                best, top = logp.argmax(axis=2), np.exp(logp.max(axis=2))  # (B, T)
                for j, i in enumerate(chunk):
                    argmax[i], probs[i] = best[j][mask[j]], top[j][mask[j]]
                    if i in keep:
                        letter_logp[i] = logp[j][mask[j]]  # (letters, 26)
    return Scored(scores, argmax, probs, letter_logp)


def windowed(
    messages: list[str], boundaries: bool, window: int
) -> tuple[list[bytes], list[bytes], np.ndarray]:
    """(tokens per message, windows, owner message of each window)."""
    toks = [_encode(m, boundaries) for m in messages]
    wins, owner = _cut(toks, window)
    return toks, wins, owner


def _cut(toks: list[bytes], window: int) -> tuple[list[bytes], np.ndarray]:
    """(windows, owner message of each window)."""
    wins: list[bytes] = []
    owner: list[int] = []
    for i, t in enumerate(toks):
        if len(t) <= window:
            wins.append(t)
            owner.append(i)
        else:
            for w in _windows(t, window):
                wins.append(w)
                owner.append(i)
    return wins, np.asarray(owner, np.int64)


def second_readings(toks: list[bytes], window: int) -> tuple[list[bytes], np.ndarray]:
    """The second readings of both decodes: each one-window message of ``VIEW_MIN_LETTERS``
    letters or more without its first letter (and a boundary that would then lead), with the
    index of its message."""
    views: list[bytes] = []
    owner: list[int] = []
    for i, t in enumerate(toks):
        if len(t) <= window and len(t) - t.count(_BOUNDARY) >= VIEW_MIN_LETTERS:
            views.append(t[1:].lstrip(_BOUNDARY))
            owner.append(i)
    return views, np.asarray(owner, np.int64)


def _key_scores(
    backend: Backend, toks: list[bytes], window: int, batch: int, views: bool = True
) -> np.ndarray:
    """The key decode's scores (N, 26): each message's windows added up, plus its second reading
    (``second_readings``) where the model is canonical and ``views`` is on."""
    wins, owner = _cut(toks, window)
    if views and backend.config.canonical:
        second, second_owner = second_readings(toks, window)
        wins, owner = wins + second, np.concatenate([owner, second_owner])
    return score_windows(backend, wins, owner, len(toks), False, batch).scores


def _prefix_scores(
    backend: Backend,
    toks: list[bytes],
    prefix: int,
    window: int,
    batch: int,
    views: bool,
    first: Backend | None = None,
    decided: Callable[[np.ndarray], np.ndarray] | None = None,
    reads: np.ndarray | None = None,
) -> tuple[np.ndarray, list[bytes], np.ndarray]:
    """Key scores (N, 26) from each message's first ``prefix`` tokens, read once by ``first``
    (default: ``backend``), then again by ``backend``, as ``views`` says, from all of it for the
    messages whose prefix left the key undecided, with the tokens each message's scores come
    from and which messages were read again (N,) bool. ``decided`` maps the prefix scores to
    the messages decided (default: a confidence of ``DECISIVE`` or more, or no more tokens);
    ``reads`` (N,) bool: the messages the first pass reads (default: all)."""
    used = [t[:prefix] for t in toks]
    if reads is not None:
        used = [u if r else b"" for u, r in zip(used, reads.tolist(), strict=True)]
    scores = _key_scores(first or backend, used, window, batch, views=False)
    if decided is None:
        short = np.array([len(t) <= prefix for t in toks], bool)
        done = short | (softmax_max(scores)[1] >= DECISIVE)
    else:
        done = decided(scores)
    whole = ~done
    redo = np.flatnonzero(whole)
    if len(redo):
        scores[redo] = _key_scores(backend, [toks[i] for i in redo], window, batch, views)
        for i in redo.tolist():
            used[i] = toks[i]
    return scores, used, whole


def scored_letters(toks: list[bytes], window: int, second: bool) -> tuple[np.ndarray, np.ndarray]:
    """(letters of each message, letter positions its key scores add up: with ``second``
    readings (``second_readings``), a one-window message of VIEW_MIN_LETTERS letters or more adds n - 1)."""
    n = np.array([len(t) - t.count(_BOUNDARY) for t in toks], np.int64)
    twice = np.array([second and len(t) <= window for t in toks], bool) & (n >= VIEW_MIN_LETTERS)
    return n, n + np.where(twice, n - 1, 0)


def _read(
    messages: list[str],
    toks: list[bytes],
    backend: Backend,
    window: int,
    batch: int,
    key_prefix: int,
    views: bool,
    cascade: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """(key scores (N, 26), letter positions summed into each), read whole, from a prefix
    (``key_prefix``) or behind the fast stage (``cascade``, a ``decoding.cascade.Cascade``)."""
    second = views and backend.config.canonical
    if not key_prefix and cascade is None:
        return _key_scores(backend, toks, window, batch, views), scored_letters(
            toks, window, second
        )[1]
    if key_prefix:
        scores, used, whole = _prefix_scores(backend, toks, key_prefix, window, batch, views)
    else:
        n = scored_letters(toks, window, False)[0]
        decided = partial(cascade.decided, messages, n)
        scores, used, whole = _prefix_scores(
            backend, toks, cascade.prefix, window, batch, views, cascade.fast, decided,
            n >= cascade.min_letters,
        )  # fmt: skip
    # A message read again whole was read as ``views`` says; the first pass reads once.
    twice, once = scored_letters(used, window, second)[1], scored_letters(used, window, False)[1]
    return scores, np.where(whole, twice, once)


def key_evidence(
    messages: list[str],
    backend: Backend,
    window: int = WINDOW,
    batch: int = BATCH_TOKENS,
    key_prefix: int = 0,
    views: bool = True,
    english: bool = True,
    hybrid: bool = False,
) -> Evidence:
    """The key decode's scores with what calibration needs to read them (``Evidence``);
    ``english=False`` skips the quadgram scores (``english_scores``), left at 0; ``hybrid``: the
    scores are the hybrid decode's (``with_words``)."""
    toks = [_encode(m, backend.config.boundaries) for m in messages]
    cascade = getattr(backend, "cascade", None)  # only the plain key decode runs behind one
    cascade = cascade if views and not (key_prefix or hybrid) else None
    scores, scored = _read(messages, toks, backend, window, batch, key_prefix, views, cascade)
    if hybrid:
        scores = with_words(messages, scores)
    letters, _ = scored_letters(toks, window, False)
    natural = np.array([not (m.strip().isascii() and m.strip().isalpha()) for m in messages])
    how = english_scores(messages) if english else np.zeros(len(messages))
    return Evidence(scores, letters, scored, natural.astype(bool), how)


_LOWER = bytes.maketrans(ALPHABET.upper().encode(), ALPHABET.encode())
_NOT_LETTER = bytes(b for b in range(256) if not (97 <= b <= 122 or 65 <= b <= 90))


def quadgram_scores(messages: list[str], shifts: np.ndarray) -> np.ndarray:
    """(N,) each message's quadgram log10-likelihood per quadgram (of its ASCII letters) under its
    one shift in ``shifts``, as ``english_scores`` scores every shift; NaN under 4 letters."""
    from caesar_rnn.classical.ngrams import ngram_logp

    data = [m.encode("utf-8", "surrogateescape").translate(_LOWER, _NOT_LETTER) for m in messages]
    n = np.fromiter(map(len, data), np.int64, len(data))
    owner = np.repeat(np.arange(len(data)), n)  # (L,)
    plain = (np.frombuffer(b"".join(data), np.uint8) - 97 - shifts[owner]) % N_LETTERS  # (L,)
    codes = plain[:-3] * N_LETTERS**3 + plain[1:-2] * N_LETTERS**2
    codes += plain[2:-1] * N_LETTERS + plain[3:]  # (L-3,) every quadgram of the joined letters
    inside = owner[:-3] == owner[3:]  # those within one message
    total = np.bincount(owner[:-3][inside], ngram_logp(4)[codes[inside]], len(data))
    return np.where(n >= 4, total / np.maximum(n - 3, 1), np.nan)


def shift_scores(
    messages: list[str],
    backend: Backend,
    window: int = WINDOW,
    batch: int = BATCH_TOKENS,
    views: bool = True,
) -> np.ndarray:
    """The key decode's scores (B, 26): for each message and shift, the summed log-probability
    the model gives the plaintext under that shift (what ``--decode key`` takes the argmax of),
    from the same windows, second readings and batches as ``decrypt_messages``. No letters: 0
    for every shift."""
    toks = [_encode(m, backend.config.boundaries) for m in messages]
    return _key_scores(backend, toks, window, batch, views)


def prefix_scores(
    messages: list[str], backend: Backend, prefix: int, batch: int = BATCH_TOKENS
) -> np.ndarray:
    """(B, 26) the key scores of each message's first ``prefix`` tokens, read once: what a
    cascade's fast stage (``caesar_rnn.decoding.cascade``) decides from."""
    toks = [_encode(m, backend.config.boundaries)[:prefix] for m in messages]
    return _key_scores(backend, toks, WINDOW, batch, views=False)


def with_words(
    messages: list[str], scores: np.ndarray, weight: float = HYBRID_WEIGHT
) -> np.ndarray:
    """The hybrid decode's scores (B, 26): the model's key scores plus ``weight`` times the words
    cracker's, each normalised over the 26 shifts (a product of experts). Not the model alone."""
    from caesar_rnn.classical.words import word_scores

    return log_softmax(scores) + weight * log_softmax(word_scores(messages))
