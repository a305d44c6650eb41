"""What the calibrated choice (decoding/choice.py) does to text in the other languages that the
language step names English: exact % on generated text of the 26 other languages and on English
tuning prose (same_key.py's messages), for several ``choice.LEAST`` (1.01: no choice).

    python experiments/non-english/choice_least.py [--per 40]
"""

from __future__ import annotations

import argparse

import numpy as np
from same_key import LENGTHS, english, foreign

import caesar_rnn
from caesar_rnn.decoding import choice


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per", type=int, default=40)
    args = ap.parse_args()
    model = caesar_rnn.load_model()
    sets = {"26 others": foreign(args.per), "English": english(args.per)}
    for least in (1.01, 0.6, 0.8, 0.9):
        choice.LEAST = least
        for name, items in sets.items():
            lengths = np.array([n for *_, n in items])
            got = model.decrypt([c for c, *_ in items])
            exact = np.array([d.plaintext == p for d, (_, p, _, _) in zip(got, items, strict=True)])
            cells = " ".join(f"{n}: {100 * exact[lengths == n].mean():5.1f}" for n in LENGTHS)
            print(f"LEAST={least:<5} {name:10s} exact % | {cells}", flush=True)


if __name__ == "__main__":
    main()
