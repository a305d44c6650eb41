"""The training loop: data split, optimizer, schedule, clipping, validation, progress, saving.

Knows nothing of the CLI: ``train(model_config, train_config)`` returns the validation metrics and
leaves a model directory (see checkpoint.py) behind.
"""

from __future__ import annotations

import math
import random
import signal
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.config import ModelConfig
from caesar_rnn.data.dataset import IGNORE, TokenData, has_boundaries, read_pairs
from caesar_rnn.decoding.decode import key_scores, log_softmax
from caesar_rnn.devices import cpu_has_bf16, resolve_device
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.tbptt import tbptt_backward
from caesar_rnn.store import DEFAULT_TRAIN_DIR, ModelMeta, save_model
from caesar_rnn.training.distributed import DistContext, session, steps_per_rank
from caesar_rnn.training.state import (
    Checkpoint,
    Checkpointer,
    Position,
    TrainingInterrupted,
    file_digest,
    stop_signals,
)
from caesar_rnn.training.state import load as load_checkpoint

DEFAULT_DATA = "caesar-data.jsonl"
#: Validation buckets: a message of n letters falls in the last bucket <= n.
BUCKETS = (1, 4, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256)


@dataclass
class TrainConfig:
    data: str = DEFAULT_DATA
    out: str = DEFAULT_TRAIN_DIR
    epochs: int = 3
    steps: int | None = None  # overrides epochs when set
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 0.0
    warmup: int = 100
    clip: float = 1.0
    val_fraction: float = 0.05
    max_val: int = 5000
    reshift: bool = False
    device: str = "auto"
    seed: int = 0
    threads: int | None = None
    #: Truncated BPTT: backpropagate through chunks of this many steps (unidirectional only).
    tbptt: int | None = None
    #: bf16 autocast for the forward pass (CUDA, or a CPU with native bf16 such as AVX512-BF16/AMX)
    bf16: bool = False
    compile: bool = False  # torch.compile the training module
    checkpoint_every: int = 0  # steps between resumable checkpoints in OUT/checkpoint (0: none)
    #: Weight of a message-level loss on the key decode's 26 scores (0: per-letter loss alone).
    key_loss: float = 0.0
    #: Share of the letters (all but each message's first) read as a random letter in training.
    letter_noise: float = 0.0
    #: Turn on ModelConfig.boundaries when the data has word boundaries.
    auto_boundaries: bool = True
    #: Turn on ModelConfig.canonical when the data uses several keys (not for --tbptt).
    auto_canonical: bool = False
    progress: bool = True


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def key_decode_loss(
    logits: torch.Tensor, cipher: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy of the true key under the key decode's scores: score(k) sums, over the letter
    positions, the log-probability of the letter that key k makes of the cipher letter. The
    per-letter loss trains each position alone; this one trains what `--decode key` compares."""
    logp = F.log_softmax(logits.float(), dim=-1)  # (B, T, 26)
    is_letter = target != IGNORE  # (B, T)
    keys = torch.arange(N_LETTERS, device=cipher.device)
    idx = (cipher.clamp(max=N_LETTERS - 1).unsqueeze(-1) - keys) % N_LETTERS  # (B, T, 26)
    scores = (logp.gather(-1, idx) * is_letter.unsqueeze(-1)).sum(1)  # (B, 26)
    first = is_letter.to(torch.uint8).argmax(1, keepdim=True)  # (B, 1) a letter position
    true_key = (cipher.gather(1, first) - target.gather(1, first)).squeeze(1) % N_LETTERS  # (B,)
    return F.cross_entropy(scores, true_key)


def add_letter_noise(cipher: torch.Tensor, p: float) -> torch.Tensor:
    """(B, T) -> (B, T): each letter but a message's first becomes a random letter with probability
    p; the targets stay the true plaintext, so a noisy position is learnt from its context (the
    canonical rotation hangs on the first letter, which stays)."""
    is_letter = cipher < N_LETTERS  # (B, T)
    first = is_letter.to(torch.uint8).argmax(1, keepdim=True)  # (B, 1)
    flip = (torch.rand(cipher.shape, device=cipher.device) < p) & is_letter
    flip.scatter_(1, first, False)
    noise = torch.randint_like(cipher, N_LETTERS)
    return torch.where(flip, noise, cipher)


def bucket_of(n: int) -> int:
    return max(b for b in BUCKETS if b <= n)


@torch.no_grad()
def validate(
    model: CaesarRNN, data: TokenData, device: str, batch_size: int = 512
) -> dict[str, Any]:
    """Per-char and whole-message accuracy, argmax and key-consistent decode, by length bucket."""
    model.eval()
    rows: dict[
        int, np.ndarray
    ] = {}  # bucket -> [messages, chars, char_ok, msg_ok_argmax, msg_ok_key]
    rng = np.random.default_rng(0)
    for cipher, target in data.batches(batch_size, rng, shuffle=False):
        logits = model(cipher.to(device)).float().cpu().numpy()  # (B, T, 26)
        c, y = cipher.numpy(), target.numpy()
        mask = y != IGNORE
        pred = logits.argmax(-1)
        char_ok = (pred == y) & mask
        msg_argmax = (char_ok | ~mask).all(axis=1)
        k = key_scores(log_softmax(logits), c, mask).argmax(axis=1)
        key_pred = (c - k[:, None]) % N_LETTERS
        msg_key = ((key_pred == y) | ~mask).all(axis=1)
        n_letters = mask.sum(axis=1)
        for i in range(len(c)):
            b = bucket_of(int(n_letters[i]))
            r = rows.setdefault(b, np.zeros(5))
            r += (1, n_letters[i], char_ok[i].sum(), msg_argmax[i], msg_key[i])
    model.train()
    total = sum(rows.values(), np.zeros(5))

    def summary(r: np.ndarray) -> dict[str, float]:
        return {
            "messages": int(r[0]),
            "char_acc": float(r[2] / max(r[1], 1)),
            "msg_acc_argmax": float(r[3] / max(r[0], 1)),
            "msg_acc_key": float(r[4] / max(r[0], 1)),
        }

    return {
        "overall": summary(total),
        "by_length": {str(b): summary(rows[b]) for b in sorted(rows)},
    }


def _split(n: int, fraction: float, max_val: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    n_val = 0 if n < 20 or fraction <= 0 else min(max_val, max(1, int(n * fraction)))
    return order[n_val:], order[:n_val]


def lr_lambda(step: int, warmup: int, total: int) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))


def _settings(cfg: TrainConfig) -> dict[str, Any]:
    """The training config as saved beside a model or checkpoint."""
    training = asdict(cfg)
    training.pop("progress")
    return training


def check_tbptt(model_cfg: ModelConfig, k: int | None) -> None:
    if k is None:
        return
    if k < 1:
        raise CaesarRNNError(f"--tbptt must be at least 1, got {k}")
    if not model_cfg.recurrent:
        raise CaesarRNNError(f"--tbptt needs a recurrent model; {model_cfg.arch} has no state")
    if model_cfg.bidirectional:
        raise CaesarRNNError(
            "--tbptt needs a unidirectional model (add --no-bidirectional): the backward "
            "direction reads the whole message from its end, so it cannot be cut into chunks"
        )


def train(
    model_cfg: ModelConfig,
    cfg: TrainConfig,
    checkpoint: Checkpoint | None = None,
    on_step: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Train on ``cfg.data`` and save the model in ``cfg.out``; returns the final metrics.
    ``checkpoint`` continues an interrupted run (see ``resume_training``); ``on_step(step)`` is
    called after every step (a test hook)."""
    if cfg.batch_size < 1 or cfg.epochs < 1 or (cfg.steps is not None and cfg.steps < 1):
        raise CaesarRNNError("batch size, epochs and steps must be positive")
    if not 0.0 <= cfg.val_fraction < 1.0:
        raise CaesarRNNError(f"--val-fraction must be in [0, 1), got {cfg.val_fraction}")
    check_tbptt(model_cfg, cfg.tbptt)
    device = resolve_device(cfg.device)
    if cfg.bf16 and not device.startswith("cuda") and not cpu_has_bf16():
        raise CaesarRNNError(
            "--bf16 needs a CUDA device or a CPU with native bf16 (AVX512-BF16 or AMX); "
            "train in float32 here"
        )
    # Under torchrun this joins the process group (one rank per process); alone it changes nothing.
    with session(device) as ctx:
        return _train(model_cfg, cfg, ctx, checkpoint, on_step)


def resume_training(
    path: str | Path | Checkpoint,
    device: str | None = None,
    threads: int | None = None,
    checkpoint_every: int | None = None,
    progress: bool = True,
    on_step: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Continue the run whose checkpoint is in ``path`` (or ``path/checkpoint``), with the model
    and training settings it was started with; only where it runs may change."""
    ckpt = path if isinstance(path, Checkpoint) else load_checkpoint(path)
    known = {f for f in TrainConfig.__dataclass_fields__}
    unknown = set(ckpt.training) - known
    if unknown:
        raise CaesarRNNError(f"{ckpt.path}: unknown training settings {sorted(unknown)}")
    cfg = TrainConfig(**ckpt.training)
    cfg.progress = progress
    if device is not None:
        cfg.device = device
    if threads is not None:
        cfg.threads = threads
    if checkpoint_every is not None:
        cfg.checkpoint_every = checkpoint_every
    return train(ckpt.model, cfg, ckpt, on_step)


def _train(
    model_cfg: ModelConfig,
    cfg: TrainConfig,
    ctx: DistContext,
    checkpoint: Checkpoint | None = None,
    on_step: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    device = ctx.device
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    set_seed(cfg.seed)
    pairs = read_pairs(cfg.data)
    if cfg.auto_boundaries and not model_cfg.boundaries and has_boundaries(pairs.plaintexts):
        if ctx.is_main:
            print("note: data has word boundaries; the model will see them", file=sys.stderr)
        model_cfg.boundaries = True
    if cfg.auto_canonical and not cfg.tbptt and len(set(pairs.shifts)) > 1:
        if ctx.is_main and not model_cfg.canonical:
            print("note: data uses several keys; the model reads canonical input", file=sys.stderr)
        model_cfg.canonical = True
    train_idx, val_idx = _split(len(pairs), cfg.val_fraction, cfg.max_val, cfg.seed)
    train_data = TokenData(pairs, model_cfg.boundaries, train_idx)
    val_data = TokenData(pairs, model_cfg.boundaries, val_idx)

    model = CaesarRNN(model_cfg).to(device)
    net = ctx.wrap(model)  # DDP under torchrun; `model` stays the bare module for eval and saving
    if cfg.tbptt and (ctx.enabled or cfg.compile or cfg.bf16):
        raise CaesarRNNError("--tbptt runs in one process, uncompiled, in float32")
    if not 0.0 <= cfg.letter_noise <= 1.0:
        raise CaesarRNNError(f"--letter-noise must be between 0 and 1, got {cfg.letter_noise}")
    if cfg.tbptt and cfg.key_loss:
        raise CaesarRNNError("the key-decode loss needs whole messages: not with --tbptt")
    if cfg.compile:
        net = torch.compile(net)  # type: ignore[assignment]
    if ctx.rank > 0:
        torch.manual_seed(cfg.seed + ctx.rank)  # own dropout masks per rank; DDP synced the weights
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    per_epoch = steps_per_rank(
        sum(math.ceil(len(a) / cfg.batch_size) for a in train_data.plain.values()), ctx.world
    )
    if per_epoch < 1:
        raise CaesarRNNError(f"too few training pairs for {ctx.world} processes of one batch each")
    total = cfg.steps if cfg.steps is not None else per_epoch * cfg.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_lambda(s, cfg.warmup, total))
    rng = np.random.default_rng(cfg.seed)
    saver = Checkpointer(
        cfg.out, model, opt, sched, model_cfg, _settings(cfg), file_digest(cfg.data),
        cfg.checkpoint_every, write=ctx.is_main,
    )  # fmt: skip
    if checkpoint is None:
        saver.refuse_stale()
        pos = Position()
    else:
        pos = saver.restore(checkpoint)
    if ctx.is_main:
        print(
            f"training {model_cfg.arch} ({model_cfg.n_params():,} parameters) on {device}: "
            f"{len(train_data):,} train / {len(val_data):,} validation pairs, {total:,} steps"
            + (f" on each of {ctx.world} processes" if ctx.enabled else ""),
            file=sys.stderr,
        )
    bar = tqdm(
        total=total,
        file=sys.stderr,
        disable=not (cfg.progress and ctx.is_main),
        unit="step",
        dynamic_ncols=True,
        initial=pos.step,
    )
    step, tokens, messages, start = pos.step, pos.tokens, 0, time.perf_counter() - pos.seconds
    ema_loss, ema_acc, first_loss = pos.ema_loss, pos.ema_acc, None
    autocast = torch.autocast(torch.device(device).type, torch.bfloat16)
    model.train()
    with stop_signals() as signals:  # Ctrl-C / SIGTERM: finish the step, save, stop
        while step < total:
            skip = pos.begin_epoch(rng)  # after a resume: the batches of this epoch already done
            # Each rank takes its every-world-th share of one seeded plan, all ranks equally many.
            shard = train_data.batches(
                cfg.batch_size, rng, reshift=cfg.reshift, rank=ctx.rank, world=ctx.world
            )
            for cipher, target in islice(shard, skip, per_epoch):
                cipher, target = cipher.to(device), target.to(device)
                if cfg.letter_noise:
                    cipher = add_letter_noise(cipher, cfg.letter_noise)
                if cfg.tbptt:  # forward and backward chunk by chunk (tbptt.py)
                    opt.zero_grad(set_to_none=True)
                    loss, logits = tbptt_backward(model, cipher, target, cfg.tbptt)
                else:
                    with autocast if cfg.bf16 else nullcontext():
                        logits = net(cipher)  # (B, T, 26)
                    loss = F.cross_entropy(
                        logits.float().reshape(-1, N_LETTERS),
                        target.reshape(-1),
                        ignore_index=IGNORE,
                    )
                    if cfg.key_loss:
                        loss = loss + cfg.key_loss * key_decode_loss(logits, cipher, target)
                if not torch.isfinite(loss):
                    raise CaesarRNNError(
                        f"loss became {loss.item()} at step {step}; {saver.kept_message()}; "
                        "try a lower --lr"
                    )
                if not cfg.tbptt:
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
                opt.step()
                sched.step()
                step += 1
                tokens += int(target.numel())
                messages += len(target)
                with torch.no_grad():
                    mask = target != IGNORE
                    acc = ((logits.argmax(-1) == target) & mask).sum().item() / max(
                        1, mask.sum().item()
                    )
                first_loss = loss.item() if first_loss is None else first_loss
                ema_loss = loss.item() if ema_loss is None else 0.95 * ema_loss + 0.05 * loss.item()
                ema_acc = acc if ema_acc is None else 0.95 * ema_acc + 0.05 * acc
                bar.update(1)
                bar.set_postfix(loss=f"{ema_loss:.4f}", acc=f"{ema_acc:.3f}", refresh=False)
                pos.batch += 1
                if on_step is not None:
                    on_step(step)
                stop = ctx.any_rank(bool(signals))
                if stop or saver.due(step, total):
                    pos.step, pos.tokens, pos.seconds = step, tokens, time.perf_counter() - start
                    pos.ema_loss, pos.ema_acc = ema_loss, ema_acc
                    saver.save(pos)
                if stop:
                    ctx.barrier()  # no rank exits (and gets torchrun to kill the rest) before the save
                    bar.close()
                    name = (
                        signal.Signals(signals[0]).name if signals else "a signal on another rank"
                    )
                    raise TrainingInterrupted(
                        f"{name} at step {step} of {total}: checkpoint saved in {saver.dir}; "
                        f"continue with `caesar-rnn train --resume {saver.dir}`",
                        signals[0] if signals else signal.SIGTERM,
                    )
                if step >= total:
                    break
    bar.close()
    seconds = time.perf_counter() - start
    tokens_all = ctx.sum(tokens)  # all ranks' tokens, for one global throughput
    if ctx.enabled:
        ctx.log(
            f"trained {step} steps on its shard: {messages} messages, {tokens} tokens, "
            f"loss {first_loss:.4f} -> {ema_loss:.4f}"
        )
    if not ctx.is_main:  # rank 0 alone validates and writes; the others wait until it is done
        ctx.barrier()
        return {}
    metrics = validate(model, val_data, device) if len(val_data) else {}
    metrics["train"] = {
        "steps": step,
        "seconds": round(seconds, 1),
        "tokens_per_s": round(tokens_all / max(seconds, 1e-9)),
        "final_loss": round(float(ema_loss or 0.0), 5),
        "pairs": len(train_data),
        "device": device,
    }
    if ctx.enabled:
        metrics["train"]["processes"] = ctx.world
    save_model(Path(cfg.out), model.state_dict(), ModelMeta(model_cfg, _settings(cfg), metrics))
    saver.finish()
    ctx.barrier()
    return metrics
