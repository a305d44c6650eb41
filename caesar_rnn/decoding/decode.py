"""Model outputs -> plaintext: the design sheet's argmax at every position, or a key-consistent
decode (one shift per message: the one with the highest summed log-probability of the 26), with a
confidence. Runs in NumPy on the CPU (no torch import) or in torch on a GPU.

Long messages are cut into windows of ``window`` tokens, decoded as one batch; the key decode
adds up the windows' scores, so the whole message still gets one key (``caesar_rnn.decoding.scores``).
With a canonical model both decodes of a one-window message of ``VIEW_MIN_LETTERS`` letters or more
also read it without its first letter and add that second reading's scores (the key decode) or
log-probabilities (the argmax decode, letter by letter; see ``second_readings``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from caesar_rnn.cipher import N_LETTERS, decrypt, fill_letters
from caesar_rnn.decoding.backends import Backend
from caesar_rnn.decoding.calibration import Calibration, Evidence, english_scores
from caesar_rnn.decoding.scores import (
    BATCH_TOKENS,
    MIN_KEY_PREFIX,
    WINDOW,
    Scored,
    key_evidence,
    log_softmax,
    score_windows,
    scored_letters,
    second_readings,
    windowed,
)
from caesar_rnn.errors import CaesarRNNError

MODES = ("key", "argmax", "hybrid")
DEFAULT_MODE = "key"


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
    #: The plaintext's language (``caesar_rnn.decoding.language``; None: not determined).
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "ciphertext": self.ciphertext,
            "plaintext": self.plaintext,
            "shift": self.shift,
            "confidence": round(self.confidence, 6),
            "calibrated": self.calibrated,
            "english": self.english,
            "decode": self.decode,
            "language": self.language,
        }
        if self.decode == "argmax":
            d["single_shift"] = self.single_shift
            d["nearest_shift"] = self.nearest_shift
            lc = self.letter_confidence
            d["letter_confidence"] = None if lc is None else round(lc, 6)
        else:
            d["alternatives"] = [a.to_dict() for a in self.alternatives]
        return d


#: Runners-up the key decode lists by default.
TOP = 2


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
    if key_prefix and key_prefix < MIN_KEY_PREFIX:
        raise CaesarRNNError(
            f"a key prefix must be 0 (read whole messages) or at least {MIN_KEY_PREFIX} letters "
            f"(shorter ones keep wrong keys confidently), got {key_prefix}"
        )
    if top < 0:
        raise CaesarRNNError(f"--top must be 0 or more, got {top}")
    if mode == "argmax":
        return _decrypt_argmax(messages, backend, window, batch, views, calibration)
    hybrid = mode == "hybrid"
    cal = None if hybrid else calibration
    english = calibration is not None
    ev = key_evidence(messages, backend, window, batch, key_prefix, views, english, hybrid)
    out = _decrypt_key(messages, ev, cal, top, mode)
    return _with_verdict(out, ev, calibration, messages) if hybrid and calibration else out


def _with_verdict(
    results: list[Decryption], ev: Evidence, calibration: Calibration, messages: list[str]
) -> list[Decryption]:
    """The hybrid decode's answers with the calibration's English verdict (its confidence stays
    the uncalibrated share of the 26 shifts): where no shift reads as English, at most the
    table's ``non_english_cap``, the runners-up sharing the rest (QA round 6: random letters,
    hex and base64 were answered at 1.0)."""
    from caesar_rnn.decoding.verdict import Readings

    readings = Readings(messages, ev.letters)
    english = calibration.verdict_table.judge(ev.quadgrams(), ev.scores.argmax(axis=1), readings)
    cap = calibration.non_english_cap
    out = []
    for d, flag in zip(results, english.tolist(), strict=True):
        if d.shift is None:
            out.append(d)
            continue
        if not flag and d.confidence > cap:
            rest = (1.0 - cap) / max(1.0 - d.confidence, 1e-12)
            alts = [replace(a, probability=min(a.probability * rest, cap)) for a in d.alternatives]
            d = replace(d, confidence=cap, alternatives=alts)
        out.append(replace(d, english=bool(flag)))
    return out


def _decrypt_key(
    messages: list[str], ev: Evidence, calibration: Calibration | None, top: int, mode: str
) -> list[Decryption]:
    """One shift per message from its key scores (``ev``, the ``mode`` decode's: key or
    hybrid), with ``top`` runners-up."""
    conf, english, _ = judge(ev, calibration, messages)
    cal = calibration is not None
    s = ev.scores
    rows = np.arange(len(s))[:, None]
    order = np.argsort(-s, axis=1, kind="stable")  # (N, 26)
    # The chance the best is wrong, shared among the others as their softmax shares it.
    others = np.exp(np.minimum(s - s[rows, order[:, 1:2]], 0.0))  # (N, 26), 1 at the runner-up
    others[rows[:, 0], order[:, 0]] = 0.0
    share = (1.0 - conf)[:, None] * others[rows, order[:, 1 : 1 + top]]
    share /= others.sum(axis=1, keepdims=True)  # (N, top)
    flags = [None] * len(s) if english is None else english.tolist()
    results = []
    for msg, n, k, c, flag, alt, p in zip(
        messages, ev.letters.tolist(), order[:, 0].tolist(), conf.tolist(), flags,
        order[:, 1 : 1 + top].tolist(), share.tolist(), strict=True,
    ):  # fmt: skip
        if not n:
            results.append(Decryption(msg, msg, None, 0.0, calibrated=cal, decode=mode))
            continue
        alts = [Alternative(j, decrypt(msg, j), q) for j, q in zip(alt, p, strict=True)]
        # One key for the whole message is a table lookup per character (str.translate).
        results.append(Decryption(msg, decrypt(msg, k), k, c, flag, alts, cal, mode))
    return results


def judge(
    ev: Evidence,
    calibration: Calibration | None,
    messages: list[str],
    shifts: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """(confidence of each message's shift (default: the best), English verdict or None when
    uncalibrated, softmax of the 26 shifts)."""
    probs = ev.probabilities()
    if calibration is None:
        k = probs.argmax(axis=1) if shifts is None else shifts
        return probs[np.arange(len(probs)), k], None, probs
    return (*calibration.judge(ev, messages, shifts), probs)


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
    toks, wins, owner = windowed(messages, backend.config.boundaries, window)
    n_wins = len(wins)
    by_msg: list[list[int]] = [[] for _ in messages]
    for j, i in enumerate(owner.tolist()):
        by_msg[i].append(j)
    # A message read twice (``second_readings``): its one window and its second reading, whose letters are
    # its letters 1..n-1; the argmax is taken per letter over both readings' log-probs added.
    twice: dict[int, tuple[int, int]] = {}
    second = views and backend.config.canonical
    if second:
        extra, extra_owner = second_readings(toks, window)
        for v, i in enumerate(extra_owner.tolist()):
            twice[i] = (by_msg[i][0], n_wins + v)
        wins, owner = wins + extra, np.concatenate([owner, extra_owner])
    keep = frozenset(w for pair in twice.values() for w in pair)
    scored = score_windows(backend, wins, owner, len(messages), True, batch, keep)
    letters, n_scored = scored_letters(toks, window, second)
    natural = np.array([not (m.strip().isascii() and m.strip().isalpha()) for m in messages])
    how = english_scores(messages) if calibration else np.zeros(len(messages))
    ev = Evidence(scored.scores, letters, n_scored, natural, how)
    readings = [_argmax_reading(scored, toks[i], by_msg[i], twice.get(i)) for i in range(len(toks))]
    nearest = np.array([r[2] for r in readings], np.int64)
    conf, english, _ = judge(ev, calibration, messages, nearest)
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
    scored: Scored, t: bytes, js: list[int], pair: tuple[int, int] | None
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
