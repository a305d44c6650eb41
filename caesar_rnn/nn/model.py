"""The recurrent model: one-hot characters in, 26 plaintext-letter logits out at every position.

Many-to-many, as the design sheet's Question 5 asks: RNN (tanh), GRU or LSTM, any depth, one or
two directions, then a linear layer per position. Variable lengths are packed, so padding never
reaches the backward direction of a bidirectional model. ``mlp`` is the sheet's Q5a alternative:
no recurrence, every position mapped alone through ReLU layers.
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
#: A recurrent state: h (layers, B, H), or (h, c) for an LSTM; None means zeros.
State = torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None


def rotate_to_a(tokens: torch.Tensor) -> torch.Tensor:
    """Shift every row's letters so that its first letter is 'a' (0); boundary tokens stay.
    tokens (B, T) -> (B, T). Padding after a row's end is harmless: it follows the first letter."""
    is_letter = tokens < N_LETTERS
    first = is_letter.to(torch.uint8).argmax(dim=1, keepdim=True)  # (B, 1) first letter
    rot = tokens.gather(1, first) % N_LETTERS  # (B, 1)
    return torch.where(is_letter, (tokens - rot) % N_LETTERS, tokens)


class CaesarRNN(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        if not config.recurrent:
            layers: list[nn.Module] = []
            for i in range(config.layers):
                in_size = config.input_size if i == 0 else config.hidden
                layers += [nn.Linear(in_size, config.hidden), nn.ReLU()]
            self.mlp = nn.Sequential(*layers)
            self.head = nn.Linear(config.hidden, N_LETTERS)
            return
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
        if self.config.canonical:
            tokens = rotate_to_a(tokens)
        x = F.one_hot(tokens, self.config.input_size).float()  # (B, T, V)
        if not self.config.recurrent:
            return self.head(self.mlp(x))  # (B, T, 26)
        T = tokens.shape[1]
        if lengths is not None and bool((lengths != T).any()):
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out_packed, _ = self.rnn(packed)
            out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=T)
        else:
            out, _ = self.rnn(x)  # (B, T, H*D)
        return self.head(out)  # (B, T, 26)

    def forward_with_state(
        self, tokens: torch.Tensor, state: State = None
    ) -> tuple[torch.Tensor, State]:
        """tokens (B, T) -> (logits (B, T, 26), final state), starting from ``state``.

        Unidirectional models only (a backward direction would need the future): truncated BPTT
        and the step-by-step gradient probes feed one chunk at a time, carrying the state. No
        padding: every message in the batch has T tokens."""
        if self.config.bidirectional:
            raise ValueError("forward_with_state needs a unidirectional model")
        if self.config.canonical:  # each chunk would be rotated by its own first letter
            raise ValueError("forward_with_state does not support canonical (rotated) input")
        x = F.one_hot(tokens, self.config.input_size).float()  # (B, T, V)
        if not self.config.recurrent:
            return self.head(self.mlp(x)), None
        out, new_state = self.rnn(x, state)  # (B, T, H)
        return self.head(out), new_state  # (B, T, 26)
