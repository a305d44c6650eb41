"""Evidence for naming a message's language beside the letter chain (``classical.multilang``),
which reads the 26 ASCII letters only and cannot tell close relatives apart well.

- **Accents.** A Caesar cipher leaves accented letters as they are, so in natural-style text
  they can be read before any key is found: a message with any non-ASCII letter scores, in each
  language, log10 P(accented letter) for each of them and log10 P(some ASCII letter) for the
  others (``accent_scores``; the same for every shift). A message of ASCII letters only scores
  0 everywhere: it may have been folded (the letters style), so the absence of accents says
  nothing.
- **Words.** For the ``TOP`` best (language, shift) pairs only, the reading's words are looked
  up in the language's ``WORDS`` likeliest words (``word_score``): with spaces, each word's
  log10 frequency (``UNKNOWN_WORD`` when not listed); without, the best split of the letters
  into listed words, each unlisted letter costing ``UNKNOWN_LETTER``. ``WEIGHT`` times it is
  added to the pair's chain score. Messages whose best pair already leads the next by
  ``MARGIN`` skip this step.

Both come from wordfreq's lists, counted once by ``scripts/build_langid.py`` into
``langid.safetensors`` beside this module (safetensors, no pickle). The constants were chosen
on generated text of all 27 languages (gen-data --lang's source), not on the evaluation
sentences: experiments/non-english/README.md, "Naming the language".
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import N_LETTERS, decrypt, letters_of
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.extras import require
from caesar_rnn.files import atomic_write_bytes
from caesar_rnn.languages import CODES, check_code, fold

TABLE_FILE = "langid.safetensors"
#: Words kept per language, most frequent first.
WORDS = 20_000
#: (language, shift) pairs rescored with the word evidence per message.
TOP = 4
#: Messages shorter than this (in letters) are named by the letter chain and accents alone.
MIN_LETTERS = 6
#: Messages whose best (language, shift) pair leads the next pair by more than this (log10)
#: skip the words (on generated text the same languages named as with no margin, in about a
#: third of the time).
MARGIN = 4.0
#: The word score's weight beside the chain's, log10 of an unlisted word, of an unlisted letter.
WEIGHT = 0.5
UNKNOWN_WORD = -7.0
UNKNOWN_LETTER = -2.0
#: The longest word tried when splitting letters.
LONGEST = 12
#: log10 P of an accented letter a language's list never has.
_UNSEEN = -7.0
_WORD = re.compile(r"[^\W\d_]+")


def accent_scores(messages: list[str], codes: list[str]) -> np.ndarray:
    """(L, B) log10-likelihood of which letters of each message are accented, per language of
    ``codes``; 0 for a message whose letters are all ASCII."""
    chars, table = _letter_table()
    rows = [CODES.index(check_code(c)) for c in codes]
    col = {ch: 1 + j for j, ch in enumerate(chars)}
    out = np.zeros((len(codes), len(messages)))
    for b, text in enumerate(messages):
        if text.isascii():
            continue
        letters = [ch for ch in text.lower() if ch.isalpha()]
        if all(ch.isascii() for ch in letters):
            continue
        cols = Counter(0 if ch.isascii() else col.get(ch, -1) for ch in letters)
        unseen = cols.pop(-1, 0)
        idx = np.fromiter(cols, np.int64)
        out[:, b] = table[rows][:, idx] @ np.fromiter(cols.values(), float) + unseen * _UNSEEN
    return out


def word_score(plain: str, code: str) -> float:
    """log10 score of ``plain``'s words in language ``code`` (see the module's doc)."""
    return word_scores([plain], [code])[0]


def word_scores(plains: list[str], codes: list[str]) -> list[float]:
    """``word_score`` of each reading in its language: the letters of readings without spaces
    split all together (``_split_scores``)."""
    out = [0.0] * len(plains)
    split: list[int] = []
    for k, (plain, code) in enumerate(zip(plains, codes, strict=True)):
        if any(ch.isspace() for ch in plain.strip()):
            words = _words(code)
            out[k] = sum(
                words.get(_key(fold(w).lower()), UNKNOWN_WORD) for w in _WORD.findall(plain)
            )
        else:
            split.append(k)
    letters = [letters_of(fold(plains[k])) for k in split]
    for k, v in zip(split, _split_scores(letters, [codes[k] for k in split]), strict=True):
        out[k] = v
    return out


def _key(word: str) -> int:
    """A word's key in the packaged lists (CRC-32 of its letters: 4 bytes a word; an unlisted
    word matches a listed one's key about once in 200,000 lookups at 20,000 words)."""
    return zlib.crc32(word.encode())


def _split_scores(letters: list[str], codes: list[str]) -> list[float]:
    """log10 of the best split of each ``letters`` (lowercase ASCII) into its language's listed
    words, an unlisted letter costing ``UNKNOWN_LETTER``: ``_split_block`` over blocks of
    distinct (letters, language) pairs of similar length, ``_CELLS`` (pair, letter) cells each;
    pairs over ``_BULK`` letters by ``_split_one``."""
    pairs = sorted(dict.fromkeys(zip(letters, codes, strict=True)), key=lambda p: len(p[0]))
    index = {p: k for k, p in enumerate(pairs)}
    out = np.empty(len(pairs))
    bulk = sum(len(t) <= _BULK for t, _ in pairs)  # a prefix: sorted by length
    for k in range(bulk, len(pairs)):  # long ones on their own
        out[k] = _split_one(*pairs[k])
    s = 0
    while s < bulk:  # the longest of a block is its last
        e = s + 1
        while e < bulk and (e + 1 - s) * (len(pairs[e][0]) + 1) <= _CELLS:
            e += 1
        out[s:e] = _split_block(pairs[s:e])
        s = e
    return [float(out[index[p]]) for p in zip(letters, codes, strict=True)]


def _split_one(letters: str, code: str) -> float:
    """``_split_scores`` of one ``letters``, piece by piece: for long ones (a NumPy step per
    letter would cost more there), and the bulk split's reference."""
    words = _words(code)
    best = [0.0] * (len(letters) + 1)
    for i in range(1, len(letters) + 1):
        v = best[i - 1] + UNKNOWN_LETTER
        for j in range(max(0, i - LONGEST), i - 1):
            p = words.get(zlib.crc32(letters[j:i].encode()))
            if p is not None and best[j] + p > v:
                v = best[j] + p
        best[i] = v
    return best[-1]


#: (pair, letter) cells split at once: the piece table is 13 float64 per cell (~7 MB).
_CELLS = 1 << 16
#: Letters beyond which a pair is split on its own, piece by piece.
_BULK = 256


def _split_block(pairs: list[tuple[str, str]]) -> np.ndarray:
    """The best splits of distinct (letters, language) ``pairs``, all at once: the keys of every
    piece of 2 to ``LONGEST`` letters looked up in bulk, then one step of the split per letter
    for every pair together (the same maxima of the same sums as trying every piece)."""
    texts = list(dict.fromkeys(t for t, _ in pairs))
    row = {t: r for r, t in enumerate(texts)}
    pieces = _pieces(texts)  # (4, P): row, start, end, key
    width = max(map(len, texts))
    logp = np.full((len(pairs), width + 1, LONGEST + 1), -np.inf)  # [pair, end, length]
    for code in dict.fromkeys(c for _, c in pairs):
        pair_of_row = np.full(len(texts), -1)
        for k, (t, c) in enumerate(pairs):
            if c == code:
                pair_of_row[row[t]] = k
        r, j, i, key = pieces[:, pair_of_row[pieces[0]] >= 0]
        listed, lp = _sorted_words(code)
        at = np.searchsorted(listed, key).clip(max=len(listed) - 1)
        hit = listed[at] == key
        logp[pair_of_row[r[hit]], i[hit], (i - j)[hit]] = lp[at[hit]]
    best = np.zeros((len(pairs), width + 1))
    for i in range(1, width + 1):
        v = best[:, i - 1] + UNKNOWN_LETTER
        m = min(i, LONGEST)
        if m >= 2:  # the listed pieces ending at i, of 2..m letters: from i-2 back to i-m
            v = np.maximum(v, (best[:, i - m : i - 1][:, ::-1] + logp[:, i, 2 : m + 1]).max(1))
        best[:, i] = v
    return best[np.arange(len(pairs)), [len(t) for t, _ in pairs]]


def _pieces(texts: list[str]) -> np.ndarray:
    """(4, P) int64: for every piece ``texts[r][j:i]`` of 2 to ``LONGEST`` letters, r, j, i and
    its CRC-32 key (``_key``), the running CRC of every start advanced one letter at a time."""
    lengths = np.array([len(t) for t in texts], np.int64)
    width = int(lengths.max()) if len(texts) else 0
    b = np.zeros((len(texts), width), np.uint32)
    for r, t in enumerate(texts):
        b[r, : len(t)] = np.frombuffer(t.encode(), np.uint8)
    crc = np.full(b.shape, 0xFFFFFFFF, np.uint32)
    parts = [np.zeros((4, 0), np.int64)]
    for m in range(1, min(LONGEST, width) + 1):  # crc[:, j]: the CRC of text[j:j+m]
        c = crc[:, : width - m + 1]
        c = _CRC_TABLE[(c ^ b[:, m - 1 :]) & 0xFF] ^ (c >> 8)
        crc[:, : width - m + 1] = c
        if m >= 2:
            rows, starts = np.nonzero(np.arange(width - m + 1)[None, :] + m <= lengths[:, None])
            keys = (c[rows, starts] ^ 0xFFFFFFFF).astype(np.int64)
            parts.append(np.stack([rows, starts, starts + m, keys]))
    return np.concatenate(parts, axis=1)


def _crc_table() -> np.ndarray:
    """The byte table of CRC-32 (zlib's: the reflected polynomial 0xEDB88320)."""
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> 1) ^ np.uint32(0xEDB88320), t >> 1).astype(np.uint32)
    return t


_CRC_TABLE = _crc_table()


def best_pairs(
    messages: list[str], scores: np.ndarray, codes: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """((B,) language index into ``codes``, (B,) shift) of each message's best (language, shift)
    pair of ``scores`` (L, B, 26; the chain plus any prior and accents), the ``TOP`` best
    rescored with ``WEIGHT`` x the word score for messages of ``MIN_LETTERS`` or more."""
    flat = scores.transpose(1, 0, 2).reshape(len(messages), -1)
    best = flat.argmax(axis=1)
    top = min(TOP, flat.shape[1])
    two = np.partition(flat, -2, axis=1)
    lead = two[:, -1] - two[:, -2]  # the best pair over the next
    jobs = [
        (b, np.argpartition(-flat[b], top - 1)[:top])
        for b, text in enumerate(messages)
        if top >= 2 and lead[b] <= MARGIN and len(letters_of(text)) >= MIN_LETTERS
    ]
    plains = [decrypt(messages[b], int(c % N_LETTERS)) for b, cand in jobs for c in cand]
    langs = [codes[c // N_LETTERS] for _, cand in jobs for c in cand]
    words = np.array(word_scores(plains, langs)).reshape(len(jobs), top)
    for (b, cand), w in zip(jobs, words, strict=True):
        vals = [flat[b, c] + WEIGHT * float(x) for c, x in zip(cand, w, strict=True)]
        best[b] = cand[int(np.argmax(vals))]
    return best // N_LETTERS, best % N_LETTERS


@lru_cache(maxsize=len(CODES))
def _sorted_words(code: str) -> tuple[np.ndarray, np.ndarray]:
    """(keys ascending, their log10 frequencies) of ``code``'s list, for lookups in bulk."""
    words = _words(code)
    keys = np.fromiter(words, np.int64, len(words))
    order = np.argsort(keys, kind="stable")
    return keys[order], np.fromiter(words.values(), np.float64, len(words))[order]


@lru_cache(maxsize=len(CODES))
def _words(code: str) -> dict[int, float]:
    """The packaged word list of ``code``: key of the folded word (``_key``) -> log10
    frequency."""
    t = _shipped()
    try:
        words = t[f"{code}/keys"].astype(np.int64).tolist()
        logp = t[f"{code}/logp"].astype(np.float64)
    except KeyError as exc:
        raise CaesarRNNError(f"the language word lists ({TABLE_FILE}) are damaged") from exc
    if len(words) != len(logp) or not np.isfinite(logp).all():
        raise CaesarRNNError(f"the language word lists ({TABLE_FILE}) are damaged")
    return dict(zip(words, logp.tolist(), strict=True))


@lru_cache(maxsize=1)
def _letter_table() -> tuple[str, np.ndarray]:
    """(the accented letters, (len(CODES), 1 + C) log10 P(an ASCII letter), P(each of them))."""
    t = _shipped()
    try:
        chars = bytes(t["letters"]).decode()
        table = t["letter_logp"].astype(np.float64)
    except (KeyError, UnicodeDecodeError) as exc:
        raise CaesarRNNError(f"the language word lists ({TABLE_FILE}) are damaged") from exc
    if table.shape != (len(CODES), 1 + len(chars)) or not np.isfinite(table).all():
        raise CaesarRNNError(f"the language word lists ({TABLE_FILE}) are damaged")
    return chars, table


@lru_cache(maxsize=1)
def _shipped() -> dict[str, np.ndarray]:
    from caesar_rnn.tables import read_tensors

    try:
        data = resources.files("caesar_rnn.classical").joinpath(TABLE_FILE).read_bytes()
    except OSError as exc:
        raise CaesarRNNError(
            f"the packaged language word lists ({TABLE_FILE}) are missing"
        ) from exc
    try:
        return read_tensors(data)
    except ValueError as exc:
        raise CaesarRNNError(f"the language word lists ({TABLE_FILE}) are damaged") from exc


def compute_tables(max_words: int = 200_000) -> dict[str, np.ndarray]:
    """Every array of ``TABLE_FILE`` counted from wordfreq (the training extra): per language
    its ``WORDS`` likeliest folded words and their log10 frequencies; the accented letters and
    each language's log10 letter frequencies (word frequency weighted, lowercased)."""
    require("train", "the language word lists", "wordfreq")
    import wordfreq

    from caesar_rnn.classical.langgrams import word_frequencies

    out: dict[str, np.ndarray] = {}
    counts = []
    for code in CODES:
        words, freqs = word_frequencies(code)
        keys: dict[int, float] = {}
        for w, f in zip(words[:WORDS], freqs[:WORDS], strict=True):
            keys.setdefault(_key(w), float(f))  # on a clash, the likelier word's
        out[f"{code}/keys"] = np.fromiter(keys, np.uint32, len(keys))
        out[f"{code}/logp"] = np.log10(np.fromiter(keys.values(), float, len(keys))).astype(
            np.float16
        )
        counts.append(_letter_counts(wordfreq.get_frequency_dict(code, "best"), max_words))
    chars = sorted({ch for c in counts for ch, v in c.items() if ch != "a" and v > 1e-5})
    table = np.full((len(CODES), 1 + len(chars)), 10.0**_UNSEEN)
    for i, c in enumerate(counts):
        total = sum(c.values())
        table[i, 0] = c["a"] / total
        for j, ch in enumerate(chars):
            table[i, 1 + j] = max(c.get(ch, 0.0) / total, 10.0**_UNSEEN)
    out["letters"] = np.frombuffer("".join(chars).encode(), np.uint8).copy()
    out["letter_logp"] = np.log10(table).astype(np.float32)
    return out


def _letter_counts(freqs: dict[str, float], max_words: int) -> dict[str, float]:
    """Frequency-weighted counts of each non-ASCII letter of the first ``max_words`` words of
    ``freqs`` (lowercased), every ASCII letter counted under "a"."""
    c: dict[str, float] = {}
    for w, f in itertools.islice(freqs.items(), max_words):
        for ch in w.lower():
            if ch.isalpha():
                key = "a" if ch.isascii() else ch
                c[key] = c.get(key, 0.0) + f
    return c


def write_tables(path: str | Path | None = None) -> Path:
    """Count the tables and write them to ``path`` (default: the packaged file)."""
    from safetensors.numpy import save

    target = Path(path) if path else Path(__file__).with_name(TABLE_FILE)
    atomic_write_bytes(target, save(compute_tables()))
    return target
