"""Rebuild the shipped default model from scratch (`make model`): generate the training pairs
from the packaged English source, then train. Everything comes from PyPI packages; the recipe is
recorded in the model's config.json and in docs/model.md.

    python scripts/build_model.py --out caesar_rnn/models/default
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

from caesar_rnn.config import ModelConfig
from caesar_rnn.datagen import generate, write_jsonl
from caesar_rnn.train import TrainConfig, train

# (style, min letters, max letters, share of pairs): short messages are the hard ones, so they
# get most of the pairs; long ones keep argmax decoding sound on longer text.
MIX = [
    ("letters", 4, 16, 0.30),
    ("natural", 4, 16, 0.30),
    ("letters", 4, 64, 0.20),
    ("natural", 4, 64, 0.20),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="caesar_rnn/models/default")
    ap.add_argument("--data", default="runs/model-data.jsonl", help="where the pairs go")
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--steps", type=int, default=14_000)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--arch", default="gru")
    ap.add_argument(
        "--canonical",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rotate each message to start at 'a' (a rotation-invariant model)",
    )
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--reuse-data", action="store_true", help="keep --data if it exists")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--data-only", action="store_true", help="generate the pairs, then stop")
    args = ap.parse_args()

    t0 = time.perf_counter()
    if not (args.reuse_data and Path(args.data).exists()):
        parts = [
            generate(int(args.pairs * share), lo, hi, style=style, seed=args.seed * 100 + i)
            for i, (style, lo, hi, share) in enumerate(MIX)
        ]
        Path(args.data).parent.mkdir(parents=True, exist_ok=True)
        n = write_jsonl(itertools.chain(*parts), args.data, force=True)
        print(f"generated {n:,} pairs in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.data_only:
        return

    model_cfg = ModelConfig(
        args.arch, args.hidden, args.layers, True, True, canonical=args.canonical
    )
    cfg = TrainConfig(
        data=args.data,
        out=args.out,
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        reshift=True,
        val_fraction=0.01,
        device=args.device,
        seed=args.seed,
        threads=args.threads,
        progress=not args.no_progress,
    )
    metrics = train(model_cfg, cfg)
    overall = metrics.get("overall", {})
    print(
        f"done in {time.perf_counter() - t0:.0f} s: validation char acc "
        f"{overall.get('char_acc', 0):.4f}, message acc (key) {overall.get('msg_acc_key', 0):.4f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
