"""Where should the words cracker's letter-quadgram term apply? (experiments/words-solver, round 3)

The shipped score adds ``lam`` x the whole candidate's quadgram log-likelihood to its best split.
Across known words that term counts their letters twice, and it punishes rare letter sequences at
word boundaries ("son mr j": "nmrj"), which the novels' names and titles have. The alternative
measured here puts the quadgram only on the partial first and last words (``lam_edge``), where a
message cut inside a word has nothing else to go on. Tuning prose only (scripts/tuning_text.py:
pydoc, docstrings, man pages; outside every evaluation set); messages cut as ``eval`` cuts them.

    python experiments/words-solver/edge_lam.py --per-bucket 400
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from net_length import corpus  # noqa: E402

from caesar_rnn.cipher import decrypt  # noqa: E402
from caesar_rnn.classical.words import Params, Segmenter, lexicon, word_scores  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402

VARIANTS = {
    "shipped (lam 0.5)": {},
    "lam 0": {"lam": 0.0},
    "lam 0, lam_edge 0.5": {"lam": 0.0, "lam_edge": 0.5},
    "lam 0, lam_edge 1": {"lam": 0.0, "lam_edge": 1.0},
    "lam 0.25, lam_edge 0.5": {"lam": 0.25, "lam_edge": 0.5},
    "lam 0.1, lam_edge 0.5": {"lam": 0.1, "lam_edge": 0.5},
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-bucket", type=int, default=400)
    ap.add_argument("--buckets", default="4,6,8,10,12")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    buckets = [int(b) for b in args.buckets.split(",")]
    c, lex = corpus(), lexicon()
    sets = {
        mid: sample_messages(c, args.per_bucket, buckets, seed=args.seed, mid_word=mid)
        for mid in (0.0, 0.5, 1.0)
    }
    print(
        "exact % by style and letters; columns: word starts | half inside words | all inside words"
    )
    for name, change in VARIANTS.items():
        p = dataclasses.replace(Params(), **change)
        cells = []
        for msgs in sets.values():
            got = word_scores([m.ciphertext for m in msgs], p, Segmenter(lex, p)).argmax(axis=1)
            ok = np.array(
                [
                    decrypt(m.ciphertext, int(s)) == m.plaintext
                    for m, s in zip(msgs, got, strict=True)
                ]
            )
            keys = [(m.style[0], m.n) for m in msgs]
            by = {
                k: 100 * ok[[i for i, x in enumerate(keys) if x == k]].mean()
                for k in dict.fromkeys(keys)
            }
            cells.append((100 * ok.mean(), by))
        print(f"{name:26s} " + " | ".join(f"{mean:6.2f}" for mean, _ in cells))
        for _mean, by in cells:
            print("    " + " ".join(f"{s}{n}:{v:5.1f}" for (s, n), v in by.items()))


if __name__ == "__main__":
    main()
