"""`caesar-rnn gen-data`: pairs written atomically; bad options write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app


def test_gen_data(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--count", "50", "--style", "natural"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == str(out)
    assert "wrote 50 pairs" in r.stderr
    assert len(out.read_text().splitlines()) == 50


def test_gen_data_one_pair(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["gen-data", "-o", str(tmp_path / "d.jsonl"), "--count", "1", "-k", "2"])
    assert r.exit_code == 0 and r.stderr == f"wrote 1 pair to {tmp_path / 'd.jsonl'}\n"


def test_gen_data_quiet_short_options(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "-o", str(out), "--count", "5", "-k", "3", "-q"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == str(out)
    assert r.stderr == ""
    assert '"shift": 3' in out.read_text()


def test_gen_data_errors_write_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--min-len", "9", "--max-len", "3"])
    assert r.exit_code == 2  # a usage error
    assert r.stdout == ""
    assert "error:" in r.stderr and "min" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_gen_data_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    out.write_text("keep\n")
    r = runner.invoke(app, ["gen-data", "-o", str(out), "--count", "5"])
    assert r.exit_code == 1
    assert "already exists" in r.stderr
    assert out.read_text() == "keep\n"


def test_gen_data_languages(runner: CliRunner, tmp_path: Path) -> None:
    import json

    import pytest

    pytest.importorskip("wordfreq")
    out = tmp_path / "d.jsonl"
    args = ["gen-data", "-o", str(out), "--count", "40", "--lang", "pl", "--lang", "de,fr"]
    r = runner.invoke(app, [*args, "--style", "natural", "--min-len", "20", "--max-len", "30"])
    assert r.exit_code == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = " ".join(row["plaintext"] for row in rows)
    assert set(text) & set("ąęłśżźćń") and set(text) & set("äöüß") and set(text) & set("éèàç")
    letters = tmp_path / "l.jsonl"
    r = runner.invoke(app, ["gen-data", "-o", str(letters), "--count", "30", "--lang", "pl"])
    assert r.exit_code == 0, r.stderr
    for row in map(json.loads, letters.read_text().splitlines()):
        assert row["plaintext"].isascii() and row["plaintext"].isalpha()  # folded to a-z
    r = runner.invoke(app, ["gen-data", "-o", str(tmp_path / "x.jsonl"), "--lang", "zz"])
    assert r.exit_code == 2 and "unknown language 'zz'" in r.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_gen_data_into_a_folder_it_cannot_write(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default mix makes its shards in a scratch folder beside the output: a read-only
    # folder (tests run as root, so the fault is injected) is one line on stderr, exit 1.
    import tempfile

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    out = tmp_path / "ro" / "x.jsonl"
    r = runner.invoke(app, ["gen-data", "--count", "20", "-o", str(out)])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == f"error: cannot write {out}: Permission denied\n"


def test_gen_data_to_stdout(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `-o -`: the pairs are the result, on stdout; no file named "-" is left behind.
    import json

    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["gen-data", "-o", "-", "--count", "7", "-k", "5", "--seed", "3"])
    assert r.exit_code == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 7 and all(row["shift"] == 5 for row in rows)
    assert r.stderr == "wrote 7 pairs to stdout\n"
    assert list(tmp_path.iterdir()) == []
    # The same pairs as a file with the same options and seed.
    r2 = runner.invoke(app, ["gen-data", "-o", "f.jsonl", "--count", "7", "-k", "5", "--seed", "3"])
    assert r2.exit_code == 0 and (tmp_path / "f.jsonl").read_text() == r.stdout


def test_gen_data_to_stdout_mix_and_quiet(runner: CliRunner) -> None:
    r = runner.invoke(app, ["gen-data", "-o", "-", "--count", "20", "-q"])
    assert r.exit_code == 0 and r.stderr == ""
    assert len(r.stdout.splitlines()) == 20


def test_gen_data_to_stdout_without_a_scratch_folder(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    r = runner.invoke(app, ["gen-data", "-o", "-", "--count", "5", "-k", "1"])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == "error: cannot make a scratch folder for the pairs: Permission denied\n"


def test_gen_data_corpus_shorter_than_min_len(runner: CliRunner, tmp_path: Path) -> None:
    # Pairs shorter than --min-len used to be written without a word.
    text = tmp_path / "short.txt"
    text.write_text("hello world this is short\n")
    out = tmp_path / "d.jsonl"
    args = ["gen-data", "--corpus", str(text), "-o", str(out), "--count", "3"]
    r = runner.invoke(app, [*args, "--min-len", "30", "--max-len", "40"])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == (
        "error: the corpus has 21 letters, fewer than the shortest length asked for (30): "
        "give more text or a smaller --min-len\n"
    )
    assert not out.exists()
    r = runner.invoke(app, [*args, "--min-len", "21", "--max-len", "40"])
    assert r.exit_code == 0, r.stderr


def test_gen_data_max_len_under_the_default_min_len(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["gen-data", "-o", str(tmp_path / "d.jsonl"), "--max-len", "3"])
    assert r.exit_code == 2 and r.stdout == ""
    assert "3 is less than --min-len (4 by default)" in r.stderr


def test_gen_data_into_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    # QA round 3: "already exists (use --force)", then with --force "is a directory".
    for extra in ([], ["--force"], ["-k", "3"]):
        r = runner.invoke(app, ["gen-data", "-o", str(tmp_path), "--count", "5", *extra])
        assert r.exit_code == 1 and r.stdout == ""
        assert r.stderr == f"error: {tmp_path} is a directory: give a file name\n", extra


def test_shift_taken_modulo_26_as_in_encrypt(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the quick brown fox jumps over the lazy dog " * 20)
    for k, want in (("29", 3), ("-1", 25)):
        out = tmp_path / f"k{k}.jsonl"
        r = runner.invoke(app, ["gen-data", "--count", "3", "-k", k, "-o", str(out),
                                "--corpus", str(corpus)])  # fmt: skip
        assert r.exit_code == 0, r.stderr
        assert {json.loads(x)["shift"] for x in out.read_text().splitlines()} == {want}
