"""The base install's smoke tests: what `pip install caesar-rnn` gives, with no torch, no text
sources, no matplotlib. .ci/run also runs this file (`-m base`) in a venv of the declared minimum
versions (constraints/minimum.txt), so every dependency floor is a version these passed on."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import caesar_rnn
from caesar_rnn.cipher import encrypt
from caesar_rnn.cli.app import app
from caesar_rnn.store import shipped_model_dir

pytestmark = pytest.mark.base
runner = CliRunner()
SHIPPED = str(shipped_model_dir())


def test_version_comes_from_the_package_metadata() -> None:
    assert caesar_rnn.__version__ == importlib.metadata.version("caesar-rnn")
    assert caesar_rnn.__version__[0].isdigit()


@pytest.mark.parametrize(
    "command", [[], ["encrypt"], ["decrypt"], ["crack"], ["gen-data"], ["train"], ["eval"]]
)
def test_help(command: list[str]) -> None:
    r = runner.invoke(app, [*command, "--help"])
    assert r.exit_code == 0, r.output
    assert "Usage" in r.stdout


def test_encrypt() -> None:
    r = runner.invoke(app, ["encrypt", "hello world", "-k", "3"])
    assert (r.exit_code, r.stdout, r.stderr) == (0, "khoor zruog\n", "")


def test_decrypt_text_with_the_shipped_model() -> None:
    r = runner.invoke(app, ["decrypt", "khoorzruog", "--model", SHIPPED])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "helloworld\n"


def test_decrypt_file_and_stdin(tmp_path: Path) -> None:
    lines = ["the weather was cold that morning", "please send the report on friday"]
    f = tmp_path / "c.txt"
    f.write_text("".join(encrypt(s, 7) + "\n" for s in lines))
    r = runner.invoke(app, ["decrypt", "--file", str(f), "--model", SHIPPED])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == lines
    r = runner.invoke(app, ["decrypt", "--file", "-", "--model", SHIPPED], input=f.read_text())
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == lines


@pytest.mark.parametrize("method", ["ngram", "chi2", "words"])
def test_crack(method: str) -> None:
    r = runner.invoke(app, ["crack", encrypt("the meeting is on friday", 5), "--method", method])
    assert r.exit_code == 0, r.stderr
    assert "the meeting is on friday" in r.stdout


def test_shell_use_writes_nothing_under_home(tmp_path: Path) -> None:
    """The installed command, from a shell: the first crack reads the tables shipped in the
    package, and nothing lands under the home directory."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    for args in (["crack", "khoorzruog", "--top", "1"], ["decrypt", "khoorzruog"]):
        r = subprocess.run(
            [sys.executable, "-m", "caesar_rnn", *args],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert "helloworld" in r.stdout
    assert list(home.iterdir()) == []
