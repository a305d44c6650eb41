"""The NumPy network against the torch model it was loaded from: the same logits (to float32
summation order) and argmax, on long and padded input and on the shipped model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from caesar_rnn.config import ModelConfig
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.numpy_rnn import NumpyRNN
from caesar_rnn.store import shipped_model_dir


@pytest.mark.parametrize("arch", ["gru", "lstm", "rnn"])
def test_numpy_matches_torch_long_and_padded(arch: str) -> None:
    """A wider model over windows of mixed lengths up to 70: same argmax, logits within 1e-5."""
    torch.manual_seed(5)
    cfg = ModelConfig(arch, 48, 2, True, True)
    model = CaesarRNN(cfg).eval()
    tokens = torch.randint(0, 27, (5, 70))
    lengths = torch.tensor([70, 64, 3, 1, 33])
    with torch.no_grad():
        want = model(tokens, lengths).numpy()
    got = NumpyRNN(cfg, {k: v.numpy() for k, v in model.state_dict().items()}).logits(
        tokens.numpy().astype(np.uint8), lengths.numpy()
    )
    for i, n in enumerate(lengths.tolist()):
        np.testing.assert_allclose(got[i, :n], want[i, :n], atol=1e-5, rtol=1e-4)
        assert (got[i, :n].argmax(-1) == want[i, :n].argmax(-1)).all()


def test_shipped_model_numpy_matches_torch() -> None:
    """The shipped model in NumPy and in torch: the same argmax at every position; logits agree
    to float32 summation order (about 1e-4 absolute on logits up to ~25 for a 2x256 GRU)."""
    from caesar_rnn.store import load_torch_model

    tokens = np.random.default_rng(0).integers(0, 27, (8, 64))
    with torch.no_grad():
        want = load_torch_model(shipped_model_dir())(torch.from_numpy(tokens)).numpy()
    got = load_backend(shipped_model_dir()).logits(tokens.astype(np.uint8))
    assert np.abs(got - want).max() <= 1e-5 * np.abs(want).max() + 1e-5
    assert (got.argmax(-1) == want.argmax(-1)).all()
