"""Question 3 of docs/theory.md: GRU against a vanilla (tanh) RNN on long messages, unknown key.

    python scripts/gru_vs_rnn.py            # ~10-15 min on 2 busy CPU cores at the defaults

A unidirectional model must read the key from the first letters and carry it to the end of the
message. Both models get the same parameter budget (the RNN's hidden size is chosen to match the
GRU's parameter count), the same data, batch size and learning rate, and about the same
training time: an RNN step costs less than half a GRU step on the CPU, so the RNN gets
``--rnn-steps`` (6000) against the GRU's ``--steps`` (2500); the measured times are printed. Evaluation: per-char accuracy at each position of held-out 512-letter messages, and
per-char accuracy of messages of 16 to 512 letters.

Writes docs/gru_vs_rnn.csv (accuracy by position), docs/gru_vs_rnn.md (tables) and
docs/gru_vs_rnn.png.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import numpy as np
import torch

from caesar_rnn.config import ModelConfig
from caesar_rnn.data.dataset import encipher_tokens, encode_plain, targets_of
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.store import load_torch_model
from caesar_rnn.theory import accuracy_by_position
from caesar_rnn.training.trainer import TrainConfig, train

LENGTHS = (16, 32, 64, 128, 256, 512)
#: Position ranges (1-based, inclusive) for the by-position table.
RANGES = ((1, 4), (5, 8), (9, 16), (17, 32), (33, 64), (65, 128), (129, 256), (257, 512))


def probe(n: int, length: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    recs = list(generate(n, length, length, None, "letters", [], seed))
    plain = np.stack([encode_plain(r["plaintext"], False) for r in recs])  # (n, T)
    keys = np.asarray([r["shift"] for r in recs])
    return torch.from_numpy(encipher_tokens(plain, keys)), torch.from_numpy(targets_of(plain))


def matched_rnn_hidden(gru: ModelConfig) -> int:
    budget = gru.n_params()
    return min(
        range(8, 4 * gru.hidden),
        key=lambda h: abs(ModelConfig("rnn", h, gru.layers, False).n_params() - budget),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gru-hidden", type=int, default=64)
    ap.add_argument("--pairs", type=int, default=3000)
    ap.add_argument("--min-train-len", type=int, default=32, help="shortest training message")
    ap.add_argument("--max-train-len", type=int, default=128, help="longest training message")
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument(
        "--rnn-steps",
        type=int,
        default=6000,
        help="the RNN's steps: more, since its steps are cheaper (about the GRU's training time)",
    )
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--eval", type=int, default=64, help="held-out messages per length")
    ap.add_argument("--out", default="docs")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)  # 2 shared cores: one thread avoids spin-waiting
    gru = ModelConfig("gru", args.gru_hidden, 1, False)
    rnn = ModelConfig("rnn", matched_rnn_hidden(gru), 1, False)
    probes = {n: probe(args.eval, n, seed=1000 + n) for n in LENGTHS}
    pos_acc: dict[str, np.ndarray] = {}
    len_acc: dict[str, dict[int, float]] = {}
    info: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "pairs.jsonl"
        write_jsonl(
            generate(
                args.pairs, args.min_train_len, args.max_train_len, None, "letters", [], args.seed
            ),
            data,
        )
        for cfg in (rnn, gru):
            out = Path(tmp) / cfg.arch
            metrics = train(
                ModelConfig(cfg.arch, cfg.hidden, 1, False),
                TrainConfig(
                    data=str(data),
                    out=str(out),
                    steps=args.rnn_steps if cfg.arch == "rnn" else args.steps,
                    batch_size=args.batch_size,
                    reshift=True,
                    seed=args.seed,
                    auto_canonical=False,  # as when these figures were made
                    progress=False,
                ),
            )
            model = load_torch_model(out)
            info[cfg.arch] = (
                f"{cfg.arch}: hidden {cfg.hidden}, {cfg.n_params():,} parameters, "
                f"{metrics['train']['steps']} steps in {metrics['train']['seconds']} s"
            )
            print(info[cfg.arch])
            pos_acc[cfg.arch] = accuracy_by_position(model, *probes[LENGTHS[-1]])
            len_acc[cfg.arch] = {
                n: float(np.nanmean(accuracy_by_position(model, *probes[n]))) for n in LENGTHS
            }
    write(args, pos_acc, len_acc, info)


def write(
    args: argparse.Namespace,
    pos_acc: dict[str, np.ndarray],
    len_acc: dict[str, dict[int, float]],
    info: dict[str, str],
) -> None:
    outdir = Path(args.out)
    archs = list(pos_acc)
    with (outdir / "gru_vs_rnn.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["position", *archs])
        for t in range(LENGTHS[-1]):
            w.writerow([t + 1, *(f"{pos_acc[a][t]:.4f}" for a in archs)])
    lines = [
        "# GRU vs tanh RNN on long messages (theory question 3)",
        "",
        "Generated by `python scripts/gru_vs_rnn.py "
        f"--gru-hidden {args.gru_hidden} --pairs {args.pairs} --min-train-len {args.min_train_len} "
        f"--max-train-len {args.max_train_len} "
        f"--steps {args.steps} --rnn-steps {args.rnn_steps} "
        f"--batch-size {args.batch_size} --eval {args.eval} --seed {args.seed}`. "
        "Unidirectional, one layer, unknown key (a fresh random key per message and epoch), "
        f"training messages of {args.min_train_len}-{args.max_train_len} letters from the packaged English "
        "source; held-out messages from other seeds of the same source (lengths beyond the "
        "training range test whether the key is carried further than training ever asked).",
        "",
        *(f"- {info[a]}" for a in archs),
        "",
        f"Per-char accuracy by position, {args.eval} messages of {LENGTHS[-1]} letters:",
        "",
        "| positions | " + " | ".join(archs) + " |",
        "|---|" + "---|" * len(archs),
    ]
    for lo, hi in RANGES:
        cells = [f"{np.nanmean(pos_acc[a][lo - 1 : hi]):.3f}" for a in archs]
        lines.append(f"| {lo}-{hi} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Per-char accuracy by message length ({args.eval} messages each):",
        "",
        "| letters | " + " | ".join(archs) + " |",
        "|---|" + "---|" * len(archs),
    ]
    for n in LENGTHS:
        lines.append(f"| {n} | " + " | ".join(f"{len_acc[a][n]:.3f}" for a in archs) + " |")
    (outdir / "gru_vs_rnn.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    x = np.arange(1, LENGTHS[-1] + 1)
    for a, color in zip(archs, ("tab:red", "tab:blue"), strict=False):
        # Raw per position, faint, and a 16-position moving average: single positions are noisy.
        ax.plot(x, pos_acc[a], color=color, alpha=0.25, lw=0.8)
        smooth = np.convolve(pos_acc[a], np.ones(16) / 16, mode="valid")
        ax.plot(x[15:], smooth, color=color, label=info[a].split(" in ")[0])
    ax.set_xscale("log", base=2)
    ax.set_xlabel("position in the message (letters)")
    ax.set_ylabel("per-char accuracy (16-position mean)")
    ax.set_ylim(0, 1.02)
    ax.set_title("Unknown key, unidirectional, same parameter budget")
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(outdir / "gru_vs_rnn.png", dpi=110)


if __name__ == "__main__":
    main()
