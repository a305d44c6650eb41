"""The training core: set-up, one step, the loop, the end (checkpoint, validation, save), as the
methods of a small ``Trainer`` with callbacks, so an experiment can plug in a loss
(``trainer.loss_fn``), a data transform (``trainer.batch_fn``) or a probe
(``trainer.add_callback("on_batch_end", fn)``) instead of copying the loop.

Knows nothing of the CLI: ``train(model_config, train_config)`` returns the validation metrics and
leaves a model directory (see store.py) behind. It never changes the configs it is given: the
automatic settings (word boundaries, canonical input, bf16 where native) go into new ones.
"""

from __future__ import annotations

import math
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, nullcontext
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.config import DEFAULT_DATA, RECIPE_KEY, ModelConfig, TrainConfig
from caesar_rnn.data.dataset import IGNORE, Pairs, TokenData, has_boundaries, read_pairs
from caesar_rnn.devices import resolve_device
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import exclusive_lock
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.tbptt import tbptt_backward
from caesar_rnn.signals import Interrupted, interruptible, trap_signals
from caesar_rnn.store import ModelMeta, save_model
from caesar_rnn.training.distributed import DistContext, session, steps_per_rank
from caesar_rnn.training.options import check_options
from caesar_rnn.training.output import ModelExists, SafeStream, check_out
from caesar_rnn.training.schedule import lr_lambda, set_seed, split_indices
from caesar_rnn.training.state import (
    Checkpoint,
    Checkpointer,
    Position,
    RunStopped,
    TrainingInterrupted,
    file_digest,
)
from caesar_rnn.training.state import load as load_checkpoint
from caesar_rnn.training.validation import VAL_BUCKETS, held_out_metrics

__all__ = ["DEFAULT_DATA", "EVENTS", "VAL_BUCKETS", "ModelExists", "TrainConfig", "Trainer",
           "check_options", "held_out_metrics", "lr_lambda", "resume_trainer", "resume_training",
           "set_seed", "split_indices", "train"]  # fmt: skip

#: When callbacks run: each gets the trainer, whose attributes say where the run stands.
EVENTS = ("on_train_start", "on_batch_start", "on_batch_end", "on_train_end")
Callback = Callable[["Trainer"], None]
LossFn = Callable[["Trainer", torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]
BatchFn = Callable[["Trainer", torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


def cross_entropy(
    trainer: Trainer, logits: torch.Tensor, cipher: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """The default loss: mean per-letter cross-entropy. logits (B, T, 26), target (B, T)."""
    return F.cross_entropy(
        logits.float().reshape(-1, N_LETTERS), target.reshape(-1), ignore_index=IGNORE
    )


class Trainer:
    """One training run. ``run()`` does it all; ``setup``, ``step``, ``loop`` and ``finish`` are
    its seams. After ``setup``: ``model``, ``opt``, ``sched``, ``train_data``, ``val_data``,
    ``model_cfg`` (the derived config), ``total`` steps; during the loop ``pos`` (``pos.step``
    steps done), ``loss``, ``logits``, ``cipher`` and ``target`` of the current batch."""

    def __init__(self, model_cfg: ModelConfig, cfg: TrainConfig, checkpoint: Checkpoint | None = None,
                 replace_model: bool = False, recipe: dict[str, str] | None = None) -> None:  # fmt: skip
        self.model_cfg, self.cfg = model_cfg, check_options(model_cfg, cfg)
        self.checkpoint, self.replace_model = checkpoint, replace_model
        # Saved with the model and its checkpoints: the settings, and the recipe they came from.
        self.settings = self.cfg.settings() | ({RECIPE_KEY: recipe} if recipe else {})
        self.out = Path(self.cfg.out)
        self.callbacks: dict[str, list[Callback]] = defaultdict(list)
        self.loss_fn: LossFn = cross_entropy
        self.batch_fn: BatchFn | None = None
        self.stderr = SafeStream(sys.stderr)
        self.signals: list[int] = []
        self.metrics: dict[str, Any] = {}
        self.ctx = DistContext()  # set by run(): where this process stands under torchrun
        self.first_loss: float | None = None
        self.messages = 0

    def add_callback(self, event: str, fn: Callback) -> None:
        if event not in EVENTS:
            raise CaesarRNNError(f"unknown event {event!r}: choose one of {', '.join(EVENTS)}")
        self.callbacks[event].append(fn)

    def fire(self, event: str) -> None:
        for fn in self.callbacks[event]:
            fn(self)

    def log(self, message: str) -> None:
        if self.cfg.progress and self.ctx.is_main:
            self.stderr.write(message + "\n")

    def run(self) -> dict[str, Any]:
        """Train and save; returns the final metrics (empty on ranks other than 0)."""
        check_out(self.out, self.replace_model, self.checkpoint is not None)
        lock = self.out.parent / f".{self.out.resolve().name}.lock"
        device = resolve_device(self.cfg.device)
        with ExitStack() as stack:
            self.ctx = stack.enter_context(session(device))
            if self.ctx.is_main:
                stack.enter_context(exclusive_lock(lock, str(self.out)))
            self.setup()
            # From here on a signal is only recorded: the loop saves and stops at the next step.
            self.signals = stack.enter_context(trap_signals())
            self.fire("on_train_start")
            self.loop()
            self.finish()
            self.fire("on_train_end")
        return self.metrics

    def calibrate(self) -> dict[str, Any] | None:
        """After ``run``: fit the saved model's calibration table (``decoding.fitting``), on
        rank 0, unless ``cfg.calibrate`` is off or the data has one key; returns what was fitted
        (also ``metrics["calibration"]``). Signals act again here: an interrupted fit raises
        ``TrainingInterrupted`` and leaves the model as saved, without a table."""
        from caesar_rnn.decoding.fitting import FitOptions, calibrate_model

        if not (self.ctx.is_main and self.cfg.calibrate):
            return None
        if not self.cfg.reshift and len(set(self.pairs.shifts)) <= 1:
            self.log("not calibrated: the data has one key (the tuning text has all 26)")
            return None
        t = time.perf_counter()
        self.log("calibrating its confidence on tuning prose (--no-calibrate: skip)")
        opts = FitOptions(per_length=self.cfg.calibrate_per_length, extra={"by": "train"})
        try:
            with interruptible():
                cal, _ = calibrate_model(self.out, opts)
        except Interrupted as exc:  # the model stands as saved, without a table
            raise TrainingInterrupted(
                f"{exc} while calibrating: the model is saved in {self.out}, without a "
                f"calibration table; fit one with `python -m caesar_rnn.decoding.fitting "
                f"{self.out}`",
                exc.signum,
            ) from None
        self.metrics["calibration"] = {
            "messages": cal.source["messages"],
            "exact": cal.source["exact"],
            "seconds": round(time.perf_counter() - t, 1),
        }
        return self.metrics["calibration"]

    def derive_model_config(self, pairs: Pairs) -> ModelConfig:
        """The model config with the automatic settings applied (a new one; the given one stays)."""
        m, cfg = self.model_cfg, self.cfg
        if cfg.auto_boundaries and not m.boundaries and has_boundaries(pairs.plaintexts):
            self.log("note: data has word boundaries; the model will see them")
            m = replace(m, boundaries=True)
        if cfg.auto_canonical and not cfg.tbptt and len(set(pairs.shifts)) > 1:
            if not m.canonical:
                self.log("note: data uses several keys; the model reads canonical input")
            m = replace(m, canonical=True)
        return m

    def setup(self) -> None:
        cfg, ctx = self.cfg, self.ctx
        if cfg.tbptt and ctx.enabled:
            raise CaesarRNNError("truncated BPTT runs in one process")
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        set_seed(cfg.seed)
        pairs = read_pairs(cfg.data)
        self.model_cfg = self.derive_model_config(pairs)
        train_idx, val_idx = split_indices(len(pairs), cfg.val_fraction, cfg.max_val, cfg.seed)
        self.pairs, self.val_idx = pairs, val_idx
        self.train_data = TokenData(pairs, self.model_cfg.boundaries, train_idx)
        self.val_data = TokenData(pairs, self.model_cfg.boundaries, val_idx)
        self.build_model()
        self.saver = Checkpointer(
            self.out, self.model, self.opt, self.sched, self.model_cfg, self.settings,
            file_digest(cfg.data), cfg.checkpoint_every, write=ctx.is_main,
            directory=self.checkpoint.path if self.checkpoint else None,
        )  # fmt: skip
        if self.checkpoint is None:
            self.saver.refuse_stale()
            self.pos = Position()
        else:
            self.pos = self.saver.restore(self.checkpoint)

    def build_model(self) -> None:
        cfg, ctx = self.cfg, self.ctx
        self.model = CaesarRNN(self.model_cfg).to(ctx.device)
        self.net = ctx.wrap(self.model)  # DDP under torchrun; `model` stays bare for eval/saving
        if cfg.compile:
            self.net = torch.compile(self.net)  # type: ignore[assignment]
        if ctx.rank > 0:
            torch.manual_seed(cfg.seed + ctx.rank)  # own dropout masks; DDP synced the weights
        self.opt = torch.optim.AdamW(
            self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay
        )
        n_batches = sum(math.ceil(len(a) / cfg.batch_size) for a in self.train_data.plain.values())
        self.per_epoch = steps_per_rank(n_batches, ctx.world)
        if self.per_epoch < 1:
            raise CaesarRNNError(
                f"too few training pairs for {ctx.world} processes of one batch each"
            )
        self.total = cfg.steps if cfg.steps is not None else self.per_epoch * cfg.epochs
        total, warmup = self.total, cfg.warmup
        self.sched = torch.optim.lr_scheduler.LambdaLR(
            self.opt, lambda s: lr_lambda(s, warmup, total)
        )
        self.rng = np.random.default_rng(cfg.seed)

    def forward_backward(self, cipher: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Gradients of one batch into ``.grad``; sets ``self.logits``; returns the loss."""
        self.opt.zero_grad(set_to_none=True)
        if self.cfg.tbptt:  # forward and backward chunk by chunk (tbptt.py)
            loss, self.logits = tbptt_backward(self.model, cipher, target, self.cfg.tbptt)
            return loss
        autocast = torch.autocast(torch.device(self.ctx.device).type, torch.bfloat16)
        with autocast if self.cfg.bf16 else nullcontext():
            self.logits = self.net(cipher)  # (B, T, 26)
        loss = self.loss_fn(self, self.logits, cipher, target)
        if torch.isfinite(loss):
            loss.backward()
        return loss

    def step(self, cipher: torch.Tensor, target: torch.Tensor) -> float:
        """One optimizer step on one batch (B, T); returns its loss."""
        cipher, target = cipher.to(self.ctx.device), target.to(self.ctx.device)
        if self.batch_fn is not None:
            cipher, target = self.batch_fn(self, cipher, target)
        self.cipher, self.target = cipher, target
        loss = self.forward_backward(cipher, target)
        if not torch.isfinite(loss):
            raise RunStopped(
                f"loss became {loss.item()} at step {self.pos.step}; "
                f"{self.saver.kept_message()}; try a lower learning rate",
                self.saver.dir if self.saver.last_step is not None else None,
            )
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.clip)
        self.opt.step()
        self.sched.step()
        self.loss = loss.item()
        self.track(target)
        return self.loss

    def track(self, target: torch.Tensor) -> None:
        """Step count, tokens, and the moving averages of loss and accuracy."""
        pos = self.pos
        with torch.no_grad():
            mask = target != IGNORE
            right = ((self.logits.argmax(-1) == target) & mask).sum().item()
            acc = right / max(1, mask.sum().item())
        pos.step += 1
        pos.batch += 1
        pos.tokens += int(target.numel())
        self.messages += len(target)
        self.first_loss = self.loss if self.first_loss is None else self.first_loss
        ema = pos.ema_loss
        pos.ema_loss = self.loss if ema is None else 0.95 * ema + 0.05 * self.loss
        pos.ema_acc = acc if pos.ema_acc is None else 0.95 * pos.ema_acc + 0.05 * acc

    def epoch_batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        skip = self.pos.begin_epoch(self.rng)  # after a resume: this epoch's batches done
        # Each rank takes its every-world-th share of one seeded plan, all ranks equally many.
        shard = self.train_data.batches(
            self.cfg.batch_size, self.rng, reshift=self.cfg.reshift,
            rank=self.ctx.rank, world=self.ctx.world,
        )  # fmt: skip
        return islice(shard, skip, self.per_epoch)

    def make_bar(self) -> tqdm:
        show = self.cfg.progress and self.ctx.is_main and self.stderr.isatty()
        return tqdm(
            total=self.total, file=self.stderr, disable=not show, unit="step",
            dynamic_ncols=True, initial=self.pos.step,
        )  # fmt: skip

    def loop(self) -> None:
        """Steps until ``total``; a signal saves a checkpoint and stops (``TrainingInterrupted``)."""
        self.log(
            f"training {self.model_cfg.arch} ({self.model_cfg.n_params():,} parameters) on "
            f"{self.ctx.device}: {len(self.train_data):,} train / {len(self.val_data):,} "
            f"validation pairs, {self.total:,} steps"
            + (f" on each of {self.ctx.world} processes" if self.ctx.enabled else "")
        )
        self.messages, self.first_loss = 0, None
        self.start = time.perf_counter() - self.pos.seconds
        self.model.train()
        with self.make_bar() as bar:
            while self.pos.step < self.total:
                for cipher, target in self.epoch_batches():
                    self.fire("on_batch_start")
                    self.step(cipher, target)
                    bar.update(1)
                    bar.set_postfix(loss=f"{self.pos.ema_loss:.4f}",
                                    acc=f"{self.pos.ema_acc:.3f}", refresh=False)  # fmt: skip
                    self.fire("on_batch_end")
                    if self.after_step():
                        break

    def save_checkpoint(self) -> None:
        self.pos.seconds = time.perf_counter() - self.start
        self.saver.save(self.pos)

    def after_step(self) -> bool:
        """Periodic checkpoint, stop on a signal; whether the epoch's loop should end."""
        stop = self.ctx.any_rank(bool(self.signals))
        if stop or self.saver.due(self.pos.step, self.total):
            self.save_checkpoint()
        if stop:
            self.ctx.barrier()  # no rank exits (and gets torchrun to kill the rest) before the save
            self.interrupted(f"at step {self.pos.step} of {self.total}")
        return self.pos.step >= self.total

    def interrupted(self, when: str) -> None:
        name = signal.Signals(self.signals[0]).name if self.signals else "a signal on another rank"
        signum = self.signals[0] if self.signals else signal.SIGTERM
        raise TrainingInterrupted(
            f"{name} {when}: checkpoint saved in {self.saver.dir}", signum, self.saver.dir
        )

    def finish(self) -> None:
        """Checkpoint (always: validation and save can be interrupted or fail), validate, save the
        model, then drop the checkpoint."""
        ctx = self.ctx
        self.save_checkpoint()
        seconds = time.perf_counter() - self.start
        tokens_all = ctx.sum(self.pos.tokens)  # all ranks' tokens, for one global throughput
        if ctx.enabled:
            ctx.log(
                f"trained {self.pos.step} steps on its shard: {self.messages} messages, "
                f"{self.pos.tokens} tokens, loss {self.first_loss} -> {self.pos.ema_loss:.4f}"
            )
        if not ctx.is_main:  # rank 0 alone validates and writes; the others wait until it is done
            ctx.barrier()
            return
        val = self.val_data
        self.metrics = held_out_metrics(self.model, val, ctx.device) if len(val) else {}
        self.metrics["train"] = self.train_summary(seconds, tokens_all)
        if self.signals:
            self.interrupted("during final validation")
        self.save()
        ctx.barrier()

    def train_summary(self, seconds: float, tokens: float) -> dict[str, Any]:
        summary = {
            "steps": self.pos.step,
            "seconds": round(seconds, 1),
            "tokens_per_s": round(tokens / max(seconds, 1e-9)),
            "final_loss": round(float(self.pos.ema_loss or 0.0), 5),
            "pairs": len(self.train_data),
            "device": self.ctx.device,
        }
        if self.ctx.enabled:
            summary["processes"] = self.ctx.world
        return summary

    def save(self) -> None:
        """Publish the model; a failed save keeps the checkpoint and says where it is."""
        meta = ModelMeta(self.model_cfg, self.settings, self.metrics)
        try:
            save_model(self.out, self.model.state_dict(), meta)
        except (CaesarRNNError, OSError) as exc:
            raise RunStopped(
                f"could not save the model: {exc}; the trained weights are kept in the "
                f"checkpoint {self.saver.dir}",
                self.saver.dir,
            ) from None
        self.saver.finish()


def train(
    model_cfg: ModelConfig,
    cfg: TrainConfig,
    checkpoint: Checkpoint | None = None,
    on_step: Callable[[int], None] | None = None,
    replace_model: bool = False,
) -> dict[str, Any]:
    """Train on ``cfg.data`` and save the model in ``cfg.out``; returns the final metrics.
    ``checkpoint`` continues an interrupted run (see ``resume_training``); ``on_step(step)`` is
    called after every step; ``replace_model`` allows replacing a finished model in ``cfg.out``."""
    return _run(Trainer(model_cfg, cfg, checkpoint, replace_model), on_step)


def _run(trainer: Trainer, on_step: Callable[[int], None] | None) -> dict[str, Any]:
    if on_step is not None:
        trainer.add_callback("on_batch_end", lambda t: on_step(t.pos.step))
    metrics = trainer.run()
    trainer.calibrate()
    return metrics


def resume_trainer(
    path: str | Path | Checkpoint,
    device: str | None = None,
    threads: int | None = None,
    checkpoint_every: int | None = None,
    progress: bool = True,
) -> Trainer:
    """A trainer that continues the run whose checkpoint is in ``path`` (or ``path/checkpoint``),
    with the model and training settings it was started with; only where it runs may change."""
    ckpt = path if isinstance(path, Checkpoint) else load_checkpoint(path)
    cfg = TrainConfig.from_dict(ckpt.training)
    changes: dict[str, Any] = {"progress": progress}
    for name, value in (("device", device), ("threads", threads),
                        ("checkpoint_every", checkpoint_every)):  # fmt: skip
        if value is not None:
            changes[name] = value
    recipe = ckpt.training.get(RECIPE_KEY)
    return Trainer(ckpt.model, replace(cfg, **changes), ckpt, recipe=recipe)


def resume_training(
    path: str | Path | Checkpoint,
    device: str | None = None,
    threads: int | None = None,
    checkpoint_every: int | None = None,
    progress: bool = True,
    on_step: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Continue the run whose checkpoint is in ``path``; returns the final metrics."""
    return _run(resume_trainer(path, device, threads, checkpoint_every, progress), on_step)
