"""Flags whose prefix is in clear and whose body alone is encrypted (``HTB{wkh_iodj_lv_khuh}``):
how well does ``flags.BODY_READS`` / ``BODY_GAIN`` tell them from bodies written in clear that
read as nothing (random letters and digits, hex)? (QA round 6, 2026-12-01: such a flag came back
unchanged at 0.99, the prefix settling shift 0.)

    python experiments/ctf-flags/clear_prefix.py [--n 400]

Encrypted bodies: 2-5 consecutive words of the tuning prose (Python's own documentation,
experiments/words-solver/tune.py; no evaluation set), joined by "_", under a random key 1-25.
Bodies in clear: random letters and digits (14-40 characters), random letters (10-24), hex (32).
Only bodies of at least ``BODY_LETTERS`` letters are considered, as the rule does. Prints, for
each threshold pair, the share of each kind taken for an encrypted body; then the end-to-end
``decrypt`` on ``HTB{...}`` flags of each kind (right = the body decrypted, or kept as written).
"""

from __future__ import annotations

import argparse
import random
import string
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "words-solver"))

from tune import tuning_corpus  # noqa: E402

import caesar_rnn  # noqa: E402
from caesar_rnn.cipher import count_letters, encrypt  # noqa: E402
from caesar_rnn.decoding import flags  # noqa: E402


def bodies(n: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    words = [w.lower() for w in tuning_corpus().tokens if w.isalpha()]
    english = []
    while len(english) < n:
        i = rng.randrange(len(words) - 6)
        body = "_".join(words[i : i + rng.randrange(2, 6)])
        if count_letters(body) >= flags.BODY_LETTERS:
            english.append(body)
    alnum = string.ascii_lowercase + string.digits + "_"
    kinds = {
        "encrypted English": [encrypt(b, rng.randrange(1, 26)) for b in english],
        "random letters+digits": [
            "".join(rng.choices(alnum, k=rng.randrange(14, 40))) for _ in range(n)
        ],
        "random letters": [
            "".join(rng.choices(string.ascii_lowercase, k=rng.randrange(10, 24))) for _ in range(n)
        ],
        "hex": ["".join(rng.choices("0123456789abcdef", k=32)) for _ in range(n)],
    }
    kinds = {k: [b for b in v if count_letters(b) >= flags.BODY_LETTERS] for k, v in kinds.items()}
    return kinds, english


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    kinds, english = bodies(args.n, args.seed)
    print("share taken for an encrypted body (reads / gain per letter):")
    feats = {}
    for kind, xs in kinds.items():
        s = flags.leet_scores(xs)
        n = np.asarray([count_letters(x) for x in xs])
        feats[kind] = (s.max(1) / n, (s.max(1) - s[:, 0]) / n, s.argmax(1))
    for reads, gain in [(-7.5, 2.0), (-8.0, 2.0), (-8.0, 3.0), (-8.5, 2.0)]:
        cells = []
        for kind, (p, g, k) in feats.items():
            cells.append(f"{kind} {100 * np.mean((p >= reads) & (g >= gain) & (k != 0)):.1f} %")
        print(f"  {reads:5.1f} / {gain:.1f}: " + "; ".join(cells))
    print(f"end to end, decrypt 'HTB{{body}}' (shipped: {flags.BODY_READS} / {flags.BODY_GAIN}):")
    for kind, xs in kinds.items():
        want = [f"HTB{{{e}}}" for e in english] if kind == "encrypted English" else None
        got = caesar_rnn.decrypt([f"HTB{{{x}}}" for x in xs])
        right = [d.plaintext == (want[i] if want else f"HTB{{{xs[i]}}}") for i, d in enumerate(got)]
        conf = [d.confidence for d in got]
        print(
            f"  {kind}: {100 * np.mean(right):.1f} % right of {len(xs)}, mean confidence {np.mean(conf):.2f}"
        )


if __name__ == "__main__":
    main()
