"""The model behind the decodes: the NumPy network on the CPU (no torch import) or the torch
model on a GPU, both behind ``Backend``'s one method, ``logits``."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from caesar_rnn.config import ModelConfig
from caesar_rnn.nn.numpy_rnn import NumpyRNN
from caesar_rnn.store import load_meta, load_torch_model, load_weights


class Backend(Protocol):
    config: ModelConfig

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray: ...


class TorchBackend:
    """The torch model behind the same interface, for GPUs (and for cross-checking NumPy)."""

    def __init__(self, model_dir: str | Path, device: str) -> None:
        import torch

        self._torch = torch
        self.model = load_torch_model(model_dir, device)
        self.config: ModelConfig = self.model.config
        self.device = device

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode():
            t = torch.from_numpy(tokens.astype(np.int64)).to(self.device)
            lens = None if lengths is None else torch.from_numpy(lengths.astype(np.int64))
            return self.model(t, lens).float().cpu().numpy()


def load_backend(model_dir: str | Path, device: str = "cpu") -> Backend:
    if device == "cpu":
        meta = load_meta(model_dir)
        return NumpyRNN(meta.model, load_weights(model_dir, meta.model))
    return TorchBackend(model_dir, device)
