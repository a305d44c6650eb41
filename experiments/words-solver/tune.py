"""Tune and measure the words cracker on text outside every evaluation set (experiments/words-solver).

    python experiments/words-solver/tune.py --per-bucket 150 [--source wordsegment] [--grid]

The tuning text is Python's own documentation (the stdlib's ``pydoc_data/topics.py``: the help
topics' prose and examples); the evaluation sets (the three novels, /usr/share/common-licenses)
are never read here. Messages are cut as ``caesar-rnn eval`` cuts them (both styles, at word starts
and, with ``--mid-word``, inside words), each under a random key. Prints exact-message accuracy
by style and length for each parameter set, and how many messages the shift pruning changes.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time

import numpy as np

from caesar_rnn.cipher import letters_of
from caesar_rnn.classical.crackers import ngram_scores, prepare
from caesar_rnn.classical.words import Lexicon, Params, Segmenter, lexicon, word_scores
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import Message, sample_messages

_PROSE = re.compile(r"^[(\"']?[A-Za-z]+(?:'[a-z]+)?[.,;:!?)\"']*$")


def tuning_corpus() -> TextCorpus:
    import pydoc_data.topics as topics

    # The prose: unindented lines, and of them the tokens that are words (with punctuation
    # around them), not code ("sys.argv", "x==y", "__init__").
    lines = [ln for t in topics.topics.values() for ln in t.splitlines() if ln[:1].isalpha()]
    tokens = [t for ln in lines for t in ln.split() if _PROSE.match(t)]
    cum = [0]
    for t in tokens:
        cum.append(cum[-1] + sum(1 for ch in t if ch.isascii() and ch.isalpha()))
    return TextCorpus(tokens, cum)


def wordsegment_lexicon() -> Lexicon:
    """wordsegment's Google web counts (pip install wordsegment; measured, not shipped)."""
    import wordsegment

    wordsegment.load()
    bi = [(*k.split(" "), float(c)) for k, c in wordsegment.BIGRAMS.items()]
    return Lexicon.from_counts(dict(wordsegment.UNIGRAMS), [b for b in bi if len(b) == 3])


def mixed_lexicon(top: int) -> Lexicon:
    """The model's own training source: symspellpy's and wordfreq's words mixed half and half
    (caesar_rnn.data.corpus.word_frequencies, its ``top`` most frequent), symspellpy's pairs."""
    from caesar_rnn.data.corpus import word_frequencies, word_pairs

    uni: dict[str, float] = {}
    for w, f in word_frequencies()[:top]:
        w = w.replace("'", "")
        uni[w] = uni.get(w, 0.0) + f
    return Lexicon.from_counts(uni, word_pairs())


def accuracy(msgs: list[Message], scores: np.ndarray) -> dict[tuple[str, int], float]:
    from caesar_rnn.cipher import decrypt

    ok: dict[tuple[str, int], list[bool]] = {}
    for m, row in zip(msgs, scores, strict=True):
        got = decrypt(m.ciphertext, int(row.argmax()))
        ok.setdefault((m.style, m.n), []).append(letters_of(got) == letters_of(m.plaintext))
    return {k: float(np.mean(v)) for k, v in ok.items()}


def show(name: str, acc: dict[tuple[str, int], float], secs: float) -> None:
    cells = " ".join(f"{k[0][0]}{k[1]}:{100 * v:5.1f}" for k, v in sorted(acc.items()))
    mean = 100 * float(np.mean(list(acc.values())))
    print(f"{name:42s} mean {mean:5.2f} | {cells} | {secs:.1f}s", flush=True)


def run(msgs: list[Message], lex: Lexicon, p: Params, name: str) -> dict[tuple[str, int], float]:
    t = time.perf_counter()
    s = word_scores([m.ciphertext for m in msgs], p, Segmenter(lex, p))
    acc = accuracy(msgs, s)
    show(name, acc, time.perf_counter() - t)
    return acc


def hybrid(msgs: list[Message]) -> None:
    """The shipped model's key scores plus weight x the words scores (scores.with_words)."""
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.scores import shift_scores, with_words
    from caesar_rnn.store import shipped_model_dir

    cs = [m.ciphertext for m in msgs]
    model = shift_scores(cs, load_backend(shipped_model_dir()))
    show("model key", accuracy(msgs, model), 0.0)
    for w in (0.25, 0.5, 1.0, 2.0, 4.0):
        show(f"  hybrid weight={w}", accuracy(msgs, with_words(cs, model, w)), 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-bucket", type=int, default=150)
    ap.add_argument("--buckets", default="4,6,8,10,12,16")
    ap.add_argument("--mid-word", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--source", choices=("symspell", "wordsegment", "mixed"), default="symspell")
    ap.add_argument("--top-words", type=int, default=150_000, help="mixed: this many words")
    ap.add_argument("--grid", action="store_true", help="one parameter at a time around Params()")
    ap.add_argument("--prune", action="store_true", help="pruned vs all 26 shifts segmented")
    ap.add_argument("--hybrid", action="store_true", help="the hybrid decode's weight")
    args = ap.parse_args()
    prepare()
    buckets = [int(b) for b in args.buckets.split(",")]
    msgs = sample_messages(
        tuning_corpus(), args.per_bucket, buckets, seed=args.seed, mid_word=args.mid_word
    )
    print(f"{len(msgs)} tuning messages, mid-word {args.mid_word}, {args.source}", file=sys.stderr)
    if args.source == "wordsegment":
        lex = wordsegment_lexicon()
    elif args.source == "mixed":
        lex = mixed_lexicon(args.top_words)
    else:
        lex = lexicon()
    base = Params()
    show("ngram (quadgram)", accuracy(msgs, ngram_scores([m.ciphertext for m in msgs])), 0.0)
    run(msgs, lex, base, f"words {args.source} default")
    run(msgs, lex, dataclasses.replace(base, lam=0.0), "  lam=0 (no quadgram)")
    run(msgs, dataclasses.replace(lex, pairs={}), base, "  no word pairs (unigrams only)")
    full = dataclasses.replace(base, margin=1e9, max_shifts=26)
    run(msgs, lex, full, "  all 26 shifts split (no pruning)")
    if args.prune:
        cs = [m.ciphertext for m in msgs]
        a = word_scores(cs, base, Segmenter(lex, base)).argmax(axis=1)
        b = word_scores(cs, full, Segmenter(lex, full)).argmax(axis=1)
        print(f"pruning changes the best shift of {int((a != b).sum())} of {len(msgs)} messages")
    if args.hybrid:
        hybrid(msgs)
    if args.grid:
        grid = {
            "lam": (0.0, 0.25, 0.5, 1.0),
            "unk": (-6.0, -10.0, -14.0),
            "unk_letter": (0.0, -1.0, -2.0),
            "edge": (1.0, 3.0, 6.0),
            "split": (2.0, 6.0, 12.0),
            "margin": (3.0, 5.0, 8.0),
            "max_shifts": (3, 4, 6),
        }
        for field, values in grid.items():
            for v in values:
                p = dataclasses.replace(base, **{field: v})
                run(msgs, lex, p, f"  {field}={v}")


if __name__ == "__main__":
    main()
