"""Round 5: the words check at the model's key (``language.SAME_KEY``). An English answer the
model reads as English, at its own key, was named another language by letters alone ("Meet José
at the café tomorrow." French, "The FBI and CIA met at HQ." Portuguese; QA, 2026-12-01). With
SAME_KEY it stays English unless its words score better in that language. What does it cost
the other languages?

    python experiments/non-english/same_key.py [--per 40]

Generated text only (gen-data's word walk, seeds 4000 + n, apart from rounds 1-4's) in the 26
languages besides English, and English from the tuning prose (scripts/tuning_text.py); both
styles, 4-64 letters. Prints, per length, the language named right (%) and exact (%) for the
other languages pooled and for English, without and with SAME_KEY.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import caesar_rnn
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.data.generate import generate
from caesar_rnn.decoding import language
from caesar_rnn.evaluation.evaluate import sample_messages
from caesar_rnn.languages import CODES, ENGLISH

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from tuning_text import tuning_words  # noqa: E402

LENGTHS = (6, 8, 12, 16, 24, 32, 64)


def foreign(per: int) -> list[tuple[str, str, str, int]]:
    out = []
    for n in LENGTHS:
        for code in CODES:
            if code == ENGLISH:
                continue
            for style in ("letters", "natural"):
                for r in generate(per, n, n, None, style, [], 4000 + n, 0.0, [code]):
                    out.append((str(r["ciphertext"]), str(r["plaintext"]), code, n))
    return out


def english(per: int) -> list[tuple[str, str, str, int]]:
    words = [w for ws in tuning_words().values() for w in ws]
    cum = [0]
    for t in words:
        cum.append(cum[-1] + sum(1 for ch in t if ch.isascii() and ch.isalpha()))
    msgs = sample_messages(TextCorpus(words, cum), per * 4, list(LENGTHS), seed=7)
    return [(m.ciphertext, m.plaintext, ENGLISH, m.n) for m in msgs]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per", type=int, default=40)
    args = ap.parse_args()
    model = caesar_rnn.load_model()
    sets = {"26 others": foreign(args.per), "English": english(args.per)}
    for name, items in sets.items():
        lengths = np.array([n for *_, n in items])
        for same in (False, True):
            language.SAME_KEY = same
            got = model.decrypt([c for c, *_ in items])
            named = np.array(
                [d.language == code for d, (_, _, code, _) in zip(got, items, strict=True)]
            )
            exact = np.array([d.plaintext == p for d, (_, p, _, _) in zip(got, items, strict=True)])
            cells = " ".join(
                f"{n}: {100 * named[lengths == n].mean():5.1f}/{100 * exact[lengths == n].mean():5.1f}"
                for n in LENGTHS
            )
            print(f"{name:10s} SAME_KEY={same!s:5s} named/exact % | {cells}", flush=True)


if __name__ == "__main__":
    main()
