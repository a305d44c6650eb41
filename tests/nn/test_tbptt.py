"""Truncated BPTT (sheet Q4): chunked runs carry the state, K >= T is full BPTT, it learns, the CLI
rejects models it cannot cut."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from typer.testing import CliRunner

from caesar_rnn.cli.app import app
from caesar_rnn.config import ModelConfig
from caesar_rnn.data.dataset import IGNORE
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.tbptt import tbptt_backward


def _batch(seed: int, B: int = 4, T: int = 12) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    plain = torch.randint(0, 26, (B, T), generator=g)
    return (plain + 3) % 26, plain


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_chunks_carrying_state_equal_one_pass(arch: str) -> None:
    torch.manual_seed(0)
    model = CaesarRNN(ModelConfig(arch, 8, 2, False)).eval()
    cipher, _ = _batch(0)
    with torch.no_grad():
        whole = model(cipher)
        a, state = model.forward_with_state(cipher[:, :5])
        b, _ = model.forward_with_state(cipher[:, 5:], state)
    torch.testing.assert_close(torch.cat([a, b], dim=1), whole)


def _grads(model: CaesarRNN) -> dict[str, torch.Tensor]:
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_k_at_least_length_is_full_bptt(arch: str) -> None:
    torch.manual_seed(1)
    model = CaesarRNN(ModelConfig(arch, 8, 1, False))
    cipher, target = _batch(1)
    target[0, 3] = IGNORE  # a boundary position: no letter to predict
    loss = F.cross_entropy(model(cipher).reshape(-1, 26), target.reshape(-1), ignore_index=IGNORE)
    loss.backward()
    full = _grads(model)
    for k in (12, 50):
        model.zero_grad()
        tl, logits = tbptt_backward(model, cipher, target, k)
        torch.testing.assert_close(tl, loss.detach())
        assert logits.shape == (4, 12, 26)
        for name, g in _grads(model).items():
            torch.testing.assert_close(g, full[name], msg=name)
    # Shorter chunks: the same loss, but the recurrent weights lose the cross-chunk terms.
    model.zero_grad()
    tl, _ = tbptt_backward(model, cipher, target, 4)
    torch.testing.assert_close(tl, loss.detach())
    assert not torch.allclose(model.rnn.weight_hh_l0.grad, full["rnn.weight_hh_l0"])
    # The head sees no recurrence: its gradient is the same.
    torch.testing.assert_close(model.head.weight.grad, full["head.weight"])


def test_tbptt_reduces_loss() -> None:
    torch.manual_seed(2)
    model = CaesarRNN(ModelConfig("gru", 16, 1, False))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    cipher, target = _batch(2, B=16, T=20)
    losses = []
    for _ in range(40):
        opt.zero_grad()
        loss, _ = tbptt_backward(model, cipher, target, 5)
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


@pytest.fixture()
def pairs(tmp_path: Path) -> Path:
    data = tmp_path / "pairs.jsonl"
    write_jsonl(generate(200, 8, 16, shift=3, seed=0), data)
    return data


def test_cli_rejects_tbptt_for_bidirectional(pairs: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["train", "--data", str(pairs), "--out", str(tmp_path / "m"), "--tbptt", "4"]
    )
    assert res.exit_code == 2  # options that contradict each other: a usage error
    assert res.stdout == ""
    assert "unidirectional" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    "bad", [["--tbptt", "0", "--no-bidirectional"], ["--tbptt", "4", "--arch", "mlp"]]
)
def test_cli_rejects_bad_tbptt(pairs: Path, tmp_path: Path, bad: list[str]) -> None:
    res = CliRunner().invoke(
        app, ["train", "--data", str(pairs), "--out", str(tmp_path / "m"), *bad]
    )
    assert res.exit_code == 2
    assert "truncat" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "m").exists()  # refused before anything was written


def test_cli_trains_with_tbptt(pairs: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    args = ["train", "--data", str(pairs), "--out", str(out), "--tbptt", "4"]
    args += ["--no-bidirectional", "--hidden", "16", "--layers", "1", "--steps", "20"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.stderr
    assert "validation" in res.stdout
    assert (out / "model.safetensors").exists()
