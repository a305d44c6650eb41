"""Accuracy by message length, side by side for several solvers on the same messages.

Messages are cut from real text (``--corpus``) at word starts: exactly n letters each, in the
``letters`` style (a-z only) or the ``natural`` style (the text as written, cut after its n-th
letter), each enciphered under a random key; or read from a gen-data JSONL file, grouped into the
largest bucket at or below their letter count. A solver maps ciphertexts to plaintexts; a message
counts as exact when every letter is right, and per-char accuracy counts letters. Solvers: the
model (each decode mode), the classical chi2 and ngram crackers, and a hybrid (model + ngram).
"""

from __future__ import annotations

import bisect
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.cipher import N_LETTERS, decrypt, encrypt, letters_of
from caesar_rnn.corpus import TextCorpus
from caesar_rnn.datagen import STYLES, _trim_letters
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.fileio import atomic_writer

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


def style_of(plaintext: str) -> str:
    return "letters" if plaintext == letters_of(plaintext) else "natural"


def load_messages(path: str | Path, buckets: Sequence[int] = BUCKETS) -> list[Message]:
    """Pairs from a gen-data JSONL file; ``n`` is the largest bucket at or below the letter count
    (the smallest bucket for shorter messages), sorted by style and bucket."""
    path = Path(path)
    edges = sorted(buckets)
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CaesarRNNError(
            f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            plain, cipher = str(rec["plaintext"]), str(rec["ciphertext"])
        except (ValueError, KeyError, TypeError):
            raise CaesarRNNError(
                f"{path}: line {lineno} is not a gen-data pair (ciphertext, plaintext, shift)"
            ) from None
        n = len(letters_of(plain))
        if n == 0:
            continue
        bucket = edges[max(0, bisect.bisect_right(edges, n) - 1)]
        out.append(Message(style_of(plain), bucket, plain, cipher, int(rec.get("shift", -1))))
    if not out:
        raise CaesarRNNError(f"{path} holds no pairs with letters")
    order = {s: i for i, s in enumerate(STYLES)}
    return sorted(out, key=lambda m: (order.get(m.style, 9), m.n))


def _by_shifts(ciphertexts: list[str], shifts: np.ndarray) -> list[str]:
    return [decrypt(c, int(k)) for c, k in zip(ciphertexts, shifts, strict=True)]


def classical_solver(method: str) -> Solver:
    from caesar_rnn.classical import best_shifts

    def solve(ciphertexts: list[str]) -> list[str]:
        return _by_shifts(ciphertexts, best_shifts(ciphertexts, method))

    return solve


def _log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=1, keepdims=True))


def hybrid_solver(model_dir: str | Path, device: str = "cpu", weight: float = 1.0) -> Solver:
    """Not the neural model alone: the model's key scores plus ``weight`` times the quadgram
    log-likelihood (natural log), each normalised over the 26 shifts (a product of experts)."""
    from caesar_rnn.classical import ngram_scores
    from caesar_rnn.decode import load_backend, shift_scores

    backend = load_backend(model_dir, device)

    def solve(ciphertexts: list[str]) -> list[str]:
        model = _log_softmax(shift_scores(ciphertexts, backend))  # (B, 26)
        ngram = _log_softmax(ngram_scores(ciphertexts) * np.log(10.0))  # (B, 26)
        return _by_shifts(ciphertexts, (model + weight * ngram).argmax(axis=1))

    return solve


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


#: Solver names for ``make_solvers``: the model's decode modes, the classical crackers, the hybrid.
SOLVERS = ("key", "argmax", "chi2", "ngram", "hybrid")
DEFAULT_SOLVERS = ("key", "argmax", "chi2", "ngram")
LABELS = {
    "key": "model key",
    "argmax": "model argmax",
    "chi2": "chi2",
    "ngram": "ngram",
    "hybrid": "hybrid model+ngram",
}


def make_solvers(
    names: Sequence[str], model_dir: str | Path | None, device: str = "cpu"
) -> dict[str, Solver]:
    """Solvers by label, in the order given; each is run once first so that loading and table
    building stay out of the timings."""
    out: dict[str, Solver] = {}
    for name in names:
        if name not in SOLVERS:
            raise CaesarRNNError(f"unknown solver {name!r}: choose from {', '.join(SOLVERS)}")
        if name in ("key", "argmax", "hybrid") and model_dir is None:
            raise CaesarRNNError(f"solver {name!r} needs a model")
        if name in ("chi2", "ngram"):
            solve = classical_solver(name)
        elif name == "hybrid":
            solve = hybrid_solver(model_dir, device)  # type: ignore[arg-type]
        else:
            solve = model_solver(model_dir, name, device)  # type: ignore[arg-type]
        solve(["warmup"])
        out[LABELS[name]] = solve
    return out


def pool(row_sets: Sequence[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rows of several evaluations merged per (solver, style, letters), weighted by messages.
    Per-char accuracy is weighted by messages too: every message of a row has n letters."""
    acc: dict[tuple[str, str, int], dict[str, Any]] = {}
    for rows in row_sets:
        for r in rows:
            a = acc.setdefault(
                (r["solver"], r["style"], r["letters"]),
                {"solver": r["solver"], "style": r["style"], "letters": r["letters"],
                 "messages": 0, "exact": 0.0, "char_acc": 0.0, "seconds": 0.0},
            )  # fmt: skip
            a["messages"] += r["messages"]
            a["exact"] += r["exact"] * r["messages"]
            a["char_acc"] += r["char_acc"] * r["messages"]
            a["seconds"] += r["messages"] / r["msgs_per_s"]
    out = []
    for a in acc.values():
        n = max(a["messages"], 1)
        out.append(
            {
                **{k: a[k] for k in ("solver", "style", "letters", "messages")},
                "exact": a["exact"] / n,
                "char_acc": a["char_acc"] / n,
                "msgs_per_s": a["messages"] / max(a.pop("seconds"), 1e-9),
            }
        )
    return out


def speeds(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Overall messages per second of each solver, over all its rows."""
    msgs: dict[str, float] = {}
    secs: dict[str, float] = {}
    for r in rows:
        msgs[r["solver"]] = msgs.get(r["solver"], 0) + r["messages"]
        secs[r["solver"]] = secs.get(r["solver"], 0) + r["messages"] / r["msgs_per_s"]
    return {s: msgs[s] / max(secs[s], 1e-9) for s in msgs}


def plot(rows: list[dict[str, Any]], path: str | Path, title: str = "") -> None:
    """Exact-message accuracy against length (log x), one panel per style, one line per solver."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CaesarRNNError(
            "--plot needs matplotlib: pip install matplotlib (or the dev extra)"
        ) from None
    styles = [s for s in STYLES if any(r["style"] == s for r in rows)]
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    fig, axes = plt.subplots(1, len(styles), figsize=(5.5 * len(styles), 4), squeeze=False)
    for ax, style in zip(axes[0], styles, strict=True):
        for solver in solvers:
            pts = sorted(
                (r["letters"], 100 * r["exact"])
                for r in rows
                if r["style"] == style and r["solver"] == solver
            )
            ls = "-" if solver.startswith("model") else "--"
            ax.plot(*zip(*pts, strict=True), ls, marker="o", ms=3, label=solver)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("message length (letters)")
        ax.set_ylabel("exact messages (%)")
        ax.set_title(f"{style} style")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    try:
        with atomic_writer(path, mode="wb") as f:
            fig.savefig(f, format="png", dpi=120)
    finally:
        plt.close(fig)
