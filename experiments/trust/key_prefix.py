"""How often does `decrypt --key-prefix N` keep a wrong key, and at what reported confidence?
(qa find, 2026-12-01; ``decoding.scores.MIN_KEY_PREFIX`` comes from this.)

    python experiments/trust/key_prefix.py

600 sentences of 24-120 letters from the project's own tuning prose
(experiments/words-solver/tuning-prose/), random keys, ``lang="en"`` (the model alone); the
library's minimum prefix is lifted here to measure the short ones.
Result (at ddeecd7): prefix 0 / 4 / 8 / 12 / 16 / 24 tokens: wrong 0 / 22 / 7 / 1 / 0 / 0, every
wrong one at a reported confidence of 0.9989-0.9994.
"""

import random
import re
from pathlib import Path

import numpy as np

import caesar_rnn
from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding import decode

PROSE = Path(__file__).resolve().parents[1] / "words-solver" / "tuning-prose"


def main() -> None:
    text = " ".join(f.read_text() for f in sorted(PROSE.glob("*.txt"))).replace("\n", " ")
    sents = [
        s.strip()
        for s in re.split(r'(?<=[.!?"])\s+', text)
        if 24 <= sum(c.isalpha() for c in s) <= 120
    ]
    rng = random.Random(0)
    rng.shuffle(sents)
    sents = sents[:600]
    msgs = [encrypt(s, rng.randrange(1, 26)) for s in sents]
    decode.MIN_KEY_PREFIX = 1  # measure the short prefixes too
    model = caesar_rnn.load_model()
    for kp in (0, 4, 8, 12, 16, 24):
        out = model.decrypt(msgs, key_prefix=kp, lang="en")
        ok = np.array([d.plaintext == s for d, s in zip(out, sents, strict=True)])
        conf = np.array([d.confidence for d in out])
        wrong = np.round(conf[~ok], 4).tolist()
        print(
            f"prefix {kp:2d}: exact {ok.mean():.4f}, wrong {int((~ok).sum())}, confidence {wrong}"
        )


if __name__ == "__main__":
    main()
