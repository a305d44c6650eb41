"""The key-decode loss as a plug-in of the package's trainer (it left the package, rejected):
the per-letter cross-entropy plus WEIGHT times a message-level loss on the key decode's 26 scores.

    python experiments/key-loss/key_loss.py --data runs/ab/data.jsonl --out runs/ab/kl1 \
        --weight 1 --steps 4000 --batch-size 128 --threads 1

Trains recipes/default.toml's model and training settings with the given overrides; weight 0 is
the shipped loss. The data: `caesar-rnn gen-data --recipe recipes/default.toml --count 1000000
--out runs/ab/data.jsonl`.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.config import load_recipe
from caesar_rnn.data.dataset import IGNORE
from caesar_rnn.training.trainer import Trainer, cross_entropy

ROOT = Path(__file__).resolve().parents[2]


def key_decode_loss(
    logits: torch.Tensor, cipher: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy of the true key under the key decode's scores: score(k) sums, over the letter
    positions, the log-probability of the letter that key k makes of the cipher letter."""
    logp = F.log_softmax(logits.float(), dim=-1)  # (B, T, 26)
    is_letter = target != IGNORE  # (B, T)
    keys = torch.arange(N_LETTERS, device=cipher.device)
    idx = (cipher.clamp(max=N_LETTERS - 1).unsqueeze(-1) - keys) % N_LETTERS  # (B, T, 26)
    scores = (logp.gather(-1, idx) * is_letter.unsqueeze(-1)).sum(1)  # (B, 26)
    first = is_letter.to(torch.uint8).argmax(1, keepdim=True)  # (B, 1) a letter position
    true_key = (cipher.gather(1, first) - target.gather(1, first)).squeeze(1) % N_LETTERS  # (B,)
    return F.cross_entropy(scores, true_key)


def with_key_loss(weight: float):  # type: ignore[no-untyped-def]
    def loss(
        trainer: Trainer, logits: torch.Tensor, cipher: torch.Tensor, target: torch.Tensor
    ) -> torch.Tensor:
        base = cross_entropy(trainer, logits, cipher, target)
        return base + weight * key_decode_loss(logits, cipher, target) if weight else base

    return loss


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--weight", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    recipe = load_recipe(ROOT / "recipes" / "default.toml")
    cfg = replace(recipe.train, data=args.data, out=args.out, steps=args.steps,
                  batch_size=args.batch_size, threads=args.threads, progress=False)  # fmt: skip
    trainer = Trainer(recipe.model, cfg)
    trainer.loss_fn = with_key_loss(args.weight)
    print(trainer.run().get("overall"))


if __name__ == "__main__":
    main()
