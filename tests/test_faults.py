"""Issue 17's faults, each injected: short writes, file-size limits, a full disk, a closed pipe,
closed stdin/stderr, a kill between two renames, stale temporaries, signals at each phase of a
bulk decrypt, hand-edited files. Every test here failed before the fix it names."""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from caesar_rnn import files, store
from caesar_rnn.cipher import encrypt
from caesar_rnn.cli.app import app
from caesar_rnn.config import ModelConfig
from caesar_rnn.errors import CaesarRNNError

runner = CliRunner()
CLI = [sys.executable, "-m", "caesar_rnn"]
PLAIN = "the report goes to the committee before friday, and then home.\r\n"


def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def _cipher_file(tmp_path: Path, lines: int = 4000) -> Path:
    src = tmp_path / "cipher.txt"
    src.write_text(encrypt(PLAIN * lines, 3), newline="")
    return src


def _run(args: list[str], **kw: Any) -> subprocess.CompletedProcess[bytes]:
    # stdout strict UTF-8, as in a UTF-8 locale such as en_US.UTF-8 (C.UTF-8 would be lenient)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8:strict"}
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(CLI + args, env=env, timeout=120, **kw)


# --- every write checks that all its bytes were written -------------------------------------


class _Short(io.RawIOBase):
    """Takes at most ``step`` bytes per write; after ``room`` bytes, takes none."""

    def __init__(self, step: int, room: int) -> None:
        self.step, self.room, self.got = step, room, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        n = min(self.step, len(b), self.room - len(self.got))
        self.got += bytes(b[:n])
        return n


def test_write_all_loops_over_short_writes_and_refuses_a_stuck_stream() -> None:
    ok = _Short(7, 1 << 20)
    files.write_all(ok, b"x" * 1000)  # type: ignore[arg-type]
    assert bytes(ok.got) == b"x" * 1000
    with pytest.raises(CaesarRNNError, match="cannot write to out: it takes no more bytes"):
        files.write_all(_Short(7, 500), b"x" * 1000, "out")  # type: ignore[arg-type]


def test_whole_into_a_short_writing_stream_is_an_error(tiny_model: str) -> None:
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.bulk import decrypt_whole

    src = io.BytesIO(encrypt(PLAIN * 200, 3).encode())
    with pytest.raises(CaesarRNNError, match="takes no more bytes"):
        decrypt_whole(src, _Short(4096, 5000), load_backend(tiny_model, "cpu"))  # type: ignore[arg-type]


def test_whole_under_a_file_size_limit_exits_1_without_a_byte_count(
    tmp_path: Path, tiny_model: str
) -> None:
    src, out = _cipher_file(tmp_path), tmp_path / "out.txt"
    limit = 64 << 10

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with out.open("wb") as f:
        r = _run(
            ["decrypt", "--whole", "--file", str(src), "--model", tiny_model],
            stdout=f,
            stderr=subprocess.PIPE,
            preexec_fn=small_files,
        )
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert "File too large" in err and "Traceback" not in err
    assert "bytes" not in err.splitlines()[-1]  # the full count was reported before
    assert out.stat().st_size == limit


def test_whole_into_head_c10_is_not_a_success(tmp_path: Path, tiny_model: str) -> None:
    src = _cipher_file(tmp_path, 20000)
    p = subprocess.Popen(
        [*CLI, "decrypt", "--whole", "--file", str(src), "--model", tiny_model],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(60) == 1, err
    assert "Traceback" not in err and " bytes" not in err


def test_whole_onto_a_full_disk(tmp_path: Path, tiny_model: str) -> None:
    with open("/dev/full", "wb") as full:
        r = _run(
            ["decrypt", "--whole", "--file", str(_cipher_file(tmp_path)), "--model", tiny_model],
            stdout=full,
            stderr=subprocess.PIPE,
        )
    err = r.stderr.decode()
    assert r.returncode == 1 and "No space left on device" in err and "Traceback" not in err


# --- --force replaces regular files only, and keeps their mode and owner ---------------------


def _special(kind: str, path: Path, tmp_path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        (tmp_path / "real.txt").write_text("keep me\n")
        path.symlink_to(tmp_path / "real.txt")
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null
    else:
        path.mkdir()


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device", "directory"])
def test_force_never_replaces_what_is_not_a_regular_file(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    _special(kind, target, tmp_path)
    before = os.lstat(target)
    with pytest.raises(CaesarRNNError, match="only a regular file|is a directory"):
        files.atomic_write_text(target, "new\n")
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if kind == "symlink":
        assert (tmp_path / "real.txt").read_text() == "keep me\n"
    r = runner.invoke(app, ["gen-data", "--out", str(target), "--count", "3", "--force"])
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert os.lstat(target).st_ino == before.st_ino


def test_force_keeps_mode_and_owner(tmp_path: Path) -> None:
    target = tmp_path / "pairs.jsonl"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    if os.geteuid() == 0:
        os.chown(target, 4321, 4321)
    files.atomic_write_text(target, "new\n")
    st = os.stat(target)
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(st.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (4321, 4321)


def test_temporaries_left_by_a_kill_are_swept(tmp_path: Path) -> None:
    dead, alive = _dead_pid(), os.getppid()
    stale_file = tmp_path / f"{files.TMP_PREFIX}{dead}-pairs.jsonl.abc.tmp"
    stale_dir = tmp_path / f"{files.TMP_PREFIX}{dead}-model.xyz"
    live = tmp_path / f"{files.TMP_PREFIX}{alive}-pairs.jsonl.def.tmp"
    stale_file.write_text("half")
    stale_dir.mkdir()
    (stale_dir / "model.safetensors").write_bytes(b"half")
    live.write_text("being written")
    files.atomic_write_text(tmp_path / "pairs.jsonl", "x\n")
    assert not stale_file.exists() and not stale_dir.exists()
    assert live.exists()  # its writer still runs


def test_temporary_names_are_recognisable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fail_replace(src: str, dst: Any) -> None:
        seen.append(Path(src).name)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail_replace)
    with pytest.raises(CaesarRNNError, match="cannot write .*No space left on device"):
        files.atomic_write_text(tmp_path / "a.txt", "x")
    assert seen[0].startswith(f"{files.TMP_PREFIX}{os.getpid()}-a.txt.")
    assert os.listdir(tmp_path) == []  # and removed on the way out


# --- input: line ends, bounded memory, closed stdin, errors after the good lines -------------


def test_every_cr_passes_through(tiny_model: str) -> None:
    r = runner.invoke(
        app, ["decrypt", "--file", "-", "--model", tiny_model], input=b"ab\r\r\ncd\r\n"
    )
    assert r.exit_code == 0, r.stderr
    lines = r.stdout_bytes.split(b"\n")
    assert len(lines) == 3 and lines[2] == b""
    assert lines[0].endswith(b"\r\r") and len(lines[0]) == 4
    assert lines[1].endswith(b"\r") and len(lines[1]) == 3


def test_dev_zero_is_refused_at_once() -> None:
    t0 = time.perf_counter()
    with pytest.raises(CaesarRNNError, match="binary file .a NUL byte on line 1"):
        next(files.read_lines("/dev/zero"))
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize("where", ["file", "pipe"])
def test_a_line_past_the_limit_is_refused_in_linear_time(where: str, tmp_path: Path) -> None:
    big = b"khoor" * (3 * files.MAX_LINE // 5)  # 12 MiB, no newline
    t0 = time.perf_counter()
    with pytest.raises(CaesarRNNError, match="line 2 is longer than 4,194,304 bytes"):
        if where == "file":
            path = tmp_path / "big.txt"
            path.write_bytes(b"ok\n" + big)
            list(files.read_lines(path))
        else:
            list(files._decode_lines(io.BytesIO(b"ok\n" + big), "stdin"))
    assert time.perf_counter() - t0 < 10


def test_a_line_of_exactly_the_limit_is_read() -> None:
    line = b"a" * files.MAX_LINE
    got = list(files._decode_lines(io.BytesIO(line + b"\n" + line), "x"))
    assert [len(x) for x in got] == [files.MAX_LINE] * 2


def test_closed_stdin_is_one_clear_line(tiny_model: str) -> None:
    r = _run(["decrypt", "--file", "-", "--model", tiny_model], preexec_fn=lambda: os.close(0))
    err = r.stderr.decode()
    assert r.returncode == 1 and "stdin is closed" in err and "Traceback" not in err


def test_good_lines_before_a_bad_one_are_all_printed(tiny_model: str) -> None:
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.bulk import decrypt_parallel

    def lines() -> Any:
        for _ in range(1, 50_000):
            yield "khoor"
        raise CaesarRNNError("stdin: invalid UTF-8 on line 50000")

    got = 0
    backend = load_backend(tiny_model, "cpu")
    with pytest.raises(CaesarRNNError, match="line 50000"):
        for _ in decrypt_parallel(lines(), backend, tiny_model, jobs=1):
            got += 1
    assert got == 49_999


# --- model folders: published whole, schema-checked ------------------------------------------

CFG = ModelConfig("gru", 8, 1, False)


def _weights(cfg: ModelConfig, value: float) -> dict[str, np.ndarray]:
    return {k: np.full(s, value, np.float32) for k, s in cfg.weight_shapes().items()}


def _loads_whole(d: Path) -> ModelConfig:
    meta = store.load_meta(d)
    store.load_weights(d, meta.model)  # the weights fit the config and its checksum
    return meta.model


def test_existing_model_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "m"
    store.save_model(out, _weights(CFG, 0.1), store.ModelMeta(CFG))
    other = ModelConfig("gru", 12, 1, False)
    with pytest.raises(CaesarRNNError, match="already holds a model"):
        store.save_model(out, _weights(other, 0.2), store.ModelMeta(other), force=False)
    assert _loads_whole(out).hidden == 8
    (out / "checkpoint").mkdir()
    (out / "checkpoint" / "state.json").write_text("{}")
    store.save_model(out, _weights(other, 0.2), store.ModelMeta(other), force=True)
    assert _loads_whole(out).hidden == 12
    assert (out / "checkpoint" / "state.json").exists()  # what else the folder held stays
    assert sorted(os.listdir(tmp_path)) == ["m"]  # no temporary left


def test_a_kill_just_after_the_swap_leaves_the_new_model_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "m"
    store.save_model(out, _weights(CFG, 0.1), store.ModelMeta(CFG))
    other = ModelConfig("gru", 12, 1, False)

    def killed(*a: Any) -> None:
        raise KeyboardInterrupt  # the process stops here

    monkeypatch.setattr(store, "_adopt_extras", killed)
    with pytest.raises(KeyboardInterrupt):
        store.save_model(out, _weights(other, 0.2), store.ModelMeta(other))
    monkeypatch.undo()
    assert _loads_whole(out).hidden == 12
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_a_kill_between_two_renames_keeps_the_old_model_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system cannot swap folders, the old one is moved aside first: a kill then
    leaves it whole under a name that is never swept, and never new weights under its config."""
    out = tmp_path / "m"
    store.save_model(out, _weights(CFG, 0.1), store.ModelMeta(CFG))
    other = ModelConfig("gru", 12, 1, False)
    monkeypatch.setattr(store, "_renameat2", None)
    real_rename, calls = os.rename, []

    def killed_at_second(a: Any, b: Any) -> None:
        calls.append(a)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_rename(a, b)

    monkeypatch.setattr(store.os, "rename", killed_at_second)
    with pytest.raises(KeyboardInterrupt):
        store.save_model(out, _weights(other, 0.2), store.ModelMeta(other))
    monkeypatch.undo()
    assert not out.exists()
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith(".caesar-rnn-old-")]
    assert _loads_whole(aside).hidden == 8
    store.save_model(out, _weights(other, 0.2), store.ModelMeta(other))  # the next run
    assert aside.exists() and _loads_whole(out).hidden == 12


def test_a_kill_between_weights_and_config_leaves_the_old_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "m"
    store.save_model(out, _weights(CFG, 0.1), store.ModelMeta(CFG))

    def killed(*a: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "atomic_write_text", killed)
    with pytest.raises(KeyboardInterrupt):
        store.save_model(out, _weights(ModelConfig("gru", 12, 1, False), 0.2), store.ModelMeta(CFG))
    monkeypatch.undo()
    assert _loads_whole(out).hidden == 8
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_symlink_loop_as_model_says_so(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(CaesarRNNError, match="Too many levels of symbolic links"):
        store.resolve_model_dir(loop)


def test_unreadable_local_model_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / store.DEFAULT_TRAIN_DIR).mkdir()
    real = os.stat

    def no_permission(p: Any, *a: Any, **k: Any) -> Any:  # what a mode-000 folder gives non-root
        if store.DEFAULT_TRAIN_DIR in str(p):
            raise PermissionError(13, "Permission denied")
        return real(p, *a, **k)

    monkeypatch.setattr(store.os, "stat", no_permission)
    with pytest.raises(CaesarRNNError, match="cannot open model directory .*Permission denied"):
        store.resolve_model_dir(None)


# --- rows and checkpoints read from outside ----------------------------------------------------

GOOD = {"ciphertext": "khoor", "plaintext": "hello", "shift": 3}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('{"ciphertext": "khoor", "plaintext": "hello", "shift": 1e999}', "out of range"),
        ('{"ciphertext": "khoor", "plaintext": "hello", "shift": "3"}', "shift must be an integer"),
        (
            '{"ciphertext": "khoor", "plaintext": "hello", "shift": true}',
            "shift must be an integer",
        ),
        ('{"ciphertext": "khoor", "plaintext": "hello", "shift": 26}', "shift must be at most 25"),
        ('{"ciphertext": "khoor", "plaintext": "hello", "shift": NaN}', "NaN is not allowed"),
        ('{"ciphertext": 5, "plaintext": "hello"}', "needs string fields"),
    ],
)
def test_both_readers_refuse_a_bad_row_alike(row: str, message: str, tmp_path: Path) -> None:
    from caesar_rnn.data.dataset import read_pairs
    from caesar_rnn.evaluation.evaluate import load_messages

    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps(GOOD) + "\n" + row + "\n")
    for read in (read_pairs, load_messages):
        with pytest.raises(CaesarRNNError, match=f"d.jsonl:2: .*{message}"):
            read(data)


def test_both_readers_accept_u2028_inside_a_string(tmp_path: Path) -> None:
    from caesar_rnn.data.dataset import read_pairs
    from caesar_rnn.evaluation.evaluate import load_messages

    plain = "hello\u2028world"
    data = tmp_path / "d.jsonl"
    row = {"ciphertext": encrypt(plain, 3), "plaintext": plain, "shift": 3}
    data.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_pairs(data).plaintexts == [plain]
    assert [m.plaintext for m in load_messages(data)] == [plain]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"position": {"step": "5"}}, "step must be an integer"),
        ({"position": {"step": -1}}, "step must be at least 0"),
        ({"position": {"step": 5, "seconds": "fast"}}, "seconds must be a finite number"),
        ({"model": {"hidden": 12.0}}, "hidden must be an integer"),
        ({"training": {"lr": [1]}}, "training must be an object of plain values"),
        ({"format_version": "1"}, "format_version must be an integer, got '1'"),
    ],
)
def test_hand_edited_state_json_is_refused(
    edit: dict[str, Any], message: str, tmp_path: Path
) -> None:
    from caesar_rnn.training import state

    doc = {
        "format": state.FORMAT,
        "format_version": state.FORMAT_VERSION,
        "tensors": "state-5.safetensors",
        "tensors_sha256": "0" * 64,
        "model": {"arch": "gru"},
        "training": {"lr": 0.01},
        "position": {"step": 5},
    }
    doc.update(edit)
    (tmp_path / "state.json").write_text(json.dumps(doc))
    with pytest.raises(CaesarRNNError, match=message):
        state.load(tmp_path)


# --- option bounds: an error, not a hang or an empty table -----------------------------------


def test_gen_data_huge_length_is_refused_at_once(tmp_path: Path) -> None:
    t0 = time.perf_counter()
    r = runner.invoke(
        app,
        ["gen-data", "--out", str(tmp_path / "x.jsonl"), "--count", "1"]
        + ["--min-len", "1000000000000", "--max-len", "1000000000000"],
    )
    assert r.exit_code == 2 and "less than or equal to 65536" in r.stderr
    assert time.perf_counter() - t0 < 10 and not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--solvers", "ngram", "--buckets", "100000000"], "must be at most 65,536"),
        (["--solvers", ","], "names none of"),
    ],
)
def test_eval_options_that_would_print_an_empty_table(
    args: list[str], message: str, tmp_path: Path
) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps(GOOD) + "\n")
    r = runner.invoke(app, ["eval", "--data", str(data), *args])
    assert r.exit_code in (1, 2) and message in r.stderr and r.stdout == ""  # 2: usage error


# --- worker processes: no traceback, none left behind ----------------------------------------

#: Runs the command as a child subreaper's child: a worker orphaned by it is re-parented here,
#: so "no worker left behind" is checked exactly (``os.wait`` finds none once the command ends).
_REAPER = """
import ctypes, os, signal, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
sig, cmd = int(sys.argv[1]), sys.argv[2:]  # sig -1: close the output pipe (`| head -1`)
out = subprocess.PIPE if sig < 0 else subprocess.DEVNULL
p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, start_new_session=True)
def workers():  # forked or spawned; not multiprocessing's resource tracker
    try:
        kids = open(f"/proc/{p.pid}/task/{p.pid}/children").read().split()
        return [k for k in kids if b"resource_tracker" not in open(f"/proc/{k}/cmdline", "rb").read()]
    except OSError:
        return []
seen, deadline = set(), time.time() + 90
while p.poll() is None and (len(seen) < 2 or sig) and time.time() < deadline:
    seen.update(workers())
    if sig and len(seen) >= 2:
        time.sleep(1.0)
        if sig < 0:
            p.stdout.readline()
            p.stdout.close()
        else:
            os.killpg(p.pid, sig) if sig == signal.SIGINT else os.kill(p.pid, sig)
        break
    time.sleep(0.02)
err = p.stderr.read().decode()
rc = p.wait()
time.sleep(0.3)
left = 0
for pid in map(int, seen):  # reaped by the command: not our child; else orphaned here
    try:
        os.waitpid(pid, os.WNOHANG)
        left += 1
    except ChildProcessError:
        pass
while True:  # reap whatever else came here (the resource tracker), waiting for it to end
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
print(rc, left, len(seen))
print(err)
"""


def _with_workers(sig: int, tmp_path: Path, tiny_model: str, lines: int) -> tuple[int, int, str]:
    src = tmp_path / "many.txt"
    src.write_text("khoor zruog\n" * lines)  # several blocks: workers start
    return _reaped(sig, ["decrypt", "--file", str(src), "--model", tiny_model, "--jobs", "2"])


def _reaped(sig: int, args: list[str]) -> tuple[int, int, str]:
    r = subprocess.run(
        [sys.executable, "-c", _REAPER, str(int(sig)), *CLI, *args],
        capture_output=True,
        timeout=180,
        text=True,
    )
    head, _, err = r.stdout.partition("\n")
    rc, left, seen = map(int, head.split())
    assert seen == 2, (head, err, r.stderr)
    return rc, left, err


@pytest.mark.parametrize(
    ("sig", "rc"), [(signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM)]
)
def test_a_signal_with_workers_ends_them_all_quietly(
    sig: signal.Signals, rc: int, tmp_path: Path, tiny_model: str
) -> None:
    code, left, err = _with_workers(sig, tmp_path, tiny_model, 400_000)
    assert "Traceback" not in err, err
    assert code == rc, err
    assert left == 0  # no worker outlived the command


@pytest.mark.parametrize(
    ("sig", "rc"), [(signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM)]
)
def test_gen_data_stopped_with_its_workers(sig: signal.Signals, rc: int, tmp_path: Path) -> None:
    """Ctrl-C reaches gen-data's workers too (the terminal signals the whole group): the command
    ends them, says so in one line, and leaves neither output nor scratch folder (QA round 6:
    it could hang for good, each worker stuck putting its error in a queue)."""
    if sys.platform != "linux":
        pytest.skip("the reaper reads /proc")
    out = tmp_path / "pairs.jsonl"
    code, left, err = _reaped(sig, ["gen-data", "--count", "5000000", "-o", str(out)])
    assert code == rc, err
    assert err.strip().splitlines() == [f"{sig.name}: stopped; nothing written to {out}"]
    assert left == 0
    assert list(tmp_path.iterdir()) == []


def test_no_worker_left_after_a_normal_exit(tmp_path: Path, tiny_model: str) -> None:
    code, left, err = _with_workers(0, tmp_path, tiny_model, 20_000)
    assert code == 0, err
    assert left == 0


def test_no_worker_left_after_the_output_pipe_closes(tmp_path: Path, tiny_model: str) -> None:
    """`decrypt --file F --jobs 2 | head -1`: the command ends on the broken pipe (exit 1, no
    traceback) and ends its workers first."""
    code, left, err = _with_workers(-1, tmp_path, tiny_model, 400_000)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 1, err
    assert left == 0


# --- the standard streams ----------------------------------------------------------------------


def test_stdout_onto_a_full_disk_is_one_error_line(tiny_model: str) -> None:
    with open("/dev/full", "wb") as full:
        r = _run(["decrypt", "khoor", "--model", tiny_model], stdout=full)
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert err.splitlines()[-1] == "error: cannot write to stdout: No space left on device"
    assert "Traceback" not in err and "Exception ignored" not in err


def test_closed_stderr_keeps_messages_off_stdout(tiny_model: str) -> None:
    r = _run(["decrypt", "khoor", "--model", tiny_model], preexec_fn=lambda: os.close(2))
    assert r.returncode == 0
    assert b"using model" not in r.stdout and len(r.stdout.splitlines()) == 1


def test_argv_bytes_that_are_not_utf8_pass_through(tmp_path: Path) -> None:
    r = _run(["encrypt", b"ab\xffc"])  # type: ignore[list-item]
    # the CLI refuses TEXT that is not UTF-8, in one line (it used to crash on printing it)
    assert r.returncode == 1 and r.stdout == b"" and b"Traceback" not in r.stderr
    assert b"not valid UTF-8" in r.stderr.splitlines()[-1]
    out = os.fsencode(tmp_path) + b"/x\xff.jsonl"
    r = subprocess.run(
        [*CLI, "gen-data", "--out", out, "--count", "2"], capture_output=True, timeout=60
    )
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    assert r.stdout == out + b"\n" and os.path.exists(out)


def test_a_stale_temporary_does_not_keep_the_checkpoint_folder(tmp_path: Path) -> None:
    from caesar_rnn.training import state

    ckpt = state.Checkpointer.__new__(state.Checkpointer)
    ckpt.write, ckpt.dir = True, tmp_path / "checkpoint"
    ckpt.dir.mkdir()
    (ckpt.dir / f"{files.TMP_PREFIX}{_dead_pid()}-state.json.x.tmp").write_text("{")
    (ckpt.dir / "state.json").write_text("{}")
    ckpt.finish()
    assert not ckpt.dir.exists()
