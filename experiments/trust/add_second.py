"""Add to each cached set the words score per letter of the model's second-best shift (messages
under 12 letters; NaN elsewhere), for the words-margin feature in fit_study.py.

    nice -n 10 .venv/bin/python experiments/trust/add_second.py --shared /work/shared --out /tmp/trustcache
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cache import message_sets, words_per_letter  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-length", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    for name, msgs in message_sets(args.shared, args.per_length, args.seed).items():
        if not (name.startswith(("novels", "licenses", "tune"))):
            continue
        path = args.out / f"{name}.npz"
        d = dict(np.load(path))
        second = np.argsort(-d["scores"], axis=1)[:, 1]
        short = np.flatnonzero(d["n"] < 12)
        out = np.full(len(msgs), np.nan)
        out[short] = words_per_letter([msgs[i] for i in short], second[short])
        d["words_second"] = out
        np.savez(path, **d)
        print(name, len(short), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
