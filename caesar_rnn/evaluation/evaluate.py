"""Accuracy by message length, side by side for several solvers on the same messages.

Messages are cut from real text (``--corpus``) at word starts: exactly n letters each, in the
``letters`` style (a-z only) or the ``natural`` style (the text as written, cut after its n-th
letter), each enciphered under a random key; or read from a gen-data JSONL file, grouped into the
largest bucket at or below their letter count. A solver maps ciphertexts to plaintexts; a message
counts as exact when every letter is right, and per-char accuracy counts letters. Solvers: the
model (each decode mode), the classical chi2, ngram and words crackers, and the hybrid decode
(the model's key scores plus the words cracker's).
"""

from __future__ import annotations

import bisect
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.cipher import N_LETTERS, decrypt, encrypt, letters_of
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.data.generate import STYLES, _trim_letters, draw_words
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.evaluation.languages import LABELS as LANGUAGE_LABELS
from caesar_rnn.evaluation.languages import SOLVERS as LANGUAGE_SOLVERS
from caesar_rnn.evaluation.languages import language_columns, language_solver
from caesar_rnn.languages import fold
from caesar_rnn.schema import jsonl_rows

BUCKETS = (4, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256)

#: Ciphertexts -> plaintexts, or answers with a ``plaintext`` (the model's Decryption objects).
Solver = Callable[[list[str]], list[Any]]


@dataclass
class Message:
    style: str
    n: int
    plaintext: str
    ciphertext: str
    shift: int


def sample_messages(
    corpus: TextCorpus,
    per_bucket: int = 200,
    buckets: Sequence[int] = BUCKETS,
    styles: Sequence[str] = STYLES,
    seed: int = 0,
    mid_word: float = 0.0,
    fold_letters: bool = False,
) -> list[Message]:
    """``per_bucket`` messages of exactly n letters for every n in ``buckets`` and every style,
    cut at word starts; ``mid_word``: the share that starts 1-8 letters inside a word instead.
    ``fold_letters``: the letters style folds accented letters to a-z (``languages.fold``)
    rather than dropping them."""
    check_buckets(buckets)
    rng = random.Random(seed)
    out = []
    for style in styles:
        for n in buckets:
            for _ in range(per_bucket):
                text = " ".join(draw_words(corpus.passage, rng, n, mid_word))
                if style == "letters":
                    plain = letters_of(fold(text) if fold_letters else text)[:n]
                else:
                    plain = _trim_letters(text, n)
                if len(letters_of(plain)) < n:
                    continue  # corpus shorter than n letters
                k = rng.randrange(N_LETTERS)
                out.append(Message(style, n, plain, encrypt(plain, k), k))
    if not out:
        raise CaesarRNNError("the corpus is shorter than every bucket length: no messages")
    return out


def style_of(plaintext: str) -> str:
    return "letters" if plaintext == letters_of(plaintext) else "natural"


#: The longest bucket, in letters (as gen-data's longest message).
MAX_BUCKET = 1 << 16


def check_buckets(buckets: Sequence[int]) -> list[int]:
    """Bucket lengths, sorted, each 1..MAX_BUCKET; an empty list is an error, not an empty table."""
    edges = sorted(set(buckets))
    if not edges:
        raise CaesarRNNError("no bucket lengths given")
    for n in (edges[0], edges[-1]):
        if not 1 <= n <= MAX_BUCKET:
            raise CaesarRNNError(f"bucket lengths must be 1..{MAX_BUCKET:,} letters, got {n:,}")
    return edges


def load_messages(path: str | Path, buckets: Sequence[int] = BUCKETS) -> list[Message]:
    """Pairs from a gen-data JSONL file (rows checked by ``schema.jsonl_rows``, as ``train``
    reads them); ``n`` is the largest bucket at or below the letter count (the smallest bucket
    for shorter messages), sorted by style and bucket."""
    path = Path(path)
    edges = check_buckets(buckets)
    out = []
    if path.is_dir():
        raise CaesarRNNError(f"cannot read {path}: Is a directory")
    for _, rec in jsonl_rows(path):
        plain, cipher = rec["plaintext"], rec["ciphertext"]
        n = len(letters_of(plain))
        if n == 0:
            continue
        bucket = edges[max(0, bisect.bisect_right(edges, n) - 1)]
        out.append(Message(style_of(plain), bucket, plain, cipher, rec.get("shift", -1)))
    if not out:
        raise CaesarRNNError(f"{path} holds no pairs with letters")
    order = {s: i for i, s in enumerate(STYLES)}
    return sorted(out, key=lambda m: (order.get(m.style, 9), m.n))


def _by_shifts(ciphertexts: list[str], shifts: np.ndarray) -> list[str]:
    return [decrypt(c, int(k)) for c, k in zip(ciphertexts, shifts, strict=True)]


def classical_solver(method: str) -> Solver:
    from caesar_rnn.classical.crackers import best_shifts, prepare

    prepare()
    if method == "words":
        from caesar_rnn.classical.words import prepare as prepare_words

        prepare_words()

    def solve(ciphertexts: list[str]) -> list[str]:
        return _by_shifts(ciphertexts, best_shifts(ciphertexts, method))

    return solve


class SharedForward:
    """A model backend that remembers its forward passes, so that the decode modes and the
    hybrid run the model once per batch between them. A remembered pass is charged its first
    cost (``CHARGED``), so each solver's messages/s still counts the model as if run alone."""

    def __init__(self, backend: Any, max_bytes: int = 512 << 20) -> None:
        self.inner = backend
        self.config = backend.config
        self.cascade = getattr(backend, "cascade", None)  # the key decode's fast stage
        self.max_bytes = max_bytes
        self._memo: OrderedDict[tuple[Any, ...], tuple[np.ndarray, float]] = OrderedDict()
        self._bytes = 0

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        key = (
            tokens.shape,
            tokens.dtype.str,
            tokens.tobytes(),
            None if lengths is None else lengths.tobytes(),
        )
        hit = self._memo.get(key)
        if hit is not None:
            CHARGED[0] += hit[1]
            return hit[0]
        t0 = time.perf_counter()
        out = self.inner.logits(tokens, lengths)
        self._memo[key] = (out, time.perf_counter() - t0)
        self._bytes += out.nbytes
        while self._bytes > self.max_bytes and self._memo:
            self._bytes -= self._memo.popitem(last=False)[1][0].nbytes
        return out


#: Seconds of remembered forward passes handed out (SharedForward), added to solver timings.
CHARGED = [0.0]


def _backend(model_dir: str | Path, device: str, backend: Any) -> Any:
    if backend is not None:
        return backend
    from caesar_rnn.decoding.backends import load_backend

    return load_backend(model_dir, device)


def hybrid_solver(
    model_dir: str | Path, device: str = "cpu", weight: float | None = None, backend: Any = None
) -> Solver:
    """Not the neural model alone: the model's key scores plus ``weight`` times the words
    cracker's, each normalised over the 26 shifts (``decrypt --decode hybrid``)."""
    from caesar_rnn.decoding.scores import HYBRID_WEIGHT, shift_scores, with_words

    model = _backend(model_dir, device, backend)
    w = HYBRID_WEIGHT if weight is None else weight

    def solve(ciphertexts: list[str]) -> list[str]:
        scores = with_words(ciphertexts, shift_scores(ciphertexts, model), w)
        return _by_shifts(ciphertexts, scores.argmax(axis=1))

    return solve


def model_solver(
    model_dir: str | Path, mode: str, device: str = "cpu", backend: Any = None
) -> Solver:
    """The model's ``mode`` decode; its answers carry their (calibrated) confidence and the
    English verdict, for ``trust_columns``."""
    from caesar_rnn.decoding.calibration import load_calibration
    from caesar_rnn.decoding.decode import decrypt_messages

    model = _backend(model_dir, device, backend)
    cal = load_calibration(model_dir)

    def solve(ciphertexts: list[str]) -> list[Any]:
        return decrypt_messages(ciphertexts, model, mode, calibration=cal, top=0)

    return solve


def evaluate(
    messages: list[Message], solvers: dict[str, Solver], lang: str | None = None
) -> list[dict[str, Any]]:
    """One row per (style, length, solver): messages, exact and per-char accuracy, messages/s;
    ``lang``: the messages' language (rows say it, and how often a solver named it)."""
    rows = []
    groups: dict[tuple[str, int], list[Message]] = {}
    for m in messages:
        groups.setdefault((m.style, m.n), []).append(m)
    for name, solve in solvers.items():
        for (style, n), msgs in groups.items():
            t0, c0 = time.perf_counter(), CHARGED[0]
            answers = solve([m.ciphertext for m in msgs])
            dt = time.perf_counter() - t0 + CHARGED[0] - c0
            got = [a if isinstance(a, str) else a.plaintext for a in answers]
            right = np.zeros(len(msgs), bool)
            chars = ok = 0
            for i, (m, g) in enumerate(zip(msgs, got, strict=True)):
                want, have = letters_of(m.plaintext), letters_of(g)
                right[i] = want == have and g == m.plaintext
                chars += len(want)
                ok += sum(a == b for a, b in zip(want, have, strict=False))
            row = {
                "solver": name,
                "style": style,
                "letters": n,
                "messages": len(msgs),
                "exact": float(right.mean()),
                "char_acc": ok / max(chars, 1),
                "msgs_per_s": len(msgs) / max(dt, 1e-9),
            }
            if lang is not None:
                row = {**row, "language": lang, **language_columns(answers, lang)}
            rows.append({**row, **trust_columns(answers, right)})
    return rows


def trust_columns(answers: Sequence[Any], right: np.ndarray) -> dict[str, Any]:
    """For the model's decodes (answers with a confidence): the expected calibration error (plain,
    and with each bin's sampling noise taken out: ``debiased_calibration_error``), the share of
    answers with confidence >= 0.99 and how many of those were exactly right, and the share of
    messages flagged as not English (None when the model has no calibration table)."""
    if not answers or isinstance(answers[0], str):
        return {}
    from caesar_rnn.decoding.calibration import (
        debiased_calibration_error,
        expected_calibration_error,
    )

    conf = np.array([a.confidence for a in answers])
    high = conf >= HIGH_CONFIDENCE
    flags = [a.english for a in answers]
    return {
        "ece": expected_calibration_error(conf, right),
        "ece_debiased": debiased_calibration_error(conf, right),
        "high_share": float(high.mean()),
        "exact_at_high": float(right[high].mean()) if high.any() else None,
        "flagged": None if None in flags else sum(not f for f in flags) / len(flags),
    }


#: What counts as a confident answer in ``trust_columns``.
HIGH_CONFIDENCE = 0.99


#: Solver names for ``make_solvers``: the model's decode modes, the classical crackers, the hybrid.
SOLVERS = ("key", "argmax", "chi2", "ngram", "words", "hybrid", *LANGUAGE_SOLVERS)
DEFAULT_SOLVERS = ("key", "argmax", "chi2", "ngram", "words")
LABELS = {
    "key": "model key",
    "argmax": "model argmax",
    "chi2": "chi2",
    "ngram": "ngram",
    "words": "words",
    "hybrid": "hybrid model+words",
    **LANGUAGE_LABELS,
}
#: The solvers that run the model.
MODEL_SOLVERS = ("key", "argmax", "hybrid", "decrypt")


def make_solvers(
    names: Sequence[str], model_dir: str | Path | None, device: str = "cpu", lang: str | None = None
) -> dict[str, Solver]:
    """Solvers by label, in the order given; each is run once first so that loading and table
    building stay out of the timings. The model solvers share one backend and its forward
    passes (SharedForward). ``lang``: the messages' language, for ``ngram-lang``."""
    if not names:
        raise CaesarRNNError(f"no solvers given: choose from {', '.join(SOLVERS)}")
    out: dict[str, Solver] = {}
    shared = None
    if model_dir is not None and any(n in MODEL_SOLVERS for n in names):
        from caesar_rnn.decoding.backends import load_backend

        shared = SharedForward(load_backend(model_dir, device))
    for name in names:
        if name not in SOLVERS:
            raise CaesarRNNError(f"unknown solver {name!r}: choose from {', '.join(SOLVERS)}")
        if name in MODEL_SOLVERS and model_dir is None:
            raise CaesarRNNError(f"solver {name!r} needs a model")
        if name in LANGUAGE_SOLVERS:
            solve = language_solver(name, lang, model_dir, shared)
        elif name in ("chi2", "ngram", "words"):
            solve = classical_solver(name)
        elif name == "hybrid":
            solve = hybrid_solver(model_dir, device, backend=shared)  # type: ignore[arg-type]
        else:
            solve = model_solver(model_dir, name, device, backend=shared)  # type: ignore[arg-type]
        solve(["warmup"])
        out[LABELS[name]] = solve
    return out
