"""Training benchmark: tokens/s, and where a step's time goes (data vs model).

    python scripts/bench_train.py                      # shipped model's shape, 2 CPU threads
    python scripts/bench_train.py --device cuda --source random --batch-size 512
    python scripts/bench_train.py --batch-size 384 --bf16   # bf16 autocast (CUDA, or native-bf16 CPU)

Times, in one process: making the pairs (gen-data), reading them into length groups (TokenData),
drawing batches alone (the iterator with a fresh key per pair, as the recipe trains), and full
training steps (forward, backward, clipping, AdamW) on the same batches. The data share is
batch-drawing time over full-step time. Prints a Markdown table on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def write_pairs(path: Path, n: int, source: str, seed: int) -> None:
    """English pairs from gen-data's source, or random letters (no symspellpy needed)."""
    if source == "english":
        from caesar_rnn.data.generate import generate, write_jsonl

        write_jsonl(generate(n, 4, 64, None, "natural", [], seed), path)
        return
    from caesar_rnn.cipher import encrypt

    rng = random.Random(seed)
    with path.open("w") as f:
        for _ in range(n):
            p = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 64)))
            k = rng.randrange(26)
            f.write(json.dumps({"ciphertext": encrypt(p, k), "plaintext": p, "shift": k}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=20000)
    ap.add_argument("--steps", type=int, default=20, help="timed steps (after 3 warm-up steps)")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--source", choices=["english", "random"], default="english")
    ap.add_argument("--hidden", type=int, default=None, help="default: the shipped model's")
    ap.add_argument("--layers", type=int, default=None)
    ap.add_argument("--bf16", action="store_true", help="forward pass under bf16 autocast")
    args = ap.parse_args()

    import numpy as np
    import torch
    import torch.nn.functional as F

    from caesar_rnn.data.dataset import IGNORE, TokenData, read_pairs
    from caesar_rnn.nn.model import CaesarRNN
    from caesar_rnn.store import load_meta, shipped_model_dir

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    shipped = load_meta(shipped_model_dir())
    cfg = shipped.model
    cfg.hidden = args.hidden or cfg.hidden
    cfg.layers = args.layers or cfg.layers
    rows: list[tuple[str, str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "pairs.jsonl"
        t = time.perf_counter()
        write_pairs(data, args.pairs, args.source, 0)
        gen = time.perf_counter() - t
        rows.append(("gen-data (one-off)", f"{args.pairs / gen:,.0f} pairs/s", f"{gen:.2f} s"))
        t = time.perf_counter()
        pairs = read_pairs(data)
        tokens = TokenData(pairs, cfg.boundaries)
        prep = time.perf_counter() - t
        rows.append(
            (
                "read + group by length (one-off)",
                f"{args.pairs / prep:,.0f} pairs/s",
                f"{prep:.2f} s",
            )
        )
    log(f"{args.pairs:,} pairs ready in {gen + prep:.1f} s")

    rng = np.random.default_rng(0)

    # The iterator alone: a whole epoch (its shuffling included), per batch.
    draw_times = []
    for _ in range(3):
        t = time.perf_counter()
        epoch = list(tokens.batches(args.batch_size, rng, reshift=True))
        draw_times.append((time.perf_counter() - t) / len(epoch))
    draw = statistics.median(draw_times)
    batch_list = (epoch * (1 + (args.steps + 3) // len(epoch)))[: args.steps + 3]

    from contextlib import nullcontext

    device_type = torch.device(args.device).type
    autocast = torch.autocast(device_type, torch.bfloat16) if args.bf16 else nullcontext()
    model = CaesarRNN(cfg).to(args.device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    step_times, n_tokens = [], 0
    for i, (cipher, target) in enumerate(batch_list):
        if args.device != "cpu":
            torch.cuda.synchronize()
        t = time.perf_counter()
        cipher, target = cipher.to(args.device), target.to(args.device)
        with autocast:
            logits = model(cipher)  # (B, T, 26)
        loss = F.cross_entropy(
            logits.float().reshape(-1, 26), target.reshape(-1), ignore_index=IGNORE
        )
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss.item()  # waits for the step, as the training loop's progress bar does
        if i >= 3:
            step_times.append(time.perf_counter() - t)
            n_tokens += target.numel()
    step = statistics.median(step_times)
    tok_s = n_tokens / sum(step_times)
    per = n_tokens / len(step_times)
    rows.append(
        ("draw one batch (iterator alone)", f"{per / draw:,.0f} tokens/s", f"{draw * 1e3:.2f} ms")
    )
    rows.append(("one training step (model)", f"{tok_s:,.0f} tokens/s", f"{step * 1e3:.1f} ms"))
    rows.append(("data share of a step", f"{draw / (draw + step):.1%}", "-"))
    recipe = shipped.training
    steps = int(recipe.get("steps") or 0)
    bs = int(recipe.get("batch_size") or args.batch_size)
    if steps:
        est = steps * step * bs / args.batch_size
        rows.append(
            (
                f"shipped recipe ({steps:,} steps x {bs}) at this speed",
                f"{est / 3600:.1f} h (estimate)",
                f"recorded: {shipped.metrics.get('train', {}).get('seconds', '?')} s on "
                f"{shipped.metrics.get('train', {}).get('device', '?')}",
            )
        )

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"- model: {cfg.arch} {cfg.layers}x{cfg.hidden}, bidirectional={cfg.bidirectional}, "
        f"boundaries={cfg.boundaries}; batch {args.batch_size}; device {args.device}"
        f"{' (bf16 autocast)' if args.bf16 else ''}, "
        f"{args.threads} threads; {args.pairs:,} {args.source} pairs of 4-64 letters"
    )
    print(f"- load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; peak RSS {rss} MiB")
    print()
    print("| stage | throughput | time |")
    print("|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
