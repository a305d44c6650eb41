"""`caesar-rnn decrypt`: TEXT, --file, stdin and '-'; a known key; errors and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.api import load_model
from caesar_rnn.cipher import encrypt
from caesar_rnn.cli import common
from caesar_rnn.cli.app import app
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.store import shipped_model_dir


def test_decrypt_file_keeps_lines(runner: CliRunner, tmp_path: Path, tiny_model: str) -> None:
    src = tmp_path / "in.txt"
    src.write_text("khoorzruog\n\n!!!\nkhoor zruog\n")
    r = runner.invoke(
        app, ["decrypt", "--file", str(src), "--model", tiny_model, "--decode", "argmax"]
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.split("\n")[:4] == ["helloworld", "", "!!!", "hello world"]
    assert r.stdout.count("\n") == 4


@pytest.mark.parametrize(
    "args", [["--file", "-"], ["-f", "-"], ["-"], []], ids=["--file -", "-f -", "-", "piped"]
)
def test_decrypt_stdin(runner: CliRunner, tiny_model: str, args: list[str]) -> None:
    """`-` reads stdin (it is not the message "-"); so does no TEXT when stdin is a pipe."""
    r = runner.invoke(app, ["decrypt", *args, "-m", tiny_model], input="khoorzruog\nkhoor\n")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "helloworld\nhello\n"
    assert f"using model {tiny_model}" in r.stderr


def test_decrypt_needs_input_at_a_terminal(
    runner: CliRunner, tiny_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    r = runner.invoke(app, ["decrypt", "-m", tiny_model])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "give TEXT, --file PATH, or pipe" in r.stderr
    assert "using model" not in r.stderr  # refused before the model loads


def test_decrypt_text_and_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["decrypt", "abc", "-f", str(tmp_path / "x.txt"), "-k", "1"])
    assert r.exit_code == 2
    assert "not both" in r.stderr


def test_decrypt_known_shift_loads_no_model(runner: CliRunner) -> None:
    """-k: the key is given, so no model is loaded; the model's options are refused (they
    would do nothing), as --lang and --decode are."""
    r = runner.invoke(app, ["decrypt", "Khoor, Zruog!", "-k", "3"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "Hello, World!\n"
    assert r.stderr == ""
    for extra, flag in (
        (["-m", "/nonexistent"], "--model"),
        (["--top", "3"], "--top"),
        (["--key-prefix", "16"], "--key-prefix"),
        (["--jobs", "2"], "--jobs"),
    ):
        r = runner.invoke(app, ["decrypt", "Khoor, Zruog!", "-k", "3", *extra])
        assert r.exit_code == 2 and r.stdout == "", extra
        assert f"no {flag} " in r.stderr and len(r.stderr.splitlines()) == 1
    r = runner.invoke(app, ["decrypt", "--shift", "29", "--json"], input="khoor\n123\n")
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["plaintext"], x["shift"]) for x in recs] == [("hello", 3), ("123", 3)]


def test_decrypt_known_shift_refuses_argmax(runner: CliRunner) -> None:
    r = runner.invoke(app, ["decrypt", "khoor", "-k", "3", "--decode", "argmax"])
    assert r.exit_code == 2
    assert "--shift" in r.stderr


def test_decode_choice_checked_before_the_model_loads(runner: CliRunner) -> None:
    r = runner.invoke(app, ["decrypt", "abc", "--decode", "vote", "--model", "/nonexistent"])
    assert r.exit_code == 2
    assert "'vote' is not one of" in r.stderr
    assert "does not exist" not in r.stderr
    r = runner.invoke(app, ["decrypt", "-h"])
    assert "key|argmax" in r.stdout and "auto|cpu|cuda" in r.stdout


def test_decrypt_shipped_model(runner: CliRunner) -> None:

    r = runner.invoke(app, ["decrypt", "khoorzruog", "--model", "shipped"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "helloworld\n"
    assert r.stderr == ""  # the shipped model is named only to a person at a terminal


def test_decrypt_names_a_model_of_its_own(runner: CliRunner, tiny_model: str) -> None:
    # A model trained here (./caesar-rnn-model is picked up by default) is always named.
    r = runner.invoke(app, ["decrypt", "khoor", "-m", tiny_model])
    assert r.exit_code == 0 and f"using model {tiny_model}" in r.stderr


def test_decrypt_ctf_flags(runner: CliRunner) -> None:
    # Digits inside words: the model read this ROT13 flag unchanged; the words cracker's key.
    flags = ["flag{r0t13_1s_n0t_encrypt10n}", "picoCTF{r0t_13_1s_fun}", "HTB{c4es4r_s4l4d}"]
    text = "\n".join(encrypt(f, k) for f, k in zip(flags, (13, 5, 5), strict=True))
    r = runner.invoke(app, ["decrypt", "--json"], input=text + "\n")
    assert r.exit_code == 0, r.stderr
    got = [json.loads(line) for line in r.stdout.splitlines()]
    assert [g["plaintext"] for g in got] == flags
    assert got[0]["decode"] == "words" and got[0]["language"] == "en"


def test_decrypt_quiet(runner: CliRunner, tiny_model: str) -> None:
    r = runner.invoke(app, ["decrypt", "khoor", "-m", tiny_model, "-q"])
    assert r.exit_code == 0
    assert r.stdout == "hello\n"
    assert r.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decrypt", "--file", "/nonexistent/file.txt"], "cannot read"),
        (["decrypt", "abc", "--model", "/nonexistent"], "does not exist"),
    ],
)
def test_errors(runner: CliRunner, args: list[str], message: str, tiny_model: str) -> None:
    if "--model" not in args:
        args = [*args, "--model", tiny_model]
    r = runner.invoke(app, args)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert message in r.stderr
    assert r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr


def test_decrypt_directory_as_file(runner: CliRunner, tmp_path: Path, tiny_model: str) -> None:
    r = runner.invoke(app, ["decrypt", "--file", str(tmp_path), "--model", tiny_model])
    assert r.exit_code == 1
    assert "is a directory" in r.stderr


def test_decrypt_whole_from_stdin(runner: CliRunner, tiny_model: str) -> None:
    r = runner.invoke(app, ["decrypt", "--whole", "-m", tiny_model], input="Khoor,\nzruog!\n")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "Hello,\nworld!\n"
    assert "key 3" in r.stderr
    r = runner.invoke(app, ["decrypt", "--whole", "-k", "3"], input="khoor\n")
    assert r.exit_code == 2


def test_cli_key_prefix(runner: CliRunner, tmp_path: Path) -> None:
    plain = [
        "The weather was cold and the roads were quiet that morning.",
        "Please send the report to the committee before Friday.",
    ]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(encrypt(p, 9) for p in plain) + "\n")
    r = runner.invoke(
        app, ["decrypt", "-f", str(path), "--key-prefix", "16", "--model", str(shipped_model_dir())]
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == plain
    assert "using model" not in r.stderr  # the shipped model, not at a terminal
    bad = runner.invoke(app, ["decrypt", "khoor", "--key-prefix", "-3"])
    assert bad.exit_code == 2 and bad.stdout == ""
    # Shorter prefixes kept wrong keys at 0.999 ("Meet me at the old bridge" read as "Wood wo
    # kd dro yvn lbsnqo" from 8): a usage error, and the library refuses them too.
    for short in ("4", "8", "15"):
        bad = runner.invoke(app, ["decrypt", "Rjjy rj fy ymj tqi gwnilj", "--key-prefix", short])
        assert bad.exit_code == 2 and bad.stdout == "" and "at least 16" in bad.stderr
    with pytest.raises(CaesarRNNError, match="at least 16 letters"):
        load_model().decrypt("khoor", key_prefix=8)


def test_decrypt_names_another_language(runner: CliRunner) -> None:
    r = runner.invoke(app, ["decrypt", "Erqmrxu, prq dpl!"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "Bonjour, mon ami!\n"
    assert "'Erqmrxu, prq dpl!': reads as French" in r.stderr
    r = runner.invoke(app, ["decrypt", "khoorzruog", "--json"])
    assert json.loads(r.stdout)["language"] == "en" and "reads as" not in r.stderr
    r = runner.invoke(app, ["decrypt", "gnwar", "--lang", "pl", "--json"])
    obj = json.loads(r.stdout)
    assert (obj["plaintext"], obj["language"], obj["decode"]) == ("tajne", "pl", "ngram")
    r = runner.invoke(app, ["decrypt", "Erqmrxu", "--lang", "en", "-q"])
    assert r.exit_code == 0 and r.stderr == "" and r.stdout != "Bonjour\n"  # the model alone


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "xx"], "unknown language 'xx': choose one of en, ca"),
        (["--lang", "fr", "-k", "3"], "--lang goes with an unknown key"),
        (["--lang", "fr", "--whole"], "--lang goes with an unknown key"),
    ],
)
def test_decrypt_lang_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    r = runner.invoke(app, ["decrypt", "Erqmrxu", *args])
    assert r.exit_code == 2 and r.stdout == ""
    assert message in r.stderr and len(r.stderr.splitlines()) == 1


def test_decrypt_jobs_capped_at_the_cores(
    runner: CliRunner, tmp_path: Path, tiny_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--jobs 100000` once started 100,000 worker processes, each loading the model, and the
    kernel's OOM killer ended it (and other processes) with a traceback: more workers than cores
    cannot go faster, so the count is cut to the cores, said on stderr."""
    import caesar_rnn.api
    from caesar_rnn.decoding.bulk import default_jobs

    seen: list[int] = []
    real = caesar_rnn.api.decrypt_lines

    def spy(lines, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs["jobs"])
        return real(lines, **{**kwargs, "jobs": 1})

    monkeypatch.setattr(caesar_rnn.api, "decrypt_lines", spy)
    src = tmp_path / "in.txt"
    src.write_text("khoor\n")
    args = ["decrypt", "-f", str(src), "-m", tiny_model, "--jobs", "100000"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "hello\n"
    assert seen == [default_jobs()]
    assert f"--jobs 100000: {default_jobs()} cores here" in r.stderr
    r = runner.invoke(app, [*args[:-1], str(default_jobs()), "-q"])
    assert seen[-1] == default_jobs() and r.stderr == ""


def test_a_stream_says_the_first_notes_and_counts_the_rest(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA round 3: a 10,000-line file gave 1,651 notes on stderr.
    from caesar_rnn.cli import decrypt as cli_decrypt

    monkeypatch.setattr(cli_decrypt, "MAX_NOTED", 2)
    lines = "".join(f"qwzpx mnbvc {i}\n" for i in range(5))  # random letters: each has notes
    r = runner.invoke(app, ["decrypt", "-"], input=lines)
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 5
    said = r.stderr.splitlines()
    assert said[-1].startswith("notes on 3 more lines not shown (--json")
    assert {line.split("'")[1] for line in said[:-1]} == {"qwzpx mnbvc 0", "qwzpx mnbvc 1"}
    r = runner.invoke(app, ["decrypt", "-", "-q"], input=lines)
    assert r.exit_code == 0 and r.stderr == ""
