"""Accuracy by message length, side by side for several solvers on the same messages.

Messages are cut from real text (``--corpus``) at word starts: exactly n letters each, in the
``letters`` style (a-z only) or the ``natural`` style (the text as written, cut after its n-th
letter), each enciphered under a random key. A solver maps ciphertexts to plaintexts; a message
counts as exact when every letter is right, and per-char accuracy counts letters.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caesar_rnn.cipher import N_LETTERS, encrypt, letters_of
from caesar_rnn.corpus import TextCorpus
from caesar_rnn.datagen import STYLES, _trim_letters

BUCKETS = (4, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256)

Solver = Callable[[list[str]], list[str]]


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
) -> list[Message]:
    """``per_bucket`` messages of exactly n letters for every n in ``buckets`` and every style."""
    rng = random.Random(seed)
    out = []
    for style in styles:
        for n in buckets:
            for _ in range(per_bucket):
                text = " ".join(corpus.passage(rng, n))
                plain = letters_of(text)[:n] if style == "letters" else _trim_letters(text, n)
                if len(letters_of(plain)) < n:
                    continue  # corpus shorter than n letters
                k = rng.randrange(N_LETTERS)
                out.append(Message(style, n, plain, encrypt(plain, k), k))
    return out


def model_solver(model_dir: str | Path, mode: str, device: str = "cpu") -> Solver:
    from caesar_rnn.decode import decrypt_messages, load_backend

    backend = load_backend(model_dir, device)

    def solve(ciphertexts: list[str]) -> list[str]:
        return [d.plaintext for d in decrypt_messages(ciphertexts, backend, mode)]

    return solve


def evaluate(messages: list[Message], solvers: dict[str, Solver]) -> list[dict[str, Any]]:
    """One row per (style, length, solver): messages, exact and per-char accuracy, messages/s."""
    rows = []
    groups: dict[tuple[str, int], list[Message]] = {}
    for m in messages:
        groups.setdefault((m.style, m.n), []).append(m)
    for name, solve in solvers.items():
        for (style, n), msgs in groups.items():
            t0 = time.perf_counter()
            got = solve([m.ciphertext for m in msgs])
            dt = time.perf_counter() - t0
            exact = chars = ok = 0
            for m, g in zip(msgs, got, strict=True):
                want, have = letters_of(m.plaintext), letters_of(g)
                exact += want == have and g == m.plaintext
                chars += len(want)
                ok += sum(a == b for a, b in zip(want, have, strict=False))
            rows.append(
                {
                    "solver": name,
                    "style": style,
                    "letters": n,
                    "messages": len(msgs),
                    "exact": exact / len(msgs),
                    "char_acc": ok / max(chars, 1),
                    "msgs_per_s": len(msgs) / max(dt, 1e-9),
                }
            )
    return rows
