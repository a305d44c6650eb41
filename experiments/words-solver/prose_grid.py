"""Round 7: the words cracker's weights on narrative prose we wrote for it (tuning-prose/, ~16,000
words of original fiction with dialogue; outside every evaluation set), beside the technical
tuning text (scripts/tuning_text.py).

    python experiments/words-solver/prose_grid.py [--per-bucket 1000] [SPEC ...]

SPEC: comma-separated ``field=value`` changes of ``Params`` (e.g. ``lam=0.25,edge=2``),
``beta=B`` to mix wordfreq's English frequencies into the word counts (wordfreq_mix.py), or
``min_freq=F`` to add wordfreq's words down to frequency F (shipped: 1e-6).
Prints exact-message accuracy by style and length (word starts, then half inside words) and the
time of each run; the first line is the shipped parameters.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1] / "scripts"), str(HERE)]

from tune import accuracy, show  # noqa: E402
from wordfreq_mix import corpus as technical  # noqa: E402
from wordfreq_mix import mixed  # noqa: E402

from caesar_rnn.classical.crackers import prepare  # noqa: E402
from caesar_rnn.classical.words import Lexicon, Params, Segmenter, lexicon, word_scores  # noqa: E402
from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402


def prose() -> TextCorpus:
    words = [
        w for f in sorted((HERE / "tuning-prose").glob("*.txt")) for w in f.read_text().split()
    ]
    cum = [0]
    for t in words:
        cum.append(cum[-1] + sum(1 for ch in t if ch.isascii() and ch.isalpha()))
    return TextCorpus(words, cum)


def parse(spec: str) -> tuple[Params, tuple[float, float | None]]:
    fields, beta, min_freq = {}, 0.0, None
    for part in filter(None, spec.split(",")):
        k, v = part.split("=")
        if k == "beta":
            beta = float(v)
        elif k == "min_freq":
            min_freq = float(v)
        else:
            kind = type(getattr(Params(), k))
            fields[k] = kind(float(v)) if kind is int else float(v)
    return dataclasses.replace(Params(), **fields), (beta, min_freq)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("specs", nargs="*")
    ap.add_argument("--per-bucket", type=int, default=1000)
    ap.add_argument("--buckets", default="4,6,8,10")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--text", choices=("prose", "technical"), default="prose")
    args = ap.parse_args()
    prepare()
    text = prose() if args.text == "prose" else technical()
    buckets = [int(b) for b in args.buckets.split(",")]
    sets = {
        mw: sample_messages(text, args.per_bucket, buckets, seed=args.seed, mid_word=mw)
        for mw in (0.0, 0.5)
    }
    print(f"{args.text}: {text.n_letters:,} letters, {args.per_bucket} per cell", flush=True)
    lexes: dict[tuple[float, float | None], Lexicon] = {(0.0, None): lexicon()}
    for spec in ["", *args.specs]:
        p, beta = parse(spec)
        if beta not in lexes:
            lexes[beta] = mixed(*beta[:1], 1e-8, beta[1])
        means = []
        for mw, msgs in sets.items():
            t = time.perf_counter()
            acc = accuracy(
                msgs, word_scores([m.ciphertext for m in msgs], p, Segmenter(lexes[beta], p))
            )
            show(f"{spec or 'shipped'} mid={mw}", acc, time.perf_counter() - t)
            means.append(float(np.mean(list(acc.values()))))


if __name__ == "__main__":
    main()
