"""Summarise what each training lever bought: reads the eval JSON files that
`scripts/eval_heldout.py --json` wrote for each variant trained by `scripts/explore_gpu.sh`, and
prints one Markdown row per variant (exact-message accuracy, key and argmax decode, per length).

    python scripts/levers_table.py runs/explore/{base,b256,h384,l3,lstm,canon,canon_b256}.eval.json
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def main() -> None:
    files = [Path(p) for p in sys.argv[1:]]
    lengths: list[int] = []
    table: dict[str, dict[tuple[str, int], float]] = {}
    for f in files:
        rows = json.loads(f.read_text())
        cells: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
        for r in rows:  # pool the two styles, weighted by messages
            cells[(r["solver"], r["letters"])].append((r["messages"], r["exact"]))
        name = f.name.removesuffix(".eval.json")
        table[name] = {k: sum(n * a for n, a in v) / sum(n for n, _ in v) for k, v in cells.items()}
        lengths = sorted({n for _, n in cells})
    for solver in ("key", "argmax"):
        print(f"\nexact-message accuracy, {solver} decode (%, both styles pooled)\n")
        print("| variant | " + " | ".join(str(n) for n in lengths) + " |")
        print("|---|" + "---:|" * len(lengths))
        for name, cells_ in table.items():
            print(
                f"| {name} | "
                + " | ".join(f"{100 * cells_[(solver, n)]:.1f}" for n in lengths)
                + " |"
            )


if __name__ == "__main__":
    main()
