"""Passages -> (ciphertext, plaintext, shift) records, with their own seeded RNG, and the JSONL writer.

Two styles:
- ``letters``: lowercase a-z, no spaces, exactly n letters (the design sheet's ``khoorzruog``);
- ``natural``: case, spaces and punctuation kept, whole words, n letters give or take a word.

``mid_word``: the share of messages that start inside their first word instead of at its start
(1 to 8 of its letters dropped), as a window cut from running text at a random letter does.

Same options and seed -> byte-identical output.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from caesar_rnn.cipher import N_LETTERS, encrypt, is_letter, letters_of
from caesar_rnn.config import MAX_LETTERS
from caesar_rnn.data.corpus import TextCorpus, default_chain, dress, is_clean
from caesar_rnn.data.langtext import Walk, language_walk
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import atomic_writer
from caesar_rnn.languages import fold

STYLES = ("letters", "natural")


def _trim_letters(text: str, n: int) -> str:
    """Cut ``text`` just after its n-th letter."""
    if len(text) <= n:  # at most n letters, and if n, nothing after the last
        return text
    found = _nth_letter(n).match(text)
    return text[: found.end()] if found else text


@lru_cache(maxsize=8)
def _nth_letter(n: int) -> re.Pattern[str]:
    """Matches a text up to its n-th letter (``cipher.is_letter``: ASCII a-z, A-Z)."""
    return re.compile(f"(?:[^A-Za-z]*[A-Za-z]){{{n}}}")


#: Most letters dropped from the first word of a message that starts mid-word.
MAX_CUT = 8


def _start_mid_word(words: list[str], rng: random.Random) -> list[str]:
    """Drop 1..MAX_CUT letters (and what precedes them) from the first word, keeping >= 1."""
    first = words[0]
    pos = [i for i, ch in enumerate(first) if is_letter(ch)]
    if len(pos) < 2:
        return words
    j = rng.randint(1, min(MAX_CUT, len(pos) - 1))
    return [first[pos[j] :], *words[1:]]


def draw_words(
    source: Callable[[random.Random, int], list[str]],
    rng: random.Random,
    n: int,
    mid_word: float = 0.0,
) -> list[str]:
    """Words from ``source(rng, letters)`` holding at least n letters; with probability
    ``mid_word`` the first word loses 1..MAX_CUT letters. No draw at all when mid_word is 0, so
    data and evaluation messages of earlier versions stay byte-identical."""
    cut = mid_word > 0 and rng.random() < mid_word
    if not cut:
        return source(rng, n)
    return _start_mid_word(source(rng, n + MAX_CUT), rng)  # MAX_CUT more: n stay after the cut


def make_plaintext(
    rng: random.Random,
    n: int,
    style: str,
    max_len: int,
    corpus: TextCorpus | None,
    mid_word: float = 0.0,
    walk: Walk | None = None,
) -> str:
    """One plaintext; from the default source (or ``walk``: another language's,
    ``caesar_rnn.data.langtext``), drawn again until ``is_clean`` (a cut word can make a blocked
    one: "assistant" -> "ass"). The letters style folds accented letters to a-z."""
    while True:
        if corpus is None:
            words = draw_words(walk or default_chain().walk, rng, n, mid_word)
            text = dress(words, rng) if style == "natural" else fold("".join(words))
        else:
            text = " ".join(draw_words(corpus.passage, rng, n, mid_word))
        text = _fit(text, n, style, max_len)
        if corpus is not None or is_clean(text):
            return text


def _fit(text: str, n: int, style: str, max_len: int) -> str:
    """The drawn ``text`` as the style wants it: ``n`` bare letters, or (natural) whole words,
    trimmed when they overshoot ``max_len`` letters."""
    if style == "letters":
        return letters_of(text)[:n]
    # Natural: whole words, unless that overshoots max_len letters.
    text = text.strip()
    if len(letters_of(text)) > max_len:
        text = _trim_letters(text, max_len)
    return text


def validate(
    count: int, min_len: int, max_len: int, style: str, shift: int | None, mid_word: float = 0.0
) -> None:
    if count <= 0:
        raise CaesarRNNError(f"pair count must be at least 1, got {count}")
    if min_len < 1:
        raise CaesarRNNError(f"min_len must be at least 1, got {min_len}")
    if max_len > MAX_LETTERS:
        raise CaesarRNNError(f"max_len must be at most {MAX_LETTERS:,}, got {max_len:,}")
    if min_len > max_len:
        raise CaesarRNNError(
            f"the shortest length ({min_len}) is greater than the longest ({max_len})"
        )
    if style not in STYLES:
        raise CaesarRNNError(f"unknown style {style!r}: choose one of {', '.join(STYLES)}")
    if shift is not None and not 0 <= shift < N_LETTERS:
        raise CaesarRNNError(f"shift must be in 0..25, got {shift}")
    if not 0.0 <= mid_word <= 1.0:
        raise CaesarRNNError(f"mid_word must be in [0, 1], got {mid_word}")


def generate(
    count: int,
    min_len: int = 4,
    max_len: int = 32,
    shift: int | None = None,
    style: str = "letters",
    corpus_files: Sequence[str | Path] = (),
    seed: int = 0,
    mid_word: float = 0.0,
    langs: Sequence[str] = (),
) -> Iterator[dict[str, object]]:
    """Yield ``count`` records ``{"ciphertext", "plaintext", "shift"}``; lengths are letters.
    ``langs``: the text's languages (``caesar_rnn.data.langtext``; default: English)."""
    validate(count, min_len, max_len, style, shift, mid_word)
    if langs and corpus_files:
        raise CaesarRNNError("give either languages or corpus files, not both")
    corpus = TextCorpus.from_files(corpus_files) if corpus_files else None
    if corpus is not None and corpus.n_letters < min_len:
        raise CaesarRNNError(
            f"the corpus has {corpus.n_letters:,} letters, fewer than the shortest length asked "
            f"for ({min_len:,}): give more text or a smaller --min-len"
        )
    walk = language_walk(langs) if langs else None
    rng = random.Random(seed)
    for _ in range(count):
        n = rng.randint(min_len, max_len)
        plain = make_plaintext(rng, n, style, max_len, corpus, mid_word, walk)
        k = rng.randrange(N_LETTERS) if shift is None else shift
        yield {"ciphertext": encrypt(plain, k), "plaintext": plain, "shift": k}


def write_jsonl(records: Iterator[dict[str, object]], out: str | Path, force: bool = False) -> int:
    """Stream records to ``out`` atomically (temp file + rename); returns how many were written."""
    n = 0
    with atomic_writer(out, force=force) as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n
