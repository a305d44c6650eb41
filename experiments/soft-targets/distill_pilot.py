"""Pilot: train on the source's exact posteriors (soft targets) instead of one sampled key.

    python experiments/soft-targets/distill_pilot.py label --data runs/mixcheck/e.jsonl \
        --out runs/distill/q.npz
    python experiments/soft-targets/distill_pilot.py train --data runs/mixcheck/e.jsonl \
        --out runs/distill/hard
    python experiments/soft-targets/distill_pilot.py train --data runs/mixcheck/e.jsonl \
        --out runs/distill/soft --soft runs/distill/q.npz

`label` computes, for every letters-style training pair of 4-8 letters, the training source's
exact posterior over the 26 rotations of its plaintext (`ExactSource` of
experiments/source-bayes/source_bayes.py, with make model's prior: half the letters-style
messages start inside a word). `train` trains the make model architecture (recipes/default.toml's
[model]) through the package's trainer, with its loss swapped through the trainer's `loss_fn`
seam: the per-letter cross-entropy, where a pair has such a posterior q, against it (at letter i
the target is letter p_i + r with probability q[r]; the canonical model's letters and its key are
one choice). Both arms go through the one trainer (same batches, keys and seed), so they differ
only in the targets. The models are then evaluated with `scripts/eval_heldout.py`.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "experiments" / "source-bayes"))

from source_bayes import ExactSource  # noqa: E402

from caesar_rnn.cipher import N_LETTERS, shift_text  # noqa: E402
from caesar_rnn.config import TrainConfig, load_recipe  # noqa: E402
from caesar_rnn.data.dataset import IGNORE, encode_plain, read_pairs  # noqa: E402
from caesar_rnn.training.trainer import Trainer, split_indices  # noqa: E402

_SOURCE: ExactSource | None = None
PRIOR = 0.5  # make model's share of letters-style messages that start inside a word
VAL_FRACTION, MAX_VAL, SEED = 0.01, 5000, 0


def _posterior(plain: str) -> np.ndarray:
    global _SOURCE
    if _SOURCE is None:
        _SOURCE = ExactSource()
    p = np.array([_SOURCE.prob(shift_text(plain, r), PRIOR) for r in range(N_LETTERS)])
    total = p.sum()
    return (p / total if total > 0 else np.full(N_LETTERS, 1 / N_LETTERS)).astype(np.float32)


def label(args: argparse.Namespace) -> None:
    pairs = read_pairs(args.data)
    train_idx, _ = split_indices(len(pairs), VAL_FRACTION, MAX_VAL, SEED)
    todo = [
        int(i)
        for i in train_idx
        if pairs.plaintexts[i].isascii()
        and pairs.plaintexts[i].isalpha()
        and args.min_len <= len(pairs.plaintexts[i]) <= args.max_len
    ]
    if args.limit:
        todo = todo[: args.limit]
    t0 = time.perf_counter()
    with Pool(args.procs) as pool:
        q = pool.map(_posterior, [pairs.plaintexts[i].lower() for i in todo], chunksize=2000)
    q_arr = np.stack(q)  # (N, 26)
    np.savez(args.out, index=np.asarray(todo, np.int64), q=q_arr)
    print(
        f"{len(todo):,} posteriors in {time.perf_counter() - t0:.0f} s; the true rotation "
        f"is the most probable for {np.mean(q_arr.argmax(1) == 0):.3f}, mean q[true] "
        f"{q_arr[:, 0].mean():.3f}",
        file=sys.stderr,
    )


class SoftTargets:
    """The trainer's loss, with soft targets for the labelled pairs. A batch row is found by its
    plaintext tokens (the targets of a letters-only message are its tokens), so the trainer's own
    batches need no pair indices."""

    def __init__(self, data: str, soft: str | None) -> None:
        self.q: dict[bytes, np.ndarray] = {}
        if soft:
            pairs, z = read_pairs(data), np.load(soft)
            for i, q in zip(z["index"].tolist(), z["q"], strict=True):
                self.q[encode_plain(pairs.plaintexts[i], True).tobytes()] = q

    def __call__(
        self, trainer: Trainer, logits: torch.Tensor, cipher: torch.Tensor, target: torch.Tensor
    ) -> torch.Tensor:
        logp = F.log_softmax(logits.float(), -1)  # (B, T, 26)
        mask = target != IGNORE  # (B, T)
        hard = -logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)  # (B, T)
        rows = [self.q.get(r.tobytes()) for r in target.cpu().numpy()] if self.q else []
        loss_pos = hard
        if any(q is not None for q in rows):
            has = torch.tensor([q is not None for q in rows])  # (B,)
            uniform = np.zeros(N_LETTERS, np.float32)
            q = torch.from_numpy(np.stack([uniform if r is None else r for r in rows]))  # (B, 26)
            shifts = torch.arange(N_LETTERS)
            idx = (target.clamp(min=0).unsqueeze(-1) + shifts) % N_LETTERS  # (B, T, 26)
            soft_pos = -(logp.gather(-1, idx) * q.unsqueeze(1)).sum(-1)  # (B, T)
            loss_pos = torch.where(has.unsqueeze(1), soft_pos, hard)
        return (loss_pos * mask).sum() / mask.sum()


def train(args: argparse.Namespace) -> None:
    recipe = load_recipe(ROOT / "recipes" / "default.toml")
    cfg = TrainConfig(
        data=args.data, out=args.out, steps=args.steps, batch_size=args.batch_size,
        lr=recipe.train.lr, reshift=True, val_fraction=VAL_FRACTION, max_val=MAX_VAL,
        seed=SEED, threads=args.threads, bf16=args.bf16, checkpoint_every=0,
    )  # fmt: skip
    trainer = Trainer(replace(recipe.model, boundaries=True), cfg)
    trainer.loss_fn = SoftTargets(args.data, args.soft)
    trainer.add_callback(
        "on_batch_end",
        lambda t: t.pos.step % 500 == 0 and print(f"step {t.pos.step}: loss {t.loss:.4f}"),
    )
    metrics = trainer.run()
    print(f"done: {metrics.get('overall')}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("label")
    a.add_argument("--data", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--min-len", type=int, default=4)
    a.add_argument("--max-len", type=int, default=8)
    a.add_argument("--procs", type=int, default=2)
    a.add_argument("--limit", type=int, default=0)
    b = sub.add_parser("train")
    b.add_argument("--data", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--soft", default=None)
    b.add_argument("--steps", type=int, default=3875)
    b.add_argument("--batch-size", type=int, default=384)
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    if args.cmd == "label":
        label(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
