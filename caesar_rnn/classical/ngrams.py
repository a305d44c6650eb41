"""English letter n-gram statistics for the classical crackers, counted from the same source the
model trains on (``caesar_rnn.data.corpus``: word frequencies from symspellpy and wordfreq, word pairs
from symspellpy): the n-grams inside each word weighted by its frequency, plus those that span a
word boundary, from the word pairs.

Counting takes ~1.5 s of CPU and needs the training extra (symspellpy, wordfreq), so the package
ships the log-probability tables, counted once by ``scripts/build_ngrams.py``, in a small safetensors
file beside this module (raw float16 arrays, no pickle): the base install cracks without those
packages, and nothing is written under the home directory.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.data.corpus import BIGRAM_FILE, WORDFREQ_LIST, word_frequencies, word_pairs
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import atomic_write_bytes

ORDER = 4  # quadgrams
#: An unseen n-gram is scored as its back-off estimate times this (a penalty for being unseen).
BACKOFF = 0.01


@lru_cache(maxsize=1)
def _sources() -> tuple[list[str], np.ndarray, list[tuple[str, str]], np.ndarray]:
    """(words, counts, word pairs, pair counts); pair counts rescaled to the word counts' total."""
    freqs = word_frequencies()
    words = [w.replace("'", "") for w, _ in freqs]  # "don't" reads as "dont" once deciphered
    counts = [f for _, f in freqs]
    both = word_pairs()
    pairs = [(a, b) for a, b, _ in both]
    wc, pc = np.asarray(counts), np.asarray([c for _, _, c in both], dtype=float)
    # Frequencies and pair counts are on different scales; every running word is followed by one
    # boundary, so both get the same total mass.
    pc *= wc.sum() / pc.sum()
    return words, wc, pairs, pc


def _windows(strings: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All n-letter windows of the strings: (codes, owner string index, start offset in it)."""
    text = "\n".join(strings) + "\n"
    a = np.frombuffer(text.encode("ascii"), np.uint8).astype(np.int64) - 97  # (L,)
    sep = a < 0
    owner = np.concatenate([[0], np.cumsum(sep)[:-1]])  # (L,)
    starts = np.flatnonzero(np.concatenate([[True], sep[:-1]]))
    offset = np.arange(len(a)) - starts[owner]
    m = len(a) - n + 1
    codes = np.zeros(m, np.int64)
    ok = np.ones(m, bool)
    for j in range(n):
        c = a[j : j + m]
        ok &= c >= 0
        codes = codes * N_LETTERS + np.maximum(c, 0)
    return codes[ok], owner[:m][ok], offset[:m][ok]


@lru_cache(maxsize=ORDER)
def ngram_counts(n: int) -> np.ndarray:
    """Weighted counts of every letter n-gram, a flat (26**n,) array indexed base 26."""
    words, wc, pairs, pc = _sources()
    codes, owner, _ = _windows(words, n)
    counts = np.bincount(codes, weights=wc[owner], minlength=N_LETTERS**n)
    if n > 1:
        # Only the windows that straddle the boundary: the rest are inside one word, counted above.
        first = np.fromiter((len(w1) for w1, _ in pairs), np.int64, len(pairs))
        codes, owner, off = _windows([w1 + w2 for w1, w2 in pairs], n)
        span = off + n > first[owner]
        span &= off < first[owner]
        counts += np.bincount(codes[span], weights=pc[owner[span]], minlength=N_LETTERS**n)
    return counts


def backoff_logp(counts: Sequence[np.ndarray]) -> list[np.ndarray]:
    """log10 P(n-gram) for n = 1..len(counts), each flat (26**n,), from the weighted counts
    ``counts[n - 1]``; unseen n-grams backed off to shorter ones:
    P(abcd) ~ BACKOFF * P(abc) * P(bcd) / P(bc), a Markov estimate from (n-1)-grams."""
    out: list[np.ndarray] = []
    for n, c in enumerate(counts, 1):
        logp = np.log10(np.maximum(c, 1e-300) / c.sum())
        if n == 1:
            out.append(np.where(c > 0, logp, np.log10(BACKOFF / c.sum())))
            continue
        prev = out[n - 2]
        head = prev.repeat(N_LETTERS)  # P(abc) for abcd
        tail = np.tile(prev, N_LETTERS)  # P(bcd)
        mid = np.tile(out[n - 3], N_LETTERS).repeat(N_LETTERS) if n > 2 else 0.0
        backed = np.log10(BACKOFF) + head + tail - mid
        out.append(np.where(c > 0, logp, backed).astype(np.float64))
    return out


@lru_cache(maxsize=ORDER)
def _compute_logp(n: int) -> np.ndarray:
    """log10 P(n-gram) of the default English source, flat (26**n,) (see ``backoff_logp``)."""
    return backoff_logp([ngram_counts(k) for k in range(1, n + 1)])[n - 1]


#: The tables as shipped inside the package (built by scripts/build_ngrams.py).
TABLE_FILE = "ngrams.safetensors"


def compute_tables() -> dict[str, np.ndarray]:
    """The log10 tables for n = 1..ORDER, counted from the default English source (needs the
    training extra; ~1.5 s of CPU), as float16: what the package ships."""
    return {f"logp{n}": _compute_logp(n).astype(np.float16) for n in range(1, ORDER + 1)}


def write_tables(path: str | Path) -> None:
    """Count the tables and write them to ``path`` (safetensors: raw arrays, no pickle)."""
    from safetensors.numpy import save

    atomic_write_bytes(path, save(compute_tables(), metadata=_provenance()))


def _provenance() -> dict[str, str]:
    versions = {}
    for package in ("symspellpy", "wordfreq"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "?"
    return {**versions, "wordfreq_list": WORDFREQ_LIST, "bigram_file": BIGRAM_FILE,
            "backoff": str(BACKOFF), "order": str(ORDER)}  # fmt: skip


@lru_cache(maxsize=1)
def _logp_tables() -> tuple[np.ndarray, ...]:
    """The log10 n-gram tables for n = 1..ORDER, read from the file inside the package (float16,
    ~0.9 MB: a few ms to load; nothing is counted or written at run time)."""
    try:
        data = resources.files("caesar_rnn.classical").joinpath(TABLE_FILE).read_bytes()
    except OSError as exc:
        raise CaesarRNNError(f"the packaged n-gram tables ({TABLE_FILE}) are missing") from exc
    return load_tables(data)


def load_tables(data: bytes) -> tuple[np.ndarray, ...]:
    """The tables of a file written by ``write_tables``, checked: n = 1..ORDER, finite."""
    from caesar_rnn.tables import read_tensors

    shapes = [(N_LETTERS**n,) for n in range(1, ORDER + 1)]
    try:
        z = read_tensors(data)
        tables = tuple(z[f"logp{n}"].astype(np.float64) for n in range(1, ORDER + 1))
    except Exception as exc:  # safetensors raises its own error types for a damaged file
        raise CaesarRNNError(f"the n-gram tables ({TABLE_FILE}) are damaged") from exc
    if [t.shape for t in tables] != shapes or not all(np.isfinite(t).all() for t in tables):
        raise CaesarRNNError(f"the n-gram tables ({TABLE_FILE}) are damaged")
    return tables


def ngram_logp(n: int) -> np.ndarray:
    """log10 P(n-gram) for n = 1..ORDER, flat (26**n,) indexed base 26 (see _compute_logp)."""
    return _logp_tables()[n - 1]


@lru_cache(maxsize=1)
def letter_freqs() -> np.ndarray:
    """English letter frequencies (26,), summing to 1, from the same source as the n-grams."""
    f = 10.0 ** ngram_logp(1)
    return f / f.sum()


# Bytes -> lowercase letters, everything else (digits, punctuation, UTF-8 of non-ASCII) deleted.
