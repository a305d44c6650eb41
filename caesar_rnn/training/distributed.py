"""Training across processes and machines on PyTorch's own engine: torchrun + DistributedDataParallel.

``caesar-rnn train`` needs no flag for this: torchrun sets RANK, WORLD_SIZE, LOCAL_RANK and the
rendezvous variables, and ``session()`` turns them into a process group (gloo on the CPU, NCCL on
CUDA, one GPU per local rank); ``torchrun --nproc_per_node 1`` gives a process group of one, which
trains like a plain run. Without torchrun every helper here is a no-op, so a plain run takes exactly
the code path it took before distributed training existed.

Rules the training loop keeps so that no rank ever waits forever in an all-reduce:
every rank runs the same number of steps (``steps_per_rank``), only rank 0 writes files and
progress, and any decision that ends training early is agreed on by all ranks (``any_rank``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from caesar_rnn.errors import CaesarRNNError


@dataclass(frozen=True)
class DistContext:
    """Where this process stands: rank among ``world`` processes, and its GPU index on the node."""

    rank: int = 0
    local_rank: int = 0
    world: int = 1
    device: str = "cpu"
    distributed: bool = False  # in a process group (torchrun), even one of a single process

    @property
    def enabled(self) -> bool:
        return self.distributed

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def wrap(self, model: nn.Module) -> nn.Module:
        """The module to call for training steps: DDP around ``model`` when distributed, else
        ``model`` itself. Keep the bare model for state_dict (no ``module.`` prefix) and eval."""
        if not self.enabled:
            return model
        from torch.nn.parallel import DistributedDataParallel as DDP

        if self.device.startswith("cuda"):
            return DDP(model, device_ids=[torch.device(self.device).index])
        return DDP(model)

    def any_rank(self, flag: bool) -> bool:
        """True on every rank when ``flag`` is true on at least one: for stopping early (SIGTERM,
        a step budget) without leaving the others blocked in the next gradient all-reduce."""
        if not self.enabled:
            return flag
        t = torch.tensor([1.0 if flag else 0.0], device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return bool(t.item() > 0)

    def sum(self, value: float) -> float:
        """``value`` summed over all ranks (e.g. tokens seen, for a global throughput)."""
        if not self.enabled:
            return value
        t = torch.tensor([float(value)], dtype=torch.float64, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return float(t.item())

    def barrier(self) -> None:
        if self.enabled:
            if self.device.startswith("cuda"):
                dist.barrier(device_ids=[torch.device(self.device).index])
            else:
                dist.barrier()

    def log(self, message: str) -> None:
        """One line on stderr from this rank, tagged with it (only used when distributed)."""
        print(f"[rank {self.rank}/{self.world}] {message}", file=sys.stderr, flush=True)


def launched_by_torchrun() -> bool:
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def env_rank() -> int:
    """This process's global rank from torchrun's environment; 0 when not launched by it."""
    return int(os.environ.get("RANK", "0") or 0)


def is_main_process() -> bool:
    """Whether this process should print results (cheap: reads the environment only)."""
    return env_rank() == 0


def steps_per_rank(n_batches: int, world: int) -> int:
    """Batches each rank takes from one epoch's shared plan: the same count on every rank (rank r
    would otherwise get one more batch than rank r+1 whenever world does not divide the plan)."""
    if world <= 1:
        return n_batches
    return n_batches // world


def _device_for(device: str, local_rank: int) -> str:
    """One GPU per local rank: 'cuda' becomes 'cuda:LOCAL_RANK'; an explicit 'cuda:N' stays."""
    if device == "cuda":
        if local_rank >= torch.cuda.device_count():
            raise CaesarRNNError(
                f"local rank {local_rank} has no GPU: this node shows "
                f"{torch.cuda.device_count()}; start fewer processes per node"
            )
        device = f"cuda:{local_rank}"
    if device.startswith("cuda"):
        torch.cuda.set_device(torch.device(device))
    return device


@contextmanager
def session(device: str) -> Iterator[DistContext]:
    """Join the process group torchrun describes (if any) for the duration of a training run.

    ``device`` is the resolved device ('cpu', 'cuda' or 'cuda:N'). A group that the caller already
    set up is used and left alone; one made here is torn down on the way out.
    """
    if not launched_by_torchrun():
        yield DistContext(device=device)
        return
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = _device_for(device, local_rank)
    owned = not dist.is_initialized()
    if owned:
        backend = "nccl" if device.startswith("cuda") else "gloo"
        dist.init_process_group(backend=backend)
    try:
        yield DistContext(dist.get_rank(), local_rank, dist.get_world_size(), device, True)
    finally:
        if owned and dist.is_initialized():
            dist.destroy_process_group()
