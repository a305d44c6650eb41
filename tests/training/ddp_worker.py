"""A training run for tests/training/test_distributed.py to launch under torchrun (not a test itself).

    ddp_worker.py DATA OUT STOP_AT    trains a fixed small config; at step STOP_AT (0: never) rank 1
                                      alone sends itself SIGTERM, as a scheduler might
Exits 3 when training was interrupted (a checkpoint saved), 0 when it ran to the end.
"""

from __future__ import annotations

import os
import signal
import sys

from caesar_rnn.config import ModelConfig
from caesar_rnn.training.state import TrainingInterrupted
from caesar_rnn.training.trainer import TrainConfig, train


def main() -> None:
    data, out, stop_at = sys.argv[1], sys.argv[2], int(sys.argv[3])

    def on_step(step: int) -> None:
        if step == stop_at and os.environ.get("RANK") == "1":
            os.kill(os.getpid(), signal.SIGTERM)

    cfg = TrainConfig(
        data=data,
        out=out,
        steps=24,
        batch_size=16,
        lr=1e-2,
        warmup=5,
        reshift=True,
        device="cpu",
        seed=7,
        threads=1,
        progress=False,
        calibrate=False,  # a subprocess: the tests' patch does not reach it
    )
    try:
        train(ModelConfig("gru", 16, 1, True), cfg, on_step=on_step)
    except TrainingInterrupted as exc:
        print(exc, file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
