"""Training throughput: one process vs torchrun data-parallel processes, on this machine's CPUs.

Trains the same model for the same number of steps in each setting and reads the training
tokens/s that `caesar-rnn train` records in the model's config.json (under torchrun: the tokens of
all ranks over rank 0's training time), the best of --repeats runs, since other work on a shared
machine only ever slows a run down. Only the training loop is timed, not start-up, data
loading or validation. Prints a Markdown table, with the machine's load before and after, for
docs/scaling.md.

    python scripts/bench_ddp.py                      # default English data (needs symspellpy)
    python scripts/bench_ddp.py --corpus README.md   # cut the data from your own text instead

With two cores the fair comparison is 2 processes x 1 thread against 1 process x 2 threads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(cmd: list[str], env: dict[str, str], log: Path, timeout: float | None = None) -> bool:
    """Run to the end (True) or until ``timeout`` seconds (False: the whole process group is
    killed, torchrun's workers too)."""
    with log.open("w") as f:
        proc = subprocess.Popen(
            cmd, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return False
    if rc:
        sys.exit(f"failed ({rc}): {' '.join(cmd)}\n{log.read_text()[-2000:]}")
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=20000)
    ap.add_argument("--steps", type=int, default=300, help="steps per process in every setting")
    ap.add_argument("--batch-size", type=int, default=64, help="messages per step per process")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--arch", default="gru")
    ap.add_argument("--nproc", type=int, default=2, help="processes (and threads) to compare")
    ap.add_argument("--repeats", type=int, default=2, help="runs per setting; the best counts")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per run before giving up")
    ap.add_argument("--only", default="", help="rows to run, e.g. 1,2,5 (default: all)")
    ap.add_argument("--corpus", action="append", default=[], help="text file(s) for gen-data")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_ddp_"))
    work.mkdir(parents=True, exist_ok=True)
    py = [sys.executable, "-m", "caesar_rnn"]
    data = work / "pairs.jsonl"
    gen = [*py, "gen-data", "--out", str(data), "--count", str(args.pairs), "--force"]
    for c in args.corpus:
        gen += ["--corpus", c]
    run(gen, dict(os.environ), work / "gen.log")

    n = args.nproc
    b = args.batch_size
    common = ["--data", str(data), "--arch", args.arch, "--hidden", str(args.hidden)]
    common += ["--layers", str(args.layers), "--steps", str(args.steps), "--device", "cpu"]
    common += ["--seed", "0"]
    passive = {"OMP_WAIT_POLICY": "PASSIVE"}  # idle OpenMP threads sleep instead of spinning
    settings = [  # label, processes, threads per process, batch per process, extra environment
        ("1 process x 1 thread", 1, 1, b, {}),
        (f"1 process x {n} threads", 1, n, b, {}),
        (f"1 process x {n} threads, batch {n * b}", 1, n, n * b, {}),
        (f"torchrun {n} processes x 1 thread", n, 1, b, {}),
        (f"1 process x {n} threads, OMP_WAIT_POLICY=PASSIVE", 1, n, b, passive),
    ]
    chosen = [int(x) for x in args.only.split(",")] if args.only else range(1, len(settings) + 1)
    base = float("nan")  # 1 process x n threads: the fair baseline for n processes x 1 thread
    load_before = load()
    rows = []
    for i, (label, procs, threads, batch, extra) in enumerate(settings):
        if i + 1 not in chosen:
            continue
        out = work / f"model{i}"
        train = ["train", *common, "--out", str(out), "--threads", str(threads)]
        train += ["--batch-size", str(batch)]
        env = {**os.environ, "OMP_NUM_THREADS": str(threads), **extra}
        if procs == 1:
            cmd = [*py, *train]
        else:
            env.setdefault("GLOO_SOCKET_IFNAME", "lo" if sys.platform.startswith("linux") else "")
            if not env["GLOO_SOCKET_IFNAME"]:
                del env["GLOO_SOCKET_IFNAME"]
            cmd = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1"]
            cmd += ["--nproc_per_node", str(procs), "--master_addr", "127.0.0.1"]
            cmd += ["--master_port", str(free_port()), "-m", "caesar_rnn", *train]
        best = None
        for r in range(args.repeats):
            if procs > 1:
                cmd[cmd.index("--master_port") + 1] = str(free_port())
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            if not run(cmd, env, work / f"train{i}-{r}.log", args.timeout):
                print(f"{label}: run {r + 1} timed out after {args.timeout:.0f} s", file=sys.stderr)
                continue
            wall = time.perf_counter() - t0
            m = json.loads((out / "config.json").read_text())["metrics"]["train"]
            row = (label, procs * batch, m["steps"], m["seconds"], m["tokens_per_s"], wall)
            if best is None or row[4] > best[4]:
                best = row
        rows.append(best or (label, procs * batch, 0, float("nan"), 0, float("nan")))
        if i == 1:
            base = rows[-1][4] or float("nan")

    import torch

    print(
        f"{args.arch} hidden {args.hidden} x {args.layers} layers, {args.pairs} pairs, "
        f"{args.steps} steps per process, best of {args.repeats}; torch {torch.__version__}, {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}); load average before {load_before}, "
        f"after {load()}\n"
    )
    print("| setting | messages/step | steps | train s | tokens/s | vs 1 x n threads | wall s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, batch, steps, secs, tps, wall in rows:
        if not steps:
            print(
                f"| {label} | {batch} | - | - | every run timed out (> {args.timeout:.0f} s) | - | - |"
            )
            continue
        print(
            f"| {label} | {batch} | {steps} | {secs} | {tps:,} | {tps / base:.2f}x | {wall:.0f} |".replace(
                "nanx", "-"
            )
        )


if __name__ == "__main__":
    main()
