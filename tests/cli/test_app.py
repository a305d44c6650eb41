"""The top-level command: help, -h, --version, completion, exit codes, one-line usage errors,
choices that match the library's, and light commands that never import torch."""

from __future__ import annotations

from enum import Enum

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli import options
from caesar_rnn.cli.app import app

COMMANDS = ("encrypt", "decrypt", "crack", "gen-data", "train", "eval")


def test_help_lists_commands_and_exit_codes(runner: CliRunner) -> None:
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    for cmd in COMMANDS:
        assert cmd in r.stdout
    assert "Exit codes: 0 ok, 1 error" in r.stdout and "2 usage error" in r.stdout
    assert "130 interrupted" in r.stdout
    assert "--install-completion" in r.stdout  # shell completion is on
    assert r.stderr == ""


@pytest.mark.parametrize("cmd", COMMANDS)
def test_short_help_on_every_command(runner: CliRunner, cmd: str) -> None:
    r = runner.invoke(app, [cmd, "-h"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(f"Usage: caesar-rnn {cmd} ")
    assert "--quiet" in r.stdout and "Exit codes" in r.stdout
    assert "╭" not in r.stdout  # plain help into a pipe


def test_version(runner: CliRunner) -> None:
    from caesar_rnn import __version__

    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0
    assert r.stdout == f"caesar-rnn {__version__}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decrypt", "abc", "--decode", "vote"], "'--decode'"),
        (["decrypt", "abc", "--device", "tpu"], "'--device'"),
        (["crack", "abc", "--method", "rot"], "'--method'"),
        (["crack", "abc", "--top", "0"], "'--top'"),
        (["decrypt", "--bogus"], "--bogus"),
        (["nocommand"], "nocommand"),
        (["train", "--arch", "transformer"], "'--arch'"),
        (["gen-data", "--style", "poetry"], "'--style'"),
    ],
)
def test_usage_errors_are_one_plain_line(runner: CliRunner, args: list[str], message: str) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert message in r.stderr
    assert "╭" not in r.stderr and "Usage:" not in r.stderr


@pytest.mark.parametrize(
    ("enum", "module", "name", "extra"),
    [
        (options.Decode, "caesar_rnn.decoding.decode", "MODES", ()),
        (options.Method, "caesar_rnn.classical.crackers", "METHODS", ("model",)),
        (options.Device, "caesar_rnn.devices", "DEVICES", ()),
        (options.Style, "caesar_rnn.data.generate", "STYLES", ()),
        (options.Arch, "caesar_rnn.config", "ARCHS", ()),
        (options.Solver, "caesar_rnn.evaluation.evaluate", "SOLVERS", ()),
    ],
)
def test_choices_match_the_library(
    enum: type[Enum], module: str, name: str, extra: tuple[str, ...]
) -> None:
    """The CLI lists its choices without importing the library; they must stay the same."""
    import importlib

    want = {*getattr(importlib.import_module(module), name), *extra}
    assert {e.value for e in enum} == want
