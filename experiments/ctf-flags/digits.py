"""Ordinary English with digits at the edges of words ("4th", "5pm", "COVID19", "Room 4B"): does
decrypt answer it as the model reads it, or as leetspeak? (QA round 3, 2026-12-01: 30 such
messages all came back "unsure (0.50)", a nonsense runner-up at ~0.5.)

    python experiments/ctf-flags/digits.py [--keys 5]

The sentences below were written for this (none from an evaluation set); each is enciphered
under ``--keys`` random keys (seed 0). Prints exact-message accuracy, how many answers report
<= 0.5 and >= 0.9, the mean confidence of right and wrong answers, and the decodes used.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

import caesar_rnn
from caesar_rnn.cipher import encrypt

SENTENCES = [
    "Meet at 4th street",
    "See you at 5pm",
    "Room 4B is free",
    "COVID19 test tomorrow",
    "Bus 42A leaves at 8am",
    "The 3rd floor is closed",
    "Buy a 6pk of soda",
    "Flight BA247 lands at 10pm",
    "Call me after 9pm tonight",
    "She finished 2nd in the race",
    "Bring 2kg of flour and 3 eggs",
    "The train leaves platform 9B at 7am",
    "Our meeting moved to the 21st",
    "The 1st rule is to stay calm",
    "Take the A4 road north",
    "Lunch at 12pm in room 3C",
    "He runs 10km every morning",
    "Download the mp3 before Friday",
    "My phone has 64GB of space",
    "The 5th chapter explains it all",
    "Gate 12C closes at 6pm sharp",
    "Apartment 7D needs a new lock",
    "We sold 300k copies last year",
    "Set the oven to 180C for an hour",
    "The party starts at 8pm on the 14th",
    "Order 2x the usual amount",
    "Seat 23F is by the window",
    "Version 2b fixes the login bug",
    "I will be there by 11am",
    "The 4x4 truck is parked outside",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(0)
    plain = [s for s in SENTENCES for _ in range(args.keys)]
    cipher = [encrypt(s, rng.randrange(1, 26)) for s in plain]
    got = caesar_rnn.load_model().decrypt(cipher)
    right = [d.plaintext == p for d, p in zip(got, plain, strict=True)]
    conf_r = [d.confidence for d, ok in zip(got, right, strict=True) if ok]
    conf_w = [d.confidence for d, ok in zip(got, right, strict=True) if not ok]
    print(f"{len(got)} messages: exact {sum(right)} ({100 * sum(right) / len(got):.1f} %)")
    print(f"  at <= 0.5: {sum(d.confidence <= 0.5 for d in got)}; at >= 0.9: "
          f"{sum(d.confidence >= 0.9 for d in got)}")  # fmt: skip
    print(f"  mean confidence right {sum(conf_r) / max(len(conf_r), 1):.3f}, wrong "
          f"{sum(conf_w) / max(len(conf_w), 1):.3f} ({len(conf_w)})")  # fmt: skip
    print(f"  decodes: {dict(Counter(d.decode for d in got))}")
    for d, p, ok in zip(got, plain, right, strict=True):
        if not ok:
            print(f"  wrong: {p!r} -> {d.plaintext!r} at {d.confidence:.3f}")


if __name__ == "__main__":
    main()
