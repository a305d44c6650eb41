"""Rebuild the shipped default model from scratch (`make model`): generate the training pairs
from the packaged English source, then train. Everything comes from PyPI packages; the recipe is
recorded in the model's config.json and in docs/model.md.

    python scripts/build_model.py --out caesar_rnn/models/default
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from caesar_rnn.config import ModelConfig
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.devices import cpu_has_bf16, resolve_device
from caesar_rnn.files import atomic_writer
from caesar_rnn.training.trainer import TrainConfig, train

# (style, min letters, max letters, share of pairs, share starting mid-word): short messages are
# the hard ones, and a batch of short messages costs less, so most pairs are short: at the same
# training time this mix had 40 % fewer held-out misses than one with 40 % of its pairs at 4-64
# letters (docs/model.md, "Where the training time goes"). The 4-64 parts keep argmax decoding
# sound on long text. Letter windows cut from running text mostly start inside a word, so half
# the letters-style pairs do; natural text is mostly given from a word start, but not always.
MIX = [
    ("letters", 4, 8, 0.30, 0.5),
    ("natural", 4, 8, 0.30, 0.3),
    ("letters", 4, 16, 0.15, 0.5),
    ("natural", 4, 16, 0.15, 0.3),
    ("letters", 4, 64, 0.05, 0.5),
    ("natural", 4, 64, 0.05, 0.3),
]
#: Pairs are made in shards of this many, each from its own seeds, so that shards can be made in
#: parallel and a run with more pairs extends a run with fewer (shard s of seed 0 uses seeds
#: 100 s + i for the i-th MIX part).
SHARD = 1_000_000


Mix = list[tuple[str, int, int, float, float]]


def parse_mix(text: str) -> Mix:
    """``style:lo:hi:share:mid,...`` (the form of ``MIX``) as a mix; shares must sum to 1."""
    mix: Mix = []
    for part in text.split(","):
        fields = part.strip().split(":")
        if len(fields) != 5 or fields[0] not in ("letters", "natural"):
            raise argparse.ArgumentTypeError(f"bad mix part {part!r}: want style:lo:hi:share:mid")
        try:
            lo, hi, share, mid = int(fields[1]), int(fields[2]), float(fields[3]), float(fields[4])
        except ValueError as e:
            raise argparse.ArgumentTypeError(f"bad mix part {part!r}: {e}") from None
        if not (1 <= lo <= hi and 0 < share <= 1 and 0 <= mid <= 1):
            raise argparse.ArgumentTypeError(f"bad mix part {part!r}: out of range")
        mix.append((fields[0], lo, hi, share, mid))
    if abs(sum(m[3] for m in mix) - 1) > 1e-6:
        raise argparse.ArgumentTypeError("mix shares must sum to 1")
    return mix


def format_mix(mix: Mix) -> str:
    return ",".join(f"{s}:{lo}:{hi}:{share:g}:{mid:g}" for s, lo, hi, share, mid in mix)


def part_sizes(n: int, mix: Mix) -> list[int]:
    """``n`` split by the mix's shares, summing to exactly ``n``: each part ends where its
    cumulative share of ``n`` rounds to."""
    total = sum(part[3] for part in mix)
    bounds = [0] + [round(n * c / total) for c in itertools.accumulate(p[3] for p in mix)]
    return [b - a for a, b in itertools.pairwise(bounds)]


def make_shard(path: str, n: int, shard: int, seed: int, mix: Mix) -> int:
    base = seed * 10_000 + shard * 100
    parts = [
        generate(size, lo, hi, style=style, seed=base + i, mid_word=mid)
        for i, ((style, lo, hi, _, mid), size) in enumerate(
            zip(mix, part_sizes(n, mix), strict=True)
        )
    ]
    return write_jsonl(itertools.chain(*parts), path, force=True)


def make_pairs(path: str, pairs: int, seed: int, mix: Mix | None = None) -> int:
    """``pairs`` pairs of ``mix`` (default ``MIX``) in ``path`` (atomically), shards made side by
    side."""
    mix = MIX if mix is None else mix
    sizes = [min(SHARD, pairs - start) for start in range(0, pairs, SHARD)]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=Path(path).parent) as tmp:
        names = [str(Path(tmp) / f"shard{s}.jsonl") for s in range(len(sizes))]
        workers = max(1, min(len(sizes), os.cpu_count() or 1))
        with ProcessPoolExecutor(workers) as pool:
            n = sum(
                pool.map(
                    make_shard,
                    names,
                    sizes,
                    range(len(sizes)),
                    [seed] * len(sizes),
                    [mix] * len(sizes),
                )
            )
        with atomic_writer(path, force=True) as out:
            for name in names:
                with open(name, encoding="utf-8") as f:
                    shutil.copyfileobj(f, out)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="caesar_rnn/models/default")
    ap.add_argument("--data", default="runs/model-data.jsonl", help="where the pairs go")
    ap.add_argument("--pairs", type=int, default=8_000_000)
    ap.add_argument(
        "--mix",
        type=parse_mix,
        default=MIX,
        help=f"style:lo:hi:share:mid-word,... (default {format_mix(MIX)})",
    )
    ap.add_argument("--steps", type=int, default=35_000)
    ap.add_argument("--batch-size", type=int, default=384)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--arch", default="gru")
    ap.add_argument(
        "--canonical",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rotate each message to start at 'a' (a rotation-invariant model)",
    )
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument(
        "--key-loss", type=float, default=0.0, help="weight of the message-level key-decode loss"
    )
    ap.add_argument(
        "--letter-noise",
        type=float,
        default=0.0,
        help="share of the letters (all but each message's first) read as random letters",
    )
    ap.add_argument(
        "--bf16",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="bf16 autocast for the forward pass; default: on where it is native (CUDA, or a CPU "
        "with AVX512-BF16 or AMX), else float32",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--reuse-data", action="store_true", help="keep --data if it exists")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--data-only", action="store_true", help="generate the pairs, then stop")
    args = ap.parse_args()

    t0 = time.perf_counter()
    if not (args.reuse_data and Path(args.data).exists()):
        n = make_pairs(args.data, args.pairs, args.seed, args.mix)
        print(f"generated {n:,} pairs in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.data_only:
        return

    bf16 = args.bf16
    if bf16 is None:
        bf16 = resolve_device(args.device) != "cpu" or cpu_has_bf16()
        if not bf16:
            print(
                "note: this CPU has no native bf16; training in float32 (about 1.4x longer)",
                file=sys.stderr,
            )
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
        key_loss=args.key_loss,
        letter_noise=args.letter_noise,
        bf16=bf16,
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
