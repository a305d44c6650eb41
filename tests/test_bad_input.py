"""Bad input to every command: one clear line on stderr, exit code 1, no traceback, nothing
written; and odd-but-valid input (no letters, empty lines, megabyte lines) that must work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cipher import encrypt
from caesar_rnn.cli.app import app

runner = CliRunner()


def _fails(args: list[str], message: str) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 1, r.stdout
    assert r.stdout == ""
    assert message in r.stderr
    last = r.stderr.splitlines()[-1]
    assert last.startswith("error:") and message in last  # one line, after any progress notes
    assert r.stderr.count("error") == 1
    assert "Traceback" not in r.stderr
    assert r.exception is None or isinstance(r.exception, SystemExit)


# --- decrypt ----------------------------------------------------------------------------------


def test_decrypt_invalid_utf8_names_line_and_prints_nothing(
    tmp_path: Path, tiny_model: str
) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(b"khoor\nzruog\nkhoor\nbad \xff\xfe byte\nzruog\n")
    _fails(["decrypt", "--file", str(src), "--model", tiny_model], "invalid UTF-8 on line 4")


def test_decrypt_invalid_utf8_far_into_a_file(tmp_path: Path, tiny_model: str) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(b"khoor\n" * 300_000 + b"\xc3(\n")  # past the first megabyte-sized block
    _fails(["decrypt", "--file", str(src), "--model", tiny_model], "invalid UTF-8 on line 300001")


def test_decrypt_utf8_split_across_blocks_is_fine(tmp_path: Path) -> None:
    from caesar_rnn.files import CHUNK, read_lines

    src = tmp_path / "in.txt"
    src.write_bytes(b"a" * (CHUNK - 1) + "é\n".encode() + b"b\n")  # é straddles the boundary
    assert [len(x) for x in read_lines(src)] == [CHUNK, 1]


def test_decrypt_binary_file(tmp_path: Path, tiny_model: str) -> None:
    src = tmp_path / "blob.bin"
    src.write_bytes(b"khoor\n\x00\x00\x00zruog\n")  # valid UTF-8, but NUL bytes: not text
    _fails(["decrypt", "--file", str(src), "--model", tiny_model], "binary file")


def test_decrypt_stdin_invalid_utf8_names_line(tiny_model: str) -> None:
    r = runner.invoke(
        app, ["decrypt", "--file", "-", "--model", tiny_model], input=b"khoor\n\xff\n"
    )
    assert r.exit_code == 1
    assert "stdin: invalid UTF-8 on line 2" in r.stderr
    assert "iconv -f latin1 -t utf-8" in r.stderr  # what to do about it
    assert r.stderr.splitlines()[-1].startswith("error: stdin") and "Traceback" not in r.stderr


def test_decrypt_undecodable_argument(tiny_model: str) -> None:
    # On Linux, argv bytes that are not UTF-8 arrive as lone surrogates.
    _fails(["decrypt", "khoor \udcff", "--model", tiny_model], "TEXT is not valid UTF-8")


def test_decrypt_lines_without_letters_and_line_ends(tmp_path: Path, tiny_model: str) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(b"123\r\n\r\n \t \n\xe2\x82\xac 42\nkhoor")  # CRLF, no final newline
    r = runner.invoke(app, ["decrypt", "--file", str(src), "--model", tiny_model])
    assert r.exit_code == 0, r.stderr
    # the CR is part of the line: kept (raw bytes: click's Result.stdout turns CRLF into LF)
    assert r.stdout_bytes == "123\r\n\r\n \t \n€ 42\nhello\n".encode()


@pytest.mark.parametrize(
    "unit",
    [
        "hello, " + "0123456789" * 7 + "!\n"[:1],  # a megabyte, 1 character in 16 a letter
        pytest.param("hello world, this is a test of one very long line. ", marks=pytest.mark.slow),
    ],
)
def test_decrypt_megabyte_line(unit: str, tmp_path: Path, tiny_model: str) -> None:
    plain = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    src = tmp_path / "big.txt"
    src.write_text(encrypt(plain, 3) + "\nkhoor\n")
    r = runner.invoke(app, ["decrypt", "--file", str(src), "--model", tiny_model])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == plain + "\nhello\n"


def test_decrypt_into_a_closed_pipe(tmp_path: Path, tiny_model: str) -> None:
    src = tmp_path / "in.txt"
    src.write_text("khoor zruog\n" * 30000)  # more output than a pipe buffers
    proc = subprocess.Popen(
        [sys.executable, "-m", "caesar_rnn", "decrypt", "--file", str(src), "--model", tiny_model],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"hello world\n"
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err


# --- gen-data ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "Invalid value for '--count'"),
        (["--count", "-5"], "Invalid value for '--count'"),
        (["--min-len", "9", "--max-len", "3"], "9 is greater than --max-len (3)"),
        (["--min-len", "50"], "50 is greater than --max-len (32 by default: give --max-len too)"),
        (["--max-len", "1000000000000"], "Invalid value for '--max-len'"),
        (["--mid-word", "2"], "Invalid value for '--mid-word'"),
        (["-k", "three"], "Invalid value for '--shift'"),
    ],
)
def test_gen_data_option_out_of_bounds_is_a_usage_error(
    args: list[str], message: str, tmp_path: Path
) -> None:
    """A bad value for one option is a usage error (exit 2), as everywhere else, and writes
    nothing."""
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--count", "5", *args])
    assert r.exit_code == 2, r.stderr
    assert r.stdout == "" and message in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--corpus", "DIGITS"], "no letters"),
        (["--corpus", "MISSING"], "cannot read corpus"),
        (["--corpus", "BINARY"], "invalid UTF-8 on line 2"),
    ],
)
def test_gen_data_bad_options_write_nothing(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "digits.txt").write_text("123 456 !!!\n")
    (tmp_path / "binary.txt").write_bytes(b"ok\n\x89PNG\xff\n")
    paths = {
        "DIGITS": tmp_path / "digits.txt",
        "MISSING": tmp_path / "nope.txt",
        "BINARY": tmp_path / "binary.txt",
    }
    args = [str(paths.get(a, a)) for a in args]
    out = tmp_path / "d.jsonl"
    _fails(["gen-data", "--out", str(out), "--count", "5", *args], message)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["binary.txt", "digits.txt"]


def test_gen_data_refuses_existing_file_and_leaves_it(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    out.write_text("precious\n")
    _fails(["gen-data", "--out", str(out), "--count", "5"], "already exists (use --force")
    assert out.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]  # no temp file left behind
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--count", "5", "--force"])
    assert r.exit_code == 0, r.stderr
    assert len(out.read_text().splitlines()) == 5


# --- train ------------------------------------------------------------------------------------

GOOD = json.dumps({"ciphertext": "khoor", "plaintext": "hello", "shift": 3})


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([GOOD, GOOD, "{not json"], ":3: not valid JSON"),
        ([GOOD, "[1, 2]"], ":2: expected a JSON object"),
        ([GOOD, json.dumps({"ciphertext": "khoor"})], ":2: needs string fields"),
        ([json.dumps({"ciphertext": "khoo", "plaintext": "hello"})], ":1: ciphertext and plaintext differ in length (4 vs 5)"),
        ([GOOD, json.dumps({"ciphertext": "khoor", "plaintext": "world"})], ":2: ciphertext is not a Caesar shift"),
        ([GOOD, json.dumps({"ciphertext": "khoor", "plaintext": "hello"}) + "\udcff"], ":2: not valid JSON"),
        ([], "holds no pairs with letters"),
        (["", "   "], "holds no pairs with letters"),
        ([json.dumps({"ciphertext": "123", "plaintext": "123"})], "holds no pairs with letters"),
    ],
)  # fmt: skip
def test_train_bad_data(lines: list[str], message: str, tmp_path: Path) -> None:
    data, out = tmp_path / "d.jsonl", tmp_path / "model"
    data.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))
    _fails(["train", "--data", str(data), "--out", str(out), "--device", "cpu"], message)
    assert not out.exists()


def test_train_binary_data_file(tmp_path: Path) -> None:
    data, out = tmp_path / "d.jsonl", tmp_path / "model"
    data.write_bytes(GOOD.encode() + b"\n\x00\x01\x02\xff\n")
    _fails(["train", "--data", str(data), "--out", str(out)], "d.jsonl:2: not valid JSON")
    assert not out.exists()


def test_device_cuda_without_cuda_says_so(no_cuda: None, tmp_path: Path) -> None:
    data, out = tmp_path / "d.jsonl", tmp_path / "model"
    data.write_text(GOOD + "\n")
    _fails(
        ["train", "--data", str(data), "--out", str(out), "--device", "cuda"],
        "--device cuda: CUDA is not available here",
    )
    assert not out.exists()
    _fails(["decrypt", "khoor", "--device", "cuda"], "CUDA is not available")


def test_decrypt_ctrl_c_is_quiet(tiny_model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import caesar_rnn.decoding.decode

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(caesar_rnn.decoding.decode, "decrypt_stream", interrupted)
    r = runner.invoke(app, ["decrypt", "khoor", "--model", tiny_model])
    assert r.exit_code == 130
    assert r.stdout == "" and r.stderr.endswith("interrupted\n")
    assert "Traceback" not in r.stderr
