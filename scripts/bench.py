"""Decryption benchmark: start-up, many short messages, one long text (--whole), with references
measured in the same run, so that ratios hold on a busy machine. Training: scripts/bench_train.py.

    python scripts/bench.py                       # all sections, shipped model
    python scripts/bench.py --lines 20000 --whole-mb 200 --models /tmp/other-model
    python scripts/bench.py --sections startup
    python scripts/bench.py --sections words --lines 20000   # crack --method words vs ngram
    python scripts/bench.py --sections messages --before /tmp/ref-main   # before -> after, one run

Every figure is a median over --repeat runs of a fresh process (wall clock, start-up included),
with the peak RSS of the largest process in it (os.wait4). The many-messages section alternates
the n-gram crack with each decrypt variant in every round, and its ratio column is the median of
the rounds' ratios (crack time / decrypt time: 1.00x or more means decrypt is as fast). Inputs go to a temporary folder
(--tmp), deleted at the end. Prints a Markdown table on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SCRIPT = Path(sys.executable).parent / "caesar-rnn"
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "caesar_rnn"]
ROWS: list[tuple[str, str, str, str, str]] = []  # section, what, figure, ratio, peak RSS


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(
    cmd: list[str],
    stdout: object = subprocess.DEVNULL,
    stdin: object = None,
    env: dict[str, str] | None = None,
) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB, largest process among it and its waited children)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, stdin=stdin, env=env)  # type: ignore[arg-type]
    assert p.stderr is not None
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {err.decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024


def timed(
    cmd: list[str], repeat: int, out: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, int]:
    walls, rss = [], 0
    for _ in range(repeat):
        if out is None:
            w, r = run(cmd, env=env)
        else:
            with out.open("wb") as f:
                w, r = run(cmd, stdout=f, env=env)
        walls.append(w)
        rss = max(rss, r)
    return statistics.median(walls), rss


def row(section: str, what: str, figure: str, ratio: str, rss: int | str) -> None:
    ROWS.append((section, what, figure, ratio, f"{rss} MiB" if isinstance(rss, int) else rss))
    log(f"  {what}: {figure} {ratio}")


def machine(model: str) -> list[str]:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cfg = json.loads((Path(model) / "config.json").read_text())["model"]
    import numpy as np

    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    return [
        f"- machine: {platform.node()}, {cpu}, {len(os.sched_getaffinity(0))} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__} ({blas.get('name', '?')})",
        f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- model: {model} ({cfg['arch']}, {cfg['layers']}x{cfg['hidden']}, "
        f"{'bi' if cfg['bidirectional'] else 'uni'}directional, boundaries={cfg['boundaries']})",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
    ]


def startup(repeat: int, model: str) -> None:
    log("start-up")
    ref, ref_rss = timed([sys.executable, "-c", "pass"], repeat)
    row("start-up", "`python -c pass` (reference)", f"{ref:.3f} s", "1.0x", ref_rss)
    for what, cmd in [
        ("`python -c 'import numpy'`", [sys.executable, "-c", "import numpy"]),
        ("`python -c 'import torch'`", [sys.executable, "-c", "import torch"]),
        ("`caesar-rnn --help`", [*CLI, "--help"]),
        ("`caesar-rnn encrypt helloworld`", [*CLI, "encrypt", "helloworld"]),
        ("`caesar-rnn decrypt khoorzruog`", [*CLI, "decrypt", "khoorzruog", "--model", model]),
        ("`caesar-rnn crack khoorzruog` (n-gram)", [*CLI, "crack", "khoorzruog", "--top", "1"]),
    ]:
        t, rss = timed(cmd, repeat)
        row("start-up", what, f"{t:.3f} s", f"{t / ref:.1f}x", rss)


def make_messages(path: Path, plain: Path, n: int, max_len: int = 64) -> int:
    """n lines of 4-``max_len`` letters (English from the packaged source), random keys; returns
    chars."""
    from caesar_rnn.data.generate import generate

    chars = 0
    with path.open("w") as c, plain.open("w") as p:
        for r in generate(n, 4, max_len, None, "letters", [], 6):
            c.write(f"{r['ciphertext']}\n")
            p.write(f"{r['plaintext']}\n")
            chars += len(str(r["ciphertext"]))
    return chars


def accuracy(out: Path, plain: Path, crack: bool = False) -> float:
    want = plain.read_text().splitlines()
    if crack:
        got = [json.loads(x)["candidates"][0]["plaintext"] for x in out.read_text().splitlines()]
    else:
        got = out.read_text().splitlines()
    return sum(a == b for a, b in zip(got, want, strict=True)) / len(want)


def messages(
    n: int, repeat: int, tmp: Path, models: list[str], jobs: list[int], before: str | None = None
) -> None:
    """The n-gram crack (reference) and each decrypt variant on the same file, alternating within
    each round, so that every variant's ratio to the crack is taken between neighbouring runs
    (robust to a load that changes during the run): the median of the rounds' ratios.
    ``before``: another checkout's root, whose decrypt variants (the first model's) run in the
    same rounds too (its code first on PYTHONPATH), for a before -> after in one run."""
    log(f"many short messages: {n:,} lines")
    src, plain, out = tmp / "msgs.txt", tmp / "plain.txt", tmp / "out.txt"
    chars = make_messages(src, plain, n)
    crack = [*CLI, "crack", "--file", str(src), "--top", "1", "--json"]
    variants = []
    for model in models:
        name = Path(model).name if Path(model).name != "default" else "shipped"
        for j, prefix in [(j, 0) for j in jobs] + [(max(jobs), 16)]:
            cmd = [*CLI, "decrypt", "--file", str(src), "--model", model, "--jobs", str(j)]
            opt = f" --key-prefix {prefix}" if prefix else ""
            variants.append(
                (f"`decrypt --file --jobs {j}{opt}` ({name})", cmd + ["--key-prefix", str(prefix)])
            )
        # The language step's share: the same decode without it (English answers the same).
        cmd = [*CLI, "decrypt", "--file", str(src), "--model", model, "--jobs", "1"]
        variants.append((f"`decrypt --file --jobs 1 --lang en` ({name})", cmd + ["--lang", "en"]))
    envs: dict[str, dict[str, str] | None] = dict.fromkeys([w for w, _ in variants])
    if before:
        env = {**os.environ, "PYTHONPATH": str(Path(before).resolve())}
        for what, cmd in variants[: len(variants) // len(models)]:
            variants.append((f"{what} before ({Path(before).name})", cmd))
            envs[variants[-1][0]] = env
    walls: dict[str, list[float]] = {"crack": []}
    ratios: dict[str, list[float]] = {what: [] for what, _ in variants}
    rss: dict[str, int] = {}
    acc: dict[str, float] = {}
    for _ in range(repeat):
        t_ref, rss["crack"] = timed(crack, 1, out)
        walls["crack"].append(t_ref)
        acc["crack"] = accuracy(out, plain, crack=True)
        for what, cmd in variants:
            t, rss[what] = timed(cmd, 1, out, envs[what])
            walls.setdefault(what, []).append(t)
            ratios[what].append(t_ref / t)
            acc[what] = accuracy(out, plain)
    t = statistics.median(walls["crack"])
    row(
        "messages",
        f"`crack --file --top 1 --json` n-gram (reference), msg acc {acc['crack']:.3f}",
        f"{n / t:,.0f} msg/s, {chars / t:,.0f} chars/s",
        "1.00x",
        rss["crack"],
    )
    for what, _ in variants:
        t = statistics.median(walls[what])
        row(
            "messages",
            f"{what}, msg acc {acc[what]:.3f}",
            f"{n / t:,.0f} msg/s, {chars / t:,.0f} chars/s",
            f"{statistics.median(ratios[what]):.2f}x",
            rss[what],
        )


def words(n: int, repeat: int, tmp: Path, max_len: int = 64) -> None:
    """`crack --method words` against `crack` (quadgram) on the same file, in the same run."""
    log(f"crack --method words: {n:,} lines of 4-{max_len} letters")
    src, plain, out = tmp / "words.txt", tmp / "words-plain.txt", tmp / "out.txt"
    chars = make_messages(src, plain, n, max_len)
    ref = 0.0
    for method in ("ngram", "words"):
        cmd = [*CLI, "crack", "--file", str(src), "--top", "1", "--json", "--method", method]
        t, rss = timed(cmd, repeat, out)
        acc = accuracy(out, plain, crack=True)
        ref = ref or chars / t
        row(
            "words",
            f"`crack --file --method {method}` (4-{max_len} letters), msg acc {acc:.4f}",
            f"{n / t:,.0f} msg/s, {chars / t:,.0f} chars/s",
            f"{chars / t / ref:.2f}x",
            rss,
        )


def whole(mb: int, repeat: int, tmp: Path, model: str) -> None:
    log(f"one long text: {mb} MB")
    from caesar_rnn.cipher import encrypt
    from caesar_rnn.data.generate import generate

    # About a megabyte of distinct English lines, encrypted once and repeated to size.
    lines = [str(r["plaintext"]) for r in generate(20000, 8, 64, None, "natural", [], 3)]
    piece = encrypt("\n".join(lines) + "\n", 7).encode()
    src = tmp / "whole.txt"
    with src.open("wb") as f:
        for _ in range(max(1, mb * 2**20 // len(piece))):
            f.write(piece)
    size = src.stat().st_size
    out = tmp / "whole.out"

    def copy() -> None:
        with src.open("rb") as a, out.open("wb") as b:
            shutil.copyfileobj(a, b, 1 << 22)

    walls = []
    for _ in range(repeat):
        t = time.perf_counter()
        copy()
        walls.append(time.perf_counter() - t)
    ref = size / statistics.median(walls) / 1e6
    row("whole", f"file copy, {size / 1e6:,.0f} MB (reference)", f"{ref:,.0f} MB/s", "1.00x", "-")
    t, rss = timed([*CLI, "decrypt", "--whole", "--file", str(src), "--model", model], repeat, out)
    with out.open("rb") as f:
        ok = f.read(len(piece)) == encrypt(piece.decode(), -7).encode()
    assert ok and out.stat().st_size == size, "--whole output is wrong"
    row(
        "whole",
        f"`decrypt --whole --file`, {size / 1e6:,.0f} MB (key 7 found)",
        f"{size / t / 1e6:,.0f} MB/s",
        f"{size / t / 1e6 / ref:.2f}x",
        rss,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", nargs="+", default=["startup", "messages", "whole"])
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    ap.add_argument("--startup-repeat", type=int, default=9)
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument(
        "--words-max-len", type=int, default=64,
        help="the words section's lines: 4 to this many letters (12: short messages only)",
    )  # fmt: skip
    ap.add_argument("--whole-mb", type=int, default=200)
    ap.add_argument("--models", nargs="*", default=[], help="more model dirs to compare")
    ap.add_argument(
        "--jobs", type=int, nargs="+", default=[1, 2], help="decrypt --jobs values to time"
    )
    ap.add_argument("--tmp", default=None, help="folder for the inputs (default: a temp dir)")
    ap.add_argument(
        "--before", default=None, help="another checkout: its decrypt runs in the same rounds"
    )
    args = ap.parse_args()

    from caesar_rnn.store import shipped_model_dir

    model = str(shipped_model_dir())
    head = machine(model)
    tmp = Path(tempfile.mkdtemp(prefix="caesar-bench-", dir=args.tmp))
    try:
        if "startup" in args.sections:
            startup(args.startup_repeat, model)
        if "messages" in args.sections:
            messages(args.lines, args.repeat, tmp, [model, *args.models], args.jobs, args.before)
        if "words" in args.sections:
            words(args.lines, args.repeat, tmp, args.words_max_len)
        if "whole" in args.sections:
            whole(args.whole_mb, args.repeat, tmp, model)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head.append(f"- load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n".join(head))
    print()
    print("| section | what | figure | ratio to reference | peak RSS |")
    print("|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
