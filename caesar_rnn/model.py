"""The recurrent model: one-hot characters in, 26 plaintext-letter logits out at every position.

Many-to-many, as the design sheet's Question 5 asks: RNN (tanh), GRU or LSTM, any depth, one or
two directions, then a linear layer per position. Variable lengths are packed, so padding never
reaches the backward direction of a bidirectional model.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.config import ModelConfig

_CELLS: dict[str, Any] = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class CaesarRNN(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.rnn = _CELLS[config.arch](
            input_size=config.input_size,
            hidden_size=config.hidden,
            num_layers=config.layers,
            batch_first=True,
            bidirectional=config.bidirectional,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        self.head = nn.Linear(config.hidden * config.directions, N_LETTERS)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """tokens (B, T) int64 -> logits (B, T, 26). ``lengths`` (B,) marks padding, if any."""
        x = F.one_hot(tokens, self.config.input_size).float()  # (B, T, V)
        T = tokens.shape[1]
        if lengths is not None and bool((lengths != T).any()):
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out_packed, _ = self.rnn(packed)
            out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=T)
        else:
            out, _ = self.rnn(x)  # (B, T, H*D)
        return self.head(out)  # (B, T, 26)
