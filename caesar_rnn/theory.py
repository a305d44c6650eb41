"""Measurements behind the design sheet's theory questions (docs/theory.md), for scripts and tests.

- ``bptt_example``: Q1's one-unit RNN, forward and backward through torch's ``nn.RNN`` (the module
  the ``rnn`` arch wraps) stepped one step at a time, as ``forward_with_state`` does.
- ``state_gradient_norms``: Q2's ||dL_T/dh_k|| against T - k for a unidirectional CaesarRNN.
- ``accuracy_by_position``: Q3's per-character accuracy at each position of the message.
- ``SavedActivations``: Q4's memory: the bytes autograd keeps for the backward pass, at peak.
"""

from __future__ import annotations

import weakref
from types import TracebackType
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from caesar_rnn.data.dataset import IGNORE
from caesar_rnn.nn.model import CaesarRNN, State

#: The sheet's Q1 numbers: h0, Wh, Wx, Wy, inputs x and targets y.
Q1 = {"h0": 1.0, "wh": 1.0, "wx": 0.1, "wy": 2.0, "x": (10.0, 10.0), "y": (5.0, 5.0)}


def bptt_example(
    h0: float = 1.0,
    wh: float = 1.0,
    wx: float = 0.1,
    wy: float = 2.0,
    x: tuple[float, ...] = (10.0, 10.0),
    y: tuple[float, ...] = (5.0, 5.0),
) -> dict[str, Any]:
    """Q1 in float64 autograd: h_t = Wh h_{t-1} + Wx x_t, yhat_t = Wy h_t, L = sum (yhat_t - y_t)^2.

    ``nn.RNN`` offers tanh or relu; relu is the identity on positive pre-activations, which is
    checked at every step (a negative one raises), so this is the sheet's identity-activation RNN.
    Returns per-step lists (index t-1 for step t) and the totals.
    """
    rnn = nn.RNN(1, 1, nonlinearity="relu", bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.get_parameter("weight_ih_l0").fill_(wx)
        rnn.get_parameter("weight_hh_l0").fill_(wh)
    w_h, w_x = rnn.get_parameter("weight_hh_l0"), rnn.get_parameter("weight_ih_l0")
    w_y = torch.tensor(wy, dtype=torch.float64, requires_grad=True)
    state = torch.tensor([[[h0]]], dtype=torch.float64)  # (layers, B, H) = (1, 1, 1)
    hs, losses = [], []
    for x_t, y_t in zip(x, y, strict=True):
        pre = wh * float(state.detach()) + wx * x_t
        if pre <= 0:
            raise ValueError("relu stands in for the identity only on positive pre-activations")
        _, state = rnn(torch.tensor([[[x_t]]], dtype=torch.float64), state)  # one step: (1, 1, 1)
        hs.append(state)
        losses.append((w_y * state.reshape(()) - y_t) ** 2)
    loss = torch.stack(losses).sum()
    # The total derivative through every later step, and each step's own loss term separately.
    dl_dh = torch.autograd.grad(loss, hs, retain_graph=True)
    per_loss_dwh = [float(torch.autograd.grad(lt, w_h, retain_graph=True)[0]) for lt in losses]
    loss.backward()
    h_vals = [float(h.detach()) for h in hs]
    h_prev = [h0, *h_vals[:-1]]
    dl_dh_vals = [float(g) for g in dl_dh]
    return {
        "h": h_vals,
        "yhat": [wy * h for h in h_vals],
        "loss_terms": [float(lt.detach()) for lt in losses],
        "loss": float(loss.detach()),
        "dL_dh": dl_dh_vals,
        # BPTT's sum over steps: dL/dWh = sum_t dL/dh_t * h_{t-1} (identity: no activation factor).
        "dWh_terms": [g * hp for g, hp in zip(dl_dh_vals, h_prev, strict=True)],
        "dLt_dWh": per_loss_dwh,
        "dL_dWh": float(w_h.grad),  # type: ignore[arg-type]
        "dL_dWx": float(w_x.grad),  # type: ignore[arg-type]
        "dL_dWy": float(w_y.grad),  # type: ignore[arg-type]
    }


def _state_parts(state: State) -> list[torch.Tensor]:
    if state is None:
        return []
    return list(state) if isinstance(state, tuple) else [state]


def state_gradient_norms(
    model: CaesarRNN, cipher: torch.Tensor, target: torch.Tensor
) -> np.ndarray:
    """Mean over the batch of ||dL_T / ds_k||, indexed by distance d = T - k (0 .. T-1).

    L_T is the cross-entropy of the last position only; s_k is the full state after step k
    (every layer's h, and c too for an LSTM). The model must be unidirectional. cipher, target
    (B, T); returns (T,) with entry d for the state d steps before the end.
    """
    if model.config.layers != 1 or not model.config.recurrent:
        # With more layers h_k also reaches L_T through the layer above at step k, a path the
        # carried state does not see; one layer keeps dL_T/ds_k exact.
        raise ValueError("state_gradient_norms needs a one-layer recurrent model")
    state: State = None
    states: list[list[torch.Tensor]] = []
    for t in range(cipher.shape[1]):
        _, state = model.forward_with_state(cipher[:, t : t + 1], state)
        states.append(_state_parts(state))
    # The last logits from the state itself (same values as the step's output) so that the
    # gradient reaches s_T too. Summed over the batch: each example's gradient is its own.
    logits = model.head(states[-1][0][-1])  # (B, 26)
    loss = F.cross_entropy(logits, target[:, -1], ignore_index=IGNORE, reduction="sum")
    flat = [p for parts in states for p in parts]
    grads = torch.autograd.grad(loss, flat, allow_unused=True)
    n = len(states[0])
    norms = []
    for k in range(len(states)):
        sq = sum(
            (g if g is not None else torch.zeros_like(p)).pow(2).sum(dim=(0, 2))  # (B,)
            for g, p in zip(grads[k * n : (k + 1) * n], states[k], strict=True)
        )
        norms.append(float(torch.as_tensor(sq).sqrt().mean()))
    return np.asarray(norms[::-1])


@torch.no_grad()
def accuracy_by_position(
    model: CaesarRNN, cipher: torch.Tensor, target: torch.Tensor
) -> np.ndarray:
    """Share of letters right at each position: cipher, target (B, T) -> (T,), NaN where no
    letter (boundary positions only)."""
    model.eval()
    pred = model(cipher).argmax(-1)  # (B, T)
    mask = target != IGNORE
    ok = ((pred == target) & mask).sum(0).double()
    n = mask.sum(0).double()
    return (ok / n).numpy()  # 0/0 -> NaN


class SavedActivations:
    """Context manager: the peak of bytes autograd holds for backward while it is active.

    Tensors saved for the backward pass are counted once per storage while any graph holds them
    and released when the graph is freed (after ``backward``); parameters are left out, since they
    take the same memory however the sequence is cut. ``peak`` is the high-water mark in bytes.
    """

    def __init__(self, model: nn.Module) -> None:
        self.params = {p.untyped_storage().data_ptr() for p in model.parameters()}
        self.live: dict[int, list[int]] = {}  # storage pointer -> [bytes, references]
        self.current = 0
        self.peak = 0
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)

    def _release(self, ptr: int) -> None:
        entry = self.live[ptr]
        entry[1] -= 1
        if entry[1] == 0:
            self.current -= entry[0]
            del self.live[ptr]

    def _pack(self, t: torch.Tensor) -> Any:
        storage = t.untyped_storage()
        ptr = storage.data_ptr()
        holder = _Held(t)
        if ptr in self.params or storage.nbytes() == 0:
            return holder
        entry = self.live.setdefault(ptr, [storage.nbytes(), 0])
        if entry[1] == 0:
            self.current += entry[0]
            self.peak = max(self.peak, self.current)
        entry[1] += 1
        weakref.finalize(holder, self._release, ptr)
        return holder

    @staticmethod
    def _unpack(holder: Any) -> torch.Tensor:
        return holder.tensor

    def __enter__(self) -> SavedActivations:
        self._hooks.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._hooks.__exit__(exc_type, exc, tb)


class _Held:
    __slots__ = ("tensor", "__weakref__")

    def __init__(self, tensor: torch.Tensor) -> None:
        self.tensor = tensor
