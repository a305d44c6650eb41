"""The words cracker's misses in one cell of set A, each said to be pruned (never split) or
lost on scoring, with both readings' splits and scores (round 9).

    python experiments/words-solver/misses.py TEXT ... [--n 6] [--style letters] [PARAM=VALUE ...]

TEXT: set A's files (docs/accuracy.md's header: the three novels and the GPL). Messages as
``caesar-rnn eval`` cuts them (300 per text, seed 0, word starts); PARAM=VALUE overrides
``words.Params`` (``max_shifts=26 margin=100``: every shift split).
"""

from __future__ import annotations

import argparse

from caesar_rnn.cipher import decrypt, letters_of
from caesar_rnn.classical.words import Params, segmenter, word_scores
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import BUCKETS, STYLES, sample_messages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("texts", nargs="+")
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--style", default="letters")
    ap.add_argument("--per-text", type=int, default=300)
    args = ap.parse_intermixed_args()
    rest = [t for t in args.texts if "=" in t]
    args.texts = [t for t in args.texts if "=" not in t]
    fields = {k: type(getattr(Params(), k))(v) for k, v in (a.split("=") for a in rest)}
    p = Params(**fields)
    seg = segmenter(p)
    total = bad = pruned = 0
    for path in args.texts:
        msgs = sample_messages(TextCorpus.from_files([path]), args.per_text, BUCKETS, STYLES, 0)
        msgs = [m for m in msgs if m.n == args.n and m.style == args.style]
        for m, row in zip(msgs, word_scores([m.ciphertext for m in msgs], p), strict=True):
            total += 1
            got = decrypt(m.ciphertext, int(row.argmax()))
            if letters_of(got) == letters_of(m.plaintext):
                continue
            bad += 1
            true = next(s for s in range(26) if decrypt(m.ciphertext, s) == m.plaintext)
            st, wt = seg.split(m.plaintext)
            sg, wg = seg.split(got)
            was_pruned = abs(row[true] - st) > 1e-6
            pruned += was_pruned
            print(f"{'pruned' if was_pruned else 'scored'}  {' '.join(wt):20s} {st:7.2f}  |  "
                  f"{' '.join(wg):20s} {sg:7.2f}")  # fmt: skip
    print(f"{bad} misses of {total} ({100 * (1 - bad / total):.2f} % exact), {pruned} pruned")


if __name__ == "__main__":
    main()
