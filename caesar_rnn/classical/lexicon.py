"""The words cracker's lexicon: word log-probabilities, word-pair conditionals, and the summed
probability of the words that start or end with each piece of a word.

Stored as buckets that are read only when a lookup needs them: each table (``starts``, ``words``,
``ends``, ``pairs``) is cut by the first two letters of its pieces (of the first word, for pairs),
and each bucket is one zlib stream of its float32 values and its sorted, newline-separated pieces.
Loading the file reads offsets only; a message touches a few dozen of the 702 buckets, so a single
``decrypt`` no longer builds dictionaries of half a million pieces (~0.2 s) to split two readings.
Every value is the same float32 as before, read back as a Python float, so scores do not move.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Sequence
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

from caesar_rnn.cipher import ALPHABET, N_LETTERS
from caesar_rnn.errors import CaesarRNNError

#: Bucket ids: (first letter + 1) * 27 + (second letter + 1), 0 for one-letter pieces.
N_BUCKETS = 27 * 27
_TABLES = ("starts", "words", "ends")
#: Prefix lengths whose codes are stored (``words.Params.prefix`` and shorter: whole messages).
STORED_PREFIXES = (1, 2, 3, 4, 5)
FORMAT_VERSION = 2


def bucket_id(piece: str) -> int:
    """The bucket of a piece (1+ lowercase letters): its first two letters."""
    second = ord(piece[1]) - 96 if len(piece) > 1 else 0
    return (ord(piece[0]) - 96) * 27 + second


_T = TypeVar("_T", bound="_Table")


class _Table:
    """One table's buckets: (N_BUCKETS + 1) byte offsets into ``blob`` and the line count of
    each bucket; a bucket's stream is its float32 values followed by its pieces."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray, lines: np.ndarray) -> None:
        self.blob, self.offsets, self.lines = blob, offsets.tolist(), lines.tolist()
        self.cache: dict[int, Any] = {}

    @classmethod
    def pack(cls, table: dict[str, float]) -> _Table:
        """Bucket ``table`` by the first two letters of its keys; a one-letter key is also in
        every two-letter bucket that starts with it, so that one bucket answers for every piece
        that starts at a position."""
        groups: dict[int, list[str]] = {}
        for key in sorted(table):
            groups.setdefault(bucket_id(key), []).append(key)
        for key in [k for k in table if len(k) == 1]:
            for second in ALPHABET:
                groups.setdefault(bucket_id(key + second), []).insert(0, key)
        streams = {
            b: np.asarray([table[k] for k in keys], "<f4").tobytes() + "\n".join(keys).encode()
            for b, keys in groups.items()
        }
        return cls.from_streams(streams, {b: len(keys) for b, keys in groups.items()})

    @classmethod
    def from_streams(cls: type[_T], streams: dict[int, bytes], lines: dict[int, int]) -> _T:
        parts = [zlib.compress(streams[b], 9) if b in streams else b"" for b in range(N_BUCKETS)]
        offsets = np.cumsum([0, *map(len, parts)])
        blob = np.frombuffer(b"".join(parts), np.uint8)
        counts = np.asarray([lines.get(b, 0) for b in range(N_BUCKETS)], np.int32)
        return cls(blob, offsets.astype(np.int64), counts)

    def bucket(self, b: int) -> Any:  # dict[str, float]; pairs: dict[str, dict[str, float]]
        got = self.cache.get(b)
        if got is None:
            got = self.cache[b] = self._read(b)
        return got

    def _read(self, b: int) -> Any:
        n = self.lines[b]
        if not n:
            return {}
        try:
            raw = zlib.decompress(self.blob[self.offsets[b] : self.offsets[b + 1]].tobytes())
            return self._parse(raw, n)
        except (zlib.error, UnicodeDecodeError, ValueError):
            raise CaesarRNNError(
                "the word table is damaged (a bucket does not read back); reinstall caesar-rnn "
                "or rebuild it with scripts/build_words_table.py"
            ) from None

    @staticmethod
    def _parse(raw: bytes, n: int) -> Any:
        values = np.frombuffer(raw[: 4 * n], "<f4").astype(np.float64).tolist()
        return dict(zip(raw[4 * n :].decode("ascii").split("\n"), values, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {k: v for b in range(N_BUCKETS) for k, v in self.bucket(b).items()}


class _PairTable(_Table):
    """Word pairs bucketed by the first word; a bucket's stream is its values (float32), each
    first word's count of pairs (int32), the first words, a NUL, then the second words."""

    @classmethod
    def pack_pairs(cls, pairs: dict[str, dict[str, float]]) -> _PairTable:
        groups: dict[int, list[str]] = {}
        for a in sorted(pairs):
            groups.setdefault(bucket_id(a), []).append(a)
        streams = {}
        for b, firsts in groups.items():
            rows = [(s, pairs[a][s]) for a in firsts for s in sorted(pairs[a])]
            counts = np.asarray([len(pairs[a]) for a in firsts], "<i4").tobytes()
            values = np.asarray([v for _, v in rows], "<f4").tobytes()
            text = "\n".join(firsts) + "\0" + "\n".join(s for s, _ in rows)
            streams[b] = counts + values + text.encode()
        return cls.from_streams(streams, {b: len(firsts) for b, firsts in groups.items()})

    @staticmethod
    def _parse(raw: bytes, n: int) -> dict[str, dict[str, float]]:
        counts = np.frombuffer(raw[: 4 * n], "<i4")
        end = 4 * (n + int(counts.sum()))
        values = np.frombuffer(raw[4 * n : end], "<f4").astype(np.float64).tolist()
        firsts, seconds = raw[end:].decode("ascii").split("\0")
        items = iter(zip(seconds.split("\n"), values, strict=True))
        return {
            a: dict(itertools.islice(items, c))
            for a, c in zip(firsts.split("\n"), counts.tolist(), strict=True)
        }


class Lexicon:
    """The lexicon, bucket by bucket (see the module's doc). The hot path is ``piece_tables``
    (every piece that starts at a position shares its first two letters), ``end_table`` and
    ``pairs_of``; ``logp``, ``starts``, ``ends`` and ``pairs`` build whole dictionaries once, for
    tests and scripts."""

    def __init__(
        self, tables: dict[str, _Table], pairs: _PairTable, prefixes: dict[int, np.ndarray]
    ) -> None:
        self.tables, self._pairs, self.prefixes = tables, pairs, prefixes

    # -- building --------------------------------------------------------------------------------
    @classmethod
    def from_counts(
        cls, unigrams: dict[str, float], bigrams: Sequence[tuple[str, str, float]]
    ) -> Lexicon:
        total = sum(unigrams.values())
        logp = {w: math.log(c / total) for w, c in unigrams.items()}
        b_total = sum(c for _, _, c in bigrams)
        pairs: dict[str, dict[str, float]] = {}
        for a, b, c in bigrams:
            ca, cb = unigrams.get(a), unigrams.get(b)
            if ca and cb and c / b_total > ca * cb / total**2:  # else P(b) scores it as well
                # Both lists on one scale (each as a share of its own total); capped at P = 1.
                pairs.setdefault(a, {})[b] = min(0.0, math.log(c / b_total * total / ca))
        starts: dict[str, float] = {}
        ends: dict[str, float] = {}
        for w, c in unigrams.items():
            for k in range(1, len(w) + 1):
                starts[w[:k]] = starts.get(w[:k], 0.0) + c
                ends[w[-k:]] = ends.get(w[-k:], 0.0) + c
        starts = {k: math.log(v / total) for k, v in starts.items()}
        ends = {k: math.log(v / total) for k, v in ends.items()}
        return cls.from_tables(logp, pairs, starts, ends)

    @classmethod
    def from_tables(
        cls,
        logp: dict[str, float],
        pairs: dict[str, dict[str, float]],
        starts: dict[str, float],
        ends: dict[str, float],
    ) -> Lexicon:
        tables = {"starts": starts, "words": logp, "ends": ends}
        packed = {k: _Table.pack(v) for k, v in tables.items()}
        prefixes = {k: _prefix_codes(starts, k) for k in STORED_PREFIXES}
        return cls(packed, _PairTable.pack_pairs(pairs), prefixes)

    def to_bytes(self) -> bytes:
        from safetensors.numpy import save

        parts = {"format_version": np.asarray([FORMAT_VERSION], np.int32)}
        for name, t in (*self.tables.items(), ("pairs", self._pairs)):
            parts[f"{name}_blob"] = t.blob
            parts[f"{name}_offsets"] = np.asarray(t.offsets, np.int64)
            parts[f"{name}_lines"] = np.asarray(t.lines, np.int32)
        for k in STORED_PREFIXES:
            parts[f"prefix{k}"] = self.prefix_codes(k).astype(np.int32)  # 26**5 < 2**31
        return save(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> Lexicon:
        from caesar_rnn.tables import read_tensors

        z = read_tensors(data)
        if z["format_version"].tolist() != [FORMAT_VERSION]:
            raise ValueError("format version")

        def table(name: str, kind: type[_Table] = _Table) -> Any:
            offsets, lines = z[f"{name}_offsets"], z[f"{name}_lines"]
            blob = z[f"{name}_blob"]
            if offsets.shape != (N_BUCKETS + 1,) or lines.shape != (N_BUCKETS,):
                raise ValueError(f"{name}: shape")
            if offsets[0] != 0 or offsets[-1] != blob.size or (np.diff(offsets) < 0).any():
                raise ValueError(f"{name}: offsets")
            return kind(blob, offsets, lines)

        prefixes = {k: z[f"prefix{k}"].astype(np.int64) for k in STORED_PREFIXES}
        return cls({k: table(k) for k in _TABLES}, table("pairs", _PairTable), prefixes)

    # -- the hot path ----------------------------------------------------------------------------
    def piece_tables(self, head: str) -> tuple[dict[str, float], dict[str, float]]:
        """(starts, words) for every piece that begins with ``head`` (its first two letters, or
        one letter at the end of a run): ln P(a word starts with it) and ln P(it is a word)."""
        return self._head("starts", head), self._head("words", head)

    def end_table(self, head: str) -> dict[str, float]:
        """ln P(a word ends with the piece), for the pieces that begin with ``head``."""
        return self._head("ends", head)

    def _head(self, name: str, head: str) -> dict[str, float]:
        got: dict[str, float] = self.tables[name].bucket(bucket_id(head))
        return got

    def pairs_of(self, word: str) -> dict[str, float] | None:
        """ln P(b | word) for the words b counted after it (where above ln P(b)), or None."""
        got: dict[str, float] | None = self._pairs.bucket(bucket_id(word)).get(word)
        return got

    # -- whole tables (tests, scripts) -----------------------------------------------------------
    @cached_property
    def logp(self) -> dict[str, float]:
        return self.tables["words"].to_dict()

    @cached_property
    def starts(self) -> dict[str, float]:
        return self.tables["starts"].to_dict()

    @cached_property
    def ends(self) -> dict[str, float]:
        return self.tables["ends"].to_dict()

    @cached_property
    def pairs(self) -> dict[str, dict[str, float]]:
        return self._pairs.to_dict()

    def prefix_codes(self, k: int) -> np.ndarray:
        """Sorted base-26 codes of the k-letter pieces that start a known word (stored for
        ``STORED_PREFIXES``, else read from every bucket once)."""
        if k not in self.prefixes:
            self.prefixes[k] = _prefix_codes(self.starts, k)
        return self.prefixes[k]


def _prefix_codes(starts: dict[str, float], k: int) -> np.ndarray:
    pieces = "".join(w for w in starts if len(w) == k).encode("ascii")
    codes = np.frombuffer(pieces, np.uint8).reshape(-1, k).astype(np.int64) - 97
    return np.unique(codes @ N_LETTERS ** np.arange(k - 1, -1, -1, dtype=np.int64))
