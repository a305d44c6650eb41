"""No torch on the light path: the commands that need no model training, and the decode modules,
start without importing torch (or the words cracker's optional libraries)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from caesar_rnn.store import shipped_model_dir

# Runs CLI commands in a fresh interpreter and reports which heavy modules they imported.
_PROBE = """
import io, json, sys
from caesar_rnn.cli.app import app
codes = []
for args, stdin in json.loads(sys.argv[1]):
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        app(args=args, prog_name="caesar-rnn")
    except SystemExit as exc:
        codes.append(exc.code)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "symspellpy", "wordfreq"))
print(json.dumps({"codes": codes, "heavy": heavy}), file=sys.stderr)
"""


def _run_probe(
    commands: list[tuple[list[str], str]], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run (args, stdin) commands through ``_PROBE``; its last stderr line is the report."""
    return subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(commands)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env=env,
    )


def _probe(commands: list[list[str]], cwd: Path) -> dict[str, list]:
    r = _run_probe([(args, "") for args in commands], cwd)
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


def test_new_input_paths_never_import_torch(tmp_path: Path) -> None:
    (tmp_path / "m.txt").write_text("khoorzruog\n")
    commands = [
        (["decrypt", "--model", "shipped"], "khoorzruog\n"),
        (["decrypt", "-", "-k", "3"], "khoor\n"),
        (["encrypt", "-f", str(tmp_path / "m.txt")], ""),
        (["crack", "--best"], "khoorzruog\n"),
        (["--version"], ""),
    ]
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    r = _run_probe(commands, tmp_path, env)
    got = json.loads(r.stderr.strip().splitlines()[-1])
    assert got["codes"] == [0] * len(commands)
    assert "helloworld\nhello\n" in r.stdout
    assert not [m for m in got["heavy"] if m.startswith("torch")]
