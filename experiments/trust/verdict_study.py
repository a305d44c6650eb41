"""Which "reads as English" criterion separates held-out English from random letters: the quadgram
score of the most English shift (the shipped floor) or the words cracker's per-letter score of the
best reading (max over the model's and the quadgram's best shift), with floors at a low quantile
of the tuning text (never the evaluation sets) per length bin.

    .venv/bin/python experiments/trust/verdict_study.py /tmp/trustcache
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from caesar_rnn.decoding.calibration import EDGES, length_bin

CACHE = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/trustcache")
EVAL = [f"{t}-{s}-{c}" for t in ("novels", "licenses") for s in ("letters", "natural")
        for c in ("ws", "mid")]  # fmt: skip
TUNE = [f"tune-{src}-{s}" for src in ("pydoc", "docstrings", "man") for s in ("letters", "natural")]


def load(name: str) -> dict[str, np.ndarray]:
    return dict(np.load(CACHE / f"{name}.npz"))


def floors(values: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    b = length_bin(n)
    return np.array([np.quantile(values[b == i], q) if (b == i).any() else -np.inf
                     for i in range(len(EDGES))])  # fmt: skip


def words(d: dict[str, np.ndarray]) -> np.ndarray:
    return np.maximum(d["words_model"], d["words_quad"])


def rates(flag: np.ndarray, n: np.ndarray) -> str:
    parts = []
    for lo, hi in ((4, 4), (6, 6), (8, 8), (8, 11), (12, 12), (12, 999), (16, 999)):
        sel = (n >= lo) & (n <= hi)
        parts.append(f"{lo}-{hi if hi < 999 else '+'}: {flag[sel].mean():.4f}")
    return "  ".join(parts)


def main() -> None:
    tune = [load(t) for t in TUNE]
    tn = np.concatenate([d["n"] for d in tune])
    for crit in ("quadgram", "words"):
        tv = np.concatenate([d["english"] if crit == "quadgram" else words(d) for d in tune])
        for q in (0.001, 0.002, 0.003, 0.005):
            f = floors(tv, tn, q)
            print(f"== {crit}, floor = tuning quantile {q}")
            for name in [*EVAL, "random"]:
                d = load(name)
                v = d["english"] if crit == "quadgram" else words(d)
                flag = v < f[length_bin(d["n"])]
                from8 = flag[d["n"] >= 8].mean()
                print(f"  {name:22s} from 8: {from8:.4f}  {rates(flag, d['n'])}")


if __name__ == "__main__":
    main()
