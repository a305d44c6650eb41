"""How many random strings does decrypt report with confidence above 0.5 (and at >= 0.99)?
200 strings of a-z per length, seed 7 (the QA check of rounds 4 and 7).

    python experiments/non-english/random_letters.py
"""

from __future__ import annotations

import random

import caesar_rnn


def main() -> None:
    rng = random.Random(7)
    model = caesar_rnn.load_model()
    for n in (8, 10, 12, 16, 20, 24, 32):
        xs = [
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)) for _ in range(200)
        ]
        got = model.decrypt(xs)
        above = sum(d.confidence > 0.5 for d in got)
        sure = sum(d.confidence >= 0.99 for d in got)
        print(f"{n} letters: above 0.5 {above}/200, at >= 0.99 {sure}/200")


if __name__ == "__main__":
    main()
