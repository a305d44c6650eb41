"""Training text in other languages: a unigram walk over wordfreq's frequency list of each
language (``caesar_rnn.languages``), from the training extra, nothing downloaded.

The English source is a word-pair chain (``caesar_rnn.data.corpus``); wordfreq has no word
pairs, so here each next word is an independent draw by frequency: text with each language's
words and letters in their real proportions, though not its word order. Words keep their
accents (the natural style passes them through the cipher unchanged; the letters style folds
them to a-z: ``languages.fold``). A message of several languages (``--lang`` repeated) takes
one language, uniformly, per message; English in the list walks its own chain.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from caesar_rnn.cipher import letters_of
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.extras import require
from caesar_rnn.languages import ENGLISH, check_codes, fold

#: Entries of a list kept, most frequent first (the rest are rare words and names).
MAX_WORDS = 100_000
#: A word the walk may use, once folded: a-z, at most one inner apostrophe or hyphen.
_ENTRY = re.compile(r"^[a-z]+(?:['’-][a-z]+)?$")

#: (random source, letters wanted) -> words holding at least that many letters.
Walk = Callable[[random.Random, int], list[str]]


@dataclass
class WordWalk:
    """Words drawn independently by frequency."""

    words: list[str]
    cum: list[float]

    def walk(self, rng: random.Random, n_letters: int) -> list[str]:
        """Words whose letters (a-z after folding) add up to at least ``n_letters``."""
        out: list[str] = []
        total = 0
        while total < n_letters:
            w = self.words[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]
            out.append(w)
            total += len(letters_of(fold(w)))
        return out


@cache
def word_walk(code: str) -> WordWalk:
    """The walk over wordfreq's list for ``code``: its entries written in the Latin alphabet
    (every letter folds to a-z), with their frequencies."""
    require("train", f"the {code} word list", "wordfreq")
    import wordfreq

    words, freqs = [], []
    for w, f in itertools.islice(wordfreq.get_frequency_dict(code, "best").items(), MAX_WORDS):
        if _ENTRY.match(fold(w).lower()):
            words.append(w)
            freqs.append(f)
    if not words:
        raise CaesarRNNError(f"wordfreq has no words in the Latin alphabet for {code!r}")
    return WordWalk(words, list(itertools.accumulate(freqs)))


def language_walk(codes: Sequence[str]) -> Walk:
    """A walk that writes each message in one of ``codes``, drawn uniformly per message."""
    langs = check_codes(codes)
    if not langs:
        raise CaesarRNNError("no language given")

    def walk(rng: random.Random, n_letters: int) -> list[str]:
        code = langs[rng.randrange(len(langs))] if len(langs) > 1 else langs[0]
        if code == ENGLISH:
            from caesar_rnn.data.corpus import default_chain

            return default_chain().walk(rng, n_letters)
        return word_walk(code).walk(rng, n_letters)

    return walk
