"""Device choice: auto falls back to the CPU without CUDA; an unknown device is refused."""

from __future__ import annotations

import pytest

from caesar_rnn import devices
from caesar_rnn.errors import CaesarRNNError


def test_device_auto_falls_back_to_cpu(no_cuda: None) -> None:
    assert devices.resolve_device("auto") == "cpu"
    with pytest.raises(CaesarRNNError, match="unknown device 'tpu'"):
        devices.resolve_device("tpu")
