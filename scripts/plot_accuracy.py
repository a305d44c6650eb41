"""Redraw an accuracy chart from the rows an accuracy report saved (no evaluation is rerun).

    python scripts/plot_accuracy.py docs/accuracy.json docs/accuracy.png
    python scripts/plot_accuracy.py docs/accuracy-midword.json docs/accuracy-midword.png

The JSON is scripts/accuracy_report.py's --json output: "pooled" rows and one entry per text.
Needs the plot extra (matplotlib).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from caesar_rnn.evaluation.report import plot


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=Path, help="JSON written by accuracy_report.py --json")
    ap.add_argument("png", type=Path)
    args = ap.parse_args(argv)
    data = json.loads(args.rows.read_text(encoding="utf-8"))
    pooled = data["pooled"]
    n_texts = len(data) - 1
    per_solver = sum(r["messages"] for r in pooled if r["solver"] == pooled[0]["solver"])
    plot(pooled, args.png, title=f"{n_texts} held-out texts, {per_solver} messages per solver")
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
