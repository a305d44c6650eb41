"""English text sources for training data: the packaged default and the user's own files.

The default source ships inside PyPI packages, so nothing is downloaded at run time: symspellpy's
word-pair (bigram) and word counts from Google Books, and wordfreq's English word frequencies
(Wikipedia, subtitles, news, books, the web). A weighted random walk over the word pairs gives word
sequences that read locally like English prose ("of the same time as the"), which teaches a model
far more about English than isolated words do. It restarts from a word drawn half by the Google
Books counts, half by wordfreq's, which brings in what a spelling dictionary leaves out and real
prose is full of: names ("Holmes", "Lucie"), titles ("Mr"), contractions ("don't") (docs/data.md).
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.extras import TEXT_SOURCES, require

_WORD = re.compile(r"^[a-z]+$")
#: A wordfreq entry the chain may use: letters, with at most one inner apostrophe ("don't").
_ENTRY = re.compile(r"^[a-z]+(?:'[a-z]+)?$")
BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"
UNIGRAM_FILE = "frequency_dictionary_en_82_765.txt"
#: wordfreq's largest English list (~320k entries): rare words and names keep their real share.
WORDFREQ_LIST = "large"
#: Obscenities and slurs the chain never emits (shipped beside this module; scripts/build_blocklist.py).
BLOCKLIST_FILE = "blocklist.txt"
_SOURCE = "the default English source"


def _symspell_file(name: str) -> str:
    require("train", _SOURCE, *TEXT_SOURCES)
    try:
        return resources.files("symspellpy").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CaesarRNNError(f"{_SOURCE}: symspellpy has no {name}") from exc


@lru_cache(maxsize=1)
def blocklist() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """(words, word pairs) the chain leaves out: the single-word and two-word entries of the
    shipped list (glin-profanity's English list and the inflected forms better-profanity lists)."""
    text = resources.files("caesar_rnn.data").joinpath(BLOCKLIST_FILE).read_text(encoding="utf-8")
    entries = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    words = frozenset(e[0] for e in entries if len(e) == 1)
    pairs = frozenset((e[0], e[1]) for e in entries if len(e) == 2)
    return words, pairs


_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def is_clean(text: str) -> bool:
    """Whether ``text`` holds no word and no two adjacent words of the ``blocklist``: what the
    chain never emits, but a word cut at a message's start or end can still make ("ass")."""
    words, pairs = blocklist()
    tokens = _TOKEN.findall(text.lower())
    return not any(t in words for t in tokens) and not any(
        p in pairs for p in itertools.pairwise(tokens)
    )


@lru_cache(maxsize=1)
def word_frequencies() -> list[tuple[str, float]]:
    """English words and their frequencies (summing to 1), most frequent first: half from
    symspellpy's Google Books word counts (a spelling dictionary: book English, no names), half from
    wordfreq (many sources: names, titles, contractions). Entries are letters with at most one
    inner apostrophe. Cached: the training chain and the n-gram tables both read it."""
    require("train", _SOURCE, *TEXT_SOURCES)
    import wordfreq

    books: dict[str, float] = {}
    for line in _symspell_file(UNIGRAM_FILE).splitlines():
        parts = line.split()
        if len(parts) == 2 and _WORD.match(parts[0]):
            books[parts[0]] = float(parts[1])
    web = {
        w: f for w, f in wordfreq.get_frequency_dict("en", WORDFREQ_LIST).items() if _ENTRY.match(w)
    }
    b_total, w_total = sum(books.values()), sum(web.values())
    mixed = {w: 0.5 * f / w_total for w, f in web.items()}
    for w, c in books.items():
        mixed[w] = mixed.get(w, 0.0) + 0.5 * c / b_total
    return sorted(mixed.items(), key=lambda wf: (-wf[1], wf[0]))


@dataclass
class WordChain:
    """A first-order Markov chain over words, weighted by word-pair counts."""

    words: list[str]
    cum_counts: list[float]  # cumulative word frequencies, for restarts
    successors: dict[str, tuple[list[str], list[int]]] = field(default_factory=dict)
    restart: float = 0.1  # chance of jumping to a fresh word, so walks don't loop on "of the"

    def start(self, rng: random.Random) -> str:
        x = rng.random() * self.cum_counts[-1]
        return self.words[bisect.bisect_right(self.cum_counts, x)]

    def walk(self, rng: random.Random, n_letters: int) -> list[str]:
        """Words (lowercase) whose letters add up to at least ``n_letters``."""
        out = [self.start(rng)]
        total = _n_letters(out[0])
        while total < n_letters:
            nxt = self.successors.get(out[-1])
            if nxt is None or rng.random() < self.restart:
                w = self.start(rng)
            else:
                succ, cum = nxt
                w = succ[bisect.bisect_right(cum, rng.random() * cum[-1])]
            out.append(w)
            total += _n_letters(w)
        return out


def _n_letters(word: str) -> int:
    return len(word) - word.count("'")


@lru_cache(maxsize=1)
def word_pairs() -> list[tuple[str, str, int]]:
    """symspellpy's Google Books word pairs of letters only, with their counts, in file order.
    Cached: the training chain and the n-gram tables both read it."""
    out = []
    for line in _symspell_file(BIGRAM_FILE).splitlines():
        parts = line.split()
        if len(parts) == 3 and _WORD.match(parts[0]) and _WORD.match(parts[1]):
            out.append((parts[0], parts[1], int(parts[2])))
    return out


@lru_cache(maxsize=1)
def default_chain() -> WordChain:
    """The packaged English source: ``word_frequencies`` for restarts, symspellpy's Google Books
    word-pair counts for the next word; no word or word pair of the ``blocklist``."""
    words, banned_pairs = blocklist()
    uni_words, uni_freqs = zip(
        *[wf for wf in word_frequencies() if wf[0] not in words], strict=True
    )
    pairs: dict[str, tuple[list[str], list[int]]] = {}
    for first, second, count in word_pairs():
        if first in words or second in words or (first, second) in banned_pairs:
            continue
        succ, counts = pairs.setdefault(first, ([], []))
        succ.append(second)
        counts.append(count)
    successors = {w: (s, list(itertools.accumulate(c))) for w, (s, c) in pairs.items()}
    return WordChain(list(uni_words), list(itertools.accumulate(uni_freqs)), successors)


def dress(words: Sequence[str], rng: random.Random) -> str:
    """Lowercase chain words -> natural-looking text: sentence case, some commas and full stops."""
    out = []
    cap = True
    for i, w in enumerate(words):
        if cap or w == "i" or w.startswith("i'"):
            w = w[:1].upper() + w[1:]
        cap = False
        if i < len(words) - 1:
            r = rng.random()
            if r < 0.06:
                w += ","
            elif r < 0.10:
                w += "."
                cap = True
        out.append(w)
    return " ".join(out)


@dataclass
class TextCorpus:
    """The user's own text files, split on whitespace into tokens (punctuation kept)."""

    tokens: list[str]
    # Cumulative letter counts: token i holds letters cum[i]..cum[i+1]-1.
    cum_letters: list[int]

    @classmethod
    def from_files(cls, paths: Sequence[str | Path]) -> TextCorpus:
        tokens: list[str] = []
        for p in paths:
            path = Path(p)
            try:
                data = path.read_bytes()
            except IsADirectoryError:
                raise CaesarRNNError(f"corpus {path} is a directory, not a text file") from None
            except OSError as exc:
                raise CaesarRNNError(f"cannot read corpus {path}: {exc.strerror}") from None
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise CaesarRNNError(f"corpus {path}: invalid UTF-8 on line {line}") from None
            tokens.extend(text.split())
        cum = [0]
        for t in tokens:
            cum.append(cum[-1] + sum(1 for ch in t if ch.isascii() and ch.isalpha()))
        if cum[-1] == 0:
            raise CaesarRNNError("the corpus has no letters a-z to learn from")
        return cls(tokens, cum)

    @property
    def n_letters(self) -> int:
        return self.cum_letters[-1]

    def passage(self, rng: random.Random, n_letters: int) -> list[str]:
        """Consecutive tokens from a random start whose letters add up to >= n_letters, where the
        text has that many (otherwise the whole corpus)."""
        total = self.n_letters
        if total <= n_letters:
            return list(self.tokens)
        # Start only where at least n_letters letters remain.
        last_start = bisect.bisect_right(self.cum_letters, total - n_letters) - 1
        i = rng.randint(0, max(0, last_start))
        while i < len(self.tokens) and self.cum_letters[i + 1] == self.cum_letters[i]:
            i += 1  # skip tokens without letters ("--", "1848")
        j = bisect.bisect_left(self.cum_letters, self.cum_letters[i] + n_letters, lo=i + 1)
        return self.tokens[i : j + 1]
