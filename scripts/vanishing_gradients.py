"""Question 2 of docs/theory.md: ||dL_T/dh_k|| against T - k for a tanh RNN, a GRU and an LSTM, at
initialisation and after a short training run on this toolkit's task (unknown key, letters).

    python scripts/vanishing_gradients.py            # ~4 min on 2 busy CPU cores

Writes docs/vanishing_gradients.csv (arch, stage, distance, grad_norm) and
docs/vanishing_gradients.png (log scale), and prints, for the tanh RNN, the quantities of the
answer's bound: the spectral norm of W_hh, the mean of (1 - h^2), and the spectral norm of the
actual step Jacobian diag(1 - h_t^2) W_hh. Models: one layer, unidirectional, 64 units (the
measurement needs one layer, see caesar_rnn.theory.state_gradient_norms).
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
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.store import load_torch_model
from caesar_rnn.theory import state_gradient_norms
from caesar_rnn.training.trainer import TrainConfig, train

ARCHS = ("rnn", "gru", "lstm")


def probe_batch(n: int, length: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n messages of exactly ``length`` letters, each under a random key: (cipher, target)."""
    recs = list(generate(n, length, length, None, "letters", [], seed))
    plain = np.stack([encode_plain(r["plaintext"], False) for r in recs])  # (n, T)
    keys = np.asarray([r["shift"] for r in recs])
    return torch.from_numpy(encipher_tokens(plain, keys)), torch.from_numpy(targets_of(plain))


@torch.no_grad()
def tanh_bound(model: CaesarRNN, cipher: torch.Tensor) -> dict[str, float]:
    """Answer 2's factor (1 - h^2) W for a tanh RNN, on real inputs."""
    w = model.rnn.weight_hh_l0  # (H, H)
    out, _ = model.rnn(torch.nn.functional.one_hot(cipher, model.config.input_size).float())
    d = 1 - out.pow(2)  # (B, T, H)
    jac = d.unsqueeze(-1) * w  # (B, T, H, H): diag(1 - h_t^2) W
    return {
        "W_spectral_norm": float(torch.linalg.matrix_norm(w, ord=2)),
        "mean_1_minus_h2": float(d.mean()),
        "share_saturated": float((out.abs() > 0.95).float().mean()),
        "jacobian_norm_mean": float(torch.linalg.matrix_norm(jac, ord=2).mean()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--length", type=int, default=64, help="T of the probe messages")
    ap.add_argument("--steps", type=int, default=1500, help="training steps per model")
    ap.add_argument("--out", default="docs")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)  # 2 shared cores: one thread avoids spin-waiting
    cipher, target = probe_batch(64, args.length, seed=1234)
    rows: list[tuple[str, str, int, float]] = []
    bounds = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "pairs.jsonl"
        write_jsonl(generate(3000, args.length, args.length, None, "letters", [], args.seed), data)
        for arch in ARCHS:
            cfg = ModelConfig(arch, args.hidden, 1, False)
            torch.manual_seed(args.seed)
            init = CaesarRNN(cfg)
            out = Path(tmp) / arch
            metrics = train(
                ModelConfig(arch, args.hidden, 1, False),
                TrainConfig(
                    data=str(data),
                    out=str(out),
                    steps=args.steps,
                    batch_size=32,
                    reshift=True,
                    seed=args.seed,
                    auto_canonical=False,  # as when these figures were made
                    progress=False,
                ),
            )
            trained = load_torch_model(out)
            print(
                f"{arch}: trained {args.steps} steps in {metrics['train']['seconds']} s, "
                f"validation per-char accuracy {metrics['overall']['char_acc']:.3f}"
            )
            for stage, model in (("init", init), ("trained", trained)):
                norms = state_gradient_norms(model, cipher, target)
                rows += [(arch, stage, d, float(v)) for d, v in enumerate(norms)]
                ratio = norms[min(20, len(norms) - 1)] / norms[0]
                print(f"  {stage:8s} ||dL_T/dh_(T-20)|| / ||dL_T/dh_T|| = {ratio:.2e}")
                if arch == "rnn":
                    bounds[stage] = tanh_bound(model, cipher)
    outdir = Path(args.out)
    with (outdir / "vanishing_gradients.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["arch", "stage", "distance", "grad_norm"])
        w.writerows((a, s, d, f"{v:.6e}") for a, s, d, v in rows)
    print(
        "\ntanh RNN, answer 2's bound ||dh_t/dh_(t-1)|| = ||diag(1 - h_t^2) W|| <= max(1 - h^2) ||W||"
    )
    for stage, b in bounds.items():
        print(f"  {stage:8s} " + ", ".join(f"{k} {v:.3f}" for k, v in b.items()))
    plot(rows, outdir / "vanishing_gradients.png", args.length)


def plot(rows: list[tuple[str, str, int, float]], path: Path, length: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {"rnn": "tab:red", "gru": "tab:blue", "lstm": "tab:green"}
    for arch in ARCHS:
        for stage, style in (("init", ":"), ("trained", "-")):
            pts = [(d, v) for a, s, d, v in rows if a == arch and s == stage]
            ax.plot(*zip(*pts, strict=True), style, color=colors[arch], label=f"{arch} {stage}")
    ax.set_yscale("log")
    ax.set_xlabel("T - k (steps back from the last position)")
    ax.set_ylabel("mean ||dL_T / dh_k||")
    ax.set_title(f"Gradient of the last position's loss w.r.t. earlier states (T = {length})")
    ax.legend(ncol=3, fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
