"""Choosing where the model runs: ``auto`` takes CUDA when present, else the CPU.

Decryption on the CPU runs in NumPy (no torch import), so ``auto`` only imports torch when the
machine shows an NVIDIA driver at all.
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


def cpu_has_bf16() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX), where bf16 autocast pays
    off; elsewhere torch emulates it and training gets slower, not faster."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a private op: absent from some builds
        return False
