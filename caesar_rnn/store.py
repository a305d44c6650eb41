"""Model directories: ``model.safetensors`` (weights) + ``config.json`` (format version, alphabet,
model config, training config, final metrics, weights checksum).

Nothing is ever unpickled: safetensors holds only raw tensors, and the JSON is plain data. Loading
checks the format, the alphabet, the checksum and every weight's shape against the config, so a
truncated, tampered or foreign file gives a clear error instead of a wrong model. Reading needs
only NumPy; torch is imported only to save from, or load into, a torch model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.cipher import ALPHABET
from caesar_rnn.config import DEFAULT_TRAIN_DIR, ModelConfig
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import (
    TMP_PREFIX,
    atomic_write_bytes,
    atomic_write_text,
    fsync_dir,
    sweep_stale,
    temp_prefix,
    umask,
)
from caesar_rnn.schema import Field, check_format, check_model, check_object, read_json

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


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; a path that cannot be looked at (a symlink loop, no
    permission) is a clear error, never "does not exist"."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except FileNotFoundError:
        raise CaesarRNNError(f"model directory {path} does not exist") from None
    except OSError as exc:
        raise CaesarRNNError(f"cannot open model directory {path}: {exc.strerror}") from None


def _holds_config(folder: Path) -> bool:
    """Whether ``folder`` holds a config; one that is there but cannot be read (a mode-000
    folder) is a clear error rather than passed over."""
    try:
        os.stat(folder / CONFIG)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise CaesarRNNError(f"cannot open model directory {folder}: {exc.strerror}") from None
    return True


def resolve_model_dir(model: str | Path | None) -> Path:
    """A model directory as given; ``"shipped"``: the model in the package; None:
    ./caesar-rnn-model if it holds a model, else the shipped one."""
    if model is not None and str(model) != SHIPPED:
        path = Path(model)
        if not _is_dir(path):
            raise CaesarRNNError(f"model {path} is not a directory")
        return path
    local = Path(DEFAULT_TRAIN_DIR)
    if model is None and _holds_config(local):
        return local
    shipped = shipped_model_dir()
    if not (shipped / CONFIG).is_file():
        raise CaesarRNNError("no model found: train one with `caesar-rnn train` or `make model`")
    return shipped


def _write_model_files(folder: Path, blob: bytes, doc: dict[str, Any]) -> None:
    atomic_write_bytes(folder / WEIGHTS, blob)
    atomic_write_text(folder / CONFIG, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    fsync_dir(folder)


def _holds_model(folder: Path) -> bool:
    return any(os.path.lexists(folder / name) for name in (WEIGHTS, CONFIG))


def save_model(
    out_dir: str | Path,
    tensors: dict[str, Any],
    meta: ModelMeta,
    force: bool = True,
) -> None:
    """Publish the model directory whole: weights and the config that vouches for them (with
    their checksum) are written into a temporary folder beside ``out_dir``, synced, and then
    renamed onto it in one step, so a reader (or a kill) sees the old model or the new one,
    never new weights under an old config. An existing model is replaced only with ``force``;
    anything else the old folder held (a checkpoint, a lock) is moved into the new one."""
    from safetensors.numpy import save

    out = Path(out_dir)
    if out.is_symlink():  # publish where it points: the link itself stays
        out = Path(os.path.realpath(out))
    if os.path.lexists(out) and not out.is_dir():
        raise CaesarRNNError(f"{out} exists and is not a directory")
    if not force and out.is_dir() and _holds_model(out):
        raise CaesarRNNError(f"{out} already holds a model (use --force to replace it)")
    arrays = {
        k: np.ascontiguousarray(v.detach().cpu().numpy() if hasattr(v, "detach") else v)
        for k, v in tensors.items()
    }
    blob = save(arrays)
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "alphabet": ALPHABET,
        "model": meta.model.to_dict(),
        "training": meta.training,
        "metrics": meta.metrics,
        "weights_sha256": hashlib.sha256(blob).hexdigest(),
    }
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(parent)
        tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(out.name), dir=parent))
    except OSError as exc:
        raise CaesarRNNError(f"cannot write {out}: {exc.strerror}") from None
    try:
        os.chmod(tmp, 0o777 & ~umask())
        _write_model_files(tmp, blob, doc)
        publish_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def publish_dir(new: Path, out: Path) -> None:
    """Put the finished folder ``new`` at ``out`` in one rename. ``out`` absent or empty: a plain
    rename. Otherwise the two are swapped atomically (Linux ``renameat2(RENAME_EXCHANGE)``), the
    old folder's other entries moved into the new one, and the old model removed."""
    try:
        if not _exchange(new, out):
            os.rename(new, out)  # out absent (or an empty folder)
        else:
            _adopt_extras(new, out)  # ``new`` now holds the old folder
            shutil.rmtree(new, ignore_errors=True)
    except OSError as exc:
        raise CaesarRNNError(f"cannot write {out}: {exc.strerror}") from None
    fsync_dir(out.parent if str(out.parent) else ".")


#: Files of an old model folder that belong to its weights: not carried into the new one.
OWN_FILES = (WEIGHTS, CONFIG, "calibration.json")


def _adopt_extras(old: Path, out: Path) -> None:
    for entry in os.listdir(old):
        if entry not in OWN_FILES and not entry.startswith(TMP_PREFIX):
            with contextlib.suppress(OSError):
                os.rename(old / entry, out / entry)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False when ``b`` does not exist or is empty (a plain
    rename does then). Where the system cannot swap, the old folder is moved aside first, under
    a temporary name (the only non-atomic case)."""
    if not os.path.isdir(b) or not os.listdir(b):
        return False
    swap = 2  # RENAME_EXCHANGE
    if _renameat2 is not None and _renameat2(-100, os.fsencode(a), -100, os.fsencode(b), swap) == 0:
        return True
    aside = b.parent / f".caesar-rnn-old-{os.getpid()}-{b.name}"  # never swept: the old model
    os.rename(b, aside)
    try:
        os.rename(a, b)
    except OSError:
        os.rename(aside, b)
        raise
    os.rename(aside, a)
    return True


def _load_renameat2() -> Any:
    try:
        import ctypes

        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # pragma: no cover - not glibc >= 2.28
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn


_renameat2 = _load_renameat2()


def load_meta(model_dir: str | Path) -> ModelMeta:
    doc = _read_config(model_dir)
    return ModelMeta(
        ModelConfig.from_dict(doc["model"]), doc.get("training", {}), doc.get("metrics", {})
    )


#: config.json, field by field (``format`` and ``format_version`` are checked first).
CONFIG_FIELDS = {
    "format": Field("str"),
    "format_version": Field("int"),
    "alphabet": Field("str", 0, 1000),
    "model": Field("object"),
    "training": Field("object", required=False),
    "metrics": Field("object", required=False),
    "weights_sha256": Field("str", 64, 64, required=False),
}


def _read_config(model_dir: str | Path) -> dict[str, Any]:
    path = Path(model_dir) / CONFIG
    try:
        doc = read_json(path, "model config")
    except FileNotFoundError:
        raise CaesarRNNError(f"{model_dir} holds no model ({CONFIG} missing)") from None
    check_format(doc, str(path), FORMAT, FORMAT_VERSION, "caesar-rnn model config")
    if doc.get("alphabet") != ALPHABET:
        raise CaesarRNNError(f"{path} was trained on another alphabet: {doc.get('alphabet')!r}")
    if not isinstance(doc.get("model"), dict):
        raise CaesarRNNError(f"{path} has no model section")
    check_object(doc, CONFIG_FIELDS, str(path), extra=True)  # fields of later versions: unused
    check_model(doc["model"], str(path))
    return doc


def load_weights(model_dir: str | Path, config: ModelConfig) -> dict[str, np.ndarray]:
    """The weights as NumPy arrays, checked against the config's shapes and the checksum, and
    finite (NaN or inf weights would decrypt to nonsense with a NaN confidence)."""
    from safetensors.numpy import load

    path = Path(model_dir) / WEIGHTS
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise CaesarRNNError(f"{model_dir} holds no weights ({WEIGHTS} missing)") from None
    except OSError as exc:
        raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None
    expected_sha = _read_config(model_dir).get("weights_sha256")
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
        if not np.isfinite(weights[k]).all():
            raise CaesarRNNError(f"{path}: {k} holds NaN or infinite values")
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
