"""The design sheet's setting: fixed key (shift 3), a small GRU trained for seconds."""

from pathlib import Path

from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.store import load_meta


def test_fixed_key_gru_learns(tiny_model: str) -> None:
    metrics = load_meta(tiny_model).metrics
    assert metrics["overall"]["char_acc"] >= 0.99
    backend = load_backend(tiny_model)
    for mode in ("argmax", "key"):
        [d] = decrypt_messages(["khoorzruog"], backend, mode)
        assert d.plaintext == "helloworld"
        assert d.shift == 3


def test_case_and_punctuation_survive(tiny_model: str) -> None:
    [d] = decrypt_messages(["Khoor, Zruog! — ça va?"], load_backend(tiny_model), "key")
    assert d.plaintext == "Hello, World! — çx sx?"  # only ASCII letters shift


def test_model_dir_contents(tiny_model: str) -> None:
    names = sorted(p.name for p in Path(tiny_model).iterdir())
    assert names == ["config.json", "model.safetensors"]
