"""The seeded parts of a run besides the model: seeds, the validation split, the learning-rate
schedule."""

from __future__ import annotations

import math
import random

import numpy as np
import torch


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def split_indices(
    n: int, fraction: float, max_val: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(training, validation) pair indices: a seeded permutation's tail and head."""
    order = np.random.default_rng(seed).permutation(n)
    n_val = 0 if n < 20 or fraction <= 0 else min(max_val, max(1, int(n * fraction)))
    return order[n_val:], order[:n_val]


def lr_lambda(step: int, warmup: int, total: int) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))
