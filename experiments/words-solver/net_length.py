"""Does the prefix net matter for longer messages? (experiments/words-solver, round 3)

The prefix net (``Params.prefix``) sends a shift to the segmenter when its first letters start a
known word, even where the trigram pruning has settled the message. On long messages that is
most of the segmenter's work (on the bench's 20,000 lines, 1,017 of the 2,342 segmented messages
have 12+ letters, nearly all sent by the net alone). This counts, on the tuning prose (outside
every evaluation set: scripts/tuning_text.py), how the words cracker's answers change when the
net is applied only to messages under ``--below`` letters.

    python experiments/words-solver/net_length.py --per-bucket 400
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from tuning_text import tuning_words  # noqa: E402

from caesar_rnn.cipher import decrypt  # noqa: E402
from caesar_rnn.classical.words import Params, Segmenter, lexicon, word_scores  # noqa: E402
from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402


def corpus() -> TextCorpus:
    tokens = [w for ws in tuning_words().values() for w in ws]
    cum = [0]
    for t in tokens:
        cum.append(cum[-1] + sum(1 for ch in t if ch.isascii() and ch.isalpha()))
    return TextCorpus(tokens, cum)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-bucket", type=int, default=400)
    ap.add_argument("--buckets", default="8,10,12,14,16,20,24,32,48,64")
    ap.add_argument("--below", default="10,12,16,20")
    args = ap.parse_args()
    buckets = [int(b) for b in args.buckets.split(",")]
    c = corpus()
    lex = lexicon()
    full = Params()
    for mid in (0.0, 1.0):
        msgs = sample_messages(c, args.per_bucket, buckets, seed=3, mid_word=mid)
        ciphers = [m.ciphertext for m in msgs]

        def right(shifts: np.ndarray, msgs: list = msgs) -> np.ndarray:
            pairs = zip(msgs, shifts.tolist(), strict=True)
            return np.array([decrypt(m.ciphertext, s) == m.plaintext for m, s in pairs])

        base = word_scores(ciphers, full, Segmenter(lex, full)).argmax(axis=1)
        rb = right(base)
        print(f"mid_word {mid}: {len(msgs)} messages, net everywhere exact {rb.mean():.4f}")
        for below in (int(b) for b in args.below.split(",")):
            p = dataclasses.replace(full, prefix_below=below)
            got = word_scores(ciphers, p, Segmenter(lex, p)).argmax(axis=1)
            rg, moved = right(got), got != base
            print(
                f"  net below {below:2d} letters: exact {rg.mean():.4f}, {int(moved.sum())} "
                f"answers moved ({int(rg[moved].sum())} now right, {int(rb[moved].sum())} were)"
            )


if __name__ == "__main__":
    main()
