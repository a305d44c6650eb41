"""Build the words cracker's packaged lexicon, caesar_rnn/classical/words.safetensors.

    python scripts/build_words_table.py [--out caesar_rnn/classical/words.safetensors]   # + words-trie.safetensors

From symspellpy's Google Books lists (the model's training source too): the word counts
(frequency_dictionary_en_82_765.txt; apostrophes dropped, since "don't" reads "dont" once
deciphered) and the word-pair counts (frequency_bigramdictionary_en_243_342.txt), lowercase
letters only. ``Lexicon.from_counts`` turns them into log-probabilities, keeps the word pairs
that say more than the word alone, and sums the probability of the words that start or end with
each piece. wordfreq's English words (its large list) that symspellpy's list lacks and that are
at least ``MIN_FREQ`` frequent ("mr", "dr", "ok", ...; no one-letter ones, two-letter ones from
``MIN_FREQ_2``) are added at wordfreq's frequency on
symspellpy's scale (experiments/words-solver/coverage.py). The file holds them in zlib-compressed
buckets by their first two letters (~4.8 MB, ``caesar_rnn.classical.lexicon``): opening it takes
~0.01 s and a lookup reads only its bucket, instead of parsing and counting the lists (~1.5 s) on
every run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caesar_rnn.classical import wordtrie
from caesar_rnn.classical.words import TABLE, TRIE, Lexicon
from caesar_rnn.data.corpus import BIGRAM_FILE, UNIGRAM_FILE, _symspell_file
from caesar_rnn.files import atomic_write_bytes

OUT = Path(__file__).resolve().parent.parent / "caesar_rnn" / "classical" / TABLE


def symspell_counts() -> tuple[dict[str, float], list[tuple[str, str, float]]]:
    uni: dict[str, float] = {}
    parts = _symspell_file(UNIGRAM_FILE).split()
    for w, c in zip(parts[0::2], parts[1::2], strict=True):
        w = w.replace("'", "")
        if w.isascii() and w.isalpha():
            uni[w] = max(uni.get(w, 0.0), float(c))
    parts = _symspell_file(BIGRAM_FILE).split()
    bi = [
        (a, b, float(c))
        for a, b, c in zip(parts[0::3], parts[1::3], parts[2::3], strict=True)
        if a.isascii() and a.isalpha() and b.isascii() and b.isalpha()
    ]
    return uni, bi


#: wordfreq words below this frequency are not added (the long tail is names and misspellings);
#: two-letter ones below ``MIN_FREQ_2`` neither (abbreviations and pieces of contractions: "th",
#: "ll"), one-letter ones never ("s", "d" and "t" are pieces of contractions in its counts).
MIN_FREQ = 1e-6
MIN_FREQ_2 = 1e-4


def add_wordfreq(uni: dict[str, float]) -> int:
    """Add wordfreq's English words that ``uni`` lacks, at least ``MIN_FREQ`` frequent, as counts
    on ``uni``'s scale; returns how many were added."""
    import wordfreq

    total = sum(uni.values())
    added = 0
    for w in wordfreq.top_n_list("en", 300_000, wordlist="large"):
        f = wordfreq.word_frequency(w, "en", wordlist="large")
        if f < MIN_FREQ:
            break  # the list is sorted by frequency
        w = w.replace("'", "").replace("\u2019", "")
        short = len(w) < 2 or (len(w) == 2 and f < MIN_FREQ_2)  # "s", "d", "th", "km"
        if w.isascii() and w.isalpha() and w not in uni and not short:
            uni[w] = f * total
            added += 1
    return added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out", type=Path, default=OUT, help=f"the buckets; the trie goes to {TRIE} beside it"
    )
    args = ap.parse_args()
    uni, bi = symspell_counts()
    added = add_wordfreq(uni)
    lex = Lexicon.from_counts(uni, bi)
    data = lex.to_bytes()
    atomic_write_bytes(args.out, data)
    # The trie from the buckets' float32 values (the same as the buckets read back).
    trie = wordtrie.to_bytes(wordtrie.pack(lex.starts, lex.logp, lex.ends, lex.pairs))
    atomic_write_bytes(args.out.with_name(TRIE), trie)
    n_pairs = sum(map(len, lex.pairs.values()))
    print(
        f"wrote {args.out}: {len(data) / 1e6:.2f} MB (trie {len(trie) / 1e6:.2f} MB), "
        f"{len(lex.logp):,} words ({added:,} from "
        f"wordfreq), {n_pairs:,} pairs, "
        f"{len(lex.starts):,} word starts, {len(lex.ends):,} word ends",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
