"""Device choice: auto falls back to the CPU without CUDA; an unknown device is refused."""

from __future__ import annotations

import pytest

from caesar_rnn import devices
from caesar_rnn.errors import CaesarRNNError


def test_device_auto_falls_back_to_cpu(no_cuda: None) -> None:
    assert devices.resolve_device("auto") == "cpu"
    with pytest.raises(CaesarRNNError, match="unknown device 'tpu'"):
        devices.resolve_device("tpu")


def test_decoding_auto_is_the_cpu_even_with_a_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """A decode's auto stays on the CPU (NumPy) where CUDA is present; cuda is still asked
    for by name, and training's auto still takes it."""
    asked: list[str] = []
    monkeypatch.setattr(devices, "resolve_device", lambda spec: asked.append(spec) or "cuda")
    assert devices.decode_device("auto") == "cpu"
    assert asked == []  # no torch import, no driver probe
    assert devices.decode_device("cuda") == "cuda"
    assert asked == ["cuda"]


def test_load_model_auto_decodes_on_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    from caesar_rnn import api

    monkeypatch.setattr(devices, "resolve_device", lambda spec: "cuda")  # as on a GPU machine
    assert api.load_model("shipped").device == "cpu"
