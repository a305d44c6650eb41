"""The model behind the decodes: the NumPy network on the CPU (no torch import) or the torch
model on a GPU, both behind ``Backend``'s one method, ``logits``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.config import ModelConfig
from caesar_rnn.nn.numpy_rnn import NumpyRNN
from caesar_rnn.store import load_meta, load_torch_model, load_weights


class Backend(Protocol):
    config: ModelConfig

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray: ...


class TorchBackend:
    """The torch model behind the same interface, for GPUs (and for cross-checking NumPy)."""

    def __init__(self, model_dir: str | Path, device: str, bf16: bool = False) -> None:
        import torch

        self._torch = torch
        self.model = load_torch_model(model_dir, device)
        self.config: ModelConfig = self.model.config
        self.device = device
        self.bf16 = bf16  # bf16 autocast for the forward pass (scripts/gpu_model_bench.py)

    def _forward(self, t: Any) -> Any:
        kind = self.device.split(":")[0]
        with self._torch.autocast(kind, dtype=self._torch.bfloat16, enabled=self.bf16):
            return self.model(t).float()

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode():
            t = torch.from_numpy(tokens.astype(np.int64)).to(self.device)
            lens = None if lengths is None else torch.from_numpy(lengths.astype(np.int64))
            return self.model(t, lens).float().cpu().numpy()

    def window_scores(self, tokens: np.ndarray) -> np.ndarray:
        """(B, 26) key scores of equal-length windows (B, T), computed on the device: the
        summed log-probability of ``cipher - s`` over letter positions for each shift s, as
        ``scores.key_scores`` sums it, with only (B, 26) copied back (not (B, T, 26))."""
        torch = self._torch
        with torch.inference_mode():
            t = torch.from_numpy(tokens.astype(np.int64)).to(self.device)  # (B, T)
            logp = torch.log_softmax(self._forward(t), dim=-1)  # (B, T, 26)
            shifts = torch.arange(N_LETTERS, device=t.device)
            plain = (t.clamp(max=N_LETTERS - 1)[..., None] - shifts) % N_LETTERS  # (B, T, 26)
            picked = logp.gather(2, plain) * (t < N_LETTERS)[..., None]  # boundaries add 0
            return picked.sum(dim=1).cpu().numpy().astype(np.float64)


def load_backend(model_dir: str | Path, device: str = "cpu", cascade: bool = True) -> Backend:
    """The model in ``model_dir`` on ``device``. On the CPU, with ``cascade``, the key decode
    runs behind the fast stage tuned for these weights, if there is one
    (``caesar_rnn.decoding.cascade``)."""
    if device == "cpu":
        meta = load_meta(model_dir)
        net = NumpyRNN(meta.model, load_weights(model_dir, meta.model))
        if cascade:
            from caesar_rnn.decoding.cascade import load_cascade

            net.cascade = load_cascade(model_dir)
        return net
    return TorchBackend(model_dir, device)
