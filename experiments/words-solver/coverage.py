"""Lexicon coverage and pruning: does adding wordfreq's words that symspellpy's list lacks
("mr", "dr", contractions) or splitting more shifts help the words cracker?

    python experiments/words-solver/coverage.py --text tuning        # Python's documentation prose
    python experiments/words-solver/coverage.py --text PATH [PATH..]  # held-out text, once chosen

Messages as `caesar-rnn eval` cuts them (seed 1, word starts and half starting inside a word).
Prints mean exact accuracy per (style, length) and the seconds each variant took.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tune import accuracy, show, tuning_corpus  # noqa: E402

from caesar_rnn.classical.words import Lexicon, Params, Segmenter, lexicon, prepare, word_scores
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import sample_messages


def vim_corpus() -> TextCorpus:
    """Python's documentation prose plus the prose of Vim's user manual (usr_*.txt: unindented
    lines, their word tokens), a second kind of English outside every evaluation set."""
    import re

    prose = re.compile(r"^[(\"']?[A-Za-z]+(?:'[a-z]+)?[.,;:!?)\"']*$")
    base = tuning_corpus()
    tokens = list(base.tokens)
    for path in sorted(Path("/usr/share/vim").glob("vim*/doc/usr_*.txt")):
        for ln in path.read_text(errors="replace").splitlines():
            if ln[:1].isalpha() and not ln.startswith(("vim:", "Next chapter", "Copyright")):
                tokens += [t for t in ln.split() if prose.match(t)]
    cum = [0]
    for t in tokens:
        cum.append(cum[-1] + sum(1 for ch in t if ch.isascii() and ch.isalpha()))
    return TextCorpus(tokens, cum)


def counts(mode: str) -> tuple[dict[str, float], list[tuple[str, str, float]]]:
    from build_words_table import symspell_counts

    uni, bi = symspell_counts()
    if mode == "symspell":  # the lexicon shipped before this study
        return uni, bi
    import wordfreq

    total = sum(uni.values())
    for w in wordfreq.top_n_list("en", 300_000, wordlist="large"):
        f = wordfreq.word_frequency(w, "en", wordlist="large")
        w = w.replace("'", "").replace("\u2019", "")
        if not (w.isascii() and w.isalpha()) or (mode.startswith("missing3") and f < 1e-6):
            continue
        if mode == "missing3-2" and len(w) < 2:  # no one-letter words ("s", "d": contractions)
            continue
        if mode == "missing3-strict" and (len(w) < 2 or (len(w) == 2 and f < 1e-4)):
            continue
        c = f * total
        if w not in uni or (mode == "max" and c > uni[w]):  # missing, missing3: absent ones
            uni[w] = max(uni.get(w, 0.0), c)
    return uni, bi


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--text", nargs="+", default=["tuning"])
    ap.add_argument("--per-bucket", type=int, default=300)
    ap.add_argument("--buckets", default="4,6,8,10")
    ap.add_argument("--mid-word", type=float, nargs="+", default=[0.0, 0.5])
    ap.add_argument(
        "--lexicons",
        default="symspell,missing,max",
        help="symspell (before), missing, missing3 (the shipped recipe), max, shipped (the "
        "packaged table)",
    )
    ap.add_argument("--variants", default="", help="comma-separated names (default: all)")
    args = ap.parse_args()
    prepare()
    buckets = [int(b) for b in args.buckets.split(",")]
    if args.text == ["tuning"]:
        corpora = [tuning_corpus()]
    elif args.text == ["vim"]:
        corpora = [vim_corpus()]
    else:
        corpora = [TextCorpus.from_files([p]) for p in args.text]
    base = Params()
    variants = {
        "before: prefix 0 edge_start 3": dataclasses.replace(base, prefix=0, edge_start=3.0),
        "shipped Params()": base,
        "margin 8 / 6 shifts": dataclasses.replace(base, margin=8.0, max_shifts=6),
        "prefix 5": dataclasses.replace(base, prefix=5),
        "prefix 6": dataclasses.replace(base, prefix=6),
        "all 26 split": dataclasses.replace(base, margin=1e9, max_shifts=26),
    }
    for es in (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0):
        variants[f"prefix 5 edge_start {es:g}"] = dataclasses.replace(base, prefix=5, edge_start=es)
    for e in (0.0, 2.0):
        for es in (0.0, 1.0, 2.0, 3.0):
            variants[f"prefix 5 edge {e:g} edge_start {es:g}"] = dataclasses.replace(
                base, prefix=5, edge=e, edge_start=es
            )
    for mw in args.mid_word:
        msgs = [
            m
            for c in corpora
            for m in sample_messages(c, args.per_bucket, buckets, seed=1, mid_word=mw)
        ]
        print(f"# {len(msgs)} messages, mid-word {mw}, texts {args.text}", flush=True)
        for name in args.lexicons.split(","):
            lex = lexicon() if name == "shipped" else Lexicon.from_counts(*counts(name))
            for vname, p in variants.items():
                if args.variants and vname not in args.variants.split(","):
                    continue
                t = time.perf_counter()
                s = word_scores([m.ciphertext for m in msgs], p, Segmenter(lex, p))
                show(f"{name:8s} {vname}", accuracy(msgs, s), time.perf_counter() - t)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    main()
