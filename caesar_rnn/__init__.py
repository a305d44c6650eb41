"""caesar-rnn: break Caesar ciphers with recurrent neural networks.

The light modules (cipher, corpus, datagen, classical, infer) import no torch, so the CLI's
start-up, `encrypt`, `gen-data` and CPU decryption stay fast; torch is loaded only to train
or to run on a GPU.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("caesar-rnn")  # written once, in pyproject.toml
except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
    __version__ = "0+unknown"
