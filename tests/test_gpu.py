"""Training and decryption on CUDA (skipped where there is none)."""

from pathlib import Path

import pytest

from caesar_rnn.config import ModelConfig
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.training.trainer import TrainConfig, train

PROSE = (
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the "
    "age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the "
    "season of light, it was the season of darkness, it was the spring of hope. "
)


@pytest.mark.gpu
def test_train_and_decrypt_on_cuda(tmp_path: Path) -> None:
    data, text = tmp_path / "d.jsonl", tmp_path / "text.txt"
    # A text of its own: a GPU machine need not have the training extra's word lists.
    text.write_text(PROSE * 20)
    write_jsonl(generate(3000, 4, 24, shift=3, corpus_files=[text], seed=1), data)
    metrics = train(
        ModelConfig("gru", 32, 1, True),
        TrainConfig(
            data=str(data),
            out=str(tmp_path / "m"),
            epochs=4,
            batch_size=32,
            lr=1e-2,
            device="cuda",
            progress=False,
        ),
    )
    assert metrics["train"]["device"].startswith("cuda")
    assert metrics["overall"]["char_acc"] >= 0.99
    [d] = decrypt_messages(["khoorzruog"], load_backend(tmp_path / "m", "cuda"))
    assert d.plaintext == "helloworld"
