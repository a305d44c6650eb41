"""caesar-rnn: break Caesar ciphers with recurrent neural networks.

The Python API (``caesar_rnn.api``) is importable from here::

    import caesar_rnn

    caesar_rnn.decrypt("Khoor, Zruog!").plaintext          # 'Hello, World!' (shipped model)
    caesar_rnn.decrypt("Khoor, Zruog!", shift=3)           # a known key: no model
    model = caesar_rnn.load_model("shipped")               # reuse one model across calls
    [d.plaintext for d in model.decrypt(["khoor", "zruog"])]
    caesar_rnn.crack("khoorzruog", method="ngram", top=3)  # ranked candidate keys
    caesar_rnn.encrypt("helloworld", 3)                    # 'khoorzruog'

Names are imported on first use, so ``import caesar_rnn`` is quick and neither it nor
decryption on the CPU imports torch; ``train`` does.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from caesar_rnn.errors import CaesarRNNError

try:
    __version__ = version("caesar-rnn")  # written once, in pyproject.toml
except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
    __version__ = "0+unknown"

# name -> the module that defines it
_LAZY = {
    "decrypt": "caesar_rnn.api",
    "decrypt_lines": "caesar_rnn.api",
    "encrypt": "caesar_rnn.api",
    "crack": "caesar_rnn.api",
    "crack_lines": "caesar_rnn.api",
    "evaluate": "caesar_rnn.api",
    "load_model": "caesar_rnn.api",
    "train": "caesar_rnn.api",
    "Model": "caesar_rnn.api",
    "Evaluation": "caesar_rnn.api",
    "Decryption": "caesar_rnn.decoding.decode",
    "Candidate": "caesar_rnn.classical.crackers",
    "ModelConfig": "caesar_rnn.config",
    "TrainConfig": "caesar_rnn.config",
}

__all__ = [
    "CaesarRNNError",
    "Candidate",
    "Decryption",
    "Evaluation",
    "Model",
    "ModelConfig",
    "TrainConfig",
    "crack",
    "crack_lines",
    "decrypt",
    "decrypt_lines",
    "encrypt",
    "evaluate",
    "load_model",
    "train",
]

if TYPE_CHECKING:
    from caesar_rnn.api import (
        Evaluation,
        Model,
        crack,
        crack_lines,
        decrypt,
        decrypt_lines,
        encrypt,
        evaluate,
        load_model,
        train,
    )
    from caesar_rnn.classical.crackers import Candidate
    from caesar_rnn.config import ModelConfig, TrainConfig
    from caesar_rnn.decoding.decode import Decryption


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'caesar_rnn' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
