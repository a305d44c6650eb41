"""`caesar-rnn crack`: ranked keys as a table (plain into a pipe), JSON, or the best plaintext."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cipher import encrypt
from caesar_rnn.cli import common
from caesar_rnn.cli.app import app


def test_crack_table_is_plain_into_a_pipe(runner: CliRunner) -> None:
    r = runner.invoke(app, ["crack", encrypt("the meeting is on friday", 5), "--top", "3"])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == encrypt("the meeting is on friday", 5)
    assert lines[1].split() == ["rank", "shift", "score", "plaintext"]
    assert lines[2].split()[:2] == ["1", "5"] and lines[2].endswith("the meeting is on friday")
    assert "higher is better" in r.stdout
    assert not set(r.stdout) & set("─│┃━┏╭")  # no box drawing
    assert r.stderr == ""


def test_crack_table_drawn_on_a_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "stdout_is_terminal", lambda: True)
    r = runner.invoke(app, ["crack", "khoorzruog", "--top", "2"])
    assert r.exit_code == 0, r.stderr
    assert "helloworld" in r.stdout and "━" in r.stdout


def test_crack_best(runner: CliRunner) -> None:
    messages = [encrypt("the weather was cold", 2), "123", encrypt("Along the river!", 20)]
    r = runner.invoke(app, ["crack", "--best"], input="\n".join(messages) + "\n")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "the weather was cold\n123\nAlong the river!\n"
    r = runner.invoke(app, ["crack", "--best", "--json", "abc"])
    assert r.exit_code == 2


@pytest.mark.parametrize("method", ["chi2", "ngram"])
def test_crack_json(runner: CliRunner, method: str) -> None:
    text = encrypt("Please send the report to the office", 11)
    r = runner.invoke(app, ["crack", text, "--method", method, "--json", "--top", "4"])
    assert r.exit_code == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["ciphertext"] == text and obj["method"] == method
    cands = obj["candidates"]
    assert [c["rank"] for c in cands] == [1, 2, 3, 4]
    assert set(cands[0]) == {"rank", "shift", "score", "plaintext"}
    assert cands[0]["shift"] == 11
    assert cands[0]["plaintext"] == "Please send the report to the office"
    scores = [c["score"] for c in cands]
    assert scores == sorted(scores, reverse=method != "chi2")


def test_crack_file_per_line(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "c.txt"
    f.write_text(
        encrypt("the weather was cold", 2) + "\n123\n" + encrypt("along the river", 20) + "\n"
    )
    r = runner.invoke(app, ["crack", "--file", str(f), "--json", "--top", "1"])
    assert r.exit_code == 0, r.stderr
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["candidates"][0]["shift"] if o["candidates"] else None for o in objs] == [2, None, 20]


def test_crack_model(runner: CliRunner, tiny_model: str) -> None:
    r = runner.invoke(
        app, ["crack", "khoor zruog", "--method", "model", "-m", tiny_model, "--json"]
    )
    assert r.exit_code == 0, r.stderr
    assert len(json.loads(r.stdout)["candidates"]) == 5
    assert "using model" in r.stderr
    r = runner.invoke(app, ["crack", "khoor zruog", "--method", "model", "-m", tiny_model, "-q"])
    assert r.exit_code == 0 and r.stderr == ""


def test_crack_needs_input_at_a_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    r = runner.invoke(app, ["crack"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "give TEXT, --file PATH, or pipe" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crack", "abc", "--method", "rot"], "'rot' is not one of"),
        (["crack", "abc", "--top", "0"], "--top"),
        (["crack", "abc", "--top", "27"], "--top"),
    ],
)
def test_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert message in r.stderr


def test_crack_lang_auto_names_the_language(runner: CliRunner) -> None:
    r = runner.invoke(app, ["crack", "--lang", "auto", "--json", "Erqmrxu, prq dpl!"])
    assert r.exit_code == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["language"] == "fr" and obj["candidates"][0]["plaintext"] == "Bonjour, mon ami!"
    r = runner.invoke(app, ["crack", "--lang", "auto", "--best", "Erqmrxu, prq dpl!"])
    assert r.exit_code == 0 and r.stdout == "Bonjour, mon ami!\n"
    assert r.stderr == "'Erqmrxu, prq dpl!': reads as French\n"
    r = runner.invoke(app, ["crack", "--lang", "auto", "--best", "khoorzruog"])
    assert r.stdout == "helloworld\n" and r.stderr == ""  # English: nothing said


def test_crack_lang_given(runner: CliRunner) -> None:
    r = runner.invoke(app, ["crack", "--lang", "PL", "--json", "--top", "1", "gnwar"])
    assert r.exit_code == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["language"] == "pl" and obj["candidates"][0]["plaintext"] == "tajne"
    assert "language" not in json.loads(runner.invoke(app, ["crack", "--json", "gnwar"]).stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "xx"], "unknown language 'xx': choose one of en, ca, cs"),
        (["--lang", "fr", "--method", "chi2"], "--lang goes with the ngram method only"),
    ],
)
def test_crack_lang_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    r = runner.invoke(app, ["crack", "Erqmrxu", *args])
    assert r.exit_code == 2 and r.stdout == ""
    assert message in r.stderr and len(r.stderr.splitlines()) == 1


def test_model_options_go_with_the_model_method(runner: CliRunner) -> None:
    # QA round 3: `crack --method ngram -m /nonexist` and `--device cuda` ran, silently unused.
    for extra in (["-m", "/nonexistent"], ["--device", "cuda"]):
        r = runner.invoke(app, ["crack", "khoor", *extra])
        assert r.exit_code == 2 and r.stdout == "", extra
        assert "goes with --method model only" in r.stderr


def test_best_with_top_is_a_usage_error(runner: CliRunner) -> None:
    r = runner.invoke(app, ["crack", "khoor", "--best", "--top", "3"])
    assert r.exit_code == 2 and r.stdout == "" and "no --top" in r.stderr


def test_a_file_named_dash_is_a_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-f ./-`` reads the file named "-"; only ``-f -`` reads stdin (QA round 6)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text(encrypt("hello world", 3) + "\n")
    r = runner.invoke(app, ["crack", "-f", "./-", "--best"], input="wkh\n")
    assert r.exit_code == 0 and r.stdout == "hello world\n"
    r = runner.invoke(app, ["crack", "-f", "-", "--best"], input="wkh fdw\n")
    assert r.exit_code == 0 and r.stdout == "the cat\n"


def test_a_byte_order_mark_is_not_part_of_the_first_message(
    runner: CliRunner, tmp_path: Path
) -> None:
    src = tmp_path / "bom.txt"
    src.write_bytes(b"\xef\xbb\xbf" + encrypt("Hello world", 3).encode() + b"\nwkh\n")
    r = runner.invoke(app, ["crack", "-f", str(src), "--json", "--top", "1"])
    first = json.loads(r.stdout.splitlines()[0])
    assert r.exit_code == 0 and first["ciphertext"] == encrypt("Hello world", 3)
    assert first["candidates"][0]["plaintext"] == "Hello world"
