"""The top-level command: help, -h, --version, completion, exit codes, one-line usage errors,
choices that match the library's, and light commands that never import torch."""

from __future__ import annotations

import json
import subprocess
import sys
from enum import Enum
from pathlib import Path

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


# Runs CLI commands in a fresh interpreter and reports which heavy modules they imported.
_PROBE = """
import io, json, sys
from caesar_rnn.cli.app import app
codes = []
for args, stdin in json.loads(sys.argv[1]):
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        app(args=args, prog_name="caesar-rnn")
    except SystemExit as exc:
        codes.append(exc.code)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "symspellpy", "wordfreq"))
print(json.dumps({"codes": codes, "heavy": heavy}), file=sys.stderr)
"""


def test_new_input_paths_never_import_torch(tmp_path: Path) -> None:
    (tmp_path / "m.txt").write_text("khoorzruog\n")
    commands = [
        (["decrypt", "--model", "shipped"], "khoorzruog\n"),
        (["decrypt", "-", "-k", "3"], "khoor\n"),
        (["encrypt", "-f", str(tmp_path / "m.txt")], ""),
        (["crack", "--best"], "khoorzruog\n"),
        (["--version"], ""),
    ]
    r = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(commands)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    got = json.loads(r.stderr.strip().splitlines()[-1])
    assert got["codes"] == [0] * len(commands)
    assert "helloworld\nhello\n" in r.stdout
    assert not [m for m in got["heavy"] if m.startswith("torch")]
