"""One set of defaults: the configs hold them, check every field on construction, the CLI takes
its defaults from them, and the recipe file reproduces the shipped model's settings."""

from __future__ import annotations

import ast
import json
import math
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app
from caesar_rnn.config import DataConfig, ModelConfig, TrainConfig, load_recipe
from caesar_rnn.errors import CaesarRNNError

ROOT = Path(__file__).parent.parent
RECIPE = ROOT / "recipes" / "default.toml"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": math.nan}, "learning rate must be a finite number"),
        ({"lr": -1.0}, "learning rate must be above 0"),
        ({"lr": 0.0}, "learning rate must be above 0"),
        ({"seed": -1}, "seed must be at least 0"),
        ({"seed": 2**70}, "seed must be at least 0 and at most 4294967295"),
        ({"threads": 0}, "thread count"),
        ({"threads": -1}, "thread count"),
        ({"val_fraction": 1.0}, "validation fraction"),
        ({"val_fraction": -0.1}, "validation fraction"),
        ({"batch_size": 0}, "batch size"),
        ({"epochs": 0}, "epochs"),
        ({"steps": 0}, "steps"),
        ({"clip": math.inf}, "gradient clip"),
        ({"checkpoint_every": -1}, "checkpoint interval"),
        ({"tbptt": 0}, "truncation length"),
        ({"tbptt": 4, "bf16": True}, "truncated BPTT runs uncompiled, in float32"),
        ({"reshift": "false"}, "reshift must be true or false"),
        ({"batch_size": 16.0}, "batch size must be an integer"),
    ],
)
def test_train_config_checks_every_field(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(CaesarRNNError, match=message):
        TrainConfig(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hidden": 10_000_000}, "hidden size must be at least 1 and at most"),
        ({"hidden": 0}, "hidden size"),
        ({"hidden": 16.0}, "hidden size must be an integer"),
        ({"layers": 10**9}, "layer count"),
        ({"layers": True}, "layer count must be an integer"),
        ({"canonical": "false"}, "canonical must be true or false"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": math.nan}, "dropout"),
        ({"arch": "transformer"}, "unknown arch"),
        ({"dropout": 0.2, "layers": 1}, "would do nothing"),  # it acts between layers
        ({"dropout": 0.2, "layers": 2, "arch": "mlp"}, "needs a recurrent arch"),
    ],
)
def test_model_config_checks_every_field(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(CaesarRNNError, match=message):
        ModelConfig(**kwargs)


def test_config_errors_name_no_cli_flag() -> None:
    for kwargs in ({"lr": -1.0}, {"seed": -1}, {"tbptt": 0}, {"val_fraction": 2.0}):
        with pytest.raises(CaesarRNNError) as err:
            TrainConfig(**kwargs)
        assert "--" not in str(err.value)


def test_retired_settings_are_ignored_when_read_back() -> None:
    old = {**TrainConfig().settings(), "key_loss": 1.0, "letter_noise": 0.1}
    assert TrainConfig.from_dict(old) == TrainConfig(progress=True)
    with pytest.raises(CaesarRNNError, match="unknown fields: bogus"):
        TrainConfig.from_dict({"bogus": 1})


def _cli_defaults(command: str) -> dict[str, object]:
    import typer.main

    cmd = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    return {p.name: p.default for p in cmd.params}


def test_cli_defaults_come_from_the_configs() -> None:
    cli = _cli_defaults("train")
    model, train = ModelConfig(), TrainConfig()
    for f in fields(ModelConfig):
        if f.name in cli and f.name not in ("boundaries", "canonical"):
            assert cli[f.name] == getattr(model, f.name), f.name
    for f in fields(TrainConfig):
        if f.name in cli:
            want = getattr(train, f.name)
            assert cli[f.name] == (want if f.name not in ("data", "out") else Path(want)), f.name
    assert cli["compile_model"] == train.compile
    gen = _cli_defaults("gen-data")
    assert gen["count"] == DataConfig().count and gen["out"] == Path(DataConfig().out)


def test_the_recipe_is_what_built_the_shipped_model() -> None:
    """recipes/default.toml reproduces scripts/build_model.py's settings (its argparse defaults
    and MIX, removed in its favour) and the shipped config.json's."""
    r = load_recipe(RECIPE)
    shipped = json.loads((ROOT / "caesar_rnn/models/default/config.json").read_text())
    assert r.model == ModelConfig.from_dict(shipped["model"])
    got = r.train.settings()
    for key in ("steps", "batch_size", "lr", "warmup", "clip", "weight_decay", "reshift",
                "val_fraction", "max_val", "seed", "tbptt", "auto_boundaries"):  # fmt: skip
        assert got[key] == shipped["training"][key], key
    assert r.train.bf16 is None  # build_model's default: on where native (it was, for the ship)
    assert r.train.checkpoint_every == 1000  # build_model wrote none
    assert r.data.count == 8_000_000 == shipped["metrics"]["train"]["pairs"] + 5000
    assert r.data.seed == 0 and r.data.shard == 1_000_000
    assert [(p.style, p.min_len, p.max_len, p.share, p.mid_word) for p in r.data.mix] == [
        ("letters", 4, 8, 0.30, 0.5),
        ("natural", 4, 8, 0.30, 0.3),
        ("letters", 4, 16, 0.15, 0.5),
        ("natural", 4, 16, 0.15, 0.3),
        ("letters", 4, 64, 0.05, 0.5),
        ("natural", 4, 64, 0.05, 0.3),
    ]
    assert shipped["training"]["recipe"]["text"] == RECIPE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[model]\nhidden = 'big'\n", "hidden size must be an integer"),
        ("[train]\nlr = -1.0\n", "learning rate"),
        ("[train]\nkey_loss = 1.0\n", "unknown fields: key_loss"),
        ("[extra]\n", "unknown sections: extra"),
        ("[model\n", "not valid TOML"),
        ("[data]\nmix = [{style = 'letters', share = 0.5}]\n", "sum to 1"),
    ],
)
def test_bad_recipes_are_refused(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(text)
    with pytest.raises(CaesarRNNError, match=message):
        load_recipe(path)


def _body_lengths(path: Path) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            out.append((node.name, node.end_lineno - node.body[0].lineno + 1))
    return out


def test_no_function_body_in_the_package_is_over_60_lines(tmp_path: Path) -> None:
    long = [
        f"{p.relative_to(ROOT)}:{name} ({n} lines)"
        for p in sorted((ROOT / "caesar_rnn").rglob("*.py"))
        for name, n in _body_lengths(p)
        if n > 60
    ]
    assert long == []
    probe = tmp_path / "long.py"  # the check itself can fail
    probe.write_text("def f():\n" + "    x = 1\n" * 61)
    assert _body_lengths(probe) == [("f", 61)]


def test_cli_option_errors_come_before_the_data_is_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.jsonl")  # reading it would be a different error
    for bad, message in (
        (["--lr", "nan"], "learning rate"),
        (["--lr", "-1"], "learning rate"),
        (["--seed", "-1"], "seed"),
        (["--seed", str(2**70)], "seed"),
        (["--threads", "-1"], "thread count"),
        (["--hidden", "10000000"], "hidden size"),
        (["--tbptt", "4"], "unidirectional"),
    ):
        r = CliRunner().invoke(
            app, ["train", "--data", missing, "--out", str(tmp_path / "m"), *bad]
        )
        assert r.exit_code == 2, bad  # a value the configs refuse is a usage error
        assert r.stdout == "" and message in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "m").exists()
    for bad, message in (  # options that would do nothing, or contradict each other
        (["--dropout", "0.3", "--layers", "1"], "dropout 0.3 would do nothing"),
        (["--arch", "mlp", "--bidirectional"], "no --bidirectional"),
        (["--epochs", "1", "--steps", "10"], "give one"),
        (["--resume", str(tmp_path), "--hidden", "64"], "with its own settings: no --"),
        (["--resume", str(tmp_path), "--no-calibrate"], "(only --device, --threads"),
    ):
        r = CliRunner().invoke(
            app, ["train", "--data", missing, "--out", str(tmp_path / "m"), *bad]
        )
        assert r.exit_code == 2 and message in r.stderr, bad
        assert not (tmp_path / "m").exists()


@pytest.mark.slow
def test_the_recipe_runs_through_the_cli_in_short(tmp_path: Path) -> None:
    """`make model` in miniature: the recipe's two CLI calls, with fewer pairs and steps."""
    data, out = tmp_path / "pairs.jsonl", tmp_path / "model"
    runner = CliRunner()
    r = runner.invoke(
        app, ["gen-data", "--recipe", str(RECIPE), "--count", "3000", "-o", str(data)]
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == str(data) and len(data.read_text().splitlines()) == 3000
    args = ["train", "--recipe", str(RECIPE), "--data", str(data), "--out", str(out)]
    r = runner.invoke(app, [*args, "--steps", "20", "--threads", "1", "--device", "cpu"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads((out / "config.json").read_text())
    recipe = load_recipe(RECIPE)
    assert ModelConfig.from_dict(doc["model"]) == recipe.model
    assert doc["training"]["steps"] == 20 and doc["training"]["batch_size"] == 384
    assert doc["training"]["checkpoint_every"] == 1000
    assert doc["training"]["recipe"]["text"] == RECIPE.read_text(encoding="utf-8")
    r = runner.invoke(app, ["decrypt", "khoor", "--model", str(out)])
    assert r.exit_code == 0 and len(r.stdout.strip()) == 5


def test_gen_data_recipe_refuses_options_that_change_its_mix(tmp_path: Path) -> None:
    out = tmp_path / "pairs.jsonl"
    r = CliRunner().invoke(
        app,
        [
            "gen-data",
            "--recipe",
            str(RECIPE),
            "--count",
            "10",
            "-o",
            str(out),
            "--style",
            "natural",
        ],
    )
    assert r.exit_code == 1 and "--style cannot change it" in r.stderr
    assert not out.exists()
    r = CliRunner().invoke(
        app, ["gen-data", "--recipe", str(RECIPE), "--count", "60", "-o", str(out)]
    )
    assert r.exit_code == 0, r.stderr
    assert len(out.read_text().splitlines()) == 60
    r = CliRunner().invoke(
        app, ["gen-data", "--recipe", str(RECIPE), "--count", "60", "-o", str(out)]
    )
    assert r.exit_code == 1 and "already exists" in r.stderr
