"""The model's forward pass in NumPy, for decryption without importing torch.

It reads the same weights (torch's names and gate order) and agrees with ``model.CaesarRNN`` to
float32 rounding (tests/test_infer.py). A GRU or LSTM step is a few matrix products, and NumPy
starts in a fraction of the second that ``import torch`` takes.
"""

from __future__ import annotations

import numpy as np

from caesar_rnn.config import ModelConfig

Array = np.ndarray


def _sigmoid(x: Array) -> Array:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # stable for large |x|


class NumpyRNN:
    def __init__(self, config: ModelConfig, weights: dict[str, Array]) -> None:
        self.config = config
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in weights.items()}
        # Pre-transposed for row-major (B, in) @ (in, G*H) products.
        self.wt = {k: v.T.copy() for k, v in self.w.items() if v.ndim == 2}

    def _direction(self, x: Array, layer: int, suffix: str) -> Array:
        """One direction of one layer over x (B, T, in) -> (B, T, H)."""
        cfg, name = self.config, f"l{layer}{suffix}"
        B, T, _ = x.shape
        H = cfg.hidden
        # Input projections for all steps at once: one large product instead of T small ones.
        xw = x @ self.wt[f"rnn.weight_ih_{name}"] + self.w[f"rnn.bias_ih_{name}"]  # (B, T, G*H)
        whh = self.wt[f"rnn.weight_hh_{name}"]  # (H, G*H)
        bhh = self.w[f"rnn.bias_hh_{name}"]
        h = np.zeros((B, H), np.float32)
        c = np.zeros((B, H), np.float32)
        out = np.empty((B, T, H), np.float32)
        for t in range(T):
            hw = h @ whh + bhh  # (B, G*H)
            xt = xw[:, t]
            if cfg.arch == "gru":
                r = _sigmoid(xt[:, :H] + hw[:, :H])
                z = _sigmoid(xt[:, H : 2 * H] + hw[:, H : 2 * H])
                n = np.tanh(xt[:, 2 * H :] + r * hw[:, 2 * H :])
                h = n + z * (h - n)
            elif cfg.arch == "lstm":
                g = xt + hw
                i, f = _sigmoid(g[:, :H]), _sigmoid(g[:, H : 2 * H])
                cc, o = np.tanh(g[:, 2 * H : 3 * H]), _sigmoid(g[:, 3 * H :])
                c = f * c + i * cc
                h = o * np.tanh(c)
            else:
                h = np.tanh(xt + hw)
            out[:, t] = h
        return out

    def logits(self, tokens: Array, lengths: Array | None = None) -> Array:
        """tokens (B, T) int -> logits (B, T, 26). Positions at or past ``lengths`` are padding:
        they never influence valid positions, in either direction."""
        cfg = self.config
        B, T = tokens.shape
        if lengths is None:
            lengths = np.full(B, T)
        x = np.eye(cfg.input_size, dtype=np.float32)[tokens]  # (B, T, V) one-hot
        if not cfg.recurrent:
            for layer in range(cfg.layers):
                w, b = self.wt[f"mlp.{2 * layer}.weight"], self.w[f"mlp.{2 * layer}.bias"]
                x = np.maximum(x @ w + b, 0.0)  # (B, T, H)
            return x @ self.wt["head.weight"] + self.w["head.bias"]  # (B, T, 26)
        # Reversing each sequence within its own length makes the backward direction start at
        # the true end of every message; padded steps stay at the tail, after every valid one.
        t_idx = np.arange(T)[None, :]
        rev = np.where(t_idx < lengths[:, None], lengths[:, None] - 1 - t_idx, t_idx)  # (B, T)
        rows = np.arange(B)[:, None]
        for layer in range(cfg.layers):
            outs = [self._direction(x, layer, "")]
            if cfg.bidirectional:
                back = self._direction(x[rows, rev], layer, "_reverse")
                outs.append(back[rows, rev])
            x = np.concatenate(outs, axis=2) if len(outs) > 1 else outs[0]  # (B, T, H*D)
        return x @ self.wt["head.weight"] + self.w["head.bias"]  # (B, T, 26)
