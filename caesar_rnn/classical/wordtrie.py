"""The words lexicon as flat arrays, for splitting many runs of letters at once (NumPy).

The bucketed tables of ``caesar_rnn.classical.lexicon`` answer one piece at a time from Python
dictionaries; a file of thousands of messages touches nearly every bucket. These arrays answer
thousands of pieces per NumPy call instead (``caesar_rnn.classical.batchsplit``):

- a trie of the word starts (every prefix of a known word is a start, so the set is closed under
  prefixes): node k (1-based; 0 is the root) has the code ``parent * 26 + letter`` at
  ``codes[k - 1]``. Nodes are numbered depth by depth in order of (parent, letter), so ``codes``
  is sorted and a child is one ``searchsorted``. Each node has ln P(a word starts with it)
  (``start``) and ln P(it is a word) (``word``, NaN where it is not one);
- the word pairs as ``first node * (N + 1) + second node``, sorted, with ln P(second | first);
- the word ends of up to ``END_LETTERS`` letters as base-27 codes (letters 1..26), sorted, and
  the first ``END_LETTERS`` letters of the longer ones (those are read from the buckets).

Values are the same float32 as the buckets', read back as float64, so scores do not move.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import numpy as np

from caesar_rnn.cipher import N_LETTERS

#: Word ends are coded in base 27 up to this many letters (27**13 < 2**63).
END_LETTERS = 13
#: Node ids of every piece of up to this many letters come from one table lookup.
DIRECT = 4
#: ``has_prefix`` answers for pieces of up to this many letters (``words.Params.prefix``).
PREFIX_LETTERS = 5
#: Word ends of up to this many letters are also held in a direct table (27**4 values, 4 MB),
#: read where a call looks up at least DIRECT_ENDS_FROM pieces.
SHORT_ENDS = 4
DIRECT_ENDS_FROM = 4096
FORMAT_VERSION = 1
#: The arrays, as stored in the lexicon's file (``trie_<name>``).
ARRAYS = ("codes", "start", "word", "pair_codes", "pair_vals", "end_codes", "end_vals", "end_long")


def base27(piece: str) -> int:
    """A piece's base-27 code (letters 1..26), so that pieces of different lengths differ."""
    code = 0
    for ch in piece:
        code = code * 27 + ord(ch) - 96
    return code


def pack(
    starts: Mapping[str, float],
    logp: Mapping[str, float],
    ends: Mapping[str, float],
    pairs: Mapping[str, Mapping[str, float]],
) -> dict[str, np.ndarray]:
    """The arrays of the module's doc, from the lexicon's tables (float32 values)."""
    ids: dict[str, int] = {"": 0}
    codes: list[int] = []
    for depth in range(1, max(map(len, starts), default=0) + 1):
        level = sorted((ids[p[:-1]], ord(p[-1]) - 97, p) for p in starts if len(p) == depth)
        for parent, letter, piece in level:
            ids[piece] = len(codes) + 1
            codes.append(parent * N_LETTERS + letter)
    order = sorted(ids.items(), key=lambda kv: kv[1])[1:]
    nan = float("nan")
    size = len(codes) + 1
    pair_rows = sorted(
        (ids[a] * size + ids[b], v) for a, row in pairs.items() for b, v in row.items()
    )
    short = sorted((base27(k), v) for k, v in ends.items() if len(k) <= END_LETTERS)
    long_ = sorted({base27(k[:END_LETTERS]) for k in ends if len(k) > END_LETTERS})
    return {
        "codes": np.asarray(codes, np.int32),
        "start": np.asarray([starts[p] for p, _ in order], "<f4"),
        "word": np.asarray([logp.get(p, nan) for p, _ in order], "<f4"),
        "pair_codes": np.asarray([c for c, _ in pair_rows], np.int64),
        "pair_vals": np.asarray([v for _, v in pair_rows], "<f4"),
        "end_codes": np.asarray([c for c, _ in short], np.int64),
        "end_vals": np.asarray([v for _, v in short], "<f4"),
        "end_long": np.asarray(long_, np.int64),
    }


def to_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    from safetensors.numpy import save

    return save({"format_version": np.asarray([FORMAT_VERSION], np.int32), **arrays})


def from_bytes(data: bytes) -> WordTrie:
    from caesar_rnn.tables import read_tensors

    z = read_tensors(data)
    if z["format_version"].tolist() != [FORMAT_VERSION]:
        raise ValueError("format version")
    return WordTrie({k: z[k] for k in ARRAYS})


class WordTrie:
    """The arrays, with vectorised lookups (``-1``: no node; NaN: no value). Values stay float32
    in memory and are read back as float64 (exactly the buckets' Python floats)."""

    def __init__(self, arrays: dict[str, Any]) -> None:
        self.codes = np.asarray(arrays["codes"], np.int64)
        n = self.size = len(self.codes) + 1
        if n > 1 and (np.diff(self.codes) <= 0).any():
            raise ValueError("word trie: codes not sorted")
        nan = np.asarray([np.nan], np.float32)
        self.start = np.concatenate([nan, arrays["start"]])
        self.word = np.concatenate([nan, arrays["word"]])
        self.pair_codes = np.asarray(arrays["pair_codes"], np.int64)
        self.pair_vals = arrays["pair_vals"]
        if (
            len(self.start) != n
            or len(self.word) != n
            or len(self.pair_vals) != len(self.pair_codes)
        ):
            raise ValueError("word trie: lengths")
        self.has_pairs = np.zeros(n + 1, bool)  # [-1]: no node, no pairs
        self.has_pairs[self.pair_codes // n] = True
        self.end_codes = np.asarray(arrays["end_codes"], np.int64)
        self.end_vals = arrays["end_vals"]
        self.end_long = np.asarray(arrays["end_long"], np.int64)
        self.levels = self._levels(max(DIRECT, PREFIX_LETTERS))
        self.direct: list[np.ndarray] = []
        for nodes, codes in self.levels[:DIRECT]:
            table = np.full(N_LETTERS ** (len(self.direct) + 1), -1, np.int32)
            table[codes] = nodes
            self.direct.append(table)
        self._prefix_bits: dict[int, np.ndarray] = {}

    def _levels(self, depth: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per depth 1..depth: (the nodes of that depth, their pieces' base-26 codes)."""
        out, nodes, codes = [], np.asarray([0]), np.asarray([0])  # the root
        for _ in range(depth):
            if not len(nodes):
                out.append((nodes, codes))
                continue
            lo = np.searchsorted(self.codes, nodes[0] * N_LETTERS)  # a depth's nodes are
            hi = np.searchsorted(self.codes, (nodes[-1] + 1) * N_LETTERS)  # consecutive
            parent, letter = np.divmod(self.codes[lo:hi], N_LETTERS)
            codes = codes[parent - nodes[0]] * N_LETTERS + letter
            nodes = np.arange(lo, hi) + 1
            out.append((nodes, codes))
        return out

    def has_prefix(self, k: int, codes: np.ndarray) -> np.ndarray:
        """Whether each base-26 code of k letters (k <= PREFIX_LETTERS) starts a known word, by
        one bit per code (26**5 bits: 1.5 MB, built on first use)."""
        bits = self._prefix_bits.get(k)
        if bits is None:
            known = self.levels[k - 1][1]
            bits = np.zeros((N_LETTERS**k + 7) // 8, np.uint8)
            np.bitwise_or.at(bits, known >> 3, (1 << (known & 7)).astype(np.uint8))
            self._prefix_bits[k] = bits
        return (bits[codes >> 3] >> (codes & 7).astype(np.uint8)) & 1 == 1

    def child(self, node: np.ndarray, letter: np.ndarray) -> np.ndarray:
        """The node of each piece extended by a letter (node >= 0), or -1."""
        code = node * N_LETTERS + letter
        pos = np.searchsorted(self.codes, code)
        if self.size == 1:
            return np.full(code.shape, -1, np.int64)
        found = self.codes[np.minimum(pos, self.size - 2)] == code
        return np.where(found, pos + 1, -1)

    def pair_values(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """ln P(second | first) where that pair is counted, else NaN (nodes >= 0)."""
        code = first * self.size + second
        pos = np.searchsorted(self.pair_codes, code)
        if not len(self.pair_codes):
            return np.full(code.shape, np.nan)
        pos = np.minimum(pos, len(self.pair_codes) - 1)
        return np.where(
            self.pair_codes[pos] == code, self.pair_vals[pos].astype(np.float64), np.nan
        )

    def end_values(self, code: np.ndarray) -> np.ndarray:
        """ln P(a word ends with the piece) by its base-27 code (up to END_LETTERS), else NaN.
        Many lookups read the pieces of up to SHORT_ENDS letters from a direct table."""
        if not len(self.end_codes):
            return np.full(code.shape, np.nan)
        if len(code) < DIRECT_ENDS_FROM:
            return self._end_search(code)
        table = self._short_ends
        short = code < len(table)
        out = table[np.where(short, code, 0)]
        far = np.flatnonzero(~short)
        out[far] = self._end_search(code[far])
        return out

    def _end_search(self, code: np.ndarray) -> np.ndarray:
        pos = np.minimum(np.searchsorted(self.end_codes, code), len(self.end_codes) - 1)
        return np.where(self.end_codes[pos] == code, self.end_vals[pos].astype(np.float64), np.nan)

    @cached_property
    def _short_ends(self) -> np.ndarray:
        """ln P(a word ends with the piece) for every base-27 code below 27**SHORT_ENDS (NaN:
        none), as ``_end_search`` reads them."""
        table = np.full(27**SHORT_ENDS, np.nan)
        short = self.end_codes < len(table)
        table[self.end_codes[short]] = self.end_vals[short]
        return table

    def longer_ends(self, code: np.ndarray) -> np.ndarray:
        """Whether some word end longer than END_LETTERS begins with the piece of that code."""
        if not len(self.end_long):
            return np.zeros(code.shape, bool)
        pos = np.minimum(np.searchsorted(self.end_long, code), len(self.end_long) - 1)
        return self.end_long[pos] == code
