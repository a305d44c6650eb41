"""Round 4: how much should the words cracker's reading of leetspeak *as written* count beside
its reading with the digits spelled out? (QA round 4: `h4ck th3 pl4n3t` and `1 l0v3 cr4ck1ng
c0d3s` came back wrong under every key: the fragments as written, "h ck th pl n t", read better
under a wrong shift, and the shipped score adds both readings.)

    python experiments/ctf-flags/leet_weight.py [--n 400] [--weights 1 0.5 0.25 0]

Sets (random keys; our tuning prose's words, as flags.py makes them, seed 0): flags, heavy flags,
heavy leetspeak without prefix and braces ("_" between words), the same with spaces between
words, and everyday sentences with digits (digits.py). Prints decrypt's exact % per set for each
weight of the as-written reading (1: shipped).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from digits import SENTENCES  # noqa: E402
from flags import flags, vocabulary  # noqa: E402

import caesar_rnn  # noqa: E402
from caesar_rnn.cipher import N_LETTERS, encrypt  # noqa: E402
from caesar_rnn.decoding import flags as flag_rule  # noqa: E402

#: Leetspeak phrases as people write them (written for this, none from an evaluation set).
PHRASES = [
    "h4ck th3 pl4n3t", "1 l0v3 cr4ck1ng c0d3s", "l33t sp34k 1s fun", "n00b", "pwn3d by th3 b3st",
    "y0u 4r3 4w3s0m3", "g00d luck h4v3 fun", "3nj0y th3 g4m3", "th1s 1s n0t s3cur3",
    "r00t 4cc3ss gr4nt3d", "s3cr3t m3ss4g3", "h3ll0 w0rld", "c0ff33 t1m3", "try h4rd3r",
    "k33p 1t s1mpl3", "w3 4r3 l3g10n", "n0 pl4c3 l1k3 h0m3", "m4st3r 0f d1sgu1s3",
    "h1dd3n 1n pl41n s1ght", "d0nt p4n1c", "f0ll0w th3 wh1t3 r4bb1t", "th3 c4k3 1s 4 l13",
    "4ll y0ur b4s3 4r3 b3l0ng t0 us", "g4m3 0v3r", "1337 h4x0r", "sk1ll 1ssu3", "cr4ck th3 c0d3",
    "0p3n s3s4m3", "3v3ry0n3 l0v3s p1zz4", "w4tch y0ur st3p",
]  # fmt: skip


def weighted(written: float):  # type: ignore[no-untyped-def]
    def scores(messages: list[str]) -> np.ndarray:
        from caesar_rnn.classical.words import word_scores

        variants = [flag_rule.spelled_out(m, k) for m in messages for k in range(N_LETTERS)]
        spelled = word_scores(variants).reshape(len(messages), N_LETTERS, N_LETTERS)
        diagonal = spelled[:, np.arange(N_LETTERS), np.arange(N_LETTERS)]
        return written * word_scores(messages) + diagonal

    return scores


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--weights", type=float, nargs="+", default=[1.0, 0.5, 0.25, 0.0])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary(None)
    heavy = [f.split("{", 1)[1].rstrip("}") for f in flags(words, args.n, rng, heavy=True)]
    sets = {
        "flags": flags(words, args.n, rng),
        "heavy flags": flags(words, args.n, rng, heavy=True),
        "heavy, no braces, _": heavy,
        "heavy, no braces, spaces": [h.replace("_", " ") for h in heavy],
        "everyday digits": SENTENCES * 5,
        "leet phrases": PHRASES * 5,
    }
    model = caesar_rnn.load_model()
    ciphers = {
        name: [encrypt(p, rng.randrange(1, 26)) for p in plain] for name, plain in sets.items()
    }
    shipped = flag_rule.leet_scores
    for w in args.weights:
        flag_rule.leet_scores = weighted(w)
        cells = []
        for name, plain in sets.items():
            got = model.decrypt(ciphers[name])
            right = sum(d.plaintext == p for d, p in zip(got, plain, strict=True))
            sure = [
                d.plaintext == p for d, p in zip(got, plain, strict=True) if d.confidence >= 0.9
            ]
            cells.append(f"{name} {100 * right / len(plain):5.1f} (>=0.9: {sum(sure)}/{len(sure)})")
        print(f"as written x {w:<4}: " + " | ".join(cells), flush=True)
    flag_rule.leet_scores = shipped


if __name__ == "__main__":
    main()
