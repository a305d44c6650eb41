"""Tabulate held-out evaluations side by side: reads the eval JSON files that
`scripts/eval_heldout.py --json` wrote, one per model (say each variant of a training lever), and
prints one Markdown row per model (exact-message accuracy, key and argmax decode, per length).

    python scripts/levers_table.py runs/a.eval.json runs/b.eval.json
    python scripts/levers_table.py base=runs/A-base.eval.json,runs/B-base.eval.json ...

An argument NAME=FILE,FILE... pools several eval files (say two held-out sets) into one row. The
last column counts the messages of 4-16 letters that the decode got wrong.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def main() -> None:
    lengths: list[int] = []
    table: dict[str, dict[tuple[str, int], float]] = {}
    misses: dict[str, dict[str, int]] = {}  # per variant and solver, at 4-16 letters
    counts: set[int] = set()
    for arg in sys.argv[1:]:
        name, _, paths = arg.rpartition("=")
        files = [Path(p) for p in paths.split(",")]
        name = name or files[0].name.removesuffix(".eval.json")
        cells: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
        for f in files:
            for r in json.loads(f.read_text()):  # pool styles and files, weighted by messages
                cells[(r["solver"], r["letters"])].append((r["messages"], r["exact"]))
        table[name] = {k: sum(n * a for n, a in v) / sum(n for n, _ in v) for k, v in cells.items()}
        counts |= {sum(n for n, _ in v) for v in cells.values()}
        misses[name] = defaultdict(int)
        for (solver, letters), v in cells.items():
            if letters <= 16:
                misses[name][solver] += sum(round(n * (1 - a)) for n, a in v)
        lengths = sorted({n for _, n in cells})
    print(f"messages per cell: {', '.join(map(str, sorted(counts)))}")
    for solver in ("key", "argmax"):
        print(f"\nexact-message accuracy, {solver} decode (%, both styles pooled)\n")
        print("| variant | " + " | ".join(str(n) for n in lengths) + " | misses at 4-16 |")
        print("|---|" + "---:|" * (len(lengths) + 1))
        for name, cells_ in table.items():
            print(
                f"| {name} | "
                + " | ".join(f"{100 * cells_[(solver, n)]:.1f}" for n in lengths)
                + f" | {misses[name][solver]} |"
            )


if __name__ == "__main__":
    main()
