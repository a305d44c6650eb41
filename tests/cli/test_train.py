"""`caesar-rnn train`: a model folder and its validation table; input options; errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app


def test_train_and_decrypt(runner: CliRunner, tmp_path: Path) -> None:
    data, model = tmp_path / "d.jsonl", tmp_path / "m"
    r = runner.invoke(app, ["gen-data", "-o", str(data), "--count", "300", "--shift", "3"])
    assert r.exit_code == 0
    args = ["--hidden", "16", "--layers", "1", "--epochs", "1", "--device", "cpu"]
    r = runner.invoke(app, ["train", "--data", str(data), "-o", str(model), *args])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("validation (held-out messages)\n")
    assert "char acc" in r.stdout and "msg acc (key)" in r.stdout
    assert "━" not in r.stdout  # plain into a pipe
    assert "\r" not in r.stderr  # no progress bar off a terminal
    assert f"saved model to {model}" in r.stderr
    assert (model / "model.safetensors").exists() and (model / "config.json").exists()
    r = runner.invoke(app, ["decrypt", "khoor", "--model", str(model), "--json"])
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    assert {"ciphertext", "plaintext", "shift", "confidence", "alternatives"} <= set(rec)
    assert rec["calibrated"] is False and rec["english"] is None  # no calibration.json: fallback
    assert f"using model {model}" in r.stderr


def test_train_quiet(runner: CliRunner, tmp_path: Path) -> None:
    data, model = tmp_path / "d.jsonl", tmp_path / "m"
    assert runner.invoke(app, ["gen-data", "-o", str(data), "--count", "200", "-q"]).exit_code == 0
    args = ["--hidden", "8", "--layers", "1", "--steps", "2", "--device", "cpu", "-q"]
    r = runner.invoke(app, ["train", "--data", str(data), "-o", str(model), *args])
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""  # not even the library's notes
    assert r.stdout.startswith("validation (held-out messages)\n")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["train", "--data", "/nonexistent.jsonl"], 1, "does not exist"),
        (["train", "--arch", "transformer"], 2, "'transformer' is not one of"),
    ],
)
def test_errors(runner: CliRunner, args: list[str], code: int, message: str) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == code
    assert r.stdout == ""
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def _train_cli(
    runner: CliRunner, tmp_path: Path, data_args: list[str], train_args: list[str]
) -> dict[str, object]:
    data, model = tmp_path / "d.jsonl", tmp_path / "m"
    r = runner.invoke(app, ["gen-data", "-o", str(data), "--count", "200", *data_args])
    assert r.exit_code == 0, r.stderr
    args = ["--hidden", "8", "--layers", "1", "--steps", "2", "--device", "cpu", *train_args]
    r = runner.invoke(app, ["train", "--data", str(data), "--out", str(model), *args])
    assert r.exit_code == 0, r.stderr
    return json.loads((model / "config.json").read_text())["model"]


@pytest.mark.parametrize(
    ("data_args", "train_args", "boundaries", "canonical"),
    [
        ([], [], True, True),  # the default mix: random keys, natural style among them
        (["--style", "letters"], [], False, True),  # random keys: canonical on; no boundaries
        (["--shift", "3"], [], False, False),  # one key: canonical would throw it away
        (["--style", "natural"], [], True, True),
        (["--style", "natural"], ["--no-boundaries", "--no-canonical"], False, False),
        (["--shift", "3"], ["--canonical", "--boundaries"], True, True),
    ],
)
def test_train_input_options(
    runner: CliRunner,
    tmp_path: Path,
    data_args: list[str],
    train_args: list[str],
    boundaries: bool,
    canonical: bool,
) -> None:
    cfg = _train_cli(runner, tmp_path, data_args, train_args)
    assert (cfg["boundaries"], cfg["canonical"]) == (boundaries, canonical)


def test_train_without_validation_pairs_prints_no_empty_table(
    runner: CliRunner, tmp_path: Path
) -> None:
    """--val-fraction 0 printed the validation table's title and header with no row under them."""
    data, model = tmp_path / "d.jsonl", tmp_path / "m"
    assert runner.invoke(app, ["gen-data", "-o", str(data), "--count", "50", "-q"]).exit_code == 0
    args = ["--hidden", "8", "--layers", "1", "--steps", "2", "--device", "cpu"]
    r = runner.invoke(
        app, ["train", "--data", str(data), "-o", str(model), *args, "--val-fraction", "0"]
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert "no validation table: no pairs were held out (--val-fraction)" in r.stderr
    assert (model / "model.safetensors").exists()


def test_resume_refuses_options_it_would_ignore(tmp_path: Path) -> None:
    # QA round 4: `train --resume DIR --no-calibrate` (or --hidden 64) ran with exit 0, unused.
    for extra, flag in (
        (["--hidden", "64"], "--hidden"),
        (["--no-calibrate"], "--calibrate/--no-calibrate"),
    ):
        r = CliRunner().invoke(app, ["train", "--resume", str(tmp_path), *extra])
        assert r.exit_code == 2 and r.stdout == ""
        assert f"its own settings: no {flag} (only --device" in r.stderr
