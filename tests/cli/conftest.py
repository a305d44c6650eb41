"""CLI test fixtures: a CliRunner that keeps stdout and stderr apart."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    """stdout and stderr apart: click < 8.2 needs ``mix_stderr=False``, later ones always do it."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()
