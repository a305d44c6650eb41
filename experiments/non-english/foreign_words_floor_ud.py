"""Round 7's held-out check: on UD dev sentences (evaluation only), how often are decrypt's right
answers in another language capped at 0.5, and how often are wrong ones reported at >= 0.99,
without and with ``language.WORDS_FLOOR``?

    python experiments/non-english/foreign_words_floor_ud.py ../shared/corpora/ud-dev [--per 100]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import caesar_rnn
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding import language
from caesar_rnn.evaluation.evaluate import STYLES, sample_messages
from caesar_rnn.languages import NAMES

LENGTHS = (10, 12, 16, 24, 32, 48)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--per", type=int, default=100)
    ap.add_argument("--delta", type=float, nargs="+", default=[0.0])
    args = ap.parse_args()
    model = caesar_rnn.load_model()
    msgs = []
    for p in sorted(args.folder.glob("*.txt")):
        if p.stem in NAMES:
            msgs += sample_messages(TextCorpus.from_files([p]), args.per, LENGTHS, STYLES, 0,
                                    fold_letters=True)  # fmt: skip
    shipped = language.WORDS_FLOOR
    runs = [("without", (None,) * len(shipped))] + [
        (f"{d:+.2f}", tuple(None if f is None else f + d for f in shipped)) for d in args.delta
    ]
    for name, floor in runs:
        language.WORDS_FLOOR = floor
        got = model.decrypt([m.ciphertext for m in msgs])
        for n in LENGTHS:
            rows = [(m, d) for m, d in zip(msgs, got, strict=True) if m.n == n]
            foreign = [(m, d) for m, d in rows if d.decode == "ngram"]
            right = [d for m, d in foreign if d.plaintext == m.plaintext]
            wrong = [d for m, d in foreign if d.plaintext != m.plaintext]
            print(
                f"{name:7s} {n:3d} letters: {len(foreign)} answers in another language, "
                f"{len(right)} right, of them at <= 0.5: {sum(d.confidence <= 0.5 for d in right)}; "
                f"wrong {len(wrong)}, of them at >= 0.99: {sum(d.confidence >= 0.99 for d in wrong)}"
            )
    language.WORDS_FLOOR = shipped


if __name__ == "__main__":
    main()
