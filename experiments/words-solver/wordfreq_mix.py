"""Round 7: junk short words. Does mixing wordfreq's English frequencies into the Google Books
word counts (geometric interpolation) lift the words cracker at 4-8 letters?

    python experiments/words-solver/wordfreq_mix.py [--per-bucket 1000] [--betas 0,0.25,0.5]

Each symspellpy word's count c becomes c^(1-beta) * (f * total)^beta, f its wordfreq English
frequency (large list; at least ``--floor``), then ``Lexicon.from_counts`` as in
scripts/build_words_table.py. Tuning text only (scripts/tuning_text.py: pydoc, docstrings, man
pages); the evaluation sets are never read here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "experiments" / "words-solver")]

from build_words_table import add_wordfreq, symspell_counts  # noqa: E402
from tune import accuracy, show  # noqa: E402
from tuning_text import tuning_words  # noqa: E402

from caesar_rnn.classical.crackers import prepare  # noqa: E402
from caesar_rnn.classical.words import Lexicon, Params, Segmenter, word_scores  # noqa: E402
from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402


def corpus() -> TextCorpus:
    words = [w for ws in tuning_words().values() for w in ws]
    cum = [0]
    for t in words:
        cum.append(cum[-1] + sum(1 for ch in t if ch.isascii() and ch.isalpha()))
    return TextCorpus(words, cum)


def mixed(beta: float, floor: float, min_freq: float | None = None) -> Lexicon:
    import build_words_table
    import wordfreq

    uni, bi = symspell_counts()
    shipped = build_words_table.MIN_FREQ
    build_words_table.MIN_FREQ = shipped if min_freq is None else min_freq  # rarer words too
    try:
        add_wordfreq(uni)
    finally:
        build_words_table.MIN_FREQ = shipped
    if beta:
        wf = wordfreq.get_frequency_dict("en", wordlist="large")
        total = sum(uni.values())
        uni = {
            w: c ** (1 - beta) * (max(wf.get(w, 0.0), floor) * total) ** beta
            for w, c in uni.items()
        }
    return Lexicon.from_counts(uni, bi)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-bucket", type=int, default=1000)
    ap.add_argument("--buckets", default="4,6,8")
    ap.add_argument("--betas", default="0,0.25,0.5,0.75")
    ap.add_argument("--floors", default="1e-8")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    prepare()
    text = corpus()
    buckets = [int(b) for b in args.buckets.split(",")]
    sets = {
        mw: sample_messages(text, args.per_bucket, buckets, seed=args.seed, mid_word=mw)
        for mw in (0.0, 0.5)
    }
    p = Params()
    for beta in [float(b) for b in args.betas.split(",")]:
        for floor in [float(f) for f in args.floors.split(",")]:
            t = time.perf_counter()
            lex = mixed(beta, floor)
            for mw, msgs in sets.items():
                s = word_scores([m.ciphertext for m in msgs], p, Segmenter(lex, p))
                show(
                    f"beta={beta} floor={floor:g} mid={mw}",
                    accuracy(msgs, s),
                    time.perf_counter() - t,
                )
            if not beta:
                break


if __name__ == "__main__":
    main()
