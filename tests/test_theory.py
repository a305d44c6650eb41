"""The design sheet's theory questions as checkable numbers (docs/theory.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from caesar_rnn.config import ModelConfig
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.tbptt import tbptt_backward
from caesar_rnn.theory import (
    SavedActivations,
    accuracy_by_position,
    bptt_example,
    state_gradient_norms,
)
from caesar_rnn.training.trainer import TrainConfig, train


def test_q1_worked_example_numbers() -> None:
    r = bptt_example()
    assert r["h"] == pytest.approx([2.0, 3.0], abs=1e-12)
    assert r["yhat"] == pytest.approx([4.0, 6.0], abs=1e-12)
    assert r["loss"] == pytest.approx(2.0, abs=1e-12)
    assert r["loss_terms"] == pytest.approx([1.0, 1.0], abs=1e-12)
    assert r["dL_dh"][0] == pytest.approx(0.0, abs=1e-12)  # the sheet's dL/dh1
    assert r["dL_dh"][1] == pytest.approx(4.0, abs=1e-12)
    assert r["dL_dWh"] == pytest.approx(8.0, abs=1e-12)  # the sheet's dL/dWh
    # Both decompositions of dL/dWh add up to autograd's total: by step (BPTT's sum of
    # dL/dh_t * h_{t-1}) and by loss term (the sheet's dyhat_t/dWh route: -4 + 12).
    assert r["dWh_terms"] == pytest.approx([0.0, 8.0], abs=1e-12)
    assert r["dLt_dWh"] == pytest.approx([-4.0, 12.0], abs=1e-12)
    assert r["dL_dWx"] == pytest.approx(40.0, abs=1e-12)
    assert r["dL_dWy"] == pytest.approx(2.0 * (-1 * 2 + 1 * 3) * 1.0, abs=1e-12)


def test_q1_other_numbers_and_guard() -> None:
    r = bptt_example(h0=0.0, wh=2.0, wx=1.0, wy=1.0, x=(1.0, 1.0, 1.0), y=(0.0, 0.0, 0.0))
    assert r["h"] == pytest.approx([1.0, 3.0, 7.0])
    assert sum(r["dWh_terms"]) == pytest.approx(r["dL_dWh"])
    assert sum(r["dLt_dWh"]) == pytest.approx(r["dL_dWh"])
    with pytest.raises(ValueError, match="positive"):
        bptt_example(h0=-5.0)


def test_q2_tanh_rnn_with_small_weights_vanishes() -> None:
    torch.manual_seed(0)
    model = CaesarRNN(ModelConfig("rnn", 16, 1, False))
    with torch.no_grad():
        model.rnn.weight_hh_l0.mul_(0.5)  # spectral norm well under 1: the sheet's bound holds
    tokens = torch.randint(0, 26, (8, 20))
    norms = state_gradient_norms(model, tokens, tokens)
    assert norms.shape == (20,)
    assert (np.diff(norms) < 0).all()
    assert norms[-1] < 1e-6 * norms[0]


def test_q2_large_recurrent_weights_do_not_vanish() -> None:
    """Orthogonal W scaled by 3 with small inputs: units stay out of saturation and the
    gradient grows backwards (|W| > 1, outside the bound)."""
    torch.manual_seed(1)
    model = CaesarRNN(ModelConfig("rnn", 16, 1, False))
    with torch.no_grad():
        nn_init = torch.nn.init
        nn_init.orthogonal_(model.rnn.weight_hh_l0)
        model.rnn.weight_hh_l0.mul_(3.0)
        model.rnn.weight_ih_l0.mul_(1e-6)
        model.rnn.bias_ih_l0.zero_()
        model.rnn.bias_hh_l0.zero_()
    tokens = torch.randint(0, 26, (4, 6))
    norms = state_gradient_norms(model, tokens, tokens)
    assert (np.diff(norms) > 0).all()


def test_q2_needs_one_layer() -> None:
    model = CaesarRNN(ModelConfig("gru", 8, 2, False))
    tokens = torch.zeros((1, 3), dtype=torch.long)
    with pytest.raises(ValueError, match="one-layer"):
        state_gradient_norms(model, tokens, tokens)


def test_q3_accuracy_by_position() -> None:
    model = CaesarRNN(ModelConfig("mlp", 8, 1, False))
    with torch.no_grad():  # an mlp that outputs its input letter: right wherever plain == cipher
        model.mlp[0].weight.copy_(torch.eye(8, 26) * 10)
        model.mlp[0].bias.zero_()
        model.head.weight.copy_(torch.eye(26, 8))
        model.head.bias.zero_()
    cipher = torch.tensor([[0, 1, 2], [0, 1, 3]])
    target = torch.tensor([[0, 5, 2], [0, 1, -100]])
    acc = accuracy_by_position(model, cipher, target)
    np.testing.assert_allclose(acc, [1.0, 0.5, 1.0])


def test_q4_saved_activations_shrink_with_truncation() -> None:
    torch.manual_seed(2)
    model = CaesarRNN(ModelConfig("gru", 16, 1, False))
    tokens = torch.randint(0, 26, (8, 64))
    with SavedActivations(model) as full:
        loss = F.cross_entropy(model(tokens).reshape(-1, 26), tokens.reshape(-1))
        loss.backward()
    peaks = {}
    for k in (64, 16, 4):
        with SavedActivations(model) as s:
            tbptt_backward(model, tokens, tokens, k)
        peaks[k] = s.peak
        assert s.current == 0  # every graph freed after its backward
    assert peaks[64] == pytest.approx(full.peak, rel=0.05)
    assert peaks[64] > 3 * peaks[16] > 9 * peaks[4]


def test_q5_mlp_learns_a_fixed_key_and_decrypts(tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    write_jsonl(generate(1500, 4, 16, shift=3, seed=2), data)
    out = tmp_path / "mlp"
    metrics = train(
        ModelConfig("mlp", 32, 1, False),
        TrainConfig(
            data=str(data), out=str(out), steps=150, batch_size=32, lr=1e-2, progress=False
        ),
    )
    assert metrics["overall"]["char_acc"] > 0.99
    assert metrics["overall"]["msg_acc_argmax"] > 0.95
    backend = load_backend(out, "cpu")
    got = decrypt_messages(["Khoor, Zruog!"], backend, "argmax")
    assert got[0].plaintext == "Hello, World!"
