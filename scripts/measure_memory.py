"""Peak memory (max RSS) of `caesar-rnn decrypt --file` against input size: streaming means flat.

    python scripts/measure_memory.py --tiny --jobs 1 --sizes 0.25,1,4,16 --json OUT.json

For each size it writes a ciphertext file of that many megabytes into a temporary folder (natural
text from `gen-data`'s source, random keys, one message per line, recycled to fill the size),
runs `python -m caesar_rnn decrypt --file FILE > /dev/null` in a child process and records two
peaks: the largest single process's RSS (``os.wait4``) and the summed RSS of the process and its
`--jobs` workers (sampled from /proc every 50 ms, so it can miss a short peak). A one-message run
(`decrypt TEXT`) gives the baseline: the interpreter, NumPy and the model. ``--long-line`` also
times one file whose every line is a megabyte long. Prints a Markdown table; ``--json`` keeps the
rows.
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

from caesar_rnn.data.generate import generate
from caesar_rnn.files import atomic_write_text

MB = 1 << 20
PAGE = os.sysconf("SC_PAGE_SIZE")


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


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (worker processes), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * PAGE
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def run(args: list[str]) -> tuple[float, float, float, int]:
    """(peak RSS of the largest process, sampled peak of the process tree's summed RSS, both in
    MiB; wall seconds; exit code) of `python -m caesar_rnn ARGS`."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "caesar_rnn", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tree = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree = max(tree, tree_rss(proc.pid))
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, tree / MB, time.perf_counter() - t0, proc.returncode


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
    ap.add_argument("--jobs", default=None, help="pass --jobs N to decrypt (worker processes)")
    ap.add_argument("--long-line", type=float, default=0, help="also a file of N MB, 1 MB lines")
    ap.add_argument("--tmp", default=None, help="where to put the input files (default: /tmp)")
    ap.add_argument("--json", dest="json_out", default=None)
    args = ap.parse_args()
    common = ["--device", "cpu", "--decode", args.decode]
    if args.jobs is not None:
        common += ["--jobs", args.jobs]
    work = tempfile.TemporaryDirectory(dir=args.tmp)
    if args.tiny:
        args.model = train_tiny(Path(work.name))
    if args.model:
        common += ["--model", args.model]
    rows = []
    rss, tree, secs, rc = run(["decrypt", "khoor zruog", *common])
    rows.append(
        {"input": "one message", "mb": 0, "lines": 1, "rss_mib": rss, "tree_mib": tree, "s": secs}
    )
    cases = [(float(s), False) for s in args.sizes.split(",") if s]
    if args.long_line:
        cases.append((args.long_line, True))
    with work as d:
        for mb, long_lines in cases:
            path = Path(d) / f"in-{mb}.txt"
            lines = make_file(path, mb, long_lines)
            rss, tree, secs, rc = run(["decrypt", "--file", str(path), *common])
            if rc != 0:
                sys.exit(f"decrypt failed on {path} (exit {rc})")
            kind = "1 MB lines" if long_lines else "messages"
            rows.append(
                {
                    "input": kind,
                    "mb": mb,
                    "lines": lines,
                    "rss_mib": rss,
                    "tree_mib": tree,
                    "s": secs,
                }
            )
            path.unlink()
            print(f"{mb:g} MB ({kind}): {rss:.0f} / {tree:.0f} MiB, {secs:.0f} s", file=sys.stderr)
    print(f"jobs: {args.jobs or 'default'}; model: {args.model or 'as decrypt picks'}")
    print(
        "| input | MB | lines | peak RSS, largest process (MiB) | peak RSS, all processes (MiB) | seconds |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['input']} | {r['mb']:g} | {r['lines']:,} | {r['rss_mib']:.0f} "
            f"| {r['tree_mib']:.0f} | {r['s']:.1f} |"
        )
    if args.json_out:
        atomic_write_text(args.json_out, json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
