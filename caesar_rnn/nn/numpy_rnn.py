"""The model's forward pass in NumPy, for decryption without importing torch.

It reads the same weights (torch's names and gate order) and agrees with ``model.CaesarRNN`` to
float32 rounding (tests/nn/test_model.py). A GRU or LSTM step is a few matrix products, and NumPy
starts in a fraction of the second that ``import torch`` takes.

Arrays are time-major inside (T, B, ...), so each step reads and writes contiguous (B, H) rows.
The weights are rearranged once at load: the first layer's input product becomes a row lookup
(its input is one-hot), the biases that can be are folded into the input projection, and the
sigmoid gates' rows are halved so that sigmoid(x) = (tanh(x/2) + 1) / 2 needs no extra product.
Halving is exact in floating point, so this changes no result beyond summation order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.config import GATES, ModelConfig

Array = np.ndarray


class _Direction:
    """One direction of one recurrent layer, with its weights in the layout the loop wants."""

    def __init__(self, cfg: ModelConfig, w: dict[str, Array], name: str) -> None:
        H, arch = cfg.hidden, cfg.arch
        w_ih, w_hh = w[f"rnn.weight_ih_{name}"].copy(), w[f"rnn.weight_hh_{name}"].copy()
        b_ih, b_hh = w[f"rnn.bias_ih_{name}"].copy(), w[f"rnn.bias_hh_{name}"].copy()
        # torch's gate order: GRU r, z, n; LSTM i, f, g, o. Sigmoid gates get halved rows.
        sig = {"gru": [0, 1], "lstm": [0, 1, 3], "rnn": []}[arch]
        scale = np.ones(GATES[arch] * H, np.float32)
        for g in sig:
            scale[g * H : (g + 1) * H] = 0.5
        self.bhh_n = np.zeros(H, np.float32)  # (H,): GRU only
        if arch == "gru":
            # r * (W_hn h + b_hn) keeps b_hn inside the product; the r and z biases fold in.
            self.bhh_n = b_hh[2 * H :].copy()
            b_hh[2 * H :] = 0.0
        bias = (b_ih + b_hh) * scale  # (G*H,)
        self.w_in = (w_ih * scale[:, None]).T.copy()  # (in, G*H)
        self.b_in = bias
        G = GATES[arch]
        # Gate-major (G, H, H): each gate's product lands in its own contiguous (B, H) block;
        # element-wise ops on column slices of a (B, G*H) array measured 3-6x slower.
        self.w_g = (w_hh * scale[:, None]).reshape(G, H, H).transpose(0, 2, 1).copy()
        self.H, self.G, self.arch = H, G, arch

    def table(self) -> Array:
        """Input projection of every one-hot symbol, bias included, gate-major: (G, V, H), so
        that one row lookup gives the (G, T, B, H) layout ``run`` reads."""
        V = self.w_in.shape[0]
        return (self.w_in + self.b_in).reshape(V, self.G, self.H).transpose(1, 0, 2).copy()

    def run(self, xg: Array, out: Array, reverse: bool, active: Array | None) -> None:
        """Run over the input projections xg (G, T, B, H) (any strides; each (B, H) block
        contiguous in its rows), writing hidden states into out (T, B, H).
        ``active`` (T, B, 1) float marks real steps; a reversed run keeps its state at zero over
        a message's padding, so it starts at each message's own last letter."""
        _, T, B, H = xg.shape
        w = self.w_g
        h = np.zeros((B, H), np.float32)
        c = np.zeros((B, H), np.float32) if self.arch == "lstm" else None
        for t in range(T - 1, -1, -1) if reverse else range(T):
            ht = out[t]  # (B, H)
            if self.arch == "gru":
                rz = np.matmul(h, w[:2])  # (2, B, H)
                rz += xg[:2, t]
                np.tanh(rz, out=rz)
                rz += 1.0
                rz *= 0.5  # r, z
                # The n gate's recurrent part is scaled by r before its input part joins.
                hn = h @ w[2]  # (B, H)
                hn += self.bhh_n
                hn *= rz[0]
                hn += xg[2, t]
                np.tanh(hn, out=hn)  # n
                np.subtract(h, hn, out=ht)
                ht *= rz[1]
                ht += hn  # h' = n + z * (h - n)
            elif self.arch == "lstm":
                assert c is not None
                g = np.matmul(h, w)  # (4, B, H)
                g += xg[:, t]
                np.tanh(g, out=g)
                g[:2] += 1.0
                g[:2] *= 0.5  # i, f
                g[3] += 1.0
                g[3] *= 0.5  # o
                c *= g[1]
                c += g[0] * g[2]
                np.tanh(c, out=ht)
                ht *= g[3]
            else:
                np.add(h @ w[0], xg[0, t], out=ht)
                np.tanh(ht, out=ht)
            if active is not None and reverse:
                ht *= active[t]
                if c is not None:
                    c *= active[t]
            h = ht


def rotate_to_a(tokens: Array) -> Array:
    """Shift every row's letters so that its first letter is 'a' (0); boundary tokens stay.
    tokens (B, T) -> (B, T). The same as ``model.rotate_to_a`` in torch."""
    tokens = tokens.astype(np.int64)  # unsigned tokens would wrap below zero
    is_letter = tokens < N_LETTERS
    first = is_letter.argmax(axis=1)  # (B,) first letter's position
    rot = tokens[np.arange(len(tokens)), first] % N_LETTERS  # (B,)
    return np.where(is_letter, (tokens - rot[:, None]) % N_LETTERS, tokens)


class NumpyRNN:
    #: The key decode's fast stage, set by ``decoding.backends.load_backend`` (None: no cascade).
    cascade: Any = None
    #: Tokens per forward pass (``decoding.scores.score_windows``): with 4,096 a batch's
    #: activations stay in the caches; 16,384 (enough for a GPU) read 15-20 % slower here, both
    #: models, the same logits to the bit (experiments/speed/README.md).
    batch_tokens = 4096

    def __init__(self, config: ModelConfig, weights: dict[str, Array]) -> None:
        self.config = config
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in weights.items()}
        # Pre-transposed for row-major (B, in) @ (in, G*H) products.
        self.wt = {k: v.T.copy() for k, v in self.w.items() if v.ndim == 2}
        self.dirs: list[list[_Direction]] = []
        self.tables: list[Array] = []
        if config.recurrent:
            for layer in range(config.layers):
                names = [f"l{layer}{s}" for s in ("", "_reverse")[: config.directions]]
                self.dirs.append([_Direction(config, self.w, n) for n in names])
            self.tables = [d.table() for d in self.dirs[0]]  # (G, V, H) each

    def logits(self, tokens: Array, lengths: Array | None = None) -> Array:
        """tokens (B, T) int -> logits (B, T, 26). Positions at or past ``lengths`` are padding:
        they never influence valid positions, in either direction."""
        cfg = self.config
        B, T = tokens.shape
        if cfg.canonical:
            tokens = rotate_to_a(tokens)
        if not cfg.recurrent:
            x = np.eye(cfg.input_size, dtype=np.float32)[tokens]  # (B, T, V) one-hot
            for layer in range(cfg.layers):
                w, b = self.wt[f"mlp.{2 * layer}.weight"], self.w[f"mlp.{2 * layer}.bias"]
                x = np.maximum(x @ w + b, 0.0)  # (B, T, H)
            return x @ self.wt["head.weight"] + self.w["head.bias"]  # (B, T, 26)
        active = None
        if lengths is not None and bool((np.asarray(lengths) != T).any()):
            steps = np.arange(T)[:, None]  # (T, 1)
            active = (steps < np.asarray(lengths)[None, :]).astype(np.float32)[..., None]
        tok_tm = np.ascontiguousarray(np.asarray(tokens).T)  # (T, B)
        xs: list[Array] = []  # the previous layer's outputs, one (T, B, H) per direction
        for layer, dirs in enumerate(self.dirs):
            outs = []
            for d, direction in enumerate(dirs):
                if layer == 0:
                    xg = self.tables[d][:, tok_tm]  # (G, T, B, H): one-hot @ W is a row lookup
                else:
                    xw = _project(xs, direction.w_in, direction.b_in)  # (T, B, G*H)
                    G, H = direction.G, direction.H
                    # Gate-major and contiguous: each step's (B, H) blocks are read whole.
                    xg = xw.reshape(T, B, G, H).transpose(2, 0, 1, 3).copy()  # (G, T, B, H)
                out = np.empty((T, B, cfg.hidden), np.float32)  # (T, B, H)
                direction.run(xg, out, d == 1, active)
                outs.append(out)
            xs = outs
        y = _project(xs, self.wt["head.weight"], self.w["head.bias"])  # (T, B, 26)
        return np.ascontiguousarray(y.transpose(1, 0, 2))  # (B, T, 26)


def _project(xs: list[Array], w: Array, b: Array) -> Array:
    """concat(xs, axis=-1) @ w + b without the concatenation: one product per direction, each
    over contiguous (T, B, H) states (a strided view would fall off BLAS's fast path)."""
    T, B, H = xs[0].shape
    # 2-D operands: one GEMM call, where a 3-D @ 2-D product would loop over T.
    y = xs[0].reshape(T * B, H) @ w[:H]  # (T*B, out)
    for i, x in enumerate(xs[1:], 1):
        y += x.reshape(T * B, H) @ w[i * H : (i + 1) * H]
    y += b
    return y.reshape(T, B, -1)
