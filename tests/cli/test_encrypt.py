"""`caesar-rnn encrypt`: TEXT, --file, stdin."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from caesar_rnn.cli.app import app


def test_encrypt(runner: CliRunner) -> None:
    r = runner.invoke(app, ["encrypt", "helloworld", "--shift", "3"])
    assert r.exit_code == 0
    assert r.stdout == "khoorzruog\n"
    assert r.stderr == ""


def test_encrypt_default_key_and_short_option(runner: CliRunner) -> None:
    assert runner.invoke(app, ["encrypt", "Hello, World!"]).stdout == "Khoor, Zruog!\n"
    assert runner.invoke(app, ["encrypt", "abc", "-k", "27"]).stdout == "bcd\n"


def test_encrypt_file_and_stdin(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "plain.txt"
    src.write_text("hello\n\nworld\n")
    r = runner.invoke(app, ["encrypt", "-f", str(src), "-k", "1"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "ifmmp\n\nxpsme\n"
    for args in (["encrypt", "-k", "1"], ["encrypt", "-", "-k", "1"], ["encrypt", "-f", "-"]):
        r = runner.invoke(app, args, input="hello\nworld\n")
        assert r.exit_code == 0, r.stderr
        assert r.stdout == ("khoor\nzruog\n" if "-f" in args else "ifmmp\nxpsme\n")


def test_encrypt_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["encrypt", "-f", str(tmp_path / "none.txt")])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "cannot read" in r.stderr
