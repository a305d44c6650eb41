"""decrypt's language step against the model on English (issue 22, round 2): English weighed at
the model's reading.

    python experiments/non-english/model_shift.py

When English is named, decrypt answers with the model's reading, but the word step weighs
English at the English chain's best shift, which at 6-12 letters is often another. Here, per
message, English's chain scores of the model's shift and of its best shift are swapped, so that
English's best pair (same score) is the model's reading and its words are that reading's. Same
cells as ``sure_prior.py`` (English tuning prose; gen / gen2; UD dev held out).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import langid as X  # noqa: E402
from confidence_prior import cells, model_answers  # noqa: E402
from sure_prior import TUNE_LENGTHS, answers, tuning  # noqa: E402


def swapped(s: np.ndarray, mshift: np.ndarray) -> np.ndarray:
    s = s.astype(float).copy()
    b = np.flatnonzero(mshift >= 0)
    best = s[0, b].argmax(axis=1)
    at_model, at_best = s[0, b, mshift[b]].copy(), s[0, b, best].copy()
    s[0, b, best] = at_model
    s[0, b, mshift[b]] = at_best
    return s


def main() -> None:
    t = tuning()
    prior = np.full(len(t["cipher"]), 3.0)
    for label, s in (("shipped", t["s"]), ("model shift", swapped(t["s"], t["mshift"]))):
        _, ans = answers(t["cipher"], s, t["mshift"], prior)
        ok = ans == t["shift"]
        cell = [f"{100 * ok[(t['style'] == st) & (t['n'] == n)].mean():.1f}"
                for st in (0, 1) for n in TUNE_LENGTHS]  # fmt: skip
        print(f"tune-en {label} exact: {' | '.join(cell)}", flush=True)
    for kind in ("gen", "gen2", "ud"):
        d = X.load(kind, [])
        mshift, _ = model_answers(kind)
        prior = np.full(len(mshift), 3.0)
        for label, s in (("shipped", d["s"]), ("model shift", swapped(d["s"], mshift))):
            lang, ans = answers(list(d["cipher"]), s, mshift, prior)
            ok = ans == d["shift"]
            print(f"{kind} {label} exact UD-12: {cells(d, ok, list(X.UD))} | en: {cells(d, ok, ['en'])}"
                  f" | named UD-12: {cells(d, lang == d['lang'], list(X.UD))} | en: {cells(d, lang == d['lang'], ['en'])}",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
