"""Checks of a run's options that need both configs or the machine, made before any data is read
(each config checks its own fields on construction)."""

from __future__ import annotations

from dataclasses import replace

from caesar_rnn.config import ModelConfig, TrainConfig
from caesar_rnn.devices import cpu_has_bf16, resolve_device
from caesar_rnn.errors import CaesarRNNError


def check_options(model_cfg: ModelConfig, cfg: TrainConfig) -> TrainConfig:
    """Checks that need both configs or the machine, before any data is read; returns ``cfg``
    with bf16 resolved (None: on where it is native)."""
    check_pair(model_cfg, cfg)
    device = resolve_device(cfg.device)
    native = device.startswith("cuda") or cpu_has_bf16()
    if cfg.bf16 is None:
        return replace(cfg, bf16=native and not cfg.tbptt)
    if cfg.bf16 and not native:
        raise CaesarRNNError(
            "bf16 needs a CUDA device or a CPU with native bf16 (AVX512-BF16 or AMX); "
            "train in float32 here"
        )
    return cfg


def check_pair(model_cfg: ModelConfig, cfg: TrainConfig) -> None:
    """The options of the two configs that contradict each other (the machine aside)."""
    if cfg.tbptt is not None:
        if not model_cfg.recurrent:
            raise CaesarRNNError(
                f"truncated BPTT needs a recurrent model; {model_cfg.arch} has no state"
            )
        if model_cfg.bidirectional:
            raise CaesarRNNError(
                "truncated BPTT needs a unidirectional model: the backward direction reads the "
                "whole message from its end, so it cannot be cut into chunks"
            )
