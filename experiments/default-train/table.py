"""Summarise measure.sh's runs as a Markdown table: python table.py RUNS_DIR"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.scores import shift_scores

CHECKS = ("helloworld", "The cat sat on the mat")
CIPHERS = ("khoorzruog", "Wkh fdw vdw rq wkh pdw")
SHIPPED = Path(__file__).resolve().parents[2] / "caesar_rnn" / "models" / "default"


def model_dir(run: Path) -> Path:
    if run.name == "shipped":
        return SHIPPED
    return run / "caesar-rnn-model" if (run / "caesar-rnn-model").is_dir() else run / "model"


def accuracy(run: Path, solver: str) -> dict[int, tuple[int, int]]:
    """letters -> (exact, messages), both styles pooled."""
    rows = json.loads((run / "eval.json").read_text())["rows"]
    out: dict[int, tuple[int, int]] = {}
    for r in rows:
        if r["solver"] == solver:
            ok, n = out.get(r["letters"], (0, 0))
            out[r["letters"]] = (ok + round(r["exact"] * r["messages"]), n + r["messages"])
    return out


def timing(run: Path) -> str:
    cfg = model_dir(run) / "config.json"
    if run.name == "shipped":
        return "35,000 steps of 384, 3,176 s on 2 idle cores, bf16 (docs/model.md)"
    if not cfg.exists():
        return "–"
    t = json.loads(cfg.read_text())["metrics"]["train"]
    txt = (run / "time.txt").read_text() if (run / "time.txt").exists() else ""
    m = re.search(r"wall ([\d.]+) s, user ([\d.]+) s, sys ([\d.]+)", txt)
    loads = re.findall(r"load average: ([\d.]+)", (run / "load.txt").read_text())
    cpu = f"{float(m[2]) + float(m[3]):.0f}" if m else "?"
    wall = f"{float(m[1]):.0f}" if m else "?"
    return (
        f"{t['steps']:,} steps, {t['seconds']:.0f} s in the trainer ({t['steps'] / t['seconds']:.2f}"
        f" steps/s), {wall} s wall, {cpu} CPU-s, load {'→'.join(loads)}"
    )


def checks(run: Path, model: Path) -> str:
    """Each card example: ok or what decrypt printed, and the key decode's margin in nats (the
    summed log-probability of the chosen shift's plaintext minus the runner-up's)."""
    got = (run / "checks.txt").read_text().splitlines() if (run / "checks.txt").exists() else []
    scores = np.sort(shift_scores(list(CIPHERS), load_backend(model)), axis=1)
    margins = scores[:, -1] - scores[:, -2]
    return " / ".join(
        ("ok" if g == w else f"`{g}`") + f" ({m:.1f})"
        for g, w, m in zip(got, CHECKS, margins, strict=False)
    )


def main() -> None:
    root = Path(sys.argv[1])
    runs = sorted(p for p in root.iterdir() if (p / "eval.json").exists())
    lengths = sorted(accuracy(runs[0], "model key"))
    head = (
        "| run | training | "
        + " | ".join(str(n) for n in lengths)
        + " | misses 4–24 | card examples |"
    )
    print(head + "\n|" + "---|" * (len(lengths) + 4))
    for run in runs:
        acc = accuracy(run, "model key")
        cells = [f"{100 * acc[n][0] / acc[n][1]:.1f}" for n in lengths]
        misses = sum(acc[n][1] - acc[n][0] for n in lengths)
        print(
            f"| {run.name} | {timing(run)} | "
            + " | ".join(cells)
            + f" | {misses} | {checks(run, model_dir(run))} |"
        )
    acc = accuracy(runs[0], "ngram")
    cells = [f"{100 * acc[n][0] / acc[n][1]:.1f}" for n in lengths]
    misses = sum(acc[n][1] - acc[n][0] for n in lengths)
    print("| quadgram (ngram solver) | – | " + " | ".join(cells) + f" | {misses} | – |")


if __name__ == "__main__":
    main()
