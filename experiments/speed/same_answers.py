"""`decrypt --file` of this checkout against another checkout's, byte for byte, on given files.

    git worktree add /tmp/ref-main main
    python experiments/speed/same_answers.py --ref /tmp/ref-main msgs.txt multi.txt

    python experiments/speed/same_answers.py --ref /tmp/ref-main msgs.txt --jobs 1 2

Runs `python -m caesar_rnn decrypt --file F --jobs J` (and with --json; J from --jobs, default
1) once in the other checkout and once in this one; prints, per file and mode, the seconds of
each and whether stdout and stderr (the checkout's folder aside) are the same bytes. Exits 1
if any differ.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]


def decrypt(root: Path, path: str, extra: list[str], jobs: int) -> tuple[float, bytes, bytes]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    path = str(Path(path).resolve())
    cmd = [sys.executable, "-m", "caesar_rnn", "decrypt", "--file", path, "--jobs", str(jobs)]
    cmd += extra
    t = time.perf_counter()  # run in root: `-m` puts the working folder before PYTHONPATH
    p = subprocess.run(cmd, env=env, cwd=root, capture_output=True, check=True)
    # stderr names the model's folder, inside each checkout: compare the rest.
    return time.perf_counter() - t, p.stdout, p.stderr.replace(bytes(root), b"ROOT")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, help="the other checkout's root")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1], help="decrypt --jobs values")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    bad = 0
    print("| file | jobs | mode | reference | this | stdout same | stderr same |")
    print("|---|---|---|---|---|---|---|")
    for path in args.files:
        for jobs in args.jobs:
            for extra in ([], ["--json"]):
                t0, out0, err0 = decrypt(Path(args.ref), path, extra, jobs)
                t1, out1, err1 = decrypt(HERE, path, extra, jobs)
                bad += out0 != out1 or err0 != err1
                mode = " ".join(extra) or "text"
                same = f"{out0 == out1} | {err0 == err1}"
                print(f"| {Path(path).name} | {jobs} | {mode} | {t0:.2f} s | {t1:.2f} s | {same} |")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
