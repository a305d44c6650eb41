"""Which calibration fit holds on every held-out set: fitted on the tuning prose only (pydoc
topics, standard-library docstrings, manual pages), measured per evaluation set (ECE, exact share
among answers at >= 0.99, wrong answers at >= 0.99) beside the ECE a perfectly calibrated
answer set with the same confidences would show at this sample size (the noise floor).

    .venv/bin/python experiments/trust/fit_study.py /tmp/trustcache
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from caesar_rnn.decoding.calibration import (
    EDGES,
    LOGIT_CLIP,
    expected_calibration_error,
    length_bin,
)

CACHE = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/trustcache")
EVAL = [f"{t}-{s}-{c}" for t in ("novels", "licenses") for s in ("letters", "natural")
        for c in ("ws", "mid")]  # fmt: skip
SOURCES = ("pydoc", "docstrings", "man")


def load(name: str) -> dict[str, np.ndarray]:
    return dict(np.load(CACHE / f"{name}.npz"))


def cat(ds: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([d[k] for d in ds]) for k in ds[0]}


def features(d: dict[str, np.ndarray]) -> np.ndarray:
    """(N, F): logit, per-letter, quadgram margin per quadgram of the model's shift."""
    s = d["scores"]
    k = s.argmax(axis=1)
    rows = np.arange(len(s))
    own = s[rows, k]
    others = s.copy()
    others[rows, k] = -np.inf
    m = others.max(axis=1)
    rest = m + np.log(np.exp(others - m[:, None]).sum(axis=1))
    logit = np.clip(own - rest, -LOGIT_CLIP, LOGIT_CLIP)
    per_letter = own / np.maximum(d["scored"], 1)
    q = d["quad"].copy()
    qown = q[rows, k]
    q[rows, k] = -np.inf
    qmargin = (qown - q.max(axis=1)) / np.maximum(d["n"] - 3, 1)
    words = np.clip(d["words_model"], -15, 0)
    short = d["n"] < 12
    words_short = np.where(short, words, 0.0)
    second = np.nan_to_num(d.get("words_second", np.full(len(s), np.nan)), nan=0.0)
    margin = np.where(short, np.clip(d["words_model"] - np.maximum(second, -15), -5, 5), 0.0)
    return np.stack([logit, per_letter, np.clip(qmargin, -3, 3), words, words_short, margin], 1)


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float, prior: np.ndarray) -> np.ndarray:
    """Logistic regression, L2 pull towards ``prior`` (Newton)."""
    x = np.concatenate([x, np.ones((len(x), 1))], axis=1)
    w = prior.copy()

    def loss(v: np.ndarray) -> float:
        z = x @ v
        return float((np.logaddexp(0, z) - y * z).sum() + 0.5 * ridge * ((v - prior) ** 2).sum())

    for _ in range(200):
        p = sigmoid(x @ w)
        grad = x.T @ (p - y) + ridge * (w - prior)
        hess = (x * (p * (1 - p))[:, None]).T @ x + ridge * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        t, before = 1.0, loss(w)
        while loss(w - t * step) > before and t > 1e-6:
            t /= 2
        w = w - t * step
        if np.abs(t * step).max() < 1e-8:
            break
    return w


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * z))


def per_bin(
    cols: list[int], ridge: float = 1.0, cap: str = "succession"
) -> Callable[[dict[str, np.ndarray]], Callable[[dict[str, np.ndarray]], np.ndarray]]:
    def fit(t: dict[str, np.ndarray]) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
        x, y, b = features(t)[:, cols], t["right"].astype(float), length_bin(t["n"])
        prior = np.zeros(len(cols) + 1)
        prior[0] = 1.0
        table = {}
        for st in (0, 1):
            for i in range(len(EDGES)):
                sel = (b == i) & (t["natural"] == bool(st))
                w = fit_logistic(x[sel], y[sel], ridge, prior)
                c = sigmoid(np.concatenate([x[sel], np.ones((sel.sum(), 1))], axis=1) @ w)
                hi = c >= 0.99
                if not hi.any():
                    hi = c >= np.median(c)
                top = (y[sel][hi].sum() + 1) / (hi.sum() + 2) if cap == "succession" else 1.0
                table[st, i] = (w, top)

        def predict(d: dict[str, np.ndarray]) -> np.ndarray:
            x2, b2 = features(d)[:, cols], length_bin(d["n"])
            out = np.empty(len(x2))
            for (st, i), (w, top) in table.items():
                sel = (b2 == i) & (d["natural"] == bool(st))
                z = np.concatenate([x2[sel], np.ones((sel.sum(), 1))], axis=1) @ w
                out[sel] = np.minimum(sigmoid(z), top)
            return out

        return predict

    return fit


def noise_floor(conf: np.ndarray, reps: int = 100) -> float:
    rng = np.random.default_rng(0)
    return float(np.mean([expected_calibration_error(conf, rng.random(len(conf)) < conf)
                          for _ in range(reps)]))  # fmt: skip


def report(name: str, fit: Callable, tune: dict[str, np.ndarray]) -> None:
    predict = fit(tune)
    print(f"== {name}")
    worst = 0.0
    for s in EVAL:
        d = load(s)
        conf, right = predict(d), d["right"]
        hi = conf >= 0.99
        ece = expected_calibration_error(conf, right)
        worst = max(worst, ece)
        print(
            f"  {s:22s} ECE {ece:.4f} (floor {noise_floor(conf):.4f}) high {hi.mean():.3f} "
            f"exact@high {right[hi].mean():.5f} wrong@high {(hi & ~right).sum()}/{(~right).sum()}"
        )
    print(f"  worst ECE {worst:.4f}")


def main() -> None:
    tunes = {src: cat([load(f"tune-{src}-{s}") for s in ("letters", "natural")]) for src in SOURCES}
    every = cat(list(tunes.values()))
    if "--new" not in sys.argv:
        report("shipped recipe: pydoc, Platt(logit, per-letter), succession ceiling",
               per_bin([0, 1]), tunes["pydoc"])  # fmt: skip
        report("all prose, Platt(logit, per-letter), ceiling", per_bin([0, 1]), every)
        report("all prose, Platt(logit, per-letter, qmargin), ceiling", per_bin([0, 1, 2]), every)
        report("all prose, Platt(logit, per-letter, qmargin, words), no ceiling",
               per_bin([0, 1, 2, 3], cap="none"), every)  # fmt: skip
    report("shipped v2: logit, per-letter, qmargin, words under 12, ceiling",
           per_bin([0, 1, 2, 4]), every)  # fmt: skip
    report("v2 + words margin over the second shift under 12, ceiling",
           per_bin([0, 1, 2, 4, 5]), every)  # fmt: skip
    report("v2 + words margin, ridge 0.1, ceiling", per_bin([0, 1, 2, 4, 5], ridge=0.1), every)


if __name__ == "__main__":
    main()
