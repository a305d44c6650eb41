"""Peak of the summed PSS (MiB) of a command's process tree (it and its workers), sampled every
20 ms: what `decrypt --jobs 2` holds in all, shared pages counted once (the bench's peak RSS is
the largest single process's).

    python experiments/speed/tree_pss.py .venv/bin/python -m caesar_rnn decrypt --file F --jobs 2
    python experiments/speed/tree_pss.py --root /tmp/ref-main .venv/bin/python -m caesar_rnn ...
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def tree(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(q for k in kids for q in tree(int(k)))]


def pss(pid: int) -> int:
    """kB, 0 for a process that is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(x.split()[1]) for x in text.splitlines() if x.startswith("Pss:")), 0)


def main() -> None:
    env, cwd, cmd = dict(os.environ), None, sys.argv[1:]
    if cmd[0] == "--root":  # another checkout's code, run from its root
        env["PYTHONPATH"] = cwd = cmd[1]
        cmd = cmd[2:]
    t = time.perf_counter()
    p = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    peak, count = 0, 0
    while p.poll() is None:
        procs = tree(p.pid)
        total = sum(map(pss, procs))
        if total > peak:
            peak, count = total, len(procs)
        time.sleep(0.02)
    wall = time.perf_counter() - t
    print(f"peak summed PSS {peak / 1024:.0f} MiB over {count} processes; {wall:.2f} s")


if __name__ == "__main__":
    main()
