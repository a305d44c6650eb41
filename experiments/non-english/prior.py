"""Naming the language, round 2 (issue 22): a prior by how many people use each language.

    python experiments/non-english/prior.py

decrypt's shipped rule (``langid.best_pairs`` on chain + accents + English's 10^3), each
language's scores raised by ``alpha`` x log10(its speakers, first and second language, millions,
rounded; English keeps its +3 and gets no more). Named % on ``gen`` / ``gen2`` (the 27 languages
uniformly, as every earlier choice), on the same text weighted by the speakers (the population a
user is drawn from, if users write as many languages as people speak them), and held out on
UD dev + novels (``ud``; the 12 UD languages pooled). Cells: letters 4/8/16/32/64 | natural.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import langid as X  # noqa: E402

from caesar_rnn.classical import langid  # noqa: E402
from caesar_rnn.languages import CODES  # noqa: E402

#: Speakers, L1 + L2, millions (round figures of the usual encyclopaedic estimates).
SPEAKERS = {
    "en": 1500, "ca": 10, "cs": 11, "da": 6, "de": 135, "es": 560, "fi": 5.5, "fil": 80,
    "fr": 310, "hu": 13, "id": 200, "is": 0.35, "it": 68, "lt": 3, "lv": 2, "ms": 80,
    "nb": 5.3, "nl": 30, "pl": 45, "pt": 260, "ro": 25, "sh": 21, "sk": 7, "sl": 2.5,
    "sv": 13, "tr": 88, "vi": 86,
}  # fmt: skip


def weighted(d: dict, pred: np.ndarray, w: np.ndarray, st: int, n: int) -> float:
    m = (d["lang"] != 0) & (d["style"] == st) & (d["n"] == n)
    ww = w[d["lang"][m]]
    return float(100 * np.sum(ww * (pred[m] == d["lang"][m])) / ww.sum())


def main() -> None:
    logs = np.log10([SPEAKERS[c] for c in CODES])
    pop = np.array([SPEAKERS[c] for c in CODES], float)
    for alpha in (0.0, 0.25, 0.5, 1.0):
        prior = alpha * (logs - logs.max())
        prior[0] = 3.0
        for kind in ("gen", "gen2", "ud"):
            d = X.load(kind, [])
            msgs = list(d["cipher"])
            s = d["s"].astype(float) + prior[:, None, None]
            s += langid.accent_scores(msgs, list(CODES))[:, :, None]
            pred, _ = langid.best_pairs(msgs, s, list(CODES))
            line = f"alpha={alpha} {kind} UD-12: {X.pooled(d, pred, list(X.UD))} | en: {X.pooled(d, pred, ['en'])}"
            if kind != "ud":
                line += f" | all 26: {X.pooled(d, pred, [c for c in CODES if c != 'en'])}"
                line += " | by speakers: " + " | ".join(
                    f"{weighted(d, pred, pop, st, n):.1f}" for st in (0, 1) for n in X.LENGTHS
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
