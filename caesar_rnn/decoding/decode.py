"""Model outputs -> plaintext: the design sheet's argmax at every position, or a key-consistent
decode (one shift per message: the one with the highest summed log-probability of the 26), with a
confidence. Runs in NumPy on the CPU (no torch import) or in torch on a GPU.

Long messages are cut into windows of ``window`` tokens, decoded as one batch; the key decode
adds up the windows' scores, so the whole message still gets one key. With a canonical model both
decodes of a one-window message of ``VIEW_MIN_LETTERS`` letters or more also read it without its
first letter and add that second reading's scores (the key decode) or log-probabilities (the argmax
decode, letter by letter; see ``_views``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from caesar_rnn.cipher import ALPHABET, N_LETTERS, decrypt, fill_letters, tokenize
from caesar_rnn.config import ModelConfig
from caesar_rnn.decoding.calibration import Calibration, Evidence, english_scores
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.nn.numpy_rnn import NumpyRNN
from caesar_rnn.store import load_meta, load_torch_model, load_weights

MODES = ("key", "argmax", "hybrid")
DEFAULT_MODE = "key"
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


class Backend(Protocol):
    config: ModelConfig

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray: ...


class TorchBackend:
    """The torch model behind the same interface, for GPUs (and for cross-checking NumPy)."""

    def __init__(self, model_dir: str | Path, device: str) -> None:
        import torch

        self._torch = torch
        self.model = load_torch_model(model_dir, device)
        self.config: ModelConfig = self.model.config
        self.device = device

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode():
            t = torch.from_numpy(tokens.astype(np.int64)).to(self.device)
            lens = None if lengths is None else torch.from_numpy(lengths.astype(np.int64))
            return self.model(t, lens).float().cpu().numpy()


def load_backend(model_dir: str | Path, device: str = "cpu") -> Backend:
    if device == "cpu":
        meta = load_meta(model_dir)
        return NumpyRNN(meta.model, load_weights(model_dir, meta.model))
    return TorchBackend(model_dir, device)


@dataclass
class Alternative:
    """A runner-up of the key decode: another shift, its plaintext and its probability."""

    shift: int
    plaintext: str
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "shift": self.shift,
            "plaintext": self.plaintext,
            "probability": round(self.probability, 6),
        }


@dataclass
class Decryption:
    """One message's answer. ``confidence``: with a calibrated model, the chance that
    ``plaintext`` is exactly right; ``english``: whether any shift reads as English (None:
    the model has no calibration table). The argmax decode also says whether its letters form
    one shift (``single_shift``; ``shift`` is None when not), the nearest shift, and its mean
    per-letter probability (``letter_confidence``)."""

    ciphertext: str
    plaintext: str
    shift: int | None  # None: no letters to decide from (argmax: or no single shift)
    confidence: float
    english: bool | None = None
    alternatives: list[Alternative] = field(default_factory=list)
    calibrated: bool = False
    decode: str = "key"
    single_shift: bool | None = None
    nearest_shift: int | None = None
    letter_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "ciphertext": self.ciphertext,
            "plaintext": self.plaintext,
            "shift": self.shift,
            "confidence": round(self.confidence, 6),
            "calibrated": self.calibrated,
            "english": self.english,
            "decode": self.decode,
        }
        if self.decode == "argmax":
            d["single_shift"] = self.single_shift
            d["nearest_shift"] = self.nearest_shift
            lc = self.letter_confidence
            d["letter_confidence"] = None if lc is None else round(lc, 6)
        else:
            d["alternatives"] = [a.to_dict() for a in self.alternatives]
        return d


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
#: Runners-up the key decode lists by default.
TOP = 2
# str -> model tokens, one byte each, for the common all-letters message (no Python loop).
_CODES = bytes.maketrans((ALPHABET + ALPHABET.upper()).encode(), bytes(range(N_LETTERS)) * 2)


def _encode(message: str, boundaries: bool) -> bytes:
    """A message's model tokens, one byte per token."""
    if message.isascii() and message.isalpha():
        return message.encode("ascii").translate(_CODES)
    return bytes(tokenize(message, boundaries))


@dataclass
class _Scored:
    scores: np.ndarray  # (N, 26) key scores per message
    argmax: list[np.ndarray]  # per window: the argmax letter at each letter position
    probs: list[np.ndarray]  # per window: that letter's probability
    letter_logp: dict[int, np.ndarray]  # for the windows asked for: (letters, 26) log-probs


def _score(
    backend: Backend,
    wins: list[bytes],
    owner: np.ndarray,
    n_messages: int,
    per_letter: bool,
    batch_tokens: int = BATCH_TOKENS,
    keep: frozenset[int] = frozenset(),
) -> _Scored:
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
    return _Scored(scores, argmax, probs, letter_logp)


def _windowed(
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


def _views(toks: list[bytes], window: int) -> tuple[list[bytes], np.ndarray]:
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
    (``_views``) where the model is canonical and ``views`` is on."""
    wins, owner = _cut(toks, window)
    if views and backend.config.canonical:
        second, second_owner = _views(toks, window)
        wins, owner = wins + second, np.concatenate([owner, second_owner])
    return _score(backend, wins, owner, len(toks), False, batch).scores


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


def _scored_letters(toks: list[bytes], window: int, second: bool) -> tuple[np.ndarray, np.ndarray]:
    """(letters of each message, letter positions its key scores add up: with ``second``
    readings (``_views``), a one-window message of VIEW_MIN_LETTERS letters or more adds n - 1)."""
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
    letters, scored = _scored_letters(toks, window, second)
    if key_prefix:
        once, _ = _scored_letters(toks, window, False)
        scored = np.where(full, scored, once)
    natural = np.array([not (m.strip().isascii() and m.strip().isalpha()) for m in messages])
    how = english_scores(messages) if english else np.zeros(len(messages))
    return Evidence(scores, letters, scored, natural.astype(bool), how)


def decrypt_messages(
    messages: list[str],
    backend: Backend,
    mode: str = DEFAULT_MODE,
    window: int = WINDOW,
    batch: int = BATCH_TOKENS,
    key_prefix: int = 0,
    views: bool = True,
    calibration: Calibration | None = None,
    top: int = TOP,
) -> list[Decryption]:
    """Decrypt each message on its own; case and non-letters are kept. ``batch``: tokens per
    forward pass. ``key_prefix`` > 0 (key mode): take the key from each message's first
    ``key_prefix`` tokens when that is decisive, reading the rest only when it is not.
    ``mode="hybrid"``: the key decode with the words cracker's scores added (``with_words``);
    its scores are not what a calibration table was fitted on, so it reports uncalibrated.
    ``views=False``: no second reading (``VIEW_MIN_LETTERS``; either mode), for comparison.
    ``calibration`` (the model's ``calibration.json``) makes ``confidence`` the chance that the
    plaintext is exactly right and gives the English verdict; ``top``: runners-up to list."""
    if mode not in MODES:
        raise CaesarRNNError(f"unknown decode mode {mode!r}: choose one of {', '.join(MODES)}")
    if key_prefix < 0:
        raise CaesarRNNError(f"--key-prefix must be 0 (off) or positive, got {key_prefix}")
    if top < 0:
        raise CaesarRNNError(f"--top must be 0 or more, got {top}")
    if mode == "argmax":
        return _decrypt_argmax(messages, backend, window, batch, views, calibration)
    hybrid = mode == "hybrid"
    cal = None if hybrid else calibration
    ev = key_evidence(messages, backend, window, batch, key_prefix, views, cal is not None, hybrid)
    return _decrypt_key(messages, ev, cal, top, mode)


def _decrypt_key(
    messages: list[str], ev: Evidence, calibration: Calibration | None, top: int, mode: str
) -> list[Decryption]:
    """One shift per message from its key scores (``ev``, the ``mode`` decode's: key or
    hybrid), with ``top`` runners-up."""
    conf, english, _ = judge(ev, calibration)
    results = []
    for i, (msg, n) in enumerate(zip(messages, ev.letters.tolist(), strict=True)):
        if not n:
            results.append(
                Decryption(msg, msg, None, 0.0, calibrated=calibration is not None, decode=mode)
            )
            continue
        order = np.argsort(-ev.scores[i], kind="stable")
        k = int(order[0])
        # The chance the best is wrong, shared among the others as their softmax shares it.
        others = np.exp(ev.scores[i, order[1:]] - ev.scores[i, order[1]])
        share = (1.0 - conf[i]) * others / others.sum()
        alts = [
            Alternative(int(j), decrypt(msg, int(j)), float(q))
            for j, q in zip(order[1 : 1 + top], share, strict=False)
        ]
        # One key for the whole message is a table lookup per character (str.translate).
        results.append(
            Decryption(
                msg,
                decrypt(msg, k),
                k,
                float(conf[i]),
                _flag(english, i),
                alts,
                calibration is not None,
                mode,
            )
        )
    return results


def judge(
    ev: Evidence, calibration: Calibration | None, shifts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """(confidence of each message's shift (default: the best), English verdict or None when
    uncalibrated, softmax of the 26 shifts)."""
    probs = ev.probabilities()
    if calibration is None:
        k = probs.argmax(axis=1) if shifts is None else shifts
        return probs[np.arange(len(probs)), k], None, probs
    return calibration.confidence(ev, shifts), calibration.verdict(ev), probs


def _flag(english: np.ndarray | None, i: int) -> bool | None:
    return None if english is None else bool(english[i])


def _decrypt_argmax(
    messages: list[str],
    backend: Backend,
    window: int,
    batch: int,
    views: bool,
    calibration: Calibration | None,
) -> list[Decryption]:
    toks, wins, owner = _windowed(messages, backend.config.boundaries, window)
    n_wins = len(wins)
    by_msg: list[list[int]] = [[] for _ in messages]
    for j, i in enumerate(owner.tolist()):
        by_msg[i].append(j)
    # A message read twice (``_views``): its one window and its second reading, whose letters are
    # its letters 1..n-1; the argmax is taken per letter over both readings' log-probs added.
    twice: dict[int, tuple[int, int]] = {}
    second = views and backend.config.canonical
    if second:
        extra, extra_owner = _views(toks, window)
        for v, i in enumerate(extra_owner.tolist()):
            twice[i] = (by_msg[i][0], n_wins + v)
        wins, owner = wins + extra, np.concatenate([owner, extra_owner])
    keep = frozenset(w for pair in twice.values() for w in pair)
    scored = _score(backend, wins, owner, len(messages), True, batch, keep)
    letters, n_scored = _scored_letters(toks, window, second)
    natural = np.array([not (m.strip().isascii() and m.strip().isalpha()) for m in messages])
    how = english_scores(messages) if calibration else np.zeros(len(messages))
    ev = Evidence(scored.scores, letters, n_scored, natural, how)
    readings = [_argmax_reading(scored, toks[i], by_msg[i], twice.get(i)) for i in range(len(toks))]
    nearest = np.array([r[2] for r in readings], np.int64)
    conf, english, _ = judge(ev, calibration, nearest)
    cal = calibration is not None
    results = []
    for i, (msg, (plain, top, k, single)) in enumerate(zip(messages, readings, strict=True)):
        if not toks[i]:
            results.append(Decryption(msg, msg, None, 0.0, None, [], cal, "argmax"))
            continue
        text = fill_letters(msg, "".join(chr(97 + int(x)) for x in plain))
        # Letters from several shifts cannot all be right if one key enciphered the message.
        p = float(conf[i]) if single else 0.0
        d = Decryption(
            msg,
            text,
            k if single else None,
            p,
            _flag(english, i),
            [],
            calibration is not None,
            "argmax",
            single,
            k,
            float(top.mean()),
        )
        results.append(d)
    return results


def _argmax_reading(
    scored: _Scored, t: bytes, js: list[int], pair: tuple[int, int] | None
) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """(letters, their probabilities, nearest shift, whether one shift gives every letter)."""
    if not t:
        return np.empty(0, np.int64), np.zeros(1), 0, False
    c = np.frombuffer(t, np.uint8)
    c = c[c < N_LETTERS].astype(np.int64)
    if pair is not None:
        w, v = pair
        logp = scored.letter_logp[w].copy()  # (letters, 26)
        logp[1:] += scored.letter_logp[v]
        logp = log_softmax(logp)
        plain, top = logp.argmax(axis=1), np.exp(logp.max(axis=1))
    else:
        plain = np.concatenate([scored.argmax[j] for j in js])
        top = np.concatenate([scored.probs[j] for j in js])
    counts = np.bincount((c - plain) % N_LETTERS, minlength=N_LETTERS)
    k = int(counts.argmax())
    return plain, top, k, bool(counts[k] == len(c))


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


def decrypt_stream(
    lines: Iterable[str],
    backend: Backend,
    mode: str = DEFAULT_MODE,
    chunk: int = 4096,
    window: int = WINDOW,
    max_chars: int = 1 << 20,
    key_prefix: int = 0,
    calibration: Calibration | None = None,
    top: int = TOP,
) -> Iterator[Decryption]:
    """Decrypt line by line in bounded memory: ``chunk`` lines at a time, or fewer once they
    hold ``max_chars`` characters (4096 lines of a megabyte each would be 4 GB), in input order."""
    for block in line_blocks(lines, chunk, max_chars):
        yield from decrypt_messages(
            block, backend, mode, window, key_prefix=key_prefix, calibration=calibration, top=top
        )


def line_blocks(lines: Iterable[str], chunk: int, max_chars: int) -> Iterator[list[str]]:
    """Blocks of ``chunk`` lines, or fewer once they hold ``max_chars`` characters."""
    buf: list[str] = []
    chars = 0
    for line in lines:
        buf.append(line)
        chars += len(line)
        if len(buf) >= chunk or chars >= max_chars:
            yield buf
            buf, chars = [], 0
    if buf:
        yield buf
