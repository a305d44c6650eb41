"""Peak memory (max RSS) of `caesar-rnn decrypt --file` against input size: streaming means flat.

    python scripts/measure_memory.py --sizes 1,4,16,64 --json docs/robustness-memory.json

For each size it writes a ciphertext file of that many megabytes into a temporary folder (natural
text from `gen-data`'s source, random keys, one message per line, recycled to fill the size),
runs `python -m caesar_rnn decrypt --file FILE > /dev/null` in a child process and reads the
child's peak RSS from ``os.wait4``. A one-message run (`decrypt TEXT`) gives the baseline: the
interpreter, NumPy and the model. ``--long-line`` also times one file whose every line is a
megabyte long. Prints a Markdown table; ``--json`` keeps the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from caesar_rnn.datagen import generate
from caesar_rnn.fileio import atomic_write_text

MB = 1 << 20


def make_file(path: Path, megabytes: float, long_lines: bool = False) -> int:
    """Ciphertext lines adding up to ``megabytes``; returns the line count."""
    pool = [str(r["ciphertext"]) for r in generate(4000, 4, 64, style="natural", seed=11)]
    target, size, n = int(megabytes * MB), 0, 0
    with path.open("w", encoding="utf-8") as f:  # a scratch input in /tmp, not a result
        while size < target:
            if long_lines:
                line = (" ".join(pool) * (MB // sum(len(p) + 1 for p in pool) + 1))[:MB]
            else:
                line = pool[n % len(pool)]
            f.write(line + "\n")
            size += len(line) + 1
            n += 1
    return n


def train_tiny(d: Path) -> str:
    data, model = d / "pairs.jsonl", d / "tiny-model"
    for cmd in (
        ["gen-data", "--out", str(data), "--count", "3000", "--shift", "3", "--max-len", "24"],
        ["train", "--data", str(data), "--out", str(model), "--hidden", "32", "--layers", "1"],
    ):
        extra = ["--epochs", "2", "--device", "cpu", "--checkpoint-every", "0"]
        subprocess.run(
            [sys.executable, "-m", "caesar_rnn", *cmd, *(extra if cmd[0] == "train" else [])],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return str(model)


def run(args: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MiB, wall seconds, exit code) of `python -m caesar_rnn ARGS`."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "caesar_rnn", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - t0, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,4,16", help="file sizes in MB, comma-separated")
    ap.add_argument("--model", default=None, help="model folder (default: as `decrypt` picks)")
    ap.add_argument(
        "--tiny",
        action="store_true",
        help="train a tiny GRU (32 units, 1 layer, seconds) and use it: the streaming is the same, "
        "and it is fast enough on a shared CPU to reach larger files",
    )
    ap.add_argument("--decode", default="key")
    ap.add_argument("--long-line", type=float, default=0, help="also a file of N MB, 1 MB lines")
    ap.add_argument("--tmp", default=None, help="where to put the input files (default: /tmp)")
    ap.add_argument("--json", dest="json_out", default=None)
    args = ap.parse_args()
    common = ["--device", "cpu", "--decode", args.decode]
    work = tempfile.TemporaryDirectory(dir=args.tmp)
    if args.tiny:
        args.model = train_tiny(Path(work.name))
    if args.model:
        common += ["--model", args.model]
    rows = []
    rss, secs, rc = run(["decrypt", "khoor zruog", *common])
    rows.append({"input": "one message (baseline)", "mb": 0, "lines": 1, "rss_mib": rss, "s": secs})
    cases = [(float(s), False) for s in args.sizes.split(",") if s]
    if args.long_line:
        cases.append((args.long_line, True))
    with work as d:
        for mb, long_lines in cases:
            path = Path(d) / f"in-{mb}.txt"
            lines = make_file(path, mb, long_lines)
            rss, secs, rc = run(["decrypt", "--file", str(path), *common])
            if rc != 0:
                sys.exit(f"decrypt failed on {path} (exit {rc})")
            kind = "1 MB lines" if long_lines else "messages"
            rows.append({"input": kind, "mb": mb, "lines": lines, "rss_mib": rss, "s": secs})
            path.unlink()
            print(f"{mb:g} MB ({kind}): {rss:.0f} MiB, {secs:.0f} s", file=sys.stderr)
    print("| input | MB | lines | peak RSS (MiB) | seconds | MB/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        rate = f"{r['mb'] / r['s']:.3f}" if r["mb"] else "-"
        print(
            f"| {r['input']} | {r['mb']:g} | {r['lines']:,} | {r['rss_mib']:.0f} | {r['s']:.1f} | {rate} |"
        )
    if args.json_out:
        atomic_write_text(args.json_out, json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
