"""Resumable training checkpoints, and the signal handling that writes one on Ctrl-C / SIGTERM.

A checkpoint is a folder (``OUT/checkpoint`` by default) of two files, no pickle anywhere:
``state-STEP.safetensors`` (model weights, optimizer moments, torch/NumPy RNG states) and
``state.json`` (format version, model and training config, scheduler and optimizer settings,
Python RNG state, the data order's position, and the tensor file's checksum). The JSON is renamed
into place last and names the tensor file it vouches for, so a kill at any moment leaves the
previous complete checkpoint or the new one.

The data order is reproduced, not stored: the JSON keeps the data RNG's state at the start of
the current epoch and how many of that epoch's batches are done; resuming redraws the epoch's
plan from that state and skips the batches already trained on. With the RNG states restored too,
a resumed CPU run ends with bit-identical weights to an uninterrupted one (tests/training/test_state.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from caesar_rnn.config import ModelConfig
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import atomic_write_bytes, atomic_write_text, sweep_stale
from caesar_rnn.schema import (
    POSITION,
    Field,
    check_format,
    check_model,
    check_object,
    read_json,
)

FORMAT = "caesar-rnn-train-state"
FORMAT_VERSION = 1
STATE = "state.json"
SUBDIR = "checkpoint"


class RunStopped(CaesarRNNError):
    """Training stopped before its model was saved; ``checkpoint`` is the folder that keeps its
    work (None if none was written), to resume from."""

    def __init__(self, message: str, checkpoint: Path | None = None) -> None:
        super().__init__(message)
        self.checkpoint = checkpoint


class TrainingInterrupted(RunStopped):
    """Ctrl-C or SIGTERM stopped training after a checkpoint was written."""

    def __init__(self, message: str, signum: int, checkpoint: Path | None = None) -> None:
        super().__init__(message, checkpoint)
        self.signum = signum


@dataclass
class Position:
    """Where a run stands: steps done, and the data order within the current epoch."""

    step: int = 0
    epoch_rng: dict[str, Any] | None = None  # data RNG state when the current epoch began
    batch: int = 0  # batches of the current epoch already trained on
    tokens: int = 0
    seconds: float = 0.0
    ema_loss: float | None = None
    ema_acc: float | None = None
    resumed: bool = field(default=False, compare=False)  # not saved: set when read back

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("resumed")
        return d

    def begin_epoch(self, rng: np.random.Generator) -> int:
        """Call before drawing an epoch's batches: on the first epoch after a resume, rewinds
        ``rng`` to that epoch's start and returns how many batches to skip; else records the state
        and returns 0."""
        if self.resumed:
            self.resumed = False
            if self.epoch_rng is not None:
                rng.bit_generator.state = self.epoch_rng
                return self.batch
        self.epoch_rng = dict(rng.bit_generator.state)
        self.batch = 0
        return 0


@dataclass
class Checkpoint:
    """A checkpoint as read from disk."""

    path: Path
    model: ModelConfig
    training: dict[str, Any]
    position: Position
    doc: dict[str, Any]
    tensors: dict[str, np.ndarray] = field(repr=False)


def find(path: str | Path) -> Path:
    """The checkpoint folder: ``path`` itself, or ``path/checkpoint`` (a model's output folder)."""
    p = Path(path)
    for cand in (p, p / SUBDIR):
        if (cand / STATE).is_file():
            return cand
    if not p.exists():
        raise CaesarRNNError(f"{p}: no such folder")
    raise CaesarRNNError(f"{p}: no checkpoint there ({STATE} missing)")


def file_digest(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _np(t: torch.Tensor) -> np.ndarray:
    return np.ascontiguousarray(t.detach().cpu().numpy())


class Checkpointer:
    """Saves and restores everything a run needs to continue exactly where it stopped."""

    def __init__(
        self,
        out: str | Path,
        model: nn.Module,
        opt: torch.optim.Optimizer,
        sched: Any,
        model_cfg: ModelConfig,
        training: dict[str, Any],
        data_digest: str,
        every: int = 0,
        write: bool = True,  # False on every rank but 0 under torchrun
        directory: Path | None = None,  # where a resumed checkpoint is (default OUT/checkpoint)
    ) -> None:
        self.dir = Path(out) / SUBDIR if directory is None else directory
        self.model = getattr(model, "module", model)  # DDP wraps the module
        self.opt, self.sched = opt, sched
        self.model_cfg, self.training = model_cfg, training
        self.data_digest = data_digest
        self.every = every
        self.write = write
        self.last_step: int | None = None

    def refuse_stale(self) -> None:
        """A fresh run must not overwrite an interrupted run's checkpoint without being told."""
        if (self.dir / STATE).is_file():
            raise CaesarRNNError(
                f"{self.dir} holds the checkpoint of an unfinished run: resume it, or delete that "
                "folder to start afresh"
            )

    def due(self, step: int, total: int) -> bool:
        return self.every > 0 and step % self.every == 0 and step < total

    def save(self, pos: Position) -> Path:
        """Write a checkpoint of the current state (after ``pos.step`` steps)."""
        from safetensors.numpy import save

        bad = [k for k, v in self.model.state_dict().items() if not torch.isfinite(v).all()]
        if bad:
            raise CaesarRNNError(
                f"weights became non-finite ({bad[0]}) by step {pos.step}; "
                + self.kept_message()
                + "; try a lower learning rate"
            )
        if not self.write:
            self.last_step = pos.step
            return self.dir
        tensors = {f"model.{k}": _np(v) for k, v in self.model.state_dict().items()}
        opt_state = self.opt.state_dict()
        for idx, st in opt_state["state"].items():
            for k, v in st.items():
                if not isinstance(v, torch.Tensor):
                    raise CaesarRNNError(f"optimizer state {k} is not a tensor")  # pragma: no cover
                tensors[f"optim.{idx}.{k}"] = _np(v)
        tensors["rng.torch"] = _np(torch.get_rng_state())
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            for i, s in enumerate(torch.cuda.get_rng_state_all()):
                tensors[f"rng.cuda.{i}"] = _np(s)
        np_state: Any = np.random.get_state()
        tensors["rng.numpy_keys"] = np.asarray(np_state[1], np.uint32)
        py_state = random.getstate()
        blob = save(tensors)
        name = f"state-{pos.step:09d}.safetensors"
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.dir / name, blob)
        doc = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "tensors": name,
            "tensors_sha256": hashlib.sha256(blob).hexdigest(),
            "model": self.model_cfg.to_dict(),
            "training": self.training,
            "data_sha256": self.data_digest,
            "position": pos.to_json(),
            "optimizer_groups": opt_state["param_groups"],
            "scheduler": self.sched.state_dict(),
            "rng_numpy": [np_state[0], int(np_state[2]), int(np_state[3]), float(np_state[4])],
            "rng_python": [py_state[0], list(py_state[1]), py_state[2]],
        }
        atomic_write_text(self.dir / STATE, json.dumps(doc, indent=1) + "\n")
        for old in self.dir.glob("state-*.safetensors"):
            if old.name != name:
                old.unlink(missing_ok=True)
        self.last_step = pos.step
        return self.dir

    def kept_message(self) -> str:
        if self.last_step is None:
            return "no checkpoint was written before it (see the checkpoint interval)"
        return f"the last good checkpoint (step {self.last_step}) is kept in {self.dir}"

    def restore(self, ckpt: Checkpoint) -> Position:
        """Load the checkpoint's weights, optimizer, scheduler and RNG states; returns where to
        go on from. Call after building model, optimizer and scheduler afresh."""
        if ckpt.doc.get("data_sha256") != self.data_digest:
            raise CaesarRNNError(
                f"{self.training.get('data')} has changed since {ckpt.path} was written; "
                "resuming needs the same data file"
            )
        t = ckpt.tensors
        try:
            self.model.load_state_dict(
                {k[6:]: torch.from_numpy(v.copy()) for k, v in t.items() if k.startswith("model.")}
            )
            state: dict[int, dict[str, torch.Tensor]] = {}
            for k, v in t.items():
                if k.startswith("optim."):
                    _, idx, name = k.split(".", 2)
                    state.setdefault(int(idx), {})[name] = torch.from_numpy(v.copy())
            groups = ckpt.doc["optimizer_groups"]
            for g in groups:
                if isinstance(g.get("betas"), list):
                    g["betas"] = tuple(g["betas"])
            self.opt.load_state_dict({"state": state, "param_groups": groups})
            self.sched.load_state_dict(ckpt.doc["scheduler"])
            torch.set_rng_state(torch.from_numpy(t["rng.torch"].copy()))
            cuda = [
                torch.from_numpy(t[f"rng.cuda.{i}"].copy())
                for i in range(16)
                if f"rng.cuda.{i}" in t
            ]
            if cuda and torch.cuda.is_available():
                torch.cuda.set_rng_state_all(cuda)
            kind, pos_, has_gauss, gauss = ckpt.doc["rng_numpy"]
            np.random.set_state((kind, t["rng.numpy_keys"], pos_, has_gauss, gauss))
            version, internal, gauss_next = ckpt.doc["rng_python"]
            random.setstate((version, tuple(internal), gauss_next))
        except (KeyError, ValueError, RuntimeError, TypeError) as exc:
            raise CaesarRNNError(f"{ckpt.path} does not fit this model: {exc}") from None
        self.last_step = ckpt.position.step
        ckpt.position.resumed = True
        return ckpt.position

    def finish(self) -> None:
        """The run is complete and its model saved: the checkpoint is no longer needed."""
        if not self.write or not self.dir.is_dir():
            return
        # The JSON goes first, so that a half-removed folder is never taken for a checkpoint.
        (self.dir / STATE).unlink(missing_ok=True)
        for p in self.dir.glob("state-*.safetensors"):
            p.unlink(missing_ok=True)
        sweep_stale(self.dir)  # a temporary left by a killed run would keep the folder
        with contextlib.suppress(OSError):
            self.dir.rmdir()


#: state.json, field by field (a hand edit is caught here, before anything is built from it).
STATE_FIELDS = {
    "format": Field("str"),
    "format_version": Field("int"),
    "tensors": Field("str", 1, 255),
    "tensors_sha256": Field("str", 64, 64),
    "model": Field("object"),
    "training": Field("scalars"),
    "position": Field("object"),
}


def _read_state(d: Path) -> dict[str, Any]:
    try:
        doc = read_json(d / STATE, "checkpoint")
    except FileNotFoundError:
        raise CaesarRNNError(f"{d / STATE} is not a valid checkpoint: missing") from None
    where = str(d / STATE)
    check_format(doc, where, FORMAT, FORMAT_VERSION, "caesar-rnn training checkpoint")
    check_object(doc, STATE_FIELDS, where, extra=True)
    check_model(doc["model"], where)
    check_object(doc["position"], POSITION, f"{where} position", extra=True)
    return doc


def load(path: str | Path) -> Checkpoint:
    """Read and check a checkpoint folder (or a model folder holding one)."""
    from safetensors.numpy import load as load_tensors

    d = find(path)
    doc = _read_state(d)
    name = doc.get("tensors")
    if not isinstance(name, str) or "/" in name or not name.endswith(".safetensors"):
        raise CaesarRNNError(f"{d / STATE} names no tensor file")
    try:
        blob = (d / name).read_bytes()
    except OSError as exc:
        raise CaesarRNNError(f"cannot read {d / name}: {exc.strerror}") from None
    if hashlib.sha256(blob).hexdigest() != doc.get("tensors_sha256"):
        raise CaesarRNNError(f"{d / name} does not match {STATE} (truncated or modified)")
    try:
        tensors = load_tensors(blob)
        model = ModelConfig.from_dict(doc["model"])
        training = dict(doc["training"])
        # The model goes beside the checkpoint where it is now, wherever it was written: OUT for
        # OUT/checkpoint, else a folder of the recorded name next to the moved checkpoint.
        stored = Path(str(training.get("out", "caesar-rnn-model")))
        training["out"] = str(d.parent if d.name == SUBDIR else d.parent / stored.name)
        position = Position(**doc["position"])
    except CaesarRNNError:
        raise
    except Exception as exc:  # safetensors raises its own error types
        raise CaesarRNNError(f"{d} is not a valid checkpoint: {exc}") from None
    return Checkpoint(d, model, training, position, doc, tensors)
