"""Fine-tune the shipped model (caesar_rnn/models/default) on a gen-data file: the trainer's own
loop, started from the shipped weights instead of random ones (no CLI option does this).

    python finetune.py DATA OUT STEPS [BATCH] [LR] [SEED] [THREADS]
"""

from __future__ import annotations

import sys

import caesar_rnn.training.trainer as trainer
from caesar_rnn.store import load_meta, load_torch_model, shipped_model_dir


def main() -> None:
    data, out, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 384
    lr = float(sys.argv[5]) if len(sys.argv) > 5 else 3e-4
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    threads = int(sys.argv[7]) if len(sys.argv) > 7 else None
    shipped = shipped_model_dir()
    # The trainer builds CaesarRNN(model_cfg); hand it the shipped weights instead.
    trainer.CaesarRNN = lambda cfg: load_torch_model(shipped).train()  # type: ignore[misc]
    cfg = trainer.TrainConfig(
        data=data, out=out, steps=steps, batch_size=batch, lr=lr, seed=seed, threads=threads,
        warmup=20, progress=False,
    )  # fmt: skip
    metrics = trainer.train(load_meta(shipped).model, cfg)
    print(metrics["train"], file=sys.stderr)


if __name__ == "__main__":
    main()
