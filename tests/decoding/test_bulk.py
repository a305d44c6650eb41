"""The fast paths (issue 6): torch-free CLI start-up, batched decryption that matches one message
at a time, worker processes that keep output order, and --whole (one key, bytes kept)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from caesar_rnn.cipher import decrypt, encrypt
from caesar_rnn.cli.app import app
from caesar_rnn.config import ModelConfig
from caesar_rnn.decoding import bulk
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.numpy_rnn import NumpyRNN
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

# Runs CLI commands in a fresh interpreter and reports which heavy modules they imported.
_PROBE = """
import json, sys
from caesar_rnn.cli.app import app
codes = []
for args in json.loads(sys.argv[1]):
    try:
        app(args=args, prog_name="caesar-rnn")
    except SystemExit as exc:
        codes.append(exc.code)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "symspellpy", "wordfreq"))
print(json.dumps({"codes": codes, "heavy": heavy}), file=sys.stderr)
"""


def _probe(commands: list[list[str]], cwd: Path) -> dict[str, list]:
    r = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(commands)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    return json.loads(r.stderr.strip().splitlines()[-1])


def test_light_commands_never_import_torch(tmp_path: Path) -> None:
    model = str(shipped_model_dir())
    (tmp_path / "m.txt").write_text("khoorzruog\nwkh txlfn eurzq ira\n")
    got = _probe(
        [
            ["--help"],
            ["encrypt", "helloworld"],
            ["gen-data", "--out", str(tmp_path / "d.jsonl"), "--count", "5"],
            ["decrypt", "khoorzruog", "--device", "cpu", "--model", model],
            ["decrypt", "--file", str(tmp_path / "m.txt"), "--model", model, "--device", "auto"],
            ["decrypt", "--whole", "--file", str(tmp_path / "m.txt"), "--model", model],
        ],
        tmp_path,
    )
    assert got["codes"] == [0] * 6
    assert not [m for m in got["heavy"] if m.startswith("torch")]


def test_decode_modules_never_import_torch(tmp_path: Path) -> None:
    code = (
        "import sys, caesar_rnn.decoding.decode, caesar_rnn.decoding.bulk, caesar_rnn.nn.numpy_rnn, caesar_rnn.cli.app;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'symspellpy', 'wordfreq')))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


@pytest.mark.parametrize("arch", ["gru", "lstm", "rnn"])
def test_numpy_matches_torch_long_and_padded(arch: str) -> None:
    """A wider model over windows of mixed lengths up to 70: same argmax, logits within 1e-5."""
    torch.manual_seed(5)
    cfg = ModelConfig(arch, 48, 2, True, True)
    model = CaesarRNN(cfg).eval()
    tokens = torch.randint(0, 27, (5, 70))
    lengths = torch.tensor([70, 64, 3, 1, 33])
    with torch.no_grad():
        want = model(tokens, lengths).numpy()
    got = NumpyRNN(cfg, {k: v.numpy() for k, v in model.state_dict().items()}).logits(
        tokens.numpy().astype(np.uint8), lengths.numpy()
    )
    for i, n in enumerate(lengths.tolist()):
        np.testing.assert_allclose(got[i, :n], want[i, :n], atol=1e-5, rtol=1e-4)
        assert (got[i, :n].argmax(-1) == want[i, :n].argmax(-1)).all()


@pytest.mark.parametrize("mode", ["key", "argmax"])
def test_batched_equals_one_at_a_time(tiny_model: str, mode: str) -> None:
    """Grouping by length, windows and batching change nothing: each message decrypts as alone."""
    backend = load_backend(tiny_model)
    msgs = [
        "khoorzruog",
        "Khoor, Zruog!",
        "",
        "123 !!",
        "d",
        encrypt("the quick brown fox jumps over the lazy dog " * 5, 3),  # several windows
        "wkhtxlfneurzq",
    ]
    batched = decrypt_messages(msgs, backend, mode, batch=40)
    alone = [decrypt_messages([m], backend, mode)[0] for m in msgs]
    assert [d.to_dict() for d in batched] == [d.to_dict() for d in alone]
    assert batched[2].shift is None and batched[3].plaintext == "123 !!"


def test_jobs_keep_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker processes over blocks of 7 lines give exactly the one-process output."""
    monkeypatch.setattr(bulk, "CHUNK", 7)
    lines = [encrypt(w, k) for k, w in enumerate(["hello", "world", "Attack at dawn!", ""] * 12)]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n")
    model = str(shipped_model_dir())
    one = runner.invoke(app, ["decrypt", "-f", str(path), "--model", model, "--jobs", "1"])
    two = runner.invoke(app, ["decrypt", "-f", str(path), "--model", model, "--jobs", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, two.stderr
    assert two.stdout == one.stdout
    assert len(two.stdout.splitlines()) == len(lines)
    want = [d.plaintext for d in decrypt_messages(lines, load_backend(model))]
    assert two.stdout.splitlines() == want
    assert two.stderr.startswith("using model")


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


def test_shipped_model_numpy_matches_torch() -> None:
    """The shipped model in NumPy and in torch: the same argmax at every position; logits agree
    to float32 summation order (about 1e-4 absolute on logits up to ~25 for a 2x256 GRU)."""
    from caesar_rnn.store import load_torch_model

    tokens = np.random.default_rng(0).integers(0, 27, (8, 64))
    with torch.no_grad():
        want = load_torch_model(shipped_model_dir())(torch.from_numpy(tokens)).numpy()
    got = load_backend(shipped_model_dir()).logits(tokens.astype(np.uint8))
    assert np.abs(got - want).max() <= 1e-5 * np.abs(want).max() + 1e-5
    assert (got.argmax(-1) == want.argmax(-1)).all()


class _Recording:
    """A stand-in model: uniform outputs (never decisive), remembering each batch's length."""

    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = False
        canonical = False

    def __init__(self) -> None:
        self.lengths: list[int] = []

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        self.lengths.append(tokens.shape[1])
        return np.zeros((*tokens.shape, 26), np.float32)


def test_key_prefix_rereads_undecided_messages() -> None:
    backend = _Recording()
    msgs = ["abcdefghijkl", "abc", "abcdefgh"]
    out = decrypt_messages(msgs, backend, "key", key_prefix=5)  # type: ignore[arg-type]
    assert sorted(set(backend.lengths)) == [3, 5, 8, 12]  # prefixes, then the two long ones whole
    assert [d.shift for d in out] == [0, 0, 0]


def test_key_prefix_longer_than_messages_changes_nothing(tiny_model: str) -> None:
    backend = load_backend(tiny_model)
    msgs = ["khoorzruog", "Wkh txlfn eurzq ira!", "", "d"]
    full = decrypt_messages(msgs, backend, "key")
    assert decrypt_messages(msgs, backend, "key", key_prefix=100) == full


class _BoundaryRecording(_Recording):
    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = True
        canonical = False


class _CanonicalRecording(_Recording):
    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = True
        canonical = True


@pytest.mark.parametrize(
    ("message", "reads"),
    [
        ("abcdefgh", [8, 7]),  # 8 letters: also read without the first
        ("abcdefg", [7]),  # 7: once
        ("a bcdefghi", [10, 8]),  # the boundary that would lead goes too
        ("ab, cd ef gh", [11, 10]),
        ("x" * 160, [80]),  # two windows of 80, one batch: no second reading
    ],
)
def test_key_decode_reads_canonical_messages_twice(message: str, reads: list[int]) -> None:
    backend = _CanonicalRecording()
    decrypt_messages([message], backend, "key")  # type: ignore[arg-type]
    assert sorted(backend.lengths, reverse=True) == reads
    plain = _BoundaryRecording()  # a model without canonical input reads each window once
    decrypt_messages([message], plain, "key")  # type: ignore[arg-type]
    assert plain.lengths == reads[:1]


def test_key_prefix_pass_reads_once() -> None:
    backend = _CanonicalRecording()  # uniform outputs: the prefix never decides
    decrypt_messages(["abcdefghijkl"], backend, "key", key_prefix=10)  # type: ignore[arg-type]
    assert backend.lengths == [10, 12, 11]  # the prefix once; then the whole, read twice


class _TwoReadings:
    """A stand-in canonical model: the whole message leans to 'a' at every letter, the second
    reading (one letter shorter) to 'b', more strongly."""

    class config:  # noqa: N801 - the ModelConfig fields decode reads
        boundaries = True
        canonical = True

    def logits(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros((*tokens.shape, 26), np.float32)
        if tokens.shape[1] == 10:
            out[..., 0] = 1.0
        else:
            out[..., 1] = 3.0
        return out


@pytest.mark.parametrize(("views", "want"), [(True, "abbbbbbbbb"), (False, "aaaaaaaaaa")])
def test_argmax_decode_adds_the_second_reading_letter_by_letter(views: bool, want: str) -> None:
    [d] = decrypt_messages(["qrstuvwxyz"], _TwoReadings(), "argmax", views=views)  # type: ignore[arg-type]
    assert d.plaintext == want  # the second reading's letters are the message's letters 1..9


def test_key_scores_add_the_second_reading() -> None:
    from caesar_rnn.decoding.scores import _encode, key_scores, log_softmax, shift_scores

    backend = load_backend(shipped_model_dir())
    msg = encrypt("Pity, especially.", 11)
    full = _encode(msg, True)
    want = 0
    for t in (full, full[1:]):
        tokens = np.frombuffer(t, np.uint8)[None]  # (1, T)
        want = want + key_scores(log_softmax(backend.logits(tokens)), tokens, tokens < 26)
    assert np.allclose(shift_scores([msg], backend), want)
    assert decrypt_messages([msg], backend)[0].shift == int(want.argmax())


def test_cli_key_prefix(tmp_path: Path) -> None:
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
    assert r.stderr.startswith("using model")
    bad = runner.invoke(app, ["decrypt", "khoor", "--key-prefix", "-3"])
    assert bad.exit_code == 2 and bad.stdout == ""


@pytest.mark.parametrize("mode", ["key", "argmax"])
def test_torch_backend_decodes_like_numpy(mode: str) -> None:
    """The torch backend (what a GPU runs) through both decodes and their second readings, here
    on the CPU: the same plaintexts and keys as the NumPy backend."""
    from caesar_rnn.decoding.backends import TorchBackend

    msgs = [encrypt(p, s) for s, p in enumerate(["Pity, especially.", "it was the best", "abc"])]
    msgs += [encrypt("the quick brown fox jumps over the lazy dog " * 4, 9)]  # several windows
    want = decrypt_messages(msgs, load_backend(shipped_model_dir()), mode)
    got = decrypt_messages(msgs, TorchBackend(shipped_model_dir(), "cpu"), mode)
    assert [(d.plaintext, d.shift) for d in got] == [(d.plaintext, d.shift) for d in want]
    assert [d.confidence for d in got] == pytest.approx([d.confidence for d in want], abs=1e-4)
