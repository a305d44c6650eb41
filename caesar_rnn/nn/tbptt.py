"""Truncated backpropagation through time (design sheet Q4): forward and backward in chunks.

A batch of T steps is cut into chunks of ``k`` steps. Each chunk runs from the previous chunk's
final hidden state, *detached*, so its backward pass stops at the chunk boundary: the autograd
graph (and the activations it holds) never spans more than k steps. Gradients of all chunks add
up in ``.grad`` and the caller takes one optimizer step per batch, so the only difference from
full BPTT is the dropped cross-chunk gradient terms; with k >= T it *is* full BPTT.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.data.dataset import IGNORE
from caesar_rnn.nn.model import CaesarRNN, State


def detach_state(state: State) -> State:
    if state is None:
        return None
    if isinstance(state, tuple):
        return (state[0].detach(), state[1].detach())
    return state.detach()


def tbptt_backward(
    model: CaesarRNN, cipher: torch.Tensor, target: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Accumulate the truncated gradient of the batch's mean cross-entropy into ``.grad``.

    cipher, target (B, T). Returns (loss (), logits (B, T, 26)), both detached, for logging.
    Call ``zero_grad`` before and ``optimizer.step`` after, as around ``loss.backward()``.
    """
    if k < 1:
        raise ValueError(f"truncation length must be at least 1, got {k}")
    # Each chunk's summed loss is divided by the whole batch's count, so the chunks' gradients
    # sum to the gradient of the batch mean (the quantity full BPTT differentiates).
    n_targets = max(1, int((target != IGNORE).sum()))
    state: State = None
    total = torch.zeros((), device=cipher.device)
    outs: list[torch.Tensor] = []
    for s in range(0, cipher.shape[1], k):
        logits, state = model.forward_with_state(cipher[:, s : s + k], state)  # (B, k, 26)
        loss = (
            F.cross_entropy(
                logits.reshape(-1, N_LETTERS),
                target[:, s : s + k].reshape(-1),
                ignore_index=IGNORE,
                reduction="sum",
            )
            / n_targets
        )
        if not torch.isfinite(loss):
            return loss.detach(), torch.cat([*outs, logits.detach()], dim=1)
        loss.backward()
        state = detach_state(state)
        total += loss.detach()
        outs.append(logits.detach())
    return total, torch.cat(outs, dim=1)  # (), (B, T, 26)
