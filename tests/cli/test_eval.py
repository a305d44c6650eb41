"""`caesar-rnn eval`: tables (plain into a pipe), JSON rows, list options, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app
from caesar_rnn.data.generate import generate, write_jsonl

# Written for these tests (no corpus text).
PROSE = (
    "The weather was cold, and the children stayed inside all afternoon. Please send the "
    "report to the office before the meeting on Friday. Every morning she walked along the "
    "river to the old stone bridge, where the fishermen were already waiting for the boats. "
    "We found a small house near the station and moved in last spring; the garden was full "
    "of roses, and the neighbours brought us bread and apples on the first evening.\n"
)


@pytest.fixture
def prose(tmp_path: Path) -> Path:
    path = tmp_path / "prose.txt"
    path.write_text(PROSE)
    return path


def test_eval_corpus_table_and_plot(runner: CliRunner, prose: Path, tiny_model: str) -> None:
    pytest.importorskip("matplotlib")
    png = prose.parent / "acc.png"
    args = ["eval", "--corpus", str(prose), "--model", tiny_model, "--per-bucket", "5"]
    args += ["--buckets", "4,8,16", "--solvers", "key,argmax,chi2,ngram,hybrid", "--plot", str(png)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.stderr
    for word in ("letters", "natural", "model key", "model argmax", "chi2", "ngram", "hybrid"):
        assert word in r.stdout
    assert "msgs/s" in r.stdout and "not the model alone" in r.stdout
    assert not set(r.stdout) & set("─│┃━┏╭")  # plain into a pipe
    assert "evaluating 30 messages" in r.stderr and f"using model {tiny_model}" in r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "lists",
    [
        ["--solvers", "chi2,ngram", "--buckets", "6,12,24"],
        ["--solver", "chi2", "--solver", "ngram", "--bucket", "6", "--bucket", "12,24"],
    ],
    ids=["comma-separated", "repeated"],
)
def test_eval_json_rows(runner: CliRunner, prose: Path, lists: list[str]) -> None:
    args = ["eval", "--corpus", str(prose), "--per-bucket", "4", *lists]
    r = runner.invoke(app, [*args, "--seed", "3", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["messages"] == 24
    keys = {(row["solver"], row["style"], row["letters"]) for row in out["rows"]}
    assert keys == {
        (s, st, n) for s in ("chi2", "ngram") for st in ("letters", "natural") for n in (6, 12, 24)
    }
    for row in out["rows"]:
        assert row["messages"] == 4 and 0 <= row["exact"] <= row["char_acc"] <= 1
        assert row["msgs_per_s"] > 0
    # At 24 letters of plain English the quadgram cracker gets every message.
    assert all(
        row["exact"] == 1
        for row in out["rows"]
        if row["solver"] == "ngram" and row["letters"] == 24
    )


def test_eval_style_option(runner: CliRunner, prose: Path) -> None:
    """--style, as in gen-data (--styles is the same option)."""
    base = ["eval", "--corpus", str(prose), "--solver", "ngram", "--per-bucket", "2", "--json"]
    for flag in ("--style", "--styles"):
        r = runner.invoke(app, [*base, flag, "natural", "--bucket", "6"])
        assert r.exit_code == 0, r.stderr
        assert {row["style"] for row in json.loads(r.stdout)["rows"]} == {"natural"}


def test_eval_data_file_buckets(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    write_jsonl(generate(60, 4, 40, style="natural", seed=2), data)
    r = runner.invoke(app, ["eval", "--data", str(data), "--solvers", "ngram", "--json", "-q"])
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    out = json.loads(r.stdout)
    assert out["messages"] == 60
    assert {row["letters"] for row in out["rows"]} <= {4, 6, 8, 10, 12, 16, 24, 32}
    assert {row["style"] for row in out["rows"]} == {"natural"}
    assert sum(row["messages"] for row in out["rows"]) == 60


def test_eval_bad_data_file(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    data.write_text('{"ciphertext": "abc"}\n')
    r = runner.invoke(app, ["eval", "--data", str(data), "--solvers", "ngram"])
    assert r.exit_code == 1
    assert (
        "pairs.jsonl:1: needs string fields ciphertext and plaintext" in r.stderr
    )  # as train says


def test_eval_mid_word_option(runner: CliRunner, prose: Path) -> None:
    args = ["eval", "--corpus", str(prose), "--solvers", "ngram", "--per-bucket", "3", "--json"]
    r = runner.invoke(app, [*args, "--mid-word", "0.5"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["messages"] > 0
    r = runner.invoke(app, [*args, "--mid-word", "2"])
    assert r.exit_code == 2
    assert "'--mid-word'" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval"], "either --data FILE or --corpus FILE"),
        (["eval", "--corpus", "x.txt", "--solvers", "chi2,nope"], "'nope' is not one of"),
        (["eval", "--corpus", "x.txt", "--buckets", "4,x"], "not a list of integers"),
        (["eval", "--corpus", "x.txt", "--bucket", "0"], "at least 1"),
        (["eval", "--corpus", "x.txt", "--style", "poetry"], "'poetry' is not one of"),
        (["eval", "--corpus", "x.txt", "--per-bucket", "0"], "'--per-bucket'"),
    ],
)
def test_usage_errors(runner: CliRunner, args: list[str], message: str, prose: Path) -> None:
    args = [str(prose) if a == "x.txt" else a for a in args]
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert message in r.stderr
    assert r.stderr.count("\n") == 1


GERMAN = (
    "Der Hund schläft heute den ganzen Tag im Garten, und die Kinder spielen draußen mit dem "
    "Ball. Morgen fahren wir mit dem Zug in die Stadt, um Brot, Käse und Äpfel zu kaufen; "
    "danach besuchen wir die Großmutter, die am Fluss wohnt.\n"
)


def test_eval_by_language(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "de.txt"
    path.write_text(GERMAN, encoding="utf-8")
    base = ["eval", "--corpus", str(path), "--lang", "de", "--per-bucket", "4"]
    args = [
        *base,
        "--json",
        "--buckets",
        "16,32",
        "--solvers",
        "ngram,ngram-lang,ngram-auto,decrypt",
    ]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert {r["language"] for r in rows} == {"de"}
    by = {(r["solver"], r["style"], r["letters"]): r for r in rows}
    assert by[("ngram given language", "letters", 32)]["exact"] == 1.0
    assert by[("ngram auto", "letters", 32)]["language_acc"] == 1.0
    assert "language_acc" not in by[("ngram", "letters", 32)]
    r = runner.invoke(app, [*base, "--buckets", "32", "--solvers", "ngram-auto"])
    assert r.exit_code == 0 and "language named (de) % on de.txt" in r.stdout


def test_eval_letters_style_folds_accents_with_a_language(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "de.txt"
    path.write_text("Äpfel über Größe " * 20, encoding="utf-8")
    args = ["eval", "--corpus", str(path), "--per-bucket", "3", "--json", "--buckets", "12"]
    args += ["--solvers", "ngram", "--styles", "letters"]
    r = runner.invoke(app, [*args, "--lang", "de"])
    assert r.exit_code == 0, r.stderr
    # Folded text reads as it is written (apfel uber grosse): the quadgram cracks some of it.
    r2 = runner.invoke(app, args)
    assert r2.exit_code == 0 and r.stdout != r2.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "auto"], "--lang names the --corpus text's language: not auto"),
        (["--lang", "xx"], "unknown language 'xx'"),
        (["--solvers", "ngram-lang"], "solver 'ngram-lang' needs the messages' language"),
    ],
)
def test_eval_lang_errors(runner: CliRunner, prose: Path, args: list[str], message: str) -> None:
    r = runner.invoke(app, ["eval", "--corpus", str(prose), "--per-bucket", "2", *args])
    assert r.exit_code in (1, 2) and message in r.stderr


def test_eval_says_which_buckets_the_corpus_is_too_short_for(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A 17-letter corpus with --bucket 4,64 gave the 4-letter rows only, and no word about 64."""
    path = tmp_path / "tiny.txt"
    path.write_text("The cat sat on the mat.\n")
    args = ["eval", "--corpus", str(path), "--solver", "ngram", "--per-bucket", "2"]
    r = runner.invoke(app, [*args, "--bucket", "4,64,128", "--json"])
    assert r.exit_code == 0, r.stderr
    assert {row["letters"] for row in json.loads(r.stdout)["rows"]} == {4}
    assert "no messages of 64, 128 letters: " in r.stderr and "tiny.txt is too short" in r.stderr
    r = runner.invoke(app, [*args, "--bucket", "4,64", "--json", "-q"])
    assert r.exit_code == 0 and r.stderr == ""
    r = runner.invoke(app, [*args, "--bucket", "4,8", "--json"])
    assert r.exit_code == 0 and "too short" not in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bucket", "1000000"], "at most 65,536"),
        (["--per-bucket", "1000000000"], "100000"),
        (["--bucket", "65536", "--per-bucket", "100000"], "at most 200,000,000"),  # QA round 7
    ],
)
def test_eval_sizes_past_their_bounds_are_usage_errors(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    """As ``--bucket 0`` is (QA round 6: a billion messages a bucket filled memory unsaid)."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("the quick brown fox jumps over the lazy dog\n")
    r = runner.invoke(app, ["eval", "--corpus", str(corpus), "--solver", "chi2", *args])
    assert r.exit_code == 2 and r.stdout == "" and message in r.stderr
