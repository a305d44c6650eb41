"""Held-out metrics of a training run: per-letter and whole-message accuracy, for the argmax and
the key decode, by message length (the validation buckets, not evaluation's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.data.dataset import IGNORE, Pairs, TokenData
from caesar_rnn.decoding.scores import key_scores, log_softmax

#: Validation buckets: a message of n letters falls in the last bucket <= n.
VAL_BUCKETS = (1, 4, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256)


def val_bucket(n: int) -> int:
    return max(b for b in VAL_BUCKETS if b <= n)


def _summary(r: np.ndarray) -> dict[str, float]:
    return {
        "messages": int(r[0]),
        "char_acc": float(r[2] / max(r[1], 1)),
        "msg_acc_argmax": float(r[3] / max(r[0], 1)),
        "msg_acc_key": float(r[4] / max(r[0], 1)),
    }


def _batch_rows(logits: np.ndarray, c: np.ndarray, y: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(bucket, [1, letters, letters right, argmax right, key right]) for each message."""
    mask = y != IGNORE
    char_ok = (logits.argmax(-1) == y) & mask
    msg_argmax = (char_ok | ~mask).all(axis=1)
    k = key_scores(log_softmax(logits), c, mask).argmax(axis=1)
    key_ok = ((((c - k[:, None]) % N_LETTERS) == y) | ~mask).all(axis=1)
    n_letters = mask.sum(axis=1)
    return [
        (val_bucket(int(n_letters[i])),
         np.array([1, n_letters[i], char_ok[i].sum(), msg_argmax[i], key_ok[i]], float))
        for i in range(len(c))
    ]  # fmt: skip


@torch.no_grad()
def held_out_metrics(
    model: torch.nn.Module, data: TokenData, device: str, batch_size: int = 512
) -> dict[str, Any]:
    """Per-char and whole-message accuracy, argmax and key-consistent decode, by length bucket."""
    was_training = model.training
    model.eval()
    rows: dict[int, np.ndarray] = {}  # bucket -> [messages, chars, char_ok, argmax_ok, key_ok]
    rng = np.random.default_rng(0)
    for cipher, target in data.batches(batch_size, rng, shuffle=False):
        logits = model(cipher.to(device)).float().cpu().numpy()  # (B, T, 26)
        for b, r in _batch_rows(logits, cipher.numpy(), target.numpy()):
            rows[b] = rows.get(b, np.zeros(5)) + r
    model.train(was_training)
    total = sum(rows.values(), np.zeros(5))
    return {
        "overall": _summary(total),
        "by_length": {str(b): _summary(rows[b]) for b in sorted(rows)},
    }


def score_model(
    model_dir: str | Path, pairs: Pairs, val_idx: np.ndarray, device: str
) -> dict[str, Any]:
    """Another model's held-out metrics on a run's validation messages (``pairs[val_idx]``)."""
    from caesar_rnn.store import load_torch_model

    other = load_torch_model(model_dir, device)
    data = TokenData(pairs, other.config.boundaries, val_idx)
    return held_out_metrics(other, data, device) if len(data) else {}
