"""The key decode as a cascade, for speed on many short messages.

A small fast model (``models/fast``: a 1x64 bidirectional GRU, about a fifteenth of the default
model's arithmetic per letter) reads the first ``prefix`` tokens of every message of
``min_letters`` letters or more. Its key stands where it is decisive: its log-odds against the
other 25 shifts at ``min_logodds`` or more, and the whole message under that key reading as
English: its quadgram log10-likelihood per quadgram at least ``quadgram + short / (n - 3)`` for
n letters (stricter for short messages, whose wrong keys often read as English too; a check that
costs one table lookup per letter). The model it is paired with reads every other message as it
would without the cascade (whole, with its second reading). The thresholds are chosen on tuning
text outside every evaluation set (``scripts/tune_cascade.py``: Python's documentation prose),
where the fast stage accepts no wrong answer.

The pairing lives in the fast model's folder (``cascade.json``): it names the weights (sha256) of
the one model it was tuned against, so a model trained afresh never runs behind a fast stage
tuned for another.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.errors import CaesarRNNError

CASCADE = "cascade.json"
FORMAT = "caesar-rnn-cascade"
FORMAT_VERSION = 1


@dataclass
class Gate:
    """When the fast stage's key stands (see the module's doc)."""

    prefix: int = 24
    min_letters: int = 12
    min_logodds: float = 10.0
    quadgram: float = -6.0
    short: float = 10.0

    def decided(self, messages: list[str], letters: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """(N,) bool: the fast stage's key stands, from its prefix ``scores`` (N, 26)."""
        from caesar_rnn.decoding.scores import log_odds, quadgram_scores

        ok = (letters >= self.min_letters) & (log_odds(scores) >= self.min_logodds)
        ids = np.flatnonzero(ok)
        q = quadgram_scores([messages[i] for i in ids], scores[ids].argmax(axis=1))
        ok[ids] = q >= self.floor(letters[ids])
        return ok

    def floor(self, letters: np.ndarray) -> np.ndarray:
        """The quadgram score per quadgram a message of so many letters must reach."""
        return self.quadgram + self.short / np.maximum(letters - 3, 1)


@dataclass
class Cascade(Gate):
    fast: Any = None  # the fast stage's Backend (``caesar_rnn.decoding.backends``)


@dataclass
class CascadeSpec:
    """What ``cascade.json`` holds."""

    main_sha256: str  # weights of the model the fast stage runs in front of
    gate: Gate
    source: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        doc = {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}
        return json.dumps(doc, indent=1) + "\n"


def fast_model_dir() -> Path:
    from caesar_rnn.store import shipped_model_dir

    return shipped_model_dir().parent / "fast"


def read_spec(fast_dir: str | Path) -> CascadeSpec | None:
    """The fast stage's ``cascade.json``, or None when the folder has none."""
    path = Path(fast_dir) / CASCADE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaesarRNNError(f"{path} is not a valid cascade file: {exc}") from None
    try:
        if doc["format"] != FORMAT or doc["format_version"] != FORMAT_VERSION:
            raise ValueError("format")
        g = doc["gate"]
        gate = Gate(
            int(g["prefix"]),
            int(g["min_letters"]),
            float(g["min_logodds"]),
            float(g["quadgram"]),
            float(g["short"]),
        )
        spec = CascadeSpec(str(doc["main_sha256"]), gate, dict(doc.get("source", {})))
        if gate.prefix < 1 or gate.min_letters < 1 or len(spec.main_sha256) != 64:
            raise ValueError("range")
    except (KeyError, TypeError, ValueError):
        raise CaesarRNNError(
            f"{path} is not a cascade file of this caesar-rnn (format {FORMAT} version "
            f"{FORMAT_VERSION})"
        ) from None
    return spec


def load_cascade(model_dir: str | Path, fast_dir: str | Path | None = None) -> Cascade | None:
    """The fast stage for the model in ``model_dir`` (default: ``models/fast``), or None when
    there is none or it was tuned for other weights."""
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.store import CONFIG

    fast_dir = fast_model_dir() if fast_dir is None else Path(fast_dir)
    spec = read_spec(fast_dir)
    if spec is None or not (fast_dir / CONFIG).exists():
        return None
    # The model's config.json was read and checked when it was loaded; only its checksum here.
    main = json.loads((Path(model_dir) / CONFIG).read_text(encoding="utf-8"))
    if main.get("weights_sha256") != spec.main_sha256:
        return None
    return Cascade(**asdict(spec.gate), fast=load_backend(fast_dir, "cpu", cascade=False))
