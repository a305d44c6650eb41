"""FLOPs per character of the two models' NumPy forward passes and the share of this machine's
measured float32 matrix-multiply peak they reach, one BLAS thread (what `decrypt` uses).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/speed/roofline.py
"""

from __future__ import annotations

import os
import time

import numpy as np

from caesar_rnn.config import GATES, ModelConfig
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.cascade import fast_model_dir
from caesar_rnn.store import shipped_model_dir


def flops_per_token(cfg: ModelConfig) -> int:
    """Multiply-adds x 2 per token: the recurrent products, the input products of layers after
    the first (the first layer's one-hot input is a row lookup), and the output head."""
    g, h, d = GATES[cfg.arch], cfg.hidden, cfg.directions
    total = 0
    for layer in range(cfg.layers):
        inp = 0 if layer == 0 else d * h
        total += d * 2 * g * h * (inp + h)
    return total + 2 * d * h * 26


def rate(fn, seconds: float = 2.0) -> float:
    fn()
    t, n = time.perf_counter(), 0
    while time.perf_counter() - t < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - t)


def main() -> None:
    a = np.random.default_rng(0).standard_normal((1024, 1024), np.float32)
    peak = rate(lambda: a @ a) * 2 * 1024**3 / 1e9
    print(
        f"load average {os.getloadavg()[0]:.2f}; float32 GEMM 1024^3, one thread: {peak:.1f} GFLOP/s"
    )
    rng = np.random.default_rng(1)
    for name, path in (("default", shipped_model_dir()), ("fast", fast_model_dir())):
        be = load_backend(path, cascade=False)
        f = flops_per_token(be.config)
        for rows, length in ((1024, 16), (256, 64)):
            toks = rng.integers(0, 26, (rows, length)).astype(np.uint8)
            tok_s = rate(lambda: be.logits(toks)) * rows * length  # noqa: B023
            print(
                f"{name}: {f / 1e6:.3f} MFLOP/token; batch {rows}x{length}: {tok_s:,.0f} tokens/s, "
                f"{tok_s * f / 1e9:.1f} GFLOP/s = {tok_s * f / 1e9 / peak:.0%} of the GEMM peak"
            )


if __name__ == "__main__":
    main()
