"""Accuracy of a model on held-out real English, by message length and style, both decode modes.

    python scripts/eval_heldout.py --model caesar_rnn/models/default \
        --corpus NOVEL.txt... /usr/share/common-licenses/GPL-3 --per-bucket 300

Prints a Markdown table (exact-message / per-char accuracy) and optionally writes the rows as JSON.
The held-out texts and how to get them: experiments/README.md, "Held-out text".
"""

from __future__ import annotations

import argparse
import json
import sys

from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import BUCKETS, evaluate, model_solver, sample_messages
from caesar_rnn.files import atomic_write_text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="caesar_rnn/models/default")
    ap.add_argument("--corpus", nargs="+", required=True)
    ap.add_argument("--per-bucket", type=int, default=200)
    ap.add_argument("--buckets", default=",".join(map(str, BUCKETS)))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--mid-word", type=float, default=0.0, help="share of messages starting inside a word"
    )
    ap.add_argument("--json", dest="json_out", default=None)
    args = ap.parse_args()
    buckets = [int(b) for b in args.buckets.split(",")]
    msgs = sample_messages(
        TextCorpus.from_files(args.corpus),
        args.per_bucket,
        buckets,
        seed=args.seed,
        mid_word=args.mid_word,
    )
    solvers = {m: model_solver(args.model, m) for m in ("key", "argmax")}
    rows = evaluate(msgs, solvers)
    if args.json_out:
        atomic_write_text(args.json_out, json.dumps(rows, indent=1))
    table: dict[tuple[str, int], dict[str, str]] = {}
    for r in rows:
        cell = f"{100 * r['exact']:.1f} / {100 * r['char_acc']:.1f}"
        table.setdefault((r["style"], r["letters"]), {})[r["solver"]] = cell
    print(f"| style | letters | {' | '.join(solvers)} |  (exact % / per-char %)")
    print("|---|---|" + "---|" * len(solvers))
    for (style, n), cells in table.items():
        print(f"| {style} | {n} | " + " | ".join(cells[s] for s in solvers) + " |")
    print(f"{len(msgs)} messages from {', '.join(args.corpus)}", file=sys.stderr)


if __name__ == "__main__":
    main()
