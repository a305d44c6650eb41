"""Round 8: a letter model that knows where words end, for the words cracker's letter term.

The shipped words score adds ``lam`` x the candidate's quadgram log-likelihood over its letters
run together, which punishes letter sequences across word boundaries (``son mr j``: ``nmrj``).
Here that term is replaced, for the few best shifts, by a 5-gram over 27 symbols (a-z and the
word boundary) read along the candidate's best split, the words joined by boundaries:

    score = words-only split score + lam2 x boundary-aware 5-gram log-likelihood of the split

The 5-gram is counted as the shipped quadgram is (scripts/build_ngrams.py): symspellpy's word
frequencies for the n-grams inside ``_word_``, its word pairs for those across ``_a_b_``;
stupid back-off (0.4) to shorter contexts.

    python experiments/words-solver/boundary_lm.py [--text prose|technical|PATH ...] \
        [--per-bucket 1000] [SPEC ...]

SPEC: ``lam2=X,start=open|word,top=K`` (``start``: the first symbol read without context, or after
a boundary). Prints exact-message accuracy by style and length (word starts, then half inside
words); the first line is the shipped words cracker.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1] / "scripts"), str(HERE)]

from prose_grid import prose  # noqa: E402
from tune import accuracy, show  # noqa: E402
from wordfreq_mix import corpus as technical  # noqa: E402

from caesar_rnn.cipher import decrypt  # noqa: E402
from caesar_rnn.classical.crackers import prepare  # noqa: E402
from caesar_rnn.classical.words import Params, segmenter, word_scores  # noqa: E402
from caesar_rnn.data.corpus import TextCorpus, word_frequencies, word_pairs  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402

ORDER = int(os.environ.get("BOUNDARY_ORDER", "5"))
S = 27  # a-z and the boundary (26)
BACKOFF = math.log(0.4)


def _codes(strings: list[str], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n-symbol windows of the strings (a-z and '_'): (codes, owner, offset)."""
    text = "\n".join(strings) + "\n"
    a = np.frombuffer(text.encode("ascii"), np.uint8).astype(np.int64)
    sep = a == 10
    a = np.where(a == 95, 26, a - 97)
    owner = np.concatenate([[0], np.cumsum(sep)[:-1]])
    starts = np.flatnonzero(np.concatenate([[True], sep[:-1]]))
    offset = np.arange(len(a)) - starts[owner]
    m = len(a) - n + 1
    codes = np.zeros(m, np.int64)
    ok = np.ones(m, bool)
    for j in range(n):
        c = a[j : j + m]
        ok &= ~sep[j : j + m]
        codes = codes * S + np.maximum(c, 0)
    return codes[ok], owner[:m][ok], offset[:m][ok]


@lru_cache(maxsize=1)
def tables() -> list[np.ndarray]:
    """log counts of every n-gram, n = 1..ORDER, flat base-27 arrays (-inf where unseen)."""
    freqs = word_frequencies()
    words = ["_" + w.replace("'", "") + "_" for w, _ in freqs]
    wc = np.asarray([f for _, f in freqs])
    both = word_pairs()
    pairs = [f"_{a}_{b}_" for a, b, _ in both]
    first = np.asarray([len(a) + 1 for a, _, _ in both])  # the middle boundary's offset
    pc = np.asarray([c for _, _, c in both], float)
    pc *= wc.sum() / pc.sum()
    out = []
    for n in range(1, ORDER + 1):
        codes, owner, _ = _codes(words, n)
        counts = np.bincount(codes, weights=wc[owner], minlength=S**n)
        if n > 1:
            codes, owner, off = _codes(pairs, n)
            span = (off < first[owner]) & (off + n > first[owner] + 1)
            counts += np.bincount(codes[span], weights=pc[owner[span]], minlength=S**n)
        with np.errstate(divide="ignore"):
            out.append(np.log(counts))
    return out


def logp(text: str, start: str) -> float:
    """Stupid back-off log-likelihood of the symbols of ``text`` (a-z and '_')."""
    t = tables()
    total1 = math.log(np.exp(t[0]).sum())
    c = [26 if ch == "_" else ord(ch) - 97 for ch in text]
    s = 0.0
    first = 1 if start == "word" else 0  # "word": text starts with '_', read as context only
    for i in range(first, len(c)):
        pen = 0.0
        for n in range(min(ORDER, i + 1), 0, -1):
            ctx = c[i - n + 1 : i]
            code = 0
            for x in ctx:
                code = code * S + x
            full = t[n - 1][code * S + c[i]]
            if n == 1:
                s += pen + full - total1
                break
            den = t[n - 2][code]
            if np.isfinite(full) and np.isfinite(den):
                s += pen + full - den
                break
            pen += BACKOFF
    return s


@lru_cache(maxsize=1)
def pair_model() -> tuple[dict[str, float], dict[tuple[str, str], float], float, float]:
    """(word counts, every listed pair's ln P(b | a) on the words' scale, ln of the list's least
    count as a share of its total, ln total), as the shipped lexicon is built."""
    from build_words_table import add_wordfreq, symspell_counts

    uni, bi = symspell_counts()
    add_wordfreq(uni)
    total = sum(uni.values())
    bt = sum(c for _, _, c in bi)
    cond = {(a, b): math.log(c / bt * total / uni[a]) for a, b, c in bi if a in uni and b in uni}
    return uni, cond, math.log(min(c for _, _, c in bi) / bt), math.log(total)


def pair_delta(words: list[str], listed: float, unseen: float) -> float:
    """What scoring each word pair by its own listed P(b | a) (``listed`` x the change: the
    shipped lexicon keeps only pairs likelier than P(b)), or an unlisted pair of known words
    whose expected count under independence is above the list's least (``unseen`` x the log
    ratio, a bound on how rare it is), changes along the split."""
    uni, cond, lmin, ltot = pair_model()
    d = 0.0
    for a, b in itertools.pairwise(words):
        if a not in uni or b not in uni:
            continue
        lb = math.log(uni[b]) - ltot
        c = cond.get((a, b))
        if c is not None:
            d += listed * min(0.0, c - lb)
        else:
            expected = math.log(uni[a]) - ltot + lb  # ln P(a) P(b): the pair's share if independent
            d += unseen * min(0.0, lmin - expected)
    return d


def rescored(
    msgs,
    base: np.ndarray,
    lam2: float,
    start: str,
    top: int,
    listed: float = 0.0,
    unseen: float = 0.0,
    edge_start: float = Params().edge_start,
) -> np.ndarray:
    """The shipped scores with each message's ``top`` best shifts rescored."""
    seg = segmenter(Params(lam=0.0, edge_start=edge_start))
    out = base.copy()
    for b, m in enumerate(msgs):
        best = np.argsort(-base[b], kind="stable")[:top]
        new = []
        for k in best.tolist():
            plain = decrypt(m.ciphertext, k)
            w, words = seg.split(plain)
            if not words:
                new.append(base[b, k])
                continue
            how = start
            if start == "auto":  # after a boundary where the first piece is a known word
                how = (
                    "word"
                    if seg.lex.piece_tables(words[0][:2])[1].get(words[0]) is not None
                    else "open"
                )
            lead = "_" if how == "word" else ""
            extra = pair_delta(words, listed, unseen) if listed or unseen else 0.0
            if start == "local":  # each piece on its own: "_w_", the first and last open
                pieces = [
                    ("" if i == 0 else "_") + w + ("" if i == len(words) - 1 else "_")
                    for i, w in enumerate(words)
                ]
                local = sum(logp(q, "word" if q[0] == "_" else "open") for q in pieces)
                new.append(w + lam2 * local + extra)
                continue
            new.append(w + lam2 * logp(lead + "_".join(words), how) + extra)
        out[b] = base[b].min() - 1e6
        out[b, best] = new
    return out


def corpus(spec: list[str]) -> TextCorpus:
    if spec == ["prose"]:
        return prose()
    if spec == ["technical"]:
        return technical()
    return TextCorpus.from_files([Path(p) for p in spec])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("specs", nargs="*")
    ap.add_argument("--text", nargs="+", default=["prose"])
    ap.add_argument("--per-bucket", type=int, default=1000)
    ap.add_argument("--buckets", default="4,6,8,10")
    ap.add_argument("--mid-word", type=float, nargs="+", default=[0.0, 0.5])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    prepare()
    t0 = time.perf_counter()
    tables()
    print(f"5-gram tables: {time.perf_counter() - t0:.1f} s", flush=True)
    buckets = [int(b) for b in args.buckets.split(",")]
    # held-out files are sampled one by one, as scripts/accuracy_report.py does
    texts = [corpus([t]) for t in args.text] if Path(args.text[0]).exists() else [corpus(args.text)]
    sets = {
        mw: [
            m
            for text in texts
            for m in sample_messages(text, args.per_bucket, buckets, seed=args.seed, mid_word=mw)
        ]
        for mw in args.mid_word
    }
    print(f"{' '.join(args.text)}: {args.per_bucket} per cell", flush=True)
    base = {mw: word_scores([m.ciphertext for m in msgs]) for mw, msgs in sets.items()}
    for mw, msgs in sets.items():
        show(f"shipped mid={mw}", accuracy(msgs, base[mw]), 0.0)
    for spec in args.specs:
        kv = dict(part.split("=") for part in spec.split(","))
        if "max_shifts" in kv:  # the shipped scoring, more shifts split
            p = Params(max_shifts=int(kv["max_shifts"]), margin=float(kv.get("margin", 5)))
            for mw, msgs in sets.items():
                show(
                    f"{spec} mid={mw}",
                    accuracy(msgs, word_scores([m.ciphertext for m in msgs], p)),
                    0,
                )
            continue
        lam2, start, top = (
            float(kv.get("lam2", 0.5)),
            kv.get("start", "open"),
            int(kv.get("top", 4)),
        )
        listed, unseen = float(kv.get("listed", 0)), float(kv.get("unseen", 0))
        for mw, msgs in sets.items():
            t = time.perf_counter()
            es = float(kv.get("es", Params().edge_start))
            acc = accuracy(msgs, rescored(msgs, base[mw], lam2, start, top, listed, unseen, es))
            show(f"{spec} mid={mw}", acc, time.perf_counter() - t)


if __name__ == "__main__":
    main()
