"""Data-parallel training: torchrun launches two CPU processes (gloo over loopback) on tiny data."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from caesar_rnn.data.dataset import Pairs, TokenData
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.training.distributed import is_main_process, session, steps_per_rank

RANK_LINE = re.compile(
    r"\[rank (\d)/2\] trained (\d+) steps on its shard: (\d+) messages, (\d+) tokens, "
    r"loss ([\d.]+) -> ([\d.]+)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_steps_per_rank_is_equal_for_all_ranks() -> None:
    data = TokenData(Pairs(["abcd"] * 7 + ["abcdef"] * 4, [3] * 11), False)
    n_plan = 3 + 2  # batches of 2: four of length 4, two of length 6
    for world in (1, 2, 3):
        per_rank = steps_per_rank(n_plan, world)
        for rank in range(world):
            rng = np.random.default_rng(5)  # every rank shares the seed, hence the plan
            shard = list(islice(data.batches(2, rng, rank=rank, world=world), per_rank))
            assert len(shard) == per_rank
        assert per_rank * world > n_plan - world  # at most world-1 batches left out per epoch
    assert steps_per_rank(5, 1) == 5 and steps_per_rank(5, 2) == 2


@pytest.mark.parametrize("world", [2, 3])
def test_ranks_draw_one_length_per_step_and_cover_every_message(world: int) -> None:
    """Under DDP every step waits for the slowest rank: the ranks' batches of one step share a
    length (all but the few leftover batches of each length), and together they still hold every
    message once per epoch."""
    words = ["ab", "abcd", "abcdef", "abcdefgh", "abcdefghijkl"]
    rng0 = np.random.default_rng(1)
    texts = [words[int(i)] for i in rng0.integers(0, len(words), 400)]
    data = TokenData(Pairs(texts, [0] * len(texts)), False)
    n_plan = sum(-(-len(a) // 8) for a in data.plain.values())
    per_rank = steps_per_rank(n_plan, world)
    shards = [
        [t.shape for t, _ in data.batches(8, np.random.default_rng(7), rank=r, world=world)]
        for r in range(world)
    ]
    steps = list(zip(*(s[:per_rank] for s in shards), strict=True))
    mixed = sum(len({shape[1] for shape in step}) > 1 for step in steps)
    assert mixed <= len(words)  # only runs of leftover batches may mix lengths
    assert sum(shape[0] for s in shards for shape in s) == len(texts)
    one = [t.shape for t, _ in data.batches(8, np.random.default_rng(7))]
    assert sum(shape[0] for shape in one) == len(texts)


def test_alone_nothing_is_distributed(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    with session("cpu") as ctx:
        assert (ctx.enabled, ctx.is_main, ctx.world, ctx.device) == (False, True, 1, "cpu")
        assert ctx.any_rank(True) and not ctx.any_rank(False)
        assert ctx.sum(3.0) == 3.0
        import torch

        model = torch.nn.Linear(2, 2)
        assert ctx.wrap(model) is model
    assert is_main_process()
    monkeypatch.setenv("RANK", "1")
    assert not is_main_process()


def test_bf16_on_a_cpu_without_native_bf16_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caesar_rnn.config import ModelConfig
    from caesar_rnn.training import options as options_mod
    from caesar_rnn.training.trainer import TrainConfig, train

    monkeypatch.setattr(options_mod, "cpu_has_bf16", lambda: False)
    with pytest.raises(CaesarRNNError, match="bf16 needs a CUDA device or a CPU with native"):
        train(ModelConfig("gru", 8, 1, False), TrainConfig(device="cpu", bf16=True))


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from caesar_rnn.data.generate import generate, write_jsonl

    data = tmp_path_factory.mktemp("ddp") / "pairs.jsonl"
    write_jsonl(generate(2000, 4, 16, shift=3, seed=1), data)
    return data


def _train(nproc: int | None, data: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    """`caesar-rnn train` on the CPU, alone (nproc None) or under torchrun, one thread each."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if sys.platform.startswith("linux"):
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")  # loopback only, whatever the host's network
    launch = [sys.executable]
    if nproc is not None:
        launch += [
            "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", str(nproc),
            "--master_addr", "127.0.0.1", "--master_port", str(_free_port()),
        ]  # fmt: skip
    cmd = [*launch, "-m", "caesar_rnn", "train", "--data", str(data), "--out", str(out)]
    cmd += ["--device", "cpu", "--threads", "1", *options]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_torchrun_one_process_trains_like_a_plain_run(pairs: Path, tmp_path: Path) -> None:
    small = ("--hidden", "16", "--layers", "1", "--steps", "15", "--batch-size", "16")
    _train(None, pairs, tmp_path / "plain", *small)
    _train(1, pairs, tmp_path / "ddp1", *small)
    weights = [(tmp_path / d / "model.safetensors").read_bytes() for d in ("plain", "ddp1")]
    assert weights[0] == weights[1]


def test_torchrun_two_cpu_processes(pairs: Path, tmp_path: Path) -> None:
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.decode import decrypt_messages
    from caesar_rnn.store import load_meta

    out = tmp_path / "model"
    proc = _train(
        2, pairs, out, "--arch", "gru", "--hidden", "32", "--layers", "1",
        "--epochs", "4", "--batch-size", "32", "--lr", "1e-2",
    )  # fmt: skip

    ranks = {int(m[1]): m for m in RANK_LINE.finditer(proc.stderr)}
    assert sorted(ranks) == [0, 1], proc.stderr[-3000:]
    steps = {int(m[2]) for m in ranks.values()}
    assert len(steps) == 1 and steps.pop() > 0  # same step count: no rank left hanging
    for m in ranks.values():
        assert int(m[3]) > 0 and int(m[4]) > 0
        assert float(m[6]) < 0.5 * float(m[5])  # the loss fell on both ranks
    assert proc.stdout.count("validation") == 1  # rank 0 alone reports

    meta = load_meta(out)
    assert meta.metrics["train"]["processes"] == 2
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "model.safetensors"]
    [d] = decrypt_messages(["khoorzruog"], load_backend(out), "key")
    assert (d.plaintext, d.shift) == ("helloworld", 3)
    assert json.loads((out / "config.json").read_text())["training"]["bf16"] is False


def _torchrun(nproc: int, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if sys.platform.startswith("linux"):
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--nnodes", "1",
        "--nproc_per_node", str(nproc), "--master_addr", "127.0.0.1",
        "--master_port", str(_free_port()), *args,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow  # three torchrun launches: about a minute on two busy cores
def test_torchrun_sigterm_on_one_rank_then_resume(pairs: Path, tmp_path: Path) -> None:
    """SIGTERM reaches rank 1 alone: both ranks stop at the same step, rank 0 writes the
    checkpoint, and a resumed torchrun run ends with the weights of an uninterrupted one."""
    worker = str(Path(__file__).with_name("ddp_worker.py"))
    full, cut = tmp_path / "full", tmp_path / "cut"
    ref = _torchrun(2, worker, str(pairs), str(full), "0")
    assert ref.returncode == 0, ref.stderr[-3000:]

    stopped = _torchrun(2, worker, str(pairs), str(cut), "10")
    assert stopped.returncode != 0  # torchrun reports the interrupted workers
    assert "checkpoint saved" in stopped.stderr, stopped.stderr[-3000:]
    state = json.loads((cut / "checkpoint" / "state.json").read_text())
    assert state["position"]["step"] == 10
    assert not (cut / "model.safetensors").exists()

    resumed = _torchrun(2, "-m", "caesar_rnn", "train", "--resume", str(cut), "--device", "cpu")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stdout.count("validation") == 1
    assert not (cut / "checkpoint").exists()  # finished: the checkpoint is cleared
    weights = [(d / "model.safetensors").read_bytes() for d in (full, cut)]
    assert weights[0] == weights[1]


def test_bf16_autocast_runs_the_cpu_training_forward_in_bf16(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import math

    import numpy as np
    import torch

    from caesar_rnn.config import ModelConfig
    from caesar_rnn.data.generate import generate, write_jsonl
    from caesar_rnn.devices import cpu_has_bf16
    from caesar_rnn.store import load_meta, load_weights
    from caesar_rnn.training import trainer as train_mod
    from caesar_rnn.training.trainer import TrainConfig, train

    if not cpu_has_bf16():
        pytest.skip("this CPU has no native bf16")
    seen: list[torch.dtype] = []

    class Spy(train_mod.CaesarRNN):
        def forward(
            self, tokens: torch.Tensor, lengths: torch.Tensor | None = None
        ) -> torch.Tensor:
            out = super().forward(tokens, lengths)
            if self.training:
                seen.append(out.dtype)
            return out

    monkeypatch.setattr(train_mod, "CaesarRNN", Spy)
    data = tmp_path / "pairs.jsonl"
    write_jsonl(generate(400, 4, 12, shift=3, seed=1), data)
    cfg = TrainConfig(str(data), str(tmp_path / "m"), steps=12, batch_size=32, progress=False)
    cfg.device, cfg.bf16 = "cpu", True
    metrics = train(ModelConfig("gru", 16, 1, True), cfg)
    assert len(seen) == 12 and set(seen) == {torch.bfloat16}
    assert math.isfinite(metrics["train"]["final_loss"])
    meta = load_meta(tmp_path / "m")
    assert meta.training["bf16"] is True
    assert all(w.dtype == np.float32 for w in load_weights(tmp_path / "m", meta.model).values())


@pytest.mark.gpu
def test_bf16_autocast_trains_on_cuda(tmp_path: Path) -> None:
    import random

    from caesar_rnn.config import ModelConfig
    from caesar_rnn.data.generate import generate, write_jsonl
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.decode import decrypt_messages
    from caesar_rnn.store import load_meta
    from caesar_rnn.training.trainer import TrainConfig, train

    rng = random.Random(0)  # a corpus of random words: no symspellpy needed on GPU machines
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 8))) for _ in range(3000)
    ]
    (tmp_path / "words.txt").write_text(" ".join(words))
    data = tmp_path / "pairs.jsonl"
    write_jsonl(generate(3000, 4, 24, 3, "letters", [tmp_path / "words.txt"], seed=1), data)
    cfg = TrainConfig(str(data), str(tmp_path / "m"), epochs=4, batch_size=32, lr=1e-2)
    cfg.device, cfg.bf16, cfg.progress = "cuda", True, False
    metrics = train(ModelConfig("gru", 32, 1, True), cfg)
    assert metrics["overall"]["char_acc"] >= 0.99
    assert load_meta(tmp_path / "m").training["bf16"] is True
    [d] = decrypt_messages(["khoorzruog"], load_backend(tmp_path / "m"))
    assert d.plaintext == "helloworld"
