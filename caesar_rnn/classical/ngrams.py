"""English letter n-gram statistics for the classical crackers, counted from the same source the
model trains on (``caesar_rnn.data.corpus``: word frequencies from symspellpy and wordfreq, word pairs
from symspellpy): the n-grams inside each word weighted by its frequency, plus those that span a
word boundary, from the word pairs.

Counting takes ~1.5 s of CPU, so the log-probability tables are cached in a small safetensors file
under the user's cache dir (raw arrays, no pickle, named by everything they depend on) and in
memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.data.corpus import BIGRAM_FILE, WORDFREQ_LIST, word_frequencies, word_pairs
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import atomic_write_bytes

ORDER = 4  # quadgrams
#: An unseen n-gram is scored as its back-off estimate times this (a penalty for being unseen).
BACKOFF = 0.01
_CACHE_FORMAT = 2  # bump when the tables' meaning changes


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


@lru_cache(maxsize=ORDER)
def _compute_logp(n: int) -> np.ndarray:
    """log10 P(n-gram), flat (26**n,), with unseen n-grams backed off to shorter ones:
    P(abcd) ~ BACKOFF * P(abc) * P(bcd) / P(bc), a Markov estimate from (n-1)-grams."""
    counts = ngram_counts(n)
    logp = np.log10(np.maximum(counts, 1e-300) / counts.sum())
    if n == 1:
        return np.where(counts > 0, logp, np.log10(BACKOFF / counts.sum()))
    prev = _compute_logp(n - 1)
    head = prev.repeat(N_LETTERS)  # P(abc) for abcd
    tail = np.tile(prev, N_LETTERS)  # P(bcd)
    mid = np.tile(_compute_logp(n - 2), N_LETTERS).repeat(N_LETTERS) if n > 2 else 0.0
    backed = np.log10(BACKOFF) + head + tail - mid
    return np.where(counts > 0, logp, backed).astype(np.float64)


def cache_path() -> Path:
    """Where the n-gram tables are cached: under $XDG_CACHE_HOME (default ~/.cache), named by
    everything they depend on, so a new symspellpy or a new scorer never reads a stale file."""
    versions = []
    for package in ("symspellpy", "wordfreq"):
        try:
            versions.append(importlib.metadata.version(package))
        except importlib.metadata.PackageNotFoundError:
            versions.append("?")
    key = json.dumps([_CACHE_FORMAT, versions, WORDFREQ_LIST, BIGRAM_FILE, BACKOFF, ORDER])
    name = f"ngrams-{hashlib.sha256(key.encode()).hexdigest()[:16]}.safetensors"
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "caesar-rnn" / name


@lru_cache(maxsize=1)
def _logp_tables() -> tuple[np.ndarray, ...]:
    """The log10 n-gram tables for n = 1..ORDER. Counting them takes ~1.5 s of CPU, so they are
    kept in a cache file (safetensors: raw arrays, no pickle; ~2 MB as float32); a missing,
    unreadable or malformed file is recomputed, and an unwritable cache dir is skipped."""
    from safetensors.numpy import load, save

    path = cache_path()
    shapes = [(N_LETTERS**n,) for n in range(1, ORDER + 1)]
    try:
        z = load(path.read_bytes())
        tables = tuple(z[f"logp{n}"].astype(np.float64) for n in range(1, ORDER + 1))
        if [t.shape for t in tables] == shapes and all(np.isfinite(t).all() for t in tables):
            return tables
    except Exception:  # missing, unreadable or damaged (safetensors raises its own errors)
        pass
    # Rounded as the file holds them, so the first run scores exactly like later ones.
    tables = tuple(
        _compute_logp(n).astype(np.float32).astype(np.float64) for n in range(1, ORDER + 1)
    )
    with contextlib.suppress(CaesarRNNError, OSError):  # a read-only home: compute each time
        atomic_write_bytes(
            path, save({f"logp{n}": t.astype(np.float32) for n, t in enumerate(tables, 1)})
        )
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
