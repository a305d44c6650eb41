"""Round 4, addendum: how right is decrypt's words reading of leetspeak by length, and what may
it claim? (QA round 5: wrong leetspeak answers at 0.9, short phrases failing under every key.)

    python experiments/ctf-flags/leet_lengths.py [--keys 8]

Phrases: ours (leet_weight.PHRASES) and QA round 5's own 35 (below; written by the QA helper, no
evaluation text), each under ``--keys`` random keys (seed 2). For the answers decrypt gives with
``decode`` "words" (the model's key was not kept), exact % by letters (digits not counted), and
the confidence they report; for the others (the model's calibrated answer kept), exact %.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from leet_weight import PHRASES  # noqa: E402

import caesar_rnn  # noqa: E402
from caesar_rnn.cipher import count_letters, encrypt  # noqa: E402

QA = [
    "n0th1ng t0 s33 h3r3",
    "g3t r3kt",
    "w1nn3r w1nn3r",
    "h4ck th3 pl4n3t",
    "1 4m th3 b3st h4ck3r",
    "y0u h4v3 b33n pwn3d",
    "r00t 4cc3ss gr4nt3d",
    "th1s 1s n0t 4 dr1ll",
    "l33t h4x0r sk1llz",
    "w3lc0m3 t0 th3 m4tr1x",
    "n0 p41n n0 g41n",
    "g4m3 0v3r m4n",
    "pr3ss st4rt t0 b3g1n",
    "y0u sh4ll n0t p4ss",
    "th3 c4k3 1s 4 l13",
    "4ll y0ur b4s3 4r3 b3l0ng t0 us",
    "tr0ll1ng 1s 4n 4rt",
    "k33p c4lm 4nd h4ck 0n",
    "d0nt f33d th3 tr0lls",
    "h3ll0 w0rld fr0m m4rs",
    "s3cr3t m3ss4g3 1ns1d3",
    "f0ll0w th3 wh1t3 r4bb1t",
    "1 s33 d34d p30pl3",
    "ph34r my l33t sk1llz",
    "th3 qu1ck br0wn f0x",
]
BINS = ((0, 10), (10, 15), (15, 99))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=8)
    args = ap.parse_args()
    model = caesar_rnn.load_model()
    rng = random.Random(2)
    for name, phrases in (("ours", PHRASES), ("QA round 5", QA)):
        plain = [p for p in phrases for _ in range(args.keys)]
        got = model.decrypt([encrypt(p, rng.randrange(1, 26)) for p in plain])
        rows = [(count_letters(p), d.plaintext == p, d.confidence, d.decode == "words")
                for p, d in zip(plain, got, strict=True)]  # fmt: skip
        kept = [r for _, r, _, w in rows if not w]
        print(f"{name}: {len(plain)} messages; the model's answer kept in {len(kept)}, "
              f"{100 * np.mean(kept) if kept else float('nan'):.1f} % right")  # fmt: skip
        for lo, hi in BINS:
            sel = [(r, c) for n, r, c, w in rows if w and lo <= n < hi]
            if sel:
                right, conf = np.mean([r for r, _ in sel]), np.mean([c for _, c in sel])
                print(f"  words readings of {lo}-{hi - 1} letters: {len(sel)}, "
                      f"{100 * right:.1f} % right, mean confidence {conf:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
