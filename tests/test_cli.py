"""Every command through CliRunner: exit code, stdout and stderr checked apart."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app

runner = CliRunner()


def test_help_lists_commands() -> None:
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    for cmd in ("encrypt", "gen-data", "train", "decrypt"):
        assert cmd in r.stdout


def test_encrypt() -> None:
    r = runner.invoke(app, ["encrypt", "helloworld", "--shift", "3"])
    assert r.exit_code == 0
    assert r.stdout == "khoorzruog\n"
    assert r.stderr == ""


def test_gen_data(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--count", "50", "--style", "natural"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == str(out)
    assert "wrote 50 pairs" in r.stderr
    assert len(out.read_text().splitlines()) == 50


def test_gen_data_errors_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--min-len", "9", "--max-len", "3"])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "error:" in r.stderr and "--min-len" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_train_and_decrypt(tmp_path: Path) -> None:
    data, model = tmp_path / "d.jsonl", tmp_path / "m"
    assert (
        runner.invoke(
            app, ["gen-data", "-o", str(data), "--count", "300", "--shift", "3"]
        ).exit_code
        == 0
    )
    r = runner.invoke(
        app,
        [
            "train",
            "--data",
            str(data),
            "--out",
            str(model),
            "--hidden",
            "16",
            "--layers",
            "1",
            "--epochs",
            "1",
            "--device",
            "cpu",
        ],
    )
    assert r.exit_code == 0, r.stderr
    assert "validation" in r.stdout and "char acc" in r.stdout
    assert (model / "model.safetensors").exists() and (model / "config.json").exists()
    r = runner.invoke(app, ["decrypt", "khoor", "--model", str(model), "--json"])
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    assert set(rec) == {"ciphertext", "plaintext", "shift", "confidence"}
    assert f"using model {model}" in r.stderr


def test_decrypt_file_keeps_lines(tmp_path: Path, tiny_model: str) -> None:
    src = tmp_path / "in.txt"
    src.write_text("khoorzruog\n\n!!!\nkhoor zruog\n")
    r = runner.invoke(
        app, ["decrypt", "--file", str(src), "--model", tiny_model, "--decode", "argmax"]
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.split("\n")[:4] == ["helloworld", "", "!!!", "hello world"]
    assert r.stdout.count("\n") == 4


def test_decrypt_stdin(tiny_model: str) -> None:
    r = runner.invoke(app, ["decrypt", "--file", "-", "--model", tiny_model], input="khoorzruog\n")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "helloworld\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decrypt"], "give either TEXT or --file"),
        (["decrypt", "--file", "/nonexistent/file.txt"], "cannot read"),
        (["decrypt", "abc", "--model", "/nonexistent"], "does not exist"),
        (["decrypt", "abc", "--decode", "vote"], "unknown decode mode"),
        (["train", "--data", "/nonexistent.jsonl"], "does not exist"),
        (["train", "--arch", "transformer"], "unknown arch"),
    ],
)
def test_errors(args: list[str], message: str, tiny_model: str) -> None:
    if "--model" not in args and args[0] == "decrypt":
        args = [*args, "--model", tiny_model]
    r = runner.invoke(app, args)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_decrypt_directory_as_file(tmp_path: Path, tiny_model: str) -> None:
    r = runner.invoke(app, ["decrypt", "--file", str(tmp_path), "--model", tiny_model])
    assert r.exit_code == 1
    assert "is a directory" in r.stderr


def _train_cli(tmp_path: Path, data_args: list[str], train_args: list[str]) -> dict[str, object]:
    data, model = tmp_path / "d.jsonl", tmp_path / "m"
    r = runner.invoke(app, ["gen-data", "-o", str(data), "--count", "200", *data_args])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(
        app,
        [
            "train",
            "--data",
            str(data),
            "--out",
            str(model),
            "--hidden",
            "8",
            "--layers",
            "1",
            "--steps",
            "2",
            "--device",
            "cpu",
            *train_args,
        ],
    )
    assert r.exit_code == 0, r.stderr
    return json.loads((model / "config.json").read_text())["model"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("data_args", "train_args", "boundaries", "canonical"),
    [
        ([], [], False, True),  # random keys: canonical on; letters: no boundaries
        (["--shift", "3"], [], False, False),  # one key: canonical would throw it away
        (["--style", "natural"], [], True, True),
        (["--style", "natural"], ["--no-boundaries", "--no-canonical"], False, False),
        (["--shift", "3"], ["--canonical", "--boundaries"], True, True),
    ],
)
def test_train_input_options(
    tmp_path: Path, data_args: list[str], train_args: list[str], boundaries: bool, canonical: bool
) -> None:
    cfg = _train_cli(tmp_path, data_args, train_args)
    assert (cfg["boundaries"], cfg["canonical"]) == (boundaries, canonical)
