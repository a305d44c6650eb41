"""Choosing where the model runs. Training: ``auto`` takes CUDA when present, else the CPU,
and only imports torch when the machine shows an NVIDIA driver at all. Decoding: ``auto`` is
the CPU, in NumPy (no torch import), GPU or not (``decode_device``).
"""

from __future__ import annotations

import os
from pathlib import Path

from caesar_rnn.errors import CaesarRNNError

DEVICES = ("auto", "cpu", "cuda")


def _driver_present() -> bool:
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return False
    return Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidiactl").exists()


def resolve_device(spec: str) -> str:
    """'auto' | 'cpu' | 'cuda' | 'cuda:N' -> a concrete torch device string."""
    if spec == "cpu":
        return "cpu"
    from caesar_rnn.extras import missing, require

    if spec == "auto" and (not _driver_present() or missing("train", ("torch",))):
        return "cpu"  # the base install runs on the CPU, GPU or not
    if spec != "auto" and spec != "cuda" and not spec.startswith("cuda:"):
        raise CaesarRNNError(f"unknown device {spec!r}: choose auto, cpu or cuda")
    require("train", f"device {spec}", "torch")
    import torch

    if torch.cuda.is_available():
        return "cuda" if spec == "auto" else spec
    if spec == "auto":
        return "cpu"
    raise CaesarRNNError(
        f"--device {spec}: CUDA is not available here (torch {torch.__version__}); "
        "use --device cpu or --device auto"
    )


def decode_device(spec: str) -> str:
    """Where a decode (decrypt, crack --method model, eval) runs the model: ``auto`` is the CPU.
    A decode's other stages (calibration, the English verdict, the language step) run on the
    CPU wherever the model runs, and only there do worker processes share a file's lines out:
    on one H200 machine (16 cores), ``decrypt --file`` of 20,000 short lines took 2.5 s on the
    CPU and 11.2 s with the model on the GPU (docs/performance.md, scripts/gpu_bench.sh).
    ``cuda`` (or ``cuda:N``) still runs the model on a GPU."""
    return "cpu" if spec == "auto" else resolve_device(spec)


def cpu_has_bf16() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX), where bf16 autocast pays
    off; elsewhere torch emulates it and training gets slower, not faster."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a private op: absent from some builds
        return False
