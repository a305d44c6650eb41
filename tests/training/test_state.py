"""No lost work in training: Ctrl-C / SIGTERM save a resumable checkpoint, a resumed run ends with
bit-identical weights, periodic checkpoints, and a NaN loss keeps the last good checkpoint."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file
from typer.testing import CliRunner

from caesar_rnn.cli.app import app
from caesar_rnn.config import ModelConfig
from caesar_rnn.data.dataset import TokenData, read_pairs
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.training import state as resume
from caesar_rnn.training.trainer import TrainConfig, resume_training, split_indices, train

STEPS = 30


def _model_cfg() -> ModelConfig:
    # Two layers with dropout, so the torch RNG matters; reshift, so the data RNG does too.
    return ModelConfig("gru", 8, 2, True, False, dropout=0.2)


def _cfg(data: Path, out: Path, every: int = 0) -> TrainConfig:
    return TrainConfig(
        data=str(data),
        out=str(out),
        steps=STEPS,
        batch_size=16,
        lr=1e-2,
        warmup=5,
        reshift=True,
        device="cpu",
        seed=7,
        progress=False,
        checkpoint_every=every,
        calibrate=False,  # module fixtures train before the tests' patch
    )


def _per_epoch(data: Path) -> int:
    pairs = read_pairs(data)
    idx, _ = split_indices(len(pairs), 0.05, 5000, 7)
    return sum(math.ceil(len(a) / 16) for a in TokenData(pairs, False, idx).plain.values())


def _signal_at(k: int, signum: int = signal.SIGINT):
    def hook(step: int) -> None:
        if step == k:
            os.kill(os.getpid(), signum)  # as if the user pressed Ctrl-C during step k

    return hook


@pytest.fixture(scope="module")
def straight(data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    out = tmp_path_factory.mktemp("straight") / "model"
    train(_model_cfg(), _cfg(data, out))
    return load_file(out / "model.safetensors")


@pytest.mark.parametrize("where", ["mid-epoch", "epoch-end"])
def test_interrupted_and_resumed_run_is_bit_identical(
    where: str, data: Path, tmp_path: Path, straight: dict[str, np.ndarray]
) -> None:
    k = 5 if where == "mid-epoch" else _per_epoch(data)
    assert k < STEPS
    out = tmp_path / "model"
    with pytest.raises(resume.TrainingInterrupted, match=f"SIGINT at step {k} of {STEPS}"):
        train(_model_cfg(), _cfg(data, out), on_step=_signal_at(k))
    assert not (out / "model.safetensors").exists()
    ckpt = resume.load(out)
    assert ckpt.position.step == k
    assert {"model.head.weight", "rng.torch", "rng.numpy_keys"} <= set(ckpt.tensors)
    assert any(name.startswith("optim.") for name in ckpt.tensors)
    # Scramble every RNG: the checkpoint must bring them back itself.
    torch.manual_seed(999)
    np.random.seed(999)
    resume_training(out, progress=False)
    got = load_file(out / "model.safetensors")
    assert set(got) == set(straight)
    for name, want in straight.items():
        assert np.array_equal(got[name], want), name  # bitwise, not approximately
    assert not (out / "checkpoint").exists()  # a finished run leaves no checkpoint behind


def test_periodic_checkpoints_replace_each_other(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    seen: list[tuple[int, list[str]]] = []

    def hook(step: int) -> None:
        d = out / "checkpoint"
        if d.exists():
            seen.append((resume.load(d).position.step, sorted(p.name for p in d.iterdir())))

    train(_model_cfg(), _cfg(data, out, every=10), on_step=hook)
    steps = sorted({s for s, _ in seen})
    assert steps == [10, 20]  # saved after steps 10 and 20; not after the last (the model is)
    assert all(len(files) == 2 for _, files in seen)  # state.json + one tensor file, no leftovers


def test_nan_loss_stops_and_keeps_last_good_checkpoint(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch.nn.functional as F

    real = F.cross_entropy
    calls = [0]

    def poisoned(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls[0] += 1
        loss = real(*args, **kwargs)
        return loss * float("nan") if calls[0] == 13 else loss

    monkeypatch.setattr(F, "cross_entropy", poisoned)
    out = tmp_path / "model"
    with pytest.raises(CaesarRNNError) as err:
        train(_model_cfg(), _cfg(data, out, every=5))
    msg = str(err.value)
    assert "loss became nan at step 12" in msg
    assert f"last good checkpoint (step 10) is kept in {out / 'checkpoint'}" in msg
    assert not (out / "model.safetensors").exists()
    ckpt = resume.load(out)
    assert ckpt.position.step == 10
    assert all(np.isfinite(v).all() for k, v in ckpt.tensors.items() if k.startswith("model."))


def test_fresh_run_refuses_to_overwrite_a_checkpoint(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    with pytest.raises(resume.TrainingInterrupted):
        train(_model_cfg(), _cfg(data, out), on_step=_signal_at(3))
    with pytest.raises(CaesarRNNError, match="checkpoint of an unfinished run"):
        train(_model_cfg(), _cfg(data, out))
    assert resume.load(out).position.step == 3


def test_resume_refuses_changed_data(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "pairs.jsonl"
    copy.write_bytes(data.read_bytes())
    out = tmp_path / "model"
    with pytest.raises(resume.TrainingInterrupted):
        train(_model_cfg(), _cfg(copy, out), on_step=_signal_at(3))
    with copy.open("a") as f:
        f.write(json.dumps({"ciphertext": "bcd", "plaintext": "abc", "shift": 1}) + "\n")
    with pytest.raises(CaesarRNNError, match="has changed"):
        resume_training(out, progress=False)


def test_cli_resume(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    with pytest.raises(resume.TrainingInterrupted):
        train(_model_cfg(), _cfg(data, out), on_step=_signal_at(4))
    r = CliRunner().invoke(app, ["train", "--resume", str(out / "checkpoint"), "--device", "cpu"])
    assert r.exit_code == 0, r.stderr
    assert "validation" in r.stdout
    assert f"saved model to {out}" in r.stderr
    assert (out / "model.safetensors").exists() and not (out / "checkpoint").exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such folder"),
        ("empty", "no checkpoint there"),
        ("tampered", "does not match"),
        ("version", "format version 99"),
    ],
)
def test_cli_resume_bad_checkpoint(setup: str, message: str, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    if setup == "empty":
        out.mkdir()
    elif setup in ("tampered", "version"):
        with pytest.raises(resume.TrainingInterrupted):
            train(_model_cfg(), _cfg(data, out), on_step=_signal_at(2))
        d = out / "checkpoint"
        if setup == "tampered":
            blob = next(d.glob("state-*.safetensors"))
            blob.write_bytes(blob.read_bytes()[:-10])
        else:
            doc = json.loads((d / "state.json").read_text())
            doc["format_version"] = 99
            (d / "state.json").write_text(json.dumps(doc))
    r = CliRunner().invoke(app, ["train", "--resume", str(out)])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert message in r.stderr and "Traceback" not in r.stderr


def test_sigterm_in_a_real_process_saves_a_checkpoint(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    cmd = [sys.executable, "-m", "caesar_rnn", "train", "--data", str(data), "--out", str(out)]
    cmd += ["--hidden", "8", "--layers", "1", "--steps", "1000000", "--checkpoint-every", "20"]
    cmd += ["--device", "cpu", "--threads", "1", "--batch-size", "8"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120  # a safety net, not a timing: normally a few seconds
        while not (out / "checkpoint" / "state.json").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no checkpoint appeared"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert stdout == ""
    assert "SIGTERM at step" in stderr and "--resume" in stderr
    assert "Traceback" not in stderr
    assert resume.load(out).position.step >= 20


def test_resume_writes_beside_the_checkpoint_from_any_folder(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    with pytest.raises(resume.TrainingInterrupted):
        train(_model_cfg(), _cfg(data, Path("model")), on_step=_signal_at(3))  # a relative OUT
    monkeypatch.chdir(tmp_path / "b")
    resume_training(tmp_path / "a" / "model", progress=False)
    assert (tmp_path / "a" / "model" / "model.safetensors").exists()
    assert list((tmp_path / "b").iterdir()) == []


def test_ctrl_c_outside_the_training_loop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import caesar_rnn.training.trainer

    def interrupted(path: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(caesar_rnn.training.trainer, "read_pairs", interrupted)
    r = CliRunner().invoke(app, ["train", "--out", str(tmp_path / "m"), "--device", "cpu"])
    assert r.exit_code == 130
    assert r.stdout == "" and r.stderr == "interrupted\n"
    assert not (tmp_path / "m").exists()
