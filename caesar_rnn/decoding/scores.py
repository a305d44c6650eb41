"""Model outputs -> key scores: a message's tokens, cut into windows of at most ``window`` tokens,
run through the model in batches of equal length, and for each of the 26 shifts the summed
log-probability the model gives the plaintext under it. With a canonical model a one-window
message of ``VIEW_MIN_LETTERS`` letters or more is also read without its first letter, and that
second reading's scores added (``second_readings``). Runs in NumPy (no torch import)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
_SHIFTS = np.arange(N_LETTERS)


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def key_scores(logp: np.ndarray, cipher: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Summed log p(plaintext letter = cipher - s) over letter positions, for each shift s.
    logp (B, T, 26), cipher (B, T), mask (B, T) -> (B, 26)."""
    idx = (np.minimum(cipher, N_LETTERS - 1)[..., None] - _SHIFTS) % N_LETTERS  # (B, T, 26)
    picked = np.take_along_axis(logp, idx, axis=2)  # (B, T, 26)
    return (picked * mask[..., None]).sum(axis=1)


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
    for T, ids in by_len.items():
        rows = max(1, batch_tokens // T)
        for s in range(0, len(ids), rows):
            chunk = ids[s : s + rows]
            toks = np.frombuffer(b"".join([wins[i] for i in chunk]), np.uint8)
            toks = toks.reshape(len(chunk), T)  # (B, T)
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
    backend: Backend, toks: list[bytes], prefix: int, window: int, batch: int, views: bool
) -> tuple[np.ndarray, list[bytes]]:
    """Key scores (N, 26) from each message's first ``prefix`` tokens, then again from all of
    it for the longer messages whose prefix left the key undecided (confidence < DECISIVE),
    with the tokens each message's scores come from.
    The prefix pass is the fast path, so it reads once; the second pass reads as ``views``."""
    used = [t[:prefix] for t in toks]
    scores = _key_scores(backend, used, window, batch, views=False)
    _, conf = softmax_max(scores)
    redo = [i for i, t in enumerate(toks) if len(t) > prefix and conf[i] < DECISIVE]
    if redo:
        scores[redo] = _key_scores(backend, [toks[i] for i in redo], window, batch, views)
        for i in redo:
            used[i] = toks[i]
    return scores, used


def scored_letters(toks: list[bytes], window: int, second: bool) -> tuple[np.ndarray, np.ndarray]:
    """(letters of each message, letter positions its key scores add up: with ``second``
    readings (``second_readings``), a one-window message of VIEW_MIN_LETTERS letters or more adds n - 1)."""
    n = np.array([len(t) - t.count(_BOUNDARY) for t in toks], np.int64)
    twice = np.array([second and len(t) <= window for t in toks], bool) & (n >= VIEW_MIN_LETTERS)
    return n, n + np.where(twice, n - 1, 0)


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
    if key_prefix:
        scores, toks = _prefix_scores(backend, toks, key_prefix, window, batch, views)
        full = [len(t) > key_prefix for t in toks]  # read whole: its second reading counts too
    else:
        scores = _key_scores(backend, toks, window, batch, views)
        full = [True] * len(toks)
    if hybrid:
        scores = with_words(messages, scores)
    second = views and backend.config.canonical
    letters, scored = scored_letters(toks, window, second)
    if key_prefix:
        once, _ = scored_letters(toks, window, False)
        scored = np.where(full, scored, once)
    natural = np.array([not (m.strip().isascii() and m.strip().isalpha()) for m in messages])
    how = english_scores(messages) if english else np.zeros(len(messages))
    return Evidence(scores, letters, scored, natural.astype(bool), how)


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


def with_words(
    messages: list[str], scores: np.ndarray, weight: float = HYBRID_WEIGHT
) -> np.ndarray:
    """The hybrid decode's scores (B, 26): the model's key scores plus ``weight`` times the words
    cracker's, each normalised over the 26 shifts (a product of experts). Not the model alone."""
    from caesar_rnn.classical.words import word_scores

    return log_softmax(scores) + weight * log_softmax(word_scores(messages))
