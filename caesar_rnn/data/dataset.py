"""The one place text becomes tensors: JSONL pairs -> token arrays grouped by length -> batches.

Every batch holds messages of one token length, so training needs no padding at all; the model
packs padded batches where lengths do differ (decryption of mixed batches, tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from caesar_rnn.cipher import BOUNDARY, N_LETTERS, find_shift, letters_of, tokenize
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.schema import jsonl_rows

IGNORE = -100  # cross_entropy's ignore_index: boundary positions have no letter to predict


@dataclass
class Pairs:
    plaintexts: list[str]
    shifts: list[int]
    skipped: int = 0  # pairs without letters

    def __len__(self) -> int:
        return len(self.plaintexts)


def read_pairs(path: str | Path) -> Pairs:
    """Read and check a gen-data JSONL file: every ciphertext must be a Caesar shift of its
    plaintext. Errors name the line."""
    path = Path(path)
    if not path.exists():
        raise CaesarRNNError(
            f"data file {path} does not exist (make one with `caesar-rnn gen-data`)"
        )
    if path.is_dir():
        raise CaesarRNNError(f"data file {path} is a directory")
    plains: list[str] = []
    shifts: list[int] = []
    skipped = 0
    for lineno, rec in jsonl_rows(path):  # typed and bounded rows (schema.ROW)
        c, p = rec["ciphertext"], rec["plaintext"]
        if len(c) != len(p):
            raise CaesarRNNError(
                f"{path}:{lineno}: ciphertext and plaintext differ in length ({len(c)} vs {len(p)})"
            )
        k = find_shift(c, p)
        if k is None:
            raise CaesarRNNError(f"{path}:{lineno}: ciphertext is not a Caesar shift of plaintext")
        if not letters_of(p):
            skipped += 1
            continue
        plains.append(p)
        shifts.append(k)
    if not plains:
        raise CaesarRNNError(f"data file {path} holds no pairs with letters")
    return Pairs(plains, shifts, skipped)


def has_boundaries(plaintexts: list[str]) -> bool:
    """Whether any message has a word boundary (a non-letter between two letters). Every message
    is looked at (a file may start with thousands of letters-only pairs, as `make model`'s does);
    a letters-only one is passed over without tokenizing."""
    return any(
        not (p.isascii() and p.isalpha()) and BOUNDARY in tokenize(p, True) for p in plaintexts
    )


def encode_plain(text: str, boundaries: bool) -> np.ndarray:
    if text.isascii() and text.isalpha():  # the common letters-only case, without a Python loop
        return np.frombuffer(text.lower().encode("ascii"), np.uint8).astype(np.int64) - 97
    return np.asarray(tokenize(text, boundaries), np.int64)


def encipher_tokens(plain: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Shift letter tokens (B, T) by per-row keys (B,); boundary tokens stay."""
    return np.where(plain < N_LETTERS, (plain + shifts[:, None]) % N_LETTERS, plain)


def targets_of(plain: np.ndarray) -> np.ndarray:
    return np.where(plain < N_LETTERS, plain, IGNORE)


class TokenData:
    """Plaintext tokens grouped by length: {T: (N_T, T) array} with their keys."""

    def __init__(self, pairs: Pairs, boundaries: bool, indices: np.ndarray | None = None) -> None:
        idx = np.arange(len(pairs)) if indices is None else indices
        groups: dict[int, list[np.ndarray]] = {}
        keys: dict[int, list[int]] = {}
        for i in idx:
            toks = encode_plain(pairs.plaintexts[i], boundaries)
            groups.setdefault(len(toks), []).append(toks)
            keys.setdefault(len(toks), []).append(pairs.shifts[i])
        self.plain = {t: np.stack(v) for t, v in sorted(groups.items())}
        self.shifts = {t: np.asarray(keys[t], np.int64) for t in self.plain}

    def __len__(self) -> int:
        return sum(len(v) for v in self.plain.values())

    def n_tokens(self) -> int:
        return sum(v.size for v in self.plain.values())

    def batches(
        self,
        batch_size: int,
        rng: np.random.Generator,
        reshift: bool = False,
        shuffle: bool = True,
        rank: int = 0,
        world: int = 1,
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(cipher tokens (B, T), targets (B, T)) batches, each of one length. ``reshift`` draws a
        fresh random key for every message (unknown-key training sees each text under many keys).
        With ``world`` > 1, rank r takes every world-th batch of one shared, seeded order, in which
        the world batches of one step have one length wherever the data allows."""
        plan: list[tuple[int, np.ndarray]] = []
        for t, arr in self.plain.items():
            order = rng.permutation(len(arr)) if shuffle else np.arange(len(arr))
            plan.extend((t, order[i : i + batch_size]) for i in range(0, len(arr), batch_size))
        if shuffle and world > 1:
            plan = _lockstep(plan, rng, world)
        elif shuffle:
            plan = [plan[i] for i in rng.permutation(len(plan))]
        draws = rng.integers(0, N_LETTERS, size=len(self)) if reshift else None
        used = 0
        for j, (t, sel) in enumerate(plan):
            plain = self.plain[t][sel]  # (B, T)
            keys = draws[used : used + len(sel)] if draws is not None else self.shifts[t][sel]
            used += len(sel)
            if j % world != rank:
                continue
            yield (
                torch.from_numpy(encipher_tokens(plain, keys)),
                torch.from_numpy(targets_of(plain)),
            )


def _lockstep(
    plan: list[tuple[int, np.ndarray]], rng: np.random.Generator, world: int
) -> list[tuple[int, np.ndarray]]:
    """``plan`` shuffled in runs of ``world`` batches of one length. Under DDP the ranks wait for
    each other at every step, so a rank that drew a long batch would hold up one that drew a
    short one; with one length per step they finish together. The few batches of a length that do
    not fill a run are run together at random."""
    runs: list[list[tuple[int, np.ndarray]]] = []
    rest: list[tuple[int, np.ndarray]] = []
    by_length: dict[int, list[tuple[int, np.ndarray]]] = {}
    for entry in plan:
        by_length.setdefault(entry[0], []).append(entry)
    for entries in by_length.values():
        entries = [entries[i] for i in rng.permutation(len(entries))]
        full = len(entries) - len(entries) % world
        runs.extend(entries[i : i + world] for i in range(0, full, world))
        rest.extend(entries[full:])
    rest = [rest[i] for i in rng.permutation(len(rest))]
    full = len(rest) - len(rest) % world
    runs.extend(rest[i : i + world] for i in range(0, full, world))
    # A short last run goes last, so that every run before it starts at rank 0.
    return [entry for i in rng.permutation(len(runs)) for entry in runs[i]] + rest[full:]
