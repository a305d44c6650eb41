"""The key decode's model stage on one device, apart from the CLI's CPU stages: characters per
second through ``shift_scores`` (the model's windows, second readings and key scores, as
``decrypt`` runs them) at several batch sizes, and the bare forward pass in float32 and bf16,
with the FLOP rate it reaches.

    python scripts/gpu_model_bench.py --device cuda --messages 200000     # on a GPU (< 1 min)
    python scripts/gpu_model_bench.py --device cpu --messages 2000 --batches 16384   # a dry run

Messages are cut from one paragraph (4-64 letters, random keys), so no word-list package is
needed. Prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import numpy as np

PARAGRAPH = (
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the "
    "age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the "
    "season of light, it was the season of darkness, it was the spring of hope, it was the winter "
    "of despair, we had everything before us, we had nothing before us, we were all going direct "
    "to heaven, we were all going direct the other way"
)


def messages(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    from caesar_rnn.cipher import encrypt, letters_of

    text = letters_of(PARAGRAPH)
    rng = random.Random(seed)
    plain, cipher = [], []
    for _ in range(n):
        k = rng.randint(4, 64)
        s = rng.randrange(len(text) - k)
        plain.append(text[s : s + k])
        cipher.append(encrypt(plain[-1], rng.randrange(26)))
    return plain, cipher


def timed(fn: Callable[[], object], sync: Callable[[], None], repeat: int) -> float:
    fn()  # warm-up: cuDNN plans, allocator
    sync()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t)
    return best


def flops_per_token(model: object) -> float:
    """2 FLOPs per weight matrix entry per token (biases and gates' pointwise work left out)."""
    return 2.0 * sum(p.numel() for n, p in model.named_parameters() if "weight" in n)  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--messages", type=int, default=200_000)
    ap.add_argument("--batches", default="16384,131072,1048576", help="tokens per forward pass")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import torch

    from caesar_rnn.decoding.backends import TorchBackend
    from caesar_rnn.decoding.scores import shift_scores
    from caesar_rnn.store import shipped_model_dir

    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    backend = TorchBackend(shipped_model_dir(), args.device)
    plain, cipher = messages(args.messages)
    chars = sum(map(len, cipher))
    name = torch.cuda.get_device_name() if args.device.startswith("cuda") else args.device
    print(f"\n{name}, torch {torch.__version__}; {len(cipher):,} messages, {chars:,} letters\n")
    print("| model stage | tokens per pass | s | letters/s | key decode exact |")
    print("|---|--:|--:|--:|--:|")
    for batch, bf16 in [(int(b), False) for b in args.batches.split(",")] + [(131072, True)]:
        backend.bf16 = bf16
        out: list[np.ndarray] = []
        t = timed(
            lambda b=batch, o=out: o.append(shift_scores(cipher, backend, batch=b)),
            sync,
            args.repeat,
        )
        best = out[-1].argmax(axis=1)
        shifts = [(ord(c[0]) - ord(p[0])) % 26 for c, p in zip(cipher, plain, strict=True)]
        exact = float(np.mean(best == np.array(shifts)))
        how = "bf16 autocast" if bf16 else "float32"
        rate = f"{t:.3f} | {chars / t:,.0f} | {exact:.4f}"
        print(f"| shift_scores (windows, second readings), {how} | {batch:,} | {rate} |")

    backend.bf16 = False
    model = backend.model
    fpt = flops_per_token(model)
    print(f"\nBare forward pass, {fpt / 1e6:.2f} MFLOP per token (weights x 2)\n")
    print("| forward | batch x length | s per pass | tokens/s | TFLOP/s |")
    print("|---|--:|--:|--:|--:|")
    for dtype in ("float32", "bfloat16"):
        for rows, length in ((16384, 16), (65536, 16), (16384, 64)):
            toks = torch.randint(0, 26, (rows, length), device=args.device)
            try:
                with (
                    torch.inference_mode(),
                    torch.autocast(
                        args.device.split(":")[0], dtype=torch.bfloat16, enabled=dtype == "bfloat16"
                    ),
                ):
                    t = timed(lambda x=toks: model(x), sync, args.repeat)
            except Exception as e:  # report, keep measuring the rest
                print(f"| {dtype} | {rows} x {length} | failed: {type(e).__name__}: {e} | | |")
                continue
            rate = rows * length / t
            print(
                f"| {dtype} | {rows:,} x {length} | {t:.4f} | {rate:,.0f} | {rate * fpt / 1e12:.1f} |"
            )


if __name__ == "__main__":
    main()
