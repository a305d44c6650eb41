"""Letter n-gram statistics for every language of ``caesar_rnn.languages``, so that the classical
crackers (and the language detection) can read text that is not English.

Each language's tables are counted from wordfreq's frequency list for it (the best list
wordfreq ships: ``large`` where it has one): every word folded to the 26 ASCII letters
(``languages.fold``), the n-grams inside each word weighted by its frequency, and the n-grams that
span a word boundary as a unigram word walk makes them (each word followed by an independent
draw), the same mass as the words. English keeps its own tables (``caesar_rnn.classical.ngrams``,
counted with word pairs), so ``crack --lang en`` is the English crack.

Counting needs the training extra (wordfreq), so the package ships the tables, counted once by
``scripts/build_ngrams.py --languages``, in ``langgrams.safetensors`` beside this module (``TABLE_FILE``;
safetensors, no pickle), small: per language the 1-3-gram tables (float16) and only the ``TOP``
most likely quadgrams; every other quadgram is the trigram chain's estimate P(abc) P(bcd) / P(bc)
(within 0.6 points of the full tables' accuracy at one seventh of the size:
experiments/non-english/). Each language is read from the file only when asked for.
"""

from __future__ import annotations

import importlib.metadata
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.classical.ngrams import _windows, backoff_logp, ngram_logp
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.extras import require
from caesar_rnn.files import atomic_write_bytes
from caesar_rnn.languages import CODES, ENGLISH, check_code, fold

#: The n-gram order the per-language tables go up to.
ORDER = 4
#: The tables as shipped inside the package (built by scripts/build_ngrams.py --languages).
TABLE_FILE = "langgrams.safetensors"
#: Words of the list kept (by frequency): enough for the n-grams, a bounded build time.
MAX_WORDS = 200_000
_LETTERS = re.compile(r"^[a-z]+$")
#: Quadgrams kept per language; the rest are estimated from the trigrams.
TOP = 16384


@lru_cache(maxsize=len(CODES))
def word_frequencies(code: str) -> tuple[list[str], np.ndarray]:
    """(words, frequencies summing to 1) of wordfreq's list for ``code``, folded to a-z (words
    that fold to the same letters add up; apostrophes and hyphens dropped; other words, with
    digits or letters of another alphabet, left out), most frequent first."""
    require("train", f"the {code} word list", "wordfreq")
    import wordfreq

    merged: dict[str, float] = {}
    for i, (w, f) in enumerate(wordfreq.get_frequency_dict(code, "best").items()):
        if i >= MAX_WORDS:
            break
        v = fold(w).lower().replace("'", "").replace("-", "").replace("’", "")
        if _LETTERS.match(v):
            merged[v] = merged.get(v, 0.0) + f
    if not merged:
        raise CaesarRNNError(f"wordfreq has no words in the Latin alphabet for {code!r}")
    items = sorted(merged.items(), key=lambda wf: (-wf[1], wf[0]))
    freqs = np.array([f for _, f in items])
    return [w for w, _ in items], freqs / freqs.sum()


def _edge_counts(words: list[str], wc: np.ndarray, k: int, end: bool) -> np.ndarray:
    """Weighted counts (26**k,) of each word's last (``end``) or first k letters; words shorter
    than k give none."""
    codes = np.zeros(len(words), np.int64)
    keep = np.fromiter((len(w) >= k for w in words), bool, len(words))
    for j in range(k):
        col = np.fromiter(
            ((ord(w[len(w) - k + j] if end else w[j]) - 97) if len(w) >= k else 0 for w in words),
            np.int64,
            len(words),
        )
        codes = codes * N_LETTERS + col
    return np.bincount(codes[keep], weights=wc[keep], minlength=N_LETTERS**k)


def count_ngrams(words: list[str], wc: np.ndarray, n: int) -> np.ndarray:
    """Weighted counts (26**n,) of the n-grams of a unigram word walk over ``words``: inside
    each word, and across one boundary (the last k letters of a word, then the first n - k of an
    independent next word)."""
    codes, owner, _ = _windows(words, n)
    counts = np.bincount(codes, weights=wc[owner], minlength=N_LETTERS**n)
    for k in range(1, n):
        tail = _edge_counts(words, wc, k, end=True)
        head = _edge_counts(words, wc, n - k, end=False)
        counts += np.outer(tail, head / wc.sum()).ravel()
    return counts


def compute_logp(code: str, order: int = ORDER) -> list[np.ndarray]:
    """log10 tables for n = 1..order of one language (float64), from its word list."""
    words, wc = word_frequencies(code)
    return backoff_logp([count_ngrams(words, wc, n) for n in range(1, order + 1)])


def compute_tables(code: str) -> dict[str, np.ndarray]:
    """What the package ships for one language: ``logp1``-``logp3`` (float16), the ``TOP`` most
    likely quadgrams' codes (``top_codes``, sorted, uint32) and log10 P (``top_logp``)."""
    logp = compute_logp(code)
    keep = np.sort(np.argsort(-logp[3], kind="stable")[:TOP])
    out = {f"logp{n}": logp[n - 1].astype(np.float16) for n in (1, 2, 3)}
    return {
        **out,
        "top_codes": keep.astype(np.uint32),
        "top_logp": logp[3][keep].astype(np.float16),
    }


def write_tables(path: str | Path, codes: tuple[str, ...] = CODES) -> None:
    """Count every language's tables but English's and write them to ``path`` (safetensors,
    tensors named ``CODE/NAME``)."""
    from safetensors.numpy import save

    tensors = {}
    for code in codes:
        if code != ENGLISH:
            tensors.update({f"{code}/{k}": v for k, v in compute_tables(code).items()})
    atomic_write_bytes(path, save(tensors, metadata=_provenance()))


def _provenance() -> dict[str, str]:
    try:
        version = importlib.metadata.version("wordfreq")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return {"wordfreq": version, "wordlist": "best", "max_words": str(MAX_WORDS), "top": str(TOP)}


class ChainQuads:
    """A language's quadgram log10 P, looked up on demand: the shipped quadgram where it is one
    of the ``TOP``, else the trigram chain's estimate P(abc) P(bcd) / P(bc). Indexing with an
    array of quadgram codes gives their values (as a full table would, without building one)."""

    def __init__(self, logp2: np.ndarray, logp3: np.ndarray, codes: np.ndarray, top: np.ndarray):
        self.logp2, self.logp3, self.codes, self.top = logp2, logp3, codes, top

    def __getitem__(self, q: np.ndarray) -> np.ndarray:
        q = np.asarray(q)
        abc, bcd, bc = q // N_LETTERS, q % N_LETTERS**3, (q // N_LETTERS) % N_LETTERS**2
        est = self.logp3[abc] + self.logp3[bcd] - self.logp2[bc]
        i = np.minimum(np.searchsorted(self.codes, q), len(self.codes) - 1)
        return np.where(self.codes[i] == q, self.top[i], est)

    def full(self) -> np.ndarray:
        """Every quadgram's value, (26**4,) float64 in code order: the estimate of all of them at
        once (broadcast over a, bc, d), then the shipped ones written over it; the same numbers
        as indexing with every code, without a search per code."""
        n2 = N_LETTERS**2
        abc = self.logp3.reshape(N_LETTERS, n2, 1)  # [a, bc]
        bcd = self.logp3.reshape(1, n2, N_LETTERS)  # [bc, d]
        est = (abc + bcd - self.logp2.reshape(1, n2, 1)).ravel()
        est[self.codes] = self.top
        return est


def lookup(tables: dict[str, np.ndarray]) -> list[Any]:
    """The shipped arrays of one language -> its log10 tables for n = 1..4 (float64; quadgrams
    as ``ChainQuads``), checked."""
    try:
        logp = [tables[f"logp{n}"].astype(np.float64) for n in (1, 2, 3)]
        codes = tables["top_codes"].astype(np.int64)
        top = tables["top_logp"].astype(np.float64)
    except KeyError as exc:
        raise CaesarRNNError(f"the language tables ({TABLE_FILE}) are damaged") from exc
    shapes = [(N_LETTERS**n,) for n in (1, 2, 3)]
    ok = [t.shape for t in logp] == shapes and codes.shape == top.shape and len(codes) > 0
    ok = ok and all(np.isfinite(t).all() for t in (*logp, top))
    if not ok or codes.min() < 0 or codes.max() >= N_LETTERS**4 or (np.diff(codes) <= 0).any():
        raise CaesarRNNError(f"the language tables ({TABLE_FILE}) are damaged")
    return [*logp, ChainQuads(logp[1], logp[2], codes, top)]


@lru_cache(maxsize=len(CODES))
def language_logp(code: str) -> list[Any]:
    """log10 n-gram tables (n = 1..4, each indexed by n-gram codes) of one language: English's
    own (``ngrams``), or the language's arrays from the packaged file, quadgrams looked up on
    demand (``ChainQuads``: nothing built; for a few messages)."""
    code = check_code(code)
    if code == ENGLISH:
        return [ngram_logp(n) for n in range(1, ORDER + 1)]
    return lookup(shipped_arrays(code))


@lru_cache(maxsize=len(CODES))
def full_logp(code: str) -> list[np.ndarray]:
    """``language_logp`` with the quadgrams as a full (26**4,) float32 table: built once (~6 ms),
    then the fastest for many messages."""
    t = language_logp(code)
    if isinstance(t[3], np.ndarray):
        return t
    return [*t[:3], t[3].full().astype(np.float32)]


@lru_cache(maxsize=len(CODES))
def chain_logp(code: str) -> tuple[np.ndarray, np.ndarray]:
    """(log10 P(trigram), log10 P(d | abc) for every quadgram abcd as float32): the letter chain
    in two gathers."""
    t = full_logp(code)
    return t[2], _given(t[3], t[2])


def _given(quad: np.ndarray, tri: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """log10 P(d | abc) for every quadgram abcd, float32 (into ``out`` if given), from log10
    P(abcd) and P(abc): each difference taken in float64, then rounded to float32."""
    out = np.empty(N_LETTERS**4, np.float32) if out is None else out
    by_abc = (-1, N_LETTERS)
    np.subtract(quad.reshape(by_abc), tri[:, None], out=out.reshape(by_abc), casting="same_kind")
    return out


@lru_cache(maxsize=2)
def chain_stack(codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``chain_logp`` of each language of ``codes``, stacked: ((L, 26**3) float64, (L, 26**4)
    float32), the same numbers, built without keeping each language's full tables (~50 MB in
    all for the 27 languages instead of twice that)."""
    tri = np.empty((len(codes), N_LETTERS**3))
    given = np.empty((len(codes), N_LETTERS**4), np.float32)
    for i, code in enumerate(codes):
        t = language_logp(code)
        quad = t[3] if isinstance(t[3], np.ndarray) else t[3].full().astype(np.float32)
        tri[i] = t[2]
        _given(quad, t[2], out=given[i])
    return tri, given


def shipped_arrays(code: str) -> dict[str, np.ndarray]:
    """One language's arrays as the packaged file holds them (see ``compute_tables``)."""
    return {k.split("/", 1)[1]: v for k, v in _shipped().items() if k.startswith(f"{code}/")}


@lru_cache(maxsize=1)
def _shipped() -> dict[str, np.ndarray]:
    """Every array of the packaged file (3.5 MB: read at once, in a few ms)."""
    from caesar_rnn.tables import read_tensors

    try:
        data = resources.files("caesar_rnn.classical").joinpath(TABLE_FILE).read_bytes()
    except OSError as exc:
        raise CaesarRNNError(f"the packaged language tables ({TABLE_FILE}) are missing") from exc
    try:
        return read_tensors(data)
    except ValueError as exc:
        raise CaesarRNNError(f"the language tables ({TABLE_FILE}) are damaged") from exc
