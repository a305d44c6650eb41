"""Model outputs -> plaintext: the design sheet's argmax at every position, or a key-consistent
decode (one shift per message: the one with the highest summed log-probability of the 26), with a
confidence. Runs in NumPy on the CPU (no torch import) or in torch on a GPU.

Long messages are cut into windows of ``window`` tokens, decoded as one batch; the key decode
adds up the windows' scores, so the whole message still gets one key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from caesar_rnn.checkpoint import load_meta, load_torch_model, load_weights
from caesar_rnn.cipher import N_LETTERS, fill_letters, tokenize
from caesar_rnn.config import ModelConfig
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.infer import NumpyRNN

MODES = ("key", "argmax")
DEFAULT_MODE = "key"
WINDOW = 64
BATCH = 512
_SHIFTS = np.arange(N_LETTERS)


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def key_scores(logp: np.ndarray, cipher: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Summed log p(plaintext letter = cipher - s) over letter positions, for each shift s.
    logp (B, T, 26), cipher (B, T), mask (B, T) -> (B, 26)."""
    idx = (np.minimum(cipher, N_LETTERS - 1)[..., None] - _SHIFTS) % N_LETTERS  # (B, T, 26)
    picked = np.take_along_axis(logp, idx, axis=2)  # (B, T, 26)
    return (picked * mask[..., None]).sum(axis=1)


def softmax_max(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(argmax, its softmax probability) along the last axis."""
    best = scores.argmax(axis=-1)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return best, p.max(axis=-1) / p.sum(axis=-1)


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


@dataclass
class Decryption:
    ciphertext: str
    plaintext: str
    shift: int | None  # None: no letters to decide from
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "ciphertext": self.ciphertext,
            "plaintext": self.plaintext,
            "shift": self.shift,
            "confidence": round(self.confidence, 6),
        }


def _windows(tokens: list[int], window: int) -> list[list[int]]:
    return [tokens[i : i + window] for i in range(0, len(tokens), window)] or [[]]


def _run_windows(backend: Backend, wins: list[list[int]], batch: int) -> list[np.ndarray]:
    """Log-probabilities (T_i, 26) for each window, batched by equal length (no padding)."""
    out: list[np.ndarray] = [np.empty((0, N_LETTERS), np.float32)] * len(wins)
    by_len: dict[int, list[int]] = {}
    for i, w in enumerate(wins):
        if w:
            by_len.setdefault(len(w), []).append(i)
    for ids in by_len.values():
        for s in range(0, len(ids), batch):
            chunk = ids[s : s + batch]
            toks = np.asarray([wins[i] for i in chunk], np.int64)  # (B, T)
            logp = log_softmax(backend.logits(toks))  # (B, T, 26)
            for j, i in enumerate(chunk):
                out[i] = logp[j]
    return out


def decrypt_messages(
    messages: list[str],
    backend: Backend,
    mode: str = DEFAULT_MODE,
    window: int = WINDOW,
    batch: int = BATCH,
) -> list[Decryption]:
    """Decrypt each message on its own; case and non-letters are kept."""
    if mode not in MODES:
        raise CaesarRNNError(f"unknown decode mode {mode!r}: choose one of {', '.join(MODES)}")
    boundaries = backend.config.boundaries
    toks = [tokenize(m, boundaries) for m in messages]
    owner: list[int] = []
    wins: list[list[int]] = []
    for i, t in enumerate(toks):
        for w in _windows(t, window):
            owner.append(i)
            wins.append(w)
    logps = _run_windows(backend, wins, batch)
    scores = np.zeros((len(messages), N_LETTERS))
    letters: list[list[np.ndarray]] = [[] for _ in messages]
    argmax: list[list[np.ndarray]] = [[] for _ in messages]
    probs: list[list[np.ndarray]] = [[] for _ in messages]
    for i, w, logp in zip(owner, wins, logps, strict=True):
        c = np.asarray(w, np.int64)
        is_letter = c < N_LETTERS
        if not is_letter.any():
            continue
        c, logp = c[is_letter], logp[is_letter]
        scores[i] += key_scores(logp[None], c[None], np.ones((1, len(c)), bool))[0]
        letters[i].append(c)
        argmax[i].append(logp.argmax(axis=1))
        probs[i].append(np.exp(logp.max(axis=1)))
    results = []
    for i, msg in enumerate(messages):
        if not letters[i]:
            results.append(Decryption(msg, msg, None, 0.0))
            continue
        c = np.concatenate(letters[i])
        if mode == "key":
            best, conf = softmax_max(scores[i])
            k = int(best)
            plain = (c - k) % N_LETTERS
            confidence = float(conf)
        else:
            plain = np.concatenate(argmax[i])
            k = int(np.bincount((c - plain) % N_LETTERS, minlength=N_LETTERS).argmax())
            confidence = float(np.concatenate(probs[i]).mean())
        text = fill_letters(msg, "".join(chr(97 + int(x)) for x in plain))
        results.append(Decryption(msg, text, k, confidence))
    return results


def shift_scores(
    messages: list[str], backend: Backend, window: int = WINDOW, batch: int = BATCH
) -> np.ndarray:
    """The key decode's scores (B, 26): for each message and shift, the summed log-probability
    the model gives the plaintext under that shift (what ``--decode key`` takes the argmax of).
    Messages without letters score 0 for every shift."""
    boundaries = backend.config.boundaries
    owner: list[int] = []
    wins: list[list[int]] = []
    for i, m in enumerate(messages):
        for w in _windows(tokenize(m, boundaries), window):
            owner.append(i)
            wins.append(w)
    scores = np.zeros((len(messages), N_LETTERS))
    for i, w, logp in zip(owner, wins, _run_windows(backend, wins, batch), strict=True):
        c = np.asarray(w, np.int64)
        keep = c < N_LETTERS  # boundary tokens carry no letter to score
        if keep.any():
            scores[i] += key_scores(
                logp[keep][None], c[keep][None], np.ones((1, keep.sum()), bool)
            )[0]
    return scores


def decrypt_stream(
    lines: Iterable[str],
    backend: Backend,
    mode: str = DEFAULT_MODE,
    chunk: int = 4096,
    window: int = WINDOW,
    max_chars: int = 1 << 20,
) -> Iterator[Decryption]:
    """Decrypt line by line in bounded memory: ``chunk`` lines at a time, or fewer once they
    hold ``max_chars`` characters (4096 lines of a megabyte each would be 4 GB), in input order."""
    buf: list[str] = []
    chars = 0
    for line in lines:
        buf.append(line)
        chars += len(line)
        if len(buf) >= chunk or chars >= max_chars:
            yield from decrypt_messages(buf, backend, mode, window)
            buf, chars = [], 0
    if buf:
        yield from decrypt_messages(buf, backend, mode, window)
