"""Question 4 of docs/theory.md: truncated BPTT against full BPTT on long messages: time per epoch, peak
activation memory, accuracy by position.

    python scripts/tbptt_tradeoff.py            # ~10 min on 2 busy CPU cores at the defaults

Every run trains the same unidirectional one-layer GRU (unknown key, messages of exactly
``--length`` letters) with ``caesar_rnn.training.trainer.train`` and ``TrainConfig(tbptt=K)``, i.e. what
``caesar-rnn train --no-bidirectional --tbptt K`` does. Memory is the peak of bytes autograd holds
for the backward pass of one batch (``theory.SavedActivations``; parameters and optimizer state
excluded: they do not depend on K). Writes docs/tbptt.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from caesar_rnn.config import ModelConfig
from caesar_rnn.data.dataset import encipher_tokens, encode_plain, targets_of
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.tbptt import tbptt_backward
from caesar_rnn.store import load_torch_model
from caesar_rnn.theory import SavedActivations, accuracy_by_position
from caesar_rnn.training.trainer import TrainConfig, train


def probe(n: int, length: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    recs = list(generate(n, length, length, None, "letters", [], seed))
    plain = np.stack([encode_plain(r["plaintext"], False) for r in recs])  # (n, T)
    keys = np.asarray([r["shift"] for r in recs])
    return torch.from_numpy(encipher_tokens(plain, keys)), torch.from_numpy(targets_of(plain))


def peak_bytes(cfg: ModelConfig, cipher: torch.Tensor, target: torch.Tensor, k: int | None) -> int:
    model = CaesarRNN(cfg)
    with SavedActivations(model) as s:
        if k is None:
            logits = model(cipher)  # (B, T, 26)
            F.cross_entropy(logits.reshape(-1, 26), target.reshape(-1)).backward()
        else:
            tbptt_backward(model, cipher, target, k)
    return s.peak


def step_seconds(
    cfg: ModelConfig,
    cipher: torch.Tensor,
    target: torch.Tensor,
    runs: list[int | None],
    rounds: int,
) -> dict[int | None, float]:
    """Median seconds of one training step (forward, backward, clip, Adam) per setting, the
    settings interleaved round by round so that a change in the machine's load hits all alike."""
    models = {k: CaesarRNN(cfg) for k in runs}
    opts = {k: torch.optim.AdamW(m.parameters()) for k, m in models.items()}
    times: dict[int | None, list[float]] = {k: [] for k in runs}
    for _ in range(rounds):
        for k in runs:
            model, opt = models[k], opts[k]
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            if k is None:
                logits = model(cipher)  # (B, T, 26)
                F.cross_entropy(logits.reshape(-1, 26), target.reshape(-1)).backward()
            else:
                tbptt_backward(model, cipher, target, k)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            times[k].append(time.perf_counter() - t0)
    return {k: float(np.median(v)) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--length", type=int, default=128)
    ap.add_argument("--ks", default="32,8,2", help="truncation lengths besides full BPTT")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--pairs", type=int, default=3000)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--eval", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=15, help="interleaved timing rounds")
    ap.add_argument("--out", default="docs")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)  # 2 shared cores: one thread avoids spin-waiting
    cfg = ModelConfig("gru", args.hidden, 1, False)
    runs: list[int | None] = [None, *(int(k) for k in args.ks.split(","))]
    held = probe(args.eval, args.length, seed=4321)
    batch = (held[0][: args.batch_size], held[1][: args.batch_size])
    ranges = [(1, 8), (9, 16), (17, 32), (33, 64), (65, args.length)]
    step_s = step_seconds(cfg, *batch, runs, args.rounds)
    rows = []
    per_epoch = 0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "pairs.jsonl"
        write_jsonl(generate(args.pairs, args.length, args.length, None, "letters", [], 0), data)
        for k in runs:
            out = Path(tmp) / f"k{k}"
            metrics = train(
                ModelConfig("gru", args.hidden, 1, False),
                TrainConfig(
                    data=str(data),
                    out=str(out),
                    steps=args.steps,
                    batch_size=args.batch_size,
                    reshift=True,
                    tbptt=k,
                    seed=args.seed,
                    progress=False,
                ),
            )
            per_epoch = -(-metrics["train"]["pairs"] // args.batch_size)  # steps in one epoch
            sec_epoch = metrics["train"]["seconds"] / (args.steps / per_epoch)
            acc = accuracy_by_position(load_torch_model(out), *held)
            mem = peak_bytes(cfg, *batch, k)
            name = "full" if k is None else f"K={k}"
            accs = [float(np.nanmean(acc[lo - 1 : hi])) for lo, hi in ranges]
            rows.append((name, step_s[k] * per_epoch, sec_epoch, mem, accs))
            print(f"{name}: {sec_epoch:.1f} s/epoch, peak {mem / 2**20:.2f} MiB, acc {accs}")
    lines = [
        "# Truncated BPTT against full BPTT (theory question 4)",
        "",
        f"Generated by `python scripts/tbptt_tradeoff.py --length {args.length} --ks {args.ks} "
        f"--hidden {args.hidden} --pairs {args.pairs} --steps {args.steps} "
        f"--batch-size {args.batch_size} --eval {args.eval} --seed {args.seed}` on the CPU. "
        f"One-layer unidirectional GRU, {cfg.hidden} units ({cfg.n_params():,} parameters), "
        f"unknown key, messages of exactly {args.length} letters, {args.steps} steps of "
        f"{args.batch_size} messages. Peak memory: bytes autograd holds for backward over one "
        f"batch of {args.batch_size}x{args.length} (parameters and optimizer state excluded). "
        "Times are wall-clock on 2 CPU cores shared with other jobs, one torch thread: "
        f"'s / epoch' is the median of {args.rounds} interleaved single steps times the "
        f"{per_epoch} steps of an epoch (robust to load changes); 'in training' is the whole "
        "training run's time per epoch, exposed to whatever else ran meanwhile. Accuracy: "
        f"per-char, by position, on {args.eval} held-out messages.",
        "",
        "| BPTT | s / epoch | in training | peak activations (MiB) | "
        + " | ".join(f"acc {lo}-{hi}" for lo, hi in ranges)
        + " |",
        "|---|---|---|---|" + "---|" * len(ranges),
    ]
    for name, sec, sec_run, mem, accs in rows:
        cells = [f"{sec:.1f}", f"{sec_run:.1f}", f"{mem / 2**20:.2f}", *(f"{a:.3f}" for a in accs)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    (Path(args.out) / "tbptt.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
