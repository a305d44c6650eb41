"""What a solver that knows English only from the model's training source could reach at best.

    python experiments/source-bayes/source_bayes.py --exact --styles letters \
        --lengths 4,6,8,10,12,16,24 --per-bucket 1200 --corpus NOVEL.txt... /usr/share/common-licenses/GPL-3 \
        [--mid-word 1.0] [--source-mid-word letters:0.5] [--model caesar_rnn/models/default]

For a message of n letters the key decode picks one of the 26 rotations of the ciphertext. The
model is fitted to its training source's posterior over them; the *source-Bayes* solver decides
with that posterior itself: of the 26 rotations, the one the source (`caesar_rnn.data.corpus`: the word
chain that `make model` draws its pairs from) makes most probable. So it shows what learning the
source perfectly would give, and the gap between it and the model is a gap in learning, not in
text. (It is not an upper bound for every solver on held-out English: a solver with another prior
can do better on a given text.)

- `--exact` (letters style): the chain's exact probability of each rotation, summed over every way
  of cutting it into words (`ExactSource`), from word starts and/or from inside a word.
- otherwise: brute force, for short messages of either style: draw `--samples` messages exactly as
  `gen-data` does and count them; ties and rotations never drawn split the credit.

`--source-mid-word`: the share of source messages that start inside a word, per style
(`letters:0.5,natural:0.3` is make model's mix); by default the same as `--mid-word`, i.e. a solver
told how the held-out messages were cut. The messages are `caesar_rnn.evaluation.evaluate.sample_messages`'
with the given seed (the rows line up with `scripts/eval_heldout.py` for the same counts), and the
quadgram cracker and, with `--model`, the model's key decode are scored on the same ones.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
import time
from collections import Counter
from multiprocessing import Pool
from typing import Any

import numpy as np

from caesar_rnn.cipher import shift_text, tokenize
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.data.generate import MAX_CUT, make_plaintext
from caesar_rnn.evaluation.evaluate import classical_solver, model_solver, sample_messages


def as_symbols(text: str) -> str:
    """What every solver here sees of a message: lowercase letters and '_' for word boundaries
    (none in the letters style)."""
    return "".join("_" if t == 26 else chr(97 + t) for t in tokenize(text, True))


def _draw(job: tuple[int, int, str, float, int]) -> Counter[str]:
    seed, n, style, mid_word, count = job
    rng = random.Random(seed)
    return Counter(
        as_symbols(make_plaintext(rng, n, style, n, None, mid_word)) for _ in range(count)
    )


def source_counts(
    n: int, style: str, mid_word: float, samples: int, procs: int, seed: int
) -> Counter[str]:
    chunks = 16
    jobs = [(seed * 1000 + i, n, style, mid_word, samples // chunks) for i in range(chunks)]
    total: Counter[str] = Counter()
    with Pool(procs) as pool:
        for c in pool.imap_unordered(_draw, jobs):
            total.update(c)
    return total


def bayes_credit(plain: str, counts: Counter[str]) -> tuple[float, bool]:
    """(credit of the source-Bayes pick for this message, whether its plaintext was ever drawn)."""
    s = as_symbols(plain)
    mine = counts.get(s, 0)
    others = [counts.get(shift_text(s, k), 0) for k in range(1, 26)]
    top = max(others)
    if mine < top:
        return 0.0, mine > 0
    return 1.0 / (1 + sum(1 for o in others if o == mine)), mine > 0


def _letters(w: str) -> str:
    """A chain word's letters ("don't" -> "dont")."""
    return w.replace("'", "")


class ExactSource:
    """The exact probability that the word chain (`caesar_rnn.data.corpus.WordChain`, as `gen-data`
    walks it) gives a letters-style message that starts with a given string, summed over every way
    of cutting the string into words. From a word start: P(s) = sum over first words w1 of
    P_start(w1) * P(rest | w1), where the next word after w is a successor by word-pair count
    (probability 1 - restart) or a fresh draw (restart, or always where w has no listed
    successor), and the last word may overshoot. From inside a word (``gen-data --mid-word``): the
    first word loses its first j letters, j uniform in 1..min(MAX_CUT, letters - 1)."""

    def __init__(self) -> None:
        from caesar_rnn.data.corpus import default_chain

        chain = default_chain()
        self.restart = chain.restart
        total = chain.cum_counts[-1]
        freqs = np.diff([0.0, *chain.cum_counts]).tolist()
        self.freq = {w: f / total for w, f in zip(chain.words, freqs, strict=True)}
        self.by_letters: dict[str, list[str]] = {}
        for w in chain.words:
            self.by_letters.setdefault(_letters(w), []).append(w)
        self.maxlen = max(map(len, self.by_letters))
        keys = sorted((_letters(w), f) for w, f in self.freq.items())
        self.keys = [k for k, _ in keys]
        self.cum = [0.0, *itertools.accumulate(f for _, f in keys)]
        self.succ = chain.successors  # word -> (successors, cumulative counts)
        self._succ_sorted: dict[str, tuple[list[str], list[float], dict[str, float]]] = {}
        # What a cut first word leaves: its letters from j on, with P_start(w) / (choices of j);
        # words of one letter are never cut (they start the message whole).
        self.tails: dict[str, list[tuple[str, float]]] = {}
        self.uncut: list[tuple[str, str, float]] = []  # (word, its letters, P_start)
        for w, f in self.freq.items():
            lk = _letters(w)
            if len(lk) < 2:
                self.uncut.append((w, lk, f))
                continue
            cuts = min(MAX_CUT, len(lk) - 1)
            for j in range(1, cuts + 1):
                self.tails.setdefault(lk[j:], []).append((w, f / cuts))
        tails = sorted((t, p) for t, ws in self.tails.items() for _, p in ws)
        self.tail_keys = [t for t, _ in tails]
        self.tail_cum = [0.0, *itertools.accumulate(p for _, p in tails)]
        # Successor words in letter order, and each listed word's successor probabilities as
        # index arrays into them: a short tail is left by thousands of words, whose continuations
        # are added up as one vector (_tail_mix) instead of one by one.
        second = sorted({x for succ, _ in self.succ.values() for x in succ}, key=_letters)
        self.v2_keys = [_letters(x) for x in second]
        self.v2_index = {x: i for i, x in enumerate(second)}
        self.v2_words = second
        self.succ_arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for w, (succ, cum) in self.succ.items():
            counts = np.diff(np.asarray([0, *cum], np.float64))
            self.succ_arrays[w] = (
                np.asarray([self.v2_index[x] for x in succ], np.int64),
                counts / counts.sum(),
            )
        self._mix: dict[str, tuple[float, np.ndarray, np.ndarray]] = {}

    def _tail_mix(self, t: str) -> tuple[float, np.ndarray, np.ndarray]:
        """For the words a cut leaves as ``t``: (the weight that goes on by a fresh draw, the
        weight of each successor word (over v2), its cumulative sum in letter order)."""
        if t not in self._mix:
            fresh = 0.0
            v = np.zeros(len(self.v2_words))
            for w, q in self.tails.get(t, ()):
                if w in self.succ_arrays:
                    idx, prob = self.succ_arrays[w]
                    np.add.at(v, idx, (1 - self.restart) * q * prob)
                    fresh += self.restart * q
                else:
                    fresh += q
            self._mix[t] = (fresh, v, np.concatenate([[0.0], np.cumsum(v)]))
        return self._mix[t]

    def _range_mass(self, keys: list[str], cum: list[float], prefix: str) -> float:
        lo = bisect.bisect_left(keys, prefix)
        hi = bisect.bisect_left(keys, prefix + "{")  # '{' follows 'z'
        return cum[hi] - cum[lo]

    def _successors(self, w: str) -> tuple[list[str], list[float], dict[str, float]]:
        if w not in self._succ_sorted:
            words, cum = self.succ[w]
            counts = np.diff([0, *cum]).tolist()
            total = float(cum[-1])
            pairs = sorted(zip(words, (c / total for c in counts), strict=True))
            self._succ_sorted[w] = (
                [k for k, _ in pairs],
                [0.0, *itertools.accumulate(p for _, p in pairs)],
                dict(pairs),
            )
        return self._succ_sorted[w]

    def _next(self, prev: str | None, w: str) -> float:
        """P(next word = w | previous word prev); prev None: the first word."""
        fresh = self.freq[w]
        if prev is None or prev not in self.succ:
            return fresh
        return (1 - self.restart) * self._successors(prev)[2].get(w, 0.0) + self.restart * fresh

    def _cover(self, prev: str | None, rest: str) -> float:
        """P(the next word's letters start with ``rest``) (it ends the message)."""
        fresh = self._range_mass(self.keys, self.cum, rest)
        if prev is None or prev not in self.succ:
            return fresh
        keys, cum, _ = self._successors(prev)
        return (1 - self.restart) * self._range_mass(keys, cum, rest) + self.restart * fresh

    def prob(self, s: str, mid_word: float = 0.0) -> float:
        """P(a message starts with s): from a word start with probability 1 - mid_word, from
        inside a word with probability mid_word."""
        memo: dict[tuple[int, str | None], float] = {}

        def rest(pos: int, prev: str | None) -> float:
            key = (pos, prev)
            if key not in memo:
                p = self._cover(prev, s[pos:])
                for k in range(1, min(len(s) - pos, self.maxlen + 1)):
                    for w in self.by_letters.get(s[pos : pos + k], ()):
                        step = self._next(prev, w)
                        if step > 0:
                            p += step * rest(pos + k, w)
                memo[key] = p
            return memo[key]

        p = (1 - mid_word) * rest(0, None) if mid_word < 1 else 0.0
        if mid_word > 0:
            inside = self._range_mass(self.tail_keys, self.tail_cum, s)  # one cut word covers s
            for m in range(1, len(s)):
                group = self.tails.get(s[:m], ())
                if len(group) < 64:
                    for w, q in group:
                        inside += q * rest(m, w)
                    continue
                fresh, v, cum = self._tail_mix(s[:m])
                inside += fresh * rest(m, None)
                lo = bisect.bisect_left(self.v2_keys, s[m:])
                hi = bisect.bisect_left(self.v2_keys, s[m:] + "{")
                inside += cum[hi] - cum[lo]  # the next word ends the message
                for k in range(1, len(s) - m):
                    for x in self.by_letters.get(s[m : m + k], ()):
                        i = self.v2_index.get(x)
                        if i is not None and v[i] > 0:
                            inside += v[i] * rest(m + k, x)
            for w, lk, f in self.uncut:  # a one-letter first word is not cut
                if s.startswith(lk):
                    inside += f * (rest(len(lk), w) if len(s) > len(lk) else 1.0)
            p += mid_word * inside
        return p


def exact_credit(plain: str, source: ExactSource, mid_word: float) -> float:
    s = as_symbols(plain)
    probs = [source.prob(shift_text(s, k), mid_word) for k in range(26)]
    mine, top = probs[0], max(probs)
    if mine < top:
        return 0.0
    return 1.0 / sum(1 for p in probs if p == mine)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="+", required=True, help="held-out text files")
    ap.add_argument("--lengths", default="4,6")
    ap.add_argument("--styles", default="letters,natural")
    ap.add_argument("--per-bucket", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mid-word", type=float, default=0.0, help="of the held-out messages")
    ap.add_argument(
        "--source-mid-word",
        default=None,
        help="of the source draws, per style (letters:0.5,natural:0.3 is make model's share; "
        "default: --mid-word, i.e. a solver that knows how the messages were cut)",
    )
    ap.add_argument("--samples", type=int, default=30_000_000, help="source draws per cell")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--model", default=None, help="also score this model's key decode")
    ap.add_argument(
        "--exact",
        action="store_true",
        help="the chain's exact probabilities instead of draws (letters style only)",
    )
    args = ap.parse_args()
    if args.exact and args.styles != "letters":
        ap.error("--exact is for --styles letters")
    exact = ExactSource() if args.exact else None
    lengths = [int(x) for x in args.lengths.split(",")]
    styles = args.styles.split(",")
    source_mid = {st: args.mid_word for st in styles}
    if args.source_mid_word:
        for part in args.source_mid_word.split(","):
            st, _, share = part.partition(":")
            source_mid[st] = float(share)
    msgs = sample_messages(
        TextCorpus.from_files(args.corpus),
        args.per_bucket,
        lengths,
        styles,
        seed=args.seed,
        mid_word=args.mid_word,
    )
    solvers: dict[str, Any] = {"quadgram": classical_solver("ngram")}
    if args.model:
        solvers["model key"] = model_solver(args.model, "key")
    print(
        "| style | letters | messages | source-Bayes % | plaintext never drawn | "
        + " | ".join(f"{s} %" for s in solvers)
        + " |"
    )
    print("|---|---:|---:|---:|---:|" + "---:|" * len(solvers))
    for style in styles:
        for n in lengths:
            t0 = time.perf_counter()
            cell = [m for m in msgs if m.style == style and m.n == n]
            if exact is not None:
                credit = [(exact_credit(m.plaintext, exact, source_mid[style]), True) for m in cell]
                what = "exact"
            else:
                counts = source_counts(
                    n, style, source_mid[style], args.samples, args.procs, args.seed
                )
                credit = [bayes_credit(m.plaintext, counts) for m in cell]
                what = f"{args.samples:,} draws, {len(counts):,} distinct"
            unseen = sum(1 for _, seen in credit if not seen)
            cols = []
            for solve in solvers.values():
                out = solve([m.ciphertext for m in cell])
                right = [
                    as_symbols(o) == as_symbols(m.plaintext) for o, m in zip(out, cell, strict=True)
                ]
                cols.append(f"{100 * np.mean(right):.1f}")
            print(
                f"| {style} | {n} | {len(cell)} | {100 * np.mean([c for c, _ in credit]):.1f} | "
                f"{'-' if exact else unseen} | " + " | ".join(cols) + " |",
                flush=True,
            )
            print(f"{style} {n}: {what}, {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
