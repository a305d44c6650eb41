"""Shared fixtures: a fixed terminal width for rich, a tiny trained model, marker handling."""

from __future__ import annotations

import os

import pytest

try:  # CI runs the property tests on a fixed example sequence, so a green run is repeatable
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, deadline=None)
    if os.environ.get("CI"):
        settings.load_profile("ci")
except ImportError:  # pragma: no cover
    pass

os.environ.setdefault("COLUMNS", "120")
os.environ.setdefault("NO_COLOR", "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:  # pragma: no cover
        has_cuda = False
    skip = pytest.mark.skip(reason="needs CUDA")
    for item in items:
        if "gpu" in item.keywords and not has_cuda:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _calibration_off(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """``train`` fits the saved model's calibration table (~10 s on 2 cores): tests skip that
    fit, but those that ask for the ``calibration_on`` fixture."""
    if "calibration_on" in request.fixturenames:
        return
    import types

    import caesar_rnn.decoding.fitting as fitting

    def skipped(model_dir: object, *args: object, **kwargs: object) -> tuple[object, None]:
        return types.SimpleNamespace(source={"messages": 0, "exact": 0.0}), None

    monkeypatch.setattr(fitting, "calibrate_model", skipped)


@pytest.fixture
def calibration_on() -> None:
    """``train``'s calibration fit runs (see ``_calibration_off``)."""


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small bidirectional GRU trained for a few seconds on fixed-key (shift 3) data."""
    from caesar_rnn.config import ModelConfig
    from caesar_rnn.data.generate import generate, write_jsonl
    from caesar_rnn.training.trainer import TrainConfig, train

    d = tmp_path_factory.mktemp("tiny")
    data = d / "pairs.jsonl"
    write_jsonl(generate(3000, 4, 24, shift=3, seed=1), data)
    out = d / "model"
    train(
        ModelConfig("gru", 32, 1, True),
        TrainConfig(
            data=str(data),
            out=str(out),
            epochs=4,
            batch_size=32,
            lr=1e-2,
            device="cpu",
            progress=False,
            calibrate=False,  # a session fixture: trained before ``_calibration_off`` patches
        ),
    )
    return str(out)


@pytest.fixture
def no_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with an NVIDIA driver but no usable CUDA (whatever this one has)."""
    import torch

    from caesar_rnn import devices

    monkeypatch.setattr(devices, "_driver_present", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
