"""One model against a pair of models of half its training (a canonical one and a non-canonical
one), on the same held-out messages: misses by length of the key decode (the pair adds its two
models' key scores) and of the argmax decode (the pair adds their per-letter log-probabilities).

    python experiments/canonical-input/pair_ab.py --corpus NOVEL.txt... /usr/share/common-licenses/GPL-3 \
        --full runs/pair/full --canonical runs/pair/half_c --other runs/pair/half_nc

The models' own decodes (``decrypt_messages``) are printed beside the pair's. Messages: seed-0
draws of ``sample_messages``, ``--per-bucket`` per length and style, for each ``--mid-word``.
The pair's argmax reads each message once with each model, without the second reading.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding.backends import Backend, load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.decoding.scores import _encode, log_softmax, shift_scores
from caesar_rnn.evaluation.evaluate import Message, sample_messages


def pair_argmax_wrong(msgs: list[Message], a: Backend, b: Backend) -> np.ndarray:
    """Per message: does the argmax of both models' per-letter log-probs added miss a letter?"""
    toks = [_encode(m.ciphertext, True) for m in msgs]
    by_len: dict[int, list[int]] = defaultdict(list)
    for i, t in enumerate(toks):
        by_len[len(t)].append(i)
    wrong = np.zeros(len(msgs), bool)
    for T, ids in by_len.items():
        batch = np.frombuffer(b"".join(toks[i] for i in ids), np.uint8).reshape(len(ids), T)
        logp = log_softmax(a.logits(batch)) + log_softmax(b.logits(batch))  # (B, T, 26)
        for j, i in enumerate(ids):
            got = logp[j][batch[j] < N_LETTERS].argmax(-1)
            want = [
                ord(ch.lower()) - 97 for ch in msgs[i].plaintext if ch.isascii() and ch.isalpha()
            ]
            wrong[i] = got.tolist() != want
    return wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="+", required=True)
    ap.add_argument("--full", required=True, help="the one model")
    ap.add_argument("--canonical", required=True, help="the pair's canonical model")
    ap.add_argument("--other", required=True, help="the pair's other (non-canonical) model")
    ap.add_argument("--per-bucket", type=int, default=300)
    ap.add_argument("--buckets", default="4,6,8,10,12,16,24")
    ap.add_argument("--mid-word", type=float, nargs="+", default=[0.0, 1.0])
    args = ap.parse_args()
    buckets = [int(b) for b in args.buckets.split(",")]
    full, canon, other = (load_backend(p) for p in (args.full, args.canonical, args.other))
    corpus = TextCorpus.from_files(args.corpus)
    print(f"| messages | decode | {' | '.join(map(str, buckets))} | misses at 4-16 |")
    print("|---|---|" + "---:|" * (len(buckets) + 1))
    for mid in args.mid_word:
        msgs = sample_messages(corpus, args.per_bucket, buckets, seed=0, mid_word=mid)
        ciphers = [m.ciphertext for m in msgs]
        truth = np.array([m.shift for m in msgs])
        n = np.array([m.n for m in msgs])
        kind = "inside words" if mid == 1 else "word starts" if mid == 0 else f"mid {mid:g}"

        def row(name: str, wrong: np.ndarray, kind: str = kind, n: np.ndarray = n) -> None:
            cells = " | ".join(str(int(wrong[n == b].sum())) for b in buckets)
            print(f"| {kind} | {name} | {cells} | {int(wrong[n <= 16].sum())} |", flush=True)

        scores = {name: shift_scores(ciphers, be) for name, be in (("c", canon), ("o", other))}
        for name, be in (("one model", full), ("canonical half", canon), ("other half", other)):
            for mode in ("key", "argmax"):
                out = decrypt_messages(ciphers, be, mode)
                row(
                    f"{mode}, {name}",
                    np.array([d.plaintext != m.plaintext for d, m in zip(out, msgs, strict=True)]),
                )
        row("key, pair", (scores["c"] + scores["o"]).argmax(-1) != truth)
        row("argmax, pair", pair_argmax_wrong(msgs, canon, other))


if __name__ == "__main__":
    main()
