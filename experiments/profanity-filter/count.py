"""How much the blocklist removes from the default English source, and what is left.

    python experiments/profanity-filter/count.py [--count 5000] [--seeds 0,1,2,3,4]

Needs the dev extra (better-profanity is the second judge). Prints the words and word pairs the
filter drops from the chain, and for each seed how many default natural-style messages (gen-data's
lengths, 4-32 letters) contain an entry of the shipped list, or of better-profanity's list, with
the filter off (before) and on (after).
"""

from __future__ import annotations

import argparse
import collections
import re
from importlib import resources

from caesar_rnn.data import corpus
from caesar_rnn.data.generate import generate

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def entries(text: str) -> set[str]:
    return {w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")}


def judges() -> dict[str, set[str]]:
    shipped = resources.files("caesar_rnn.data").joinpath(corpus.BLOCKLIST_FILE).read_text()
    other = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text()
    return {"shipped list": entries(shipped), "better-profanity": entries(other)}


def hits(text: str, judge: set[str]) -> list[str]:
    joined = " " + " ".join(_TOKEN.findall(text.lower())) + " "
    return [e for e in judge if f" {e} " in joined]


def count(n: int, seed: int, judge: set[str]) -> tuple[int, collections.Counter[str]]:
    found: collections.Counter[str] = collections.Counter()
    msgs = 0
    for r in generate(n, style="natural", seed=seed):
        h = hits(str(r["plaintext"]), judge)
        found.update(h)
        msgs += bool(h)
    return msgs, found


def removed() -> str:
    words, pairs = corpus.blocklist()
    freqs = corpus.word_frequencies()
    gone = [(w, f) for w, f in freqs if w in words]
    links = [
        (a, b) for a, b, _ in corpus.word_pairs() if a in words or b in words or (a, b) in pairs
    ]
    return (
        f"restart words removed: {len(gone)} of {len(freqs)} "
        f"({100 * sum(f for _, f in gone):.3f} % of the frequency mass); "
        f"word pairs removed: {len(links)} of {len(corpus.word_pairs())}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    args = ap.parse_args()
    print(removed())
    seeds = [int(s) for s in args.seeds.split(",")]
    for name, judge in judges().items():
        for label, off in (("before", True), ("after", False)):
            corpus.default_chain.cache_clear()
            real = corpus.blocklist
            if off:
                corpus.blocklist = lambda: (frozenset(), frozenset())  # type: ignore[assignment]
            try:
                results = [count(args.count, s, judge) for s in seeds]
            finally:
                corpus.blocklist = real  # type: ignore[assignment]
            total: collections.Counter[str] = sum((c for _, c in results), collections.Counter())
            per_seed = ", ".join(str(m) for m, _ in results)
            print(
                f"{name}, {label}: messages with an entry per seed [{per_seed}] of {args.count}; "
                f"most common: {total.most_common(12)}"
            )


if __name__ == "__main__":
    main()
