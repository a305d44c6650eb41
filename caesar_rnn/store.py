"""Model directories: ``model.safetensors`` (weights) + ``config.json`` (format version, alphabet,
model config, training config, final metrics, weights checksum).

Nothing is ever unpickled: safetensors holds only raw tensors, and the JSON is plain data. Loading
checks the format, the alphabet, the checksum and every weight's shape against the config, so a
truncated, tampered or foreign file gives a clear error instead of a wrong model. Reading needs
only NumPy; torch is imported only to save from, or load into, a torch model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.cipher import ALPHABET
from caesar_rnn.config import DEFAULT_TRAIN_DIR, ModelConfig
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import atomic_write_bytes, atomic_write_text

FORMAT = "caesar-rnn-model"
FORMAT_VERSION = 1
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
#: DEFAULT_TRAIN_DIR (config.py): where `caesar-rnn train` writes by default, and where
#: `decrypt` looks first.
__all__ = ["DEFAULT_TRAIN_DIR", "ModelMeta"]


@dataclass
class ModelMeta:
    model: ModelConfig
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


def shipped_model_dir() -> Path:
    return Path(str(resources.files("caesar_rnn").joinpath("models", "default")))


#: The name that always means the shipped model (``--model shipped``); ``./shipped`` is a folder.
SHIPPED = "shipped"


def resolve_model_dir(model: str | Path | None) -> Path:
    """A model directory as given; ``"shipped"``: the model in the package; None:
    ./caesar-rnn-model if it holds a model, else the shipped one."""
    if model is not None and str(model) != SHIPPED:
        path = Path(model)
        if not path.exists():
            raise CaesarRNNError(f"model directory {path} does not exist")
        if not path.is_dir():
            raise CaesarRNNError(f"model {path} is not a directory")
        return path
    local = Path(DEFAULT_TRAIN_DIR)
    if model is None and (local / CONFIG).is_file():
        return local
    shipped = shipped_model_dir()
    if not (shipped / CONFIG).is_file():
        raise CaesarRNNError("no model found: train one with `caesar-rnn train` or `make model`")
    return shipped


def save_model(
    out_dir: str | Path,
    tensors: dict[str, Any],
    meta: ModelMeta,
) -> None:
    """Write weights, then the config that vouches for them (with their checksum)."""
    from safetensors.numpy import save

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CaesarRNNError(f"{out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    arrays = {
        k: np.ascontiguousarray(v.detach().cpu().numpy() if hasattr(v, "detach") else v)
        for k, v in tensors.items()
    }
    blob = save(arrays)
    atomic_write_bytes(out / WEIGHTS, blob)
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "alphabet": ALPHABET,
        "model": meta.model.to_dict(),
        "training": meta.training,
        "metrics": meta.metrics,
        "weights_sha256": hashlib.sha256(blob).hexdigest(),
    }
    atomic_write_text(out / CONFIG, json.dumps(doc, indent=2, sort_keys=True) + "\n")


def load_meta(model_dir: str | Path) -> ModelMeta:
    path = Path(model_dir) / CONFIG
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CaesarRNNError(f"{model_dir} holds no model ({CONFIG} missing)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaesarRNNError(f"{path} is not a valid model config: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CaesarRNNError(f"{path} is not a caesar-rnn model config")
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        raise CaesarRNNError(
            f"{path} has format version {version}; this caesar-rnn reads version {FORMAT_VERSION}"
        )
    if doc.get("alphabet") != ALPHABET:
        raise CaesarRNNError(f"{path} was trained on another alphabet: {doc.get('alphabet')!r}")
    if not isinstance(doc.get("model"), dict):
        raise CaesarRNNError(f"{path} has no model section")
    return ModelMeta(
        ModelConfig.from_dict(doc["model"]), doc.get("training", {}), doc.get("metrics", {})
    )


def load_weights(model_dir: str | Path, config: ModelConfig) -> dict[str, np.ndarray]:
    """The weights as NumPy arrays, checked against the config's shapes and the checksum."""
    from safetensors.numpy import load

    path = Path(model_dir) / WEIGHTS
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise CaesarRNNError(f"{model_dir} holds no weights ({WEIGHTS} missing)") from None
    except OSError as exc:
        raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None
    doc = json.loads((Path(model_dir) / CONFIG).read_text(encoding="utf-8"))
    expected_sha = doc.get("weights_sha256")
    if expected_sha and hashlib.sha256(blob).hexdigest() != expected_sha:
        raise CaesarRNNError(f"{path} does not match its config (truncated or modified)")
    try:
        weights = load(blob)
    except Exception as exc:  # safetensors raises its own error types
        raise CaesarRNNError(f"{path} is not a valid safetensors file: {exc}") from None
    want = config.weight_shapes()
    if set(weights) != set(want):
        missing, extra = set(want) - set(weights), set(weights) - set(want)
        raise CaesarRNNError(
            f"{path} does not fit its config (missing {sorted(missing)[:3]}, extra {sorted(extra)[:3]})"
        )
    for k, shape in want.items():
        if tuple(weights[k].shape) != shape:
            raise CaesarRNNError(f"{path}: {k} has shape {tuple(weights[k].shape)}, want {shape}")
        if weights[k].dtype != np.float32:
            raise CaesarRNNError(f"{path}: {k} is {weights[k].dtype}, want float32")
    return weights


def load_torch_model(model_dir: str | Path, device: str = "cpu") -> Any:
    """A ``CaesarRNN`` with the directory's weights, on ``device``."""
    import torch

    from caesar_rnn.nn.model import CaesarRNN

    meta = load_meta(model_dir)
    weights = load_weights(model_dir, meta.model)
    model = CaesarRNN(meta.model)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()})
    return model.to(device).eval()
