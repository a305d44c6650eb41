"""Both decodes with and without their second reading (``caesar_rnn.decoding.scores.VIEW_MIN_LETTERS``),
on the same messages: misses by length, and the key decode's speed, both measured in this run.

    python experiments/second-reading/views_ab.py --corpus NOVEL.txt... /usr/share/common-licenses/GPL-3 \
        --seeds 1 2 --mid-word 0 1

Messages are drawn with ``sample_messages`` (``--per-bucket`` per length bucket and style) for
every seed and mid-word share; the table adds them up. Speed: messages/s of ``decrypt_messages``
(NumPy backend) over all the drawn messages, best of ``--repeat`` alternating runs of each.
"""

from __future__ import annotations

import argparse
import time

from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.evaluation.evaluate import sample_messages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="caesar_rnn/models/default")
    ap.add_argument("--corpus", nargs="+", required=True)
    ap.add_argument("--per-bucket", type=int, default=300)
    ap.add_argument("--buckets", default="4,6,8,10,12,16,24")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--mid-word", type=float, nargs="+", default=[0.0, 1.0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    buckets = [int(b) for b in args.buckets.split(",")]
    backend = load_backend(args.model)
    corpus = TextCorpus.from_files(args.corpus)
    print(f"| messages | decode | {' | '.join(map(str, buckets))} | misses at 8+ |")
    print("|---|---|" + "---:|" * (len(buckets) + 1))
    everything = []
    for mid in args.mid_word:
        msgs = [
            m
            for seed in args.seeds
            for m in sample_messages(corpus, args.per_bucket, buckets, seed=seed, mid_word=mid)
        ]
        everything += msgs
        ciphers = [m.ciphertext for m in msgs]
        for mode in ("key", "argmax"):
            for views in (False, True):
                out = decrypt_messages(ciphers, backend, mode, views=views)
                misses = dict.fromkeys(buckets, 0)
                for m, d in zip(msgs, out, strict=True):
                    if d.plaintext != m.plaintext:
                        misses[max(b for b in buckets if b <= m.n)] += 1
                kind = "inside words" if mid == 1 else "word starts" if mid == 0 else f"mid {mid:g}"
                name = f"{mode}, two readings" if views else f"{mode}, one reading"
                cells = " | ".join(str(misses[b]) for b in buckets)
                late = sum(v for b, v in misses.items() if b >= 8)
                print(f"| {kind} | {name} | {cells} | {late} |", flush=True)
    ciphers = [m.ciphertext for m in everything]
    best = {False: float("inf"), True: float("inf")}
    for _ in range(args.repeat):
        for views in (False, True):
            t = time.perf_counter()
            decrypt_messages(ciphers, backend, "key", views=views)
            best[views] = min(best[views], time.perf_counter() - t)
    n = len(ciphers)
    print(
        f"\n{n:,} messages ({args.per_bucket} per length, style, seed and mid-word share): "
        f"{n / best[False]:,.0f} messages/s with one reading, {n / best[True]:,.0f} with the "
        f"second ({best[True] / best[False]:.2f}x the time)"
    )


if __name__ == "__main__":
    main()
