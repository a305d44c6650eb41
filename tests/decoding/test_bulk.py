"""Bulk decryption: worker processes that keep output order, and --whole (one key from a prefix,
lines and bytes kept)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cipher import decrypt, encrypt
from caesar_rnn.cli.app import app
from caesar_rnn.decoding import bulk
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.store import shipped_model_dir

runner = CliRunner()

TEXT = (
    "The weather was cold and the roads were quiet that morning.\n"
    "Please send the report to the committee before Friday!\r\n"
    "\n"
    "She opened the window -- and listened to the rain on the roof. Ça va?\n"
    "Our train leaves at noon, so we should pack tonight. 12:30, QRS xyz\n"
    "zzzz qqqq jjjj"  # no line end at the end of the file
)


def test_jobs_keep_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker processes over blocks of 7 lines give exactly the one-process output, the
    language step (run in the workers) and its notes on stderr included."""
    monkeypatch.setattr(bulk, "CHUNK", 7)
    from caesar_rnn.cli import decrypt as cli_decrypt

    monkeypatch.setattr(cli_decrypt, "MAX_NOTED", 1000)  # every line's notes, to compare
    french = "Le chat noir dort sur le canapé du salon"
    words = ["hello", "world", "Attack at dawn!", "", french]
    lines = [encrypt(w, k) for k, w in enumerate(words * 10)]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n")
    model = str(shipped_model_dir())
    one = runner.invoke(app, ["decrypt", "-f", str(path), "--model", model, "--jobs", "1"])
    two = runner.invoke(app, ["decrypt", "-f", str(path), "--model", model, "--jobs", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, two.stderr
    assert two.stdout == one.stdout and two.stderr == one.stderr
    assert len(two.stdout.splitlines()) == len(lines)
    want = [d.plaintext for d in decrypt_messages(lines, load_backend(model))]
    assert two.stdout.splitlines() == want
    assert two.stdout.splitlines().count(french) == 10
    assert "using model" not in two.stderr  # the shipped model, not at a terminal
    assert two.stderr.count("reads as French") == 10


@pytest.mark.parametrize("fork", [True, False])
def test_forked_and_spawned_workers_give_the_same_answers(
    fork: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked workers (sharing this process's models and tables, after it decrypted the first
    ``WARM`` lines itself) and spawned ones (loading the model) answer as one process does, in
    order."""
    monkeypatch.setattr(bulk, "CHUNK", 7)
    monkeypatch.setattr(bulk, "WARM", 3)
    monkeypatch.setattr(bulk, "_can_fork", lambda: fork)
    started = []
    pool = bulk._start_pool
    monkeypatch.setattr(bulk, "_start_pool", lambda *a: started.append(a[-1]) or pool(*a))
    lines = [encrypt(w, k) for k, w in enumerate(["hello world", "", "Attack at dawn!"] * 9)]
    model = shipped_model_dir()
    backend = load_backend(model)
    got = [d.to_dict() for d in bulk.decrypt_parallel(lines, backend, model, jobs=2)]
    assert started == [fork]
    assert got == [d.to_dict() for d in decrypt_messages(lines, backend)]


def test_finish_runs_on_every_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """``finish`` maps every block's answers, in the workers and in this process alike."""
    from functools import partial

    from caesar_rnn.decoding.language import with_language

    monkeypatch.setattr(bulk, "CHUNK", 7)
    lines = [encrypt("the rain fell on the roof", k) for k in range(20)]
    model = shipped_model_dir()
    backend = load_backend(model)
    finish = partial(with_language, lang="fr", top=2)
    for jobs in (2, 1):
        got = list(bulk.decrypt_parallel(lines, backend, model, jobs=jobs, finish=finish))
        assert [d.language for d in got] == ["fr"] * 20  # the French crack read every line
        assert {d.decode for d in got} == {"ngram"}
    assert {d.language for d in bulk.decrypt_parallel(lines, backend, model, jobs=2)} == {None}


def test_pieces_share_blocks_evenly() -> None:
    """Each block is cut into one piece per worker, in order, none empty."""
    blocks = [list(range(8192)), list(range(8192)), list(range(3616))]
    pieces = list(bulk._pieces(blocks, 2))
    assert [len(p) for p in pieces] == [4096, 4096, 4096, 4096, 1808, 1808]
    assert sum(pieces, []) == sum(blocks, [])
    assert [len(p) for p in bulk._pieces([[1, 2, 3]], 2)] == [2, 1]
    assert [len(p) for p in bulk._pieces([[1]], 4)] == [1]
    assert [len(p) for p in bulk._pieces([[], [1, 2]], 2)] == [1, 1]  # none empty


def test_whole_keeps_lines_and_case_under_one_key(tmp_path: Path) -> None:
    k = 11
    path = tmp_path / "c.txt"
    path.write_bytes(encrypt(TEXT, k).encode("utf-8"))
    r = runner.invoke(
        app, ["decrypt", "--whole", "--file", str(path), "--model", str(shipped_model_dir())]
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout_bytes == TEXT.encode("utf-8")  # \r\n, blank line, no final newline: all kept
    assert f"key {k} " in r.stderr


def test_whole_streams_blocks_and_grows_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny blocks and an unreachable confidence: the prefix grows to its cap, and the output is
    still the input under the one key found, byte for byte (UTF-8 cut across blocks included)."""
    monkeypatch.setattr(bulk, "BLOCK", 5)
    monkeypatch.setattr(bulk, "MAX_PREFIX", 300)
    plain = (TEXT + "\n") * 4
    cipher = encrypt(plain, 4).encode("utf-8")
    out = io.BytesIO()
    backend = load_backend(shipped_model_dir())
    r = bulk.decrypt_whole(io.BytesIO(cipher), out, backend, decisive=1.1)
    assert r.letters_used == 300
    assert r.bytes == len(cipher)
    assert out.getvalue().decode("utf-8") == decrypt(cipher.decode("utf-8"), r.shift or 0)
    assert r.shift == 4


def test_whole_without_letters_passes_through() -> None:
    out = io.BytesIO()
    backend = load_backend(shipped_model_dir())
    r = bulk.decrypt_whole(io.BytesIO(b"123\n\xff\xfe\n"), out, backend)
    assert r.shift is None and out.getvalue() == b"123\n\xff\xfe\n"


def test_whole_text_argument() -> None:
    r = runner.invoke(
        app, ["decrypt", "--whole", "Wkh zhdwkhu zdv frog.", "--model", str(shipped_model_dir())]
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "The weather was cold.\n"


@pytest.mark.parametrize("extra", [["--json"], ["--decode", "argmax"]], ids=["json", "argmax"])
def test_whole_rejects_per_message_options(tmp_path: Path, extra: list[str]) -> None:
    path = tmp_path / "c.txt"
    path.write_text("khoor\n")
    r = runner.invoke(app, ["decrypt", "--whole", "--file", str(path), *extra])
    assert r.exit_code == 2  # a usage error
    assert r.stdout == ""
    assert "--whole" in r.stderr and "Traceback" not in r.stderr


def test_jobs_must_not_be_negative() -> None:
    r = runner.invoke(app, ["decrypt", "khoor", "--jobs", "-1"])
    assert r.exit_code == 2
    assert r.stdout == ""
