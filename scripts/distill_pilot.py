"""Pilot: train on the source's exact posteriors (soft targets) instead of one sampled key.

    python scripts/distill_pilot.py label --data runs/mixcheck/e.jsonl --out runs/distill/q.npz
    python scripts/distill_pilot.py train --data runs/mixcheck/e.jsonl --out runs/distill/hard
    python scripts/distill_pilot.py train --data runs/mixcheck/e.jsonl --out runs/distill/soft \
        --soft runs/distill/q.npz

`label` computes, for every letters-style training pair of 4-8 letters, the training source's
exact posterior over the 26 rotations of its plaintext (`scripts/source_bayes.py`'s
`ExactSource`, with make model's prior: half the letters-style messages start inside a word).
`train` trains the make model architecture (2x128 bidirectional GRU, canonical input) with the
per-letter cross-entropy, where a pair has such a posterior q, against it: at letter i the target
is letter p_i + r with probability q[r] (the canonical model's letters and its key are one
choice). Both arms go through this one loop (same batches, keys and seed), so they differ only in
the targets. A pilot at mix e's scale (docs/model.md, "Where the training time goes"); the models
are then evaluated with `scripts/eval_heldout.py`.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import nullcontext
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).parent))

from source_bayes import ExactSource  # noqa: E402

from caesar_rnn.cipher import N_LETTERS, shift_text  # noqa: E402
from caesar_rnn.config import ModelConfig  # noqa: E402
from caesar_rnn.data.dataset import (  # noqa: E402
    IGNORE,
    TokenData,
    encipher_tokens,
    encode_plain,
    read_pairs,
    targets_of,
)
from caesar_rnn.nn.model import CaesarRNN  # noqa: E402
from caesar_rnn.store import ModelMeta, save_model  # noqa: E402
from caesar_rnn.training.trainer import _split, lr_lambda, validate  # noqa: E402

_SOURCE: ExactSource | None = None
PRIOR = 0.5  # make model's share of letters-style messages that start inside a word


def _posterior(plain: str) -> np.ndarray:
    global _SOURCE
    if _SOURCE is None:
        _SOURCE = ExactSource()
    p = np.array([_SOURCE.prob(shift_text(plain, r), PRIOR) for r in range(N_LETTERS)])
    total = p.sum()
    return (p / total if total > 0 else np.full(N_LETTERS, 1 / N_LETTERS)).astype(np.float32)


def label(args: argparse.Namespace) -> None:
    pairs = read_pairs(args.data)
    train_idx, _ = _split(len(pairs), 0.01, 5000, 0)
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


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    pairs = read_pairs(args.data)
    train_idx, val_idx = _split(len(pairs), 0.01, 5000, 0)
    soft: dict[int, np.ndarray] = {}
    if args.soft:
        z = np.load(args.soft)
        soft = dict(zip(z["index"].tolist(), z["q"], strict=True))
    # Plaintext tokens grouped by length, each with its posterior (uniform where it has none,
    # with a flag saying so).
    groups: dict[int, list[tuple[np.ndarray, np.ndarray, bool]]] = {}
    uniform = np.zeros(N_LETTERS, np.float32)
    for i in train_idx.tolist():
        toks = encode_plain(pairs.plaintexts[i], True)
        groups.setdefault(len(toks), []).append((toks, soft.get(i, uniform), i in soft))
    plain = {t: np.stack([g[0] for g in v]) for t, v in sorted(groups.items())}
    q_by = {t: np.stack([g[1] for g in v]) for t, v in sorted(groups.items())}
    has_q = {t: np.asarray([g[2] for g in v]) for t, v in sorted(groups.items())}
    n_train = sum(len(v) for v in plain.values())
    cfg = ModelConfig("gru", 128, 2, True, True, canonical=True)
    model = CaesarRNN(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_lambda(s, 100, args.steps))
    rng = np.random.default_rng(0)
    shifts = torch.arange(N_LETTERS)
    step, t0 = 0, time.perf_counter()
    model.train()
    while step < args.steps:
        plan = []
        for t, arr in plain.items():
            order = rng.permutation(len(arr))
            plan.extend(
                (t, order[i : i + args.batch_size]) for i in range(0, len(arr), args.batch_size)
            )
        plan = [plan[i] for i in rng.permutation(len(plan))]
        draws = rng.integers(0, N_LETTERS, size=n_train)
        used = 0
        for t, sel in plan:
            keys = draws[used : used + len(sel)]
            used += len(sel)
            p = plain[t][sel]  # (B, T)
            cipher = torch.from_numpy(encipher_tokens(p, keys))
            target = torch.from_numpy(targets_of(p))  # (B, T)
            with torch.autocast("cpu", torch.bfloat16) if args.bf16 else nullcontext():
                logits = model(cipher)  # (B, T, 26)
            logp = F.log_softmax(logits.float(), -1)  # (B, T, 26)
            mask = target != IGNORE  # (B, T)
            hard = -logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)  # (B, T)
            loss_pos = hard
            rows = torch.from_numpy(has_q[t][sel])  # (B,)
            if rows.any():
                q = torch.from_numpy(q_by[t][sel])  # (B, 26)
                idx = (target.clamp(min=0).unsqueeze(-1) + shifts) % N_LETTERS  # (B, T, 26)
                soft_pos = -(logp.gather(-1, idx) * q.unsqueeze(1)).sum(-1)  # (B, T)
                loss_pos = torch.where(rows.unsqueeze(1), soft_pos, hard)
            loss = (loss_pos * mask).sum() / mask.sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 500 == 0:
                print(f"step {step}: loss {loss.item():.4f}", file=sys.stderr, flush=True)
            if step >= args.steps:
                break
    seconds = time.perf_counter() - t0
    val = TokenData(pairs, True, val_idx)
    metrics = validate(model, val, "cpu")
    metrics["train"] = {"steps": step, "seconds": round(seconds, 1), "soft": len(soft)}
    save_model(Path(args.out), model.state_dict(), ModelMeta(cfg, vars(args), metrics))
    print(f"done in {seconds:.0f} s: {metrics.get('all', metrics)}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
